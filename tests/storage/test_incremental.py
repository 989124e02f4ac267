"""Incremental runs: a stage processes only the documents whose inputs or code changed, and the warehouse
it leaves is row for row the warehouse a from-scratch run over the same pages builds."""

import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines import settings
from pipelines.storage import incremental

STAGES = ("documents", "parses", "mentions", "dates", "figures")


def _raw_copy(tmp_path: Path, name: str) -> Path:
    raw = tmp_path / name
    shutil.copytree(settings.PROJECT_ROOT / "raw", raw)
    return raw


def _change_pages(raw: Path) -> None:
    """One page added (a copy of another under a new name), one page's text changed, one page removed."""
    manifest = (raw / "manifest.csv").read_text(encoding="utf-8").splitlines()
    header, rows = manifest[0], manifest[1:]
    first, second, last = rows[0].split(",")[0], rows[1].split(",")[0], rows[-1].split(",")[0]
    (raw / "900_added.txt").write_text(
        (raw / first).read_text(encoding="utf-8").replace("Aleppo", "Homs"), encoding="utf-8"
    )
    changed = raw / second
    changed.write_text(
        changed.read_text(encoding="utf-8") + "\n\nAt least 12 fighters were killed in Idlib on Monday.\n",
        encoding="utf-8",
    )
    (raw / last).unlink()
    kept = [r for r in rows if not r.startswith(last + ",")]
    added = rows[0].replace(first, "900_added.txt", 1)
    (raw / "manifest.csv").write_text("\n".join([header, *kept, added]) + "\n", encoding="utf-8")


def test_an_unchanged_second_run_processes_nothing_and_changes_nothing(
    tmp_path, run_pipeline, processed, warehouse_tables
):
    raw = _raw_copy(tmp_path, "raw")
    warehouse = tmp_path / "w" / "ledger.duckdb"
    first = run_pipeline(raw, warehouse)
    assert processed(first) == {s: 5 for s in STAGES}
    before = warehouse_tables(warehouse)
    second = run_pipeline(raw, warehouse)
    assert processed(second) == {s: 0 for s in STAGES}
    assert warehouse_tables(warehouse) == before


def test_added_changed_and_removed_pages_cost_their_own_size(
    tmp_path, run_pipeline, processed, warehouse_tables
):
    raw = _raw_copy(tmp_path, "raw")
    warehouse = tmp_path / "w" / "ledger.duckdb"
    run_pipeline(raw, warehouse)
    _change_pages(raw)
    result = run_pipeline(raw, warehouse)
    assert processed(result) == {s: 2 for s in STAGES}  # the added page and the changed one
    gone = result.asset_materializations_for_node("documents")[0].metadata["gone"].value
    assert gone == 1
    scratch = tmp_path / "scratch" / "ledger.duckdb"
    run_pipeline(raw, scratch)
    incremental_tables, scratch_tables = warehouse_tables(warehouse), warehouse_tables(scratch)
    assert incremental_tables.keys() == scratch_tables.keys()
    for table in scratch_tables:
        assert incremental_tables[table] == scratch_tables[table], table
    con = duckdb.connect(str(warehouse), read_only=True)
    docs = {r[0] for r in con.execute("SELECT doc_id FROM documents").fetchall()}
    con.close()
    assert "900_added" in docs and len(docs) == 5


def test_a_changed_stage_version_reprocesses_that_stage_and_its_readers(
    tmp_path, run_pipeline, monkeypatch, processed
):
    raw = _raw_copy(tmp_path, "raw")
    warehouse = tmp_path / "w" / "ledger.duckdb"
    run_pipeline(raw, warehouse)
    real = incremental.stage_version
    monkeypatch.setattr(
        incremental, "stage_version", lambda stage: real(stage) + ("-edited" if stage == "mentions" else "")
    )
    result = run_pipeline(raw, warehouse)
    # an edited knowledge base re-links mentions (and re-derives figures) without re-parsing a page
    assert processed(result) == {"documents": 0, "parses": 0, "mentions": 5, "dates": 0, "figures": 5}


def test_a_full_refresh_processes_everything_and_builds_the_same(
    tmp_path, run_pipeline, monkeypatch, processed, warehouse_tables
):
    raw = _raw_copy(tmp_path, "raw")
    warehouse = tmp_path / "w" / "ledger.duckdb"
    run_pipeline(raw, warehouse)
    before = warehouse_tables(warehouse)
    monkeypatch.setenv("LEDGER_FULL_REFRESH", "1")
    result = run_pipeline(raw, warehouse)
    assert processed(result) == {s: 5 for s in STAGES}
    assert warehouse_tables(warehouse) == before


def test_full_refresh_setting_refuses_a_value_it_does_not_know(monkeypatch):
    monkeypatch.setenv("LEDGER_FULL_REFRESH", "sometimes")
    with pytest.raises(ValueError, match="LEDGER_FULL_REFRESH"):
        settings.full_refresh()


