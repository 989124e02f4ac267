"""Contract-checked writes: validate a stage's frames, keep what breaks a contract out of the warehouse.

A document whose rows break a table contract is quarantined whole for that stage (with pandera's failure
cases as the reason, the first failing check as check_name and its value as sample), the other documents
are written, all in one transaction. A failure that pandera ties to no row (a column that does not coerce, a
frame-level check) is traced to its documents by validating each document's rows alone.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from pipelines.storage.contracts import ContractError, Reference, reference_failures, validate
from pipelines.storage.warehouse import KEYED, Keys, frame, read_docs, read_table, replace_tables

log = logging.getLogger(__name__)


@dataclass
class WriteReport:
    written: dict[str, int] = field(default_factory=dict)
    quarantined: list[dict] = field(default_factory=list)  # quarantine rows added by this write


SAMPLE_CHARS = 200
FRAME_WIDE = "*"  # the pseudo document of a failure that no single document's rows reproduce


def _failing_doc_ids(df: pd.DataFrame, error: ContractError) -> set[str] | None:
    """doc_ids of the failing rows, or None when the failure is not tied to rows (a whole-frame failure)."""
    if "doc_id" not in df.columns or "index" not in error.failures.columns:
        return None
    index = error.failures["index"].dropna()
    if len(index) < len(error.failures):
        return None
    return {str(d) for d in df.loc[df.index.isin(index.tolist()), "doc_id"]}


def _has_index(case: pd.Series) -> bool:
    idx = case.get("index")
    return idx is not None and not pd.isna(idx)


def _failures_by_doc(table: str, df: pd.DataFrame, failures: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """doc_id -> its failure cases.

    A failure tied to a row belongs to that row's document. A failure tied to no row (a column that does not
    coerce as a whole, a frame-level check) is looked for by validating each document's rows on their own:
    only the documents that fail alone are blamed. What no single document reproduces, or any failure of a
    frame without doc_id, is FRAME_WIDE.
    """
    if "doc_id" not in df.columns:
        return {FRAME_WIDE: failures}
    tied = failures.apply(_has_index, axis=1) if len(failures) else pd.Series([], dtype=bool)
    out: dict[str, list[pd.DataFrame]] = {}
    row_tied = failures[tied]
    if len(row_tied):
        docs = df["doc_id"].astype(str)
        owner = row_tied["index"].map(lambda i: docs.get(i, FRAME_WIDE))
        for doc, cases in row_tied.groupby(owner, sort=True):
            out.setdefault(str(doc), []).append(cases)
    if not tied.all():
        alone: dict[str, pd.DataFrame] = {}
        for doc, rows in df.groupby(df["doc_id"].astype(str), sort=True):
            try:
                validate(table, rows)
            except ContractError as error:
                alone[str(doc)] = error.failures
        if not alone:
            out.setdefault(FRAME_WIDE, []).append(failures[~tied])
        for doc, cases in alone.items():
            out.setdefault(doc, []).append(cases)
    return {doc: pd.concat(parts, ignore_index=True).drop_duplicates() for doc, parts in out.items()}


def _describe(case: pd.Series) -> str:
    """One failure case as "column: check (value)" (a frame-level check: "check")."""
    if case.get("schema_context") == "DataFrameSchema":
        return str(case.get("check"))
    return f"{case.get('column')}: {case.get('check')} ({case.get('failure_case')})"


def _sample(case: pd.Series, df: pd.DataFrame) -> str:
    """A short sample of what failed: the value, or for a frame-level check the failing row's span."""
    idx = case.get("index")
    if case.get("schema_context") == "DataFrameSchema" and _has_index(case) and idx in df.index:
        row = df.loc[idx]
        shown = [f"{c}={row[c]!r}" for c in ("char_start", "char_end", "surface") if c in df.columns]
        text = ", ".join(shown) or repr(row.to_dict())
    else:
        text = f"{case.get('column')}={case.get('failure_case')!r}"
    return text[:SAMPLE_CHARS]


