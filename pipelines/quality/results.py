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


def record_check_result(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    asset: str,
    check_name: str,
    severity: str,
    passed: bool,
    failing_rows: int,
    total_rows: int | None = None,
    checked_at: dt.datetime | None = None,
) -> None:
    """Append one check outcome (replacing the same run's earlier row of the same asset and check)."""
    row = {
        "run_id": run_id,
        "checked_at": checked_at or dt.datetime.now(dt.UTC).replace(tzinfo=None),
        "asset": asset,
        "check_name": check_name,
        "severity": severity,
        "passed": bool(passed),
        "failing_rows": int(failing_rows),
        "total_rows": None if total_rows is None else int(total_rows),
    }
    df = validate("dq_results", frame("dq_results", [row]))
    ensure_table(con, "dq_results")
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "DELETE FROM dq_results WHERE run_id = ? AND asset = ? AND check_name = ?",
            [run_id, asset, check_name],
        )
        con.register("_dq_row", df)
        con.execute("INSERT INTO dq_results BY NAME SELECT * FROM _dq_row")
        con.unregister("_dq_row")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    log.debug("dq_results: %s/%s passed=%s failing=%s", asset, check_name, passed, failing_rows)
