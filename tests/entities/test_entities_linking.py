"""find_mentions: spans, acronym support ("IS" vs "is"), renames, date-ambiguous names, unknown names."""

import datetime as dt
from pathlib import Path

import pytest

from pipelines.entities import Mention, find_mentions, load_kb
from pipelines.entities.matcher import get_matcher

RAW = Path(__file__).resolve().parents[2] / "raw"


@pytest.fixture(scope="module")
def kb():
    return load_kb()


def by_surface(mentions: list[Mention]) -> dict[str, Mention]:
    return {m.surface: m for m in mentions}


def test_is_verb_never_links_but_is_fighters_does(kb) -> None:
    text = "This is what the commander said. Is it over? IS fighters fled to the desert."
    ms = find_mentions(text, kb)
    assert [(m.surface, m.entity_id) for m in ms if m.entity_type == "armed_group"] == [
        ("IS", "grp:islamic-state")
    ]
    assert text[ms[0].start : ms[0].end] == ms[0].surface


def test_is_in_all_caps_shouting_is_not_a_group(kb) -> None:
    text = "WHAT IS NEXT FOR THE REBELS\n\nThe Islamic State lost its last town."
    ms = find_mentions(text, kb)
    assert not any(m.surface == "IS" for m in ms)
    assert by_surface(ms)["Islamic State"].entity_id == "grp:islamic-state"


def test_bare_is_without_support_is_dropped_and_with_support_kept(kb) -> None:
    unsupported = "The IS plan was approved by the council on Monday."
    assert not any(m.surface == "IS" for m in find_mentions(unsupported, kb))
    supported = "The Islamic State (IS) lost Baghouz. Since then IS has regrouped in the desert."
    ms = [m for m in find_mentions(supported, kb) if m.surface == "IS"]
    assert len(ms) == 2 and {m.entity_id for m in ms} == {"grp:islamic-state"}
    assert {m.method for m in ms} <= {"kb_acronym", "ner+kb"}  # ner+kb: spaCy found it too


def test_french_acronym_htc_needs_the_group_named(kb) -> None:
    text = "Hay’at Tahrir al-Sham runs Idlib. HTC's control over the region is complete."
    ms = by_surface(find_mentions(text, kb))
    assert ms["Hay’at Tahrir al-Sham"].entity_id == ms["HTC"].entity_id == "grp:hayat-tahrir-al-sham"
    assert not any(m.surface == "HTC" for m in find_mentions("HTC sold more phones this year.", kb))


def test_renamed_groups_are_distinct_and_the_name_decides(kb) -> None:
    text = "Jabhat al-Nusra became Jabhat Fatah al-Sham and then Hayat Tahrir al-Sham."
    ids = [m.entity_id for m in find_mentions(text, kb, dt.date(2019, 1, 1))]
    assert ids == ["grp:jabhat-al-nusra", "grp:jabhat-fatah-al-sham", "grp:hayat-tahrir-al-sham"]
    late = find_mentions("Fighters of al-Nusra were seen.", kb, dt.date(2019, 5, 1))
    assert [m.entity_id for m in late] == ["grp:jabhat-al-nusra"]
    translated = find_mentions("The Levant Liberation Committee took the town.", kb)
    assert translated[0].entity_id == "grp:hayat-tahrir-al-sham"


@pytest.mark.parametrize(
    ("published", "expected"),
    [(dt.date(2018, 3, 1), "grp:syrian-arab-army"), (dt.date(2025, 3, 1), "grp:syrian-army")],
)
def test_ambiguous_name_goes_to_entity_valid_at_publication(kb, published, expected) -> None:
    ms = find_mentions("The Syrian army shelled the town.", kb, published)
    assert [m.entity_id for m in ms] == [expected]


def test_publication_datetime_is_accepted_and_no_date_takes_the_first_listed(kb) -> None:
    ms = find_mentions("The Syrian army shelled the town.", kb, dt.datetime(2025, 3, 1, 12, 0))
    assert [m.entity_id for m in ms] == ["grp:syrian-army"]
    assert [m.entity_id for m in find_mentions("The Syrian army shelled it.", kb)] == ["grp:syrian-arab-army"]


def test_ambiguous_name_follows_the_document_before_the_date(kb) -> None:
    text = "Uzbek fighters of Katibat al-Tawhid wal-Jihad arrived. Tawhid wal-Jihad denied it."
    ms = [m for m in find_mentions(text, kb, dt.date(2003, 1, 1)) if m.entity_type == "armed_group"]
    assert {m.entity_id for m in ms} == {"grp:katibat-al-tawhid-wal-jihad"}
    alone = find_mentions("Tawhid wal-Jihad claimed the bombing.", kb, dt.date(2003, 1, 1))
    assert alone[0].entity_id == "grp:jamaat-al-tawhid-wal-jihad"


