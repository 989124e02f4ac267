"""A run spread over worker processes (LEDGER_PROCESSES) writes exactly what a one-process run writes, and
a document that fails in a worker is quarantined alone."""

import shutil

import duckdb
import pytest

from pipelines import parallel, settings
from pipelines.defs.extract import assets as extract_assets


def _square_or_fail(x: int) -> tuple[int | None, str | None]:
    return (None, f"no {x}") if x == 3 else (x * x, None)


def test_map_documents_keeps_order_and_hands_failures_back_in_a_real_pool(monkeypatch):
    monkeypatch.setattr(parallel, "MIN_PER_PROCESS", 1)
    assert parallel.pool_size(10, processes=2) == 2
    out = list(parallel.map_documents(_square_or_fail, list(range(10)), workers=2))
    assert out == [_square_or_fail(x) for x in range(10)]


def test_pool_size_stays_in_process_for_small_batches():
    assert parallel.pool_size(parallel.MIN_PER_PROCESS * 2 - 1, processes=2) == 1
    assert parallel.pool_size(parallel.MIN_PER_PROCESS * 2, processes=2) == 2
    assert parallel.pool_size(10_000, processes=1) == 1


def test_processes_setting_refuses_nonsense(monkeypatch):
    monkeypatch.setenv("LEDGER_PROCESSES", "0")
    with pytest.raises(ValueError, match="LEDGER_PROCESSES"):
        settings.processes()
    monkeypatch.setenv("LEDGER_PROCESSES", "3")
    assert settings.processes() == 3


def test_an_extractor_that_raises_is_that_documents_failure_not_the_pools():
    rows, failure = extract_assets.extract_document("dates", {"clean_text": None, "doc": None})
    assert rows is None
    reason, where, trace = failure
    assert "Error" in reason and "Traceback" in trace and where


def test_a_run_over_two_processes_writes_what_one_process_writes(
    tmp_path, run_pipeline, monkeypatch, processed, warehouse_tables
):
    raw = tmp_path / "raw"
    shutil.copytree(settings.PROJECT_ROOT / "raw", raw)
    one = tmp_path / "one" / "ledger.duckdb"
    monkeypatch.setenv("LEDGER_PROCESSES", "1")
    run_pipeline(raw, one)
    monkeypatch.setenv("LEDGER_PROCESSES", "2")
    monkeypatch.setattr(parallel, "MIN_PER_PROCESS", 1)  # the five sample pages go through the pool
    two = tmp_path / "two" / "ledger.duckdb"
    result = run_pipeline(raw, two)
    assert processed(result) == dict.fromkeys(processed(result), 5)
    for stage in ("parses", "mentions", "dates", "figures"):
        assert result.asset_materializations_for_node(stage)[0].metadata["processes"].value == 2, stage
    assert warehouse_tables(two) == warehouse_tables(one)
    con = duckdb.connect(str(two), read_only=True)
    assert con.execute("SELECT count(*) FROM figures").fetchone()[0] > 0
    con.close()
