"""A run that fails half-way leaves the warehouse as it was before the run (and keeps its check outcomes)."""

import shutil

import duckdb
import pytest

import pipelines.defs.extract.assets as extract_assets
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
        raise RuntimeError("extractor bug")

    monkeypatch.setattr(extract_assets, "extract_figures", broken)
    with pytest.raises(Exception, match="extractor bug"):
        run_pipeline(raw, warehouse)

    assert _snapshot(warehouse) == before
    assert not list((warehouse.parent / ".snapshots").glob("*"))
    con = duckdb.connect(str(warehouse), read_only=True)
    runs = con.execute("select count(distinct run_id) from dq_results").fetchone()[0]
    con.close()
    assert runs == 2  # the failed run's check outcomes were kept


def test_successful_run_drops_its_snapshot(tmp_path, run_pipeline):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(sorted((settings.PROJECT_ROOT / "raw").glob("*.txt"))[0], raw)
    warehouse = tmp_path / "wh" / "ledger.duckdb"
    assert run_pipeline(raw, warehouse).success
    assert not list((warehouse.parent / ".snapshots").glob("*"))
