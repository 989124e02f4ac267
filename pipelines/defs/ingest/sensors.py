"""raw_dir_sensor: starts the pipeline when pages are added to, changed in or removed from the raw directory.

It compares a fingerprint of the page listing (path, size, modification time) with the one in its cursor,
so it never reads page contents and never runs twice for the same listing.
"""

import hashlib

import dagster as dg

from pipelines.defs.jobs import ledger_job
from pipelines.defs.resources import LedgerPaths
from pipelines.ingest.raw import MANIFEST_NAME, page_kind


def listing_fingerprint(ledger: LedgerPaths) -> tuple[str, int]:
    """(a hash of the raw directory's page listing, how many pages it lists)."""
    entries = []
    if ledger.raw.is_dir():
        for path in sorted(ledger.raw.rglob("*")):
            if path.is_file() and (page_kind(path) or path.name == MANIFEST_NAME):
                stat = path.stat()
                entries.append(
                    f"{path.relative_to(ledger.raw).as_posix()}\t{stat.st_size}\t{stat.st_mtime_ns}"
                )
    pages = sum(1 for e in entries if not e.split("\t", 1)[0].endswith(MANIFEST_NAME))
    return hashlib.sha256("\n".join(entries).encode()).hexdigest(), pages


@dg.sensor(
    job=ledger_job,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Runs ledger_job when the raw directory's pages or manifests change.",
)
def raw_dir_sensor(context: dg.SensorEvaluationContext, ledger: LedgerPaths):
    fingerprint, pages = listing_fingerprint(ledger)
    if fingerprint == context.cursor:
        return dg.SkipReason(f"raw directory unchanged ({pages} pages)")
    context.update_cursor(fingerprint)
    return dg.RunRequest(
        run_key=fingerprint, tags={"ledger/trigger": "raw_dir_sensor", "ledger/pages": str(pages)}
    )
