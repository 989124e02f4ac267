"""The knowledge base covers the kinds of names conflict reporting uses: UN bodies, national security
services, monitoring groups, NGOs, crossings, camps, prisons, seas and rivers (invented sentences)."""

import pytest

from pipelines.entities import find_mentions, load_kb


@pytest.fixture(scope="module")
def kb():
    return load_kb()


@pytest.mark.parametrize(
    ("text", "surface", "entity_id"),
    [
        ("The UN Security Council met on Syria.", "UN Security Council", "org:un-security-council"),
        ("UNICEF and the WFP sent trucks.", "UNICEF", "org:unicef"),
        ("UNICEF and the WFP sent trucks.", "WFP", "org:wfp"),
        ("The OHCHR counted the dead.", "OHCHR", "org:ohchr"),
        (
            "The International Organization for Migration said.",
            "International Organization for Migration",
            "org:iom",
        ),
        ("Belgium's CUTA raised the threat level.", "CUTA", "org:ocam"),
        ("MI5 and the DGSI shared files.", "MI5", "org:mi5"),
        ("MI5 and the DGSI shared files.", "DGSI", "org:dgsi"),
        (
            "The Syrian Network for Human Rights said.",
            "Syrian Network for Human Rights",
            "org:syrian-network-for-human-rights",
        ),
        ("Aid crossed at Bab al-Salama on Monday.", "Bab al-Salama", "loc:bab-al-salam"),
        ("A riot broke out in the Panorama prison.", "Panorama prison", "loc:sinaa-prison"),
        ("A riot broke out in the Ghweiran prison.", "Ghweiran", "loc:ghwayran"),
        ("Trucks queued at the Bab al-Hawa crossing.", "Bab al-Hawa", "loc:bab-al-hawa"),
        ("Ships left the Black Sea for the Mediterranean.", "Black Sea", "loc:black-sea"),
        ("Ships left the Black Sea for the Mediterranean.", "Mediterranean", "loc:mediterranean"),
        ("Fighters crossed the Euphrates at night.", "Euphrates", "loc:euphrates"),
        ("Shelling hit Kafr Lusin and Haritan.", "Haritan", "loc:haritan"),
        ("He grew up in Vilvoorde.", "Vilvoorde", "loc:vilvoorde"),
        ("Shelling closed the M4 highway near Ariha.", "M4 highway", "loc:m4-highway"),
        ("Convoys moved up the Damascus-Aleppo highway.", "Damascus-Aleppo highway", "loc:m5-highway"),
        ("Shelling closed the road to Sanliurfa province.", "Sanliurfa province", "loc:sanliurfa"),
        ("BEIRUT (AFP) - Fighting resumed.", "AFP", "org:agence-france-presse"),
        ("IDLIB, Syria (AP) — A strike killed two.", "AP", "org:associated-press"),
        ("They feared being sent back to Tashkent.", "Tashkent", "loc:tashkent"),
        ("A drone struck a convoy near al-Hari on Sunday.", "al-Hari", "loc:al-hari"),
        ("Gunmen attacked a checkpoint in Jaramana.", "Jaramana", "loc:jaramana"),
        ("Cells were active around Kabajeb and al-Shula.", "al-Shula", "loc:al-shula"),
        (
            "Units such as the Uighurs’ Turkistan Islamic Party held the hills.",
            "Turkistan Islamic Party",
            "grp:turkistan-islamic-party",
        ),
    ],
)
def test_kinds_of_names_link(kb, text, surface, entity_id):
    got = {(m.surface, m.entity_id) for m in find_mentions(text, kb)}
    assert (surface, entity_id) in got, got


def test_a_rifle_is_no_road(kb):
    text = "The guards carried M4 rifles along the road."
    assert [m for m in find_mentions(text, kb) if m.entity_id == "loc:m4-highway"] == []


def test_who_in_capitals_needs_support(kb):
    text = "WHO CARES ABOUT SYRIA? Nobody, said the man."
    assert [m for m in find_mentions(text, kb) if m.entity_id == "org:who"] == []


def test_who_acronym_links_after_the_full_name(kb):
    text = "The World Health Organization warned. WHO teams then arrived."
    ids = [m.entity_id for m in find_mentions(text, kb) if m.surface in ("World Health Organization", "WHO")]
    assert ids == ["org:who", "org:who"]
