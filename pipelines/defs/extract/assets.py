"""entities, mentions, dates, figures: the knowledge base and what each document's clean text says.

Each asset reads the earlier stage's table (never its internals), extracts per document, and replaces its
rows of those documents, a batch of LEDGER_BATCH_DOCUMENTS at a time, each batch in one transaction (the
run publishes them all in one). Incremental: a stage extracts a document again only when a
stage it needs re-processed it, its publication date changed, or the stage's code (with the knowledge base
and lexicons) changed; the other documents' rows stay. Row ids are derived from the document and the span,
so they are stable across re-runs of the same input.

One document never stops a stage: an extractor that raises on a document quarantines that document for the
stage (check_name `extractor_error`, the exception as reason, where it was raised as sample) and the rest of
the batch is written. A document quarantined at mentions or dates is not given to figures, which needs both:
figures records it as quarantined too (check_name `upstream_quarantined`), so every stage accounts for
every document of `documents`.
"""

import traceback
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

import dagster as dg
import pandas as pd
from dagster_duckdb import DuckDBResource

from pipelines import settings
from pipelines.dates import date_for_span, extract_dates
from pipelines.defs.metadata import table_metadata
from pipelines.defs.nlp.assets import parsed_docs
from pipelines.defs.resources import LedgerWarehouse
from pipelines.entities import find_mentions, lineage_view_sql, shared_kb
from pipelines.figures import extract_figures
from pipelines.nlp import from_bytes, load_nlp
from pipelines.parallel import overlapped, pool_size, start_documents
from pipelines.storage.contracts import REFERENCES, as_date
from pipelines.storage.incremental import Batch, Plan, fingerprint, plan, stage_version, upstream
from pipelines.storage.warehouse import ensure_table, frame, read_docs, read_table
from pipelines.storage.writes import write_stage

EXTRACT = {"group_name": "extract", "kinds": {"python", "duckdb"}}


# Stages a stage needs, for "consistently downstream": a document quarantined at one of them is skipped.
NEEDS: dict[str, tuple[str, ...]] = {
    "mentions": ("parses",),
    "dates": ("parses",),
    "figures": ("parses", "mentions", "dates"),
}
EXTRACTOR_ERROR = "extractor_error"
UPSTREAM_QUARANTINED = "upstream_quarantined"
PREVIEW_ROWS = 10  # rows of a stage's preview in the UI
_PROJECT = Path(__file__).resolve().parents[3]


def _plan(context: dg.AssetExecutionContext, duckdb: DuckDBResource, stage: str) -> Plan:
    """Which documents `stage` processes this run: those whose upstream fingerprints (the stages it needs),
    publication date or the stage's code changed since it last processed them."""
    with duckdb.get_connection() as con:
        ensure_table(con, "documents")
        dates = dict(con.execute("SELECT doc_id, published_date FROM documents").fetchall())
        before = upstream(con, NEEDS[stage])
        work = plan(con, stage, {d: fingerprint(stage, before.get(d), day) for d, day in dates.items()})
    context.log.info(work.describe())
    return work


def _documents(duckdb: DuckDBResource, doc_ids) -> list[dict]:
    """The documents `doc_ids`, publication dates as datetime.date (DuckDB hands DATE over as Timestamps or
    dates), each with its one spaCy parse: under "doc" (None when it has none: quarantined at parses), or,
    for a batch that worker processes extract, as DocBin bytes under "docbin". Inside a run the Docs come
    from the run's cache: every extract step reads the same Doc, deserialised once."""
    cache = duckdb.doc_cache if isinstance(duckdb, LedgerWarehouse) else None
    pooled = pool_size(len(doc_ids)) > 1
    with duckdb.get_connection() as con:
        docs = read_docs(con, "documents", doc_ids)
        if pooled:
            blobs = read_docs(con, "parses", doc_ids, columns="doc_id, docbin")
            parsed = {i: bytes(b) for i, b in blobs.itertuples(index=False) if b is not None}
        else:
            parsed = parsed_docs(con, cache, doc_ids)
    out = []
    for d in docs.to_dict("records"):
        d["published_date"] = as_date(d["published_date"])
        d["doc"] = None if pooled else parsed.get(d["doc_id"])
        d["docbin"] = parsed.get(d["doc_id"]) if pooled else None
        out.append(d)
    return out


