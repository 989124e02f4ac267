"""The grammar of time expressions over the spaCy tokens of one sentence (cut at line breaks).

`Grammar(tokens, lexicon).parse_at(i)` returns the longest expression starting at token i as (index after it,
Node), or None. Each `p_*` method names one kind of expression (a range, a part of a period, a day, a month,
a year, a decade, ...). Words come from tokens.yaml; what only the parse can tell (a count or a year, a name
or a weekday, the news day or "nowadays") is asked of pipelines/dates/cues.py; digits-only days
("2019-02-18", "18/02/2019") are read by dateutil.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from dateutil import parser as dateutil_parser

from pipelines.dates import cues
from pipelines.dates import nodes as nd
from pipelines.dates.calendar_math import valid_day
from pipelines.dates.lexicon import Lexicon

if TYPE_CHECKING:
    from spacy.tokens import Token

Match = tuple[int, nd.Node]  # (token index after the match, meaning)

_DASHES = frozenset({"-", "–", "—", "‐", "‑"})
# Connectors between the two ends of a range, after an optional "from".
_RANGE_TO = frozenset({"to", "until", "till", "through", "thru", *_DASHES})
# Separators inside a numeric identifier ("20241011-02", "14 - 2023") or a digits-only day.
_SEPS = frozenset({"-", "/", ".", *_DASHES})
_CURRENCY = frozenset({"$", "£", "€", "#", "¥", "us$"})
# Coordinators that join two adjacent periods into one ("February and March 2018", "in 2013 and 2014").
_COORD = frozenset({"and", "or"})
# "the first two weeks of", "the last three days of", "the final month of".
_EDGE_WORDS = frozenset({"first", "last", "final"})
_DAY_PERIODS = frozenset({"a.m.", "p.m.", "am", "pm"})
_ORDINAL = re.compile(r"(\d{1,3})(?:st|nd|rd|th)")
_DECADE = re.compile(r"(\d{2}|\d{4})s")  # "1990s", "90s" (after an apostrophe token: "'90s")
_YEAR_RANGE_TOKEN = re.compile(r"(\d{4})[/–—](\d{2}|\d{4})")  # "2017/18", "1968–2016" (one token)
_PART_YEAR = re.compile(r"(early|mid|late)-(\d{4})(s?)")  # "mid-2014", "late-1990s" (one token)
_PART_CENTURY = re.compile(r"(early|mid|late)-(\d{1,2})(?:st|nd|rd|th)")  # "mid-19th" (one token) century
_CLOCK = re.compile(r"(?:[01]?\d|2[0-3]):[0-5]\d")
_DIGIT_DAY = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}([/.])\d{1,2}\1\d{4}")
_DIGITS_AND_SEPS = re.compile(r"[\d/.\-]+")


def digit_day(written: str) -> datetime.date | None:
    """A day written in digits, read by dateutil: ISO "2019-02-18", or "18/02/2019" / "02/18/2019" when
    only one reading of day and month is a date (a day above 12); "03/04/2019" is ambiguous: None."""
    try:
        if written[4:5] == "-":
            return dateutil_parser.isoparse(written).date()
        day_first = dateutil_parser.parse(written, dayfirst=True).date()
        month_first = dateutil_parser.parse(written, dayfirst=False).date()
    except (ValueError, OverflowError):
        return None
    return day_first if day_first == month_first else None


class Grammar:
    """Pattern matchers over one sentence's tokens. Each `p_*` returns (end token index, Node) or None."""

    def __init__(self, toks: Sequence[Token], lex: Lexicon, ctx: nd.Ctx) -> None:
        self.ctx = ctx
        self.toks = list(toks)
        self.n = len(self.toks)
        self.lex = lex
        self.w = lex.words
        self.m = lex.maps
        self.lows = [t.lower_.replace("’", "'").replace("‘", "'") for t in self.toks]
        self.full_months = _longest(lex.months)
        self.full_weekdays = _longest(lex.weekdays)
        self._points_at: dict[tuple[int, bool], Match | None] = {}
        self.points: tuple[Callable[[int, bool], Match | None], ...] = (
            *(self.p_digits, self.p_full_date, self.p_month, self.p_year, self.p_short_year, self.p_decade),
            *(self.p_century, self.p_season, self.p_relday, self.p_weekday, self.p_rel, self.p_ago_shift),
        )

    # ----------------------------------------------------------------- token helpers
    def low(self, i: int) -> str:
        return self.lows[i] if 0 <= i < self.n else ""

    def glued(self, i: int) -> bool:
        """Token i touches token i + 1 (no space, no line break between)."""
        return (
            0 <= i < self.n - 1 and not self.toks[i].whitespace_ and self.toks[i + 1].i == self.toks[i].i + 1
        )

    def cap(self, i: int) -> bool:
        return 0 <= i < self.n and self.toks[i].text[:1].isupper()

    def is_num(self, i: int) -> bool:
        return 0 <= i < self.n and self.toks[i].text.isascii() and self.toks[i].text.isdigit()

    def is_word(self, i: int) -> bool:
        return 0 <= i < self.n and self.toks[i].is_alpha

    def in_identifier(self, i: int) -> bool:
        """Number i is one part of an identifier: numbers glued by "-", "/" or "." ("20241011-02") where one
        part has five or more digits (no date has), or more than two numbers, or after "No." ("No. 14-2023").
        Written ranges ("18-20 February", "2014-15") have none of them."""
        a = b = i
        while self.glued(a - 2) and self.glued(a - 1) and self.low(a - 1) in _SEPS and self.is_num(a - 2):
            a -= 2
        while self.glued(b) and self.glued(b + 1) and self.low(b + 1) in _SEPS and self.is_num(b + 2):
            b += 2
        if a == b:
            return False
        parts = [self.toks[k].text for k in range(a, b + 1, 2)]
        return any(len(p) >= 5 for p in parts) or len(parts) > 2 or self.low(a - 1) == "no."

    def in_number(self, i: int) -> bool:
        """Token i is part of a larger written number or identifier: $2014, 2014%, A2014, No. 14-2023."""
        if self.glued(i - 1) and (self.low(i - 1) in _CURRENCY or self.is_word(i - 1)):
            return True
        if self.glued(i) and (self.low(i + 1) == "%" or (self.is_word(i + 1) and self.low(i + 1) != "s")):
            return True
        return self.in_identifier(i)

    # ----------------------------------------------------------------- atoms
    def month_at(self, i: int, after_day: bool = False) -> tuple[int, int] | None:
        """A capitalised month name, or an abbreviation with its stop ("Feb.") or before a day or year (or
        after a day)."""
        if not self.cap(i):
            return None
        word = self.low(i)
        m = self.lex.months.get(word.rstrip("."))
        if m is None:
            return None
        if word.rstrip(".") in self.full_months or word.endswith(".") or after_day:
            return i + 1, m
        return (i + 1, m) if self.is_num(i + 1) or _ORDINAL.fullmatch(self.low(i + 1)) else None

    def weekday_at(self, i: int, allow_abbrev: bool = False) -> tuple[int, int] | None:
        if not self.cap(i):
            return None
        word = self.low(i)
        wd = self.lex.weekdays.get(word.rstrip("."))
        if wd is None:
            return None
        if word in self.full_weekdays or (allow_abbrev and word.endswith(".")):
            return i + 1, wd
        return None

    def day_at(self, i: int) -> tuple[int, int, bool] | None:
        """A day-of-month number 1..31 with an optional ordinal suffix: (next index, day, had suffix)."""
        word = self.low(i)
        ordinal = _ORDINAL.fullmatch(word)
        if ordinal:
            d, suffix = int(ordinal.group(1)), True
        elif self.is_num(i) and len(word) <= 2:
            d, suffix = int(word), False
        else:
            return None
        if not 1 <= d <= 31 or self.in_number(i):
            return None
        return i + 1, d, suffix

    def year_at(self, i: int, lo: int = 1900, hi: int = 2100) -> int | None:
        if not self.is_num(i) or len(self.toks[i].text) != 4 or self.in_number(i):
            return None
        y = int(self.toks[i].text)
        return y if lo <= y <= hi else None

    def sentence_has(self, words: frozenset[str]) -> bool:
        return any(w in words for w in self.lows)

    def year_ok(self, i: int, in_range: bool = False) -> bool:
        """Is the 4-digit number at i used as a year? Not in a name ("Resolution 1990", "RTX 2060"), not a
        count ("2014 fighters"), a quantity ("rose to 2015") or a part of another number ("1080 x 1920"); a
        bare one needs spaCy's DATE label or a temporal preposition before it."""
        tok = self.toks[i]
        if cues.other_entity(tok) or cues.is_count(tok) or cues.is_quantity(tok, self.lex):
            return False
        if cues.label_number(tok, self.lex):
            return False
        if in_range:
            return True
        if self.low(i + 1) in {"to", "and", "or", *_DASHES} and self.is_num(i + 2):
            other = self.year_at(i + 2)
            short = len(self.toks[i + 2].text) == 2 and self.glued(i)
            if other is None and not short:
                return False  # "2014 to 300": a count range
        return cues.date_entity(tok) or self.low(i - 1) in self.w["month_triggers"]

    def number_at(self, i: int) -> tuple[int, int] | None:
        """A small count: digits (1..999, not part of a bigger number) or a number word."""
        if self.is_num(i):
            if len(self.toks[i].text) > 3 or self.in_number(i):
                return None
            return i + 1, int(self.toks[i].text)
        if self.low(i) in ("a", "an") and self.low(i + 1) == "couple" and self.low(i + 2) == "of":
            return i + 3, 2
        val = self.m["number_words"].get(self.low(i))
        return None if val is None else (i + 1, val)

    def unit_at(self, i: int) -> str | None:
        return self.lex.units.get(self.low(i))

    def singular_unit_at(self, i: int) -> str | None:
        unit = self.unit_at(i)
        return unit if unit is not None and self.low(i) == unit else None

    # ----------------------------------------------------------------- year references
    def yref_at(self, i: int) -> tuple[int, nd.YearRef] | None:
        """A year after a month or day: ", 2018", "2018", "of this year", "last year", "of the next year"."""
        k = i + 1 if self.low(i) == "," else i
        y = self.year_at(k, 1000, 2199)
        if y is not None:
            return k + 1, nd.YearRef("abs", y)
        k = i + 1 if self.low(i) == "of" else i
        rel = self.m["relative"].get(self.low(k))
        if (
            rel is not None
            and self.low(k) in {"this", "last", "next", "current"}
            and self.low(k + 1) == "year"
        ):
            return k + 2, nd.YearRef("pub", rel)
        if self.low(k) == "the" and self.low(k + 2) == "year":
            if self.low(k + 1) == "current":
                return k + 3, nd.YearRef("pub", 0)
            trel = self.m["text_relative"].get(self.low(k + 1))
            if trel is not None:
                return k + 3, nd.YearRef("text", trel)
        if self.low(k) == "that" and self.low(k + 1) == "year" and k > i:
            return k + 2, nd.YearRef("text", 0)
        return None

    # ----------------------------------------------------------------- points
    def p_full_date(self, i: int, in_range: bool) -> Match | None:
        k = i
        wd = self.weekday_at(i, allow_abbrev=True)
        if wd is not None:
            k = wd[0] + (1 if self.low(wd[0]) == "," else 0)
        res = self.day_month(k)
        if res is None and k != i:
            return None
        if res is not None and wd is not None and isinstance(res[1], nd.DayNode):
            res[1].weekday = wd[1]
        return res

    def day_month(self, k: int) -> Match | None:
        # "18 February 2019", "the 18th of February"
        the = self.low(k) == "the"
        d = self.day_at(k + 1 if the else k)
        if d is not None and (not the or d[2]):
            j = d[0]
            if self.low(j) == "of" and (d[2] or the):
                j += 1
            mo = self.month_at(j, after_day=True)
            if mo is not None:
                return self._day_node(mo[0], mo[1], d[1])
        if the:
            return None
        # "February 18, 2019", "Feb. 18"
        mo = self.month_at(k)
        if mo is None:
            return None
        d = self.day_at(mo[0])
        if d is None or self.year_at(mo[0]) is not None or cues.is_count(self.toks[d[0] - 1]):
            return None
        if self.low(d[0]) == ":" or (
            self.low(d[0]) == "," and self.is_num(d[0] + 1) and not self.year_at(d[0] + 1)
        ):
            return None
        return self._day_node(d[0], mo[1], d[1])

    def _day_node(self, j: int, month: int, day: int) -> Match | None:
        if not valid_day(2000, month, day):  # 2000 is a leap year: admits Feb 29
            return None
        yr = self.yref_at(j)
        if yr is not None:
            if yr[1].kind == "abs" and not valid_day(yr[1].value, month, day):
                return None
            return yr[0], nd.DayNode(month, day, yr[1])
        return j, nd.DayNode(month, day, nd.IMPLICIT)

    def p_digits(self, i: int, in_range: bool) -> Match | None:
        """A day in digits: the glued run of digits and separators at i ("2019-02-18", "18/02/2019")."""
        if self.glued(i - 1) and _DIGITS_AND_SEPS.fullmatch(self.low(i - 1)):
            return None
        j = i
        while j < self.n and _DIGITS_AND_SEPS.fullmatch(self.low(j)):
            j += 1
            if not self.glued(j - 1):
                break
        while j > i and not self.is_num(j - 1):
            j -= 1  # a stop after the day ends the sentence
        written = "".join(self.lows[i:j])
        if not _DIGIT_DAY.fullmatch(written):
            return None
        day = digit_day(written)
        if day is None or not 1900 <= day.year <= 2100:
            return None
        return j, nd.DayNode(day.month, day.day, nd.YearRef("abs", day.year))

    def p_month(self, i: int, in_range: bool) -> Match | None:
        rel = self.low(i)
        if rel in {"last", "this", "next"}:
            k = i + 1
            if rel == "this" and self.low(k) == "past":  # "this past May" = last May
                k, rel = k + 1, "last"
            mo = self.month_at(k)
            if mo is not None and self.day_at(mo[0]) is None:
                return mo[0], nd.MonthNode(mo[1], mode=rel)
            return None
        mo = self.month_at(i)
        if mo is None:
            return None
        j, month = mo
        yr = self.yref_at(j)
        if yr is None and self.low(j) == "of":
            y = self.year_at(j + 1, 1000, 2199)
            if y is not None:
                yr = (j + 2, nd.YearRef("abs", y))
        if yr is not None:
            return yr[0], nd.MonthNode(month, yr[1])
        if cues.other_entity(self.toks[i]):
            return None  # "Theresa May", "May Day"
        possessive = self.low(j) == "'s"
        listed = self.low(i - 1) == "," and self.low(i - 2) in self.lex.months and self.cap(i - 2)
        if in_range or possessive or listed or self.low(i - 1) in self.w["month_triggers"]:
            return j, nd.MonthNode(month, nd.IMPLICIT)
        if cues.date_entity(self.toks[i]) and self.low(i) in self.full_months and self.low(j) != "of":
            return j, nd.MonthNode(
                month, nd.IMPLICIT
            )  # "the March offensive"; not "the March of the Veterans"
        return None

    def p_year(self, i: int, in_range: bool) -> Match | None:
        k = i
        if self.low(k) == "the" and self.low(k + 1) == "year":
            k += 2
        elif self.low(k) == "year" and self.is_num(k + 1):
            k += 1
        y = self.year_at(k)
        if y is None or (k == i and not self.year_ok(k, in_range)) or (k > i and cues.is_count(self.toks[k])):
            return None
        return k + 1, nd.YearNode(nd.YearRef("abs", y))

    def p_short_year(self, i: int, in_range: bool) -> Match | None:
        """ "'82": a year of the publication's century (or the one before, if that would be later)."""
        if self.low(i) != "'" or not self.glued(i) or not self.is_num(i + 1) or len(self.low(i + 1)) != 2:
            return None
        if not (in_range or self.low(i - 1) in self.w["month_triggers"]):
            return None  # "iLife '11": a version
        return i + 2, nd.YearNode(nd.YearRef("short", int(self.low(i + 1))))

    def p_decade(self, i: int, in_range: bool) -> Match | None:
        """ "the 1990s", "the 1700's", "the '90s", "the 70s and 80s"; "the 1300s" is a century ("the 2000s"
        stays the decade 2000-2009, as current writing mostly means it). "in his 70s" is an age."""
        k = i + 1 if self.low(i) == "the" else i
        apostrophe = self.low(k) == "'" and self.glued(k)
        k += apostrophe
        found = _DECADE.fullmatch(self.low(k))
        if found:
            digits, j = found.group(1), k + 1
        elif self.is_num(k) and len(self.low(k)) == 4 and self.glued(k) and self.low(k + 1) == "'s":
            digits, j = self.low(k), k + 2
        else:
            return None
        if int(digits) % 10:
            return None
        if len(digits) == 2:
            listed = self.low(k - 1) in _COORD and _DECADE.fullmatch(self.low(k - 2))
            if not (apostrophe or k > i or listed):
                return None
            return j, nd.DecadeNode(nd.YearRef("short", int(digits)))
        y = int(digits)
        if y == 0:
            return None
        # Risk: "the 1900s" meaning the decade 1900-1909 becomes a century.
        if y % 100 == 0 and y != 2000:
            return j, nd.CenturyNode(first_year=y)
        return j, nd.DecadeNode(nd.YearRef("abs", y))

    def p_century(self, i: int, in_range: bool = False) -> Match | None:
        """ "the 19th century", "the nineteenth century", "19th-century", "the 7th century AD": the n-th
        hundred years (1800-1899 for the 19th). Before Christ ("the 5th century BC") is no date here."""
        k = i + 1 if self.low(i) == "the" else i
        ordinals = self.m["century_ordinals"]
        n, j = None, k + 1
        digits = _ORDINAL.fullmatch(self.low(k))
        if digits:
            n = int(digits.group(1))
        elif self.low(k) in ordinals:
            n = ordinals[self.low(k)]
        elif self.low(k + 1) in _DASHES and self.glued(k) and self.glued(k + 1):
            n, j = ordinals.get(f"{self.low(k)}-{self.low(k + 2)}"), k + 3  # "twenty-first"
        if n is None or not 1 <= n <= 100:
            return None
        if self.low(j) in _DASHES and self.glued(j - 1) and self.glued(j):
            j += 1  # "19th-century houses"
        if self.low(j) != "century":
            return None
        era = self.low(j + 1).replace(".", "") if j + 1 < self.n and self.toks[j + 1].text.isupper() else ""
        if era in self.w["era_bc"]:
            return None
        if era in self.w["era_ad"]:
            j += 1
        return j + 1, nd.CenturyNode(ordinal=n)

    def p_season(self, i: int, in_range: bool) -> Match | None:
        seasons = self.m["seasons"]
        rel = self.low(i)
        if rel in {"this", "last", "next"} and self.low(i + 1) in seasons and not self.cap(i + 1):
            return i + 2, nd.SeasonNode(seasons[self.low(i + 1)], mode=rel)
        first = seasons.get(rel)
        if first is None or cues.other_entity(self.toks[i]):
            return None
        j = i + 1
        k = j + 1 if self.low(j) == "of" else j
        y = self.year_at(k)
        if y is not None:
            return k + 1, nd.SeasonNode(first, "year", nd.YearRef("abs", y))
        if self.low(j) == "of":
            yr = self.yref_at(j)
            return None if yr is None else (yr[0], nd.SeasonNode(first, "year", yr[1]))
        prev = i - 2 if self.low(i - 1) == "the" else i - 1
        if (self.cap(i) and prev == i - 2) or self.low(prev) not in self.w["season_triggers"]:
            return None
        if prev == i - 1 and self.low(prev) in {"to", "and"} and not in_range:
            return None  # "to fall in love", "and spring up": a verb
        if self.cap(i) and not self.cap(prev):
            return None
        return j, nd.SeasonNode(first, "implicit")

    def p_relday(self, i: int, in_range: bool) -> Match | None:
        word = self.low(i)
        offset = self.m["day_words"].get(word)
        tod = self.w["times_of_day"]
        if offset is not None:
            if cues.other_entity(self.toks[i]):
                return None  # a name: "USA Today"
            if word == "today" and cues.generic_today(self.toks[i], self.lex):
                return None
            j = i + 2 if self.low(i + 1) in tod and word != "tonight" else i + 1
            return j, nd.RelUnitNode("day", offset)
        if word == "last" and self.low(i + 1) == "night":
            return i + 2, nd.RelUnitNode("day", -1)
        if word == "this" and self.low(i + 1) in tod and self.low(i + 1) != "night":
            return i + 2, nd.RelUnitNode("day", 0)
        if word == "the" and self.low(i + 1) == "day" and self.low(i + 3) in {"yesterday", "tomorrow"}:
            if self.low(i + 2) == "before" and self.low(i + 3) == "yesterday":
                return i + 4, nd.RelUnitNode("day", -2)
            if self.low(i + 2) == "after" and self.low(i + 3) == "tomorrow":
                return i + 4, nd.RelUnitNode("day", 2)
        return None

    def p_weekday(self, i: int, in_range: bool) -> Match | None:
        modes = {"last": "lt", "next": "gt", "this": "this"}
        k, mode = i, "le"
        if self.low(i) == "this" and self.low(i + 1) == "past":
            k, mode = i + 2, "lt"  # "this past Monday" = last Monday
        elif self.low(i) in modes:
            k, mode = i + 1, modes[self.low(i)]
        wd = self.weekday_at(k)
        if wd is None or cues.other_entity(self.toks[k]):
            return None  # a title: "The Sunday Times"
        if k == i and self.weekday_in_name(i):
            return None
        j = wd[0]
        if self.low(j) in self.w["times_of_day"]:
            j += 1
        return j, nd.WeekdayNode(wd[1], mode)

    def weekday_in_name(self, i: int) -> bool:
        """A weekday after a capitalised name word (weekday_name_words) is part of a name: "Black Friday",
        "Super Tuesday". Other capitalised words do not count: "told the House Committee Tuesday"."""
        return self.cap(i - 1) and not self.glued(i - 1) and self.low(i - 1) in self.w["weekday_name_words"]

    def p_rel(self, i: int, in_range: bool) -> Match | None:
        word = self.low(i)
        rel = self.m["relative"].get(word)
        if word == "this" and self.low(i + 1) == "past":
            unit = self.singular_unit_at(i + 2) or ("weekend" if self.low(i + 2) == "weekend" else None)
            if unit in {"week", "month", "year"}:
                return i + 3, nd.RelUnitNode(unit, -1)
            return (i + 3, nd.RelUnitNode("latest_weekend", 0)) if unit == "weekend" else None
        if rel is not None:
            unit = self.singular_unit_at(i + 1) or ("week" if self.low(i + 1) == "weekend" else None)
            if unit is None or unit == "day":
                return None
            if self.low(i + 1) == "weekend":
                unit = "weekend"
            if self.low(i - 1) in {"the", "a", "each", "every", "per", "that"} and word != "current":
                return None  # "the last year", "the past month": a duration
            if word in {"past", "previous", "coming"}:
                return None  # "past year" without "the" is headline shorthand for a duration
            return i + 2, nd.RelUnitNode(unit, rel)
        if word == "the":
            return self.p_the_rel(i)
        if word == "that":
            k = i + 2 if self.low(i + 1) == "same" else i + 1
            unit = self.singular_unit_at(k)
            if unit not in {"year", "month"}:
                return None
            cue = self.w["month_triggers"] | self.w["earlier_words"] | self.w["later_words"] | {"of"}
            if k > i + 1 or self.low(k + 1) == "'s" or self.low(i - 1) in cue:
                return k + 1, nd.TextRelNode(unit, 0)
        return None

    def p_the_rel(self, i: int) -> Match | None:
        """ "the past two weeks" (after in/during/within: the window ending on publication), "the weekend",
        "the next year", "the current month", "the day before", and "the day" itself (the day the text is
        about: "to end the day at 7,114"; not "the day of the attack", "the day he died")."""
        nxt = self.low(i + 1)
        if nxt in ("past", "last") and self.low(i - 1) in self.w["window_preps"]:
            num = self.number_at(i + 2)
            k, n = (num[0], num[1]) if num is not None and num[1] >= 2 else (i + 2, 1)
            unit = self.unit_at(k)
            # "in the last month of the war" is a part of another period, not a window
            if unit in ("day", "week", "month", "year") and (n == 1) == (self.low(k) == unit):
                if self.low(k + 1) != "of":
                    return k + 1, nd.WindowNode(unit, n)
        if nxt == "weekend" and self.low(i - 1) in {"over", "at", "during", "on"}:
            return i + 2, nd.RelUnitNode("latest_weekend", 0)  # "over the weekend"
        unit = self.singular_unit_at(i + 2) or ("weekend" if self.low(i + 2) == "weekend" else None)
        if unit is None:
            unit = self.singular_unit_at(i + 1)
            if unit in {"day", "year", "month", "week"} and self.low(i + 2) in {"before", "after"}:
                if i + 3 >= self.n or not self.toks[i + 3].is_alpha:  # "the day before" closing a clause
                    return i + 3, nd.TextRelNode(unit, -1 if self.low(i + 2) == "before" else 1)
            if unit == "day" and self.bare_day(i + 1):
                return i + 2, nd.TextRelNode("day", 0, coarse_ok=True)
            return None
        if nxt == "current":
            return i + 3, nd.RelUnitNode(unit, 0)
        if nxt == "weekend" or unit == "weekend":
            return None
        trel = self.m["text_relative"].get(nxt)
        if trel is None:
            return None
        prep = self.low(i - 1)
        if prep in self.w["strict_duration_preps"] or (nxt == "next" and prep in self.w["duration_preps"]):
            return None
        return i + 3, nd.TextRelNode(unit, trel)

    def bare_day(self, k: int) -> bool:
        """ "day" at k stands alone: nothing modifies it ("the day of ...", "the day he died", "all day")."""
        tok = self.toks[k]
        if any(c.dep_ in ("prep", "relcl", "acl", "amod", "compound") for c in tok.children):
            return False
        nxt = self.low(k + 1)
        return nxt not in {"of", "when", "that", "which", "before", "after"} and self.low(k - 2) not in {
            "all",
            "each",
        }

    def p_ago_shift(self, i: int, in_range: bool) -> Match | None:
        num = self.number_at(i)
        if num is None:
            return None
        j, n = num
        unit = self.unit_at(j)
        if unit is None or n == 0:
            return None
        after = self.low(j + 1)
        if after == "ago":
            return j + 2, nd.RelUnitNode(unit, -n)
        # "eleven days later", "two years earlier": an elapsed time counted from an event, like "in 10 days"
        # a duration in the sense of SPEC §4. It yields no date mention, but it still moves the narrative
        # on: "Two years later it spread. The following year ..." (see extract_dates).
        if after in {"later", "afterwards", "afterward"}:
            return j + 2, nd.TextShiftNode(unit, n)
        if after in {"earlier", "before"} and self.low(j + 2) != "than":
            if after == "before" and j + 2 < self.n and self.toks[j + 2].is_alpha:
                return None
            return j + 2, nd.TextShiftNode(unit, -n)
        return None

    def p_clock(self, i: int, in_range: bool = False) -> Match | None:
        """A clock time: "16:08 UTC", "6:40 p.m.", "0800 GMT", "3 a.m."; a moment of a day (ClockNode)."""
        word, clock = self.low(i), self.w["clock_words"]
        if _CLOCK.fullmatch(word):
            j = i + 1
        elif self.is_num(i) and len(word) == 4 and self.low(i + 1) in clock:
            if int(word[:2]) > 23 or int(word[2:]) > 59:
                return None
            j = i + 1
        elif self.is_num(i) and len(word) <= 2 and int(word) <= 12 and self.low(i + 1) in _DAY_PERIODS:
            j = i + 1
        else:
            return None
        while self.low(j) in clock:
            j += 1
        return j, nd.ClockNode()

    def p_point(self, i: int, in_range: bool = False) -> Match | None:
        key = (i, in_range)  # ranges, parts and the driver ask for the same point: read it once
        if key in self._points_at:
            return self._points_at[key]
        best: Match | None = None
        for fn in self.points:
            r = fn(i, in_range)
            if r is not None and (best is None or r[0] > best[0]):
                best = r
        self._points_at[key] = best
        return best

    # ----------------------------------------------------------------- parts of periods
    def part_base(self, i: int) -> Match | None:
        """A period that early/mid/late, halves and quarters apply to: month, year, decade, century."""
        cands = [r for fn in (self.p_month, self.p_decade, self.p_century) if (r := fn(i, True)) is not None]
        y = self.year_at(i)
        if y is not None and not cues.is_count(self.toks[i]):
            cands.append((i + 1, nd.YearNode(nd.YearRef("abs", y))))
        r = self.p_rel(i, True)
        if (
            r is not None
            and isinstance(r[1], nd.RelUnitNode | nd.TextRelNode)
            and r[1].unit in {"month", "year", "decade"}
        ):
            cands.append(r)
        if self.low(i) == "the" and self.low(i + 1) in {"month", "year"}:
            cands.append((i + 2, nd.RelUnitNode(self.low(i + 1), 0)))
        return max(cands, key=lambda c: c[0]) if cands else None

    def part_phrase_at(self, i: int) -> tuple[int, str] | None:
        """The longest part phrase of the lexicon ("the end of", "early") at token i: (end, part)."""
        best = None
        for words, val in self.lex.part_words_by_first.get(self.low(i), ()):
            if all(self.low(i + k) == w for k, w in enumerate(words)):
                if best is None or len(words) > best[0] - i:
                    best = (i + len(words), val)
        return best

    def p_part(self, i: int, in_range: bool = False) -> Match | None:
        if self.low(i) == "the" and (
            _PART_YEAR.fullmatch(self.low(i + 1)) or _PART_CENTURY.fullmatch(self.low(i + 1))
        ):
            return self.p_part(i + 1, in_range)
        compound = _PART_YEAR.fullmatch(self.low(i))
        if compound:  # "mid-2014", "late-1990s": spaCy keeps them one token
            part, year = compound.group(1), nd.YearRef("abs", int(compound.group(2)))
            base: nd.Node = nd.DecadeNode(year) if compound.group(3) else nd.YearNode(year)
            return i + 1, nd.PartNode("part", part, base)
        compound = _PART_CENTURY.fullmatch(self.low(i))
        if compound and self.low(i + 1) == "century":
            return i + 2, nd.PartNode(
                "part", compound.group(1), nd.CenturyNode(ordinal=int(compound.group(2)))
            )
        ph = self.part_phrase_at(i)
        if ph is not None:
            j, part = ph
            if self.low(j) in _DASHES and self.glued(j - 1):
                j += 1
            based = self.part_base(j)
            if based is not None:
                return based[0], nd.PartNode("part", part, based[1])
        word = self.low(i)
        if word in self.w["earlier_words"] | self.w["later_words"]:
            k = i + 1
            if self.low(k) == "this":
                k += 1
            elif self.low(k) == "the" and self.low(k + 1) == "current":
                k += 2
            else:
                return None
            unit = self.singular_unit_at(k)
            if unit in {"week", "month", "year"}:
                return k + 1, nd.EarlierLaterNode(word in self.w["later_words"], unit)
            return None
        k = i + 1 if word == "the" else i
        ordinal, kind_word = self.low(k), self.low(k + 1)
        if word == "the" and ordinal in _EDGE_WORDS:
            edge = self.p_edge(k + 1, ordinal != "first")
            if edge is not None:
                return edge
        hyphenated = self.low(i + 1) in _DASHES and self.glued(i) and self.low(i + 2) == "quarter"
        if hyphenated and word in self.m["quarters"] and self.toks[i + 2].head.pos_ == "NOUN":
            k, kind_word = i - 1, "quarter"  # "third-quarter results": the quarter as a modifier
        if (
            kind_word == "quarter"
            and ordinal in self.m["quarters"]
            and (word == "the" or hyphenated)
            and self.low(k + 2) != "of"
        ):
            # "the fourth quarter": the latest such quarter that started by publication
            if self.sentence_has(self.w["game_words"]):
                return None  # "scored 24 points in the third quarter": a period of a game
            return (i + 3 if hyphenated else k + 2), nd.QuarterNode(self.m["quarters"][ordinal])
        if self.low(k + 2) != "of":
            return None
        if kind_word == "half" and ordinal in self.m["halves"]:
            kind, which = "half", self.m["halves"][ordinal]
        elif kind_word == "quarter" and ordinal in self.m["quarters"]:
            kind, which = "quarter", self.m["quarters"][ordinal]
        elif kind_word == "week" and ordinal in self.m["quarters"]:
            kind, which = "week", -1 if ordinal in {"last", "final"} else self.m["quarters"][ordinal]
        else:
            return None
        based = self.part_base(k + 3)
        return None if based is None else (based[0], nd.PartNode(kind, which, based[1]))

    def p_edge(self, k: int, last: bool) -> Match | None:
        """After "the first"/"the last": "two weeks of February", "three months of 2018", "day of May"."""
        num = self.number_at(k)
        if num is not None and self.low(k) not in {"a", "an"}:
            j, n = num
            unit = self.unit_at(j)
        else:
            j, n = k, 1
            unit = self.singular_unit_at(k)
            if unit == "week":
                return None  # "the first week of": a week of the month (see p_part), not 7 days
        if unit not in {"day", "week", "month"} or self.low(j + 1) != "of":
            return None
        if n > 1 and self.low(j) == unit:
            return None  # "the first two week of": not English
        based = self.part_base(j + 2)
        return None if based is None else (based[0], nd.PartNode("edge", (last, unit, n), based[1]))

    # ----------------------------------------------------------------- ranges and open intervals
    def p_open(self, i: int) -> Match | None:
        """ "since March 2012": from the start of the period to publication (an open interval). A comparison
        with the last time something happened ("its lowest level since 1997") is left to the point."""
        if self.low(i) != "since" or cues.comparison(self.toks[i], self.lex):
            return None
        k = i + 3 if (self.low(i + 1), self.low(i + 2)) == ("at", "least") else i + 1
        first = self.p_part(k, True) or self.p_point(k, True)
        if first is None or isinstance(first[1], nd.TextShiftNode | nd.ClockNode):
            return None
        return first[0], nd.OpenNode(first[1])

    def p_range(self, i: int) -> Match | None:
        lead = self.low(i)
        k = i + 1 if lead in {"from", "between"} else i
        joiners = {"and"} if lead == "between" else _RANGE_TO
        day_range = self.p_day_range(k, joiners)
        if day_range is not None:
            return day_range
        if k == i:
            listed = self.p_day_list(i) or self.p_coordinated(i)
            if listed is not None:
                return listed
        short = self.p_short_year_range(k)
        if short is not None:
            return short
        first = self.p_part(k, True) or self.p_point(k, True)
        if first is None or isinstance(first[1], nd.RangeNode | nd.TextShiftNode):
            return None
        j = first[0]
        if lead == "from" and self.low(j) in self.w["open_end_words"]:
            return j + 1, nd.OpenNode(first[1])  # "from mid-2014 onwards"
        if self.low(j) not in joiners:
            return None
        second = self.p_part(j + 1, True) or self.p_point(j + 1, True)
        if second is None or isinstance(second[1], nd.TextShiftNode):
            return None
        node = nd.RangeNode(first[1], second[1])
        if self.ctx.published is not None and nd.resolve_within_calendar(node, self.ctx) is None:
            return None  # "from 2014 to March": its ends stay two dates
        return second[0], node

    def p_coordinated(self, i: int) -> Match | None:
        """Adjacent months or years joined by "and"/"or"/commas are one period from the first to the last:
        "February and March 2018", "in 2013 and 2014", "January, February and March". Periods that are not
        adjacent ("in 2012 and 2014") stay separate dates."""
        first = self.p_point(i, False)
        if first is None:
            return None
        items, j, coordinated = [first[1]], first[0], False
        while True:
            if self.low(j) in _COORD:
                nxt_at, is_coord = j + 1, True
            elif self.low(j) == ",":
                is_coord = self.low(j + 1) in _COORD
                nxt_at = j + 2 if is_coord else j + 1
            else:
                break
            nxt = self.p_point(nxt_at, True)
            if nxt is None or not _adjacent(items[-1], nxt[1]):
                break
            items.append(nxt[1])
            j, coordinated = nxt[0], is_coord
            if is_coord:
                break
        if len(items) < 2 or not coordinated:
            return None
        return j, nd.RangeNode(items[0], items[-1])

    def p_day_list(self, k: int) -> Match | None:
        """Days of one month listed with "and"/"or"/commas: "14 and 15 March", "3, 5 and 9 May 2019",
        "March 14 and 15". One mention from the first day to the last (a range); days must rise and the
        last one needs "and"/"or" before it."""
        mo = self.month_at(k)
        at = mo[0] if mo is not None else k
        days: list[int] = []
        j, closed = at, False
        while True:
            d = self.day_at(j)
            if d is None or (days and d[1] <= days[-1]):
                return None
            days.append(d[1])
            j = d[0]
            if closed:
                break
            if self.low(j) in _COORD:
                j, closed = j + 1, True
            elif self.low(j) == "," and len(days) < 31:
                j, closed = (j + 2, True) if self.low(j + 1) in _COORD else (j + 1, False)
            else:
                return None
        if len(days) < 2:
            return None
        if mo is None:
            mo = self.month_at(j, after_day=True)
            if mo is None:
                return None
            j = mo[0]
        return self._day_span(j, mo[1], days[0], days[-1])

    def _day_span(self, j: int, month: int, first: int, last: int) -> Match | None:
        """Days first..last of `month`, the year read after token j (as for the last day)."""
        end = self._day_node(j, month, last)
        if end is None or not isinstance(end[1], nd.DayNode) or not valid_day(2000, month, first):
            return None
        return end[0], nd.RangeNode(nd.DayNode(month, first, end[1].year), end[1])

    def p_day_range(self, k: int, joiners: set[str] | frozenset[str]) -> Match | None:
        """ "18-20 February 2019", "from 18 to 20 February", "February 18-20"."""
        d1 = self.day_at(k)
        d2 = self.day_at(d1[0] + 1) if d1 is not None and self.low(d1[0]) in joiners else None
        mo = self.month_at(d2[0], after_day=True) if d2 is not None and d1[1] < d2[1] else None
        found = None if mo is None else self._day_span(mo[0], mo[1], d1[1], d2[1])
        if found is not None:
            return found
        mo = self.month_at(k)
        d1 = None if mo is None else self.day_at(mo[0])
        if d1 is None or self.low(d1[0]) not in joiners or self.month_at(d1[0] + 1) is not None:
            return None
        d2 = self.day_at(d1[0] + 1)
        if d2 is None or d1[1] >= d2[1] or cues.is_count(self.toks[d2[0] - 1]):
            return None
        return self._day_span(d2[0], mo[1], d1[1], d2[1])

    def p_short_year_range(self, k: int) -> Match | None:
        """ "2014-15", "2017/18": a year and the next one(s); "1968–2016" written as one token."""
        one = _YEAR_RANGE_TOKEN.fullmatch(self.low(k))
        if one and len(one.group(2)) == 4:
            y1, y2 = int(one.group(1)), int(one.group(2))
            if not (1000 <= y1 < y2 <= 2199) or self.in_number(k):
                return None
            return k + 1, nd.RangeNode(nd.YearNode(nd.YearRef("abs", y1)), nd.YearNode(nd.YearRef("abs", y2)))
        if one:
            y1, last, j = int(one.group(1)), one.group(2), k + 1
        else:
            if not (
                self.is_num(k) and len(self.low(k)) == 4 and self.glued(k) and self.low(k + 1) in _DASHES
            ):
                return None
            if not (self.glued(k + 1) and self.is_num(k + 2) and len(self.low(k + 2)) == 2):
                return None
            y1, last, j = int(self.low(k)), self.low(k + 2), k + 3
        if self.glued(j - 1) and (self.is_num(j) or self.is_word(j)) or not 1900 <= y1 <= 2100:
            return None
        y2 = y1 // 100 * 100 + int(last)
        if not y1 < y2 <= y1 + 10 or cues.is_count(self.toks[j - 1]):
            return None
        return j, nd.RangeNode(nd.YearNode(nd.YearRef("abs", y1)), nd.YearNode(nd.YearRef("abs", y2)))

    # ----------------------------------------------------------------- driver
    def may_start(self, i: int) -> bool:
        """Token i can start an expression: it is no plain word, or a word of the lexicon or of the grammar
        (GRAMMAR_WORDS), or spaCy reads it as part of a DATE/TIME."""
        word = self.low(i)
        return (
            not word.isalpha()
            or word in GRAMMAR_WORDS
            or word in self.lex.vocabulary
            or cues.date_entity(self.toks[i])
        )

    def parse_at(self, i: int) -> Match | None:
        """The longest expression at token i; a clock time joins the day written next to it ("Tuesday at
        18:00 UTC", "at 16:15 UTC, June 1st"). After "every" or "each" an expression is a set: none."""
        if self.low(i - 1) in self.w["set_words"]:
            return None
        if not self.may_start(i):
            return None  # an ordinary word (most tokens): no pattern starts with it
        cands = [
            c for c in (self.p_open(i), self.p_range(i), self.p_part(i), self.p_point(i)) if c is not None
        ]
        best = max(cands, key=lambda c: c[0]) if cands else None
        if best is not None and _one_day(best[1]):
            k = best[0] + (self.low(best[0]) == ",")
            clock = self.p_clock(k + (self.low(k) == "at"))
            return best if clock is None else (clock[0], best[1])
        if best is None:
            clock = self.p_clock(i)
            if clock is None:
                return None
            k = clock[0] + (self.low(clock[0]) == ",")
            day = self.p_point(k + (self.low(k) == "on"))
            if day is not None and _one_day(day[1]):
                return day[0], day[1]
            return clock
        return best


