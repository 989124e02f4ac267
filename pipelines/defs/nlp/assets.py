"""parses: one spaCy parse per document (pipelines/nlp), stored as DocBin bytes, read by every extractor.

Tokens, sentences, POS, lemmas, dependencies and named entities of a document come from this parse and from
nothing else. A document whose parse fails is quarantined for the stage `parses`; the rest is written.
A document is parsed again only when its clean text or the parser (code, spaCy, the model) changed.
Documents are parsed and written in batches of LEDGER_BATCH_DOCUMENTS, so a run holds one batch of parses.
"""

import traceback
from typing import TYPE_CHECKING

import dagster as dg
import pandas as pd
from dagster_duckdb import DuckDBResource

from pipelines import settings
from pipelines.defs.metadata import table_metadata
from pipelines.defs.resources import LedgerWarehouse
from pipelines.nlp import from_bytes, load_nlp, parse_documents, to_bytes
from pipelines.nlp.docbin import DocCache
from pipelines.parallel import overlapped, pool_size, start_documents
from pipelines.storage.incremental import fingerprint, plan, stage_version
from pipelines.storage.warehouse import ensure_table, frame, read_docs
from pipelines.storage.writes import write_stage

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    import duckdb
    from spacy.tokens import Doc


def _model_name(nlp) -> str:
    return f"{nlp.meta.get('name')}-{nlp.meta.get('version')}"


def _row(doc_id: str, sha: str, doc: "Doc", model: str) -> dict:
    return {
        "doc_id": doc_id,
        "raw_sha256": sha,
        "model": model,
        "tokens": len(doc),
        "sentences": sum(1 for _ in doc.sents),
        "entities": len(doc.ents),
        "docbin": to_bytes([doc]),
    }


CHUNK = 8  # documents a worker parses in one nlp.pipe call


def parse_chunk(docs: list[tuple[str, str, str]]) -> list[tuple[str, dict | None, str | None]]:
    """(doc_id, raw_sha256, clean_text) triples -> (doc_id, parse row, None) or, for a document whose parse
    fails, (doc_id, None, the traceback). The chunk goes through nlp.pipe; if that fails, each document
    alone. Module-level: pipelines.parallel runs it in worker processes."""
    nlp = load_nlp()
    model = _model_name(nlp)
    try:
        parsed = parse_documents([(i, text) for i, _, text in docs], nlp=nlp)
        sha = {i: h for i, h, _ in docs}
        return [(i, _row(i, sha[i], doc, model), None) for i, doc in parsed]
    except Exception:
        pass  # find the bad document: each alone
    out = []
    for doc_id, sha, text in docs:
        try:
            ((_, doc),) = list(parse_documents([(doc_id, text)], nlp=nlp))
            out.append((doc_id, _row(doc_id, sha, doc, model), None))
        except Exception:
            out.append((doc_id, None, traceback.format_exc()))
    return out


def start_parsing(docs: list[dict], workers: int = 1) -> "Iterator":
    """The parses of `docs` in chunks, handed to `workers` processes now (pipelines.parallel)."""
    triples = [(d["doc_id"], d["raw_sha256"], d["clean_text"]) for d in docs]
    chunks = [triples[i : i + CHUNK] for i in range(0, len(triples), CHUNK)]
    return start_documents(parse_chunk, chunks, workers=min(workers, len(chunks)), chunk=1)


def parse_batch(
    context: dg.AssetExecutionContext, docs: list[dict], workers: int, started: "Iterator"
) -> tuple[list[dict], list[dict]]:
    """(parse rows, quarantine rows) of `docs` from their `started` parsing over `workers` processes."""
    by_id = {d["doc_id"]: d for d in docs}
    if workers > 1:
        context.log.info(f"parsing {len(docs)} documents in {workers} processes")
    rows, quarantined = [], []
    for chunk in started:
        for doc_id, row, failure in chunk:
            if row is not None:
                rows.append(row)
                continue
            d = by_id[doc_id]
            context.log.error(f"parsing {doc_id} failed:\n{failure}")
            last = failure.strip().splitlines()[-1] if failure.strip() else "parser error"
            quarantined.append(
                {
                    "raw_path": d["raw_path"],
                    "doc_id": doc_id,
                    "raw_sha256": d["raw_sha256"],
                    "stage": "parses",
                    "reason": last[:2000],
                    "check_name": "parser_error",
                }
            )
    return rows, quarantined


