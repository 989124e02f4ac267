"""Property-based checks: extract_dates never raises and always returns consistent mentions."""

import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.dates import date_for_span, extract_dates
from pipelines.dates.recognise import parse_text

WORDS = [
    "in",
    "early",
    "late",
    "mid",
    "-",
    "the",
    "next",
    "last",
    "this",
    "year",
    "month",
    "week",
    "of",
    "February",
    "Feb.",
    "Sept",
    "May",
    "March",
    "2014",
    "2012",
    "1990s",
    "18",
    "29",
    "31",
    "3,000",
    "from",
    "to",
    "between",
    "and",
    "since",
    "yesterday",
    "today",
    "ago",
    "three",
    "days",
    "later",
    "Monday",
    "summer",
    "winter",
    "fall",
    "first",
    "half",
    "quarter",
    "earlier",
    "-",
    "–",
    ",",
    ".",
    "2019-02-29",
    "18/02/2019",
    "'s",
    "\n",
    "2014-15",
    "a",
    "couple",
    "weekend",
    "following",
    "same",
]


def check(text: str, published: datetime.date | None) -> None:
    doc = parse_text(text)
    found = extract_dates(text, published, doc=doc)
    prev_end = 0
    for m in found:
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start : m.end] == m.surface
        assert m.start >= prev_end
        prev_end = m.end
        assert m.resolved == (m.date_start is not None) == (m.date_end is not None)
        if m.resolved:
            assert m.date_start <= m.date_end
            assert m.anchor in ("absolute", "publication", "text")
        else:
            assert m.anchor == "unresolved"
    for s in range(0, len(text), 7):
        idx = date_for_span(found, s, min(len(text), s + 3), text, doc=doc)
        assert idx is None or 0 <= idx < len(found)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200), st.one_of(st.none(), st.dates()))
def test_any_text(text, published):
    check(text, published)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=30), st.one_of(st.none(), st.dates()))
def test_date_like_word_salad(words, published):
    check(" ".join(words), published)
