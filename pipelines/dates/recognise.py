"""Find time expressions in text and resolve each to a calendar interval: `extract_dates` (SPEC §4).

The text is split into word / number / punctuation tokens. At every token the recogniser tries each
expression pattern (ranges, parts of periods, full dates, months, years, seasons, relative words) and
keeps the longest match, then resolves it in text order, so "the next year" can anchor to the most
recent earlier date. Durations ("10 days", "more than four years") match no pattern and yield nothing.
"""

from __future__ import annotations

import datetime
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from pipelines.dates.calendar_math import valid_day
from pipelines.dates.lexicon import Lexicon, default_lexicon
from pipelines.dates.model import DateMention
from pipelines.dates.nodes import (
    IMPLICIT,
    AgoNode,
    CenturyNode,
    Ctx,
    DayNode,
    DecadeNode,
    EarlierLaterNode,
    EdgeNode,
    MonthNode,
    Node,
    PartNode,
    QuarterNode,
    RangeNode,
    RelDayNode,
    RelUnitNode,
    SeasonNode,
    TextRelNode,
    TextShiftNode,
    WeekdayNode,
    WindowNode,
    YearNode,
    YearRef,
    resolve_within_calendar,
)

logger = logging.getLogger(__name__)

_LINE_RE = re.compile(r"[^\n]+")
_TOKEN_RE = re.compile(r"(?P<num>[0-9]+)|(?P<word>[^\W\d_]+)|(?P<punct>\S)")
_DASHES = frozenset({"-", "–", "—", "‐", "‑"})
_ORDINAL_SUFFIXES = frozenset({"st", "nd", "rd", "th"})
# Connectors between the two ends of a range, after an optional "from".
_RANGE_TO = frozenset({"to", "until", "till", "through", "thru", *_DASHES})
# Separators inside a numeric identifier ("20241011-02", "14/2023").
_ID_SEPS = frozenset({"-", "/", ".", *_DASHES})
_CURRENCY = frozenset({"$", "£", "€", "#", "¥"})
# Words that may end a clause's time adverbial ("the vote is today at noon", "... today but ...").
_CLAUSE_WORDS = frozenset({"at", "but", "when", "because", "with", "so", "while", "as", "amid", "unless"})
# Coordinators that join two adjacent periods into one ("February and March 2018", "in 2013 and 2014").
_COORD = frozenset({"and", "or"})
# Token words that end a sentence or clause, for sentence-level and clause-level cues.
_SENT_ENDS = frozenset({".", "!", "?", ";"})
_CLAUSE_ENDS = frozenset({".", "!", "?", ";", ",", ":", "(", ")", "—", "–", '"', "“", "”"})
# How many tokens before a date a future cue may stand ("will be honoured at the hall on May 2").
_FUTURE_WINDOW = 9
# "the first two weeks of", "the last three days of", "the final month of".
_EDGE_WORDS = frozenset({"first", "last", "final"})

Match = tuple[int, Node]  # (token index after the match, meaning)


@dataclass(frozen=True)
class Tok:
    text: str
    low: str
    start: int
    end: int
    kind: str  # 'num' | 'word' | 'punct'


def tokenize(text: str) -> list[Tok]:
    toks = []
    for m in _TOKEN_RE.finditer(text):
        s = m.group()
        kind = m.lastgroup or "punct"
        toks.append(Tok(s, s.lower().replace("’", "'"), m.start(), m.end(), kind))
    return toks


