"""Meaning of a recognised time expression and its resolution to a calendar interval (SPEC §4).

A node is built by the recogniser (recognise.py) from the words of one expression; `resolve` turns it
into an Interval using the publication date ("news mode") and, for "the next year" and the like, the
most recent earlier date in the text.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from pipelines.dates import calendar_math as cal

D = datetime.date
_DAY = datetime.timedelta(days=1)


@dataclass
class Ctx:
    """What relative expressions are resolved against."""

    published: D | None
    text_anchor: cal.Interval | None = None


@dataclass(frozen=True)
class Res:
    """A resolved interval, what it was anchored to, and the interval later text may anchor to."""

    interval: cal.Interval
    anchor: str  # 'absolute' | 'publication' | 'text'
    ref: cal.Interval | None = None  # for ranges: the end point; else the interval itself


def _combine(*anchors: str) -> str:
    for kind in ("text", "publication"):
        if kind in anchors:
            return kind
    return "absolute"


@dataclass(frozen=True)
class YearRef:
    """How a year is given: 'abs' (value = the year), 'pub' (value = offset from the publication year),
    'text' (value = offset from the text anchor's year), 'short' (value = its last two digits: "'82", "the
    70s", in the publication's century or the one before if that would lie after publication) or
    'implicit' (latest not after the reference)."""

    kind: str
    value: int = 0

    def resolve(self, ctx: Ctx) -> tuple[int, str] | None:
        if self.kind == "abs":
            return self.value, "absolute"
        if self.kind == "text" and ctx.text_anchor is not None:
            return ctx.text_anchor.start.year + self.value, "text"
        if ctx.published is None:
            return None
        if self.kind == "short":
            year = ctx.published.year // 100 * 100 + self.value
            return (year - 100 if year > ctx.published.year else year), "publication"
        return ctx.published.year + self.value, "publication"


IMPLICIT = YearRef("implicit")


def _next_occurrence(day: D) -> D | None:
    """The same month and day one year later (None for a 29 February without a leap year next)."""
    return D(day.year + 1, day.month, day.day) if cal.valid_day(day.year + 1, day.month, day.day) else None


class Node:
    """Base of all expression meanings. `deictic` nodes (yesterday, last year) never anchor later text."""

    deictic = False

    def resolve(self, ctx: Ctx, ref: tuple[D, str] | None = None) -> Res | None:
        raise NotImplementedError

    @property
    def implicit_year(self) -> bool:
        return False


def _ref_date(ctx: Ctx, ref: tuple[D, str] | None) -> tuple[D, str] | None:
    if ref is not None:
        return ref
    if ctx.published is None:
        return None
    return ctx.published, "publication"


@dataclass
class DayNode(Node):
    """A day of a month. Without a year: the latest such day not after the reference, unless the text
    says otherwise: a weekday named with it ("Friday, Dec. 6") picks the year in which the day falls
    on that weekday (the latest or the next one), and a future cue before it ("is scheduled for
    Feb. 14", `future`) picks the earliest such day not before publication."""

    month: int
    day: int
    year: YearRef = IMPLICIT
    weekday: int | None = None  # ISO weekday written with the date, if any
    future: bool = False

    @property
    def implicit_year(self) -> bool:
        return self.year.kind == "implicit"

    def resolve(self, ctx: Ctx, ref: tuple[D, str] | None = None) -> Res | None:
        if self.year.kind == "implicit":
            base = _ref_date(ctx, ref)
            if base is None:
                return None
            day = cal.latest_day_not_after(self.month, self.day, base[0])
            if day is None:
                return None
            if ref is None:
                nxt = _next_occurrence(day)
                if self.future and day < base[0] and nxt is not None:
                    day = nxt
                elif self.weekday is not None and day.isoweekday() != self.weekday:
                    if nxt is not None and nxt.isoweekday() == self.weekday:
                        day = nxt
            return Res(cal.day_interval(day), base[1])
        yr = self.year.resolve(ctx)
        if yr is None or not cal.valid_day(yr[0], self.month, self.day):
            return None
        return Res(cal.day_interval(D(yr[0], self.month, self.day)), yr[1])


@dataclass
class MonthNode(Node):
    """A named month. mode: 'year' (use self.year), 'last' (latest strictly before the publication
    month), 'this' (in the publication year), 'next' (earliest strictly after the publication month)."""

    month: int
    year: YearRef = IMPLICIT
    mode: str = "year"
    future: bool = False  # a future cue before it: the earliest such month not before publication

    @property
    def implicit_year(self) -> bool:
        return self.mode == "year" and self.year.kind == "implicit"

    def resolve(self, ctx: Ctx, ref: tuple[D, str] | None = None) -> Res | None:
        if self.mode != "year":
            pub = ctx.published
            if pub is None:
                return None
            if self.mode == "last":
                y = pub.year if self.month < pub.month else pub.year - 1
            elif self.mode == "next":
                y = pub.year if self.month > pub.month else pub.year + 1
            else:
                y = pub.year
            return Res(cal.month_interval(y, self.month), "publication")
        if self.year.kind == "implicit":
            base = _ref_date(ctx, ref)
            if base is None:
                return None
            year = cal.latest_month_not_after(self.month, base[0])
            if self.future and ref is None and self.month != base[0].month:
                year += 1
            return Res(cal.month_interval(year, self.month), base[1])
        yr = self.year.resolve(ctx)
        if yr is None:
            return None
        return Res(cal.month_interval(yr[0], self.month), yr[1])


@dataclass
class YearNode(Node):
    year: YearRef

    def resolve(self, ctx: Ctx, ref: tuple[D, str] | None = None) -> Res | None:
        yr = self.year.resolve(ctx)
        if yr is None:
            return None
        return Res(cal.year_interval(yr[0]), yr[1])


@dataclass
class DecadeNode(Node):
    """ "the 1990s" (YearRef abs 1990) or "the 70s" (YearRef short 70)."""

    year: YearRef

    def resolve(self, ctx: Ctx, ref: tuple[D, str] | None = None) -> Res | None:
        yr = self.year.resolve(ctx)
        return None if yr is None else Res(cal.decade_interval(yr[0]), yr[1])


@dataclass
class CenturyNode(Node):
    """ "the 1300s" (first_year 1300) or "the 14th century" (ordinal 14): a hundred years."""

    first_year: int | None = None
    ordinal: int | None = None

    def resolve(self, ctx: Ctx, ref: tuple[D, str] | None = None) -> Res | None:
        if self.ordinal is not None:
            return Res(cal.nth_century(self.ordinal), "absolute")
        return Res(cal.century_interval(self.first_year or 0), "absolute")


@dataclass
class SeasonNode(Node):
    """mode: 'year' (label year given), 'this', 'last', 'next', 'implicit' (latest started by publication)."""

    first_month: int
    mode: str = "implicit"
    year: YearRef = IMPLICIT

    def resolve(self, ctx: Ctx, ref: tuple[D, str] | None = None) -> Res | None:
        if self.mode == "year":
            yr = self.year.resolve(ctx)
            if yr is None:
                return None
            return Res(cal.season_interval(self.first_month, yr[0]), yr[1])
        base = _ref_date(ctx, ref)
        if base is None:
            return None
        day, anchor = base
        current = cal.season_label_containing(self.first_month, day)
        this_label = current if current is not None else day.year
        if self.mode == "this":
            label = this_label
        elif self.mode == "next":
            label = (
                this_label + 1
                if cal.season_interval(self.first_month, this_label).start <= day
                else this_label
            )
        else:
            label = day.year
            while cal.season_interval(self.first_month, label).start > day:
                label -= 1
            if self.mode == "last":
                if label == current or cal.season_interval(self.first_month, label).end >= day:
                    label -= 1
        return Res(cal.season_interval(self.first_month, label), anchor)


@dataclass
class WeekdayNode(Node):
    """mode: 'le' (latest not after publication: "on Monday"), 'lt' ("last Monday": latest strictly
    before), 'gt' ("next Monday": earliest strictly after), 'this' (in the publication's ISO week)."""

    weekday: int
    mode: str = "le"
    future: bool = False  # a future cue before a bare weekday: the earliest such day not before

    def resolve(self, ctx: Ctx, ref: tuple[D, str] | None = None) -> Res | None:
        pub = ctx.published
        if pub is None:
            return None
        if self.mode == "le" and self.future:
            day = pub + ((self.weekday - pub.isoweekday()) % 7) * _DAY
        elif self.mode == "this":
            day = cal.week_interval(pub).start + (self.weekday - 1) * _DAY
        elif self.mode == "gt":
            day = pub + ((self.weekday - pub.isoweekday() - 1) % 7 + 1) * _DAY
        else:
            back = (pub.isoweekday() - self.weekday) % 7
            if self.mode == "lt" and back == 0:
                back = 7
            day = pub - back * _DAY
        return Res(cal.day_interval(day), "publication")


@dataclass
class RelUnitNode(Node):
    """The calendar unit containing publication moved by `delta` units: today / yesterday / tomorrow (unit
    day), this / last / next week|weekend|month|year|decade, "three days ago" (delta -3)."""

    unit: str
    delta: int
    deictic = True

    def resolve(self, ctx: Ctx, ref: tuple[D, str] | None = None) -> Res | None:
        pub = ctx.published
        if pub is None:
            return None
        iv = unit_interval(self.unit, pub, self.delta)
        return None if iv is None else Res(iv, "publication")


def unit_interval(unit: str, day: D, delta: int) -> cal.Interval | None:
    """The calendar `unit` containing `day`, moved by `delta` units."""
    if unit == "day":
        return cal.day_interval(day + delta * _DAY)
    if unit == "week":
        return cal.week_interval(day + 7 * delta * _DAY)
    if unit == "latest_weekend":
        # the latest weekend whose Saturday is not after `day`
        sat = cal.week_interval(day).start + 5 * _DAY
        if sat > day:
            sat -= 7 * _DAY
        return cal.Interval(sat, sat + _DAY, "week")
    if unit == "weekend":
        # The weekend of the ISO week (this = the coming or current one); last = the one before that.
        sat = cal.week_interval(day).start + 5 * _DAY + 7 * delta * _DAY
        return cal.Interval(sat, sat + _DAY, "week")
    if unit == "month":
        y, m = cal.shift_month(day.year, day.month, delta)
        return cal.month_interval(y, m)
    if unit == "year":
        return cal.year_interval(day.year + delta)
    if unit == "decade":
        return cal.decade_interval(day.year // 10 * 10 + 10 * delta)
    if unit == "century":
        return cal.century_interval(day.year // 100 * 100 + 100 * delta)
    return None


@dataclass
class WindowNode(Node):
    """ "in the past two weeks", "within the last 10 days": the n units ending on the publication day
    (14 days for two weeks; a month back to the same day of the month before, plus one day)."""

    unit: str
    n: int
    deictic = True

    def resolve(self, ctx: Ctx, ref: tuple[D, str] | None = None) -> Res | None:
        pub = ctx.published
        if pub is None:
            return None
        if self.unit == "day":
            start = pub - (self.n - 1) * _DAY
        elif self.unit == "week":
            start = pub - (7 * self.n - 1) * _DAY
        elif self.unit in ("month", "year"):
            months = self.n * (12 if self.unit == "year" else 1)
            y, m = cal.shift_month(pub.year, pub.month, -months)
            start = D(y, m, min(pub.day, cal.month_end(y, m).day)) + _DAY
        else:
            return None
        return Res(cal.Interval(start, pub, "range"), "publication")


# How fine a unit or granularity is, for anchoring "the next <unit>" to an earlier date.
_RANK = {
    "day": 0,
    "week": 1,
    "part_of_month": 1,
    "month": 2,
    "part_of_year": 3,
    "year": 4,
    "range": 4,
    "decade": 5,
    "century": 6,
}


@dataclass
class TextRelNode(Node):
    """ "the next year", "the previous day", "the same month", "that year": the unit containing the
    text anchor, moved by delta. Without an earlier date it falls back to the publication date; so does
    a bare "the day" (`coarse_ok`) when the anchor is coarser than a day."""

    unit: str
    delta: int
    coarse_ok: bool = False

    def resolve(self, ctx: Ctx, ref: tuple[D, str] | None = None) -> Res | None:
        anchor = ctx.text_anchor
        if (
            anchor is not None
            and self.coarse_ok
            and _RANK.get(self.unit, 9) < _RANK.get(anchor.granularity, 9)
        ):
            anchor = None
        if anchor is not None:
            if _RANK.get(self.unit, 9) < _RANK.get(anchor.granularity, 9):
                return None  # "the next day" after "in 2012": finer than the anchor allows
            iv = unit_interval(self.unit, anchor.start, self.delta)
            return None if iv is None else Res(iv, "text")
        if ctx.published is None:
            return None
        iv = unit_interval(self.unit, ctx.published, self.delta)
        return None if iv is None else Res(iv, "publication")


@dataclass
class TextShiftNode(Node):
    """ "two years later", "a month earlier": the text anchor moved by n units (needs an earlier date).
    A duration, so it yields no mention; it only moves the text anchor on (see extract_dates)."""

    unit: str
    n: int

    def resolve(self, ctx: Ctx, ref: tuple[D, str] | None = None) -> Res | None:
        if ctx.text_anchor is None:
            return None
        iv = cal.shift_interval(ctx.text_anchor, self.unit, self.n)
        return None if iv is None else Res(iv, "text")


@dataclass
class PartNode(Node):
    """early/mid/late, half, quarter or week-of-month of a base period, or its first / last n days, weeks
    or months ('edge', which = (last, unit, n): "the first two weeks of March", "the last days of 2018")."""

    kind: str  # 'part' | 'half' | 'quarter' | 'week' | 'edge'
    which: str | int | tuple[bool, str, int]
    base: Node = field(default_factory=lambda: YearNode(IMPLICIT))

    @property
    def deictic(self) -> bool:  # type: ignore[override]
        return self.base.deictic

    def resolve(self, ctx: Ctx, ref: tuple[D, str] | None = None) -> Res | None:
        res = self.base.resolve(ctx, ref)
        if res is None:
            return None
        base = res.interval
        if self.kind == "part":
            iv = cal.part_of(str(self.which), base)
        elif self.kind == "half":
            iv = cal.half_of(int(self.which), base)
        elif self.kind == "quarter":
            iv = cal.quarter_of(int(self.which), base)
        elif isinstance(self.which, tuple):
            iv = cal.edge_of(base, self.which[1], self.which[2], self.which[0])
        else:
            iv = cal.week_of_month(int(self.which), base)
        return None if iv is None else Res(iv, res.anchor)


@dataclass
class EarlierLaterNode(Node):
    """ "earlier this month" = first day .. publication; "later this year" = publication .. last day."""

    later: bool
    unit: str
    deictic = True

    def resolve(self, ctx: Ctx, ref: tuple[D, str] | None = None) -> Res | None:
        pub = ctx.published
        if pub is None:
            return None
        whole = unit_interval(self.unit, pub, 0)
        if whole is None:
            return None
        gran = {"month": "part_of_month", "year": "part_of_year"}.get(self.unit, whole.granularity)
        if self.later:
            return Res(cal.Interval(pub, whole.end, gran), "publication")
        return Res(cal.Interval(whole.start, pub, gran), "publication")


@dataclass
class RangeNode(Node):
    """ "from March to May last year", "between 2012 and 2014": first start .. last end.
    A first point without a year takes it from the second ("from February to April 2018")."""

    first: Node
    last: Node

    @property
    def deictic(self) -> bool:  # type: ignore[override]
        return self.first.deictic and self.last.deictic

    def resolve(self, ctx: Ctx, ref: tuple[D, str] | None = None) -> Res | None:
        if ref is None and self.first.implicit_year and self.last.implicit_year:
            # "18-24 November" published on the 20th: a range that has started by publication is
            # the current one, even when it ends after publication.
            a = self.first.resolve(ctx)
            if a is not None:
                b = self.last.resolve(ctx, (a.interval.start + 364 * _DAY, a.anchor))
                if b is not None and a.interval.start <= b.interval.end:
                    iv = cal.Interval(a.interval.start, b.interval.end, "range")
                    return Res(iv, _combine(a.anchor, b.anchor), ref=b.interval)
        b = self.last.resolve(ctx, ref)
        if b is None:
            return None
        if self.first.implicit_year:
            a = self.first.resolve(ctx, (b.interval.end, b.anchor))
            if a is not None and a.interval.start > b.interval.start:
                a = None
        else:
            a = self.first.resolve(ctx, ref)
        if a is None or a.interval.start > b.interval.end:
            return None
        iv = cal.Interval(a.interval.start, b.interval.end, "range")
        return Res(iv, _combine(a.anchor, b.anchor), ref=b.interval)


@dataclass
class OpenNode(Node):
    """ "since March 2012", "from mid-2014 onwards": from the start of the period to publication (a range);
    the period itself is what later text anchors to. Unresolved without a publication date, and the period
    alone when it starts after publication."""

    base: Node

    @property
    def deictic(self) -> bool:  # type: ignore[override]
        return self.base.deictic

    def resolve(self, ctx: Ctx, ref: tuple[D, str] | None = None) -> Res | None:
        res = self.base.resolve(ctx, ref)
        if res is None or ctx.published is None:
            return None
        if res.interval.start > ctx.published:
            return res
        iv = cal.Interval(res.interval.start, max(ctx.published, res.interval.start), "range")
        return Res(iv, _combine(res.anchor, "publication"), ref=res.interval)


@dataclass
class ClockNode(Node):
    """A clock time ("at 16:08 UTC") without a day written next to it: the day the text is about (the text
    anchor, when that is a day), else the publication day."""

    deictic = True

    def resolve(self, ctx: Ctx, ref: tuple[D, str] | None = None) -> Res | None:
        if ctx.text_anchor is not None and ctx.text_anchor.granularity == "day":
            return Res(ctx.text_anchor, "text")
        return None if ctx.published is None else Res(cal.day_interval(ctx.published), "publication")


@dataclass
class QuarterNode(Node):
    """ "the fourth quarter" without a year: the instance of that calendar quarter nearest the reference day
    (the one containing it, else the closer of the last one and the next one): published in August, "the
    fourth quarter" is this year's; published in February, last year's."""

    quarter: int

    def resolve(self, ctx: Ctx, ref: tuple[D, str] | None = None) -> Res | None:
        base = _ref_date(ctx, ref)
        if base is None:
            return None
        day, anchor = base
        quarters = [
            cal.quarter_of(self.quarter, cal.year_interval(y))
            for y in range(max(day.year - 1, 1), min(day.year + 1, 9999) + 1)
        ]
        iv = min(quarters, key=lambda q: max((q.start - day).days, (day - q.end).days, 0))
        return Res(iv, anchor)


def resolve_within_calendar(node: Node, ctx: Ctx) -> Res | None:
    """`node.resolve(ctx)`, or None when the interval would leave the calendar of years 1..9999 ("the next
    decade" after "the 9990s", "yesterday" on a page dated 0001-01-01): such a mention stays unresolved."""
    try:
        return node.resolve(ctx)
    except (ValueError, OverflowError) as exc:
        if cal.beyond_calendar(exc):
            return None
        raise
