"""Which place and armed group a figure is about, on invented sentences: place kinds from the knowledge
base (camp, town, country ...), appositions, references back ("the town", "there", "its population"),
repatriating countries, possessive and pronoun references to groups, groups reporting their own losses."""

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
    entity_kind: str | None = None


# invented names; kinds as the knowledge base would give them
PLACES = {
    "Rawda": "camp",
    "Kafrun": "town",
    "Tell Sabil": "town",
    "Darat": "town",
    "Hasakah province": "governorate",
    "Hasakah": "governorate",
    "Hama": "governorate",
    "Norland": "country",
    "Estavia": "country",
    "Portcity": "city",
}
GROUPS = {
    "Liwa al-Nour": None,
    "Jaish al-Fajr": None,
    "Saraya al-Haqq": None,
    "Northern Army": None,
    "the Northern Army": None,
}


def mentions(text: str) -> list[Mention]:
    out = []
    taken: list[tuple[int, int]] = []
    for table, etype in ((PLACES, "location"), (GROUPS, "armed_group")):
        for name in sorted(table, key=len, reverse=True):
            for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text):
                if any(s < m.end() and m.start() < e for s, e in taken):
                    continue
                taken.append((m.start(), m.end()))
                eid = name.lower().removeprefix("the ").replace(" ", "-")
                out.append(Mention(m.start(), m.end(), name, etype, eid, table[name]))
    return sorted(out, key=lambda m: m.start)


def figure(text: str, surface_part: str):
    for f in extract_figures(text, mentions(text)):
        if surface_part in f.surface and f.category != "other":
            return f
    raise AssertionError(f"no people figure containing {surface_part!r} in {text!r}")


# --- places -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "number", "place"),
    [
        # a place after "<preposition> the <noun> of"
        ("A car bomb went off near the main square of Kafrun, wounding 9 people.", "9", "kafrun"),
        ("Hundreds of people moved back to farms east of Darat last week.", "Hundreds", "darat"),
        # "X, a camp in Y": the figure is about X
        (
            "Most detainees are kept in Rawda, a large camp in Hasakah province "
            "which housed 9,000 people in May.",
            "9,000",
            "rawda",
        ),
        # "the town" refers back to the last town named
        (
            "Tell Sabil, north of Hama, had 20,000 inhabitants. "
            "Aid workers think the town hosts 35,000 people.",
            "35,000",
            "tell-sabil",
        ),
        # a locative "there"
        (
            "Many families settled in Darat, and the community there may number 4,000 people.",
            "4,000",
            "darat",
        ),
        # "inside the camp" reaches back to the camp named in the previous paragraph
        (
            "Rawda lies in the desert near Hasakah.\n\n"
            "Twelve residents were shot dead inside the camp this year.",
            "Twelve",
            "rawda",
        ),
        # "its population" refers to the place the previous sentence is about, not its parent province
        (
            "Rawda, a camp in Hasakah province, grew fast. Its population reached 70,000 in March.",
            "70,000",
            "rawda",
        ),
        # a repatriating country is where people return to; a gapped sibling keeps its own country
        ("Norland has repatriated 14 children since May, and Estavia six.", "14", "norland"),
        # a place named before two coordinated figures scopes over both
        ("In Kafrun on Monday, the clashes left two fighters dead and six wounded.", "six", "kafrun"),
        # a country, then a finer place restating it
        ("About 40 people still live in the north of Norland, in the enclave of Kafrun.", "40", "kafrun"),
    ],
)
def test_place_of_figure(text, number, place):
    assert figure(text, number).location_entity_id == place


@pytest.mark.parametrize(
    ("text", "number"),
    [
        # existential "there" is not a place
        ("Aid finally reached Darat on Monday. There were 40 people waiting at the gate.", "40"),
        # a country that keeps troops owns them; it is not where they are
        ("Norland, which still keeps about 900 troops in the field, urged restraint.", "900"),
        # the clause before a colon describes the source, not the event
        ("The monitor, relying on contacts across the country, reported a toll: 15 people killed.", "15"),
        # a place inside a quotation does not locate a figure outside it
        ('"Nothing is over in Rawda," the official said, adding that 300 detained foreigners wait.', "300"),
        # a city is not a repatriating country
        ("Portcity has repatriated 8 adults.", "8"),
    ],
)
def test_no_place_for_figure(text, number):
    assert figure(text, number).location_entity_id is None