def parsed_docs(
    con: "duckdb.DuckDBPyConnection", cache: DocCache | None = None, doc_ids: "Iterable[str] | None" = None
) -> "dict[str, Doc]":
    """The stored parses of `doc_ids` (None: every document), by doc_id (documents without one are absent).

    With the run's `cache`, a parse already deserialised in this run is handed back as is (the same Doc
    every extractor of the run reads) and only the others are read and deserialised."""
    nlp = load_nlp()
    keys = read_docs(con, "parses", doc_ids, columns="doc_id, md5(docbin) AS digest")
    out: dict[str, Doc] = {}
    missing: list[str] = []
    for doc_id, digest in keys.itertuples(index=False):
        doc = cache.get((doc_id, digest)) if cache is not None and digest is not None else None
        if doc is None and digest is not None:
            missing.append(doc_id)
        elif doc is not None:
            out[doc_id] = doc
    if not missing:
        return out
    rows = read_docs(con, "parses", missing, columns="doc_id, md5(docbin) AS digest, docbin")
    for doc_id, digest, blob in rows.itertuples(index=False):
        doc = from_bytes(bytes(blob), nlp)[0]
        if cache is not None:
            cache.put((doc_id, digest), doc)
        out[doc_id] = doc
    return out


@dg.asset(
    deps=["documents"],
    group_name="extract",
    kinds={"python", "duckdb"},
    description="One spaCy parse (en_core_web_sm 3.8.0) of each document's clean_text: tokens, sentences, "
    "POS, lemmas, dependencies and named entities, as DocBin bytes. Every extractor reads this parse.",
    code_version=stage_version("parses"),
)
def parses(context: dg.AssetExecutionContext, duckdb: DuckDBResource) -> dg.MaterializeResult:
    with duckdb.get_connection() as con:
        ensure_table(con, "documents")
        texts = con.execute("SELECT doc_id, md5(clean_text), raw_sha256 FROM documents").fetchall()
        work = plan(con, "parses", {d: fingerprint("parses", *inputs) for d, *inputs in texts})
    context.log.info(work.describe())
    used, written, tokens, quarantined_n, kept = [1], 0, 0, 0, []

    def start(batch):
        if batch.of > 1:
            context.log.info(batch.describe())
        with duckdb.get_connection() as con:
            docs = read_docs(con, "documents", batch.todo).to_dict("records")
        workers = pool_size(len(docs))
        return batch, docs, workers, start_parsing(docs, workers)

    def finish(started) -> None:
        nonlocal written, tokens, quarantined_n
        batch, docs, workers, parsing = started
        rows, quarantined = parse_batch(context, docs, workers, parsing)
        used.append(workers)
        if isinstance(duckdb, LedgerWarehouse) and duckdb.doc_cache is not None:
            duckdb.doc_cache.clear()  # a parse written again: the run's Docs of the earlier one go
        sources = {d["doc_id"]: (d["raw_path"], d["raw_sha256"]) for d in docs}
        with duckdb.get_connection() as con:
            report = write_stage(
                con,
                "parses",
                {"parses": rows},
                quarantine=quarantined,
                sources=sources,
                docs=batch.docs,
                fingerprints=batch.todo,
            )
        df = frame("parses", [{k: v for k, v in r.items() if k != "docbin"} for r in rows])
        written += report.written.get("parses", 0)
        tokens += int(df["tokens"].sum()) if len(df) else 0
        quarantined_n += len(quarantined)
        kept.append(df)

    batches = work.batches(settings.batch_documents())
    overlapped(batches, start, finish)  # batch k+1 is parsed while batch k is written
    df = pd.concat([k for k in kept if len(k)] or kept[:1], ignore_index=True)  # rows without their bytes
    context.log.info(f"parsed {len(df)} documents ({tokens} tokens)")
    return dg.MaterializeResult(
        metadata={
            **table_metadata(df, ["doc_id", "tokens", "sentences", "entities", "model"]),
            "dagster/row_count": written,
            "tokens": tokens,
            "quarantined": quarantined_n,
            "processes": max(used),
            "batches": len(batches),
            **work.metadata(),
        }
    )
