"""A plain-text page's date line: a line near its top that is a calendar date and nothing else ("April 27,
2005", "27 April 2005", "Tuesday, 3 March 2020", "2005-04-27") is the page's own statement of when it was
published, used when the manifest gives no date (as an HTML page's metadata is)."""

from __future__ import annotations

import datetime as dt
import re

from dateutil import parser

# How many non-empty lines from the top a date line may stand at (headline, standfirst, byline, date).
TOP_LINES = 5
_MAX_WORDS = 6  # a date line is short: weekday, day, month, year and their commas
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_LETTERS = re.compile(r"[^\W\d_]+")


# dateutil's English weekday and month names (and short forms): a date line holds no other words
_KNOWN = {w.lower() for names in parser.parserinfo.WEEKDAYS + parser.parserinfo.MONTHS for w in names}
_KNOWN |= {"of", "the", "st", "nd", "rd", "th"}


def _parse(line: str, default: dt.datetime, dayfirst: bool = False) -> dt.datetime | None:
    try:
        return parser.parse(line, default=default, fuzzy=False, dayfirst=dayfirst)
    except (ValueError, OverflowError):
        return None


def line_date(line: str) -> dt.date | None:
    """The date `line` consists of, or None: it must name a year of four digits, a month and a day, read
    one way only, and no word that is not a weekday or a month (a sentence that holds a date is no date
    line)."""
    text = line.strip().strip(".")
    if _ISO.fullmatch(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return None
    if not text or len(text.split()) > _MAX_WORDS or not _YEAR.search(text):
        return None
    if any(w.lower().strip(".") not in _KNOWN for w in _LETTERS.findall(text)):
        return None
    # read twice with different defaults: a day or month dateutil filled in itself differs between them
    first, second = _parse(text, dt.datetime(1, 1, 1)), _parse(text, dt.datetime(2, 2, 2))
    if first is None or second is None or first.date() != second.date():
        return None
    # "12/03/2020" is 12 March or 3 December: a numeric date that reads two ways is no date line
    if _parse(text, dt.datetime(1, 1, 1), dayfirst=True) != first:
        return None
    return first.date()


def dateline(lines: list[str]) -> dt.date | None:
    """The date of the first date line among the top TOP_LINES non-empty lines."""
    top = [line for line in lines if line.strip()][:TOP_LINES]
    return next((d for d in map(line_date, top) if d is not None), None)
