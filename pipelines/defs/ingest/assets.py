"""raw_pages: registers every page of the raw landing zone, with its manifest entry and content hash.

This is the seam for fetching: a fetcher only has to drop pages (and a manifest.csv) under the raw directory,
as fetched_pages (fetch.py) does under <raw>/fetched/. That dependency is drawn for lineage only: ledger_job
does not fetch, it registers whatever is in the raw directory.
"""

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.defs.metadata import table_metadata
from pipelines.defs.resources import LedgerPaths
from pipelines.ingest import scan_raw_dir
from pipelines.storage.warehouse import frame
from pipelines.storage.writes import write_stage


@dg.asset(
    group_name="ingest",
    kinds={"python", "duckdb"},
    pool="duckdb",
    deps=["fetched_pages"],
    description="Every page file under the raw directory (.html, .htm, .txt, gzipped too), with its "
    "manifest.csv entry (url, outlet, language, published) and SHA-256. Pages are never edited.",
)
def raw_pages(
    context: dg.AssetExecutionContext, ledger: LedgerPaths, duckdb: DuckDBResource
) -> dg.MaterializeResult:
    pages = scan_raw_dir(ledger.raw)
    context.log.info(f"found {len(pages)} pages under {ledger.raw}")
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
        for p in pages
    ]
    with duckdb.get_connection() as con:
        write_stage(con, "raw_pages", {"raw_pages": rows})
    df = frame("raw_pages", rows)
    return dg.MaterializeResult(
        metadata=table_metadata(
            df,
            ["doc_id", "kind", "outlet", "published_date", "size_bytes"],
            pages_with_manifest_date=int(df["published_date"].notna().sum()) if len(df) else 0,
        )
    )
