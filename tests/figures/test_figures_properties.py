"""Property-based tests: the extractor never raises and keeps offsets valid on any text; numbers written
in words and in digits give the same figure."""

from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.figures import extract_figures, parse_quantity

WORDS = st.sampled_from(
    "killed wounded fighters people about more than at least 1,000 300 five hundreds of thousands "
    "between and "
    "a couple of in Idlib – including , . 2014 Feb. 18 $ % one the were are 26-year-old tens dozens".split()
)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_on_any_text(text):
    for f in extract_figures(text):
        assert 0 <= f.start < f.end <= len(text)
        assert text[f.start : f.end] == f.surface


@settings(max_examples=300, deadline=None)
@given(st.lists(WORDS, max_size=40).map(" ".join))
def test_offsets_valid_and_links_in_range_on_number_heavy_text(text):
    figs = extract_figures(text)
    assert figs == sorted(figs, key=lambda f: f.start)
    for f in figs:
        assert text[f.start : f.end] == f.surface
        assert f.low is None or f.high is None or f.low <= f.high
        for link in (f.part_of, f.repeat_of):
            assert link is None or (0 <= link < len(figs) and figs[link] is not f)


_UNITS = ["", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven"] + [
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def _below_hundred(n: int) -> str:
    if n < 20:
        return _UNITS[n]
    return _TENS[n // 10] + ("-" + _UNITS[n % 10] if n % 10 else "")


def _below_thousand(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    parts = []
    if hundreds:
        parts.append(_UNITS[hundreds] + " hundred")
    if rest:
        parts.append(("and " if hundreds else "") + _below_hundred(rest))
    return " ".join(parts)


def to_words(n: int) -> str:
    thousands, rest = divmod(n, 1000)
    parts = []
    if thousands:
        parts.append(_below_thousand(thousands) + " thousand")
    if rest:
        parts.append(_below_thousand(rest))
    return " ".join(parts)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=2, max_value=999_999))
def test_words_and_digits_give_the_same_value(n):
    assert parse_quantity(to_words(n)) == parse_quantity(f"{n:,}")
    in_words = extract_figures(f"Officials said {to_words(n)} civilians were killed in the attack.")
    in_digits = extract_figures(f"Officials said {n:,} civilians were killed in the attack.")
    assert [(f.value, f.low, f.high, f.category) for f in in_words] == [
        (f.value, f.low, f.high, f.category) for f in in_digits
    ]
    assert [f.value for f in in_digits] == [n]