class _Parser:
    """Pattern matchers over one text's tokens. Each `p_*` returns (end token index, Node) or None."""

    def __init__(self, text: str, lex: Lexicon, ctx: Ctx) -> None:
        self.text = text
        self.lex = lex
        self.ctx = ctx
        self.toks = tokenize(text)
        self.n = len(self.toks)
        longest: dict[int, str] = {}
        for form, num in lex.months.items():
            if len(form) > len(longest.get(num, "")):
                longest[num] = form
        self.full_months = frozenset(longest.values())
        wd_longest: dict[int, str] = {}
        for form, num in lex.weekdays.items():
            if len(form) > len(wd_longest.get(num, "")):
                wd_longest[num] = form
        self.full_weekdays = frozenset(wd_longest.values())
        self.w = lex.words
        self.m = lex.maps

    # ----------------------------------------------------------------- token helpers
    def low(self, i: int) -> str:
        return self.toks[i].low if 0 <= i < self.n else ""

    def glued(self, i: int, j: int) -> bool:
        return 0 <= i < self.n and 0 <= j < self.n and self.toks[i].end == self.toks[j].start

    def cap(self, i: int) -> bool:
        return 0 <= i < self.n and self.toks[i].text[:1].isupper()

    def is_num(self, i: int) -> bool:
        return 0 <= i < self.n and self.toks[i].kind == "num"

    def in_identifier(self, i: int) -> bool:
        """Number i is one part of an identifier: numbers glued by "-", "/" or "." ("20241011-02",
        "14/2023", "3/23") where one part has five or more digits (no date has), or that a label
        word introduces ("No. 14/2023", "Case 4/2023", "release 2023-117"). Written dates such as
        "18-20 February" or "2019-02-18" have no label before them and no long part.
        Risk: a numeric date right after a label ("order 12/05/2019") is no longer a date."""
        a = b = i
        while self.glued(a - 1, a) and self.glued(a - 2, a - 1) and self.low(a - 1) in _ID_SEPS:
            if not self.is_num(a - 2):
                break
            a -= 2
        while self.glued(b, b + 1) and self.glued(b + 1, b + 2) and self.low(b + 1) in _ID_SEPS:
            if not self.is_num(b + 2):
                break
            b += 2
        if a == b:
            return False
        if any(len(self.toks[k].text) >= 5 for k in range(a, b + 1, 2)):
            return True
        return self.labelled(a)

    def labelled(self, i: int) -> bool:
        """A label word right before token i ("Resolution 2368", "No. 14", "No 14")."""
        prev = self.low(i - 1)
        if prev in self.w["label_words"] and self.toks[i - 1].kind == "word":
            return True
        return prev == "." and self.glued(i - 2, i - 1) and self.low(i - 2) in self.w["label_words"]

    def in_number(self, i: int) -> bool:
        """Token i is part of a larger number: 3,000 / 2.5 / $2014 / 2014% / 20145, or of an
        identifier ("No. 14/2023", "20241011-02")."""
        if self.is_num(i) and self.in_identifier(i):
            return True
        if self.glued(i - 1, i):
            prev = self.low(i - 1)
            if prev in _CURRENCY or (prev in {",", "."} and self.is_num(i - 2) and self.glued(i - 2, i - 1)):
                return True
            if self.toks[i - 1].kind == "word":
                return True
        if self.glued(i, i + 1):
            nxt = self.low(i + 1)
            if nxt == "%" or (nxt in {",", "."} and self.is_num(i + 2) and self.glued(i + 1, i + 2)):
                return True
            if self.toks[i + 1].kind == "word" and nxt not in _ORDINAL_SUFFIXES and nxt != "s":
                return True
        return False

    # ----------------------------------------------------------------- atoms
    def month_at(self, i: int, after_day: bool = False) -> tuple[int, int] | None:
        """A capitalised month name, or an abbreviation followed by '.' or a number (or after a day)."""
        if not (0 <= i < self.n) or self.toks[i].kind != "word" or not self.cap(i):
            return None
        m = self.lex.months.get(self.low(i))
        if m is None:
            return None
        if self.low(i) in self.full_months:
            return i + 1, m
        if self.low(i + 1) == "." and self.glued(i, i + 1):
            return i + 2, m
        if self.is_num(i + 1) or after_day:
            return i + 1, m
        return None

    def weekday_at(self, i: int, allow_abbrev: bool = False) -> tuple[int, int] | None:
        if not (0 <= i < self.n) or not self.cap(i):
            return None
        wd = self.lex.weekdays.get(self.low(i))
        if wd is None:
            return None
        if self.low(i) in self.full_weekdays:
            return i + 1, wd
        if allow_abbrev and self.low(i + 1) == "." and self.glued(i, i + 1):
            return i + 2, wd
        return None

    def day_at(self, i: int) -> tuple[int, int, bool] | None:
        """A day-of-month number 1..31 with an optional ordinal suffix: (next index, day, had suffix)."""
        if not self.is_num(i) or len(self.toks[i].text) > 2:
            return None
        d = int(self.toks[i].text)
        if not 1 <= d <= 31 or self.in_number(i):
            return None
        if self.low(i + 1) in _ORDINAL_SUFFIXES and self.glued(i, i + 1):
            return i + 2, d, True
        return i + 1, d, False

    def year_at(self, i: int, lo: int = 1900, hi: int = 2100) -> int | None:
        if not self.is_num(i) or len(self.toks[i].text) != 4 or self.in_number(i):
            return None
        y = int(self.toks[i].text)
        return y if lo <= y <= hi else None

    def sentence_bounds_at(self, i: int) -> tuple[int, int]:
        """Token range [a, b) of the sentence around token i (ends: . ! ? ; or a line break)."""
        a = i
        while a > 0 and self.low(a - 1) not in _SENT_ENDS and not self.line_break(a - 1):
            a -= 1
        b = i
        while b < self.n - 1 and self.low(b) not in _SENT_ENDS and not self.line_break(b):
            b += 1
        return a, b + 1

    def line_break(self, i: int) -> bool:
        """A line break between token i and the next."""
        return i + 1 < self.n and "\n" in self.text[self.toks[i].end : self.toks[i + 1].start]

    def sentence_has(self, i: int, words: frozenset[str]) -> bool:
        a, b = self.sentence_bounds_at(i)
        return any(self.low(k) in words for k in range(a, b))

    def future_cue(self, i: int) -> bool:
        """A future cue ("will", "scheduled for", "set to") before token i in its clause, with no
        past-time word between: "the vote will be held on March 3" is the coming March 3."""
        k = i - 1
        for _ in range(_FUTURE_WINDOW):
            if k < 0 or self.low(k) in _CLAUSE_ENDS or self.line_break(k):
                return False
            word = self.low(k)
            if word in self.w["past_cues"]:
                return False
            if word in self.w["future_cues"]:
                if word == "ll" and self.low(k - 1) not in {"'", "’"}:
                    return False
                if word == "set" and self.low(k + 1) not in {"to", "for"}:
                    return False
                # "was due to", "had been set to": a past plan
                return not any(self.low(k - d) in self.w["past_cues"] for d in (1, 2, 3))
            k -= 1
        return False

    def deadline(self, i: int, node: Node) -> bool:
        """ "by <weekday>" inside a clause ("must hand in their weapons by Sunday") is a deadline: the
        coming such day. At the head of a clause ("By Sunday, most had fled") it sets the scene of a
        past narrative and keeps the default reading. A past-time word in the clause before it
        (past_cues: "had", "was", ...) keeps the default too.
        Risk: a past deadline reported inside a clause ("they left by Sunday") is moved forward."""
        if not isinstance(node, WeekdayNode) or node.mode != "le" or self.low(i - 1) != "by":
            return False
        k = i - 2
        if k < 0 or self.low(k) in _CLAUSE_ENDS:
            return False
        for _ in range(_FUTURE_WINDOW):
            if k < 0 or self.low(k) in _CLAUSE_ENDS:
                break
            if self.low(k) in self.w["past_cues"]:
                return False
            k -= 1
        return True

    def count_noun_at(self, i: int) -> bool:
        return self.low(i) in self.w["count_nouns"]

    def year_ok(self, i: int, in_range: bool = False) -> bool:
        """Is the 4-digit number at i used as a year (not a count like "2014 fighters")?"""
        if self.count_noun_at(i + 1):
            return False
        prev = self.low(i - 1)
        if prev in self.w["label_words"] and self.toks[i - 1].kind == "word":
            return False
        if prev == "." and self.glued(i - 2, i - 1) and self.low(i - 2) in self.w["label_words"]:
            return False  # "No. 1990"
        if self.model_number(i):
            return False
        if prev in self.w["dimension_words"] and self.is_num(i - 2 if self.is_num(i - 2) else i - 3):
            return False  # "1080 by 1920", "1080 pixels by 1920"
        verbs = self.w["quantity_verbs"]
        if prev in verbs or (prev in {"to", "by", "from", "of"} and self.low(i - 2) in verbs):
            return False
        if in_range:
            return True
        if prev in self.w["quantity_words"]:
            anchored = prev in {"least", "most"} and self.low(i - 2) == "at"
            if not (anchored and self.low(i - 3) in self.w["month_triggers"]):
                return False
        if self.low(i + 1) in {"to", "and", "or", *_DASHES} and self.is_num(i + 2):
            other = self.year_at(i + 2)
            short = len(self.toks[i + 2].text) == 2 and self.glued(i, i + 1)
            if (other is None and not short) or self.count_noun_at(i + 3):
                return False
        return True

    def model_number(self, i: int) -> bool:
        """A 4-digit number right after an all-capitals product code ("RTX 2060", "GTX 1080") is a
        model number. Risk: a year after an acronym with no preposition ("NATO 2030") is dropped too."""
        if i < 1 or self.toks[i - 1].kind != "word" or self.glued(i - 1, i):
            return False
        word = self.toks[i - 1].text
        return len(word) >= 2 and word.isupper() and word.lower() not in self.lex.months

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
    def yref_at(self, i: int) -> tuple[int, YearRef] | None:
        """A year after a month or day: ", 2018", "2018", "of this year", "last year", "of the next year"."""
        k = i + 1 if self.low(i) == "," else i
        y = self.year_at(k, 1000, 2199)
        if y is not None and not self.count_noun_at(k + 1):
            return k + 1, YearRef("abs", y)
        k = i + 1 if self.low(i) == "of" else i
        rel = self.m["relative"].get(self.low(k))
        if (
            rel is not None
            and self.low(k) in {"this", "last", "next", "current"}
            and self.low(k + 1) == "year"
        ):
            return k + 2, YearRef("pub", rel)
        if self.low(k) == "the" and self.low(k + 2) == "year":
            if self.low(k + 1) == "current":
                return k + 3, YearRef("pub", 0)
            trel = self.m["text_relative"].get(self.low(k + 1))
            if trel is not None:
                return k + 3, YearRef("text", trel)
        if self.low(k) == "that" and self.low(k + 1) == "year" and k > i:
            return k + 2, YearRef("text", 0)
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
        if res is not None and wd is not None and isinstance(res[1], DayNode):
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
        if d is None or self.count_noun_at(d[0]) or self.year_at(mo[0]) is not None:
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
            return yr[0], DayNode(month, day, yr[1])
        return j, DayNode(month, day, IMPLICIT)

    def p_numeric(self, i: int, in_range: bool) -> Match | None:
        """2019-02-18, and 18/02/2019 or 02/18/2019 when the day is unambiguous (> 12)."""
        t = self.toks
        if not (self.is_num(i) and i + 4 < self.n and all(self.glued(i + k, i + k + 1) for k in range(4))):
            return None
        sep1, sep2 = t[i + 1].text, t[i + 3].text
        if sep1 != sep2 or sep1 not in {"-", "/", "."} or not (self.is_num(i + 2) and self.is_num(i + 4)):
            return None
        if self.glued(i + 4, i + 5) and self.low(i + 5) in {"-", "/", ".", ","} and self.is_num(i + 6):
            return None
        a, b, c = (t[i + k].text for k in (0, 2, 4))
        if len(a) == 4 and sep1 == "-" and len(b) == 2 and len(c) == 2:
            y, mo, d = int(a), int(b), int(c)
        elif len(c) == 4 and len(a) <= 2 and len(b) <= 2:
            x, z, y = int(a), int(b), int(c)
            if x > 12 >= z:
                d, mo = x, z
            elif z > 12 >= x:
                mo, d = x, z
            else:
                return None
        else:
            return None
        if not (1900 <= y <= 2100 and valid_day(y, mo, d)):
            return None
        return i + 5, DayNode(mo, d, YearRef("abs", y))

    def p_month(self, i: int, in_range: bool) -> Match | None:
        rel = self.low(i)
        if rel in {"last", "this", "next"}:
            k = i + 1
            if rel == "this" and self.low(k) == "past":  # "this past May" = last May
                k, rel = k + 1, "last"
            mo = self.month_at(k)
            if mo is not None and self.day_at(mo[0]) is None:
                return mo[0], MonthNode(mo[1], mode=rel)
            return None
        mo = self.month_at(i)
        if mo is None:
            return None
        j, month = mo
        yr = self.yref_at(j)
        if yr is None and self.low(j) == "of":
            y = self.year_at(j + 1, 1000, 2199)
            if y is not None:
                yr = (j + 2, YearRef("abs", y))
        if yr is not None:
            return yr[0], MonthNode(month, yr[1])
        possessive = self.low(j) in {"'", "’"} and self.low(j + 1) == "s" and self.glued(i, j)
        listed = self.low(i - 1) == "," and self.low(i - 2) in self.lex.months and self.cap(i - 2)
        if in_range or possessive or listed or self.low(i - 1) in self.w["month_triggers"]:
            return j, MonthNode(month, IMPLICIT)
        if self.month_modifier(i, j):
            return j, MonthNode(month, IMPLICIT)
        return None

    def month_modifier(self, i: int, j: int) -> bool:
        """A full month name used as a modifier after a determiner or a possessive: "the March
        offensive", "an October meeting", "the country's December vote"."""
        if self.low(i) not in self.full_months or self.low(i) == "may":
            return False
        before = self.low(i - 1)
        det = before in self.w["month_determiners"] and self.toks[i - 1].kind == "word"
        owner = before == "s" and self.low(i - 2) in {"'", "’"} and self.glued(i - 2, i - 1)
        if not (det or owner):
            return False
        nxt = self.toks[j] if j < self.n else None
        return (
            nxt is not None
            and nxt.kind == "word"
            and nxt.text[:1].islower()
            and nxt.low not in self.w["month_triggers"]
            and nxt.low not in self.w["function_words"]
        )

    def p_year(self, i: int, in_range: bool) -> Match | None:
        k = i
        if self.low(k) == "the" and self.low(k + 1) == "year":
            k += 2
        elif self.low(k) == "year" and self.is_num(k + 1):
            k += 1
        y = self.year_at(k)
        if y is None or (k == i and not self.year_ok(k, in_range)) or (k > i and self.count_noun_at(k + 1)):
            return None
        return k + 1, YearNode(YearRef("abs", y))

    def p_decade(self, i: int, in_range: bool) -> Match | None:
        k = i + 1 if self.low(i) == "the" else i
        y = self.year_at(k, 1000, 2190)
        if y is None and self.is_num(k) and len(self.toks[k].text) == 4:
            y = int(self.toks[k].text)
        if not y or y % 10 != 0 or not self.glued(k, k + 1):
            return None
        # "the 1300s", "the 1800s", "the 1900s" name a century; "the 2000s" is read as its decade, as
        # current writing mostly means it. Risk: "the 1900s" meaning the decade 1900-1909 becomes a century.
        node: Node = CenturyNode(first_year=y) if y % 100 == 0 and y != 2000 else DecadeNode(y)
        if self.low(k + 1) == "s":
            return k + 2, node
        if self.low(k + 1) == "'" and self.low(k + 2) == "s" and self.glued(k + 1, k + 2):
            return k + 3, node
        return None

    def p_century(self, i: int, in_range: bool = False) -> Match | None:
        """ "the 19th century", "the nineteenth century", "19th-century", "the 7th century AD": the n-th
        hundred years (1800-1899 for the 19th). Before Christ ("the 5th century BC") is no date here."""
        k = i + 1 if self.low(i) == "the" else i
        n: int | None = None
        ordinals = self.m["century_ordinals"]
        if self.is_num(k) and len(self.toks[k].text) <= 3 and not self.in_identifier(k):
            if self.low(k + 1) in _ORDINAL_SUFFIXES and self.glued(k, k + 1):
                n, j = int(self.toks[k].text), k + 2
        elif self.low(k) in ordinals:
            n, j = ordinals[self.low(k)], k + 1
        elif self.low(k + 1) in _DASHES and self.glued(k, k + 1) and self.glued(k + 1, k + 2):
            word = f"{self.low(k)}-{self.low(k + 2)}"  # "twenty-first"
            if word in ordinals:
                n, j = ordinals[word], k + 3
        if n is None or not 1 <= n <= 100:
            return None
        if self.low(j) in _DASHES and self.glued(j - 1, j) and self.glued(j, j + 1):
            j += 1  # "19th-century houses"
        if self.low(j) != "century":
            return None
        j += 1
        era = self.era_at(j)
        if era is not None and era[1] == "bc":
            return None
        if era is not None:
            j = era[0]
        return j, CenturyNode(ordinal=n)

    def era_at(self, i: int) -> tuple[int, str] | None:
        """ "BC", "BCE", "B.C.", "AD", "A.D.", "CE" (capitals) at i: (index after it, 'bc' or 'ad')."""
        if not (0 <= i < self.n) or self.toks[i].kind != "word" or not self.toks[i].text.isupper():
            return None
        word, j = self.low(i), i + 1
        # single capitals joined by stops: "B.C.", "A.D."
        while (
            len(self.toks[j - 1].text) == 1
            and self.low(j) == "."
            and self.glued(j - 1, j)
            and self.glued(j, j + 1)
            and len(self.toks[j + 1].text) == 1
            and self.toks[j + 1].text.isupper()
        ):
            word, j = word + self.low(j + 1), j + 2
        if len(self.toks[i].text) == 1 and len(word) > 1 and self.low(j) == "." and self.glued(j - 1, j):
            j += 1  # the closing stop of "B.C."
        if word in self.w["era_bc"]:
            return j, "bc"
        if word in self.w["era_ad"]:
            return j, "ad"
        return None

    def p_season(self, i: int, in_range: bool) -> Match | None:
        seasons = self.m["seasons"]
        rel = self.low(i)
        if rel in {"this", "last", "next"} and self.low(i + 1) in seasons and not self.cap(i + 1):
            return i + 2, SeasonNode(seasons[self.low(i + 1)], mode=rel)
        first = seasons.get(rel)
        if first is None:
            return None
        j = i + 1
        k = j + 1 if self.low(j) == "of" else j
        y = self.year_at(k)
        if y is not None and not self.count_noun_at(k + 1):
            return k + 1, SeasonNode(first, "year", YearRef("abs", y))
        if self.low(j) == "of":
            yr = self.yref_at(j)
            if yr is not None:
                return yr[0], SeasonNode(first, "year", yr[1])
            return None
        prev = i - 2 if self.low(i - 1) == "the" else i - 1
        if (self.cap(i) and prev == i - 2) or self.low(prev) not in self.w["season_triggers"]:
            return None
        if prev == i - 1 and self.low(prev) in {"to", "and"} and not in_range:
            return None  # "to fall in love", "and spring up": a verb
        if self.cap(i) and not self.cap(prev):
            return None
        return j, SeasonNode(first, "implicit")

    def p_relday(self, i: int, in_range: bool) -> Match | None:
        word = self.low(i)
        offset = self.m["day_words"].get(word)
        tod = self.w["times_of_day"]
        if offset is not None:
            if word == "today":
                if self.generic_today(i):
                    return None
                if self.cap(i) and i > 0 and self.cap(i - 1) and self.toks[i - 1].kind == "word":
                    return None  # a name: "USA Today"
            j = i + 2 if self.low(i + 1) in tod and word != "tonight" else i + 1
            return j, RelDayNode(offset)
        if word == "last" and self.low(i + 1) == "night":
            return i + 2, RelDayNode(-1)
        if word == "this" and self.low(i + 1) in tod and self.low(i + 1) != "night":
            return i + 2, RelDayNode(0)
        if word == "the" and self.low(i + 1) == "day" and self.low(i + 3) in {"yesterday", "tomorrow"}:
            if self.low(i + 2) == "before" and self.low(i + 3) == "yesterday":
                return i + 4, RelDayNode(-2)
            if self.low(i + 2) == "after" and self.low(i + 3) == "tomorrow":
                return i + 4, RelDayNode(2)
        return None

    def generic_today(self, i: int) -> bool:
        """ "today" at i means "nowadays" (the generic present), not the publication day.

        Three signs: a verb of lasting or a relative pronoun before it ("continues today", "who
        today"); a present-tense verb of state right after it ("today stands at", "today hosts"), or
        a present copula before it and a lower-case word after it ("is today shared"); a possessive
        before a proper name ("today's Syria", but not "today's attack").
        """
        before, after = self.low(i - 1), self.low(i + 1)
        if before in self.w["generic_today_cues"]:
            return True
        nxt_word = i + 1 < self.n and self.toks[i + 1].kind == "word"
        if nxt_word and not self.cap(i + 1):
            if after in self.w["generic_today_verbs_after"]:
                return True
            boundary = self.w["month_triggers"] | _CLAUSE_WORDS
            if before in self.w["generic_today_copulas"] and after not in boundary:
                return True
        if before in self.w["generic_today_copulas"] and "as" in {self.low(i - 3), self.low(i - 4)}:
            return True  # "the city as it is today", "as things are today"
        if after in {"'", "’"} and self.low(i + 2) == "s" and self.glued(i, i + 1):
            return self.cap(i + 3) and self.toks[i + 3].kind == "word"
        return False

    def p_weekday(self, i: int, in_range: bool) -> Match | None:
        modes = {"last": "lt", "next": "gt", "this": "this"}
        k, mode = i, "le"
        if self.low(i) == "this" and self.low(i + 1) == "past":
            k, mode = i + 2, "lt"  # "this past Monday" = last Monday
        elif self.low(i) in modes:
            k, mode = i + 1, modes[self.low(i)]
        wd = self.weekday_at(k)
        if wd is None:
            return None
        if k == i and self.weekday_in_name(i):
            return None
        j = wd[0]
        if k == i and self.low(i - 1) == "the" and self.cap(j) and self.toks[j].kind == "word":
            if self.month_at(j) is None:
                return None  # a title: "the Sunday Times"
        if self.low(j) in self.w["times_of_day"]:
            j += 1
        return j, WeekdayNode(wd[1], mode)

    def weekday_in_name(self, i: int) -> bool:
        """A weekday after a capitalised name word (weekday_name_words) is part of a name: "Black
        Friday", "Super Tuesday", "Bloody Sunday". Other capitalised words do not count: "told the
        House Intelligence Committee Tuesday" is a date."""
        if i < 1 or self.toks[i - 1].kind != "word" or not self.cap(i - 1):
            return False
        if self.text[self.toks[i - 1].end : self.toks[i].start] != " ":
            return False
        return self.low(i - 1) in self.w["weekday_name_words"]

    def p_rel(self, i: int, in_range: bool) -> Match | None:
        word = self.low(i)
        rel = self.m["relative"].get(word)
        if word == "this" and self.low(i + 1) == "past":
            unit = self.singular_unit_at(i + 2) or ("weekend" if self.low(i + 2) == "weekend" else None)
            if unit in {"week", "month", "year"}:
                return i + 3, RelUnitNode(unit, -1)
            if unit == "weekend":
                return i + 3, RelUnitNode("latest_weekend", 0)
            return None
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
            return i + 2, RelUnitNode(unit, rel)
        if word == "the":
            nxt = self.low(i + 1)
            if nxt in ("past", "last") and self.low(i - 1) in self.w["window_preps"]:
                # "in the past two weeks": the window ending on publication ("over the past two
                # years" says how long, and stays a duration)
                num = self.number_at(i + 2)
                k, n = (num[0], num[1]) if num is not None and num[1] >= 2 else (i + 2, 1)
                unit = self.unit_at(k)
                # "in the last month of the war" is a part of another period, not a window
                if (
                    unit in ("day", "week", "month", "year")
                    and (n == 1) == (self.low(k) == unit)
                    and self.low(k + 1) != "of"
                ):
                    return k + 1, WindowNode(unit, n)
            if nxt == "weekend" and self.low(i - 1) in {"over", "at", "during", "on"}:
                return i + 2, RelUnitNode("latest_weekend", 0)  # "over the weekend"
            unit = self.singular_unit_at(i + 2) or ("weekend" if self.low(i + 2) == "weekend" else None)
            if unit is None:
                # "the day before", "the year after" closing a clause
                unit = self.singular_unit_at(i + 1)
                if (
                    unit in {"day", "year", "month", "week"}
                    and nxt != ""
                    and self.low(i + 2) in {"before", "after"}
                ):
                    if self.toks[i + 3].kind == "punct" if i + 3 < self.n else True:
                        return i + 3, TextRelNode(unit, -1 if self.low(i + 2) == "before" else 1)
                return None
            if nxt == "current":
                return i + 3, RelUnitNode(unit, 0)
            if nxt == "weekend" or unit == "weekend":
                return None
            trel = self.m["text_relative"].get(nxt)
            if trel is None:
                return None
            prep = self.low(i - 1)
            if prep in self.w["strict_duration_preps"] or (
                nxt == "next" and prep in self.w["duration_preps"]
            ):
                return None
            return i + 3, TextRelNode(unit, trel)
        if word == "that":
            k = i + 2 if self.low(i + 1) == "same" else i + 1
            unit = self.singular_unit_at(k)
            if unit not in {"year", "month"}:
                return None
            cue = self.w["month_triggers"] | self.w["earlier_words"] | self.w["later_words"] | {"of"}
            if k > i + 1 or self.low(k + 1) in {"'", "’"} or self.low(i - 1) in cue:
                return k + 1, TextRelNode(unit, 0)
        return None

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
            return j + 2, AgoNode(unit, n)
        # "eleven days later", "two years earlier": an elapsed time counted from an event, like "in
        # 10 days" a duration in the sense of SPEC §4. It yields no date mention, but it still moves
        # the narrative on: "Two years later it spread. The following year ..." (see extract_dates).
        if after in {"later", "afterwards", "afterward"}:
            return j + 2, TextShiftNode(unit, n)
        if after in {"earlier", "before"} and self.low(j + 2) not in {"than"}:
            if after == "before" and not (j + 2 >= self.n or self.toks[j + 2].kind == "punct"):
                return None
            return j + 2, TextShiftNode(unit, -n)
        return None

    def p_point(self, i: int, in_range: bool = False) -> Match | None:
        best: Match | None = None
        for fn in self._point_parsers:
            r = fn(i, in_range)
            if r is not None and (best is None or r[0] > best[0]):
                best = r
        return best

    @property
    def _point_parsers(self) -> tuple[Callable[[int, bool], Match | None], ...]:
        return (
            self.p_numeric,
            self.p_full_date,
            self.p_month,
            self.p_year,
            self.p_decade,
            self.p_century,
            self.p_season,
            self.p_relday,
            self.p_weekday,
            self.p_rel,
            self.p_ago_shift,
        )

    # ----------------------------------------------------------------- parts of periods
    def part_base(self, i: int) -> Match | None:
        """A period that early/mid/late, halves and quarters apply to: month, year, decade, century."""
        cands: list[Match] = []
        for fn in (self.p_month, self.p_decade, self.p_century):
            r = fn(i, True)
            if r is not None:
                cands.append(r)
        y = self.year_at(i)
        if y is not None and not self.count_noun_at(i + 1):
            cands.append((i + 1, YearNode(YearRef("abs", y))))
        r = self.p_rel(i, True)
        if (
            r is not None
            and isinstance(r[1], RelUnitNode | TextRelNode)
            and r[1].unit in {"month", "year", "decade"}
        ):
            cands.append(r)
        if self.low(i) == "the" and self.low(i + 1) in {"month", "year"}:
            cands.append((i + 2, RelUnitNode(self.low(i + 1), 0)))
        return max(cands, key=lambda c: c[0]) if cands else None

    def phrase_at(self, i: int, phrases: dict[tuple[str, ...], str]) -> tuple[int, str] | None:
        best = None
        for words, val in phrases.items():
            if all(self.low(i + k) == w for k, w in enumerate(words)):
                if best is None or len(words) > best[0] - i:
                    best = (i + len(words), val)
        return best

    def p_part(self, i: int, in_range: bool = False) -> Match | None:
        ph = self.phrase_at(i, self.lex.part_words)
        if ph is not None:
            j, part = ph
            if self.low(j) in _DASHES and self.glued(j - 1, j):
                j += 1
            base = self.part_base(j)
            if base is not None:
                return base[0], PartNode("part", part, base[1])
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
                return k + 1, EarlierLaterNode(word in self.w["later_words"], unit)
            return None
        k = i + 1 if word == "the" else i
        ordinal = self.low(k)
        kind_word = self.low(k + 1)
        if word == "the" and ordinal in _EDGE_WORDS:
            edge = self.p_edge(k + 1, ordinal != "first")
            if edge is not None:
                return edge
        if (
            kind_word == "quarter"
            and ordinal in self.m["quarters"]
            and word == "the"
            and self.low(k + 2) != "of"
        ):
            # "the fourth quarter": the latest such quarter that started by publication
            if self.low(k + 2) in self.w["count_nouns"] or self.sentence_has(i, self.w["game_words"]):
                return None  # "scored 24 points in the third quarter": a period of a game
            return k + 2, QuarterNode(self.m["quarters"][ordinal])
        if self.low(k + 2) != "of":
            return None
        if kind_word == "half" and ordinal in self.m["halves"]:
            kind, which = "half", self.m["halves"][ordinal]
        elif kind_word == "quarter" and ordinal in self.m["quarters"]:
            kind, which = "quarter", self.m["quarters"][ordinal]
        elif kind_word == "week" and (ordinal in self.m["quarters"]):
            kind, which = "week", -1 if ordinal in {"last", "final"} else self.m["quarters"][ordinal]
        else:
            return None
        base = self.part_base(k + 3)
        if base is None:
            return None
        return base[0], PartNode(kind, which, base[1])

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
        base = self.part_base(j + 2)
        if base is None:
            return None
        return base[0], EdgeNode(last, unit, n, base[1])

    # ----------------------------------------------------------------- ranges
    def p_range(self, i: int) -> Match | None:
        lead = self.low(i)
        k = i + 1 if lead in {"from", "between"} else i
        joiners = {"and"} if lead == "between" else _RANGE_TO
        day_range = self.p_day_range(k, joiners)
        if day_range is not None:
            return day_range
        if k == i:
            day_list = self.p_day_list(i)
            if day_list is not None:
                return day_list
            coordinated = self.p_coordinated(i)
            if coordinated is not None:
                return coordinated
        short = self.p_short_year_range(k)
        if short is not None:
            return short
        first = self.p_part(k, True) or self.p_point(k, True)
        if first is None or isinstance(first[1], RangeNode):
            return None
        j = first[0]
        if self.low(j) not in joiners:
            return None
        second = self.p_part(j + 1, True) or self.p_point(j + 1, True)
        if second is None:
            return None
        node = RangeNode(first[1], second[1])
        if self.ctx.published is not None and resolve_within_calendar(node, self.ctx) is None:
            return None
        return second[0], node

    def p_coordinated(self, i: int) -> Match | None:
        """Adjacent months or years joined by "and"/"or"/commas are one period from the first to the
        last: "February and March 2018", "in 2013 and 2014", "January, February and March". Periods
        that are not adjacent ("in 2012 and 2014") stay separate dates."""
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
        return j, RangeNode(items[0], items[-1])

    def p_day_list(self, k: int) -> Match | None:
        """Days of one month listed with "and"/"or"/commas: "14 and 15 March", "3, 5 and 9 May
        2019", "March 14 and 15". The month belongs to every day and the list cannot be split into
        dates of its own, so it is one mention from the first day to the last (a range; days between
        listed days are covered too). Days must rise; the last one needs "and"/"or" before it."""
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
        if len(days) < 2 or self.count_noun_at(j):
            return None
        if mo is None:
            mo = self.month_at(j, after_day=True)
            if mo is None:
                return None
            j = mo[0]
        end = self._day_node(j, mo[1], days[-1])
        if end is None or not isinstance(end[1], DayNode) or not valid_day(2000, mo[1], days[0]):
            return None
        return end[0], RangeNode(DayNode(mo[1], days[0], end[1].year), end[1])

    def p_day_range(self, k: int, joiners: set[str] | frozenset[str]) -> Match | None:
        """ "18-20 February 2019", "from 18 to 20 February", "February 18-20"."""
        d1 = self.day_at(k)
        if d1 is not None and self.low(d1[0]) in joiners:
            d2 = self.day_at(d1[0] + 1)
            if d2 is not None:
                mo = self.month_at(d2[0])
                if mo is not None and d1[1] < d2[1]:
                    end = self._day_node(mo[0], mo[1], d2[1])
                    if end is not None and isinstance(end[1], DayNode):
                        return end[0], RangeNode(DayNode(mo[1], d1[1], end[1].year), end[1])
        mo = self.month_at(k)
        if mo is not None:
            d1 = self.day_at(mo[0])
            if d1 is not None and self.low(d1[0]) in joiners and self.month_at(d1[0] + 1) is None:
                d2 = self.day_at(d1[0] + 1)
                if d2 is not None and d1[1] < d2[1] and not self.count_noun_at(d2[0]):
                    end = self._day_node(d2[0], mo[1], d2[1])
                    if end is not None and isinstance(end[1], DayNode):
                        return end[0], RangeNode(DayNode(mo[1], d1[1], end[1].year), end[1])
        return None

    def p_short_year_range(self, k: int) -> Match | None:
        """ "2014-15", "2017/18": a year and the next one(s)."""
        y1 = self.year_at(k)
        if y1 is None or not (self.glued(k, k + 1) and self.low(k + 1) in _DASHES | {"/"}):
            return None
        if not (self.is_num(k + 2) and self.glued(k + 1, k + 2) and len(self.toks[k + 2].text) == 2):
            return None
        if self.glued(k + 2, k + 3) and self.toks[k + 3].kind in {"num", "word"}:
            return None
        y2 = y1 // 100 * 100 + int(self.toks[k + 2].text)
        if not y1 < y2 <= y1 + 10 or self.count_noun_at(k + 3):
            return None
        return k + 3, RangeNode(YearNode(YearRef("abs", y1)), YearNode(YearRef("abs", y2)))

    # ----------------------------------------------------------------- driver
    def parse_at(self, i: int) -> Match | None:
        cands = [c for c in (self.p_range(i), self.p_part(i), self.p_point(i)) if c is not None]
        return max(cands, key=lambda c: c[0]) if cands else None


