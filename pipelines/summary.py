"""`python -m pipelines.summary`: what the warehouse holds after a run, table by table, and its checks."""

import sys

import duckdb

from pipelines import settings
from pipelines.storage.warehouse import TABLES


def main() -> int:
    path = settings.warehouse_path()
    if not path.exists():
        print(f"no warehouse at {path}: run `make run` first", file=sys.stderr)
        return 1
    con = duckdb.connect(str(path), read_only=True)
    print(f"warehouse {path}")
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
    quarantined = con.execute("select raw_path, stage, reason from quarantine order by raw_path").fetchall()
    for raw_path, stage, reason in quarantined:
        print(f"  quarantined {raw_path} at {stage}: {reason[:160]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