def _quarantine_rows(
    table: str,
    df: pd.DataFrame,
    failures: pd.DataFrame,
    stage: str,
    sources: dict[str, tuple[str, str]],
    what: str = "contract",
) -> list[dict]:
    """One quarantine row per document with failing rows (every document when the failure is frame-wide):
    the reason lists the failures, check_name is the first failing check, sample its value."""
    by_doc = _failures_by_doc(table, df, failures)
    wide = by_doc.pop(FRAME_WIDE, None)
    if wide is not None:  # no document is to blame alone: the whole frame is refused
        docs = sorted(set(df["doc_id"].astype(str))) if "doc_id" in df.columns and len(df) else [FRAME_WIDE]
        for doc in docs:
            by_doc[doc] = pd.concat([by_doc.get(doc, wide.iloc[0:0]), wide], ignore_index=True)
    rows = []
    for doc in sorted(by_doc):
        cases = by_doc[doc]
        raw_path, sha = sources.get(doc, ("", None))
        detail = "; ".join(sorted({_describe(c) for _, c in cases.iterrows()}))[:2000]
        first = cases.iloc[0]
        rows.append(
            {
                "raw_path": raw_path or doc,
                "doc_id": None if doc == FRAME_WIDE else doc,
                "raw_sha256": sha,
                "stage": stage,
                "reason": f"{table} {what} failed: {detail}",
                "check_name": str(first.get("check"))[:SAMPLE_CHARS],
                "sample": _sample(first, df),
            }
        )
        log.warning("quarantined %s at stage %s: %s", doc, stage, detail)
    return rows


def contract_checked(
    table: str, df: pd.DataFrame, stage: str, sources: dict[str, tuple[str, str]] | None = None
) -> tuple[pd.DataFrame, list[dict]]:
    """(the valid rows coerced to the contract, quarantine rows for the documents that broke it)."""
    sources = sources or {}
    try:
        return validate(table, df), []
    except ContractError as error:
        rows = _quarantine_rows(table, df, error.failures, stage, sources)
        bad = {r["doc_id"] for r in rows if r["doc_id"] is not None}
        if any(r["doc_id"] is None for r in rows) or "doc_id" not in df.columns:
            return validate(table, df.iloc[0:0]), rows
        keep = df[~df["doc_id"].astype(str).isin(bad)]
        return validate(table, keep), rows