def _adjacent(a: Node, b: Node) -> bool:
    """b is the period right after a: consecutive named months or consecutive years."""
    if isinstance(a, MonthNode) and isinstance(b, MonthNode) and a.mode == b.mode == "year":
        if b.month != a.month % 12 + 1:
            return False
        if a.year.kind == "implicit":
            return True
        if a.year.kind != b.year.kind:
            return False
        return b.year.value == a.year.value + (1 if a.month == 12 else 0)
    if isinstance(a, YearNode) and isinstance(b, YearNode):
        return a.year.kind == b.year.kind == "abs" and b.year.value == a.year.value + 1
    return False


def _granularity_hint(node: Node) -> str:
    """Granularity of an expression that could not be resolved."""
    if isinstance(node, DayNode | RelDayNode | WeekdayNode):
        return "day"
    if isinstance(node, MonthNode):
        return "month"
    if isinstance(node, RangeNode):
        return "range"
    if isinstance(node, EdgeNode):
        return "part_of_month" if isinstance(node.base, MonthNode) else "part_of_year"
    if isinstance(node, PartNode | EarlierLaterNode):
        base = getattr(node, "base", None)
        unit = getattr(node, "unit", None)
        if isinstance(base, MonthNode) or unit == "month":
            return "part_of_month"
        return "part_of_year"
    if isinstance(node, SeasonNode):
        return "part_of_year"
    if isinstance(node, DecadeNode):
        return "decade"
    if isinstance(node, CenturyNode):
        return "century"
    unit = getattr(node, "unit", "year")
    if unit in ("weekend", "latest_weekend"):
        return "week"
    return unit if unit in {"day", "week", "month", "year", "decade"} else "year"


