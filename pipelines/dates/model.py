"""Result type of the dates stage: one time expression as an inclusive calendar interval (SPEC §4)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

# SPEC §4 granularities plus `week` (an ISO week, or its weekend), `decade` (a decade or its early /
# mid / late part) and `century` (a hundred years or a part of them), as documented in
# pipelines/dates/__init__.py.
GRANULARITIES = (
    "day",
    "week",
    "month",
    "year",
    "decade",
    "century",
    "part_of_month",
    "part_of_year",
    "range",
)
ANCHORS = ("absolute", "publication", "text", "unresolved")


@dataclass
class DateMention:
    """A time expression at `text[start:end] == surface`, resolved to `[date_start, date_end]` inclusive.

    `resolved` is False (and both dates None) when the expression needs a publication date the
    document does not have; `anchor` says what the interval was computed from.
    """

    start: int
    end: int
    surface: str
    date_start: datetime.date | None
    date_end: datetime.date | None
    granularity: str
    resolved: bool
    anchor: str  # 'absolute' | 'publication' | 'text' | 'unresolved'
