"""tokens.yaml is validated on load with a clear error."""

import copy

import pytest
import yaml

from pipelines.dates.lexicon import DEFAULT_PATH, LexiconError, load_lexicon, parse_lexicon


@pytest.fixture
def raw():
    return yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))


def test_packaged_lexicon_loads():
    lex = load_lexicon()
    assert lex.months["sept"] == 9 and lex.weekdays["tuesday"] == 2
    assert lex.part_words[("the", "end", "of")] == "late"
    assert "on" in lex.words["month_triggers"]  # YAML 1.1 would read a bare `on` as true


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda r: r.pop("months"), "missing keys: months"),
        (lambda r: r["months"].pop(12), "months"),
        (lambda r: r["months"][1].append("feb"), "listed twice"),
        (lambda r: r["part_words"].update({"late": []}), "part_words.late"),
        (lambda r: r["part_words"].update({"very": ["very"]}), "part_words"),
        (lambda r: r["units"].update({"fortnight": "fortnight"}), "units"),
        (lambda r: r["seasons"].update({"monsoon": 7}), "seasons"),
        (lambda r: r["quantity_lemmas"].append(True), "quantity_lemmas"),
        (lambda r: r["number_words"].update({"dozen": "12"}), "number_words"),
    ],
)
def test_defects_are_reported(raw, mutate, message):
    bad = copy.deepcopy(raw)
    mutate(bad)
    with pytest.raises(LexiconError, match=message):
        parse_lexicon(bad)


def test_not_yaml(tmp_path):
    p = tmp_path / "tokens.yaml"
    p.write_text("months: [unclosed", encoding="utf-8")
    with pytest.raises(LexiconError, match="not valid YAML"):
        load_lexicon(p)
