"""Transliteration-tolerant keys: fold each spaCy token of a text to the key(s) names are matched on.

Arabic names reach English text in many spellings (Deir ez-Zor / Deir al-Zour / Deir Azzour,
Hay'at / Hayat, Jeish / Jaysh, Raqqa / Raqqah). Both the knowledge base aliases and the article text go
through the same folding, token by token of spaCy's tokenizer, so two spellings match when their folded
key sequences are equal. The articles and the folding rules are data (`transliteration.yaml`), each
rule with the confusion it risks.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from pipelines.entities.kb import KnowledgeBaseError

if TYPE_CHECKING:
    from spacy.tokens import Token

ARTICLE = "al"  # every article folds to this token
DATA_PATH = Path(__file__).parent / "transliteration.yaml"


@dataclass(frozen=True)
class FoldRule:
    """One spelling-folding rule applied to a lower-cased, accent-free word."""

    name: str
    pattern: str
    repl: str
    risk: str


def _load(path: Path = DATA_PATH) -> dict:
    """The folding data, validated: every list non-empty, every pattern a regular expression."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    lists = ("articles_free", "articles_hyphenated", "articles_mid_name", "conjunction_articles")
    try:
        out = {k: frozenset(data[k]) for k in lists}
        out["apostrophes"] = str(data["apostrophes"])
        out["fused_article"], out["fused_din"] = (
            re.compile(data["fused_article"]),
            re.compile(data["fused_din"]),
        )
        out["rules"] = tuple(FoldRule(**r) for r in data["folding_rules"])
        out["compiled"] = tuple((re.compile(r.pattern), r.repl) for r in out["rules"])
    except (KeyError, TypeError, re.error) as exc:
        raise KnowledgeBaseError(f"{path.name}: {exc!r}") from exc
    if not all(out[k] for k in (*lists, "rules")):
        raise KnowledgeBaseError(f"{path.name}: every list must be non-empty")
    return out


_DATA = _load()
APOSTROPHES: str = _DATA["apostrophes"]
ARTICLES_MID_NAME: frozenset[str] = _DATA["articles_mid_name"]
FOLDING_RULES: tuple[FoldRule, ...] = _DATA["rules"]


def strip_accents(s: str) -> str:
    """Remove combining marks: 'Ḥayʾat' -> 'Hayʾat'."""
    decomposed = unicodedata.normalize("NFKD", s)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def fold_word(word: str) -> str:
    """Fold one word (no spaces, no hyphens) to its transliteration-tolerant key."""
    s = strip_accents(word).casefold()
    s = "".join(c for c in s if c not in APOSTROPHES)
    for rx, repl in _DATA["compiled"]:
        s = rx.sub(repl, s)
    return s


@lru_cache(maxsize=65536)
def _split_word(raw: str, hyphen_follows: bool) -> tuple[str, ...]:
    """Return the folded keys one raw word stands for (a fused article yields two keys)."""
    low = strip_accents(raw).casefold()
    low_noapos = "".join(c for c in low if c not in APOSTROPHES)
    if low_noapos in _DATA["articles_free"]:
        return (ARTICLE,)
    if hyphen_follows and low_noapos in _DATA["articles_hyphenated"]:
        return (ARTICLE,)
    if low_noapos in _DATA["conjunction_articles"]:
        return ("wa", ARTICLE)
    m = _DATA["fused_din"].match(low_noapos)
    if m:
        return (fold_word(m.group(1)), ARTICLE, "din")
    m = _DATA["fused_article"].match(low_noapos)
    if m:
        return (ARTICLE, fold_word(m.group(1) + m.group(2)))
    return (fold_word(raw),)


# A hyphen between two words with no space around it joins them like a space: "al-Sham" = "al Sham",
# "Damascus-Aleppo highway". A dash with spaces around it stays a key of its own ("Task Force –
# Operation ..." only matches a name written with that dash).
HYPHENS = frozenset("-‐‑")
DASHES = frozenset("–—")
# A possessive or a lone apostrophe leaves no key: "Workers' Party" = "Workers Party", "HTS's" = "HTS".
POSSESSIVES = frozenset({"'s", "’s", "'S", "’S"})
NEWLINE = "\n"  # every run of white space holding a line break is this key: no name crosses it


def token_keys(tokens: Sequence[Token]) -> list[tuple[str, ...]]:
    """The folded keys of each token of a spaCy Doc (or span): () for a token that only joins words,
    one key for a word, two for a word with a fused article ("Azzour" -> ("al", "zur"))."""
    out: list[tuple[str, ...]] = []
    last: tuple[str, ...] = ()
    n = len(tokens)
    for i, t in enumerate(tokens):
        raw = t.text
        attached = t.whitespace_ == "" and i + 1 < n
        if t.is_space:
            keys: tuple[str, ...] = (NEWLINE,) if NEWLINE in raw else ()
        elif raw in POSSESSIVES or not raw.strip(APOSTROPHES):
            keys = ()
        elif raw in HYPHENS or raw in DASHES:
            joined = raw in HYPHENS and i > 0 and tokens[i - 1].whitespace_ == "" and attached
            keys = () if joined else ("-",)
        elif t.is_punct:
            keys = (raw,)
        else:
            hyphen_follows = attached and tokens[i + 1].text in HYPHENS
            keys = _split_word(raw, hyphen_follows)
            if raw in ARTICLES_MID_NAME and _between_capitals(tokens, i):
                keys = (ARTICLE,)
            if len(keys) > 1 and keys[0] == ARTICLE and last[-1:] == (ARTICLE,):
                keys = keys[1:]  # "al-Assad": the written article already stands before the fused one
        out.append(keys)
        if keys:
            last = keys
    return out


def _between_capitals(tokens: Sequence[Token], i: int) -> bool:
    """Token i stands between two capitalised words of one name, single spaces around it."""
    if i == 0 or i + 1 >= len(tokens) or tokens[i - 1].whitespace_ != " " or tokens[i].whitespace_ != " ":
        return False
    return tokens[i - 1].text[:1].isupper() and tokens[i + 1].text[:1].isupper()


def fold_phrase(phrase: str) -> tuple[str, ...]:
    """Folded key sequence of a whole name, by spaCy's tokenizer: 'Deir ez-Zor' -> ('dair', 'al', 'zur')."""
    from pipelines.nlp import load_nlp

    return tuple(k for keys in token_keys(load_nlp().make_doc(phrase)) for k in keys)
