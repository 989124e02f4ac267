"""Knowledge-base loading, validation errors that name file and entry, and the exported rows."""

import datetime as dt
import itertools
from pathlib import Path

import duckdb
import pytest

from pipelines.entities import KnowledgeBaseError, lineage_view_sql, load_kb, shared_kb
from pipelines.entities.kb import ENTITY_TYPES
from pipelines.entities.matcher import shared_names


@pytest.fixture(scope="module")
def kb():
    return load_kb()


def test_default_kb_is_wide_and_typed(kb) -> None:
    by_type = {t: [e for e in kb.entities if e.type == t] for t in ENTITY_TYPES}
    assert len(by_type["armed_group"]) >= 50
    assert len(by_type["person"]) >= 30
    assert len(by_type["location"]) >= 60
    assert len(by_type["organisation"]) >= 20
    assert all(e.source for e in kb.entities)
    assert len({e.entity_id for e in kb.entities}) == len(kb.entities)


def test_places_have_coordinates_and_parents(kb) -> None:
    sarmada = kb.get("loc:sarmada")
    assert sarmada is not None and sarmada.parent == "loc:idlib"
    assert 35 < sarmada.lat < 37 and 36 < sarmada.lon < 37.5


def test_rename_chain_is_three_entities_with_dated_lineage(kb) -> None:
    rows = {(r["from_entity_id"], r["relation"]): r for r in kb.lineage_rows()}
    r1 = rows[("grp:jabhat-al-nusra", "renamed_to")]
    r2 = rows[("grp:jabhat-fatah-al-sham", "renamed_to")]
    assert (r1["to_entity_id"], r1["date"]) == ("grp:jabhat-fatah-al-sham", dt.date(2016, 7, 28))
    assert (r2["to_entity_id"], r2["date"]) == ("grp:hayat-tahrir-al-sham", dt.date(2017, 1, 28))
    lineage = kb.lineage_ids()
    assert lineage["grp:jabhat-al-nusra"] == lineage["grp:hayat-tahrir-al-sham"]
    # a splinter is its own lineage
    assert lineage["grp:hurras-al-din"] != lineage["grp:hayat-tahrir-al-sham"]


def test_names_shared_by_entities_can_be_told_apart_by_date(kb) -> None:
    """An analyst who gives one name to two entities must give them separate validity periods."""
    for key, ids in shared_names(kb).items():
        ents = [kb.get(i) for i in ids]
        for a, b in itertools.combinations(ents, 2):
            disjoint = (a.valid_to and b.valid_from and a.valid_to < b.valid_from) or (
                b.valid_to and a.valid_from and b.valid_to < a.valid_from
            )
            assert disjoint, f"{key} names both {a.entity_id} and {b.entity_id} over the same period"


def test_alias_rows_mark_acronyms_case_sensitive(kb) -> None:
    rows = [r for r in kb.alias_rows() if r["entity_id"] == "grp:islamic-state"]
    acr = {r["alias"]: r["case_sensitive"] for r in rows if r["kind"] == "acronym"}
    assert acr["IS"] is True and acr["ISIS"] is True
    assert any(r["alias"] == "Islamic State" and not r["case_sensitive"] for r in rows)


def _write(tmp_path: Path, body: str) -> Path:
    (tmp_path / "groups.yaml").write_text(body, encoding="utf-8")
    return tmp_path


GOOD = """
- id: grp:alpha
  name: Alpha Front
  type: armed_group
  source: test
"""


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (GOOD, "duplicate id"),
        ("- {id: grp:beta, name: Beta, type: militia, source: t}\n", "type 'militia'"),
        ("- {id: grp:beta, name: Beta, type: armed_group, source: t, parent: grp:nowhere}\n", "unknown id"),
        ("- {id: grp:beta, name: Beta, type: armed_group, source: t, valid_from: 2019-13-01}\n", "ISO date"),
        ("- {id: grp:beta, name: Beta, type: armed_group}\n", "'source'"),
        ("- {id: loc:beta, name: Beta, type: armed_group, source: t}\n", "must start with 'grp:'"),
        (
            "- {id: grp:b, name: B, type: armed_group, source: t, lineage: [{relation: x, target: grp:a}]}\n",
            "lineage relation",
        ),
        ("- {id: grp:beta, name: Beta, type: armed_group, source: t, colour: red}\n", "unknown keys"),
        (
            "- {id: grp:beta, name: Beta, type: armed_group, source: t, aliases: [the Beta]}\n",
            "must not start",
        ),
    ],
)
def test_invalid_entries_name_file_and_entry(tmp_path: Path, extra: str, message: str) -> None:
    path = _write(tmp_path, GOOD + extra)
    with pytest.raises(KnowledgeBaseError) as err:
        load_kb(path)
    assert "groups.yaml" in str(err.value)
    assert message in str(err.value)


def test_valid_minimal_kb_loads(tmp_path: Path) -> None:
    kb = load_kb(_write(tmp_path, GOOD))
    assert [e.entity_id for e in kb.entities] == ["grp:alpha"]


def test_the_shared_kb_is_loaded_once_and_again_after_a_file_changes(tmp_path: Path) -> None:
    folder = _write(tmp_path, GOOD)
    first = shared_kb(folder)
    assert shared_kb(folder) is first
    (folder / "groups.yaml").write_text(GOOD.replace("Alpha Front", "Alpha Brigade"), encoding="utf-8")
    reloaded = shared_kb(folder)
    assert reloaded is not first
    assert [e.name for e in reloaded.entities] == ["Alpha Brigade"]


def test_lineage_views_roll_renamed_groups_into_one_lineage(kb) -> None:
    con = duckdb.connect()
    import pandas as pd

    entities = pd.DataFrame(kb.entity_rows())
    lineage = pd.DataFrame(kb.lineage_rows())
    mentions = pd.DataFrame(
        [
            {"doc_id": "d1", "entity_id": "grp:jabhat-al-nusra", "surface": "Nusra"},
            {"doc_id": "d1", "entity_id": "grp:hayat-tahrir-al-sham", "surface": "HTS"},
            {"doc_id": "d1", "entity_id": "grp:hurras-al-din", "surface": "Hurras al-Din"},
            {"doc_id": "d2", "entity_id": "grp:faylaq-al-sham", "surface": "Faylaq al-Sham"},
        ]
    )
    con.register("entities_df", entities)
    con.register("lineage_df", lineage)
    con.register("mentions_df", mentions)
    con.execute("CREATE TABLE entities AS SELECT * FROM entities_df")
    con.execute("CREATE TABLE entity_lineage AS SELECT * FROM lineage_df")
    con.execute("CREATE TABLE mentions AS SELECT * FROM mentions_df")
    for stmt in lineage_view_sql():
        con.execute(stmt)
    rows = con.execute(
        "SELECT lineage_name, mention_count, member_count FROM mentions_by_lineage WHERE doc_id = 'd1' "
        "ORDER BY lineage_name"
    ).fetchall()
    assert ("Hayat Tahrir al-Sham", 2, 2) in rows
    assert ("Tanzim Hurras al-Din", 1, 1) in rows
    umbrella = con.execute("SELECT umbrella_name FROM umbrella_mentions WHERE doc_id = 'd2'").fetchall()
    assert ("National Liberation Front",) in umbrella
