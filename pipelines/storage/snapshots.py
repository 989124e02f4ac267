"""Run-level atomicity: a copy of the warehouse file taken when a run starts, put back if the run fails.

Each table write is already one transaction; this makes a whole run all-or-nothing, so a run that fails
half-way (a step error, a blocking check) leaves the warehouse as it was. The failing run's own check
outcomes (`dq_results`) are kept, so the failure stays queryable.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import duckdb

log = logging.getLogger(__name__)

KEEP_ON_RESTORE = ("dq_results",)  # rows of the failed run that survive the restore


def _snapshot_path(warehouse: Path, key: str) -> Path:
    return warehouse.parent / ".snapshots" / f"{warehouse.stem}.{key}.duckdb"


def take_snapshot(warehouse: Path, key: str) -> Path:
    """Copy the warehouse (no connection may be open); a missing warehouse is remembered as missing."""
    snapshot = _snapshot_path(warehouse, key)
    snapshot.parent.mkdir(parents=True, exist_ok=True)
    if warehouse.exists():
        duckdb.connect(str(warehouse)).close()  # folds a leftover WAL into the file before copying
        shutil.copy2(warehouse, snapshot)
    else:
        snapshot.with_suffix(".absent").touch()
    return snapshot


def drop_snapshot(warehouse: Path, key: str) -> None:
    snapshot = _snapshot_path(warehouse, key)
    snapshot.unlink(missing_ok=True)
    snapshot.with_suffix(".absent").unlink(missing_ok=True)


def restore_snapshot(warehouse: Path, key: str, run_id: str | None = None) -> bool:
    """Put the warehouse back as it was at `take_snapshot`, keeping `run_id`'s dq_results rows."""
    snapshot = _snapshot_path(warehouse, key)
    absent = snapshot.with_suffix(".absent")
    if not snapshot.exists() and not absent.exists():
        log.warning("no snapshot %s to restore %s from", snapshot, warehouse)
        return False
    kept = {}
    if run_id and warehouse.exists():
        con = duckdb.connect(str(warehouse))
        try:
            for table in KEEP_ON_RESTORE:
                if con.execute(
                    "select count(*) from information_schema.tables where table_name = ?", [table]
                ).fetchone()[0]:
                    kept[table] = con.execute(f'select * from "{table}" where run_id = ?', [run_id]).df()
        finally:
            con.close()
    Path(f"{warehouse}.wal").unlink(missing_ok=True)
    if absent.exists():
        warehouse.unlink(missing_ok=True)
    else:
        shutil.copy2(snapshot, warehouse)
    if any(len(df) for df in kept.values()):
        from pipelines.storage.warehouse import ensure_schema

        con = duckdb.connect(str(warehouse))
        try:
            ensure_schema(con)
            for table, df in kept.items():
                con.register("_kept", df)
                con.execute(f'delete from "{table}" where run_id = ?', [run_id])
                con.execute(f'insert into "{table}" by name select * from _kept')
                con.unregister("_kept")
        finally:
            con.close()
    drop_snapshot(warehouse, key)
    return True
