"""Recognition and resolution of each kind of time expression (SPEC §4)."""

import datetime

import pytest

from pipelines.dates import extract_dates

D = datetime.date
PUB = D(2019, 2, 26)  # a Tuesday


def only(text: str, published: D | None = PUB):
    found = extract_dates(text, published)
    assert len(found) == 1, found
    return found[0]


def interval(text: str, published: D | None = PUB):
    m = only(text, published)
    return m.date_start, m.date_end, m.granularity


@pytest.mark.parametrize(
    ("text", "start", "end", "gran"),
    [
        # full and partial dates
        ("It happened on 18 February 2019.", D(2019, 2, 18), D(2019, 2, 18), "day"),
        ("It happened on February 18, 2019.", D(2019, 2, 18), D(2019, 2, 18), "day"),
        ("It happened on the 18th of February 2017.", D(2017, 2, 18), D(2017, 2, 18), "day"),
        ("AFP reported Feb. 18 that fighters left.", D(2019, 2, 18), D(2019, 2, 18), "day"),
        ("AFP reported Sept. 3 that fighters left.", D(2018, 9, 3), D(2018, 9, 3), "day"),
        ("It happened on 2018-11-05.", D(2018, 11, 5), D(2018, 11, 5), "day"),
        ("In February 2018, it released prisoners.", D(2018, 2, 1), D(2018, 2, 28), "month"),
        ("They met in 2014 in Aleppo.", D(2014, 1, 1), D(2014, 12, 31), "year"),
        ("In September, the group executed five men.", D(2018, 9, 1), D(2018, 9, 30), "month"),
        ("The city fell in February.", D(2019, 2, 1), D(2019, 2, 28), "month"),
        ("By July of this year it had grown.", D(2019, 7, 1), D(2019, 7, 31), "month"),
        ("It was agreed in March last year.", D(2018, 3, 1), D(2018, 3, 31), "month"),
        ("It was agreed last March.", D(2018, 3, 1), D(2018, 3, 31), "month"),
        ("It is planned for next March.", D(2019, 3, 1), D(2019, 3, 31), "month"),
        ("Trade grew in the 1990s.", D(1990, 1, 1), D(1999, 12, 31), "decade"),
        # relative to publication
        ("He escaped yesterday.", D(2019, 2, 25), D(2019, 2, 25), "day"),
        ("The army said today it had won.", D(2019, 2, 26), D(2019, 2, 26), "day"),
        ("The talks end tomorrow.", D(2019, 2, 27), D(2019, 2, 27), "day"),
        ("They left last year to create a group.", D(2018, 1, 1), D(2018, 12, 31), "year"),
        ("This month, the group attacked.", D(2019, 2, 1), D(2019, 2, 28), "month"),
        ("It happened last month.", D(2019, 1, 1), D(2019, 1, 31), "month"),
        ("A vote is due next month.", D(2019, 3, 1), D(2019, 3, 31), "month"),
        ("He ordered it late last month.", D(2019, 1, 21), D(2019, 1, 31), "part_of_month"),
        ("They arrived earlier this month.", D(2019, 2, 1), D(2019, 2, 26), "part_of_month"),
        ("It will end later this year.", D(2019, 2, 26), D(2019, 12, 31), "part_of_year"),
        ("It happened three days ago.", D(2019, 2, 23), D(2019, 2, 23), "day"),
        ("It happened two years ago.", D(2017, 1, 1), D(2017, 12, 31), "year"),
        ("It happened last Tuesday.", D(2019, 2, 19), D(2019, 2, 19), "day"),
        ("It happened on Tuesday.", D(2019, 2, 26), D(2019, 2, 26), "day"),
        ("It happened on Sunday night.", D(2019, 2, 24), D(2019, 2, 24), "day"),
        ("It happens next Monday.", D(2019, 3, 4), D(2019, 3, 4), "day"),
        ("They met this week.", D(2019, 2, 25), D(2019, 3, 3), "week"),
        ("They met last week.", D(2019, 2, 18), D(2019, 2, 24), "week"),
        ("They met last night.", D(2019, 2, 25), D(2019, 2, 25), "day"),
        ("Clashes erupted over the weekend.", D(2019, 2, 23), D(2019, 2, 24), "week"),
        ("Clashes erupted last weekend.", D(2019, 2, 23), D(2019, 2, 24), "week"),
        ("They meet this weekend.", D(2019, 3, 2), D(2019, 3, 3), "week"),
        ("They met on 5 Jan in Idlib.", D(2019, 1, 5), D(2019, 1, 5), "day"),
        # parts of periods
        ("HTS routed them in early January.", D(2019, 1, 1), D(2019, 1, 10), "part_of_month"),
        ("He fled in late August.", D(2018, 8, 21), D(2018, 8, 31), "part_of_month"),
        ("He fled in mid-January.", D(2019, 1, 11), D(2019, 1, 20), "part_of_month"),
        ("It ended in late 2016.", D(2016, 9, 1), D(2016, 12, 31), "part_of_year"),
        ("It ends by the end of the year.", D(2019, 9, 1), D(2019, 12, 31), "part_of_year"),
        ("It grew in the first half of 2018.", D(2018, 1, 1), D(2018, 6, 30), "part_of_year"),
        ("It grew in the second half of 2018.", D(2018, 7, 1), D(2018, 12, 31), "part_of_year"),
        ("It grew in the third quarter of 2018.", D(2018, 7, 1), D(2018, 9, 30), "part_of_year"),
        ("It grew in the first week of March 2018.", D(2018, 3, 1), D(2018, 3, 7), "part_of_month"),
        ("Prices rose in the early 1990s.", D(1990, 1, 1), D(1993, 12, 31), "decade"),
        # seasons (northern meteorological)
        ("It fell in the summer of 2014.", D(2014, 6, 1), D(2014, 8, 31), "part_of_year"),
        ("It fell in winter 2018.", D(2018, 12, 1), D(2019, 2, 28), "part_of_year"),
        ("It fell last winter.", D(2017, 12, 1), D(2018, 2, 28), "part_of_year"),
        ("It may fall this summer.", D(2019, 6, 1), D(2019, 8, 31), "part_of_year"),
        ("Talks resumed in the autumn.", D(2018, 9, 1), D(2018, 11, 30), "part_of_year"),
        # ranges
        ("Clashes ran from February to April last year.", D(2018, 2, 1), D(2018, 4, 30), "range"),
        ("Clashes ran between 2012 and 2014.", D(2012, 1, 1), D(2014, 12, 31), "range"),
        ("Clashes ran from March to May 2016.", D(2016, 3, 1), D(2016, 5, 31), "range"),
        ("Talks ran 18-20 February 2017.", D(2017, 2, 18), D(2017, 2, 20), "range"),
        ("Talks ran on February 18-20.", D(2019, 2, 18), D(2019, 2, 20), "range"),
        ("The 2014-15 campaign failed.", D(2014, 1, 1), D(2015, 12, 31), "range"),
        ("Clashes ran from November to January.", D(2018, 11, 1), D(2019, 1, 31), "range"),
        ("Clashes ran 2012 to 2014.", D(2012, 1, 1), D(2014, 12, 31), "range"),
        ("It dates back to 2012.", D(2012, 1, 1), D(2012, 12, 31), "year"),
        ("Last Friday's bombing killed 12.", D(2019, 2, 22), D(2019, 2, 22), "day"),
        ("Profits fell in the fourth quarter.", D(2018, 10, 1), D(2018, 12, 31), "part_of_year"),
        ("It happened in the fall of 2014.", D(2014, 9, 1), D(2014, 11, 30), "part_of_year"),
    ],
)
def test_expression_kinds(text, start, end, gran):
    assert interval(text) == (start, end, gran)


