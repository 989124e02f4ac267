"""A run's staging database: invisible until published, published in one transaction, one writer at a time.

Other processes (an analyst's connection, a second run, a killed run) are real subprocesses."""

import os
import signal
import subprocess
import sys
import textwrap

import duckdb
import pytest

from pipelines.storage.lock import WarehouseBusy, WarehouseLock
from pipelines.storage.staging import RawDirMismatch, RunStage
from pipelines.storage.warehouse import frame, read_table, replace_tables


def _doc(doc_id: str) -> dict:
    return {"doc_id": doc_id, "clean_text": f"text of {doc_id}", "raw_path": f"{doc_id}.txt"}


def _build(path, *doc_ids):
    con = duckdb.connect(str(path))
    try:
        replace_tables(con, {"documents": frame("documents", [_doc(d) for d in doc_ids])})
    finally:
        con.close()


def _read_elsewhere(path, sql: str) -> str:
    """Run `sql` read-only in another process (as an analyst would) and return what it printed."""
    code = (
        f"import duckdb; c = duckdb.connect({str(path)!r}, read_only=True); "
        f"print(c.execute({sql!r}).fetchall())"
    )
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()


class _Holder:
    """Another process holding the warehouse file open (read-only or read-write) until stopped."""

    def __init__(self, path, read_only: bool):
        code = textwrap.dedent(
            f"""
            import duckdb, sys
            c = duckdb.connect({str(path)!r}, read_only={read_only})
            print("held", flush=True)
            sys.stdin.readline()
            """
        )
        self.proc = subprocess.Popen(
            [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        assert self.proc.stdout.readline().strip() == b"held"

    def release(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def test_staged_writes_are_invisible_until_published_then_all_at_once(tmp_path):
    warehouse = tmp_path / "ledger.duckdb"
    _build(warehouse, "a", "b")
    stage = RunStage(warehouse, "run-1", raw_dir=str(tmp_path / "raw")).open()
    try:
        con = stage.cursor()
        assert sorted(read_table(con, "documents")["doc_id"]) == ["a", "b"]  # read from the published file
        replace_tables(con, {"documents": frame("documents", [_doc("c")])})
        replace_tables(
            con, {"quarantine": frame("quarantine", [{"raw_path": "d.txt", "reason": "r", "stage": "s"}])}
        )
        assert sorted(read_table(con, "documents")["doc_id"]) == ["c"]  # the run sees its own writes
        # an analyst reading meanwhile sees the warehouse as it was
        assert _read_elsewhere(warehouse, "select doc_id from documents order by 1") == "[('a',), ('b',)]"
        counts = stage.publish(pages=2)
    finally:
        stage.close()
    assert counts == {"documents": 1, "quarantine": 1}
    assert _read_elsewhere(warehouse, "select doc_id from documents") == "[('c',)]"
    assert _read_elsewhere(warehouse, "select run_id, pages, documents, quarantined from ledger_runs") == (
        "[('run-1', 2, 1, 1)]"
    )


def test_a_second_writer_waits_then_fails_clearly_and_a_killed_holder_frees_the_lock(tmp_path):
    warehouse = tmp_path / "ledger.duckdb"
    first = WarehouseLock(warehouse)
    first.acquire(timeout=1)
    try:
        with pytest.raises(WarehouseBusy, match="another run is writing"):
            WarehouseLock(warehouse).acquire(timeout=0.3, poll=0.05)
    finally:
        first.release()
    code = textwrap.dedent(
        f"""
        import time
        from pipelines.storage.lock import WarehouseLock
        WarehouseLock({str(warehouse)!r}).acquire(timeout=1)
        print("locked", flush=True)
        time.sleep(60)
        """
    )
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, env={**os.environ})
    assert holder.stdout.readline().strip() == b"locked"
    with pytest.raises(WarehouseBusy):
        WarehouseLock(warehouse).acquire(timeout=0.3, poll=0.05)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(timeout=30)
    again = WarehouseLock(warehouse)
    again.acquire(timeout=5, poll=0.05)  # the kernel dropped the dead process's lock
    again.release()
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no lock file is ever written


def test_an_analysts_read_write_connection_makes_the_run_wait_then_fail_and_changes_nothing(tmp_path):
    warehouse = tmp_path / "ledger.duckdb"
    _build(warehouse, "a")
    holder = _Holder(warehouse, read_only=False)
    try:
        with pytest.raises(WarehouseBusy, match="held by another process"):
            RunStage(warehouse, "run-1", lock_timeout=0.5).open()
    finally:
        holder.release()
    assert not WarehouseLock(warehouse).held
    stage = RunStage(warehouse, "run-2", lock_timeout=5).open()  # released: the next run goes through
    stage.close()


def test_publishing_while_a_reader_holds_the_file_fails_and_leaves_it_as_it_was(tmp_path):
    warehouse = tmp_path / "ledger.duckdb"
    _build(warehouse, "a")
    stage = RunStage(warehouse, "run-1", lock_timeout=0.5).open()
    try:
        replace_tables(stage.cursor(), {"documents": frame("documents", [_doc("b")])})
        holder = _Holder(warehouse, read_only=True)
        try:
            with pytest.raises(WarehouseBusy, match="publishing"):
                stage.publish()
        finally:
            holder.release()
    finally:
        stage.close()
    assert _read_elsewhere(warehouse, "select doc_id from documents") == "[('a',)]"


def test_a_warehouse_is_built_from_one_raw_directory(tmp_path):
    warehouse = tmp_path / "ledger.duckdb"
    stage = RunStage(warehouse, "run-1", raw_dir="/data/raw-one").open()
    replace_tables(stage.cursor(), {"documents": frame("documents", [_doc("a")])})
    stage.publish()
    stage.close()
    with pytest.raises(RawDirMismatch, match="one warehouse holds one raw directory"):
        RunStage(warehouse, "run-2", raw_dir="/data/raw-two").open()
    RunStage(warehouse, "run-3", raw_dir="/data/raw-one").open().close()


def test_staging_larger_than_its_memory_limit_is_written_out_and_published(tmp_path, monkeypatch):
    """The run's staging uses at most LEDGER_STAGING_MEMORY_MIB of memory: more rows than that are written out
    to the run's spill folder (DuckDB's default limit would let them grow to 80% of the machine's memory
    first), and they still publish. The folder goes with the run."""
    monkeypatch.setenv("LEDGER_STAGING_MEMORY_MIB", "48")
    warehouse = tmp_path / "ledger.duckdb"
    _build(warehouse, "a")
    stage = RunStage(warehouse, "run-1").open()
    names = " || ".join(f"md5((i * {k} + {k})::VARCHAR)" for k in range(1, 9))  # 256 random characters
    try:
        con = stage.cursor()
        assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0] in ("48.0 MiB", "50.3 MB")
        con.execute(
            "CREATE TABLE memory.main.unknown_names AS SELECT 'c' || i AS cluster_id, "
            f"'person' AS entity_type, {names} AS name, 1::BIGINT AS mentions, 1::BIGINT AS documents, "
            "NULL::VARCHAR AS surfaces, NULL::DATE AS first_seen, NULL::DATE AS last_seen "
            "FROM range(500000) t(i)"
        )  # 128 MB of names: a whole table the run replaces
        spilled = con.execute("SELECT coalesce(sum(size), 0) FROM duckdb_temporary_files()").fetchone()[0]
        assert spilled > 48 * 2**20
        folder = stage._spill
        assert folder.is_dir()
        stage.publish()
    finally:
        stage.close()
    assert not folder.exists()
    published = _read_elsewhere(warehouse, "SELECT count(*), sum(length(name)) FROM unknown_names")
    assert published == "[(500000, 128000000)]"
