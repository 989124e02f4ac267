"""fetched_pages: fetches the URLs and feeds of the sources file into `<raw>/fetched/` (run by fetch_job).

It is not part of ledger_job, so `make run` never touches the network; raw_dir_sensor notices the new pages
and runs the pipeline on them. Its check `no_fetch_failures` warns with the failed URLs and their reasons
(and with manifest rows the fetcher ignored because their file is not a page inside `fetched/`).
The limits (time, size, feed items) are FetchSettings' (pipelines/ingest/fetch.py), its defaults here too.
"""

from pathlib import Path

import dagster as dg
import pandas as pd
from pydantic import Field

from pipelines import settings
from pipelines.defs.metadata import markdown_preview
from pipelines.defs.resources import LedgerPaths
from pipelines.ingest.fetch import (
    FETCHED_DIR,
    LOG_COLUMNS,
    LOG_NAME,
    FetchSettings,
    fetch_from_file,
    stored_pages,
)

_DEFAULTS = FetchSettings()


class FetchConfig(dg.Config):
    """How to fetch; the defaults are the polite ones (`make fetch` and the schedule use them)."""

    sources_file: str = Field(
        default="",
        description="YAML file with urls: and feeds: (relative to the project root); "
        "empty: LEDGER_SOURCES, else sources.yaml",
    )
    refresh: bool = Field(default=False, description="fetch again URLs that were fetched before")
    delay_seconds: float = Field(
        default=_DEFAULTS.delay, description="pause between two requests to one host"
    )
    timeout_seconds: float = Field(default=_DEFAULTS.timeout, description="to connect, and for each read")
    deadline_seconds: float = Field(
        default=_DEFAULTS.deadline, description="for a whole response, from connecting to its last byte"
    )
    max_bytes: int = Field(
        default=_DEFAULTS.max_bytes, description="a larger page (as received, or once decoded) is refused"
    )
    max_feed_items: int = Field(
        default=_DEFAULTS.max_feed_items,
        description="items fetched per feed; the others are logged as skipped",
    )

    def sources_path(self) -> Path:
        if not self.sources_file:
            return settings.sources_path()
        path = Path(self.sources_file).expanduser()
        return path if path.is_absolute() else settings.PROJECT_ROOT / path


@dg.asset(
    group_name="ingest",
    kinds={"python"},
    check_specs=[
        dg.AssetCheckSpec(
            "no_fetch_failures",
            asset="fetched_pages",
            description="Every URL and feed of the sources file was fetched or skipped; failures are listed "
            "with their reason (HTTP status, timeout or deadline, robots.txt, refused address, content type, "
            "size, bad URL, bad or refused feed, ignored manifest row).",
        )
    ],
    description="Pages of the URLs and RSS/Atom feeds listed in the sources file, stored byte for byte "
    "under <raw>/fetched/ with a manifest.csv (url, outlet, language, published) and fetch_log.csv.",
)
def fetched_pages(
    context: dg.AssetExecutionContext, config: FetchConfig, ledger: LedgerPaths
) -> dg.MaterializeResult:
    sources = config.sources_path()
    context.log.info(f"fetching the sources of {sources} into {ledger.raw / FETCHED_DIR}")
    report = fetch_from_file(
        sources,
        ledger.raw,
        FetchSettings(
            refresh=config.refresh,
            delay=config.delay_seconds,
            timeout=config.timeout_seconds,
            deadline=config.deadline_seconds,
            max_bytes=config.max_bytes,
            max_feed_items=config.max_feed_items,
        ),
    )
    attempts = pd.DataFrame([a.row() for a in report.attempts], columns=list(LOG_COLUMNS))
    failures = attempts[attempts["status"] == "failed"]
    for row in failures.itertuples():
        context.log.warning(f"failed {row.url}: {row.reason}")
    counts = {
        "fetched": report.count("fetched", "page"),
        "skipped": report.count("skipped", "page"),
        "failed": report.count("failed"),  # pages and feeds
        "feeds_read": report.count("fetched", "feed"),
    }
    context.log.info("fetch done: " + ", ".join(f"{n} {what}" for what, n in counts.items()))

    pages_kept = len(stored_pages(ledger.raw))
    failure_table = markdown_preview(failures, ["url", "http_status", "reason"], rows=50, width=100)
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": pages_kept,
            **counts,
            "sources_file": dg.MetadataValue.path(str(sources)),
            "fetch_log": dg.MetadataValue.path(str(ledger.raw / FETCHED_DIR / LOG_NAME)),
            "fetched_now": markdown_preview(
                attempts[(attempts["status"] == "fetched") & (attempts["file"] != "")],
                ["url", "file", "bytes", "reason"],
                rows=20,
            ),
            "failures": failure_table,
        },
        check_results=[
            dg.AssetCheckResult(
                check_name="no_fetch_failures",
                passed=failures.empty,
                severity=dg.AssetCheckSeverity.WARN,
                description=f"{len(failures)} of {len(attempts)} attempts failed" if len(failures) else None,
                metadata={
                    "failing_rows": len(failures),
                    "total_rows": len(attempts),
                    "failures": failure_table,
                },
            )
        ],
    )