@pytest.mark.parametrize(
    ("text", "surface", "entity_id"),
    [
        ("He fled to Idlib province last year.", "Idlib province", "loc:idlib"),
        ("Bombs hit Idlib city on Monday.", "Idlib city", "loc:idlib-city"),
        ("Young men from Aleppo City joined.", "Aleppo City", "loc:aleppo"),
        ("Fighters moved to Deir Azzour.", "Deir Azzour", "loc:deir-ez-zor"),
        ("Fighters moved to Deir al-Zour.", "Deir al-Zour", "loc:deir-ez-zor"),
        ("Clashes erupted in Raqqah.", "Raqqah", "loc:raqqa"),
        ("Clashes erupted in Minbij.", "Minbij", "loc:manbij"),
        ("A group in Jeish al-Fatah.", "Jeish al-Fatah", "grp:jaysh-al-fatah"),
        ("Members of Tanzim Huras al-Din left.", "Tanzim Huras al-Din", "grp:hurras-al-din"),
        ("HTS routed the Nureddin Zengi Brigade.", "Nureddin Zengi Brigade", "grp:nour-al-din-al-zenki"),
        (
            "the Uzbeks’ Tawhid and Jihad Brigade",
            "Tawhid and Jihad Brigade",
            "grp:katibat-al-tawhid-wal-jihad",
        ),
        ("Al Qaeda and al-Qaida are one.", "Al Qaeda", "grp:al-qaeda"),
    ],
)
def test_variants_link_whole_and_longest(kb, text, surface, entity_id) -> None:
    ms = by_surface(find_mentions(text, kb))
    assert ms[surface].entity_id == entity_id


def test_possessive_is_left_out_of_the_span(kb) -> None:
    ms = find_mentions("Critics rejected HTS' aspirations. One of Isis’ two centres fell.", kb)
    assert [m.surface for m in ms] == ["HTS", "Isis"]


def test_unknown_names_are_typed_and_unlinked(kb) -> None:
    text = (
        "The Green Valley Brigade attacked the town of Kafr Zibad. "
        "Speaking to reporters, analyst Yusuf Hamdani said the group was new. "
        "Mr Hamdani added that the Green Valley Brigade had 200 men."
    )
    ms = find_mentions(text, kb)
    got = {(m.surface, m.entity_type, m.entity_id) for m in ms}
    assert ("Green Valley Brigade", "armed_group", None) in got
    assert ("Kafr Zibad", "location", None) in got
    assert ("Yusuf Hamdani", "person", None) in got
    assert ("Hamdani", "person", None) in got  # the honorific is no part of the name
    clusters = {m.surface: m.cluster for m in ms}
    assert clusters["Hamdani"] == clusters["Yusuf Hamdani"]
    assert all(m.method.startswith(("ner:", "rule:", "coreference")) for m in ms)


def test_surname_after_full_name_links_to_the_known_person(kb) -> None:
    text = "Syria analyst Kyle Orton told reporters. 'It is over', Mr Orton continued."
    ms = by_surface(find_mentions(text, kb))
    assert ms["Kyle Orton"].entity_id == ms["Orton"].entity_id == "per:kyle-orton"


def test_lowercase_words_are_not_names(kb) -> None:
    assert find_mentions("a nice turkey for dinner in the hama", kb) == []


def test_matcher_is_compiled_once_per_kb(kb) -> None:
    assert get_matcher(kb) is get_matcher(kb)


@pytest.mark.parametrize("path", sorted(RAW.glob("*.txt")), ids=lambda p: p.stem)
def test_sample_mentions_are_exact_sorted_and_disjoint(kb, path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    ms = find_mentions(text, kb)
    assert ms, "a sample page yields mentions"
    for m in ms:
        assert text[m.start : m.end] == m.surface
        assert m.entity_type in ("armed_group", "person", "location", "organisation")
    for a, b in zip(ms, ms[1:], strict=False):
        assert a.end <= b.start


def test_two_names_one_letter_apart_stay_apart_when_both_recur(kb) -> None:
    text = (
        "Commander Jamil Hadid met Commander Jamil Hamid in Sarmada. Jamil Hadid left first; "
        "Jamil Hamid stayed until dawn."
    )
    ms = [m for m in find_mentions(text, kb) if m.surface.startswith("Jamil")]
    clusters = {m.surface: m.cluster for m in ms}
    assert clusters["Jamil Hadid"] != clusters["Jamil Hamid"]
