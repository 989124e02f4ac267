"""Who claims a figure, on invented sentences: the subject of the nearest reporting predicate that governs
the count, "X put the toll at N" included, and of a claimant named twice (a description and a proper name in
apposition) the proper name."""

import pytest

from pipelines.figures import extract_figures
from tests.figures.test_figures_parse import mentions


def claims(text: str) -> dict[float, str | None]:
    return {f.value: f.source_surface for f in extract_figures(text, mentions(text)) if f.category != "other"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # two claimants in one sentence: each count is the claim of the predicate that governs it
        (
            "The official news agency NNA said 40 people died, while the monitor put the toll at 9.",
            {40: "NNA", 9: "the monitor"},
        ),
        (
            "The Observatory puts the death toll at 120, but the health ministry says 80 people died.",
            {120: "The Observatory", 80: "the health ministry"},
        ),
        # a description in apposition to a proper name: the name claims it, in either order
        ("Anadolu, the state broadcaster, reported that 14 soldiers were wounded.", {14: "Anadolu"}),
        ("The regional broadcaster Rudaw said 22 fighters were captured.", {22: "Rudaw"}),
        # no reporting predicate above the count: no claimant
        ("Twelve people were killed when the monitor's office was shelled.", {12: None}),
    ],
)
def test_the_nearest_reporting_predicate_names_the_claimant(text, expected):
    assert claims(text) == expected


def test_a_toll_put_by_a_linked_claimant_is_its_claim():
    text = "State media said 300 people were killed, but the Observatory put the number of dead at 16."
    found = {f.value: f for f in extract_figures(text, mentions(text)) if f.category == "killed"}
    assert (found[16].source_surface, found[16].source_entity_id) == ("the Observatory", "org:observatory")
    assert (found[300].source_surface, found[300].source_entity_id) == ("State media", None)
