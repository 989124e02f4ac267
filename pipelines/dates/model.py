"""Result type of the dates stage: one time expression as an inclusive calendar interval (SPEC §4)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

# SPEC §4 granularities plus the ones this module adds (documented in pipelines/dates/__init__.py).
GRANULARITIES = (
    "day",
    "week",
    "weekend",
    "month",
    "year",
    "decade",
    "part_of_month",
    "part_of_year",
    "part_of_decade",
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
