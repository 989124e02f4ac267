"""Read the layout of a report around its figures: lines, bullet items, "Label: N" lines, headings and
their topic ("DISPLACED PEOPLE BY AREA" counts the displaced), and runs of place-number pairs ("Hama 40,
Homs 35" or "Hama (120), Homs (90)") that break a total down by place."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pipelines.figures.lexicon import Lexicon
from pipelines.figures.tokens import Token

logger = logging.getLogger(__name__)

# A label before its colon is short ("Deaths recorded:", "Marj district:"). FP risk: a sentence
# that quotes someone after a colon - the number must follow the colon directly to be the label's value.
_MAX_LABEL_TOKENS = 10
# A heading is a short line without sentence punctuation at its end ("Breakdown by governorate").
_MAX_HEADING_TOKENS = 14
_SENTENCE_END = frozenset(".!?\"'”’»…")
# Words that may open the last item of a place run without a place name ("other provinces 12").
_REST_WORDS = frozenset("other others remaining rest elsewhere".split())


@dataclass(frozen=True)
class Line:
    first: int  # first token index
    end: int  # exclusive token index
    bullet: bool  # opens with a list marker
    colon: int | None  # token index of the colon ending a short label at the line's start
    heading: bool  # short, no sentence punctuation at its end, not a bullet


def lines(tokens: Sequence[Token], lex: Lexicon) -> list[Line]:
    """The lines of the text (a token with a newline before it opens a line)."""
    out: list[Line] = []
    n = len(tokens)
    i = 0
    while i < n:
        j = i + 1
        while j < n and not tokens[j].newline_before:
            j += 1
        bullet = tokens[i].text in lex.list_markers
        body = i + 1 if bullet else i
        colon = None
        for k in range(body, min(j, body + _MAX_LABEL_TOKENS + 1)):
            if tokens[k].text == ":":
                colon = k if k > body else None
                break
            if tokens[k].text in (".", ";", "!", "?"):
                break
        last = tokens[j - 1].text
        heading = not bullet and colon is None and j - i <= _MAX_HEADING_TOKENS and last not in _SENTENCE_END
        out.append(Line(i, j, bullet, colon, heading))
        i = j
    return out


def line_index(line_list: Sequence[Line], tok: int) -> int:
    """Index of the line holding token tok (binary search)."""
    lo, hi = 0, len(line_list) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if line_list[mid].first <= tok:
            lo = mid
        else:
            hi = mid - 1
    return lo


def topic_of(tokens: Sequence[Token], lo: int, hi: int, lex: Lexicon) -> str | None:
    """The category the first topic word in tokens [lo, hi) names ("fatalities" -> killed), else None."""
    for k in range(max(lo, 0), min(hi, len(tokens))):
        cat = lex.topic_words.get(tokens[k].lower)
        if cat is not None:
            return cat
    return None


def label_topic(tokens: Sequence[Token], line: Line, lex: Lexicon) -> str | None:
    """ "Deaths recorded: 380": the category the label before the colon names."""
    if line.colon is None:
        return None
    return topic_of(tokens, line.first, line.colon, lex)


def heading_topic(tokens: Sequence[Token], line_list: Sequence[Line], li: int, lex: Lexicon) -> str | None:
    """The topic of the heading a list sits under: the nearest line before line li that is neither a
    bullet nor a label line; None when that line is prose or names no topic."""
    for k in range(li - 1, -1, -1):
        line = line_list[k]
        if line.bullet or line.colon is not None:
            continue
        if not line.heading:
            return None
        return topic_of(tokens, line.first, line.end, lex)
    return None


def list_block(line_list: Sequence[Line], li: int) -> list[int]:
    """The indices of the run of consecutive bullet lines holding line li (just [li] for another line)."""
    if not line_list[li].bullet:
        return [li]
    a = li
    while a > 0 and line_list[a - 1].bullet:
        a -= 1
    b = li
    while b + 1 < len(line_list) and line_list[b + 1].bullet:
        b += 1
    return list(range(a, b + 1))


def place_runs(tokens: Sequence[Token], mi: dict[int, Any]) -> list[list[tuple[int, int, Any]]]:
    """Runs of at least two place-number pairs on one line, separated by commas, semicolons or "and":
    "Hama 40, Homs 35 and other provinces 12", "Hama (120), Homs (90)". Each item is (first token
    of the pair, token of the number, the place mention or None for a closing "other ..." item)."""
    runs: list[list[tuple[int, int, Any]]] = []
    current: list[tuple[int, int, Any]] = []
    n = len(tokens)
    j = 0
    while j < n:
        item = _pair_at(tokens, j, mi)
        if item is None:
            if len(current) >= 2:
                runs.append(current)
            current = []
            j += 1
            continue
        start, num, place, end = item
        if current and tokens[start].newline_before:
            if len(current) >= 2:
                runs.append(current)
            current = []
        current.append((start, num, place))
        # the separator that continues the run
        if end < n and not tokens[end].newline_before and tokens[end].lower in (",", ";", "and"):
            k = end + 1
            if k < n and tokens[k].lower == "and" and tokens[end].text == ",":
                k += 1
            j = k
            continue
        if len(current) >= 2:
            runs.append(current)
        current = []
        j = end
    if len(current) >= 2:
        runs.append(current)
    # a run needs two named places: "other ... 15" alone is no list
    return [r for r in runs if sum(1 for _, _, p in r if p is not None) >= 2]


def _pair_at(tokens: Sequence[Token], j: int, mi: dict[int, Any]) -> tuple[int, int, Any, int] | None:
    """A place-number pair starting at token j: (start, number token, place or None, end)."""
    n = len(tokens)
    m = mi.get(j)
    if m is not None and getattr(m, "entity_type", None) == "location" and (j == 0 or mi.get(j - 1) is not m):
        k = j
        while k < n and mi.get(k) is m:
            k += 1
        place = m
    elif tokens[j].lower in _REST_WORDS:
        k = j + 1
        while k < n and k < j + 3 and tokens[k].is_alpha and mi.get(k) is None:
            k += 1
        place = None
    else:
        return None
    if k + 2 < n and tokens[k].text == "(" and tokens[k + 1].is_number and tokens[k + 2].text == ")":
        num, end = k + 1, k + 3
    elif k < n and tokens[k].is_number and tokens[k].space_before:
        num, end = k, k + 1
    else:
        return None
    if tokens[num].newline_before or (end < n and tokens[end].is_alpha and not tokens[end].newline_before):
        return None  # "Hama 40 fighters": a count with its own noun, read as a sentence
    if end < n and tokens[end].text in ("%", "/", ":") and not tokens[end].space_before:
        return None
    return j, num, place, end
