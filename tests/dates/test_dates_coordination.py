"""Coordinated periods, first/last N units of a period, and the generic-present "today" (SPEC §4)."""

import datetime

import pytest

from pipelines.dates import extract_dates

D = datetime.date
PUB = D(2020, 2, 20)


def found(text: str, published: D | None = PUB):
    return [(m.surface, m.date_start, m.date_end, m.granularity) for m in extract_dates(text, published)]


@pytest.mark.parametrize(
    ("text", "surface", "start", "end"),
    [
        (
            "Fighting peaked in April and May 2017, officials said.",
            "April and May 2017",
            D(2017, 4, 1),
            D(2017, 5, 31),
        ),
        ("They left in 2015 and 2016.", "2015 and 2016", D(2015, 1, 1), D(2016, 12, 31)),
        ("Raids came in 2015 or 2016.", "2015 or 2016", D(2015, 1, 1), D(2016, 12, 31)),
        (
            "Aid stopped in June, July and August 2019.",
            "June, July and August 2019",
            D(2019, 6, 1),
            D(2019, 8, 31),
        ),
        ("They met in November and December.", "November and December", D(2019, 11, 1), D(2019, 12, 31)),
        (
            "Talks ran in December 2018 and January 2019.",
            "December 2018 and January 2019",
            D(2018, 12, 1),
            D(2019, 1, 31),
        ),
        (
            "Talks ran in December and January 2019.",
            "December and January 2019",
            D(2018, 12, 1),
            D(2019, 1, 31),
        ),
    ],
)
def test_adjacent_periods_form_one_range(text, surface, start, end):
    assert found(text) == [(surface, start, end, "range")]


@pytest.mark.parametrize(
    ("text", "n"),
    [
        ("They left in 2012 and 2014.", 2),  # not adjacent: two separate years
        ("Raids came in March and May 2018.", 2),
        ("Between 2015 and 2016 it grew.", 1),  # the ordinary range, unchanged
    ],
)
def test_non_adjacent_periods_stay_apart(text, n):
    out = found(text)
    assert len(out) == n, out
    if n == 2:
        assert all(g != "range" for *_, g in out)


def test_non_adjacent_months_take_the_year_from_context():
    out = found("Raids came in March and May 2018.")
    assert out[-1] == ("May 2018", D(2018, 5, 1), D(2018, 5, 31), "month")


@pytest.mark.parametrize(
    ("text", "surface", "start", "end", "gran"),
    [
        (
            "In the first two weeks of January, 40 died.",
            "the first two weeks of January",
            D(2020, 1, 1),
            D(2020, 1, 14),
            "part_of_month",
        ),
        (
            "During the last two weeks of January it snowed.",
            "the last two weeks of January",
            D(2020, 1, 18),
            D(2020, 1, 31),
            "part_of_month",
        ),
        (
            "In the first ten days of March 2018 it fell.",
            "the first ten days of March 2018",
            D(2018, 3, 1),
            D(2018, 3, 10),
            "part_of_month",
        ),
        (
            "In the last three months of 2018 it fell.",
            "the last three months of 2018",
            D(2018, 10, 1),
            D(2018, 12, 31),
            "part_of_year",
        ),
        (
            "In the first six months of 2019 it fell.",
            "the first six months of 2019",
            D(2019, 1, 1),
            D(2019, 6, 30),
            "part_of_year",
        ),
        ("On the last day of 2019 it fell.", "the last day of 2019", D(2019, 12, 31), D(2019, 12, 31), "day"),
        (
            "In the final month of 2019 it fell.",
            "the final month of 2019",
            D(2019, 12, 1),
            D(2019, 12, 31),
            "month",
        ),
        (
            "In the second week of January it fell.",
            "the second week of January",
            D(2020, 1, 8),
            D(2020, 1, 14),
            "part_of_month",
        ),
        ("In the first weeks of the year it fell.", None, None, None, None),
    ],
)
def test_first_and_last_units_of_a_period(text, surface, start, end, gran):
    out = found(text)
    if surface is None:
        assert all("weeks" not in s for s, *_ in out), out
    else:
        assert out == [(surface, start, end, gran)]


def test_edge_that_does_not_fit_is_not_resolved():
    # six weeks do not fit in February: no interval is invented
    assert [r for r in found("in the first six weeks of February") if r[1] is not None] == []


def test_edge_without_publication_date_is_unresolved():
    out = extract_dates("in the last two weeks of February", None)
    assert [(m.resolved, m.granularity) for m in out] == [(False, "part_of_month")]


@pytest.mark.parametrize(
    "text",
    [
        "The camp's population today stands at around 60,000.",
        "Most of them today live in Turkey.",
        "The province is today divided between three groups.",
        "Many people who today form the core came later.",
        "Life in today's Syria is hard.",
        "The rivalry continues today with raids.",
    ],
)
def test_today_meaning_nowadays_is_no_date(text):
    assert found(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "The ministry today announced a truce.",
        "Today, the council meets in Geneva.",
        "Three people were killed today.",
        "The vote is today at noon.",
        "Officials described today's attack as the worst.",
        "The deadline is today.",
    ],
)
def test_today_meaning_the_news_day_is_a_date(text):
    out = found(text)
    assert [(s.lower(), a) for s, a, *_ in out] == [("today", PUB)], out
