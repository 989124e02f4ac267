"""What the spaCy parse decides about a time expression (pipelines/dates/cues.py, issue 15): entity labels,
counts, tense, the day a clock time belongs to; and the one-parse contract of extract_dates. Invented
sentences."""

import datetime

import pytest

from pipelines.dates import date_for_span, extract_dates
from pipelines.dates.recognise import parse_text

D = datetime.date
PUB = D(2019, 2, 26)  # a Tuesday


def found(text: str, published: D | None = PUB):
    return [(m.surface, m.date_start, m.date_end) for m in extract_dates(text, published)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the modal "may" is no month; the month is
        ("Talks may resume soon.", []),
        ("Talks resumed in May.", [("May", D(2018, 5, 1), D(2018, 5, 31))]),
        # a newspaper named after a day is no day
        ("USA Today reported the raid.", []),
        # a year with a determiner modifies its noun; without one it counts it
        ("The 2014 elections were held late.", [("2014", D(2014, 1, 1), D(2014, 12, 31))]),
        (
            "Prices stayed above the November 20, 2018 low.",
            [("November 20, 2018", D(2018, 11, 20), D(2018, 11, 20))],
        ),
        ("The camp holds 2014 families.", []),
        # a number inside a proper name
        ("The Russell 2000 Index fell.", []),
        # sets and durations are no dates
        ("Patrols run every Monday.", []),
        ("The market opens each March.", []),
        ("He fought for two weeks.", []),
        ("The siege lasted three years.", []),
    ],
)
def test_entity_labels_and_the_parse_decide_ambiguous_words(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "day"),
    [
        # published Tuesday 26 February 2019: the coming date, read off the clause
        ("The vote may be held on 3 March.", D(2019, 3, 3)),
        ("A 1 March deadline has been set for the talks.", D(2019, 3, 1)),
        ("The council announced a meeting to be held on 20 March.", D(2019, 3, 20)),
        ("Crossings to remain shut until Friday", D(2019, 3, 1)),  # a headline's infinitive
        ("The crossings have stayed shut until Friday.", D(2019, 3, 1)),
        ("The report will be available on 3 March.", D(2019, 3, 3)),
        ("Aid would be delivered when the crossing opened on Friday.", D(2019, 3, 1)),
        # a past clause keeps the latest such date; so does a modal of possibility on "be"
        ("The vote was held on 3 March.", D(2018, 3, 3)),
        ("The militia could be to blame for the raid on 3 March.", D(2018, 3, 3)),
        ("The crossings stayed shut until Friday.", D(2019, 2, 22)),
    ],
)
def test_the_clause_says_whether_a_date_without_a_year_lies_ahead(text, day):
    ((_, start, _),) = found(text)
    assert start == day


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a clock time alone is the publication day, or the day the text is about
        ("At 16:08 UTC, the index fell.", [("16:08 UTC", PUB, PUB)]),
        (
            "Shelling began on 3 February. At 5:30 a.m. troops moved in.",
            [("3 February", D(2019, 2, 3), D(2019, 2, 3)), ("5:30 a.m.", D(2019, 2, 3), D(2019, 2, 3))],
        ),
        # written next to a day, it is that day's mention
        ("The strike hit on Monday at 0400 GMT.", [("Monday at 0400 GMT", D(2019, 2, 25), D(2019, 2, 25))]),
        (
            "At 16:15 UTC, February 21, he spoke.",
            [("16:15 UTC, February 21", D(2019, 2, 21), D(2019, 2, 21))],
        ),
        # a time stamp on its own line (a live blog's entry) is none
        ("09:12 GMT\nFighters entered the city.", []),
    ],
)
def test_clock_times_are_days(text, expected):
    assert found(text) == expected


def test_the_day_is_the_day_the_text_is_about():
    text = "The index rose on Monday, ending the day at its high."
    assert found(text) == [
        ("Monday", D(2019, 2, 25), D(2019, 2, 25)),
        ("the day", D(2019, 2, 25), D(2019, 2, 25)),
    ]
    assert found("The day of the attack was calm.") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Cars of the 70s and 80s filled the road.",
            [("the 70s", D(1970, 1, 1), D(1979, 12, 31)), ("80s", D(1980, 1, 1), D(1989, 12, 31))],
        ),
        ("In his 70s he retired.", []),  # an age
        ("The index is at its lowest level since '82.", [("'82", D(1982, 1, 1), D(1982, 12, 31))]),
    ],
)
def test_two_digit_years_and_decades_take_the_publication_century(text, expected):
    assert found(text) == expected


def test_two_digit_decade_needs_a_publication_date():
    (m,) = extract_dates("The 70s were calm.", None)
    assert (m.resolved, m.granularity) == (False, "decade")


def test_a_given_parse_is_used_and_must_be_the_texts():
    text = "Fighters left Raqqa on 3 March 2019 and returned last week."
    doc = parse_text(text)
    assert extract_dates(text, PUB, doc=doc) == extract_dates(text, PUB)
    with pytest.raises(ValueError, match="not a parse"):
        extract_dates(text + " More.", PUB, doc=doc)


def test_date_for_span_reads_the_given_parse():
    text = "In 2014, 300 fighters joined; by 2016 the group had shrunk."
    doc = parse_text(text)
    dates = extract_dates(text, PUB, doc=doc)
    start = text.index("300 fighters")
    assert dates[date_for_span(dates, start, start + 12, text, doc=doc)].surface == "2014"
