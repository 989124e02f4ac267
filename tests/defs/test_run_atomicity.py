"""A run that fails half-way leaves the warehouse as it was before the run (and keeps its check outcomes);
a run publishes everything it wrote in one transaction, and leaves nothing behind."""

import shutil

import duckdb
import pytest

import pipelines.defs.quality.assets as quality_assets
from pipelines import settings

TABLES = ["documents", "removed_spans", "mentions", "dates", "figures", "quarantine"]


def _snapshot(path):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {t: sorted(map(str, con.execute(f"select * from {t}").fetchall())) for t in TABLES}
    finally:
        con.close()


def test_failed_run_leaves_the_warehouse_as_it_was(tmp_path, run_pipeline, monkeypatch):
    raw = tmp_path / "raw"
    raw.mkdir()
    samples = sorted((settings.PROJECT_ROOT / "raw").glob("*.txt"))
    for page in samples[:2]:
        shutil.copy(page, raw / page.name)
    warehouse = tmp_path / "wh" / "ledger.duckdb"
    assert run_pipeline(raw, warehouse).success
    before = _snapshot(warehouse)
    assert len(before["documents"]) == 2

    shutil.copy(samples[2], raw / samples[2].name)  # a new page: documents, mentions, dates would change

    def broken(*args, **kwargs):
        raise RuntimeError("figure checks bug")  # a systemic failure: a stage that fails for every document

    monkeypatch.setattr(quality_assets, "compute_flags", broken)
    with pytest.raises(Exception, match="figure checks bug"):
        run_pipeline(raw, warehouse)

    assert _snapshot(warehouse) == before
    assert sorted(p.name for p in warehouse.parent.iterdir() if p.name != "reports") == ["ledger.duckdb"]
    con = duckdb.connect(str(warehouse), read_only=True)
    runs = con.execute("select count(distinct run_id) from dq_results").fetchone()[0]
    con.close()
    assert runs == 2  # the failed run's check outcomes were kept


def test_successful_run_publishes_once_and_leaves_nothing_behind(tmp_path, run_pipeline):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(sorted((settings.PROJECT_ROOT / "raw").glob("*.txt"))[0], raw)
    warehouse = tmp_path / "wh" / "ledger.duckdb"
    assert run_pipeline(raw, warehouse).success
    assert sorted(p.name for p in warehouse.parent.iterdir() if p.name != "reports") == ["ledger.duckdb"]
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        runs = con.execute("select raw_dir, pages, documents from ledger_runs").fetchall()
    finally:
        con.close()
    assert runs == [(str(raw.resolve()), 1, 1)]


def test_a_run_from_another_raw_directory_is_refused(tmp_path, run_pipeline):
    first, second = tmp_path / "raw1", tmp_path / "raw2"
    for folder in (first, second):
        folder.mkdir()
        shutil.copy(sorted((settings.PROJECT_ROOT / "raw").glob("*.txt"))[0], folder)
    warehouse = tmp_path / "wh" / "ledger.duckdb"
    assert run_pipeline(first, warehouse).success
    before = _snapshot(warehouse)
    with pytest.raises(Exception) as raised:
        run_pipeline(second, warehouse)
    assert "one warehouse holds one raw directory" in _messages(raised.value)
    assert _snapshot(warehouse) == before


def _messages(error: BaseException | None) -> str:
    """The messages of an exception and of the errors it was raised from (Dagster wraps a resource's)."""
    out = []
    while error is not None:
        out.append(str(error))
        error = error.__cause__ or error.__context__
    return "\n".join(out)


def test_the_publishing_step_runs_after_every_asset_of_the_job():
    from pipelines.definitions import defs
    from pipelines.defs.jobs import ledger_job
    from pipelines.defs.publish.assets import PUBLISHED_ASSETS

    graph = defs().resolve_asset_graph()
    selected = ledger_job.selection.resolve(graph)
    assert {k.to_user_string() for k in selected} == {*PUBLISHED_ASSETS, "ledger_runs"}
