"""Category cues added for reports, on invented sentences: verbs shared across coordination and "together
with", a person singled out ("one of them a child"), losses, arrivals at a place, days listed before a
month, a group name holding the counted noun, and generic people inside a larger event count."""

import re
from dataclasses import dataclass

from pipelines.figures import extract_figures


@dataclass
class Mention:
    start: int
    end: int
    surface: str
    entity_type: str
    entity_id: str | None
    entity_kind: str | None = None


NAMES = {
    "Abu Samir al-Badri": "person",
    "Khalid Haddar": "person",
    "Liwa al-Nour": "armed_group",
    "Norland troops": "armed_group",
    "Rawda": "location",
    "Norland": "location",
}


def mentions(text: str) -> list[Mention]:
    out = []
    for name, etype in NAMES.items():
        for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text):
            out.append(
                Mention(m.start(), m.end(), name, etype, etype[:3] + ":" + name.lower().replace(" ", "-"))
            )
    out.sort(key=lambda m: (m.start, -m.end))
    kept: list[Mention] = []
    for m in out:  # non-overlapping, longest first, as the entity linker gives them
        if not kept or m.start >= kept[-1].end:
            kept.append(m)
    return kept


def figs(text: str):
    return extract_figures(text, mentions(text))


def cat(text: str, surface_part: str) -> str:
    hits = [f for f in figs(text) if surface_part in f.surface]
    assert len(hits) == 1, [(f.surface, f.category) for f in figs(text)]
    return hits[0].category


def test_verb_reaches_a_count_coordinated_after_a_named_person():
    text = "A drone strike killed Liwa al-Nour commander Abu Samir al-Badri and three of his associates."
    assert cat(text, "three of his associates") == "killed"
    text = "Police arrested Khalid Haddar and several of his aides at a checkpoint."
    assert cat(text, "several of his aides") == "detained"


def test_aides_without_a_cue_are_no_counted_people():
    assert cat("He ignored the advice of several former aides.", "several") == "other"


def test_verb_reaches_generic_people_coordinated_after_its_object():
    text = "Since 2020 Norland has repatriated 14 women and 30 children from the camps."
    assert cat(text, "30 children") == "returned"


def test_verb_reaches_across_together_with():
    text = "She was repatriated together with six other women in March."
    assert cat(text, "six other women") == "returned"


def test_one_of_them_a_person_is_a_part_of_the_count():
    found = figs("Five detainees died in custody last month, one of them a woman.")
    one = [f for f in found if f.surface.startswith("one")]
    assert len(one) == 1
    assert (one[0].category, one[0].part_of) == ("killed", 0)


def test_one_of_them_said_is_no_figure():
    found = figs("Five officials met on Monday. One of them said the talks failed.")
    assert [f.surface for f in found if f.value == 1] == []


def test_a_unit_that_lost_fighters_counts_dead():
    assert cat("The brigade lost nine soldiers in an ambush near Rawda.", "nine soldiers") == "killed"
    # a loss of things is not a loss of lives
    assert cat("The factory lost 300 contracts last year.", "300 contracts") != "killed"


def test_a_place_receiving_people_counts_displaced_people():
    assert cat("The Rawda camp received some 3,100 people in two days.", "3,100 people") == "displaced"
    assert cat("The camp received 900 people this week.", "900 people") == "displaced"
    # a person receiving visitors does not make them displaced
    assert cat("The minister received 40 people at the ministry.", "40 people") == "population"


def test_days_listed_before_a_month_are_no_figures():
    found = figs("Strikes on 8 and 12 March killed 16 fighters near Rawda.")
    assert [f.surface for f in found if f.category != "other"] == ["16 fighters"]


def test_a_group_name_holding_the_counted_noun_is_its_head():
    found = figs("About 700 Norland troops are deployed in the east.")
    people = [f for f in found if f.category != "other"]
    assert [(f.value, f.category) for f in people] == [(700, "fighters")]


def test_generic_people_inside_a_larger_displaced_count_are_its_part():
    text = "Some 40,000 new arrivals have reached Rawda; about 9,000 people are staying in schools."
    found = figs(text)
    part = [f for f in found if f.value == 9000][0]
    assert (part.category, part.part_of) == ("displaced", 0)


def test_generic_people_larger_than_the_event_count_stay_population():
    text = "Twelve people were killed in Rawda, a town of 20,000 people."
    found = figs(text)
    town = [f for f in found if f.value == 20000][0]
    assert town.part_of is None and town.category == "population"
