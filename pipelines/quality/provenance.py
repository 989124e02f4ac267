"""Provenance checks: every extracted row points at its exact span of clean_text, never at removed text."""

from __future__ import annotations

import pandas as pd

from pipelines.storage.contracts import span_mismatches

# Removal kinds whose text can legitimately still stand in clean_text (a repeated line keeps one copy).
DUPLICATE_KINDS = {"repeated", "extractor"}
# Shorter removed strings ("Free", "Banking") also occur inside real sentences; they prove nothing.
MIN_REMOVED_CHARS = 20


def surface_mismatches(spans: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """Rows whose surface is not clean_text[char_start:char_end]."""
    texts = dict(zip(documents["doc_id"], documents["clean_text"], strict=True))
    return span_mismatches(spans, texts)


def spans_in_removed_text(
    spans: pd.DataFrame, documents: pd.DataFrame, removed: pd.DataFrame
) -> pd.DataFrame:
    """Rows whose span overlaps a place in clean_text where text the cleaner removed still stands."""
    if spans.empty or removed.empty:
        return spans.iloc[0:0]
    texts = dict(zip(documents["doc_id"], documents["clean_text"], strict=True))
    zones: dict[str, list[tuple[int, int]]] = {}
    for row in removed.itertuples():
        if row.kind in DUPLICATE_KINDS or not isinstance(row.text, str):
            continue
        needle = row.text.strip()
        text = texts.get(row.doc_id, "")
        if len(needle) < MIN_REMOVED_CHARS or not text:
            continue
        at = text.find(needle)
        while at >= 0:
            zones.setdefault(row.doc_id, []).append((at, at + len(needle)))
            at = text.find(needle, at + 1)
    bad = [
        i
        for i, row in spans.iterrows()
        if any(
            s < int(row["char_end"]) and int(row["char_start"]) < e for s, e in zones.get(row["doc_id"], [])
        )
    ]
    return spans.loc[bad]
