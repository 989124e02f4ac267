"""date_for_span: the date mention of the sentence a figure stands in."""

import datetime

from pipelines.dates import date_for_span, extract_dates

PUB = datetime.date(2019, 2, 26)


def span(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def test_same_sentence_only():
    text = "On Feb. 11, HTS raided a cell. Then 25 people died. In September, HTS executed five IS militants."
    dates = extract_dates(text, PUB)
    assert date_for_span(dates, *span(text, "25 people"), text) is None
    idx = date_for_span(dates, *span(text, "five IS militants"), text)
    assert dates[idx].surface == "September"


def test_abbreviated_month_does_not_split_sentence():
    text = "Then on Feb. 18, twin bomb explosions ripped through Idlib city, claiming 25 lives."
    dates = extract_dates(text, PUB)
    idx = date_for_span(dates, *span(text, "25 lives"), text)
    assert dates[idx].surface == "Feb. 18"


def test_prefers_the_spans_clause_over_a_nearer_date():
    text = "In 2014, 300 fighters joined; by 2016 the group had shrunk."
    dates = extract_dates(text, PUB)
    assert [d.surface for d in dates] == ["2014", "2016"]
    assert dates[date_for_span(dates, *span(text, "300 fighters"), text)].surface == "2014"


def test_nearest_when_several_in_clause():
    text = "Between the raid of Jan. 29 and the clashes of Feb. 11 that killed 12 members, calm held."
    dates = extract_dates(text, PUB)
    assert dates[date_for_span(dates, *span(text, "12 members"), text)].surface == "Feb. 11"


def test_no_dates():
    text = "About 300 fighters remain."
    assert date_for_span([], *span(text, "300 fighters"), text) is None


def test_accepts_stored_rows_without_resolved_flag():
    class Row:
        def __init__(self, start, end):
            self.start, self.end = start, end

    text = "On Feb. 11, 12 members were killed."
    rows = [Row(m.start, m.end) for m in extract_dates(text, PUB)]
    assert date_for_span(rows, *span(text, "12 members"), text) == 0
