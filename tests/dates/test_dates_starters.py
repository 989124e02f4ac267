"""The grammar skips tokens no expression can start with (ordinary words). The skip must change nothing:
the dates found with it equal those found trying every token, and the grammar's own word list holds every
word grammar.py compares a token with."""

import ast
import datetime
from pathlib import Path

from pipelines import settings
from pipelines.dates import extract_dates
from pipelines.dates import grammar as grammar_module
from pipelines.dates.lexicon import default_lexicon
from pipelines.dates.recognise import parse_text

# string constants of grammar.py that are no word of a text: dependency labels, node and anchor tags
NOT_WORDS = {"acl", "amod", "compound", "prep", "relcl", "abs", "pub", "text", "relative", "implicit"}
NOT_WORDS |= {"edge", "gt", "lt", "le"}


def _texts() -> list[str]:
    folders = [settings.PROJECT_ROOT / "raw", *sorted((settings.PROJECT_ROOT / "gold").glob("*/"))]
    return [p.read_text(encoding="utf-8") for folder in folders for p in sorted(Path(folder).glob("*.txt"))]


def _dates(text: str, doc) -> list[tuple]:
    return [
        (m.start, m.end, m.date_start, m.date_end, m.granularity, m.anchor)
        for m in extract_dates(text, datetime.date(2020, 6, 15), doc=doc)
    ]


def test_skipping_ordinary_words_finds_the_same_dates(monkeypatch):
    texts = _texts()
    assert len(texts) >= 40
    docs = [parse_text(t) for t in texts]
    skipping = [_dates(t, d) for t, d in zip(texts, docs, strict=True)]
    assert sum(map(len, skipping)) > 200
    monkeypatch.setattr(grammar_module.Grammar, "may_start", lambda self, i: True)
    trying_all = [_dates(t, d) for t, d in zip(texts, docs, strict=True)]
    assert skipping == trying_all


def _string_constants() -> set[str]:
    tree = ast.parse(Path(grammar_module.__file__).read_text(encoding="utf-8"))
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value.isalpha()
        and node.value.islower()
    }


def test_every_word_the_grammar_compares_can_start_an_expression():
    constants = _string_constants()
    assert len(constants) > 50  # the scan reads the comparisons (a broken scan would find none)
    known = grammar_module.GRAMMAR_WORDS | default_lexicon().vocabulary
    missing = sorted(constants - known - NOT_WORDS)
    assert missing == [], f"add these to grammar.GRAMMAR_WORDS: {missing}"
