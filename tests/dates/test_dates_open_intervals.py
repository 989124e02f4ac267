"""Open intervals (issue 15): "since X" and "from X onwards" run from the start of X to the publication day;
a comparison with the last time something happened keeps the point X. Invented sentences."""

import datetime

import pytest

from pipelines.dates import extract_dates

D = datetime.date
PUB = D(2019, 2, 26)


def found(text: str, published: D | None = PUB):
    return [(m.surface, m.date_start, m.date_end, m.granularity) for m in extract_dates(text, published)]


@pytest.mark.parametrize(
    ("text", "surface", "start"),
    [
        ("The group has held the town since March 2012.", "since March 2012", D(2012, 3, 1)),
        ("It has existed since 2012.", "since 2012", D(2012, 1, 1)),
        ("Since at least 2016, the army has conceded it.", "Since at least 2016", D(2016, 1, 1)),
        ("It has held territory since early 2014.", "since early 2014", D(2014, 1, 1)),
        ("It conquered land from mid-2014 onwards.", "from mid-2014 onwards", D(2014, 5, 1)),
        ("Prisoners have been held there from 2017 onward.", "from 2017 onward", D(2017, 1, 1)),
        ("Aid has been blocked since last week.", "since last week", D(2019, 2, 18)),
        ("Shelling has not stopped since Monday.", "since Monday", D(2019, 2, 25)),
        ("They have lived in tents since the 1990s.", "since the 1990s", D(1990, 1, 1)),
    ],
)
def test_open_interval_ends_at_publication(text, surface, start):
    assert found(text) == [(surface, start, PUB, "range")]


def test_open_interval_still_anchors_later_text_to_its_start():
    text = "The militia has controlled the valley since 2012. The next year it took the dam."
    assert found(text)[1] == ("The next year", D(2013, 1, 1), D(2013, 12, 31), "year")


@pytest.mark.parametrize(
    ("text", "surface", "start", "end"),
    [
        ("It was the deadliest attack since 2015.", "2015", D(2015, 1, 1), D(2015, 12, 31)),
        (
            "The index closed at its lowest level since October 1997.",
            "October 1997",
            D(1997, 10, 1),
            D(1997, 10, 31),
        ),
        ("It is the first ceasefire since 2016.", "2016", D(2016, 1, 1), D(2016, 12, 31)),
        ("Rebels suffered their worst losses since 2013.", "2013", D(2013, 1, 1), D(2013, 12, 31)),
    ],
)
def test_a_comparison_with_the_last_time_keeps_the_point(text, surface, start, end):
    m = extract_dates(text, PUB)
    assert [(x.surface, x.date_start, x.date_end) for x in m] == [(surface, start, end)]


def test_without_publication_date_an_open_interval_is_unresolved():
    (m,) = extract_dates("The group has held the town since March 2012.", None)
    assert (m.surface, m.resolved, m.date_start, m.date_end, m.granularity) == (
        "since March 2012",
        False,
        None,
        None,
        "range",
    )


def test_since_a_later_day_than_publication_keeps_the_day():
    # a future "since" is no open interval: nothing runs backwards
    (m,) = extract_dates("The crossing will stay shut since 3 March 2019.", PUB)
    assert (m.date_start, m.date_end) == (D(2019, 3, 3), D(2019, 3, 3))


def test_from_without_onwards_is_not_open():
    assert found("Prices fell from the March peak.") == [("March", D(2018, 3, 1), D(2018, 3, 31), "month")]
