"""Names the knowledge base does not know: spaCy's entities, typed by their label, their head noun or the
clause around them, and the few token patterns for what the small model leaves untagged. Names are made up."""

import pytest

from pipelines.entities import KnowledgeBaseError, find_mentions, load_kb
from pipelines.entities.cues import load_cues
from pipelines.entities.mention import NATIONALITY_METHOD


@pytest.fixture(scope="module")
def kb():
    return load_kb()


@pytest.mark.parametrize(
    ("text", "surface", "etype"),
    [
        ("Fighters of the Green Valley Brigade withdrew.", "Green Valley Brigade", "armed_group"),
        ("Liwa Suqur al-Jabal took the hill.", "Liwa Suqur al-Jabal", "armed_group"),
        ("The Army of the Free Coast said it would fight.", "Army of the Free Coast", "armed_group"),
        ("The Levantine Policy Institute published a report.", "Levantine Policy Institute", "organisation"),
        ("The Ministry of Local Affairs denied it.", "Ministry of Local Affairs", "organisation"),
        ("Mr Tarrant denied the claim.", "Tarrant", "person"),
        ("The reporter met Dr Selma Haddad in a clinic.", "Selma Haddad", "person"),
        ("The reporter met Dr Haddad in a clinic.", "Haddad", "person"),
        (
            "Civilians were killed, among them Noura Zayat, secretary-general of a women's union.",
            "Noura Zayat",
            "person",
        ),
        ("The unit, led by Abdul-Karim Haddo, held the ridge.", "Abdul-Karim Haddo", "person"),
        (
            "Fighters of the Deir Hafer Revolutionaries' Brigade withdrew.",
            "Deir Hafer Revolutionaries' Brigade",
            "armed_group",
        ),
        ("Guards in the Balikh valley were killed.", "Balikh valley", "location"),
        ("Detainees are held in al-Mashta prison near the town.", "al-Mashta prison", "location"),
        ("Troops ringed the observation post at Sarjablah overnight.", "Sarjablah", "location"),
        ("Sniper fire hit the checkpoint at Tell Warda.", "Tell Warda", "location"),
        ("Gunmen entered the town's al-Nour neighbourhood.", "al-Nour", "location"),
        ("Fighters of Katibat Sayf' al-Haqq withdrew from the hill.", "Katibat Sayf' al-Haqq", "armed_group"),
        ("Members present: Gareth Pryce-Jones (Chair); Priya Sandhu.", "Priya Sandhu", "person"),
        ("Defence Minister Ivor Bellweather visited the front.", "Ivor Bellweather", "person"),
        ("They spoke to researcher Ilse Varga about it.", "Ilse Varga", "person"),
        ("Abu Qutaiba al-Halabi leads the unit.", "Abu Qutaiba al-Halabi", "person"),
        ("Quentin Marlowe, a former commander, was arrested.", "Quentin Marlowe", "person"),
        ("'We stay', said Borislav Tenev on Monday.", "Borislav Tenev", "person"),
        ("Omar Zanbaqi was killed in the raid.", "Omar Zanbaqi", "person"),
        ("Shelling hit the village of Umm Jurn.", "Umm Jurn", "location"),
        ("Families fled from Kafr Ubeida to the border.", "Kafr Ubeida", "location"),
        ("Clashes near Tarmala continued.", "Tarmala", "location"),
        ("The Zawiya countryside was shelled.", "Zawiya", "location"),
    ],
)
def test_cue_types_an_unknown_name(kb, text: str, surface: str, etype: str) -> None:
    got = {(m.surface, m.entity_type) for m in find_mentions(text, kb) if m.entity_id is None}
    assert (surface, etype) in got


def test_list_after_a_place_preposition_is_a_list_of_places(kb) -> None:
    text = "IS cells are present in Zardana, Tarmala, Maarzaf and Kurin."
    got = {m.surface for m in find_mentions(text, kb) if m.entity_type == "location"}
    assert {"Zardana", "Tarmala", "Maarzaf", "Kurin"} <= got


@pytest.mark.parametrize(
    "text",
    [
        "In January the fighting stopped.",
        "They spoke in Arabic and in Kurdish.",
        "Displaced people live in Kurdish camps.",
        "The Syrian Army and Turkish forces.",
        "On Monday, officials met again.",
    ],
)
def test_no_unknown_name_without_a_real_cue(kb, text: str) -> None:
    # nationality words ("Kurdish", "Turkish") are mentions of their own, never names for the knowledge base
    unknown = [m for m in find_mentions(text, kb) if m.entity_id is None and m.method != NATIONALITY_METHOD]
    assert unknown == []


def test_unknown_name_repeats_are_recorded_with_one_cluster(kb) -> None:
    text = "Shelling hit the town of Qurqubta. Later, Qurqubta's hospital closed."
    ms = [m for m in find_mentions(text, kb) if m.surface == "Qurqubta"]
    assert len(ms) == 2 and ms[0].cluster == ms[1].cluster and ms[0].key == ms[0].cluster


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("ner_labels: {PERSON: person}\ngroup_nouns: []\n", "group_nouns"),
        ("ner_labels: {PERSON: people}\n", "ner_labels"),
        ("ner_labels: {PERSON: person}\ngiven_names: [Omar]\n", "unknown cue lists"),
    ],
)
def test_bad_cue_file_is_rejected(tmp_path, body: str, message: str) -> None:
    path = tmp_path / "cues.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match=message):
        load_cues(path)


def test_a_unit_named_after_its_leader_leaves_the_leader_out(kb):
    text = "Fighters once formed the Ninth Brigade of Omar Haddo, which later dissolved."
    got = {(m.surface, m.entity_type) for m in find_mentions(text, kb)}
    assert ("Ninth Brigade", "armed_group") in got and ("Omar Haddo", "person") in got


def test_the_alliance_refers_back_to_the_one_alliance_named(kb):
    text = "The Orontes Relief Alliance is a charity. The Alliance said it needed tents."
    found = [m for m in find_mentions(text, kb) if "Alliance" in m.surface]
    assert [m.surface for m in found] == ["Orontes Relief Alliance", "Alliance"]
    assert found[0].key == found[1].key
