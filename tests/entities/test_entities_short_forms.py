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
    ("text", "surface", "entity_id"),
    [
        ("So far, Moscow itself has repatriated 20 children.", "Moscow", "loc:russia"),
        ("Ankara insisted that the border stay closed.", "Ankara", "loc:turkey"),
        ("London has stripped them of citizenship.", "London", "loc:united-kingdom"),
        ("The delegation flew to Moscow on Monday.", "Moscow", "loc:moscow"),
        ("Talks in Ankara said little.", "Ankara", "loc:ankara"),
        ("Damascus was shelled overnight.", "Damascus", "loc:damascus"),
        ("Brussels is a divided city.", "Brussels", "loc:brussels"),
        ("Moscow and Damascus deny the claims.", "Moscow", "loc:russia"),
        ("Moscow and Damascus deny the claims.", "Damascus", "loc:syria"),
        ("Moscow and Damascus are far apart.", "Moscow", "loc:moscow"),
    ],
)
def test_capital_as_subject_of_a_state_action_is_the_country(kb, text, surface, entity_id):
    assert (surface, entity_id) in ids(text, kb)


def test_capital_of_must_name_a_known_place(tmp_path):
    from pipelines.entities import KnowledgeBaseError

    (tmp_path / "places.yaml").write_text(
        "- {id: 'loc:x', name: X, type: location, capital_of: 'loc:nowhere', source: test}\n"
    )
    with pytest.raises(KnowledgeBaseError, match="nowhere"):
        load_kb(tmp_path)
