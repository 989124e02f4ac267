"""The `dq_results` table: the outcome of every check of every run, so quality is queryable over time.

Append-only across runs; a check recorded again under the same run id replaces its row (a re-executed
step never duplicates).
"""

from __future__ import annotations

import datetime as dt
import logging

import duckdb

from pipelines.storage.contracts import validate
from pipelines.storage.warehouse import ensure_table, frame

log = logging.getLogger(__name__)


def check_row(
    run_id: str,
    asset: str,
    check_name: str,
    severity: str,
    passed: bool,
    failing_rows: int,
    total_rows: int | None = None,
    checked_at: dt.datetime | None = None,
) -> dict:
    """One check outcome as a dq_results row (checked now unless `checked_at` says when)."""
    return {
        "run_id": run_id,
        "checked_at": checked_at or dt.datetime.now(dt.UTC).replace(tzinfo=None),
        "asset": asset,
        "check_name": check_name,
        "severity": severity,
        "passed": bool(passed),
        "failing_rows": int(failing_rows),
        "total_rows": None if total_rows is None else int(total_rows),
    }


def record_check_results(con: duckdb.DuckDBPyConnection, rows: list[dict]) -> None:
    """Append check outcomes in one transaction, each replacing the same run's earlier row of the same asset
    and check (of the table, and of `rows` itself: the last one wins)."""
    latest = {(r["run_id"], r["asset"], r["check_name"]): r for r in rows}
    if not latest:
        return
    df = validate("dq_results", frame("dq_results", list(latest.values())))
    ensure_table(con, "dq_results")
    con.execute("BEGIN TRANSACTION")
    try:
        con.register("_dq_rows", df)
        con.execute(
            "DELETE FROM dq_results WHERE (run_id, asset, check_name) IN "
            "(SELECT (run_id, asset, check_name) FROM _dq_rows)"
        )
        con.execute("INSERT INTO dq_results BY NAME SELECT * FROM _dq_rows")
        con.unregister("_dq_rows")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    for r in latest.values():
        log.debug(
            "dq_results: %s/%s passed=%s failing=%s",
            r["asset"],
            r["check_name"],
            r["passed"],
            r["failing_rows"],
        )