def test_surface_is_the_text_slice():
    text = "Clashes ran from February to April last year, said officials."
    m = only(text)
    assert text[m.start : m.end] == m.surface == "from February to April last year"


@pytest.mark.parametrize(
    ("text", "published", "start", "end"),
    [
        # month and year boundaries
        ("He escaped yesterday.", D(2019, 1, 1), D(2018, 12, 31), D(2018, 12, 31)),
        ("It happened last month.", D(2019, 1, 15), D(2018, 12, 1), D(2018, 12, 31)),
        ("A vote is due next month.", D(2019, 12, 10), D(2020, 1, 1), D(2020, 1, 31)),
        ("He ordered it late last month.", D(2019, 3, 10), D(2019, 2, 21), D(2019, 2, 28)),
        ("In December, talks failed.", D(2019, 1, 5), D(2018, 12, 1), D(2018, 12, 31)),
        ("It fell on Dec. 31.", D(2019, 1, 2), D(2018, 12, 31), D(2018, 12, 31)),
        ("They met last week.", D(2019, 1, 2), D(2018, 12, 24), D(2018, 12, 30)),
        ("They met this week.", D(2019, 1, 2), D(2018, 12, 31), D(2019, 1, 6)),
        ("It happened three days ago.", D(2019, 3, 1), D(2019, 2, 26), D(2019, 2, 26)),
        ("Fighting resumed in late April.", D(2019, 4, 30), D(2019, 4, 21), D(2019, 4, 30)),
        # leap years
        ("He fled in late February.", D(2020, 3, 5), D(2020, 2, 21), D(2020, 2, 29)),
        ("He fled in late February.", D(2019, 3, 5), D(2019, 2, 21), D(2019, 2, 28)),
        ("The city fell on Feb. 29.", D(2021, 3, 1), D(2020, 2, 29), D(2020, 2, 29)),
        ("The city fell on 29 February 2020.", D(2021, 3, 1), D(2020, 2, 29), D(2020, 2, 29)),
        ("It happened in February 2016.", D(2021, 3, 1), D(2016, 2, 1), D(2016, 2, 29)),
        ("It happened one day ago.", D(2020, 3, 1), D(2020, 2, 29), D(2020, 2, 29)),
        ("It fell last winter.", D(2020, 4, 1), D(2019, 12, 1), D(2020, 2, 29)),
    ],
)
def test_boundaries_and_leap_years(text, published, start, end):
    m = only(text, published)
    assert (m.date_start, m.date_end) == (start, end)


