"""extract_figures on short invented sentences: categories, non-figures, attachment, part_of, repeats."""

import re
from dataclasses import dataclass

import pytest

from pipelines.figures import extract_figures


@dataclass
class Mention:
    start: int
    end: int
    surface: str
    entity_type: str
    entity_id: str | None


GROUPS = {
    "HTS": "hts",
    "Hayat Tahrir al-Sham": "hts",
    "IS": "is",
    "Islamic State": "is",
    "Ahrar al-Sham": "ahrar",
}
PLACES = {"Idlib": "idlib", "Hama": "hama", "Aleppo": "aleppo", "Raqqa": "raqqa", "Turkey": "turkey"}


def mentions(text: str) -> list[Mention]:
    out = []
    for table, etype in ((GROUPS, "armed_group"), (PLACES, "location")):
        for name, eid in table.items():
            for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text):
                out.append(Mention(m.start(), m.end(), name, etype, eid))
    return out


def people(text: str):
    return [f for f in extract_figures(text, mentions(text)) if f.category != "other"]


def only(text: str):
    figs = people(text)
    assert len(figs) == 1, figs
    return figs[0]


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("An airstrike on the market killed 12 civilians.", "killed"),
        ("At least 25 people were killed in the blast.", "killed"),
        ("Seven soldiers died when the convoy was ambushed.", "killed"),
        ("The shelling left 14 dead.", "killed"),
        ("The death toll from the bombing rose to 40.", "killed"),
        ("Police said 30 people were wounded.", "wounded"),
        ("The clashes injured 16 residents.", "wounded"),
        ("Security forces arrested 45 suspects.", "detained"),
        ("The group released 50 prisoners on Monday.", "detained"),
        ("Nine aid workers are missing.", "missing"),
        ("Tens of thousands of civilians have been evacuated.", "displaced"),
        ("More than 2,000 refugees crossed the border.", "displaced"),
        ("About 400 refugees have returned to their villages.", "returned"),
        ("The rebels have some 3,000 fighters.", "fighters"),
        ("Hundreds of militants were captured.", "detained"),
        ("The town has about 20,000 inhabitants.", "population"),
        ("Thousands of fighters are believed to have been killed.", "killed"),
    ],
)
def test_category_from_noun_and_predicate(text, category):
    assert only(text).category == category


def test_active_verb_after_the_noun_makes_the_noun_the_agent():
    figs = people("About 300 fighters killed 12 villagers.")
    by_value = {f.value: f.category for f in figs}
    assert by_value == {300: "fighters", 12: "killed"}


def test_one_is_a_figure_only_with_a_casualty_predicate():
    assert people("One man who fought there spoke to reporters.") == []
    assert people("One of the commanders spoke.") == []
    fig = only("One person was killed in the strike.")
    assert (fig.value, fig.category) == (1, "killed")


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("Smugglers charged $2,000 per person.", "money"),
        ("The enclave covers 3,000 square kilometers.", "area"),
        ("Turnout was 82.99% in the city.", "percent"),
        ("The offensive lasted 10 days.", "duration"),
        ("Two regions stand out as options.", "count"),
    ],
)
def test_other_quantities_carry_a_unit(text, unit):
    figs = extract_figures(text)
    assert [(f.category, f.unit) for f in figs] == [("other", unit)]


@pytest.mark.parametrize(
    "text",
    [
        "The attack happened in 2014.",
        "On Feb. 18 the talks resumed.",
        "He was born on 18 February.",
        "The 26-year-old spoke to us.",
        "Children over the age of 13 were screened.",
        "She is 26 years old.",
        "It was the first attack and the second wave.",
        "Kurdistan 24 reported the news.",
        "See page 2 for details.",
        "The meeting started at 10:30 local time.",
        "About a third of them joined.",
    ],
)
def test_not_figures(text):
    assert people(text) == []
    assert all(f.unit not in (None, "age") for f in extract_figures(text))


def test_actor_from_modifier_and_from_post_modifier():
    assert only("HTS executed five IS militants.").actor_entity_id == "is"
    assert only("He counted 200 fighters loyal to Ahrar al-Sham.").actor_entity_id == "ahrar"
    assert only("Some 300 members of Hayat Tahrir al-Sham surrendered.").actor_entity_id == "hts"


def test_captor_is_not_the_actor_of_the_detained():
    fig = only("HTS arrested 20 people in Idlib.")
    assert (fig.category, fig.actor_entity_id, fig.location_entity_id) == ("detained", None, "idlib")


def test_actor_of_a_group_that_people_joined():
    fig = only("Another cluster, with about fifty adults, joined Ahrar al-Sham.")
    assert fig.actor_entity_id == "ahrar"


def test_actor_of_a_group_that_has_fighters():
    assert only("Ahrar al-Sham has an estimated 10,000 fighters.").actor_entity_id == "ahrar"


def test_location_from_the_clause_not_the_nearest_word():
    fig = only("A man who left Aleppo said that 300 fighters were now based in Idlib.")
    assert fig.location_entity_id == "idlib"
    fig = only("In Hama, some 40 people were killed by shelling.")
    assert fig.location_entity_id == "hama"
    fig = only("Fighters who fled Raqqa say 40 people were killed.")
    assert fig.location_entity_id is None


def test_each_figure_of_a_list_gets_its_own_place():
    figs = people("Five people were killed in Idlib and 12 in Hama.")
    assert [(f.value, f.location_entity_id) for f in figs] == [(5, "idlib"), (12, "hama")]


