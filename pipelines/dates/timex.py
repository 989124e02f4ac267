"""TimeML (TIMEX3) `value` of a resolved date mention, for scoring against TempEval-style annotations.

The value is read off the interval's shape: a day -> "2019-02-18", a month -> "2019-02", a year ->
"2019", an ISO week -> "2019-W08" (its weekend "2019-W08-WE"), a decade -> "201", a century (or a part
of it) -> "18" (1800-1899), a season ->
"2019-SU", a quarter -> "2019-Q3", a half -> "2019-H1"; other parts of a month or year take the month
or year they lie in. Ranges and unresolved mentions have no single value (None).
"""

from __future__ import annotations

import datetime

from pipelines.dates.calendar_math import month_end
from pipelines.dates.model import DateMention

_SEASONS = {(3, 5): "SP", (6, 8): "SU", (9, 11): "FA", (12, 2): "WI"}
_QUARTERS = {(1, 3): "Q1", (4, 6): "Q2", (7, 9): "Q3", (10, 12): "Q4"}
_HALVES = {(1, 6): "H1", (7, 12): "H2"}


def _whole_months(start: datetime.date, end: datetime.date) -> bool:
    return start.day == 1 and end == month_end(end.year, end.month)


def timex_value(m: DateMention) -> str | None:
    """The TIMEX3 value of `m`, or None for ranges and unresolved mentions."""
    s, e = m.date_start, m.date_end
    if not m.resolved or s is None or e is None or m.granularity == "range":
        return None
    if s == e:
        return s.isoformat()
    if m.granularity == "week":
        year, week, _ = s.isocalendar()
        return f"{year}-W{week:02d}" + ("-WE" if s.isoweekday() == 6 else "")
    if m.granularity == "decade":
        return f"{s.year // 10:03d}"
    if m.granularity == "century":
        return f"{s.year // 100:02d}"
    if _whole_months(s, e):
        if s.year == e.year and s.month == e.month:
            return f"{s.year:04d}-{s.month:02d}"
        key = (s.month, e.month)
        if key in _SEASONS:
            return f"{s.year:04d}-{_SEASONS[key]}"
        if s.year == e.year and key in _QUARTERS:
            return f"{s.year:04d}-{_QUARTERS[key]}"
        if s.year == e.year and key in _HALVES:
            return f"{s.year:04d}-{_HALVES[key]}"
    if s.year == e.year and s.month == e.month:
        return f"{s.year:04d}-{s.month:02d}"
    if s.year == e.year:
        return f"{s.year:04d}"
    return None
