"""Rules added after reading the extractor's output on real, mixed-topic news pages: citation marks,
codes glued to letters, sources, capacities, family sizes, shared scales, qualifiers after the number,
occupations as people, and casualty predicates past a locative number. Sentences are invented."""

import pytest

from pipelines.figures import extract_figures, parse_quantity


def _people(text: str) -> list:
    return [f for f in extract_figures(text) if f.category != "other"]


def _one(text: str, surface_part: str):
    found = [f for f in extract_figures(text) if surface_part in f.surface]
    assert len(found) == 1, [(f.surface, f.category) for f in extract_figures(text)]
    return found[0]


@pytest.mark.parametrize(
    "text",
    [
        "Another trial in 40 adults found lower stress levels (7).",
        "Fasting raised the risk of relapse [12].",
    ],
)
def test_citation_marks_are_not_figures(text):
    assert [f.surface for f in extract_figures(text) if f.surface.strip("()[]").isdigit()] == []


@pytest.mark.parametrize(
    "text",
    [
        "The laptop ships with an i7 chip.",
        "Follow the account at news4you for updates.",
        "Sales peaked in the 1980s and again in the 2000s.",
        "The screen runs at 2560x1440 and the charger gives 65W.",
    ],
)
def test_numbers_glued_to_letters_are_codes(text):
    assert extract_figures(text) == []


def test_a_number_glued_to_its_unit_is_a_measure():
    # issue 15: real-text quantity gold (MEANTIME) counts "16GB" as a quantity; it is `other`, never people
    assert [(f.surface, f.category, f.unit) for f in extract_figures("It has 16GB of memory.")] == [
        ("16GB", "other", "measure")
    ]


def test_glued_scale_and_unit_still_count():
    assert _one("The fund lost $2.5bn last year.", "2.5bn").unit == "money"
    assert _one("The convoy drove 40km to the border.", "40").unit == "distance"


def test_two_numbers_in_a_row_name_a_model():
    figs = extract_figures("The airline grounded its fleet of 120 320 jets.")
    assert [f.value for f in figs if f.value == 120] == []


def test_the_one_is_a_pronoun():
    assert _people("It was the one on which the prisoner was found dead.") == []


def test_sources_are_not_counted_people():
    f = _one("Two people familiar with the plan said it was delayed.", "Two people")
    assert (f.category, f.unit) == ("other", "people")
    f = _one("Three officials briefed on the talks said 40 fighters were captured.", "40 fighters")
    assert f.category == "detained"


def test_capacity_is_other():
    f = _one("The new stadium, seating 40,000 people, opened on Friday.", "40,000")
    assert f.category == "other"


def test_family_size_is_other_but_family_casualties_count():
    assert _one("He is a father of four and works in the market.", "four").category == "other"
    assert _one("Her two sons live abroad.", "two sons").category == "other"
    assert _one("His three daughters were killed in the strike.", "three daughters").category == "killed"


@pytest.mark.parametrize(
    "phrase,expected",
    [
        ("350–375 million", (None, 350e6, 375e6, "range")),
        ("between 2 and 3 million", (None, 2e6, 3e6, "range")),
        ("5 million to 6 million", (None, 5e6, 6e6, "range")),
        ("between 100 and 2 million", (None, 100, 2e6, "range")),
        ("a million or more", (1e6, 1e6, None, "at_least")),
        ("300 or so", (300, 300, 300, "approx")),
        ("two or more", (2, 2, None, "at_least")),
        ("two or three", (None, 2, 3, "range")),
        ("several hundred", (300, 300, 900, "vague")),
        ("a few thousand", (3000, 3000, 9000, "vague")),
        ("a few dozen", (36, 36, 108, "vague")),
        ("several dozen", (36, 36, 108, "vague")),
        ("scores of", (10, 10, 99, "vague")),
        ("scores", None),
    ],
)
def test_quantity_shapes(phrase, expected):
    assert parse_quantity(phrase) == expected


def test_test_scores_are_not_a_quantity():
    assert _people("Teachers blamed lower scores on the new exam.") == []


def test_occupations_are_people():
    f = _one("The firm employs 4,500 workers and 300 teachers.", "300 teachers")
    assert f.category == "population"
    f = _one("Two prison officers were wounded in the riot.", "Two prison officers")
    assert f.category == "wounded"


def test_total_of_does_not_hide_the_killing_verb():
    assert _one("The floods killed a total of 57 people.", "57 people").category == "killed"


def test_a_number_of_places_does_not_end_the_predicate_window():
    f = _one("At least 80 protesters in 12 provinces have been killed, the group said.", "80 protesters")
    assert f.category == "killed"
    assert _one("At least 80 protesters in 12 provinces died.", "12 provinces").category == "other"


def test_deported_people_are_displaced():
    assert _one("Some 250 migrants were deported on Monday.", "250 migrants").category == "displaced"
    assert _one("Authorities deported 120 people last week.", "120 people").category == "displaced"


def test_partitive_over_a_number_takes_the_wholes_noun():
    f = _one("Nine of the 30 guards were off duty.", "Nine")
    assert f.surface == "Nine of the 30 guards"
    assert f.category == "population"


def test_a_people_named_after_a_number_with_a_casualty_cue():
    f = _one("The detention of a million or more Uighurs was condemned.", "million")
    assert (f.category, f.qualifier, f.low, f.high) == ("detained", "at_least", 1e6, None)


def test_a_population_verb_does_not_make_companies_people():
    assert _people("The region hosts several steel manufacturers.") == []


def test_number_times_dozen():
    assert parse_quantity("three dozen") == (36, 36, 36, "approx")
    assert _one("Nearly four dozen villagers were detained.", "dozen").value == 48


def test_a_product_name_labels_its_version_number():
    assert _people("Owners of the PlayStation 4 players can upgrade.") == []
    f = _one("The startup's founders said FlyCorp's 900 employees will keep their jobs.", "900")
    assert f.category == "population"


def test_fighting_a_plain_noun_is_not_armed():
    found = _people("Their lawyers said the two would fight the charges.")
    assert "fighters" not in [f.category for f in found]
    assert _one("About 300 volunteers fought the army near the town.", "300").category == "fighters"


def test_a_plural_noun_before_a_person_noun_is_the_head():
    f = _one("The analyst gave three reasons investors should stay calm.", "three")
    assert (f.category, f.surface) == ("other", "three reasons")


def test_kin_are_people_with_a_casualty_cue():
    assert _one("Her two sons were detained at a checkpoint.", "two sons").category == "detained"
    assert _one("Three brothers were killed in the raid.", "Three brothers").category == "killed"


def test_vague_digit_times_several_scales():
    assert parse_quantity("several hundred thousand") == (300_000, 300_000, 900_000, "vague")


def test_a_hyphenated_name_before_a_number_is_no_product_label():
    assert _one("The al-Qaeda 300 fighters moved south.", "300").category == "fighters"
