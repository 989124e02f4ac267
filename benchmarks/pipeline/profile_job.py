"""Where `ledger_job`'s time goes: per-step durations from the Dagster event log, and a cProfile of the run.

Runs the whole job in process (as `bench_stages.py` does) on a copy of the pages into a temporary warehouse,
then prints each step's STEP_SUCCESS / STEP_FAILURE duration (share of the job) and the functions with the
most cumulative time. Nothing here asserts a time.

    uv run python benchmarks/pipeline/profile_job.py [--pages DIR] [--top N] [--stats FILE]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import shutil
import tempfile
import time
from pathlib import Path

from pipelines import settings

DEFAULT_PAGES = settings.PROJECT_ROOT.parent / "shared" / "benchmarks" / "article-extraction" / "html"


def step_durations(result) -> dict[str, float]:
    """Seconds per step key, from the run's STEP_SUCCESS / STEP_FAILURE events."""
    import dagster as dg

    out: dict[str, float] = {}
    for event in result.all_events:
        if event.event_type in (dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE):
            data = event.event_specific_data
            duration = getattr(data, "duration_ms", None)
            out[event.step_key] = (duration or 0.0) / 1000
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--stats", type=Path, help="also write the pstats file here")
    parser.add_argument("--no-profile", action="store_true", help="step durations only (no cProfile)")
    args = parser.parse_args(argv)

    import dagster as dg

    from pipelines.definitions import defs
    from pipelines.defs.jobs import ledger_job
    from pipelines.defs.resources import ledger_resources
    from pipelines.nlp import load_nlp

    load_nlp()  # loaded once per process, as in bench_stages (its load is not the job's)
    loaded = defs()
    profile = cProfile.Profile()
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw"
        shutil.copytree(args.pages, raw)
        t = time.perf_counter()
        if not args.no_profile:
            profile.enable()
        result = dg.materialize(
            [*loaded.assets, *(loaded.asset_checks or [])],
            selection=ledger_job.selection,
            resources=ledger_resources(raw, Path(tmp) / "wh" / "ledger.duckdb"),
            raise_on_error=False,
        )
        profile.disable()
        job = time.perf_counter() - t
    print(f"job {job:.2f} s, success={result.success}")
    steps = step_durations(result)
    total = sum(steps.values())
    print(f"steps together {total:.2f} s ({total / job:.0%} of the job; the rest is Dagster between steps)")
    for key, s in sorted(steps.items(), key=lambda kv: -kv[1]):
        print(f"  {key:55s} {s:7.2f} s  {s / job:6.1%}")
    if args.no_profile:
        return 0
    if args.stats:
        profile.dump_stats(str(args.stats))
    stats = pstats.Stats(profile)
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