def test_invalid_day_is_no_day():
    for text in ("The city fell on 29 February 2019.", "The city fell on 31 April 2019."):
        assert [m for m in extract_dates(text, PUB) if m.granularity == "day"] == []


@pytest.mark.parametrize(
    "text",
    [
        "The ceasefire expires in 10 days.",
        "He fought for three years.",
        "More than four years after the fall of the city, they stayed.",
        "Fighting has continued throughout the last year.",
        "Aid will flow over the next year.",
        "Over the past two years, they grew.",
        "There are 2014 fighters in the town.",
        "Of the 1,490 Frenchmen, 500 are presumed dead.",
        "It is a 3,000 square kilometer enclave.",
        "About 2000 people fled.",
        "The 26-year-old said so.",
        "The fall of Aleppo changed everything.",
        "The Arab Spring began it.",
        "It may be too late. Theresa May said so.",
        "In recent months, attacks grew.",
        "The feud continues today with assassinations.",
        "Now the group is stronger than it was recently.",
        "Resolution 1990 and Article 1915 apply.",
        "The toll rose to 2015 from 1200.",
        "The Sunday Times reported it.",
        "It costs $25.00 / month with a 1-week free trial.",
    ],
)
def test_not_dates(text):
    assert [m for m in extract_dates(text, PUB) if m.resolved] == []


def test_duration_before_part_of_month():
    found = extract_dates("In 10 days in early January, HTS routed them.", PUB)
    assert [(m.surface, m.date_start, m.date_end) for m in found] == [
        ("early January", D(2019, 1, 1), D(2019, 1, 10))
    ]


