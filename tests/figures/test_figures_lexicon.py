"""The lexicon file loads and a malformed one fails with a message naming the key."""

import copy

import pytest
import yaml

from pipelines.figures.lexicon import LEXICON_PATH, LexiconError, build_lexicon, load_lexicon


def _data():
    return yaml.safe_load(LEXICON_PATH.read_text(encoding="utf-8"))


def test_shipped_lexicon_loads():
    lex = load_lexicon()
    assert lex.categories["nouns"]["fighter"] == "fighters"
    assert lex.predicates[("strong", "patient")]["martyr"] == "killed"
    assert lex.predicates[("strong", "subject")]["die"] == "killed"
    assert "regime" in lex.state_forces["cues"]
    assert any(v.phrase == ("a", "couple") or v.low == 100 for v in lex.vague)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.pop("vague"), "vague"),
        (lambda d: d["vague"].append({"phrase": "lots", "low": 9, "high": 3}), "low > high"),
        (lambda d: d["qualifiers"].append({"phrase": "loads", "qualifier": "huge"}), "qualifier"),
        (lambda d: d["qualifiers"].append({"phrase": "  ", "qualifier": "approx"}), "no words"),
        (lambda d: d["vague"].append({"phrase": " ", "low": 1, "high": 3}), "no words"),
        (lambda d: d["nouns"].update({"heroes": ["x"]}), "unknown category"),
        (lambda d: d["predicates"]["killed"]["strong"].update({"agent": ["kill"]}), "roles"),
        (lambda d: d.update({"hedges": [1, 2]}), "hedges"),
        (lambda d: d["thing_nouns"].append("fighter"), "both person and thing"),
        (lambda d: d["state_forces"].update({"aliases": ["army"]}), "nationality"),
    ],
)
def test_malformed_lexicon_is_rejected(mutate, message):
    data = copy.deepcopy(_data())
    mutate(data)
    with pytest.raises(LexiconError, match=message):
        build_lexicon(data)
