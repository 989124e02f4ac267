"""'Also known as' joins two names; sentence-opening common words; long official names; KB bodies of
defence and sanctions reporting. Sentences are invented."""

import pytest

from pipelines.entities import find_mentions, load_kb


@pytest.fixture(scope="module")
def kb():
    return load_kb()


@pytest.mark.parametrize(
    "text",
    [
        "Faruq Amin al-Sarraf, also known as Abu Anas al-Tarsusi, is a financier. Abu Anas al-Tarsusi fled.",
        "Kinan Ruslan, alias Abu Bakr al-Dimashqi, leads the unit. Abu Bakr al-Dimashqi said no.",
        "Halim Tobruz Qattan (aka Abu Khadija al-Urdumi) commands a unit.",
    ],
)
def test_also_known_as_makes_one_identity(kb, text: str) -> None:
    persons = [m for m in find_mentions(text, kb) if m.entity_type == "person"]
    assert len(persons) >= 2
    assert len({m.key for m in persons}) == 1


def test_two_different_people_next_to_each_other_stay_apart(kb) -> None:
    text = "Ahmad Tobruz Qattan met Abu Khadija al-Urdumi in the camp."
    persons = [m for m in find_mentions(text, kb) if m.entity_type == "person"]
    assert len(persons) == 2 and len({m.key for m in persons}) == 2


def test_a_surname_with_its_article_repeats_the_person(kb) -> None:
    text = "Faruq Amin al-Haddad owns the exchange. Couriers for al-Haddad carried cash."
    ms = [m for m in find_mentions(text, kb) if m.entity_type == "person"]
    assert [m.surface for m in ms] == ["Faruq Amin al-Haddad", "al-Haddad"]
    assert ms[0].key == ms[1].key


def test_a_sentence_opener_used_in_lower_case_elsewhere_is_not_part_of_the_name(kb) -> None:
    text = "Overnight Ahmad Qurbani left the town. The convoy moved overnight."
    got = {m.surface for m in find_mentions(text, kb) if m.entity_type == "person"}
    assert got == {"Ahmad Qurbani"}


def test_a_group_name_keeps_its_first_word_even_if_common(kb) -> None:
    text = "Green Valley Brigade fighters moved; the hills were green."
    got = {(m.surface, m.entity_type) for m in find_mentions(text, kb)}
    assert ("Green Valley Brigade", "armed_group") in got


@pytest.mark.parametrize(
    ("text", "surface", "etype"),
    [
        ("The Combined Joint Task Force – Operation Inherent Resolve said it.", None, "armed_group"),
        ("U.S. Central Command (CENTCOM) forces struck a camp.", "CENTCOM", "armed_group"),
        ("OFAC designated two exchange houses.", "OFAC", "organisation"),
        ("The Monitoring Team reported to the Committee.", "Monitoring Team", "organisation"),
        ("HaD and KTJ fighters clashed.", "KTJ", "armed_group"),
        (
            "The Islamic State in Iraq and the Levant claimed it.",
            "Islamic State in Iraq and the Levant",
            None,
        ),
    ],
)
def test_defence_reporting_bodies_link(kb, text: str, surface: str | None, etype: str | None) -> None:
    ms = [m for m in find_mentions(text, kb) if m.entity_id]
    assert ms, text
    m = ms[0] if surface is None else next(m for m in ms if m.surface == surface)
    assert etype is None or m.entity_type == etype
    if surface is None:
        assert "–" in m.surface  # the whole dashed name, not a piece of it


def test_a_surname_shared_by_a_name_and_its_alias_repeats_that_one_person(kb) -> None:
    text = "Faruq Amin al-Sarraf, also known as Abu Anas al-Sarraf, owns it. Couriers for al-Sarraf fled."
    ms = [m for m in find_mentions(text, kb) if m.entity_type == "person"]
    assert [m.surface for m in ms][-1] == "al-Sarraf" and len({m.key for m in ms}) == 1


def test_a_possessive_between_two_kb_names_keeps_both(kb) -> None:
    text = "The U.S. Department of the Treasury's Office of Foreign Assets Control acted."
    got = {m.surface for m in find_mentions(text, kb) if m.entity_id}
    assert {"U.S. Department of the Treasury", "Office of Foreign Assets Control"} <= got
