"""Centuries ("the 1300s", "the 19th century"), years before 1000 and the edges of the calendar (1..9999):
resolved to intervals, or kept unresolved, never an error."""

import copy
import datetime as dt

import pytest
import yaml

from pipelines.dates import extract_dates, timex_value
from pipelines.dates.lexicon import DEFAULT_PATH, LexiconError, parse_lexicon
from pipelines.dates.model import GRANULARITIES
from pipelines.storage.contracts import GRANULARITIES as CONTRACT_GRANULARITIES

D = dt.date
PUB = D(2020, 6, 1)


def one(text: str, published: D | None = PUB):
    found = extract_dates(text, published)
    assert len(found) == 1, found
    m = found[0]
    assert text[m.start : m.end] == m.surface
    return m


@pytest.mark.parametrize(
    ("text", "surface", "start", "end", "granularity"),
    [
        ("The town was founded in the 1300s.", "the 1300s", D(1300, 1, 1), D(1399, 12, 31), "century"),
        ("Families lived there in the 1800s.", "the 1800s", D(1800, 1, 1), D(1899, 12, 31), "century"),
        ("the 1700's saw raids", "the 1700's", D(1700, 1, 1), D(1799, 12, 31), "century"),
        ("in the late 1800s", "late 1800s", D(1867, 1, 1), D(1899, 12, 31), "century"),
        ("It was built in the 19th century.", "the 19th century", D(1800, 1, 1), D(1899, 12, 31), "century"),
        ("in the nineteenth century", "the nineteenth century", D(1800, 1, 1), D(1899, 12, 31), "century"),
        (
            "in the twenty-first century",
            "the twenty-first century",
            D(2000, 1, 1),
            D(2099, 12, 31),
            "century",
        ),
        ("a 14th-century citadel", "14th-century", D(1300, 1, 1), D(1399, 12, 31), "century"),
        ("the mid-19th century", "the mid-19th century", D(1834, 1, 1), D(1866, 12, 31), "century"),
        ("in the early 20th century", "early 20th century", D(1900, 1, 1), D(1933, 12, 31), "century"),
        (
            "during the first half of the 20th century",
            "the first half of the 20th century",
            D(1900, 1, 1),
            D(1949, 12, 31),
            "century",
        ),
        ("in the 1st century", "the 1st century", D(1, 1, 1), D(99, 12, 31), "century"),  # no year 0
        ("in the 7th century AD, ", "the 7th century AD", D(600, 1, 1), D(699, 12, 31), "century"),
        ("in the 7th century A.D. the", "the 7th century A.D.", D(600, 1, 1), D(699, 12, 31), "century"),
        # decades stay decades, "the 2000s" included
        ("in the 1990s", "the 1990s", D(1990, 1, 1), D(1999, 12, 31), "decade"),
        ("in the 2000s", "the 2000s", D(2000, 1, 1), D(2009, 12, 31), "decade"),
        ("in the 1310s", "the 1310s", D(1310, 1, 1), D(1319, 12, 31), "decade"),
        ("in the 9990s", "the 9990s", D(9990, 1, 1), D(9999, 12, 31), "decade"),
    ],
)
def test_centuries_and_decades_resolve(text, surface, start, end, granularity):
    m = one(text)
    assert (m.surface, m.date_start, m.date_end, m.granularity) == (surface, start, end, granularity)
    assert m.resolved and m.anchor == "absolute"


@pytest.mark.parametrize(
    "text",
    ["the 5th century BC", "in the 3rd century B.C. the", "the 12 century", "the 101st century", "the 0000s"],
)
def test_what_the_calendar_does_not_hold_is_no_date(text):
    assert extract_dates(text, PUB) == []


def test_two_ranges_of_centuries():
    m = one("between the 1300s and the 1500s")
    assert (m.date_start, m.date_end, m.granularity) == (D(1300, 1, 1), D(1599, 12, 31), "range")


@pytest.mark.parametrize(
    ("text", "published"),
    [
        ("In the 9990s. The next decade was calm.", PUB),
        ("It happened yesterday.", D(1, 1, 1)),
        ("Two years ago it began.", D(1, 1, 1)),
        ("It happened last winter.", D(1, 1, 1)),
        ("It will happen tomorrow.", D(9999, 12, 31)),
        ("Next year it ends.", D(9999, 12, 31)),
        ("Talks resume next Monday.", D(9999, 12, 31)),
    ],
)
def test_beyond_the_calendar_a_mention_stays_unresolved(text, published):
    found = extract_dates(text, published)
    last = found[-1]
    assert not last.resolved and last.date_start is None and last.date_end is None
    assert last.anchor == "unresolved"


@pytest.mark.parametrize("published", [D(1, 1, 2), D(632, 6, 8), D(1300, 3, 1), D(9999, 12, 30)])
def test_relative_dates_resolve_on_any_year_of_the_calendar(published):
    m = one("It happened yesterday.", published)
    assert m.resolved and m.date_start == published - dt.timedelta(days=1)


def test_years_before_1000_do_not_break_the_text_around_them():
    found = extract_dates("In 632 the prophet died; in the 7th century AD, on 3 May 2019.", PUB)
    assert [m.surface for m in found] == ["the 7th century AD", "3 May 2019"]


def test_timex_value_of_a_century():
    assert timex_value(one("in the 19th century")) == "18"
    assert timex_value(one("in the 1300s")) == "13"


def test_century_is_a_granularity_of_the_model_and_the_contract():
    assert "century" in GRANULARITIES and set(GRANULARITIES) <= set(CONTRACT_GRANULARITIES)


def test_century_ordinals_are_validated():
    raw = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    bad = copy.deepcopy(raw)
    bad["century_ordinals"]["zeroth"] = 0
    with pytest.raises(LexiconError, match="century_ordinals"):
        parse_lexicon(bad)
