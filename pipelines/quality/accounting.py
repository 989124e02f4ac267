"""Accounting: every page file under the raw directory is in exactly one of `documents` or `quarantine`.

A page file is what the scanner lists as a page entry, symlinks and unreadable files included. Files
that arrived after the run started are left for the next run. Quarantine rows of the page stages
(`raw_pages`, `documents`) count; a page quarantined at a later stage (mentions, figures ...) is still a
document.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd

from pipelines.ingest import page_entries

PAGE_STAGES = ("raw_pages", "documents")


def page_files(raw_dir: Path, arrived_before: float | None = None) -> list[str]:
    """The page entries under `raw_dir` (as the scanner lists them), less those that arrived later."""
    pages = []
    for raw_path in page_entries(Path(raw_dir)):
        try:
            mtime = (Path(raw_dir) / raw_path).lstat().st_mtime
        except OSError:
            mtime = None  # gone since: the scanner saw it, so it must still be accounted for
        if arrived_before is None or mtime is None or mtime <= arrived_before:
            pages.append(raw_path)
    return pages


def unaccounted(pages: list[str], documents: pd.DataFrame, quarantine: pd.DataFrame) -> pd.DataFrame:
    """One row per page file that is in neither table, or in both, or twice (columns raw_path, problem)."""
    kept = Counter(documents["raw_path"].dropna().astype(str)) if len(documents) else Counter()
    refused_rows = quarantine[quarantine["stage"].isin(PAGE_STAGES)] if len(quarantine) else quarantine
    refused = set(refused_rows["raw_path"].dropna().astype(str)) if len(refused_rows) else set()
    rows = []
    for page in pages:
        n_doc, n_q = kept.get(page, 0), int(page in refused)
        if n_doc + n_q == 0:
            rows.append({"raw_path": page, "problem": "in neither documents nor quarantine"})
        elif n_doc and n_q:
            rows.append({"raw_path": page, "problem": "in both documents and quarantine"})
        elif n_doc > 1:
            rows.append({"raw_path": page, "problem": f"{n_doc} documents"})
    return pd.DataFrame(rows, columns=["raw_path", "problem"])
