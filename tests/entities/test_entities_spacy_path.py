"""find_mentions over one spaCy parse: entities merged with the knowledge base's PhraseMatcher matches,
what each mention says found it, and the parse handed in by the pipeline. Sentences are invented."""

import datetime as dt

import pytest

from pipelines.entities import find_mentions, load_kb
from pipelines.entities.matcher import KeyDoc, get_matcher
from pipelines.nlp import load_nlp, parse_documents


@pytest.fixture(scope="module")
def kb():
    return load_kb()


def _parse(text: str):
    ((_, doc),) = list(parse_documents([("d", text)]))
    return doc


def _got(text: str, kb, published=None) -> dict[str, tuple[str, str | None, str]]:
    return {m.surface: (m.entity_type, m.entity_id, m.method) for m in find_mentions(text, kb, published)}


def test_the_pipeline_parse_and_a_parse_of_its_own_give_the_same_mentions(kb) -> None:
    text = "Fighters of the Hamza Division entered Afrin. Commander Saif Abu Bakr said the town was calm."
    assert find_mentions(text, kb, doc=_parse(text)) == find_mentions(text, kb)


def test_a_parse_of_another_text_is_refused(kb) -> None:
    with pytest.raises(ValueError, match="not a parse"):
        find_mentions("Idlib was shelled.", kb, doc=_parse("Hama was shelled."))


def test_methods_name_what_found_the_mention(kb) -> None:
    text = "The Orontes Relief Network said HTS shelled Idlib. The 41st Division withdrew."
    got = _got(text, kb)
    assert got["Orontes Relief Network"] == ("organisation", None, "ner:ORG")
    assert got["HTS"][1:] == ("grp:hayat-tahrir-al-sham", "kb_acronym")
    assert got["Idlib"] == ("location", "loc:idlib", "ner+kb")
    assert got["41st Division"] == ("armed_group", None, "rule:unit")


def test_the_knowledge_base_decides_span_and_type_of_the_names_it_knows(kb) -> None:
    # the small model splits and mistypes transliterated names ("Hay’at" ORG, "al-Sham" PERSON)
    got = _got("Hay’at Tahrir al-Sham took Maarat al-Numan and Deir Azzour.", kb)
    assert got["Hay’at Tahrir al-Sham"][:2] == ("armed_group", "grp:hayat-tahrir-al-sham")
    assert got["Maarat al-Numan"][:2] == ("location", "loc:maarat-al-numan")
    assert got["Deir Azzour"][:2] == ("location", "loc:deir-ez-zor")


def test_a_longer_name_holding_a_known_place_is_a_name_of_its_own(kb) -> None:
    got = _got("The Idlib Relief Committee opened a clinic in Idlib.", kb)
    assert got["Idlib Relief Committee"][:2] == ("organisation", None)
    assert got["Idlib"][1] == "loc:idlib"


def test_a_nationality_modifying_a_noun_is_a_place_and_one_heading_its_phrase_the_people(kb) -> None:
    got = _got("Turkish envoys met Kurdish officials. Thousands of Syrians returned.", kb)
    assert got["Turkish"][0] == got["Kurdish"][0] == "location"
    assert got["Syrians"][0] == "organisation"
    assert {m[2] for m in got.values()} == {"ner:NORP"}


def test_a_country_force_is_a_mention_through_its_knowledge_base_name(kb) -> None:
    got = _got("The Syrian army shelled the town.", kb, dt.date(2018, 1, 1))
    # one mention, of the knowledge base's name; spaCy's nationality word inside it agrees ("ner+kb")
    assert got == {"Syrian army": ("armed_group", "grp:syrian-arab-army", "ner+kb")}


def test_titles_and_articles_stay_outside_the_name(kb) -> None:
    text = "Deputy Minister Halvor Engstad met the Coastal Water Authority on Monday."
    got = _got(text, kb)
    assert "Halvor Engstad" in got and got["Halvor Engstad"][0] == "person"
    assert "Coastal Water Authority" in got


def test_a_heading_in_capitals_yields_only_knowledge_base_names(kb) -> None:
    text = "HURRAS AL-DIN FINANCIERS NAMED\n\nThe financiers were named on Monday."
    got = _got(text, kb)
    assert set(got) == {"HURRAS AL-DIN"}


@pytest.mark.parametrize(
    ("text", "surface"),
    [
        ("Police searched homes in Delft and Varnholm on Monday.", "Varnholm"),
        ("Shells fell on the villages of Atil and Qasrun.", "Qasrun"),
        ("Families fled from Marzaqa after the strike.", "Marzaqa"),
        ("Guards left the Balikh valley at night.", "Balikh valley"),
    ],
)
def test_the_clause_makes_an_unknown_name_a_place(kb, text: str, surface: str) -> None:
    assert _got(text, kb)[surface][0] == "location"


def test_one_unknown_name_has_one_type_and_one_cluster_in_a_document(kb) -> None:
    text = (
        "Ghassan Tarwadi commands the unit. Tarwadi met elders in the village. "
        "Later Ghassan Tarwadi left for the border."
    )
    ms = [m for m in find_mentions(text, kb) if "Tarwadi" in m.surface]
    assert len(ms) == 3
    assert {m.entity_type for m in ms} == {"person"} and len({m.cluster for m in ms}) == 1


def test_alias_matching_runs_on_folded_keys_of_spacy_tokens(kb) -> None:
    matcher = get_matcher(kb)
    doc = load_nlp().make_doc("Clashes in Deir al-Zour and Raqqah.")
    found = {doc.text[m.start : m.end] for m in matcher.matches(KeyDoc(doc))}
    assert {"Deir al-Zour", "Raqqah"} <= found


def test_a_match_never_ends_inside_a_fused_article(kb) -> None:
    # "Assad" folds to ("al", "sad"): no alias may match the "al" alone or start at "sad"
    doc = load_nlp().make_doc("Assad spoke.")
    kd = KeyDoc(doc)
    assert kd.token_span(0, 1) is None and kd.token_span(1, 2) is None and kd.token_span(0, 2) == (0, 1)


def test_first_and_last_name_and_a_dashed_alias_join_the_full_name(kb) -> None:
    text = (
        "Col. Rashid Jawdat al-Tamimi, who died on Monday, led the brigade. Colleagues of Rashid "
        "al-Tamimi mourned him. Born in Sarmin, al-Tamimi – known to his men as Abu Nizar – studied law."
    )
    ms = [m for m in find_mentions(text, kb) if m.entity_type == "person"]
    assert {m.surface for m in ms} >= {
        "Rashid Jawdat al-Tamimi",
        "Rashid al-Tamimi",
        "al-Tamimi",
        "Abu Nizar",
    }
    assert len({m.key for m in ms}) == 1


def test_the_documents_longer_name_wins_over_a_knowledge_base_name_inside_it(kb) -> None:
    # "Syria Relief" is an organisation the knowledge base knows; "Syria Relief Alliance" is another
    text = (
        "Families Sleep In The Snow As Syria Relief Alliance Appeals\n\n"
        "The Syria Relief Alliance launched an appeal on Monday."
    )
    got = [m for m in find_mentions(text, kb) if "Syria Relief" in m.surface]
    assert [m.surface for m in got] == ["Syria Relief Alliance", "Syria Relief Alliance"]
    assert all(m.entity_id is None for m in got) and len({m.key for m in got}) == 1
