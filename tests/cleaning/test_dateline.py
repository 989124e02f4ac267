"""A plain-text page's date line gives its publication date when the manifest has none."""

import datetime as dt

import pytest

from pipelines.cleaning import clean_page
from pipelines.cleaning.dateline import dateline, line_date


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("March 4, 2016", dt.date(2016, 3, 4)),
        ("4 March 2016", dt.date(2016, 3, 4)),
        ("Friday, 4 March 2016.", dt.date(2016, 3, 4)),
        ("2016-03-04", dt.date(2016, 3, 4)),
        ("23/03/2016", dt.date(2016, 3, 23)),
        ("4th of March, 2016", dt.date(2016, 3, 4)),
        # no date line: no day, no year, a sentence, a clock time, a date read two ways, an impossible one
        ("March 2016", None),
        ("4 March", None),
        ("The siege began on March 4, 2016", None),
        ("Updated 12:30", None),
        ("04/03/2016", None),
        ("2016-14-03", None),
        ("", None),
    ],
)
def test_a_date_line_is_a_whole_calendar_date_read_one_way(line, date):
    assert line_date(line) == date


def test_the_date_line_is_looked_for_near_the_top_only():
    top = ["Rebels shell the airport", "", "June 2, 2019", "", "Shells fell on the runway."]
    assert dateline(top) == dt.date(2019, 6, 2)
    late = ["Headline", "Standfirst", "By a reporter", "Line four", "Line five", "June 2, 2019"]
    assert dateline(late) is None


def test_a_text_page_without_manifest_date_takes_its_date_line():
    page = (
        "Rebels shell the airport\n\nJune 2, 2019\n\nShells fell on the runway on Saturday, officials said.\n"
    )
    assert clean_page(page, kind="text").published_date == dt.date(2019, 6, 2)
    undated = "Rebels shell the airport\n\nShells fell on the runway on Saturday, officials said.\n"
    assert clean_page(undated, kind="text").published_date is None
