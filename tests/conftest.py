"""Shared fixtures: the whole pipeline materialised on the sample pages into a temporary warehouse."""

import os
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines import settings
from pipelines.definitions import defs
from pipelines.defs.jobs import ledger_job
from pipelines.defs.resources import ledger_resources

_DEFS = defs()
# Every asset and check of the code location, as Dagster discovers them (nothing listed by hand).
ASSETS = [*_DEFS.assets, *(_DEFS.asset_checks or [])]


@pytest.fixture(autouse=True, scope="session")
def _offline_sources(tmp_path_factory):
    """Tests never fetch what the project's sources.yaml lists: LEDGER_SOURCES points at an empty
    sources file for the session (a fetch test sets its own, served from a loopback server)."""
    path = tmp_path_factory.mktemp("sources") / "sources.yaml"
    path.write_text("urls: []\nfeeds: []\n", encoding="utf-8")
    before = os.environ.get("LEDGER_SOURCES")
    os.environ["LEDGER_SOURCES"] = str(path)
    yield path
    if before is None:
        os.environ.pop("LEDGER_SOURCES", None)
    else:
        os.environ["LEDGER_SOURCES"] = before


def materialize_all(
    raw_dir: Path,
    warehouse: Path,
    instance: dg.DagsterInstance | None = None,
    expectations_dir: Path | None = None,
    raise_on_error: bool = True,
    tags: dict[str, str] | None = None,
):
    """What `make run` does: ledger_job's assets and checks (fetching, which goes online, is left out)."""
    return dg.materialize(
        ASSETS,
        selection=ledger_job.selection,
        resources=ledger_resources(raw_dir, warehouse, expectations_dir),
        instance=instance,
        raise_on_error=raise_on_error,
        tags=tags,
    )


@pytest.fixture(scope="session")
def sample_warehouse(tmp_path_factory) -> Path:
    """The five sample articles of raw/ run through every asset and check, once per test session."""
    root = tmp_path_factory.mktemp("samples")
    raw = root / "raw"
    shutil.copytree(settings.PROJECT_ROOT / "raw", raw)
    warehouse = root / "warehouse" / "ledger.duckdb"
    result = materialize_all(raw, warehouse)
    assert result.success
    return warehouse


@pytest.fixture()
def run_pipeline():
    """materialize_all(raw_dir, warehouse): every asset and check on a raw directory, into a warehouse."""
    return materialize_all


@pytest.fixture(scope="session")
def run_pipeline_session():
    """materialize_all, for session-scoped fixtures."""
    return materialize_all


STAGES = ("documents", "parses", "mentions", "dates", "figures")
RUN_BOOKKEEPING = {"dq_results", "ledger_runs"}  # differs between runs by design


@pytest.fixture()
def processed():
    """processed(result) -> {stage: documents it processed in that run} (its materialization's metadata)."""

    def counts(result) -> dict[str, int]:
        out = {}
        for stage in STAGES:
            events = result.asset_materializations_for_node(stage)
            assert events, f"{stage} did not materialise"
            out[stage] = events[0].metadata["processed"].value
        return out

    return counts


@pytest.fixture()
def warehouse_tables():
    """warehouse_tables(path) -> {table: its rows, sorted} for every table but the run bookkeeping."""

    def read(warehouse: Path) -> dict[str, list[tuple]]:
        con = duckdb.connect(str(warehouse), read_only=True)
        try:
            names = [
                r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()
            ]
            return {
                t: sorted(con.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr)
                for t in names
                if t not in RUN_BOOKKEEPING
            }
        finally:
            con.close()

    return read