# The words the patterns below compare a token with (besides the lexicon's): an alphabetic token that is
# none of these and none of the lexicon's words starts no expression (tests/dates check the list against
# this file's string constants).
GRAMMAR_WORDS = frozenset(
    """a after afterward afterwards ago all am an and at before between century coming couple current day
    decade during each earlier every final first from half halves last later least month next night of on
    or over part past per pm previous quarter quarters s same seasons short since than that the this
    through thru till to today tomorrow tonight until week weekend when which year yesterday""".split()
)


def _longest(forms: dict[str, int]) -> frozenset[str]:
    """The longest written form of each number (the full month or weekday name)."""
    longest: dict[int, str] = {}
    for form, num in forms.items():
        if len(form) > len(longest.get(num, "")):
            longest[num] = form
    return frozenset(longest.values())


def _one_day(node: nd.Node) -> bool:
    """A day a clock time can be written with: a date, a weekday, yesterday / today / tomorrow."""
    return isinstance(node, nd.DayNode | nd.WeekdayNode) or (
        isinstance(node, nd.RelUnitNode) and node.unit == "day"
    )


def _adjacent(a: nd.Node, b: nd.Node) -> bool:
    """b is the period right after a: consecutive named months or consecutive years."""
    if isinstance(a, nd.MonthNode) and isinstance(b, nd.MonthNode) and a.mode == b.mode == "year":
        if b.month != a.month % 12 + 1:
            return False
        if a.year.kind == "implicit":
            return True
        if a.year.kind != b.year.kind:
            return False
        return b.year.value == a.year.value + (1 if a.month == 12 else 0)
    if isinstance(a, nd.YearNode) and isinstance(b, nd.YearNode):
        return a.year.kind == b.year.kind == "abs" and b.year.value == a.year.value + 1
    return False