def write_stage(
    con: duckdb.DuckDBPyConnection,
    stage: str,
    tables: dict[str, list[dict] | pd.DataFrame],
    quarantine: list[dict] | None = None,
    sources: dict[str, tuple[str, str]] | None = None,
    references: Mapping[str, list[Reference]] | None = None,
    docs: set[str] | None = None,
    fingerprints: Mapping[str, str] | None = None,
) -> WriteReport:
    """Validate and replace `tables` and this stage's quarantine rows in one transaction.

    `docs` (an incremental run) names the documents this write replaces: their rows of every keyed table
    and their quarantine rows for this stage go, the rows written (all of them documents of `docs`) come
    in; the other documents' rows stay. None replaces the tables whole and this stage's quarantine rows.
    `fingerprints` (doc_id -> fingerprint of what the stage processed) go to stage_state, replacing the
    stage's rows for `docs` (or all its rows).

    A document that breaks any table's contract is dropped from all of this stage's tables.
    `sources` maps doc_id -> (raw_path, raw_sha256) so quarantine rows point at the raw page.
    `references` (e.g. contracts.REFERENCES) adds referential integrity: a row whose reference points at no
    row (of this write, else of the warehouse) or whose span is not its text breaks the contract too.
    """
    frames = {t: rows if isinstance(rows, pd.DataFrame) else frame(t, rows) for t, rows in tables.items()}
    quarantined = list(quarantine or [])
    dropped: set[str] = set()
    looked_up: dict[str, pd.DataFrame] = {}

    if docs is not None:
        for table, df in frames.items():
            stray = set(df["doc_id"].astype(str)) - set(docs) if "doc_id" in df.columns and len(df) else set()
            if stray or table not in KEYED:
                raise ValueError(
                    f"{stage}: an incremental write of {table} must be keyed by its documents"
                    + (f"; rows of documents it does not replace: {sorted(stray)[:5]}" if stray else "")
                )

    def lookup(table: str) -> pd.DataFrame:
        if table in frames:
            return frames[table]
        if table not in looked_up:
            # an incremental write's same-document references point into its own documents; a reference
            # to other documents' rows is looked up by `known`
            keyed = docs is not None and table in KEYED
            looked_up[table] = read_docs(con, table, docs) if keyed else read_table(con, table)
        return looked_up[table]

    def known(table: str, key: str, values: set[str]) -> set[str] | None:
        """Of `values`, those a row of `table` has as `key`: in this write, else in the warehouse (outside
        the documents this write replaces). None where `lookup` answers (no incremental write, or a table
        not keyed by document)."""
        if docs is None or table not in KEYED:
            return None
        found = set(frames[table][key].astype(str)) & values if table in frames else set()
        rest = sorted(values - found)
        if rest:
            con.register("_referenced", pd.DataFrame({"value": rest}, dtype=object))
            replaced = pd.DataFrame({"doc_id": sorted(docs) if table in frames else []}, dtype=object)
            con.register("_replaced", replaced)
            try:
                rows = con.execute(
                    f'SELECT DISTINCT CAST("{key}" AS VARCHAR) FROM "{table}" '
                    f'WHERE CAST("{key}" AS VARCHAR) IN (SELECT value FROM _referenced) '
                    "AND doc_id NOT IN (SELECT doc_id FROM _replaced)"
                ).fetchall()
            finally:
                con.unregister("_referenced")
                con.unregister("_replaced")
            found |= {v for (v,) in rows}
        return found

    valid: dict[str, tuple[pd.DataFrame, set[str]]] = {}  # table -> (its valid rows, coerced; docs left out)
    for table, df in frames.items():
        good, rows = contract_checked(table, df, stage, sources)
        valid[table] = (good, {r["doc_id"] for r in rows if r["doc_id"]})
        if references is not None and not df.empty:
            failures = reference_failures(table, df, lookup, dict(references), known)
            if len(failures):
                rows += _quarantine_rows(table, df, failures, stage, sources or {}, what="references")
        quarantined += rows
        dropped |= {r["doc_id"] for r in rows if r["doc_id"]}
        if any(r["doc_id"] is None for r in rows):
            dropped |= set(df["doc_id"].astype(str)) if "doc_id" in df.columns else set()
    checked = {}
    for table, df in frames.items():
        if dropped and "doc_id" in df.columns:
            df = df[~df["doc_id"].astype(str).isin(dropped)]
        good, left_out = valid[table]
        if df.empty:
            checked[table] = df
        elif "doc_id" in df.columns and left_out <= dropped and len(good):
            # the contract already passed on these rows (and coerced them): keep them, not validate twice
            checked[table] = good[~good["doc_id"].astype(str).isin(dropped)] if dropped else good
        else:
            checked[table] = validate(table, df)
    checked["quarantine"] = frame("quarantine", [{**q, "stage": q.get("stage", stage)} for q in quarantined])
    key_docs = None if docs is None else frozenset(docs)
    keys = {t: Keys(docs=key_docs) for t in checked if t in KEYED}
    keys["quarantine"] = Keys(stage, key_docs)
    if fingerprints is not None:
        state = [{"stage": stage, "doc_id": d, "fingerprint": f} for d, f in sorted(fingerprints.items())]
        checked["stage_state"] = frame("stage_state", state)
        keys["stage_state"] = Keys(stage, key_docs)
    replace_tables(con, checked, keys=keys)
    return WriteReport(
        written={t: len(df) for t, df in checked.items() if t not in ("quarantine", "stage_state")},
        quarantined=quarantined,
    )
