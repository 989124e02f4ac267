"""Link a span of text (a figure) to the date its sentence is about: `date_for_span`."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipelines.dates.lexicon import default_lexicon
from pipelines.dates.model import DateMention

# Sentence ends: . ! ? (plus closing quotes/brackets) before whitespace, or a line break.
_END_RE = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s)|\n+")
# Clause breaks inside a sentence: semicolons, colons, dashes set off by spaces, parentheses, and a
# comma before a coordinating or subordinating word.
_CLAUSE_RE = re.compile(
    r";|:\s|\s[–—-]\s|[()]|,\s+(?=(?:and|but|while|whereas|although|though|which|who|as|after|before|"
    r"when|since|because|so|yet)\b)"
)
_WORD_BEFORE_RE = re.compile(r"([A-Za-z.]+)\.$")


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """[start, end) of each sentence; a period after a known abbreviation or an initial is no end."""
    abbrevs = default_lexicon().words["abbreviations"]
    bounds, start = [], 0
    for m in _END_RE.finditer(text):
        if m.group().startswith("."):
            before = _WORD_BEFORE_RE.search(text, max(0, m.start() - 12), m.start() + 1)
            word = before.group(1).lower() if before else ""
            if word in abbrevs or (len(word) == 1 and word.isalpha()):
                continue
        bounds.append((start, m.end()))
        start = m.end()
    if start < len(text):
        bounds.append((start, len(text)))
    return bounds


def _clause_id(text: str, sent_start: int, pos: int) -> int:
    return len(_CLAUSE_RE.findall(text[sent_start:pos]))


def date_for_span(dates: Sequence[DateMention], start: int, end: int, text: str) -> int | None:
    """Index in `dates` of the date mention in the same sentence as text[start:end], or None.

    `dates` may be any objects with `start` and `end` (and optionally `resolved`), e.g. stored rows.
    Among the dates of that sentence, prefer a resolved one in the same clause as the span, then the
    nearest by character distance (ties go to the earlier date).
    """
    sent = next(((s, e) for s, e in sentence_bounds(text) if s <= start < e), None)
    if sent is None:
        return None
    s, e = sent
    span_clause = _clause_id(text, s, start)
    best: tuple[tuple[int, int, int], int] | None = None
    for idx, d in enumerate(dates):
        if d.start < s or d.end > e or (d.start < end and start < d.end):
            continue
        distance = d.start - end if d.start >= end else start - d.end
        other_clause = int(_clause_id(text, s, d.start) != span_clause)
        key = (other_clause + (0 if getattr(d, "resolved", True) else 2), distance, d.start)
        if best is None or key < best[0]:
            best = (key, idx)
    return None if best is None else best[1]
