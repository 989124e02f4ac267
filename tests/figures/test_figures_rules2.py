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
