"""The parse-based extractor on invented sentences of the kinds issue 15 names: deaths in the language of one
side, losses a group reports, government forces named without their name, one victim without a numeral, the
rule each figure carries, parts read from the parse, and who claims each figure."""

import re
from dataclasses import dataclass

import pytest

from pipelines.entities.mention import NATIONALITY_METHOD
from pipelines.figures import extract_figures
from pipelines.nlp import load_nlp

SAA = "grp:syrian-arab-army"  # the knowledge base's Syrian government forces (kb/armed_groups.yaml)


@dataclass
class Mention:
    start: int
    end: int
    surface: str
    entity_type: str
    entity_id: str | None
    entity_kind: str | None = None


NAMES = {
    "Jaish al-Fajr": ("armed_group", "grp:jaish-al-fajr"),
    "HTS": ("armed_group", "grp:hts"),
    "the Observatory": ("organisation", "org:observatory"),
    "Kafrun": ("location", "loc:kafrun"),
    "Darat": ("location", "loc:darat"),
}


def mentions(text: str) -> list[Mention]:
    out = []
    for name, (etype, eid) in NAMES.items():
        for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text, flags=re.IGNORECASE):
            out.append(
                Mention(m.start(), m.end(), m.group(0), etype, eid, "town" if etype == "location" else None)
            )
    return sorted(out, key=lambda m: m.start)


def people(text: str):
    return [f for f in extract_figures(text, mentions(text)) if f.category != "other"]


def only(text: str):
    found = people(text)
    assert len(found) == 1, [(f.surface, f.category, f.rule) for f in found]
    return found[0]


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Six army conscripts were martyred when their checkpoint came under fire.", "killed"),
        ("Nine civilians perished in the fire that swept the market.", "killed"),
        ("Two aid workers were slain on the road to the camp.", "killed"),
        ("Rescuers pulled the bodies of 17 people from the rubble.", "killed"),
        ("By the evening the death toll had climbed to 31.", "killed"),
        ("The clashes caused at least 40 fatalities.", "killed"),
        ("Jaish al-Fajr admitted that it lost 21 fighters in the battle for the hill.", "killed"),
        ("At least 30 residents were injured by the blast.", "wounded"),
        ("Gunmen abducted 12 farmers at dawn.", "detained"),
        ("Four journalists have been missing since the raid.", "missing"),
        ("More than 5,000 people fled the shelling in the valley.", "displaced"),
        ("Some 700 refugees went back home last month.", "returned"),
        ("The faction fields about 3,000 fighters.", "fighters"),
        ("The village has roughly 900 inhabitants.", "population"),
    ],
)
def test_category_from_the_counted_noun_and_the_predicate(text, category):
    assert only(text).category == category


@pytest.mark.parametrize(
    "text",
    [
        "At least eleven Syrian troops died when the airbase was shelled.",  # a nationality on the noun
        "Rebels said they had killed 14 regime soldiers near the dam.",  # "regime" on the noun
        "Five army personnel were killed when a mine exploded under their truck.",  # "army" on the noun
        "The army lost eight soldiers in the ambush near the dam.",  # the army as the owner
    ],
)
def test_government_forces_named_without_their_name_get_their_entity(text):
    fig = only(text)
    assert (fig.category, fig.actor_entity_id) == ("killed", SAA)
    assert "state-force" in fig.rule


def test_a_group_reporting_its_own_losses_is_their_actor():
    fig = only("HTS said it lost 16 fighters in the clashes near Darat.")
    assert (fig.category, fig.actor_entity_id, fig.location_entity_id) == ("killed", "grp:hts", "loc:darat")


def test_the_killers_are_not_the_actor_of_the_dead():
    fig = only("Jaish al-Fajr fighters killed 22 villagers in Kafrun.")
    assert (fig.category, fig.actor_entity_id, fig.location_entity_id) == ("killed", None, "loc:kafrun")