def _sources(docs: list[dict]) -> dict[str, tuple[str, str]]:
    return {d["doc_id"]: (d["raw_path"], d["raw_sha256"]) for d in docs}


def _quarantine_row(doc: dict, stage: str, reason: str, check_name: str, sample: str | None) -> dict:
    return {
        "raw_path": doc["raw_path"],
        "doc_id": doc["doc_id"],
        "raw_sha256": doc["raw_sha256"],
        "stage": stage,
        "reason": reason[:2000],
        "check_name": check_name,
        "sample": None if sample is None else sample[:200],
    }


def _raised_at(exc: BaseException) -> str:
    """The last traceback line: where the exception was raised ("pipelines/x.py:12 in f: code")."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return type(exc).__name__
    last = frames[-1]
    path = Path(last.filename)
    shown = path.relative_to(_PROJECT) if path.is_relative_to(_PROJECT) else path
    return f"{shown}:{last.lineno} in {last.name}: {(last.line or '').strip()}"


def extract_document(stage: str, d: dict) -> tuple[list[dict] | None, tuple[str, str, str] | None]:
    """(rows, None) of `stage`'s extractor on one document, or (None, (reason, where raised, traceback))
    when it raises. Module-level and never raising: pipelines.parallel runs it in worker processes, where a
    document comes with its parse as DocBin bytes ("docbin") and its spans as rows."""
    try:
        if d.get("doc") is None and d.get("docbin") is not None:
            d = {**d, "doc": from_bytes(d["docbin"], load_nlp())[0]}
        return EXTRACTORS[stage](d), None
    except Exception as exc:  # one document's failure is that document's quarantine, not the run's
        failure = (f"{type(exc).__name__}: {exc}", _raised_at(exc), "".join(traceback.format_exception(exc)))
        return None, failure


def start_extraction(stage: str, docs: list[dict]) -> tuple[Iterator, int]:
    """`stage`'s extractor over `docs`, handed to the worker pool now when the batch is large enough
    (pipelines.parallel.start_documents): (the results in order, how many processes)."""
    workers = pool_size(len(docs))
    return start_documents(partial(extract_document, stage), docs, workers=workers), workers


def per_document(
    context: dg.AssetExecutionContext,
    stage: str,
    docs: list[dict],
    quarantined: list[dict],
    started: tuple[Iterator, int],
) -> tuple[list[dict], int]:
    """Rows of `stage`'s extractor for every document, from their `started` extraction; a document whose
    extraction raises is quarantined for `stage` (appended to `quarantined`, logged with its traceback) and
    contributes no row. One log line sums the stage up (a line per document would be an event-log write per
    document). Returns (the rows, how many processes extracted them)."""
    rows: list[dict] = []
    per_doc: dict[str, int] = {}
    extracted, workers = started
    for d, (found, failure) in zip(docs, extracted, strict=True):
        if failure is not None:
            reason, where, trace = failure
            context.log.error(
                f"{stage}: extraction failed on {d['doc_id']} ({d['raw_path']}), quarantined:\n{trace}"
            )
            quarantined.append(_quarantine_row(d, stage, reason, EXTRACTOR_ERROR, where))
            continue
        rows += found
        per_doc[d["doc_id"]] = len(found)
    most = sorted(per_doc.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
    context.log.info(
        f"{stage}: {len(rows)} rows from {len(per_doc)} documents, {len(docs) - len(per_doc)} failed"
        + (f" ({workers} processes)" if workers > 1 else "")
        + (f"; most: {', '.join(f'{doc} ({n})' for doc, n in most)}" if most else "")
    )
    return rows, workers


def extract_stage(
    context: dg.AssetExecutionContext,
    duckdb: DuckDBResource,
    stage: str,
    preview: list[str],
    summary: list[str],
    numbers: Callable[[pd.DataFrame], dict],
    prepare: Callable[[DuckDBResource, Batch, list[dict]], None] | None = None,
) -> dg.MaterializeResult:
    """Run `stage`'s extractor over the documents its plan names, batch after batch
    (settings.batch_documents()): read a batch's documents and parses, `prepare` them (figures adds their
    mentions and dates), extract, write the rows (contract- and reference-checked, with the batch's
    quarantine rows) in one transaction. With worker processes, batch k+1 is read and handed to them before
    batch k is written, so they never wait for the one writer. Then describe the stage for the UI: row
    count, a preview, the quarantined documents and `numbers` of the rows' `summary` columns (all a run
    keeps of its rows)."""
    work = _plan(context, duckdb, stage)
    used, written, quarantined_n, kept, shown = [1], 0, 0, [], []

    def start(batch: Batch):
        if batch.of > 1:
            context.log.info(batch.describe())
        quarantined: list[dict] = []
        all_docs = _documents(duckdb, batch.todo)
        docs = without_upstream_quarantine(duckdb, stage, all_docs, quarantined)
        if prepare is not None:
            prepare(duckdb, batch, docs)
        return batch, _sources(all_docs), docs, quarantined, start_extraction(stage, docs)

    def finish(started) -> None:
        nonlocal written, quarantined_n
        batch, sources, docs, quarantined, extraction = started
        rows, workers = per_document(context, stage, docs, quarantined, extraction)
        used.append(workers)
        df = frame(stage, rows)
        with duckdb.get_connection() as con:
            report = write_stage(
                con,
                stage,
                {stage: df},
                quarantine=quarantined,
                sources=sources,
                references=REFERENCES,
                docs=batch.docs,
                fingerprints=batch.todo,
            )
        written += report.written[stage]
        quarantined_n += len(report.quarantined)
        kept.append(df[summary])
        shown.append(df.head(PREVIEW_ROWS - sum(len(x) for x in shown)))

    batches = work.batches(settings.batch_documents())
    overlapped(batches, start, finish)  # batch k+1 is extracted while batch k is written
    rows_kept = pd.concat([k for k in kept if len(k)] or kept[:1], ignore_index=True)
    return dg.MaterializeResult(
        metadata={
            **table_metadata(pd.concat(shown, ignore_index=True), preview),
            "dagster/row_count": written,
            "quarantined": quarantined_n,
            "processes": max(used),
            "batches": len(batches),
            **work.metadata(),
            **numbers(rows_kept),
        }
    )


def without_upstream_quarantine(
    duckdb: DuckDBResource, stage: str, docs: list[dict], quarantined: list[dict]
) -> list[dict]:
    """The documents no stage that `stage` needs has quarantined; the others are quarantined for `stage` too,
    naming the stage that refused them."""
    needs = NEEDS.get(stage, ())
    if not needs:
        return docs
    with duckdb.get_connection() as con:
        refused = read_docs(con, "quarantine", [d["doc_id"] for d in docs], "doc_id, stage, reason", "stage")
    refused = [r for r in refused.itertuples(index=False) if r.stage in needs]
    by_doc: dict[str, list[tuple[str, str]]] = {}
    for doc_id, refused_at, reason in refused:
        by_doc.setdefault(doc_id, []).append((refused_at, reason))
    kept = []
    for d in docs:
        upstream = by_doc.get(d["doc_id"])
        if upstream is None:
            kept.append(d)
            continue
        stages = " and ".join(sorted({u for u, _ in upstream}))
        quarantined.append(
            _quarantine_row(
                d,
                stage,
                f"not extracted: quarantined at {stages}, which {stage} needs",
                UPSTREAM_QUARANTINED,
                f"{upstream[0][0]}: {upstream[0][1]}",
            )
        )
    return kept


def span_id(doc_id: str, kind: str, start: int, end: int) -> str:
    return f"{doc_id}:{kind}:{start}-{end}"


def span_rows(doc_id: str, kind: str, id_column: str, items, **columns: str) -> list[dict]:
    """Rows for extracted items: a stable id, the document, the span, and `columns` (column=attribute)."""
    return [
        {
            id_column: span_id(doc_id, kind, x.start, x.end),
            "doc_id": doc_id,
            "char_start": x.start,
            "char_end": x.end,
            "surface": x.surface,
            **{column: getattr(x, attribute) for column, attribute in columns.items()},
        }
        for x in items
    ]


@dg.asset(
    description="The knowledge base of armed groups, people, places and organisations (with aliases and "
    "lineage), loaded from the data files in pipelines/entities/kb/ and validated. Also writes the "
    "entity_aliases and entity_lineage tables and the lineage roll-up views.",
    code_version=stage_version("entities"),
    **EXTRACT,
)
def entities(context: dg.AssetExecutionContext, duckdb: DuckDBResource) -> dg.MaterializeResult:
    kb = shared_kb()  # the same load the extractors of this process use (one YAML read and matcher build)
    ents, aliases, lineage = kb.entity_rows(), kb.alias_rows(), kb.lineage_rows()
    with duckdb.get_connection() as con:
        write_stage(con, "entities", {"entities": ents, "entity_aliases": aliases, "entity_lineage": lineage})
        read_table(con, "mentions", "LIMIT 0")  # the views read mentions: the table must exist first
        for statement in lineage_view_sql():
            con.execute(statement)
    df = frame("entities", ents)
    context.log.info(
        f"knowledge base: {len(ents)} entities, {len(aliases)} aliases, {len(lineage)} lineage links"
    )
    return dg.MaterializeResult(
        metadata={
            **table_metadata(df, ["entity_id", "name", "type"]),
            "aliases": len(aliases),
            "lineage_links": len(lineage),
            "by_type": dg.MetadataValue.json(df["type"].value_counts().to_dict() if len(df) else {}),
        }
    )


@dg.asset(
    deps=["documents", "parses", "entities"],
    description="Every mention of an armed group, person, place or organisation in clean_text, linked to "
    "the knowledge base (entity_id null for names it does not know yet).",
    code_version=stage_version("mentions"),
    **EXTRACT,
)
def mentions(context: dg.AssetExecutionContext, duckdb: DuckDBResource) -> dg.MaterializeResult:
    return extract_stage(
        context,
        duckdb,
        "mentions",
        ["doc_id", "surface", "entity_type", "entity_id"],
        ["entity_id"],
        lambda df: {
            "linked_share": float(df["entity_id"].notna().mean()) if len(df) else 0.0,
            "unlinked": int(df["entity_id"].isna().sum()) if len(df) else 0,
        },
    )


@dg.asset(
    deps=["documents", "parses"],
    description="Every time expression in clean_text as an inclusive calendar interval [date_start, "
    "date_end] with its granularity, resolved against the publication date (unresolved and flagged when the "
    "document has none).",
    code_version=stage_version("dates"),
    **EXTRACT,
)
def dates(context: dg.AssetExecutionContext, duckdb: DuckDBResource) -> dg.MaterializeResult:
    return extract_stage(
        context,
        duckdb,
        "dates",
        ["doc_id", "surface", "date_start", "date_end", "granularity"],
        ["resolved"],
        lambda df: {"unresolved": int((~df["resolved"].astype(bool)).sum()) if len(df) else 0},
    )


class _Span:
    """A stored mention or date, with the attributes the extractors read."""

    def __init__(self, row: dict):
        self.start, self.end = int(row["char_start"]), int(row["char_end"])
        self.surface = row["surface"]
        self.entity_type = row.get("entity_type")
        self.entity_id = row.get("entity_id") if isinstance(row.get("entity_id"), str) else None
        # the knowledge base's kind of the linked entity (e.g. camp, city, governorate, country), if any
        self.entity_kind = row.get("entity_kind") if isinstance(row.get("entity_kind"), str) else None
        self.date_id = row.get("date_id")
        self.method = row.get("method")


def _by_doc(df: pd.DataFrame) -> dict[str, list[dict]]:
    """doc_id -> its span rows, in text order (plain rows: they travel to worker processes)."""
    out: dict[str, list[dict]] = {}
    columns = [
        c
        for c in (
            "doc_id",
            "char_start",
            "char_end",
            "surface",
            "entity_type",
            "entity_id",
            "entity_kind",
            "method",
            "date_id",
        )
        if c in df.columns
    ]
    for row in df.sort_values("char_start")[columns].to_dict("records"):
        out.setdefault(row["doc_id"], []).append(row)
    return out


def _figure_rows(d: dict, doc_mentions: list[_Span], doc_dates: list[_Span]) -> list[dict]:
    """One document's figures as rows, each linked to the date its sentence names."""
    text, doc_id = d["clean_text"], d["doc_id"]
    found = extract_figures(text, doc_mentions, doc=d["doc"])
    ids = [span_id(doc_id, "f", f.start, f.end) for f in found]
    rows = []
    for i, f in enumerate(found):
        date_index = date_for_span(doc_dates, f.start, f.end, text, doc=d["doc"]) if doc_dates else None
        rows.append(
            {
                "figure_id": ids[i],
                "doc_id": doc_id,
                "char_start": f.start,
                "char_end": f.end,
                "surface": f.surface,
                "value": f.value,
                "low": f.low,
                "high": f.high,
                "qualifier": f.qualifier,
                "category": f.category,
                "unit": f.unit,
                "actor_entity_id": f.actor_entity_id,
                "location_entity_id": f.location_entity_id,
                "part_of_figure_id": ids[f.part_of] if f.part_of is not None else None,
                "repeat_of_figure_id": ids[f.repeat_of] if f.repeat_of is not None else None,
                "date_id": doc_dates[date_index].date_id if date_index is not None else None,
                # attribution and explanation (issue 15): None where the extractor does not say
                "source_entity_id": getattr(f, "source_entity_id", None),
                "source_surface": getattr(f, "source_surface", None),
                "rule": getattr(f, "rule", None),
            }
        )
    return rows


