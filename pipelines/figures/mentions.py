"""The mentions handed to the figures extractor, as it reads them: which mention covers each token, and a
mention's entity id, type and knowledge-base kind (attributes a stored mention may lack)."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import Any

from pipelines.figures.view import Token


def mention_index(tokens: Sequence[Token], mentions: Sequence[Any]) -> dict[int, Any]:
    """Token index -> the mention covering it (the first by start)."""
    spans = []
    for m in mentions:
        try:
            s, e = int(m.start), int(m.end)
        except (AttributeError, TypeError, ValueError):
            continue
        if e > s:
            spans.append((s, e, m))
    spans.sort(key=lambda x: (x[0], -x[1]))
    starts = [s for s, _, _ in spans]
    out: dict[int, Any] = {}
    for tok in tokens:
        k = bisect.bisect_right(starts, tok.end) - 1
        while k >= 0 and tok.start - spans[k][0] <= 200:
            s, e, m = spans[k]
            if s < tok.end and tok.start < e:
                out[tok.idx] = m
                break
            k -= 1
    return out


def eid(m: Any) -> str | None:
    value = getattr(m, "entity_id", None)
    return value if isinstance(value, str) else None


def etype(m: Any) -> str | None:
    return getattr(m, "entity_type", None)


def kind(m: Any) -> str | None:
    value = getattr(m, "entity_kind", None)
    return value.lower() if isinstance(value, str) and value else None


def is_group(m: Any) -> bool:
    return m is not None and etype(m) == "armed_group"


def first_mention(
    tokens: Sequence[Token], ks: Sequence[int], mi: dict[int, Any], types: tuple[str, ...]
) -> Any:
    for k in ks:
        m = mi.get(k)
        if m is not None and etype(m) in types:
            return m
    return None
