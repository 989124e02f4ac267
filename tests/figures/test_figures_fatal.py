"""Shot is hit, not dead: a wounding predicate counts the wounded unless the clause makes it fatal (invented
sentences of local shooting reports)."""

import pytest

from pipelines.figures.extract import extract_figures


def _people(text: str) -> list[tuple[str, float]]:
    return [(f.category, f.value) for f in extract_figures(text) if f.category != "other"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Three men were shot outside a bar on Friday night, police said.", [("wounded", 3.0)]),
        ("A 19-year-old man was fatally shot near the station on Sunday.", [("killed", 1.0)]),
        ("Two brothers were shot dead in their shop.", [("killed", 2.0)]),
        ("A man was shot and killed in a parking lot late Saturday.", [("killed", 1.0)]),
        ("Four villagers were stabbed to death during the raid.", [("killed", 4.0)]),
        ("Two guards were mortally wounded in the ambush.", [("killed", 2.0)]),
        ("Five protesters were shot and wounded by the police.", [("wounded", 5.0)]),
    ],
)
def test_a_wounding_predicate_kills_only_when_the_clause_says_so(text, expected):
    assert _people(text) == expected
