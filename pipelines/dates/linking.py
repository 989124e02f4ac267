"""Link a span of text (a figure) to the date its sentence is about: `date_for_span`, over the document's
one spaCy parse (its sentences and the clause each token belongs to)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

_CLAUSE_HEADS = ("VERB", "AUX")


@functools.lru_cache(maxsize=4)
def _parse(text: str) -> Doc:
    from pipelines.dates.recognise import parse_text

    return parse_text(text)


def _clause(tok: Token) -> int:
    """Index of the verb heading the clause of `tok` (the nearest verb among its ancestors, itself included;
    the sentence root when there is none)."""
    for t in (tok, *tok.ancestors):
        if t.pos_ in _CLAUSE_HEADS:
            return t.i
    return tok.sent.root.i


def date_for_span(
    dates: Sequence[Any], start: int, end: int, text: str, doc: Doc | None = None
) -> int | None:
    """Index in `dates` of the date mention in the same sentence as text[start:end], or None.

    `dates` may be any objects with `start` and `end` (and optionally `resolved`), e.g. stored rows; `doc`
    is the text's parse (parsed here, once per text, when None). Among the dates of that sentence, prefer a
    resolved one in the same clause as the span, then the nearest by character distance (ties go to the
    earlier date).
    """
    if not dates or not text.strip():
        return None
    doc = doc if doc is not None else _parse(text)
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    sent = span[0].sent
    span_clause = _clause(span.root)
    best: tuple[tuple[int, int, int], int] | None = None
    for idx, d in enumerate(dates):
        if d.start < sent.start_char or d.end > sent.end_char or (d.start < end and start < d.end):
            continue
        other = doc.char_span(d.start, d.end, alignment_mode="expand")
        if other is None or len(other) == 0:
            continue
        distance = d.start - end if d.start >= end else start - d.end
        other_clause = int(_clause(other.root) != span_clause)
        key = (other_clause + (0 if getattr(d, "resolved", True) else 2), distance, d.start)
        if best is None or key < best[0]:
            best = (key, idx)
    return None if best is None else best[1]