@dg.asset(
    deps=["documents", "parses", "mentions", "dates"],
    description="Every number about people in clean_text: value/low/high, qualifier, category (fighters, "
    "killed, wounded, detained, missing, displaced, returned, population; `other` with a unit), the armed "
    "group and place it is about, the date its sentence names, part-of links and repeats.",
    code_version=stage_version("figures"),
    **EXTRACT,
)
def figures(context: dg.AssetExecutionContext, duckdb: DuckDBResource) -> dg.MaterializeResult:
    return extract_stage(
        context,
        duckdb,
        "figures",
        [
            "doc_id",
            "surface",
            "value",
            "low",
            "high",
            "qualifier",
            "category",
            "actor_entity_id",
            "location_entity_id",
        ],
        ["category"],
        _figure_numbers,
        prepare=_with_spans,
    )


def _with_spans(duckdb: DuckDBResource, batch: Batch, docs: list[dict]) -> None:
    """Each document of the batch with its stored mentions (and their entities' kinds) and dates."""
    with duckdb.get_connection() as con:
        read_table(con, "entities", "LIMIT 0")  # creates the tables on a new warehouse
        kinds = dict(con.execute("SELECT entity_id, kind FROM entities").fetchall())
        found = read_docs(con, "mentions", batch.todo)
        found["entity_kind"] = found["entity_id"].map(kinds)
        mention_rows = _by_doc(found)
        date_rows = _by_doc(read_docs(con, "dates", batch.todo))
    for d in docs:
        d["mention_rows"] = mention_rows.get(d["doc_id"], [])
        d["date_rows"] = date_rows.get(d["doc_id"], [])


