"""Transliteration-tolerant keys: fold each spaCy token of a text to the key(s) names are matched on.

Arabic names reach English text in many spellings (Deir ez-Zor / Deir al-Zour / Deir Azzour,
Hay'at / Hayat, Jeish / Jaysh, Raqqa / Raqqah). Both the knowledge base aliases and the article text go
through the same folding, token by token of spaCy's tokenizer, so two spellings match when their folded
key sequences are equal. The folding rules are listed one by one in `FOLDING_RULES`, each with the
confusion it risks.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Token

# Characters that stand for an apostrophe, a hamza or an ʿayn inside a transliterated name.
# Dropped inside a token: "Hay’at" -> "hayat", "Sa'ad" -> "saad", "ʿAyn" -> "ayn".
APOSTROPHES = "'’‘ʿʾʼʻ`´"

# Tokens that are the Arabic definite article. "al"/"el" are taken as articles anywhere (they are not
# English words); the assimilated forms ("ad", "as", "an", "at", "ar", "az", "ash", ...) only when a hyphen
# joins them to the next word, because "as", "an", "at" are English words.
ARTICLES_FREE = ("al", "el", "il", "ul")
ARTICLES_HYPHENATED = (
    "ad", "ed", "ud", "as", "es", "us", "an", "en", "un", "at", "et", "ar", "er", "az", "ez",
    "ash", "esh", "ath", "eth", "adh", "edh", "ul", "ut", "ur", "uz",
)  # fmt: skip
ARTICLE = "al"  # every article folds to this token

# "wal-Jihad", "wal-Ansar": the conjunction "wa" fused with the article.
CONJ_ARTICLE = ("wal", "wel", "wa'l")

# Capitalised articles written apart inside a name, as UN and ACLED gazetteers do ("Maarrat An Nu'man",
# "Deir Ez Zor", "Ras Al Ain"). Taken as the article only between two capitalised words of one name,
# because "An", "As", "At" open English sentences ("An Islamic State commander").
ARTICLES_MID_NAME = ("An", "Ar", "As", "Ad", "At", "Az", "Ash", "Ath", "Ed", "Er", "Es", "Et", "Ez", "En")

# Sun letters an assimilated article doubles when it is written fused to the word: "Azzour" = "az-Zour",
# "Assad" = "as-Sad"... Risk: an English or foreign word of that shape ("Annan", "Essex") gets split too,
# harmless because the same split happens on the alias side and only whole alias keys are compared.
_FUSED_ARTICLE = re.compile(r"^[ae](sh|th|dh|t|d|r|z|s|n)\1(\w{2,})$")
# "Nureddin", "Salahuddin": "X ad-Din" written as one word. Risk: none known in English.
_FUSED_DIN = re.compile(r"^(\w{2,}?)[uea]d(?:d)?din$")


@dataclass(frozen=True)
class FoldRule:
    """One spelling-folding rule applied to a lower-cased, accent-free token."""

    name: str
    pattern: str
    repl: str
    risk: str


# Order matters: doubled letters collapse first, then vowel digraphs, then single letters.
FOLDING_RULES: tuple[FoldRule, ...] = (
    FoldRule("french_dj", "dj", "j", "French 'Djihad' = 'Jihad'; no English word starts with dj"),
    FoldRule("french_ch", "ch", "sh", "French 'Cham' = 'Sham'; English 'ch' words fold too, on both sides"),
    FoldRule("ee", "ee", "i", "Muhajireen/Muhajirin"),
    FoldRule(
        "ou", "ou|oo|o", "u", "Zour/Zor/Zur, Nour/Nur, Dawood/Dawud; 'o' and 'u' never contrast in Arabic"
    ),
    FoldRule("doubled", r"(.)\1+", r"\1", "Raqqa/Raqa, Muhammad/Muhamad; 'Hassan'='Hasan' is wanted"),
    FoldRule("ei_ay", "ei|ey|ay|ai|ae", "ai", "Jeish/Jaysh/Jaish, Sheikh/Shaykh, Deir/Dair"),
    FoldRule(
        "e_a",
        "e(?!$)",
        "a",
        "Zengi/Zangi, Hezb/Hazb; short vowels are unwritten in Arabic. A word-final 'e' stays: it is the "
        "silent English 'e' ('Europe' is not 'Europa', 'Share' is not 'Sharaa')",
    ),
    FoldRule("aw", "aw", "au", "Tawhid/Tauhid, Dawud/Daud"),
    FoldRule("q_k", "q", "k", "Qaeda/Kaeda, Raqqa/Rakka; Arabic qaf and kaf merge, on both sides"),
    FoldRule("doubled_again", r"(.)\1+", r"\1", "letters doubled by the rules above (Daoud -> Dauud)"),
    FoldRule("final_ah", r"(?<=\w)(ah|eh)$", "a", "Raqqah/Raqqa, Hamah/Hama (ta marbuta)"),
    FoldRule(
        "kunya_abi",
        r"^abi$",
        "abu",
        "Abi is the genitive of Abu in a kunya ('Ibn Abi Talib', 'Abi Mohammed'); the English given name "
        "'Abi' folds to 'Abu' too, which only matters if a knowledge-base name starts with 'Abu' and the "
        "same second word",
    ),
)
_COMPILED_RULES = tuple((re.compile(r.pattern), r.repl) for r in FOLDING_RULES)


def strip_accents(s: str) -> str:
    """Remove combining marks: 'Ḥayʾat' -> 'Hayʾat'."""
    decomposed = unicodedata.normalize("NFKD", s)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def fold_word(word: str) -> str:
    """Fold one word (no spaces, no hyphens) to its transliteration-tolerant key."""
    s = strip_accents(word).casefold()
    s = "".join(c for c in s if c not in APOSTROPHES)
    for rx, repl in _COMPILED_RULES:
        s = rx.sub(repl, s)
    return s


@lru_cache(maxsize=65536)
def _split_word(raw: str, hyphen_follows: bool) -> tuple[str, ...]:
    """Return the folded keys one raw word stands for (a fused article yields two keys)."""
    low = strip_accents(raw).casefold()
    low_noapos = "".join(c for c in low if c not in APOSTROPHES)
    if low_noapos in ARTICLES_FREE:
        return (ARTICLE,)
    if hyphen_follows and low_noapos in ARTICLES_HYPHENATED:
        return (ARTICLE,)
    if low_noapos in CONJ_ARTICLE or low_noapos == "wal":
        return ("wa", ARTICLE)
    m = _FUSED_DIN.match(low_noapos)
    if m:
        return (fold_word(m.group(1)), ARTICLE, "din")
    m = _FUSED_ARTICLE.match(low_noapos)
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
