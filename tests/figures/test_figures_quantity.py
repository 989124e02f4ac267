"""parse_quantity: digits, words, scales, vague quantities, ranges and qualifiers (SPEC.md §3 tables)."""

import pytest

from pipelines.figures import extract_figures, parse_quantity


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("300", (300, 300, 300, "exact")),
        ("1,490", (1490, 1490, 1490, "exact")),
        ("4 million", (4_000_000, 4_000_000, 4_000_000, "exact")),
        ("1.5m", (1_500_000, 1_500_000, 1_500_000, "exact")),
        ("five", (5, 5, 5, "exact")),
        ("fifty", (50, 50, 50, "exact")),
        ("twenty-five", (25, 25, 25, "exact")),
        ("one hundred and fifty", (150, 150, 150, "exact")),
        ("two thousand five hundred", (2500, 2500, 2500, "exact")),
        ("a thousand", (1000, 1000, 1000, "exact")),
        ("a couple of thousand", (2000, 2000, 2000, "approx")),
        ("a couple of", (2, 2, 2, "approx")),
        ("a dozen", (12, 12, 12, "approx")),
        ("about 170", (170, 170, 170, "approx")),
        ("an estimated 10,000", (10000, 10000, 10000, "approx")),
        ("around 300", (300, 300, 300, "approx")),
        ("some 300", (300, 300, 300, "approx")),
        ("more than 50,000", (50000, 50000, None, "at_least")),
        ("over 1,000", (1000, 1000, None, "at_least")),
        ("at least 25", (25, 25, None, "at_least")),
        ("maybe more than 1,000", (1000, 1000, None, "at_least")),
        ("as many as 300", (300, None, 300, "at_most")),
        ("up to 300", (300, None, 300, "at_most")),
        ("fewer than 300", (300, None, 300, "at_most")),
        ("between 100 and a couple of thousand", (None, 100, 2000, "range")),
        ("100 to 150", (None, 100, 150, "range")),
        ("100-150", (None, 100, 150, "range")),
        ("100–150", (None, 100, 150, "range")),
        ("two or three", (None, 2, 3, "range")),
        ("hundreds of", (100, 100, 999, "vague")),
        ("hundreds of thousands of", (100_000, 100_000, 999_999, "vague")),
        ("tens of thousands of", (10_000, 10_000, 99_999, "vague")),
        ("dozens of", (12, 12, 99, "vague")),
        ("scores of", (10, 10, 99, "vague")),
        ("a few", (3, 3, 9, "vague")),
        ("several", (3, 3, 9, "vague")),
        ("a handful of", (3, 3, 9, "vague")),
        ("millions of", (1_000_000, 1_000_000, 9_999_999, "vague")),
        ("more than a dozen", (12, 12, None, "at_least")),
    ],
)
def test_parse_quantity(phrase, expected):
    assert parse_quantity(phrase) == expected


@pytest.mark.parametrize("phrase", ["", "fighters", "the first", "about", "more than half", "3 fighters", 42])
def test_parse_quantity_rejects_what_is_not_one_whole_quantity(phrase):
    assert parse_quantity(phrase) is None


@pytest.mark.parametrize(
    ("words", "digits"),
    [
        ("seventy-three", "73"),
        ("four hundred and twelve", "412"),
        ("two million", "2,000,000"),
        ("ninety", "90"),
    ],
)
def test_words_and_digits_agree(words, digits):
    assert parse_quantity(words) == parse_quantity(digits)


NBSP, NNBSP, THIN = "\u00a0", "\u202f", "\u2009"


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("7 000", (7000, 7000, 7000, "exact")),
        (f"5{NBSP}000", (5000, 5000, 5000, "exact")),
        (f"12{NNBSP}500", (12500, 12500, 12500, "exact")),
        (f"12{THIN}500", (12500, 12500, 12500, "exact")),
        ("1 250 000", (1_250_000, 1_250_000, 1_250_000, "exact")),
        ("more than 12 500", (12500, 12500, None, "at_least")),
        ("between 5 000 and 7 000", (None, 5000, 7000, "range")),
        ("5 000-6 000", (None, 5000, 6000, "range")),
        ("7 000.5", (7000.5, 7000.5, 7000.5, "exact")),
    ],
)
def test_space_as_thousands_separator(phrase, expected):
    assert parse_quantity(phrase) == expected


@pytest.mark.parametrize(
    "phrase",
    [
        "2014 2,000",  # a year, then a count: two numbers, not one
        "2014 000",  # a four-digit head is no thousands head
        "7 0001",  # a group of four digits is no thousands group
        "7 00",  # nor one of two
        "74 100%",  # a group glued to a percent sign or letters is its own number
    ],
)
def test_numbers_side_by_side_stay_apart(phrase):
    assert parse_quantity(phrase) is None


@pytest.mark.parametrize(
    ("text", "surface", "value", "category"),
    [
        ("At least 7 000 people were displaced.", "At least 7 000 people", 7000, "displaced"),
        ("Some 5 000 fighters joined.", "Some 5 000 fighters", 5000, "fighters"),
        (
            f"About 12{NBSP}500 displaced people arrived.",
            f"About 12{NBSP}500 displaced people",
            12500,
            "displaced",
        ),
        ("In 2014 2,000 people fled the town.", "2,000 people", 2000, "displaced"),
        ("In 2014 2 000 people fled the town.", "2 000 people", 2000, "displaced"),
    ],
)
def test_spaced_thousands_in_running_text(text, surface, value, category):
    found = [f for f in extract_figures(text) if f.category != "other"]
    assert [(f.surface, f.value, f.category) for f in found] == [(surface, value, category)]
    assert text[found[0].start : found[0].end] == surface
