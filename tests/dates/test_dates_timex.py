"""timex_value: the TIMEX3 value of a resolved mention."""

import datetime

import pytest

from pipelines.dates import extract_dates, timex_value

PUB = datetime.date(2019, 2, 26)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("on Feb. 18", "2019-02-18"),
        ("in February 2018", "2018-02"),
        ("in 2014", "2014"),
        ("last week", "2019-W08"),
        ("last weekend", "2019-W08-WE"),
        ("in the 1990s", "199"),
        ("in the summer of 2014", "2014-SU"),
        ("in winter 2018", "2018-WI"),
        ("in the third quarter of 2018", "2018-Q3"),
        ("in the first half of 2018", "2018-H1"),
        ("in early January", "2019-01"),
        ("in mid-2014", "2014"),
        ("earlier this year", "2019"),
        ("between 2012 and 2014", None),
    ],
)
def test_values(text, value):
    (m,) = extract_dates(text, PUB)
    assert timex_value(m) == value


def test_unresolved_has_no_value():
    (m,) = extract_dates("yesterday", None)
    assert timex_value(m) is None
