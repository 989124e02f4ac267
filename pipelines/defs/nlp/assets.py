"""parses: one spaCy parse per document (pipelines/nlp), stored as DocBin bytes, read by every extractor.

Tokens, sentences, POS, lemmas, dependencies and named entities of a document come from this parse and from
nothing else. A document whose parse fails is quarantined for the stage `parses`; the rest is written.
"""

import traceback
from typing import TYPE_CHECKING

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.defs.metadata import table_metadata
from pipelines.defs.resources import LedgerWarehouse
from pipelines.nlp import from_bytes, load_nlp, parse_documents, to_bytes
from pipelines.nlp.docbin import DocCache
from pipelines.storage.warehouse import frame, read_table
from pipelines.storage.writes import write_stage

if TYPE_CHECKING:
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


def parse_batch(context: dg.AssetExecutionContext, docs: list[dict]) -> tuple[list[dict], list[dict]]:
    """(parse rows, quarantine rows): the batch through nlp.pipe; if it fails, each document alone."""
    nlp = load_nlp()
    model = _model_name(nlp)
    sha = {d["doc_id"]: d["raw_sha256"] for d in docs}
    pairs = [(d["doc_id"], d["clean_text"]) for d in docs]
    try:
        return [_row(i, sha[i], doc, model) for i, doc in parse_documents(pairs, nlp=nlp)], []
    except Exception:
        context.log.warning("parsing the batch failed; parsing each document alone to find the bad one")
    rows, quarantined = [], []
    for d in docs:
        try:
            ((_, doc),) = list(parse_documents([(d["doc_id"], d["clean_text"])], nlp=nlp))
            rows.append(_row(d["doc_id"], d["raw_sha256"], doc, model))
        except Exception as exc:
            context.log.error(f"parsing {d['doc_id']} failed:\n{traceback.format_exc()}")
            quarantined.append(
                {
                    "raw_path": d["raw_path"],
                    "doc_id": d["doc_id"],
                    "raw_sha256": d["raw_sha256"],
                    "stage": "parses",
                    "reason": f"{type(exc).__name__}: {exc}"[:2000],
                    "check_name": "parser_error",
                }
            )
    return rows, quarantined


def parsed_docs(con: "duckdb.DuckDBPyConnection", cache: DocCache | None = None) -> "dict[str, Doc]":
    """Every document's stored parse, by doc_id (documents without one are absent).

    With the run's `cache`, a parse already deserialised in this run is handed back as is (the same Doc
    every extractor of the run reads) and only the others are read and deserialised."""
    nlp = load_nlp()
    read_table(con, "parses", "LIMIT 0")  # creates the table on a new warehouse (or copies the published one)
    keys = con.execute("SELECT doc_id, md5(docbin) FROM parses WHERE docbin IS NOT NULL").fetchall()
    out: dict[str, Doc] = {}
    missing: list[str] = []
    for doc_id, digest in keys:
        doc = cache.get((doc_id, digest)) if cache is not None else None
        if doc is None:
            missing.append(doc_id)
        else:
            out[doc_id] = doc
    if not missing:
        return out
    wanted = set(missing)
    rows = con.execute("SELECT doc_id, md5(docbin), docbin FROM parses WHERE docbin IS NOT NULL").fetchall()
    for doc_id, digest, blob in rows:
        if doc_id not in wanted:
            continue
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
)
def parses(context: dg.AssetExecutionContext, duckdb: DuckDBResource) -> dg.MaterializeResult:
    with duckdb.get_connection() as con:
        docs = read_table(con, "documents", "ORDER BY doc_id").to_dict("records")
    rows, quarantined = parse_batch(context, docs)
    if isinstance(duckdb, LedgerWarehouse) and duckdb.doc_cache is not None:
        duckdb.doc_cache.clear()  # a parse written again: the run's Docs of the earlier one go
    sources = {d["doc_id"]: (d["raw_path"], d["raw_sha256"]) for d in docs}
    with duckdb.get_connection() as con:
        report = write_stage(con, "parses", {"parses": rows}, quarantine=quarantined, sources=sources)
    df = frame("parses", [{k: v for k, v in r.items() if k != "docbin"} for r in rows])
    context.log.info(f"parsed {len(rows)} documents ({int(df['tokens'].sum()) if len(df) else 0} tokens)")
    return dg.MaterializeResult(
        metadata={
            **table_metadata(df, ["doc_id", "tokens", "sentences", "entities", "model"]),
            "dagster/row_count": report.written.get("parses", 0),
            "tokens": int(df["tokens"].sum()) if len(df) else 0,
            "quarantined": len(quarantined),
        }
    )
