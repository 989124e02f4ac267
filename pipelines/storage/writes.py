"""Contract-checked writes: validate a stage's frames, keep what breaks a contract out of the warehouse.

A document whose rows break a table contract is quarantined whole for that stage (with pandera's failure
cases as the reason), the other documents are written, all in one transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from pipelines.storage.contracts import ContractError, Reference, reference_failures, validate
from pipelines.storage.warehouse import frame, read_table, replace_tables

log = logging.getLogger(__name__)


@dataclass
class WriteReport:
    written: dict[str, int] = field(default_factory=dict)
    quarantined: list[dict] = field(default_factory=list)  # quarantine rows added by this write


def _failing_doc_ids(df: pd.DataFrame, error: ContractError) -> set[str] | None:
    """doc_ids of the failing rows, or None when the failure is not tied to rows (a whole-frame failure)."""
    if "doc_id" not in df.columns or "index" not in error.failures.columns:
        return None
    index = error.failures["index"].dropna()
    if len(index) < len(error.failures):
        return None
    return {str(d) for d in df.loc[df.index.isin(index.tolist()), "doc_id"]}


def _quarantine_rows(
    table: str,
    df: pd.DataFrame,
    failures: pd.DataFrame,
    stage: str,
    sources: dict[str, tuple[str, str]],
    what: str = "contract",
) -> list[dict]:
    """One quarantine row per document with failing rows (all documents when the failure is frame-wide)."""
    bad = _failing_doc_ids(df, ContractError(table, failures))
    if bad is None:
        bad = set(df["doc_id"].astype(str)) if "doc_id" in df.columns else {"*"}
    reasons: dict[str, list[str]] = {}
    for _, case in failures.iterrows():
        idx = case.get("index")
        doc = str(df.loc[idx, "doc_id"]) if idx is not None and not pd.isna(idx) and "doc_id" in df else "*"
        reasons.setdefault(doc, []).append(
            f"{case.get('column')}: {case.get('check')} ({case.get('failure_case')})"
        )
    rows = []
    for doc in sorted(bad):
        raw_path, sha = sources.get(doc, ("", None))
        detail = "; ".join(sorted(set(reasons.get(doc, []) + reasons.get("*", []))))[:2000]
        rows.append(
            {
                "raw_path": raw_path or doc,
                "doc_id": None if doc == "*" else doc,
                "raw_sha256": sha,
                "stage": stage,
                "reason": f"{table} {what} failed: {detail}",
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
) -> WriteReport:
    """Validate and replace `tables` and this stage's quarantine rows in one transaction.

    A document that breaks any table's contract is dropped from all of this stage's tables.
    `sources` maps doc_id -> (raw_path, raw_sha256) so quarantine rows point at the raw page.
    `references` (e.g. contracts.REFERENCES) adds referential integrity: a row whose reference points at no
    row (of this write, else of the warehouse) or whose span is not its text breaks the contract too.
    """
    frames = {t: rows if isinstance(rows, pd.DataFrame) else frame(t, rows) for t, rows in tables.items()}
    quarantined = list(quarantine or [])
    dropped: set[str] = set()
    looked_up: dict[str, pd.DataFrame] = {}

    def lookup(table: str) -> pd.DataFrame:
        if table in frames:
            return frames[table]
        if table not in looked_up:
            looked_up[table] = read_table(con, table)
        return looked_up[table]

    for table, df in frames.items():
        _, rows = contract_checked(table, df, stage, sources)
        if references is not None and not df.empty:
            failures = reference_failures(table, df, lookup, dict(references))
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
        checked[table] = validate(table, df) if not df.empty else df
    checked["quarantine"] = frame("quarantine", [{**q, "stage": q.get("stage", stage)} for q in quarantined])
    replace_tables(con, checked, where={"quarantine": ("stage", stage)})
    return WriteReport(
        written={t: len(df) for t, df in checked.items() if t != "quarantine"}, quarantined=quarantined
    )
