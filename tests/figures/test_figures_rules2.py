"""Second-round extractor rules on invented sentences: qualifiers, participles inside the noun phrase,
predicative adjectives, modifier nouns, elliptical numbers, breakdowns, and where a figure happens."""

import re
from dataclasses import dataclass

import pytest

from pipelines.figures import extract_figures, parse_quantity


@dataclass
class Mention:
    start: int
    end: int
    surface: str
    entity_type: str
    entity_id: str | None


GROUPS = {"HTS": "hts", "Islamic State": "is", "IS": "is", "SDF": "sdf", "Jaish al-Izza": "jaish"}
PLACES = {
    "Idlib": "idlib",
    "Hama": "hama",
    "Aleppo": "aleppo",
    "Kobani": "kobani",
    "Syria": "syria",
    "Norway": "norway",
    "Sweden": "sweden",
    "Ankara": "ankara",
    "London": "london",
    "Raqqa": "raqqa",
}


def mentions(text: str) -> list[Mention]:
    out = []
    for table, etype in ((GROUPS, "armed_group"), (PLACES, "location")):
        for name, eid in table.items():
            for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text):
                out.append(Mention(m.start(), m.end(), name, etype, eid))
    return out


def people(text: str):
    return [f for f in extract_figures(text, mentions(text)) if f.category != "other"]


def by_value(figs):
    return {(f.value if f.value is not None else (f.low, f.high)): f for f in figs}


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("as high as 9,000", (9000, None, 9000, "at_most")),
        ("as few as 20", (20, 20, None, "at_least")),
        ("half a dozen", (6, 6, 6, "approx")),
    ],
)
def test_more_qualifier_phrases(phrase, expected):
    assert parse_quantity(phrase) == expected


def test_participle_adjective_inside_the_noun_phrase():
    figs = people("Police arrested 4 suspected IS members near Raqqa.")
    assert len(figs) == 1
    assert figs[0].surface.endswith("IS members") and figs[0].actor_entity_id == "is"
    figs = people("The week saw 30 reported fatalities.")
    assert [(f.value, f.category) for f in figs] == [(30, "killed")]


def test_predicative_adjective_after_a_person_noun():
    figs = people("The ambush left one soldier dead and two wounded.")
    assert [(f.value, f.category) for f in figs] == [(1, "killed"), (2, "wounded")]


def test_person_noun_modifying_a_thing_is_not_people():
    assert people("The town is held by half a dozen rebel brigades.") == []


def test_arrivals_and_returns_are_people():
    assert [f.category for f in people("The camps received some 5,000 new arrivals.")] == ["displaced"]
    assert [f.category for f in people("Officials counted 800 returns to villages.")] == ["returned"]


def test_repatriation_verbs_before_the_number():
    figs = by_value(people("Norway flew home 40 of its citizens, and Sweden took back 12 children."))
    assert figs[40].category == "returned" and figs[12].category == "returned"


def test_bare_numbers_take_the_category_of_the_figure_they_continue():
    text = "Strikes caused 30 deaths, 12 of them in Hama and 5 in Aleppo."
    figs = by_value(people(text))
    total = people(text).index(figs[30])
    assert figs[12].category == figs[5].category == "killed"
    assert figs[12].part_of == figs[5].part_of == total
    assert figs[5].location_entity_id == "aleppo"


def test_gapped_number_after_a_place():
    figs = by_value(people("Norway has repatriated 9 children, and Sweden five."))
    assert figs[5].category == "returned" and figs[5].location_entity_id == "sweden"


def test_bare_number_without_an_antecedent_is_not_a_figure():
    assert people("The score was 3 to 1, and the match ended.") == []


def test_age_after_a_pronoun_and_copula_is_not_a_figure():
    text = "Ten fighters were wounded. He was 19."
    assert [f.value for f in people(text)] == [10]


def test_sibling_of_a_part_is_a_part_of_the_same_whole():
    text = "The raid left 20 dead, among them four children and three women, and 30 wounded."
    figs = people(text)
    vals = by_value(figs)
    whole = figs.index(vals[20])
    assert vals[4].part_of == whole and vals[3].part_of == whole
    assert vals[3].category == "killed" and vals[30].part_of is None


def test_part_inherits_the_event_of_the_whole():
    text = "At least 25 people, among them 10 HTS members, were killed in Idlib."
    vals = by_value(people(text))
    assert vals[10].category == "killed" and vals[25].category == "killed"
    assert vals[10].actor_entity_id == "hts" and vals[10].location_entity_id == "idlib"


def test_sentence_openers_that_break_down_an_earlier_total():
    text = "Police detained 40 people in Raqqa. Among those detained were six women."
    figs = people(text)
    vals = by_value(figs)
    assert vals[6].part_of == figs.index(vals[40]) and vals[6].category == "detained"
    text = "Some 9,000 people were displaced in Idlib. Of the total displaced, 2,000 people sleep outdoors."
    figs = people(text)
    vals = by_value(figs)
    assert vals[2000].part_of == figs.index(vals[9000]) and vals[2000].category == "displaced"


def test_subset_of_an_earlier_total():
    text = "At least 30 people were abducted last year. Seven have been found dead."
    figs = people(text)
    vals = by_value(figs)
    assert vals[7].part_of == figs.index(vals[30]) and vals[7].category == "killed"
    text = "He drove 8 wounded men to a clinic. On the way, one of the men died."
    figs = people(text)
    vals = by_value(figs)
    assert vals[1].part_of == figs.index(vals[8]) and vals[1].category == "killed"


def test_dateline_place_is_its_own_segment():
    text = "KOBANI, Syria – Officials say 40 people were wounded in the blast."
    figs = people(text)
    assert [(f.value, f.location_entity_id) for f in figs] == [(40, None)]
    text = "Kobani (Syria) – The group holds 300 prisoners in camps across Syria."
    assert people(text)[0].location_entity_id == "syria"


def test_place_where_a_source_sits_is_not_the_figure_place():
    text = "A monitor based in London, citing medics, gave a toll: 12 people killed."
    assert people(text)[0].location_entity_id is None


def test_possessive_place_before_the_quantity():
    text = "Raqqa's roughly 300,000 residents face a winter under a truce agreed between Norway and Sweden."
    assert people(text)[0].location_entity_id == "raqqa"


def test_place_scan_stops_at_a_clause_about_another_noun():
    text = "About 5,000 residents remain under a truce brokered in Ankara."
    assert people(text)[0].location_entity_id is None


def test_men_in_an_armed_context_are_fighters():
    assert people("By then HTS fielded about 9,000 men in the north.")[0].category == "fighters"
    assert people("His battalion was down to 40 men.")[0].category == "fighters"
    assert people("About 40 men gathered at the market.")[0].category == "population"
    assert people("HTS arrested 40 men in Idlib.")[0].category == "detained"