def test_including_makes_a_part():
    figs = people("At least 30 people were killed, including 12 children.")
    total, part = figs
    assert part.part_of == figs.index(total)
    assert part.category == "killed"


def test_dash_aside_part_takes_the_predicate_after_the_aside():
    figs = people("Of the 200 prisoners, 130 – including 68 men – remain detained in camps.")
    values = {f.value: f for f in figs}
    assert values[130].category == "detained"
    assert values[68].part_of == figs.index(values[130])
    assert values[130].part_of == figs.index(values[200])


def test_breakdown_of_a_total():
    text = "Of the 900 recruits who left, 200 are presumed dead, 100 are missing and 50 have returned."
    figs = people(text)
    total = next(i for i, f in enumerate(figs) if f.value == 900)
    cats = {f.value: (f.category, f.part_of) for f in figs}
    assert cats[200] == ("killed", total)
    assert cats[100] == ("missing", total)
    assert cats[50] == ("returned", total)


def test_caption_repeating_a_body_sentence_is_a_repeat():
    text = (
        "Thousands of families fled the city, where more than 40,000 rebel troops are based.\n"
        "Aid groups warned of shortages.\n"
        "Families fled the city where more than 40,000 rebel troops are based"
    )
    figs = extract_figures(text)
    troops = [i for i, f in enumerate(figs) if f.category == "fighters"]
    assert len(troops) == 2
    assert figs[troops[0]].repeat_of is None and figs[troops[1]].repeat_of == troops[0]


def test_headline_before_the_body_repeats_the_body_claim():
    text = (
        "Hundreds of former fighters cross into Turkey\nHundreds of former fighters have crossed into Turkey."
    )
    figs = people(text)
    assert [f.repeat_of for f in figs] == [1, None]


def test_same_number_in_different_places_is_not_a_repeat():
    text = "Five civilians were killed in Idlib.\nLater, five civilians were killed in Hama."
    assert [f.repeat_of for f in people(text)] == [None, None]


def test_excluded_spans_yield_nothing():
    text = "Join over 50,000 readers today. At least 9 people were killed."
    figs = extract_figures(text, excluded_spans=[(0, 31)])
    assert [f.value for f in figs] == [9]


def test_surface_is_the_text_at_the_offsets():
    text = "In Idlib, there are around 300 people trying to escape. Dozens were arrested."
    for f in extract_figures(text, mentions(text)):
        assert text[f.start : f.end] == f.surface


# Headlines and captions (lines without sentence-final punctuation) that summarise a body claim: the
# cleaner puts the headline first in clean_text, so its figures meet the body's.
def test_headline_restating_the_body_claim_with_another_noun_phrase_is_a_repeat():
    text = (
        "Hundreds of former IS fighters wait on Syrian border hoping to leave\n\n"
        "Hundreds of former fighters have crossed the frontier into towns in the south."
    )
    figs = people(text)
    assert [(f.low, f.high, f.category) for f in figs] == [(100, 999, "fighters")] * 2
    assert [f.repeat_of for f in figs] == [1, None]


def test_rounded_headline_figure_is_a_repeat_of_the_exact_body_figure():
    text = (
        "Dozens of prisoners freed in swap near the border\n\n"
        "Rebels released 47 prisoners in a swap near the border on Monday."
    )
    figs = people(text)
    assert [(f.value, f.category) for f in figs] == [(12, "detained"), (47, "detained")]
    assert [f.repeat_of for f in figs] == [1, None]


def test_headline_figure_joins_the_body_figure_of_its_own_event():
    text = (
        "Dozens killed in market strike in Idlib\n\n"
        "An air strike on a market in Idlib killed 40 civilians on Tuesday.\n\n"
        "In a separate attack, 30 soldiers were killed near the front line."
    )
    figs = people(text)
    assert [f.value for f in figs] == [12, 40, 30]
    assert [f.repeat_of for f in figs] == [1, None, None]


def test_headline_only_figure_stays_a_figure():
    text = (
        "Dozens killed in market strike in Idlib\n\n"
        "An air strike hit a market in Idlib on Tuesday, rescuers said.\n\n"
        "Five people were wounded in a separate attack near the front line."
    )
    figs = people(text)
    assert [(f.value, f.category, f.repeat_of) for f in figs] == [(12, "killed", None), (5, "wounded", None)]


@pytest.mark.parametrize(
    ("headline", "body"),
    [
        # the body states a number outside the headline's: not the headline's claim
        ("Five killed in market strike", "An air strike on a market killed more than 20 people."),
        # another place
        ("Dozens killed in Idlib strike", "An air strike in Hama killed 40 civilians on Tuesday."),
        # another head noun
        ("Dozens of children killed in strike", "An air strike killed 40 soldiers on Tuesday."),
    ],
)
def test_headline_figure_that_no_body_figure_fits_is_not_a_repeat(headline, body):
    figs = people(f"{headline}\n\n{body}")
    assert len(figs) == 2
    assert [f.repeat_of for f in figs] == [None, None]


def test_two_body_claims_are_not_joined_through_a_headline():
    text = (
        "Hundreds of fighters cross into Turkey\n\n"
        "Hundreds of fighters crossed into Turkey last week.\n\n"
        "Another 300 fighters are waiting in Idlib, officials said."
    )
    figs = people(text)
    assert [f.value for f in figs] == [100, 100, 300]
    assert [f.repeat_of for f in figs] == [1, None, None]
