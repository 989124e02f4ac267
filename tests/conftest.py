"""Shared fixtures: the whole pipeline materialised on the sample pages into a temporary warehouse."""

import shutil
from pathlib import Path

import dagster as dg
import pytest

from pipelines import settings
from pipelines.definitions import defs
from pipelines.defs.resources import ledger_resources

_DEFS = defs()
# Every asset and check of the code location, as Dagster discovers them (nothing listed by hand).
ASSETS = [*_DEFS.assets, *(_DEFS.asset_checks or [])]


def materialize_all(
    raw_dir: Path,
    warehouse: Path,
    instance: dg.DagsterInstance | None = None,
    expectations_dir: Path | None = None,
    raise_on_error: bool = True,
):
    return dg.materialize(
        ASSETS,
        resources=ledger_resources(raw_dir, warehouse, expectations_dir),
        instance=instance,
        raise_on_error=raise_on_error,
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
