"""Victims counted without a numeral of their own, in the ways local shooting reports name them (invented
sentences): a number said to be fatal ("one fatally"), a relative introduced by a possessor ("his son"),
"another", a verb gapped after a passive ("her brother wounded") and a state said of an object ("found a
woman dead")."""

import pytest

from pipelines.figures.extract import extract_figures


def _people(text: str) -> list[tuple[str, float, str]]:
    return [(f.category, f.value, f.surface) for f in extract_figures(text) if f.category != "other"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Three men were shot near the bus station, one fatally.",
            [("wounded", 3.0, "Three men"), ("killed", 1.0, "one")],
        ),
        (
            "Six people were stabbed at the party, two of them fatally.",
            [("wounded", 6.0, "Six people"), ("killed", 2.0, "two")],
        ),
        (
            "Five people were shot on Tuesday evening, one of them fatally.",
            [("wounded", 5.0, "Five people"), ("killed", 1.0, "one")],
        ),
        ("Two were fatally shot outside the store.", [("killed", 2.0, "Two were fatally shot")]),
    ],
)
def test_a_number_said_to_be_fatal_counts_the_dead(text, expected):
    assert _people(text) == expected


def test_a_fatal_part_is_a_part_of_its_whole():
    figures = extract_figures("Four teenagers were shot at the park, two of them fatally.")
    whole, part = figures
    assert (part.category, part.value, part.part_of) == ("killed", 2.0, 0)
    assert whole.category == "wounded"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "A woman and her daughter were shot dead in their apartment.",
            [("killed", 1.0, "A woman"), ("killed", 1.0, "her daughter")],
        ),
        ("The driver's cousin was also injured.", [("wounded", 1.0, "The driver's cousin")]),
        ("Gunmen killed his nephew on the way home.", [("killed", 1.0, "his nephew")]),
        ("Their sons were killed years ago.", []),  # a plural without a number: no count
        ("The commander's bodyguards were killed.", []),  # a plural after a possessor with its article
        ("His body was recovered from the river.", []),  # the victim himself, not someone new
        ("The teacher was wounded in the attack.", []),  # "the": a victim named before
    ],
)
def test_a_relative_introduced_by_a_possessor_is_one_victim(text, expected):
    assert _people(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Three people were killed and another was injured.",
            [("killed", 3.0, "Three people"), ("wounded", 1.0, "another")],
        ),
        ("Another officer was wounded by gunfire.", [("wounded", 1.0, "Another officer")]),
        ("Another attack was reported on Friday.", []),
    ],
)
def test_another_is_one_more_victim(text, expected):
    assert _people(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "A boy was killed and his mother wounded when the car was fired on.",
            [("killed", 1.0, "A boy"), ("wounded", 1.0, "his mother")],
        ),
        (
            "Four soldiers were killed and nine others injured.",
            [("killed", 4.0, "Four soldiers"), ("wounded", 9.0, "nine others")],
        ),
    ],
)
def test_a_verb_gapped_after_a_passive_is_passive(text, expected):
    assert _people(text) == expected


def test_a_state_said_of_an_object_is_the_objects():
    assert _people("Neighbours found a man dead in the stairwell.") == [("killed", 1.0, "a man")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Two boys sustained gunshot wounds in the attack.", [("wounded", 2.0, "Two boys")]),
        ("A woman suffered a stab wound to her arm.", [("wounded", 1.0, "A woman")]),
        (
            "Three men were rushed to a nearby clinic with gunshot wounds.",
            [("wounded", 3.0, "Three men")],
        ),
        ("Four people were hospitalised after the blast.", [("wounded", 4.0, "Four people")]),
        ("Two soldiers died of their wounds.", [("killed", 2.0, "Two soldiers")]),  # dying decides first
        ("Two men were taken to a house with three rooms.", [("population", 2.0, "Two men")]),
    ],
)
def test_people_with_wounds_are_wounded(text, expected):
    assert _people(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Three nurses were among those killed.", [("killed", 3.0, "Three nurses")]),
        ("A 15-year-old girl was among the dead.", [("killed", 1.0, "A 15-year-old girl")]),
        ("Among the injured was a local farmer.", [("wounded", 1.0, "a local farmer")]),
        ("The victims included a taxi driver.", [("killed", 1.0, "a taxi driver")]),
        ("The delegation included two doctors.", [("population", 2.0, "two doctors")]),  # no category
    ],
)
def test_people_among_a_named_group_share_its_category(text, expected):
    assert _people(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A man was stabbed in the chest and later died in hospital.", [("killed", 1.0, "A man")]),
        ("Two women were shot and taken to hospital.", [("wounded", 2.0, "Two women")]),
    ],
)
def test_a_wounding_coordinated_with_dying_killed(text, expected):
    assert _people(text) == expected


def test_one_among_a_group_counted_before_is_a_part_of_that_count():
    figures = extract_figures(
        "Shelling killed nine people at the bakery. A driver whose cousin was among the dead said the road "
        "was closed."
    )
    total, part = figures
    assert (total.category, total.value, total.part_of) == ("killed", 9.0, None)
    assert (part.category, part.value, part.part_of) == ("killed", 1.0, 0)
