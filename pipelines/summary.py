"""`python -m pipelines.summary`: what the warehouse holds after a run, table by table, and its checks."""

import sys

import duckdb

from pipelines import settings
from pipelines.storage.warehouse import TABLES

STAGES = ("raw_pages", "documents", "mentions", "dates", "figures", "figure_flags")


def _stage_summary(con: duckdb.DuckDBPyConnection, top: int = 3) -> None:
    """Per stage: documents processed, quarantined, and the most frequent reasons."""
    pages = con.execute("select count(*) from raw_pages").fetchone()[0]
    refused_at_scan = con.execute(
        "select count(distinct raw_path) from quarantine where stage = 'raw_pages'"
    ).fetchone()[0]
    docs = con.execute("select count(*) from documents").fetchone()[0]
    entered = {"raw_pages": pages + refused_at_scan, "documents": pages}
    print("  per stage (documents in -> processed, quarantined):")
    for stage in STAGES:
        n_in = entered.get(stage, docs)
        refused = con.execute(
            "select count(distinct coalesce(doc_id, raw_path)) from quarantine where stage = ?", [stage]
        ).fetchone()[0]
        print(f"    {stage:13s} {n_in:6d} -> {n_in - refused:6d} processed, {refused:5d} quarantined")
        reasons = con.execute(
            """select coalesce(check_name, '-') as check_name,
                      regexp_replace(left(reason, 90), '\\s+', ' ', 'g'), count(*) as n
               from quarantine where stage = ? group by all order by n desc limit ?""",
            [stage, top],
        ).fetchall()
        for check, reason, n in reasons:
            print(f"      {n:5d} x {check}: {reason}")


def main() -> int:
    location = settings.warehouse()
    if not location.exists():
        print(f"no warehouse at {location.describe()}: run `make run` first", file=sys.stderr)
        return 1
    con = location.connect(read_only=True)
    print(f"warehouse {location.describe()}")
    for table in TABLES:
        n = con.execute(f'select count(*) from "{table}"').fetchone()[0]
        print(f"  {table:16s} {n:6d} rows")
    people = con.execute(
        """select category, count(*) from figures where category <> 'other' and repeat_of_figure_id is null
           group by 1 order by 2 desc"""
    ).fetchall()
    if people:
        print("  figures by category: " + ", ".join(f"{c} {n}" for c, n in people))
    last_run = con.execute("select run_id from dq_results order by checked_at desc limit 1").fetchone()
    if last_run:
        results = con.execute(
            """select asset, check_name, severity, passed, failing_rows from dq_results where run_id = ?
               order by passed, severity, asset, check_name""",
            [last_run[0]],
        ).fetchall()
        failed = [r for r in results if not r[3]]
        print(f"  checks of the last run: {len(results) - len(failed)} passed, {len(failed)} failed")
        for asset, check, severity, _, rows in failed:
            print(f"    {severity:5s} {asset}.{check}: {rows} failing rows")
    flags = con.execute("select check_name, count(*) from figure_flags group by 1 order by 2 desc").fetchall()
    if flags:
        print("  figure flags: " + ", ".join(f"{c} {n}" for c, n in flags))
    _stage_summary(con)
    return 0


if __name__ == "__main__":
    sys.exit(main())