def extract_dates(
    text: str, published: datetime.date | None, lexicon: Lexicon | None = None, doc: Any = None
) -> list[DateMention]:
    """Every time expression in `text` as a DateMention, sorted by start, non-overlapping.

    Relative expressions resolve against `published` (news mode); without it they are returned with
    `resolved=False`, null dates and anchor 'unresolved'. "the next year" and the like anchor to the most
    recent earlier non-deictic date in the text.
    """
    lex = lexicon or default_lexicon()
    ctx = Ctx(published)
    out: list[DateMention] = []
    # A date never spans a line break: each line (a paragraph, heading or header field of the cleaned
    # text) is parsed on its own, so "No. 20241011-02" on one line and "Oct. 11, 2024" on the next
    # cannot join. The text anchor for "the next year" carries over from line to line.
    for line in _LINE_RE.finditer(text):
        _extract_line(text, line.start(), _Parser(line.group(), lex, ctx), ctx, out)
    out = _join_named_days(text, out)
    logger.debug("found %d date mentions", len(out))
    return out


_DEICTIC_DAYS = frozenset({"yesterday", "today", "tomorrow", "tonight"})


def _join_named_days(text: str, found: list[DateMention]) -> list[DateMention]:
    """ "yesterday, Tuesday," names one day twice: one mention, not two."""
    out: list[DateMention] = []
    for m in found:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.surface.lower() in _DEICTIC_DAYS
            and text[prev.end : m.start] in (", ", " ")
            and m.granularity == "day"
            and (prev.date_start, prev.date_end) == (m.date_start, m.date_end)
        ):
            out[-1] = replace(prev, end=m.end, surface=text[prev.start : m.end])
            continue
        out.append(m)
    return out


