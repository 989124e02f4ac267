"""Tokenise text for the figures extractor: words, numbers and punctuation with character offsets,
sentence numbers, and token-phrase matching."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# Thousands separated by a space: a space, NO-BREAK SPACE, NARROW NO-BREAK SPACE or THIN SPACE (clean
# text has the last three folded to a space already). Only a group of exactly three digits after a head
# of one to three digits counts ("7 000 people", "12 500 displaced", "1 250 000"), so a year before a
# count stays two numbers ("in 2014 2,000 people"). FP risk: two separate numbers written side by side,
# the second of exactly three digits ("on March 5 200 people", "400 737 jets"), read as one.
THOUSANDS_SPACES = " \u00a0\u202f\u2009"
_SPACED_NUMBER = rf"(?<![\d.,])\d{{1,3}}(?:[{THOUSANDS_SPACES}]\d{{3}})+(?:\.\d+)?(?![\w%]|[.,]\d)"
# A token is a run of letters or a number (digits with , or . separators, or space-separated thousands),
# possibly joined to further runs by hyphens or apostrophes ("al-Aqsa", "twenty-five", "100-150",
# "JFS's"); any other non-space character is a token of its own.
_TOKEN_RE = re.compile(
    rf"{_SPACED_NUMBER}|(?:\d+(?:[.,]\d+)*|[^\W\d_]+)(?:[-‐'’](?:\d+(?:[.,]\d+)*|[^\W_]+))*|\S",
)
NUMBER_RE = re.compile(
    rf"^(?:\d{{1,3}}(?:,\d{{3}})+|\d{{1,3}}(?:[{THOUSANDS_SPACES}]\d{{3}})+|\d+)(?:\.\d+)?$",
)
_SEPARATORS = str.maketrans("", "", "," + THOUSANDS_SPACES)


def number_value(text: str) -> float:
    """The value of a number token: "7,000", "7 000" (any thousands space) and "7000" are 7000.0."""
    return float(text.translate(_SEPARATORS))


_ABBREVIATIONS = frozenset(
    "jan feb mar apr jun jul aug sep sept oct nov dec mr mrs ms dr st gen col lt sgt capt maj no vs etc "
    "approx fig gov sen rep prof inc ltd co corp".split()
)
QUOTES = frozenset("\"'“”‘’«»")
DASHES = frozenset("–—-")


@dataclass(frozen=True)
class Token:
    idx: int
    text: str
    lower: str
    start: int
    end: int
    sent: int
    space_before: bool
    newline_before: bool

    @property
    def is_number(self) -> bool:
        return bool(NUMBER_RE.match(self.text))

    @property
    def is_alpha(self) -> bool:
        return self.text[:1].isalpha()

    @property
    def is_capitalised(self) -> bool:
        return self.text[:1].isupper()


def phrase_tokens(phrase: str) -> tuple[str, ...]:
    """Lower-cased tokens of a lexicon phrase."""
    return tuple(m.group(0).lower() for m in _TOKEN_RE.finditer(phrase))


def tokenize(text: str) -> list[Token]:
    """Tokens of text with offsets and sentence numbers."""
    raw = [(m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]
    datelines = _dateline_ends(text, raw)
    tokens: list[Token] = []
    sent = 0
    prev_end = 0
    for i, (s, e) in enumerate(raw):
        gap = text[prev_end:s]
        newline = "\n" in gap
        if i > 0 and (newline or _ends_sentence(text, raw, i - 1) or (i - 1) in datelines):
            sent += 1
        word = text[s:e]
        tokens.append(Token(i, word, word.lower(), s, e, sent, bool(gap), newline))
        prev_end = e
    return tokens


def _dateline_ends(text: str, raw: list[tuple[int, int]]) -> set[int]:
    """Indices of the dash ending a dateline ("ALEPPO, Syria, May 3 –", "Kobani (Syria) —") at the start of a
    line: the place the story was filed from is its own segment, not part of the first sentence."""
    out: set[int] = set()
    line_start = True
    i = 0
    n = len(raw)
    while i < n:
        s, _ = raw[i]
        if i > 0 and "\n" in text[raw[i - 1][1] : s]:
            line_start = True
        if line_start:
            line_start = False
            if text[s].isupper():
                for k in range(i, min(n, i + 10)):
                    ks, ke = raw[k]
                    if k > i and "\n" in text[raw[k - 1][1] : ks]:
                        break
                    word = text[ks:ke]
                    glued_digits = 0 < ks and ke < len(text) and text[ks - 1].isdigit() and text[ke].isdigit()
                    if glued_digits:
                        continue  # "350–375": a range, not the dash closing a dateline
                    if word in ("–", "—") or (word == "-" and k > i and text[ks - 1] == " "):
                        if k > i:
                            out.add(k)
                        break
                    if not (word[:1].isupper() or word[:1].isdigit() or word in (",", "(", ")", ".")):
                        break
        i += 1
    return out


def _ends_sentence(text: str, raw: list[tuple[int, int]], i: int) -> bool:
    s, e = raw[i]
    mark = text[s:e]
    if mark not in (".", "!", "?"):
        return False
    if i + 1 >= len(raw):
        return True
    ns, _ = raw[i + 1]
    if ns == e:  # "U.S." - no space after the stop
        return False
    nxt = text[ns]
    if not (nxt.isupper() or nxt.isdigit() or nxt in QUOTES or nxt in "([•"):
        return False
    if mark == "." and i > 0:
        ps, pe = raw[i - 1]
        prev = text[ps:pe]
        if pe == s and (prev.lower() in _ABBREVIATIONS or (len(prev) == 1 and prev.isupper())):
            return False
    return True


def match_phrase(tokens: Sequence[Token], i: int, phrase: tuple[str, ...]) -> int:
    """End index (exclusive) if phrase matches tokens from i, else -1."""
    if i < 0 or i + len(phrase) > len(tokens):
        return -1
    sent = tokens[i].sent
    for k, word in enumerate(phrase):
        tok = tokens[i + k]
        if tok.lower != word or tok.sent != sent:
            return -1
    return i + len(phrase)


def match_any(tokens: Sequence[Token], i: int, phrases: Sequence[tuple[str, ...]]) -> tuple[int, int]:
    """(end, index of phrase) of the first (longest, if sorted) phrase matching at i, else (-1, -1)."""
    for n, phrase in enumerate(phrases):
        end = match_phrase(tokens, i, phrase)
        if end >= 0:
            return end, n
    return -1, -1


def match_ending_at(tokens: Sequence[Token], end: int, phrases: Sequence[tuple[str, ...]]) -> tuple[int, int]:
    """(start, index of phrase) of a phrase whose last token is tokens[end - 1], else (-1, -1)."""
    for n, phrase in enumerate(phrases):
        start = end - len(phrase)
        if start >= 0 and match_phrase(tokens, start, phrase) == end:
            return start, n
    return -1, -1
