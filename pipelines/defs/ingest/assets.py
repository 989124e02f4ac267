"""raw_pages: registers every page of the raw landing zone, with its manifest entry and content hash.

Every page entry is either a raw_pages row or a quarantine row at stage `raw_pages` (its raw_path the
page's path, check_name the check or cap that refused it); notices about manifests and directories are
quarantine rows of the same stage with no doc_id (pipelines/ingest/raw.py says which).

This is the seam for fetching: a fetcher only has to drop pages (and a manifest.csv) under the raw directory,
as fetched_pages (fetch.py) does under <raw>/fetched/. That dependency is drawn for lineage only: ledger_job
does not fetch, it registers whatever is in the raw directory.
"""

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.defs.metadata import markdown_preview, table_metadata
from pipelines.defs.resources import LedgerPaths
from pipelines.ingest import scan_raw_dir
from pipelines.storage.warehouse import frame
from pipelines.storage.writes import write_stage


@dg.asset(
    group_name="ingest",
    kinds={"python", "duckdb"},
    deps=["fetched_pages"],
    description="Every page file under the raw directory (.html, .htm, .txt, gzipped too), with its "
    "manifest.csv entry (url, outlet, language, published) and SHA-256. Pages are never edited. A page that "
    "cannot be registered (a symlink leaving raw/, unreadable, over the size cap, a bad manifest row) is a "
    "quarantine row of stage raw_pages instead.",
)
def raw_pages(
    context: dg.AssetExecutionContext, ledger: LedgerPaths, duckdb: DuckDBResource
) -> dg.MaterializeResult:
    scan = scan_raw_dir(ledger.raw)
    for warning in scan.warnings:
        context.log.warning(warning)
    for refusal in scan.refused + scan.notices:
        context.log.warning(f"quarantined {refusal.raw_path} ({refusal.check_name}): {refusal.reason}")
    context.log.info(
        f"found {len(scan.pages)} pages under {ledger.raw}, refused {len(scan.refused)}, "
        f"{len(scan.notices)} notices"
    )
    rows = [
        {
            "doc_id": p.doc_id,
            "raw_path": p.raw_path,
            "raw_sha256": p.sha256,
            "size_bytes": p.size_bytes,
            "kind": p.kind,
            "url": p.url,
            "outlet": p.outlet,
            "language": p.language,
            "published_date": p.published,
            "charset": p.charset,
        }
        for p in scan.pages
    ]
    sources = {p.doc_id: (p.raw_path, p.sha256) for p in scan.pages}
    with duckdb.get_connection() as con:
        report = write_stage(
            con, "raw_pages", {"raw_pages": rows}, quarantine=scan.quarantine_rows(), sources=sources
        )
    df = frame("raw_pages", rows)
    q_df = frame("quarantine", report.quarantined)
    return dg.MaterializeResult(
        metadata={
            **table_metadata(
                df,
                ["doc_id", "kind", "outlet", "published_date", "size_bytes"],
                pages_with_manifest_date=int(df["published_date"].notna().sum()) if len(df) else 0,
                pages_refused=len(scan.refused),
                notices=len(scan.notices),
            ),
            "dagster/row_count": report.written.get("raw_pages", 0),
            "quarantined": markdown_preview(q_df, ["raw_path", "check_name", "reason"], rows=20, width=100),
        }
    )
