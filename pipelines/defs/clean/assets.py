"""documents, removed_spans, quarantine: each raw page decoded, cleaned to its article body, or quarantined.

Publication date: the manifest wins, then the page's own metadata; never the fetch date or today.

Pages are cleaned over LEDGER_PROCESSES worker processes when there are enough of them
(pipelines/parallel.py); only this process writes the warehouse.

Incremental: a page is cleaned again only when its bytes (raw_sha256), its manifest fields or the cleaning
code changed (pipelines/storage/incremental.py); the other documents' rows stay as they are.
"""

import traceback
from functools import partial
from pathlib import Path, PurePosixPath

import dagster as dg
import pandas as pd
from dagster_duckdb import DuckDBResource

from pipelines import settings
from pipelines.cleaning import UnparseablePage, clean_page
from pipelines.defs.metadata import markdown_preview, table_metadata
from pipelines.defs.resources import LedgerPaths
from pipelines.ingest import PageRefused, decode_page_bytes, read_page
from pipelines.parallel import overlapped, pool_size, start_documents
from pipelines.storage.contracts import REFERENCES
from pipelines.storage.incremental import fingerprint, plan, stage_version
from pipelines.storage.warehouse import ensure_table, frame, read_docs
from pipelines.storage.writes import write_stage

STAGE = "documents"
DOC_PREVIEW = ("doc_id", "title", "outlet", "published_date", "paywall_truncated", "n_removed")
PREVIEW_ROWS = 20
# what of a raw_pages row the cleaned document depends on (with the bytes, through raw_sha256)
PAGE_INPUTS = ("raw_path", "raw_sha256", "kind", "url", "outlet", "language", "published_date", "charset")


def _document_row(page: dict, content: str) -> tuple[dict, list[dict]]:
    cleaned = clean_page(content, kind=page["kind"], url=page["url"])
    published, source = page["published_date"], "manifest"
    if published is None and cleaned.published_date is not None:
        published, source = cleaned.published_date, "page_metadata"
    elif published is None:
        source = None
    doc = {
        "doc_id": page["doc_id"],
        "url": page["url"] or cleaned.url,
        "outlet": page["outlet"] or cleaned.sitename,
        "title": cleaned.title,
        "published_date": published,
        "published_source": source,
        "language": page["language"] or cleaned.language,
        "clean_text": cleaned.clean_text,
        "paywall_truncated": bool(cleaned.paywall_truncated),
        "unread_share": cleaned.unread_share,
        "author": cleaned.author,
        "sitename": cleaned.sitename,
        "raw_path": page["raw_path"],
        "raw_sha256": page["raw_sha256"],
        "n_removed": len(cleaned.removed),
    }
    removed = [
        {
            "doc_id": page["doc_id"],
            "span_no": i,
            "text": r.text,
            "rule": r.rule,
            "kind": r.kind,
            "char_at": r.char_at,
        }
        for i, r in enumerate(cleaned.removed)
    ]
    return doc, removed


