"""raw_dir_sensor: starts the pipeline when pages are added to, changed in or removed from the raw directory.

It compares a fingerprint of the page listing (path, size, modification time) with the listing of the last
run that SUCCEEDED, so it never reads page contents, never runs twice for the same listing, and never loses
a page: a run that failed (the warehouse was busy, a blocking check) leaves the listing unprocessed, and the
sensor asks for it again, waiting longer after each failure (RETRY_BASE_SECONDS doubling, at most
RETRY_MAX_SECONDS). The cursor holds the last processed listing and the last requested one; the runs
themselves (tag `ledger/fingerprint`) say which listing is in flight or failed.
"""

from __future__ import annotations

import hashlib
import json
import time

import dagster as dg

from pipelines.defs.jobs import ledger_job
from pipelines.defs.resources import LedgerPaths
from pipelines.ingest.raw import MANIFEST_NAME, page_kind

FINGERPRINT_TAG = "ledger/fingerprint"
RETRY_BASE_SECONDS = 30
RETRY_MAX_SECONDS = 3600


def listing_fingerprint(ledger: LedgerPaths) -> tuple[str, int]:
    """(a hash of the raw directory's page listing, how many pages it lists)."""
    entries = []
    if ledger.raw.is_dir():
        for path in sorted(ledger.raw.rglob("*")):
            if (path.is_file() or path.is_symlink()) and (page_kind(path) or path.name == MANIFEST_NAME):
                try:
                    stat = path.lstat()
                except OSError:
                    continue
                entries.append(
                    f"{path.relative_to(ledger.raw).as_posix()}\t{stat.st_size}\t{stat.st_mtime_ns}"
                )
    pages = sum(1 for e in entries if not e.split("\t", 1)[0].endswith(MANIFEST_NAME))
    return hashlib.sha256("\n".join(entries).encode()).hexdigest(), pages


def _cursor(raw: str | None) -> dict:
    try:
        state = json.loads(raw) if raw else {}
    except json.JSONDecodeError:
        state = {"done": raw}  # a cursor of the earlier format: the bare fingerprint of a requested listing
    return state if isinstance(state, dict) else {}


def decide(
    fingerprint: str, cursor: dict, runs: list[dg.DagsterRun], now: float
) -> tuple[dict, str | None, str]:
    """(the new cursor, the run key to request or None, why). `runs`: this listing's runs, newest first."""
    if fingerprint == cursor.get("done"):
        return cursor, None, "raw directory unchanged since the last successful run"
    if runs and runs[0].status == dg.DagsterRunStatus.SUCCESS:
        return {**cursor, "done": fingerprint}, None, f"processed by run {runs[0].run_id}"
    if runs and not runs[0].is_finished:
        return cursor, None, f"run {runs[0].run_id} is processing this listing ({runs[0].status.value})"
    requested = cursor.get("requested") or {}
    if not runs and fingerprint in requested and now - requested[fingerprint] < RETRY_MAX_SECONDS:
        return cursor, None, "a run for this listing was requested and has not started yet"
    failed = [r for r in runs if r.is_finished and r.status != dg.DagsterRunStatus.SUCCESS]
    if failed:
        wait = min(RETRY_BASE_SECONDS * 2 ** (len(failed) - 1), RETRY_MAX_SECONDS)
        last = cursor.get("failed_at", {}).get(fingerprint)
        if last is not None and now - last < wait:
            left = wait - (now - last)
            return cursor, None, f"{len(failed)} run(s) failed on this listing; retrying in {left:.0f} s"
    marks = {fingerprint: now} if failed else {}
    return (
        {**cursor, "failed_at": marks, "requested": {fingerprint: now}},
        f"{fingerprint}:{len(failed)}",
        "new listing" if not failed else "retry",
    )


@dg.sensor(
    job=ledger_job,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Runs ledger_job when the raw directory's pages or manifests change, and again (with a "
    "growing wait) until a run over that listing succeeds.",
)
def raw_dir_sensor(context: dg.SensorEvaluationContext, ledger: LedgerPaths):
    fingerprint, pages = listing_fingerprint(ledger)
    runs = list(
        context.instance.get_runs(filters=dg.RunsFilter(tags={FINGERPRINT_TAG: fingerprint}), limit=20)
    )
    cursor, run_key, why = decide(fingerprint, _cursor(context.cursor), runs, time.time())
    context.update_cursor(json.dumps(cursor, sort_keys=True))
    if run_key is None:
        return dg.SkipReason(f"{why} ({pages} pages)")
    context.log.info(f"requesting a run for {pages} pages: {why}")
    return dg.RunRequest(
        run_key=run_key,
        tags={"ledger/trigger": "raw_dir_sensor", "ledger/pages": str(pages), FINGERPRINT_TAG: fingerprint},
    )
