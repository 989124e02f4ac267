"""An age standing for a person ("a 19-year-old was shot") is one victim, like "a man was shot"; an age
modifying a person noun, or one that is no victim, adds nothing (invented sentences of local reports)."""

import pytest

from pipelines.figures.extract import extract_figures


def _people(text: str) -> list[tuple[str, float, str]]:
    return [(f.category, f.value, f.surface) for f in extract_figures(text) if f.category != "other"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A 19-year-old was shot and killed on Friday night.", [("killed", 1.0, "A 19-year-old")]),
        ("A 17-year-old was wounded in the shooting.", [("wounded", 1.0, "A 17-year-old")]),
        ("Gunmen killed a 60-year-old near the market.", [("killed", 1.0, "a 60-year-old")]),
        ("Police said a 45-year-old man was shot dead.", [("killed", 1.0, "a 45-year-old man")]),
        (
            "Two teenagers, a 16-year-old and a 17-year-old, were injured.",
            [("wounded", 2.0, "Two teenagers")],
        ),
        ("He is a 19-year-old from the north of the city.", []),
        ("The 19-year-old was taken to hospital, where he died.", []),  # a victim named before: no new count
    ],
)
def test_an_age_standing_for_a_person_is_one_victim(text, expected):
    assert _people(text) == expected