def clean_document(
    raw_dir: str, page: dict
) -> tuple[dict | None, list[dict], dict | None, tuple[str, str | None]]:
    """One registered page read, decoded and cleaned: (document row, removed spans, quarantine row, (log
    level, a line for the log or None)). Never raises: a page that cannot be cleaned comes back as its
    quarantine row, so it runs in a worker process as well as here (pipelines/parallel.py)."""
    page = {k: (None if v is None or v != v else v) for k, v in page.items()}  # NaN/NaT -> None
    if page["published_date"] is not None and hasattr(page["published_date"], "date"):
        page["published_date"] = page["published_date"].date()
    raw = Path(raw_dir)
    q = {
        "raw_path": page["raw_path"],
        "doc_id": page["doc_id"],
        "raw_sha256": page["raw_sha256"],
        "stage": STAGE,
    }
    try:
        decoded = decode_page_bytes(
            read_page(raw, page["raw_path"]), PurePosixPath(page["raw_path"]).name, page.get("charset")
        )
        doc, spans = _document_row(page, decoded.text)
        doc["decode_warning"] = decoded.warning
    except (PageRefused, UnparseablePage) as exc:  # PageRefused: a cap, binary bytes, no encoding
        check, sample = getattr(exc, "check_name", None), getattr(exc, "sample", None)
        reason = f"{type(exc).__name__}: {exc}"
        return (
            None,
            [],
            {**q, "reason": reason, "check_name": check, "sample": sample},
            ("warning", f"quarantined {page['raw_path']}: {exc}"),
        )
    except FileNotFoundError:
        return (
            None,
            [],
            {**q, "reason": "page vanished from the raw directory after registration"},
            ("warning", None),
        )
    except Exception as exc:  # a cleaner bug must not lose the page: quarantine it with the traceback
        reason = f"unexpected {type(exc).__name__}: {exc}"
        return (
            None,
            [],
            {**q, "reason": reason},
            ("error", f"cleaning {page['raw_path']} failed:\n{traceback.format_exc()}"),
        )
    return (
        doc,
        spans,
        None,
        ("warning", f"{page['raw_path']}: {decoded.warning}" if decoded.warning else None),
    )


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            "documents",
            deps=["raw_pages"],
            group_name="clean",
            kinds={"python", "duckdb"},
            description="One row per page: the article body (`clean_text`, NFC, spaces folded) with title, "
            "outlet, publication date and its source, language and the paywall flag. Offsets of every "
            "mention, figure and date index `clean_text`.",
        ),
        dg.AssetSpec(
            "removed_spans",
            deps=["raw_pages"],
            group_name="clean",
            kinds={"duckdb"},
            description="Every span the cleaner removed from a page (navigation, paywall, newsletter, "
            "credits, teasers, repeated lines), with the rule that removed it.",
        ),
        dg.AssetSpec(
            "quarantine",
            deps=["raw_pages"],
            group_name="clean",
            kinds={"duckdb"},
            description="Pages that could not be processed, with the reason and the stage that refused them. "
            "Nothing is dropped silently.",
        ),
    ],
    code_version=stage_version("documents"),
)
def documents(context: dg.AssetExecutionContext, ledger: LedgerPaths, duckdb: DuckDBResource):
    with duckdb.get_connection() as con:
        ensure_table(con, "raw_pages")
        keys = con.execute(
            f"SELECT doc_id, {', '.join(PAGE_INPUTS)} FROM raw_pages ORDER BY raw_path"
        ).fetchall()
        work = plan(con, "documents", {k[0]: fingerprint("documents", *k[1:]) for k in keys})
    context.log.info(work.describe())
    used, written, kept, removed_count = [1], 0, [], 0
    removed_head, quarantined_all, per_doc = [], [], {}

    def start(batch):
        if batch.of > 1:
            context.log.info(batch.describe())
        with duckdb.get_connection() as con:
            pages = read_docs(con, "raw_pages", batch.todo, order="raw_path").to_dict("records")
        workers = pool_size(len(pages))
        return (
            batch,
            pages,
            workers,
            start_documents(partial(clean_document, str(ledger.raw)), pages, workers),
        )

    def finish(started) -> None:
        nonlocal written, removed_count
        batch, pages, workers, cleaned = started
        used.append(workers)
        docs, removed, quarantined = [], [], []
        for doc, spans, refusal, (level, message) in cleaned:
            if message:
                getattr(context.log, level)(message)
            if refusal is not None:
                quarantined.append(refusal)
                continue
            docs.append(doc)
            removed.extend(spans)
        # one summary line per batch (a line per page is an event-log write per page)
        context.log.info(
            f"cleaned {len(docs)} of {len(pages)} pages: {sum(len(d['clean_text']) for d in docs)} chars "
            f"kept, {len(removed)} spans removed, {len(quarantined)} quarantined"
        )
        sources = {p["doc_id"]: (p["raw_path"], p["raw_sha256"]) for p in pages}
        doc_df, removed_df = frame("documents", docs), frame("removed_spans", removed)
        with duckdb.get_connection() as con:
            report = write_stage(
                con,
                "documents",
                {"documents": doc_df, "removed_spans": removed_df},
                quarantine=quarantined,
                sources=sources,
                references=REFERENCES,
                docs=batch.docs,
                fingerprints=batch.todo,
            )
        # what the materializations report, without holding the batch: a row summary per document
        written += report.written.get("documents", 0)
        kept.append(doc_df[list(DOC_PREVIEW)].assign(clean_chars=doc_df["clean_text"].str.len()))
        removed_count += len(removed_df)
        removed_head.extend(removed_df.head(PREVIEW_ROWS - len(removed_head)).to_dict("records"))
        per_doc.update(removed_df.groupby("doc_id").size().to_dict() if len(removed_df) else {})
        quarantined_all.extend(report.quarantined)

    batches = work.batches(settings.batch_documents())
    overlapped(batches, start, finish)  # batch k+1 is cleaned while batch k is written
    doc_df = pd.concat([k for k in kept if len(k)] or kept[:1], ignore_index=True)  # a frame per batch
    removed_df = frame("removed_spans", removed_head)
    q_df = frame("quarantine", quarantined_all)
    yield dg.MaterializeResult(
        asset_key="documents",
        metadata={
            **table_metadata(doc_df, list(DOC_PREVIEW)),
            "dagster/row_count": written,
            "paywall_truncated": int(doc_df["paywall_truncated"].sum()) if len(doc_df) else 0,
            "mean_clean_chars": float(doc_df["clean_chars"].mean()) if len(doc_df) else 0.0,
            "processes": max(used),
            "batches": len(batches),
            **work.metadata(),
        },
    )
    yield dg.MaterializeResult(
        asset_key="removed_spans",
        metadata={
            **table_metadata(removed_df, ["doc_id", "rule", "kind", "text"]),
            "dagster/row_count": removed_count,
            "removed_per_document": dg.MetadataValue.json(per_doc),
        },
    )
    yield dg.MaterializeResult(
        asset_key="quarantine",
        metadata={
            **table_metadata(q_df, ["raw_path", "stage", "reason"]),
            "quarantined_pages": len(q_df),
            "reasons": markdown_preview(q_df, ["raw_path", "reason"], rows=20, width=120),
        },
    )
