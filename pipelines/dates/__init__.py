"""Dates: every time expression in a text as an inclusive calendar interval, anchored to publication.

Recognition reads the document's one spaCy parse (pipelines/nlp): a grammar over the tokens of each sentence
(grammar.py, words in tokens.yaml), with spaCy's DATE/TIME labels and the dependency parse deciding what words
cannot (cues.py); digit-only days are read by dateutil. Resolution follows SPEC §4:
- Granularities: day, month, year, part_of_month, part_of_year, range (SPEC), plus `week` (ISO week
  Monday..Sunday: "this week", "last week", "three weeks ago"; also a weekend, Saturday..Sunday:
  "last weekend"), `decade` ("the 1990s"; also its parts: "the early 1990s" = years 0-3, mid =
  4-6, late = 7-9) and `century` ("the 1300s" = 1300-1399, "the 19th century" = 1800-1899 as TimeML
  and everyday usage read it; "the 2000s" stays the decade 2000-2009; parts: early = years 0-33, mid =
  34-66, late = 67-99, halves 0-49 / 50-99; "BC" centuries are not dates here). Seasons are
  `part_of_year`.
- Dates are calendar days of years 1..9999 (DuckDB DATE): an expression whose interval would leave that
  calendar ("the next decade" after "the 9990s", "yesterday" on a page dated 0001-01-01) is kept
  unresolved (resolved=False, null dates, anchor 'unresolved'), never an error.
- Relative expressions resolve against the publication date (news mode). A month or day without a
  year is the latest such date not after publication (unless its clause looks ahead, below); a bare
  weekday ("on Monday") the latest such day not after publication; "last Monday" the latest strictly
  before; "next Monday" the earliest after.
- early / mid / late of a month = days 1-10 / 11-20 / 21-end; of a year = Jan-Apr / May-Aug / Sep-Dec;
  "the beginning/start of" = early, "the middle of" = mid, "the end of" = late. "earlier this month" =
  first of the month .. publication day; "later this year" = publication day .. 31 December.
  "the first half of 2018" = Jan-Jun; quarters are calendar quarters (without a year, the one nearest
  publication); "the first week of March" = days 1-7 ("the last week of" = the last seven days).
- Seasons (granularity part_of_year) are northern-hemisphere meteorological: spring Mar-May, summer
  Jun-Aug, autumn/fall Sep-Nov, winter Dec of the named year - Feb of the next.
- Open intervals (issue 15): "since March 2012", "from mid-2014 onwards" run from the start of the period
  to the publication day (granularity range; unresolved without a publication date). A comparison with the
  last time something happened keeps the point ("its lowest level since 1997", "the first loss since
  1992"). "until 2014", "by March" resolve to the period itself.
- A clock time ("at 16:08 UTC", "6:40 p.m.") is a day: the day written next to it ("Tuesday at 18:00"),
  else the day the text is about (its latest day mention), else publication; a time stamp alone on its
  line is no mention. A bare "the day" ("ending the day at 7,114") is the day the text is about.
- A day, month or weekday without a year lies ahead when its clause says so (a future or modal auxiliary,
  a verb or noun of planning, an infinitive of a planned event, "by"/"until" in a clause not in the past):
  "will resume on Friday", "a June 1 deadline", "closed until Friday".
- Ranges ("from March to May last year", "between 2012 and 2014", "18-20 February") span the
  first start .. the last end; a first end without a year borrows the second's.
- "the next year", "the following month", "the same day" anchor to the most recent earlier date in
  the text that is not itself deictic (today, last year, this month, ... are not anchors); with no
  such date they fall back to publication.
- Days listed under one month ("on 14 and 15 March", "March 3, 5 and 9") are one mention, a range
  from the first listed day to the last.
- A date never spans a line break. Numbers inside identifiers ("No. 14/2023", "20241011-02") or names
  ("Resolution 1990", "RTX 2060") are never days or years.
- Without a publication date, relative expressions are kept with resolved=False, null dates and
  anchor 'unresolved'; they are never resolved against today.
- Not dates (no mention): durations ("10 days", "for three years", "the last year", "over the next
  month"), elapsed times counted from an event ("eleven days later", "a year earlier"; they still move
  the text anchor on, so "The following year" after "two years later" counts from there), vague
  references ("recently", "in recent months", "now", "in the past"), sets ("every Monday"), and "today"
  in the generic sense of "nowadays" ("the feud continues today").
"""

from pipelines.dates.linking import date_for_span
from pipelines.dates.model import DateMention
from pipelines.dates.recognise import extract_dates
from pipelines.dates.timex import timex_value

__all__ = ["DateMention", "date_for_span", "extract_dates", "timex_value"]