def test_list_items_do_not_share_a_trailing_place():
    text = "Of the 300 who left, 90 returned to Norland, and 40 remain detained."
    assert figure(text, "90").location_entity_id == "norland"
    assert figure(text, "40").location_entity_id is None


def test_stub_mentions_without_kind_still_work():
    text = "Tell Sabil had 20,000 inhabitants. Aid workers think the town hosts 35,000 people."
    plain = [
        type(
            "M",
            (),
            {
                "start": m.start,
                "end": m.end,
                "surface": m.surface,
                "entity_type": m.entity_type,
                "entity_id": m.entity_id,
            },
        )()
        for m in mentions(text)
    ]
    figs = [f for f in extract_figures(text, plain) if f.category != "other"]
    assert figs[0].location_entity_id == "tell-sabil"
    assert figs[1].location_entity_id is None  # no kind: "the town" cannot be resolved


# --- armed groups -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "number", "group"),
    [
        # genitive strength
        ("Diplomats put Liwa al-Nour's strength at around 4,000 men last spring.", "4,000", "liwa-al-nour"),
        # "the group's" refers to the group the previous sentence is about
        (
            "Jaish al-Fajr took the valley in May. Observers put the group's numbers at 2,500 men.",
            "2,500",
            "jaish-al-fajr",
        ),
        # membership in a group's ranks
        ("Perhaps 700 foreign fighters still serve in Jaish al-Fajr ranks.", "700", "jaish-al-fajr"),
        # a pronoun refers to the group in subject position, not the one it acted on
        (
            "After Saraya al-Haqq pushed Jaish al-Fajr out of the hills, "
            "its commander bragged of 6,000 fighters.",
            "6,000",
            "saraya-al-haqq",
        ),
        ("Saraya al-Haqq said that five of its members were hurt.", "five", "saraya-al-haqq"),
        # a relative clause after an apposition: "<name> (<alias>), a faction ... which counts N"
        (
            "Many left for Liwa al-Nour (the Light Brigade), a hardline faction set up in 2019 which now "
            "counts about 800 men.",
            "800",
            "liwa-al-nour",
        ),
        # a bare estimate "N for <group>"
        (
            "Estimates give 3,000 fighters to one side, against 9,000 for the units of Jaish al-Fajr.",
            "9,000",
            "jaish-al-fajr",
        ),
        # a state force reporting its own soldiers' deaths
        (
            "Rebels shelled a base near Hama; the Northern Army reported four soldiers killed.",
            "four",
            "northern-army",
        ),
        # a count of fighters in a sentence naming one group only as a source
        (
            "The unit of about 250 fighters holds the ridge, said a source close to Liwa al-Nour.",
            "250",
            "liwa-al-nour",
        ),
    ],
)
def test_group_of_figure(text, number, group):
    assert figure(text, number).actor_entity_id == group


@pytest.mark.parametrize(
    ("text", "number"),
    [
        # the agent of a killing or an arrest is never the counted people's group
        ("Saraya al-Haqq said its gunmen killed 30 soldiers near Hama.", "30"),
        ("Jaish al-Fajr arrested 45 people in Darat, the group said.", "45"),
        # a state force does not report enemy "fighters" as its own
        ("The Northern Army said 60 fighters were killed in the raid.", "60"),
        # a group attacked by the counted fighters is the other side
        ("Around 300 fighters attacked Jaish al-Fajr positions at dawn.", "300"),
        # a group named only in contrast
        ("The coalition fields 12,000 fighters, against 5,000 for Liwa al-Nour.", "12,000"),
    ],
)
def test_no_group_for_figure(text, number):
    assert figure(text, number).actor_entity_id is None


def test_count_of_same_noun_keeps_its_group_across_a_source_clause():
    text = (
        "About 200 Jaish al-Fajr fighters are trapped in Darat. A Liwa al-Nour officer told reporters "
        "that perhaps 400 fighters are still inside."
    )
    assert figure(text, "400").actor_entity_id == "jaish-al-fajr"


def test_among_the_n_is_not_a_part():
    text = "By 2016 his unit was down to 35 men, and in June he was among the 2,000 fighters bused north."
    figs = [f for f in extract_figures(text, mentions(text)) if f.category != "other"]
    assert [f.part_of for f in figs] == [None, None]
    assert figs[0].category == "fighters"
