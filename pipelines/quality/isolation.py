"""Per-document isolation for checks: a check that fails on some documents' rows quarantines those documents
for the stage (their rows leave the stage's tables, a quarantine row says which check and why), instead of
stopping the run. What stays systemic, and blocks: a failure that is not tied to documents, and a stage
that refuses more than `max_quarantined_share` of its documents (expectations/batch_checks.yaml).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import duckdb
import yaml

from pipelines.storage.warehouse import Keys, empty_frame, frame, read_docs, replace_tables

log = logging.getLogger(__name__)

BATCH_CHECKS_FILE = "batch_checks.yaml"

# table -> (its stage's name in the quarantine table, the tables of that stage that hold the document's rows)
STAGE_OF_TABLE: dict[str, tuple[str, tuple[str, ...]]] = {
    "raw_pages": ("raw_pages", ("raw_pages",)),
    "documents": ("documents", ("documents", "removed_spans")),
    "removed_spans": ("documents", ("documents", "removed_spans")),
    "mentions": ("mentions", ("mentions",)),
    "dates": ("dates", ("dates",)),
    "figures": ("figures", ("figures",)),
    "figure_flags": ("figure_flags", ("figure_flags",)),
}


@dataclass(frozen=True)
class BatchChecks:
    """Thresholds of the systemic checks (expectations/batch_checks.yaml)."""

    max_quarantined_share: float = 0.5
    min_batch_for_share: int = 4


def load_batch_checks(path: Path) -> BatchChecks:
    """The thresholds, validated; the defaults when the file is missing."""
    if not Path(path).exists():
        return BatchChecks()
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    unknown = set(data) - {"max_quarantined_share", "min_batch_for_share"}
    if unknown:
        raise ValueError(f"{path}: unknown keys {sorted(unknown)}")
    share = float(data.get("max_quarantined_share", 0.5))
    least = int(data.get("min_batch_for_share", 4))
    if not 0 <= share <= 1 or least < 1:
        raise ValueError(f"{path}: max_quarantined_share must be in [0, 1] and min_batch_for_share >= 1")
    return BatchChecks(share, least)


def share_is_systemic(quarantined: int, total: int, limits: BatchChecks) -> bool:
    """True when a stage refused more of its batch than the threshold allows (small batches: never)."""
    return total >= limits.min_batch_for_share and quarantined > limits.max_quarantined_share * total


def quarantine_documents(
    con: duckdb.DuckDBPyConnection,
    table: str,
    doc_ids: set[str],
    check_name: str,
    reason: str,
    samples: dict[str, str] | None = None,
) -> int:
    """Move `doc_ids` out of `table`'s stage into quarantine (one transaction); returns how many moved."""
    if not doc_ids or table not in STAGE_OF_TABLE:
        return 0
    stage, tables = STAGE_OF_TABLE[table]
    docs = read_docs(con, "documents", doc_ids, columns="doc_id, raw_path, raw_sha256")
    pages = read_docs(con, "raw_pages", doc_ids, columns="doc_id, raw_path, raw_sha256")
    where = {
        **dict(zip(pages["doc_id"], zip(pages["raw_path"], pages["raw_sha256"], strict=True), strict=True)),
        **dict(zip(docs["doc_id"], zip(docs["raw_path"], docs["raw_sha256"], strict=True), strict=True)),
    }
    rows = [
        {
            "raw_path": where.get(d, (d, None))[0],
            "doc_id": d,
            "raw_sha256": where.get(d, (None, None))[1],
            "stage": stage,
            "reason": reason,
            "check_name": check_name,
            "sample": (samples or {}).get(d),
        }
        for d in sorted(doc_ids)
    ]
    docs_key = Keys(docs=frozenset(doc_ids))
    replace_tables(
        con,
        {**{t: empty_frame(t) for t in tables}, "quarantine": frame("quarantine", rows)},
        # the documents' rows go; their quarantine rows are added to the stage's
        keys={**{t: docs_key for t in tables}, "quarantine": Keys(stage, frozenset())},
    )
    for row in rows:
        log.warning("quarantined %s at %s by check %s: %s", row["raw_path"], stage, check_name, reason)
    return len(rows)
