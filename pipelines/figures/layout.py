"""Read the layout of a report around its figures: lines, bullet items, "Label: N" lines, headings and
their topic ("DISPLACED PEOPLE BY AREA" counts the displaced), and runs of place-number pairs ("Hama 40,
Homs 35" or "Hama (120), Homs (90)") that break a total down by place."""

from __future__ import annotations

import bisect
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pipelines.figures.category import topic
from pipelines.figures.lexicon import Lexicon
from pipelines.figures.view import Token, first_mention

logger = logging.getLogger(__name__)

# A label before its colon is short ("Deaths recorded:", "Marj district:"). FP risk: a sentence
# that quotes someone after a colon - the number must follow the colon directly to be the label's value.
_MAX_LABEL_TOKENS = 10
# A heading is a short line without sentence punctuation at its end ("Breakdown by governorate").
_MAX_HEADING_TOKENS = 14
_SENTENCE_END = frozenset(".!?\"'”’»…")


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
        bullet = tokens[i].text in lex.words["list_markers"]
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
    """Index of the line holding token tok."""
    return max(0, bisect.bisect_right([line.first for line in line_list], tok) - 1)


def topic_of(tokens: Sequence[Token], lo: int, hi: int, lex: Lexicon) -> str | None:
    """The category the first topic word in tokens [lo, hi) names ("fatalities" -> killed), else None."""
    return next(
        (cat for k in range(max(lo, 0), min(hi, len(tokens))) if (cat := topic(tokens[k], lex))), None
    )


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


def place_runs(tokens: Sequence[Token], mi: dict[int, Any], lex: Lexicon) -> list[list[tuple[int, int, Any]]]:
    """Runs of at least two place-number pairs on one line, separated by commas, semicolons or "and":
    "Hama 40, Homs 35 and other provinces 12", "Hama (120), Homs (90)". Each item is (first token
    of the pair, token of the number, the place mention or None for a closing "other ..." item)."""
    runs: list[list[tuple[int, int, Any]]] = []
    current: list[tuple[int, int, Any]] = []
    n = len(tokens)
    j = 0
    while j < n:
        item = _pair_at(tokens, j, mi, lex)
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


def _pair_at(
    tokens: Sequence[Token], j: int, mi: dict[int, Any], lex: Lexicon
) -> tuple[int, int, Any, int] | None:
    """A place-number pair starting at token j: (start, number token, place or None, end)."""
    n = len(tokens)
    m = mi.get(j)
    if m is not None and getattr(m, "entity_type", None) == "location" and (j == 0 or mi.get(j - 1) is not m):
        k = j
        while k < n and mi.get(k) is m:
            k += 1
        place = m
    elif tokens[j].lower in lex.words["rest_words"]:
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


def resolve(tokens: Sequence[Token], cands: list, lex: Lexicon, mi: dict[int, Any]) -> None:
    """Counts in a report's lists. A count right after a label's colon ("Deaths recorded: 380", "Marj
    district: some 9,000 people") or in a place run ("Hama 40, Homs 35") takes the category the label names,
    else (in a bullet list or a run) the one its heading names ("DISPLACEMENT BY LOCATION"), when it has none
    of its own (a bare number, or generic people with no cue); a label's or a run's place is its location.
    The items of a run or of a bullet list are parts of the earlier total they add up to, or - when their
    category came from a label or heading - of the first earlier figure of that category at least as large."""
    line_list = lines(tokens, lex)
    runs = place_runs(tokens, mi, lex)
    in_run = {num: (ri, place, start) for ri, run in enumerate(runs) for start, num, place in run}
    groups: list[list[Any]] = [[] for _ in runs]
    for c in cands:
        if c.q is None:
            continue
        li = line_index(line_list, c.q.start)
        line = line_list[li]
        run = in_run.get(c.q.core_start) if c.q.start == c.q.core_start else None
        if run is not None and c.reading.noun is None:
            c.list_item, c.location, c.start = True, c.location or run[1], run[2]  # the surface "Hama (40)"
            if c.end < len(tokens) and tokens[c.end].text == ")":
                c.end += 1
            groups[run[0]].append(c)
        after_label = line.colon is not None and c.start > line.colon
        labelled = after_label and (c.q.start == line.colon + 1 or c.list_item)
        if labelled and c.location is None:
            c.location = first_mention(tokens, range(line.first, line.colon), mi, ("location",))
        if not (labelled or c.list_item or line.bullet) or not (c.category is None or c.reading.default):
            continue
        found = label_topic(tokens, line, lex) if after_label else None
        if found is None and (line.bullet or c.list_item):
            found = heading_topic(tokens, line_list, li, lex)
        if found is not None:
            c.category, c.rule, c.list_item = found, f"list-topic:{found}", True
            c.reading.default = False
    groups = [g for g in groups if len(g) >= 2]
    seen: set[int] = set()
    for li, line in enumerate(line_list):
        if not line.bullet or li in seen:
            continue
        block = list_block(line_list, li)
        seen.update(block)
        items = []
        for bj in block:
            bl = line_list[bj]
            first = bl.colon + 1 if bl.colon is not None else bl.first
            here = [
                c for c in cands if c.q is not None and first <= c.q.start < bl.end and c.category != "other"
            ]
            if here and (not here[0].list_item or here[0].q.start == first):
                items.append(here[0])
        if len(items) >= 2:
            groups.append(items)
    position = {id(c): i for i, c in enumerate(cands)}
    for group in groups:
        items = [c for c in group if c.part_of is None]
        if len(items) < 2:
            continue
        total = sum(c.size() for c in items)
        first = min(position[id(c)] for c in items)
        earlier = [i for i in range(first) if cands[i].people and cands[i].part_of is None]
        cats = {c.category for c in items if c.category is not None}
        whole = next(
            (i for i in earlier if cands[i].size() == total and (not cats or cats == {cands[i].category})),
            None,
        )
        if whole is None and len(cats) == 1 and all(c.list_item for c in items):
            cat = next(iter(cats))
            whole = next((i for i in earlier if cands[i].category == cat and cands[i].size() >= total), None)
        if whole is None:
            continue
        for c in items:
            c.part_of = whole
            if c.category is None:
                c.category, c.rule = cands[whole].category, f"list-part:{cands[whole].category}"
