"""Rules added after the precision audit on real pages: names, model numbers, games, verbs, the future."""

import datetime as dt

import pytest

from pipelines.dates import extract_dates

PUB = dt.date(2019, 11, 19)  # a Tuesday


def _surfaces(text: str, pub: dt.date = PUB) -> list[str]:
    return [d.surface for d in extract_dates(text, pub)]


def _one(text: str, pub: dt.date = PUB):
    found = extract_dates(text, pub)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    "text",
    [
        "Shoppers queued for Black Friday bargains.",
        "The Super Tuesday primaries decide a lot.",
        "The card matches the RTX 2060 in speed.",
        "The laptop earned a total score of 2072 in the test.",
        "The screen is 1080 x 1920 in size.",
        "The screen is 1080 pixels by 1920 pixels.",
        "He scored 12 points in the third quarter of the game.",
        "The campaign tried to get voters to fall in love with the party.",
    ],
)
def test_not_dates(text):
    assert _surfaces(text) == []


def test_capitalised_word_before_weekday_is_not_a_name():
    d = _one("The envoy told the Senate Foreign Relations Committee Tuesday that talks stalled.")
    assert d.surface == "Tuesday" and d.date_start == PUB


def test_business_quarter_is_still_a_quarter():
    d = _one("The company lost money in the third quarter.")
    assert (d.date_start, d.date_end) == (dt.date(2019, 7, 1), dt.date(2019, 9, 30))


def test_year_after_an_event_name_is_a_date():
    d = _one("Leaders met at the Geneva Summit 2018.")  # a model number after a name is not: RTX 2060 above
    assert (d.surface, d.date_start, d.date_end) == ("2018", dt.date(2018, 1, 1), dt.date(2018, 12, 31))


@pytest.mark.parametrize(
    ("pub", "start"),
    [
        (dt.date(2019, 8, 19), dt.date(2019, 10, 1)),  # August: the coming fourth quarter, not last year's
        (dt.date(2019, 1, 20), dt.date(2018, 10, 1)),  # January: the one that just ended
    ],
)
def test_quarter_without_a_year_is_the_nearest_one(pub, start):
    d = _one("The plants close during the fourth quarter.", pub)
    assert (d.date_start, d.date_end) == (start, dt.date(start.year, 12, 31))


def test_weekday_written_with_a_date_picks_its_year():
    d = _one("Tickets go on sale Friday, Dec. 6 at noon.")
    assert d.date_start == dt.date(2019, 12, 6)  # a Friday in 2019, not 2018


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The hearing is scheduled for Feb. 14.", dt.date(2020, 2, 14)),
        ("The ceasefire will take effect on March 3.", dt.date(2020, 3, 3)),
        ("The talks will resume on Friday.", dt.date(2019, 11, 22)),
        ("The waiver is set to expire in February.", dt.date(2020, 2, 1)),
        # a past auxiliary before the cue, or a past-time word between cue and date: the past
        ("He was due to be freed in September.", dt.date(2019, 9, 1)),
        ("The court will rule on a case after the arrest in March.", dt.date(2019, 3, 1)),
        # no cue: the latest such date not after publication (SPEC 4)
        ("The talks resumed on March 3.", dt.date(2019, 3, 3)),
    ],
)
def test_future_cue_moves_a_bare_date_forward(text, expected):
    assert _one(text).date_start == expected


def test_started_range_is_the_current_one():
    d = _one("The tournament takes place 18-24 November in the capital.")
    assert (d.date_start, d.date_end) == (dt.date(2019, 11, 18), dt.date(2019, 11, 24))


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("This past May, the council met.", dt.date(2019, 5, 1), dt.date(2019, 5, 31)),
        ("The group struck this past Monday.", dt.date(2019, 11, 18), dt.date(2019, 11, 18)),
        ("Prices fell from the March peak.", dt.date(2019, 3, 1), dt.date(2019, 3, 31)),
        ("The country's October output rose.", dt.date(2019, 10, 1), dt.date(2019, 10, 31)),
    ],
)
def test_common_forms_found(text, start, end):
    d = _one(text)
    assert (d.date_start, d.date_end) == (start, end)


def test_the_month_of_is_not_a_modifier():
    assert _surfaces("They joined the March of the Veterans.") == []


def test_generic_today_after_as_it_is():
    assert _surfaces("Few expected the region to look as it is today.") == []
