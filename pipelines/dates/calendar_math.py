"""Calendar arithmetic for date intervals: month ends, month shifts, ISO weeks, parts of periods, seasons.

Dates are `datetime.date`, years 1..9999: an interval that would leave that calendar raises ValueError or
OverflowError from `datetime`, which `beyond_calendar` recognises.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

D = datetime.date


@dataclass(frozen=True)
class Interval:
    """An inclusive interval of calendar days with its granularity."""

    start: D
    end: D
    granularity: str


def month_end(year: int, month: int) -> D:
    return D(year, month, calendar.monthrange(year, month)[1])


def month_interval(year: int, month: int) -> Interval:
    return Interval(D(year, month, 1), month_end(year, month), "month")


def year_interval(year: int) -> Interval:
    return Interval(D(year, 1, 1), D(year, 12, 31), "year")


def day_interval(day: D) -> Interval:
    return Interval(day, day, "day")


def decade_interval(first_year: int) -> Interval:
    return Interval(D(first_year, 1, 1), D(first_year + 9, 12, 31), "decade")


def century_interval(first_year: int) -> Interval:
    """Years first_year .. first_year + 99 ("the 1300s" = 1300-1399); the first century starts in year 1
    (there is no year 0)."""
    return Interval(D(max(first_year, 1), 1, 1), D(first_year + 99, 12, 31), "century")


def nth_century(n: int) -> Interval:
    """The n-th century AD as its hundred-years ("the 19th century" = 1800-1899, as TimeML's "18" and
    everyday usage read it, not the strict 1801-1900)."""
    return century_interval(100 * (n - 1))


_OUT_OF_RANGE = re.compile(r"^(year -?\d+ is out of range|date value out of range)$")


def beyond_calendar(exc: Exception) -> bool:
    """The error `datetime` raises when a date would fall before year 1 or after year 9999."""
    return isinstance(exc, ValueError | OverflowError) and bool(_OUT_OF_RANGE.match(str(exc)))


def week_interval(day: D) -> Interval:
    """The ISO week (Monday..Sunday) containing `day`."""
    monday = day - datetime.timedelta(days=day.isoweekday() - 1)
    return Interval(monday, monday + datetime.timedelta(days=6), "week")


def shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    idx = year * 12 + (month - 1) + delta
    return idx // 12, idx % 12 + 1


def valid_day(year: int, month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]


def latest_day_not_after(month: int, day: int, ref: D) -> D | None:
    """The latest date with this month/day that is not after `ref` (Feb 29 goes back to a leap year)."""
    for year in range(ref.year, ref.year - 8, -1):
        if valid_day(year, month, day) and D(year, month, day) <= ref:
            return D(year, month, day)
    return None


def latest_month_not_after(month: int, ref: D) -> int:
    """Year of the latest `month` that does not start after `ref`."""
    return ref.year if month <= ref.month else ref.year - 1


def part_of(part: str, base: Interval) -> Interval | None:
    """early/mid/late of a month (1-10/11-20/21-end), a year (Jan-Apr/May-Aug/Sep-Dec), a decade
    (years 0-3/4-6/7-9, granularity still `decade`) or a century (years 0-33/34-66/67-99, granularity still
    `century`); None for other granularities."""
    if base.granularity == "month":
        y, m = base.start.year, base.start.month
        bounds = {"early": (1, 10), "mid": (11, 20), "late": (21, month_end(y, m).day)}[part]
        return Interval(D(y, m, bounds[0]), D(y, m, bounds[1]), "part_of_month")
    if base.granularity == "year":
        y = base.start.year
        first, last = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}[part]
        return Interval(D(y, first, 1), month_end(y, last), "part_of_year")
    if base.granularity == "decade":
        y = base.start.year
        first, last = {"early": (0, 3), "mid": (4, 6), "late": (7, 9)}[part]
        return Interval(D(y + first, 1, 1), D(y + last, 12, 31), "decade")
    if base.granularity == "century":
        y = base.end.year - 99
        first, last = {"early": (0, 33), "mid": (34, 66), "late": (67, 99)}[part]
        return Interval(D(max(y + first, 1), 1, 1), D(y + last, 12, 31), "century")
    return None


def half_of(half: int, base: Interval) -> Interval | None:
    """First/second half of a year (Jan-Jun / Jul-Dec), a month (1-15 / 16-end) or a century (years 0-49 /
    50-99)."""
    if base.granularity == "year":
        y = base.start.year
        return Interval(D(y, 1 + 6 * (half - 1), 1), month_end(y, 6 * half), "part_of_year")
    if base.granularity == "month":
        y, m = base.start.year, base.start.month
        lo, hi = (1, 15) if half == 1 else (16, month_end(y, m).day)
        return Interval(D(y, m, lo), D(y, m, hi), "part_of_month")
    if base.granularity == "century":
        y = base.end.year - 99 + 50 * (half - 1)
        return Interval(D(max(y, 1), 1, 1), D(y + 49, 12, 31), "century")
    return None


def quarter_of(quarter: int, base: Interval) -> Interval | None:
    if base.granularity != "year":
        return None
    y = base.start.year
    return Interval(D(y, 3 * quarter - 2, 1), month_end(y, 3 * quarter), "part_of_year")


def week_of_month(index: int, base: Interval) -> Interval | None:
    """The first/second/third/fourth week of a month as days 1-7, 8-14, ...; index -1 = the last 7 days."""
    if base.granularity != "month":
        return None
    y, m = base.start.year, base.start.month
    last = month_end(y, m).day
    if index == -1:
        return Interval(D(y, m, last - 6), D(y, m, last), "part_of_month")
    lo = 7 * (index - 1) + 1
    if lo > last:
        return None
    return Interval(D(y, m, lo), D(y, m, min(lo + 6, last)), "part_of_month")


def edge_of(base: Interval, unit: str, n: int, last: bool) -> Interval | None:
    """The first (or last) n days, weeks or months of `base`: "the first two weeks of March" =
    Mar 1-14; "the last three months of 2018" = Oct-Dec 2018. None when they do not fit in `base`."""
    if n < 1:
        return None
    if unit in ("day", "week"):
        span = datetime.timedelta(days=(n if unit == "day" else 7 * n) - 1)
        start, end = (base.end - span, base.end) if last else (base.start, base.start + span)
    elif unit == "month":
        if base.granularity in ("month", "part_of_month", "day", "week"):
            return None
        if last:
            y, m = shift_month(base.end.year, base.end.month, -(n - 1))
            start, end = D(y, m, 1), base.end
        else:
            y, m = shift_month(base.start.year, base.start.month, n - 1)
            start, end = base.start, month_end(y, m)
    else:
        return None
    if start < base.start or end > base.end:
        return None
    if start == end:
        gran = "day"
    elif unit == "month" and n == 1:
        gran = "month"
    elif base.granularity in ("month", "part_of_month"):
        gran = "part_of_month"
    else:
        gran = "part_of_year"
    return Interval(start, end, gran)


def season_interval(first_month: int, label_year: int) -> Interval:
    """Meteorological season starting in `first_month` of `label_year` (winter runs into the next year)."""
    end_y, end_m = shift_month(label_year, first_month, 2)
    return Interval(D(label_year, first_month, 1), month_end(end_y, end_m), "part_of_year")


def season_label_containing(first_month: int, day: D) -> int | None:
    """Label year of the season instance containing `day`, or None if `day` is outside that season."""
    for label in (day.year, day.year - 1):
        iv = season_interval(first_month, label)
        if iv.start <= day <= iv.end:
            return label
    return None


def shift_interval(base: Interval, unit: str, n: int) -> Interval | None:
    """`base` moved by n units, keeping its granularity when it is the unit or finer-grained than it."""
    g = base.granularity
    if unit == "day":
        if g != "day":
            return None
        return day_interval(base.start + datetime.timedelta(days=n))
    if unit == "week":
        if g == "day":
            return day_interval(base.start + datetime.timedelta(weeks=n))
        if g == "week":
            return week_interval(base.start + datetime.timedelta(weeks=n))
        return None
    if g in ("part_of_month", "part_of_year") and unit in ("month", "year"):
        months = n if unit == "month" else 12 * n
        if unit == "month" and g != "part_of_month":
            return None
        return Interval(_shift_day(base.start, months), _shift_day(base.end, months, to_end=True), g)
    if unit == "month":
        if g == "day":
            y, m = shift_month(base.start.year, base.start.month, n)
            return day_interval(D(y, m, min(base.start.day, month_end(y, m).day)))
        y, m = shift_month(base.start.year, base.start.month, n)
        if g in ("month", "part_of_month", "week", "range", "part_of_year"):
            return month_interval(y, m)
        return None
    if unit == "year":
        y = base.start.year + n
        if g == "day":
            return day_interval(
                D(y, base.start.month, min(base.start.day, month_end(y, base.start.month).day))
            )
        if g == "month":
            return month_interval(y, base.start.month)
        return year_interval(y)
    if unit == "decade":
        return decade_interval(base.start.year // 10 * 10 + 10 * n)
    if unit == "century":
        return century_interval(base.start.year // 100 * 100 + 100 * n)
    return None


def _shift_day(day: D, months: int, to_end: bool = False) -> D:
    """`day` moved by whole months; a month's last day stays the last day ("Feb 28" -> "Feb 29")."""
    y, m = shift_month(day.year, day.month, months)
    last = month_end(y, m).day
    if to_end and day == month_end(day.year, day.month):
        return D(y, m, last)
    return D(y, m, min(day.day, last))
