"""Numbered military units, ranks and titles, and the location typing that needs place evidence.

Every sentence is invented; the names are made up unless the knowledge base is what is tested.
"""

import pytest

from pipelines.entities import find_mentions, load_kb


@pytest.fixture(scope="module")
def kb():
    return load_kb()


def _unknown(text: str, kb) -> set[tuple[str, str]]:
    return {(m.surface, m.entity_type) for m in find_mentions(text, kb) if m.entity_id is None}


def _all(text: str, kb) -> set[tuple[str, str]]:
    return {(m.surface, m.entity_type) for m in find_mentions(text, kb)}


@pytest.mark.parametrize(
    ("text", "surface"),
    [
        ("Tanks of the 4th Division moved north.", "4th Division"),
        (
            "The 25th Special Mission Forces Division shelled the ridge.",
            "25th Special Mission Forces Division",
        ),
        ("Officers of the 5th Corps were redeployed.", "5th Corps"),
    ],
)
def test_knowledge_base_unit_names_starting_with_a_number_link(kb, text: str, surface: str) -> None:
    got = {(m.surface, m.entity_type) for m in find_mentions(text, kb) if m.entity_id}
    assert (surface, "armed_group") in got


@pytest.mark.parametrize(
    ("text", "surface"),
    [
        ("Men of the 17th Mountain Division deserted.", "17th Mountain Division"),
        ("The 1st Coastal Brigade withdrew overnight.", "1st Coastal Brigade"),
        ("Brigade 414 and Regiment 62 took part.", "Brigade 414"),
        ("Brigade 414 and Regiment 62 took part.", "Regiment 62"),
        ("The Seventh Lakeside Division was disbanded.", "Seventh Lakeside Division"),
        ("A unit of the Third Corps arrived.", "Third Corps"),
    ],
)
def test_unknown_numbered_units_are_armed_groups(kb, text: str, surface: str) -> None:
    assert (surface, "armed_group") in _unknown(text, kb)


def test_a_number_alone_or_a_quantity_makes_no_name(kb) -> None:
    text = "In 2019 some 1,000 people and 3.5 percent of the 12th district voted."
    assert _unknown(text, kb) == set()


@pytest.mark.parametrize(
    ("text", "surface"),
    [
        ("Maj. Gen. Tarek Wazzani inspected the line.", "Tarek Wazzani"),
        ("Brig. Gen. Orvel Tamsin visited the base.", "Orvel Tamsin"),
        ("Staff Maj. Gen. Kinan Haddour gave the order.", "Kinan Haddour"),
        ("Lt. Col. Bashir Ranfous was wounded.", "Bashir Ranfous"),
        ("Sgt. Fares Qawwas was killed on patrol.", "Fares Qawwas"),
        ("Capt. Rudi Menzel was captured.", "Rudi Menzel"),
        ("Adm. Colm Dervish toured the ship.", "Colm Dervish"),
        ("Lieutenant General Pavel Ostrak arrived.", "Pavel Ostrak"),
        ("Prosecutor Ingrid Solvang filed charges.", "Ingrid Solvang"),
        ("UN Special Envoy Halvard Brenna briefed the Council.", "Halvard Brenna"),
        ("Commander Abu Harith al-Dabbagh was arrested.", "Abu Harith al-Dabbagh"),
        ("Judge Selim Karadag read the verdict.", "Selim Karadag"),
    ],
)
def test_ranks_and_titles_type_a_person_and_stay_outside_the_mention(kb, text: str, surface: str) -> None:
    got = _unknown(text, kb)
    assert (surface, "person") in got
    assert not any(s != surface and surface in s for s, _ in got)


def test_an_abbreviated_rank_types_a_lone_surname(kb) -> None:
    assert ("Wazzani", "person") in _unknown("Gen. Wazzani said the line held.", kb)


@pytest.mark.parametrize(
    ("text", "person", "not_person"),
    [
        ("Quorvex President Dana Mulry said sales slowed.", "Dana Mulry", "Quorvex"),
        ("said Harbour Office Press Secretary Lina Vesk.", "Lina Vesk", "Harbour Office Press"),
    ],
)
def test_a_title_inside_a_run_splits_employer_from_person(
    kb, text: str, person: str, not_person: str
) -> None:
    got = _unknown(text, kb)
    assert (person, "person") in got
    assert not any(not_person in s and t == "person" for s, t in got)


def test_a_generational_suffix_is_no_name_and_no_surname(kb) -> None:
    text = "Attorney Corwin Platt Jr. said the case was closed. Platt later resigned."
    got = _unknown(text, kb)
    assert ("Corwin Platt Jr.", "person") in got and ("Platt", "person") in got
    assert not any(s in ("Jr", "Jr.") for s, _ in got)


@pytest.mark.parametrize(
    "text",
    [
        "The attorney general is investigating Zentrova, and cash flowed into Zentrova last year.",
        "Investors poured money into BrightLoop and others.",
        "The band hopes for a Rock and Roll Hall of Fame induction.",
    ],
)
def test_no_place_without_place_evidence(kb, text: str) -> None:
    assert not [m for m in find_mentions(text, kb) if m.entity_id is None and m.entity_type == "location"]


@pytest.mark.parametrize(
    ("text", "surface"),
    [
        ("Hundreds of families fled from Tarmousa to the border.", "Tarmousa"),
        ("Government troops advanced into Kurbeit overnight.", "Kurbeit"),
        ("Shelling hit Kafr Zunbul from Tell Aswad.", "Tell Aswad"),
    ],
)
def test_a_movement_word_keeps_a_weak_preposition_a_place_cue(kb, text: str, surface: str) -> None:
    assert (surface, "location") in _unknown(text, kb)


def test_a_building_named_after_a_king_is_a_place(kb) -> None:
    assert ("King Harran Hospital", "location") in _all("Wounded were taken to King Harran Hospital.", kb)


@pytest.mark.parametrize(
    ("text", "surface"),
    [
        ("The Foreign Minister said the talks would resume.", "Foreign Minister"),
        ("The council met the Prime Minister-designate on Monday.", "Prime Minister"),
        ("On Tuesday the Governor ordered the crossing closed.", "Governor"),
    ],
)
def test_a_title_heading_its_phrase_names_a_person(kb, text: str, surface: str) -> None:
    got = {(m.surface, m.entity_type, m.method) for m in find_mentions(text, kb)}
    assert (surface, "person", "rule:title") in got


def test_a_title_before_a_name_is_no_mention_and_lends_no_surname(kb) -> None:
    text = "Foreign Minister Halvor Engstad met the Prime Minister on Monday. Ministers from six states came."
    got = _all(text, kb)
    assert ("Halvor Engstad", "person") in got and ("Prime Minister", "person") in got
    assert not any(s in ("Foreign Minister", "Minister", "Ministers") for s, _ in got)


@pytest.mark.parametrize(
    ("text", "product", "makers"),
    [
        ("Airbus said on Monday that its new Airbus A380 will fly again.", "Airbus A380", 1),
        ("Boeing delivered five Boeing 737s to the airline, Boeing said.", "Boeing 737s", 2),
    ],
)
def test_a_makers_name_before_a_model_is_no_mention_even_as_a_repeat(kb, text, product, makers) -> None:
    maker = product.split()[0]
    starts = [m.start for m in find_mentions(text, kb) if m.surface == maker]
    assert len(starts) == makers and text.index(product) not in starts


def test_a_name_counted_by_a_number_is_a_unit(kb) -> None:
    assert "UTC" not in {s for s, _ in _all("Trading closed at 16:00 UTC on Friday in Ostrava.", kb)}
