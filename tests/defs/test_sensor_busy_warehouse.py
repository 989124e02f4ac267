"""No page is lost while the warehouse is busy: the sensor advances only past listings that a successful run
processed, and asks again after a run failed because an analyst held the warehouse file.

The sensor is evaluated against a real, persistent Dagster instance and each run it requests is executed in
that instance with the request's tags, as the daemon would; the analyst is another process holding the
DuckDB file read-only, then read-write."""

import json
import shutil
import subprocess
import sys
import textwrap

import dagster as dg
import duckdb
import pytest

import pipelines.defs.ingest.sensors as sensors
from pipelines import settings
from pipelines.defs.resources import LedgerPaths

SAMPLES = sorted((settings.PROJECT_ROOT / "raw").glob("*.txt"))


class Analyst:
    """Another process with the warehouse open (read-only or read-write) until `leave`."""

    def __init__(self, path, read_only: bool):
        code = textwrap.dedent(
            f"""
            import duckdb, sys
            c = duckdb.connect({str(path)!r}, read_only={read_only})
            c.execute("select count(*) from documents").fetchall()
            print("open", flush=True)
            sys.stdin.readline()
            """
        )
        self.proc = subprocess.Popen(
            [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        assert self.proc.stdout.readline().strip() == b"open"

    def leave(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def _documents(warehouse) -> int:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute("select count(*) from documents").fetchone()[0]
    finally:
        con.close()


@pytest.fixture()
def setup(tmp_path, monkeypatch):
    monkeypatch.setattr(sensors, "RETRY_BASE_SECONDS", 0)  # the daemon's next tick may retry at once
    monkeypatch.setenv("LEDGER_LOCK_TIMEOUT", "2")
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SAMPLES[0], raw / SAMPLES[0].name)
    warehouse = tmp_path / "wh" / "ledger.duckdb"
    (tmp_path / "dagster_home").mkdir()
    instance = dg.DagsterInstance.local_temp(str(tmp_path / "dagster_home"))
    return raw, warehouse, instance


def test_a_page_that_arrives_while_the_warehouse_is_busy_is_processed_once_it_is_free(setup, run_pipeline):
    raw, warehouse, instance = setup
    ledger = LedgerPaths(raw_dir=str(raw), expectations_dir=str(settings.expectations_dir()))
    cursor = None
    outcomes = []

    def tick():
        """One sensor evaluation and, if it asks for a run, that run (as the daemon would launch it)."""
        nonlocal cursor
        context = dg.build_sensor_context(instance=instance, cursor=cursor, resources={"ledger": ledger})
        result = sensors.raw_dir_sensor(context)
        cursor = context.cursor
        if isinstance(result, dg.SkipReason):
            outcomes.append(("skip", result.skip_message))
            return None
        run = run_pipeline(raw, warehouse, instance=instance, raise_on_error=False, tags=result.tags)
        outcomes.append(("run", run.success))
        return run.success

    assert tick() is True  # the first listing
    assert tick() is None  # nothing new
    assert _documents(warehouse) == 1

    shutil.copy(SAMPLES[1], raw / SAMPLES[1].name)  # a page arrives...
    analyst = Analyst(warehouse, read_only=True)  # ...while an analyst reads
    try:
        assert tick() is False  # the run cannot publish: the warehouse is unchanged
    finally:
        analyst.leave()
    assert _documents(warehouse) == 1
    analyst = Analyst(warehouse, read_only=False)  # now someone holds it read-write
    try:
        assert tick() is False  # the run cannot even read it
    finally:
        analyst.leave()
    assert _documents(warehouse) == 1
    assert json.loads(cursor)["done"] != sensors.listing_fingerprint(ledger)[0]  # not marked processed

    assert tick() is True  # free again: the sensor asks again by itself and the page is processed
    assert _documents(warehouse) == 2
    assert tick() is None
    assert [o[0] for o in outcomes] == ["run", "skip", "run", "run", "run", "skip"]