def test_anchoring_to_an_earlier_date_in_the_text():
    text = "I went to Syria some time in 2012. It wasn't until early the next year that we swore allegiance."
    found = extract_dates(text, D(2017, 9, 10))
    assert [(m.surface, m.date_start, m.date_end, m.anchor) for m in found] == [
        ("2012", D(2012, 1, 1), D(2012, 12, 31), "absolute"),
        ("early the next year", D(2013, 1, 1), D(2013, 4, 30), "text"),
    ]


def test_text_anchor_ignores_deictic_dates_and_chains():
    text = (
        "It began in March 2011. He spoke yesterday. Two years later it spread. The following year it ended."
    )
    found = extract_dates(text, PUB)
    # "Two years later" is a duration (SPEC §4: like "in 10 days"): no mention of its own, but the
    # narrative moves on with it, so "The following year" is the year after 2013.
    assert [(m.surface, m.date_start, m.date_end, m.anchor) for m in found[2:]] == [
        ("The following year", D(2014, 1, 1), D(2014, 12, 31), "text"),
    ]


def test_that_year_anchors_to_the_text():
    text = (
        "It was founded in March 2012. That same month it split. Later that year it lost Homs. The next day"
    )
    found = extract_dates(text, PUB)
    assert [(m.surface, m.date_start, m.date_end) for m in found] == [
        ("March 2012", D(2012, 3, 1), D(2012, 3, 31)),
        ("That same month", D(2012, 3, 1), D(2012, 3, 31)),
        ("that year", D(2012, 1, 1), D(2012, 12, 31)),
        ("The next day", None, None),  # finer than the year it would anchor to
    ]


def test_weekday_date_is_one_mention():
    m = only("The attack came on Monday, Feb. 18, 2019, at dawn.")
    assert (m.surface, m.date_start, m.granularity) == ("Monday, Feb. 18, 2019", D(2019, 2, 18), "day")


def test_without_publication_date_relative_is_unresolved():
    text = "He escaped yesterday. In September, they met. It began in 2014. Early the next year it spread."
    found = extract_dates(text, None)
    got = [(m.surface, m.resolved, m.date_start, m.date_end, m.anchor) for m in found]
    assert got == [
        ("yesterday", False, None, None, "unresolved"),
        ("September", False, None, None, "unresolved"),
        ("2014", True, D(2014, 1, 1), D(2014, 12, 31), "absolute"),
        ("Early the next year", True, D(2015, 1, 1), D(2015, 4, 30), "text"),
    ]
    assert [m.granularity for m in found[:2]] == ["day", "month"]


def test_anchor_kinds():
    found = extract_dates("In February 2018 and in September and last year.", PUB)
    assert [m.anchor for m in found] == ["absolute", "publication", "publication"]


def test_month_lists():
    # months that are not adjacent stay a list (adjacent ones form one range: test_dates_coordination)
    found = extract_dates("Raids hit in April, June and August, and again between 2011 and today.", PUB)
    assert [(m.surface, m.date_start) for m in found] == [
        ("April", D(2018, 4, 1)),
        ("June", D(2018, 6, 1)),
        ("August", D(2018, 8, 1)),
        ("between 2011 and today", D(2011, 1, 1)),
    ]
    assert found[-1].date_end == PUB


def test_mentions_sorted_and_disjoint():
    text = "On Feb. 11, HTS raided a cell. Then on Feb. 18, bombs exploded, as they did Jan. 16 and in 2014."
    found = extract_dates(text, PUB)
    assert [m.surface for m in found] == ["Feb. 11", "Feb. 18", "Jan. 16", "2014"]
    assert all(a.end <= b.start for a, b in zip(found, found[1:], strict=False))


def test_granularities_are_the_documented_ones():
    from pipelines.dates.model import GRANULARITIES

    text = (
        "On 3 May 2018, in June 2018, in 2017, last week, last weekend, in the 1990s, the early 1990s, "
        "in early May, in early 2016, in the summer of 2015, from 2012 to 2014, and yesterday."
    )
    found = extract_dates(text, PUB)
    assert len(found) == 12
    assert {m.granularity for m in found} <= set(GRANULARITIES)