@pytest.mark.parametrize(
    ("text", "category", "surface"),
    [
        ("A shepherd was killed by a landmine near Darat.", "killed", "A shepherd"),
        ("A nurse was wounded when the clinic was shelled.", "wounded", "A nurse"),
    ],
)
def test_one_victim_without_a_numeral_is_a_figure_of_one(text, category, surface):
    fig = only(text)
    assert (fig.value, fig.low, fig.high, fig.category, fig.surface) == (1, 1, 1, category, surface)


def test_a_person_without_a_casualty_predicate_is_no_figure():
    assert people("A teacher said the school would reopen.") == []


def test_every_figure_says_which_rule_decided_it():
    text = "Shelling killed 12 people in Kafrun, and 300 fighters of HTS were sent north. It took 10 days."
    found = extract_figures(text, mentions(text))
    assert found and all(f.rule for f in found)
    by_value = {f.value: f.rule for f in found}
    assert by_value[12].startswith("patient:kill")
    assert "actor=of-group" in by_value[300]
    assert by_value[10] == "unit:duration"


@pytest.mark.parametrize(
    ("text", "part", "whole"),
    [
        ("Twenty people were killed in the raid, among them seven children.", 7, 20),
        ("Gunmen freed 80 prisoners, of whom 12 were women.", 12, 80),
        ("Five of the 40 hostages were released on Friday.", 5, 40),
        ("An air strike killed 33 people, including nine children, in Kafrun.", 9, 33),
    ],
)
def test_parts_from_the_parse(text, part, whole):
    found = people(text)
    values = [f.value for f in found]
    assert found[values.index(part)].part_of == values.index(whole)


def test_place_from_the_prepositional_phrase_of_the_clause():
    fig = only("Shelling on Monday killed 12 people in the town of Kafrun, medics in Darat said.")
    assert fig.location_entity_id == "loc:kafrun"


@pytest.mark.parametrize(
    ("text", "source_surface", "source_id"),
    [
        (
            "According to the Observatory, 16 people were killed in the raid.",
            "the Observatory",
            "org:observatory",
        ),
        ("State media said 300 people were killed in the raid.", "State media", None),
        ("The Observatory reported 25 deaths in the province.", "The Observatory", "org:observatory"),
        (
            '"We lost nine men," said a spokesman for Jaish al-Fajr.',
            "a spokesman for Jaish al-Fajr",
            "grp:jaish-al-fajr",
        ),
        ("HTS claimed that its fighters had captured 30 soldiers.", "HTS", "grp:hts"),
    ],
)
def test_who_claims_a_figure(text, source_surface, source_id):
    fig = only(text)
    assert (fig.source_surface, fig.source_entity_id) == (source_surface, source_id)


def test_an_unattributed_figure_has_no_source():
    fig = only("Twelve people were killed in Kafrun on Monday.")
    assert (fig.source_surface, fig.source_entity_id) == (None, None)


def test_the_stored_parse_is_used_and_must_be_of_the_same_text():
    text = "Shelling killed 12 people in Kafrun."
    doc = load_nlp()(text)
    assert [f.value for f in extract_figures(text, mentions(text), doc=doc)] == [12]
    with pytest.raises(ValueError, match="another text"):
        extract_figures(text, mentions(text), doc=load_nlp()("Something else."))


@pytest.mark.parametrize(
    "text",
    [
        "The driver, 34, was pronounced dead at the hospital.",  # an age in apposition
        "The victim was named as a father of three from the town.",  # a family's size
        "The strike came on 14 March, the anniversary of the uprising.",  # a date
    ],
)
def test_ages_family_sizes_and_dates_are_no_people_figures(text):
    assert people(text) == []


def test_a_nationality_word_is_never_a_figures_place():
    text = (
        "He drives one of the ambulances of a charity in Kafrun, close to the Turkish border, where some "
        "9,000 people live in tents."
    )
    turkish = text.index("Turkish")
    nationality = Mention(turkish, turkish + 7, "Turkish", "location", "loc:turkey")
    nationality.method = NATIONALITY_METHOD  # as the mentions stage records spaCy's NORP words
    (fig,) = extract_figures(text, [*mentions(text), nationality], doc=load_nlp()(text))
    assert (fig.value, fig.location_entity_id) == (9000, "loc:kafrun")  # loc:turkey without the rule