def test_a_stage_version_hashes_its_files(tmp_path, monkeypatch):
    tree = tmp_path / "pipelines"
    (tree / "nlp").mkdir(parents=True)
    (tree / "defs" / "nlp").mkdir(parents=True)
    (tree / "storage").mkdir()
    (tree / "storage" / "contracts.py").write_text("x = 1\n")
    (tree / "nlp" / "parse.py").write_text("a = 1\n")
    monkeypatch.setattr(incremental, "_PIPELINES", tree)
    incremental.stage_version.cache_clear()
    try:
        first = incremental.stage_version("parses")
        incremental.stage_version.cache_clear()
        assert incremental.stage_version("parses") == first  # same files: same version
        (tree / "nlp" / "parse.py").write_text("a = 2\n")
        incremental.stage_version.cache_clear()
        assert incremental.stage_version("parses") != first
    finally:
        incremental.stage_version.cache_clear()


def test_a_plan_comes_in_batches_the_first_of_which_removes_the_gone_documents():
    work = incremental.Plan("mentions", todo={f"d{i}": f"f{i}" for i in range(5)}, gone={"old"})
    batches = work.batches(2)
    assert [sorted(b.todo) for b in batches] == [["d0", "d1"], ["d2", "d3"], ["d4"]]
    assert [b.docs for b in batches] == [{"d0", "d1", "old"}, {"d2", "d3"}, {"d4"}]
    assert [(b.number, b.of) for b in batches] == [(1, 3), (2, 3), (3, 3)]
    nothing = incremental.Plan("mentions", gone={"old"}).batches(2)
    assert [(b.todo, b.docs) for b in nothing] == [({}, {"old"})]
    refresh = incremental.Plan("mentions", todo={"a": "1", "b": "2"}, full_refresh=True).batches(1)
    assert [b.docs for b in refresh] == [None, {"b"}]  # the first replaces the tables whole


def test_a_run_in_batches_writes_what_one_batch_writes_incrementally_and_on_full_refresh(
    tmp_path, run_pipeline, monkeypatch, processed, warehouse_tables
):
    raw = _raw_copy(tmp_path, "raw")
    whole = tmp_path / "whole" / "ledger.duckdb"
    run_pipeline(raw, whole)
    monkeypatch.setenv("LEDGER_BATCH_DOCUMENTS", "2")  # the five sample pages in three batches
    batched = tmp_path / "batched" / "ledger.duckdb"
    result = run_pipeline(raw, batched)
    assert processed(result) == {s: 5 for s in STAGES}
    for stage in STAGES:
        assert result.asset_materializations_for_node(stage)[0].metadata["batches"].value == 3, stage
    assert result.asset_materializations_for_node("figures")[0].metadata["dagster/row_count"].value > 0
    assert warehouse_tables(batched) == warehouse_tables(whole)
    _change_pages(raw)  # one added, one changed, one removed: batches of two over an existing warehouse
    run_pipeline(raw, batched)
    monkeypatch.setenv("LEDGER_FULL_REFRESH", "1")
    run_pipeline(raw, tmp_path / "refreshed" / "ledger.duckdb")
    refreshed_in_batches = warehouse_tables(tmp_path / "refreshed" / "ledger.duckdb")
    monkeypatch.delenv("LEDGER_BATCH_DOCUMENTS")
    run_pipeline(raw, whole)
    assert warehouse_tables(batched) == warehouse_tables(whole) == refreshed_in_batches


def test_batch_setting_refuses_nonsense(monkeypatch):
    monkeypatch.setenv("LEDGER_BATCH_DOCUMENTS", "0")
    with pytest.raises(ValueError, match="LEDGER_BATCH_DOCUMENTS"):
        settings.batch_documents()
    monkeypatch.setenv("LEDGER_BATCH_DOCUMENTS", "many")
    with pytest.raises(ValueError, match="whole number of documents"):
        settings.batch_documents()


def _flags_run(result) -> tuple[bool, int]:
    meta = result.asset_materializations_for_node("figure_flags")[0].metadata
    return meta["recomputed"].value, meta["dagster/row_count"].value


def test_figure_flags_are_kept_when_no_input_changed_and_recomputed_when_one_did(
    tmp_path, run_pipeline, monkeypatch, warehouse_tables
):
    raw = _raw_copy(tmp_path, "raw")
    expectations = tmp_path / "expectations"
    shutil.copytree(settings.PROJECT_ROOT / "expectations", expectations)
    monkeypatch.setenv("LEDGER_EXPECTATIONS_DIR", str(expectations))
    warehouse = tmp_path / "w" / "ledger.duckdb"
    recomputed, flags = _flags_run(run_pipeline(raw, warehouse))
    assert recomputed
    before = warehouse_tables(warehouse)
    assert _flags_run(run_pipeline(raw, warehouse)) == (False, flags)
    assert warehouse_tables(warehouse) == before
    thresholds = expectations / "figure_checks.yaml"
    thresholds.write_text(thresholds.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert _flags_run(run_pipeline(raw, warehouse))[0]  # the thresholds file changed
    _change_pages(raw)
    assert _flags_run(run_pipeline(raw, warehouse))[0]  # figures changed
    scratch = tmp_path / "scratch" / "ledger.duckdb"
    run_pipeline(raw, scratch)
    assert warehouse_tables(warehouse)["figure_flags"] == warehouse_tables(scratch)["figure_flags"]
