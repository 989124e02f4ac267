"""Short forms of a linked name, and capitals standing for their government (invented sentences)."""

import pytest

from pipelines.entities import find_mentions, load_kb


@pytest.fixture(scope="module")
def kb():
    return load_kb()


def ids(text, kb):
    return [(m.surface, m.entity_id) for m in find_mentions(text, kb)]


def test_head_of_a_linked_name_names_the_same_entity(kb):
    text = "He joined the National Front for Liberation in 2019. The National Front later split."
    assert ("National Front", "grp:national-liberation-front") in ids(text, kb)


def test_head_without_the_full_name_stays_unknown(kb):
    text = "The Popular Front of the Hills fought. The Popular Front then fled."
    got = [m for m in find_mentions(text, kb) if m.surface == "Popular Front"]
    assert all(m.entity_id is None for m in got)


@pytest.mark.parametrize(
    "text",
    [
        "So far, Moscow itself has repatriated 20 children.",
        "The delegation flew to Moscow on Monday.",
        "Moscow and Damascus deny the claims.",
    ],
)
def test_a_capital_links_to_the_city_even_for_its_government(kb, text):
    # SPEC §5 types places as locations; the government reading is left to roll-ups via capital_of
    assert ("Moscow", "loc:moscow") in ids(text, kb)


def test_capitals_know_their_country(kb):
    assert kb.get("loc:moscow").capital_of == "loc:russia"
    assert kb.get("loc:washington").capital_of == "loc:united-states"


def test_capital_of_must_name_a_known_place(tmp_path):
    from pipelines.entities import KnowledgeBaseError

    (tmp_path / "places.yaml").write_text(
        "- {id: 'loc:x', name: X, type: location, capital_of: 'loc:nowhere', source: test}\n"
    )
    with pytest.raises(KnowledgeBaseError, match="nowhere"):
        load_kb(tmp_path)
