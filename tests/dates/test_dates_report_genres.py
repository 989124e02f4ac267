"""Dates in reports, press releases and judgments: coordinated days, identifiers, header lines,
deadlines, possessive month modifiers and elapsed-time phrases (SPEC §4). Invented examples."""

import datetime

import pytest

from pipelines.dates import extract_dates

D = datetime.date
PUB = D(2021, 6, 10)  # a Thursday


def found(text: str, published: D | None = PUB):
    return [(m.surface, m.date_start, m.date_end) for m in extract_dates(text, published)]


@pytest.mark.parametrize(
    ("text", "surface", "start", "end"),
    [
        ("Shelling hit the town on 4 and 5 May.", "4 and 5 May", D(2021, 5, 4), D(2021, 5, 5)),
        ("Convoys were stopped on 2, 9 and 23 April.", "2, 9 and 23 April", D(2021, 4, 2), D(2021, 4, 23)),
        ("Strikes on May 3 and 7, 2019 hit depots.", "May 3 and 7, 2019", D(2019, 5, 3), D(2019, 5, 7)),
        ("Talks met on 30 or 31 January 2020.", "30 or 31 January 2020", D(2020, 1, 30), D(2020, 1, 31)),
    ],
)
def test_days_listed_with_one_month_are_one_mention(text, surface, start, end):
    assert found(text) == [(surface, start, end)]


@pytest.mark.parametrize(
    "text",
    [
        "Between 4 and 5 May the road was shut.",  # the ordinary range, unchanged
        "They detained 4 and 5 people in May.",  # counts, not days
        "On 9 and 4 May",  # days that do not rise are no list
    ],
)
def test_day_lists_do_not_swallow_other_shapes(text):
    got = found(text)
    assert all(" and " not in s or s.startswith("Between") for s, _, _ in got)
    assert ("9 and 4 May", D(2021, 5, 9), D(2021, 5, 4)) not in got


def test_a_date_never_spans_a_line_break():
    text = "Ministry of Defence\n\nStatement No. 20210610-07\n\nJune 10, 2021\n\nEmbargoed"
    assert found(text) == [("June 10, 2021", D(2021, 6, 10), D(2021, 6, 10))]


def test_single_line_break_also_separates():
    assert found("Bulletin 88-17\nMar. 3, 2021") == [("Mar. 3, 2021", D(2021, 3, 3), D(2021, 3, 3))]


@pytest.mark.parametrize(
    "text",
    [
        "Press statement No. 22/2020 of the tribunal.",
        "The appeal, case 7/2019, was rejected.",
        "Release No. 20210610-02 follows.",
        "Reference 202106-2019 is closed.",  # a long part makes the whole chain an identifier
    ],
)
def test_years_inside_identifiers_are_not_dates(text):
    assert found(text) == []


@pytest.mark.parametrize(
    ("text", "start"),
    [
        # a deadline inside a clause: the coming Sunday (published Thursday 10 June)
        ("The council offered a pardon to those who hand in their rifles by Sunday.", D(2021, 6, 13)),
        # at the head of a clause it sets a past scene: the latest Sunday
        ("By Sunday, most families had left the camp.", D(2021, 6, 6)),
        # a past-time word in the clause keeps the latest Sunday
        ("Most families had left the camp by Sunday.", D(2021, 6, 6)),
    ],
)
def test_by_weekday_deadline(text, start):
    got = found(text)
    assert [(s, a) for s, a, _ in got] == [("Sunday", start)]


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("The agency will release its July bulletin soon.", D(2021, 7, 1)),
        ("Rebels launched their April offensive near the dam.", D(2021, 4, 1)),
        ("Our March survey found shortages.", D(2021, 3, 1)),
    ],
)
def test_month_after_a_possessive_determiner_is_a_date(text, start):
    assert [a for _, a, _ in found(text)] == [start]


def test_elapsed_time_after_an_event_is_no_date_but_moves_the_narrative():
    text = "He was detained on 3 March 2020 and freed eight months later. The following year he fled."
    assert found(text) == [
        ("3 March 2020", D(2020, 3, 3), D(2020, 3, 3)),
        ("The following year", D(2021, 1, 1), D(2021, 12, 31)),
    ]


def test_ago_is_still_a_date():
    assert found("The camp was shelled two days ago.") == [("two days ago", D(2021, 6, 8), D(2021, 6, 8))]


@pytest.mark.parametrize(
    ("text", "surface", "start", "end"),
    [
        ("Twelve were killed in the past two weeks.", "the past two weeks", D(2021, 5, 28), D(2021, 6, 10)),
        ("Strikes rose in the past week.", "the past week", D(2021, 6, 4), D(2021, 6, 10)),
        ("In the last 10 days, 40 people fled.", "the last 10 days", D(2021, 6, 1), D(2021, 6, 10)),
        (
            "Prices doubled during the past three months.",
            "the past three months",
            D(2021, 3, 11),
            D(2021, 6, 10),
        ),
    ],
)
def test_a_trailing_window_ends_on_the_publication_day(text, surface, start, end):
    assert found(text) == [(surface, start, end)]


@pytest.mark.parametrize(
    "text",
    [
        "In the last month of the siege, food ran out.",  # a part of another period
        "The past month was calm.",  # no preposition: a duration used as a subject
        "Over the past two weeks the front held.",  # how long, not when
    ],
)
def test_no_window_without_its_shape(text):
    assert found(text) == []


def test_a_window_needs_a_publication_date():
    assert [(m.surface, m.resolved) for m in extract_dates("In the past week, 3 died.", None)] == [
        ("the past week", False)
    ]


@pytest.mark.parametrize(
    ("text", "surface", "day"),
    [
        (
            "Troops entered the town yesterday, Wednesday, after a siege.",
            "yesterday, Wednesday",
            D(2021, 6, 9),
        ),
        ("Today, Thursday, the streets are empty.", "Today, Thursday", D(2021, 6, 10)),
    ],
)
def test_a_deictic_day_and_its_weekday_are_one_mention(text, surface, day):
    assert found(text) == [(surface, day, day)]


def test_a_different_weekday_after_yesterday_stays_apart():
    assert [s for s, *_ in found("Yesterday, Monday was recalled as calm.")] == ["Yesterday", "Monday"]


def test_a_part_of_a_month_after_a_future_cue_lies_ahead():
    assert found("The next report will be published in early September.") == [
        ("early September", D(2021, 9, 1), D(2021, 9, 10))
    ]