def _figure_numbers(df: pd.DataFrame) -> dict:
    people = df[df["category"] != "other"] if len(df) else df
    return {
        "people_figures": len(people),
        "by_category": dg.MetadataValue.json(
            people["category"].value_counts().to_dict() if len(people) else {}
        ),
    }


def _mention_rows(d: dict) -> list[dict]:
    found = find_mentions(d["clean_text"], shared_kb(), d["published_date"], doc=d["doc"])
    return span_rows(
        d["doc_id"],
        "m",
        "mention_id",
        found,
        entity_type="entity_type",
        entity_id="entity_id",
        method="method",
        cluster_id="cluster",
    )


def _date_rows(d: dict) -> list[dict]:
    found = extract_dates(d["clean_text"], d["published_date"], doc=d["doc"])
    return span_rows(
        d["doc_id"],
        "d",
        "date_id",
        found,
        date_start="date_start",
        date_end="date_end",
        granularity="granularity",
        resolved="resolved",
        anchor="anchor",
    )


def _figures_of(d: dict) -> list[dict]:
    spans = [_Span(r) for r in d["mention_rows"]], [_Span(r) for r in d["date_rows"]]
    return _figure_rows(d, *spans)


# stage -> its extractor on one document
EXTRACTORS: dict[str, Callable[[dict], list[dict]]] = {
    "mentions": _mention_rows,
    "dates": _date_rows,
    "figures": _figures_of,
}
