"""A run spread over worker processes (LEDGER_PROCESSES) writes exactly what a one-process run writes, and
a document that fails in a worker is quarantined alone."""

import os
import shutil
import signal
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

import duckdb
import pytest

from pipelines import parallel, settings
from pipelines.defs.clean import assets as clean_assets
from pipelines.defs.extract import assets as extract_assets


def _square_or_fail(x: int) -> tuple[int | None, str | None]:
    return (None, f"no {x}") if x == 3 else (x * x, None)


def test_start_documents_keeps_order_and_hands_failures_back_in_a_real_pool(monkeypatch):
    monkeypatch.setattr(parallel, "MIN_PER_PROCESS", 1)
    assert parallel.pool_size(10, processes=2) == 2
    out = list(parallel.start_documents(_square_or_fail, list(range(10)), workers=2))
    assert out == [_square_or_fail(x) for x in range(10)]


def _worker_pid(_: int) -> int:
    time.sleep(0.05)  # long enough that both workers take items
    return os.getpid()


def test_the_pool_outlives_a_stage_so_workers_load_the_model_once_per_run(monkeypatch):
    parallel.shutdown()
    first = set(parallel.start_documents(_worker_pid, list(range(16)), workers=2))
    second = set(parallel.start_documents(_worker_pid, list(range(16)), workers=2))
    assert os.getpid() not in first and len(first) == 2
    assert second == first  # the same two workers: nothing was spawned or loaded again
    parallel.shutdown()
    third = set(parallel.start_documents(_worker_pid, list(range(16)), workers=2))
    assert third.isdisjoint(first)
    parallel.shutdown()


def test_a_batch_that_needs_fewer_workers_uses_the_run_pool_not_a_second_one():
    parallel.shutdown()
    wide = set(parallel.start_documents(_worker_pid, list(range(24)), workers=3))
    narrow = set(parallel.start_documents(_worker_pid, list(range(24)), workers=2))
    assert narrow <= wide and len(parallel._POOLS) == 1
    wider = set(parallel.start_documents(_worker_pid, list(range(32)), workers=4))
    assert wider.isdisjoint(wide) and list(parallel._POOLS) == [4]  # the smaller pool was shut down
    parallel.shutdown()


_STARTS_A_POOL = """
import sys, time
from tests.defs.test_parallel_run import _worker_pid
from pipelines import parallel
print(*set(parallel.start_documents(_worker_pid, list(range(16)), workers=2)), flush=True)
time.sleep(600)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as f:  # a zombie has exited
        return f.read().rsplit(")", 1)[1].split()[0] != "Z"


def test_workers_exit_when_the_run_that_started_them_is_killed():
    run = subprocess.Popen(
        [sys.executable, "-c", _STARTS_A_POOL], cwd=settings.PROJECT_ROOT, stdout=subprocess.PIPE, text=True
    )
    workers = [int(p) for p in run.stdout.readline().split()]
    assert len(workers) == 2 and all(_alive(p) for p in workers)
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    deadline = time.monotonic() + 30
    while any(_alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_alive(p) for p in workers)


def _touch(path: str) -> str:
    Path(path).touch()
    return path


def test_started_documents_are_with_the_workers_before_anyone_asks_for_the_results(tmp_path):
    paths = [str(tmp_path / f"{i}.done") for i in range(8)]
    results = parallel.start_documents(_touch, paths, workers=2)
    for _ in range(300):  # the workers touch every file while the results are not consumed
        if all(Path(p).exists() for p in paths):
            break
        time.sleep(0.1)
    assert all(Path(p).exists() for p in paths)
    assert list(results) == paths


def test_overlapped_starts_the_next_batch_before_finishing_the_last():
    calls = []
    parallel.overlapped(
        [1, 2, 3], lambda b: calls.append(f"start {b}") or b, lambda b: calls.append(f"end {b}")
    )
    assert calls == ["start 1", "start 2", "end 1", "start 3", "end 2", "end 3"]
    parallel.overlapped([], calls.append, calls.append)
    assert len(calls) == 6


def test_pool_size_stays_in_process_for_small_batches():
    assert parallel.pool_size(parallel.MIN_PER_PROCESS * 2 - 1, processes=2) == 1
    assert parallel.pool_size(parallel.MIN_PER_PROCESS * 2, processes=2) == 2
    assert parallel.pool_size(10_000, processes=1) == 1


def test_processes_default_to_the_usable_cpus_up_to_a_cap(monkeypatch):
    monkeypatch.delenv("LEDGER_PROCESSES", raising=False)
    usable = len(os.sched_getaffinity(0))
    assert settings.processes() == min(usable, settings.DEFAULT_MAX_PROCESSES)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: set(range(64)))
    assert settings.processes() == settings.DEFAULT_MAX_PROCESSES


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


def test_a_page_that_cannot_be_cleaned_in_a_worker_comes_back_as_its_quarantine_row(tmp_path, monkeypatch):
    monkeypatch.setattr(parallel, "MIN_PER_PROCESS", 1)
    (tmp_path / "good.txt").write_text("Two soldiers were killed in Idlib on Monday.\n", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 4)
    page = {"raw_sha256": "x", "kind": "text", "url": None, "outlet": None, "language": None}
    pages = [
        {**page, "doc_id": name, "raw_path": f"{name}.txt", "published_date": None, "charset": None}
        for name in ("good", "gone", "binary")
    ]
    out = list(
        parallel.start_documents(partial(clean_assets.clean_document, str(tmp_path)), pages, workers=2)
    )
    assert [doc is not None for doc, *_ in out] == [True, False, False]
    assert "Two soldiers" in out[0][0]["clean_text"]
    assert out[1][2]["reason"] == "page vanished from the raw directory after registration"
    assert out[2][2]["stage"] == "documents" and out[2][2]["reason"], out[2]


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
    monkeypatch.setenv("LEDGER_BATCH_DOCUMENTS", "2")  # three batches, each overlapping the last one's write
    two = tmp_path / "two" / "ledger.duckdb"
    result = run_pipeline(raw, two)
    assert processed(result) == dict.fromkeys(processed(result), 5)
    for stage in ("documents", "parses", "mentions", "dates", "figures"):
        meta = result.asset_materializations_for_node(stage)[0].metadata
        assert (meta["processes"].value, meta["batches"].value) == (2, 3), stage
    assert warehouse_tables(two) == warehouse_tables(one)
    con = duckdb.connect(str(two), read_only=True)
    assert con.execute("SELECT count(*) FROM figures").fetchone()[0] > 0
    con.close()