def _extract_line(text: str, offset: int, parser: _Parser, ctx: Ctx, out: list[DateMention]) -> None:
    i = 0
    while i < parser.n:
        match = parser.parse_at(i)
        if match is None:
            i += 1
            continue
        j, node = match
        # "early September", "the end of March": the part of a month follows its month's direction
        cued = (
            node.base if isinstance(node, PartNode | EdgeNode) and isinstance(node.base, MonthNode) else node
        )
        if isinstance(cued, DayNode | MonthNode | WeekdayNode) and (
            parser.future_cue(i) or parser.deadline(i, cued)
        ):
            cued.future = True
        start, end = offset + parser.toks[i].start, offset + parser.toks[j - 1].end
        res = resolve_within_calendar(node, ctx)  # None, too, beyond the calendar (years 1..9999)
        if isinstance(node, TextShiftNode):  # a duration: no mention, only the narrative moves on
            if res is not None:
                ctx.text_anchor = res.interval
            i = j
            continue
        if res is None:
            out.append(
                DateMention(
                    start, end, text[start:end], None, None, _granularity_hint(node), False, "unresolved"
                )
            )
        else:
            iv = res.interval
            out.append(
                DateMention(start, end, text[start:end], iv.start, iv.end, iv.granularity, True, res.anchor)
            )
            if not node.deictic:
                ctx.text_anchor = res.ref or iv
        i = j
