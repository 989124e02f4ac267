"""Provenance checks, by offsets: every extracted row is its exact span of clean_text, and no row runs across
a place where the cleaner cut boilerplate out."""

from __future__ import annotations

import pandas as pd

from pipelines.storage.contracts import span_mismatches


def surface_mismatches(spans: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """Rows whose surface is not clean_text[char_start:char_end]."""
    texts = dict(zip(documents["doc_id"], documents["clean_text"], strict=True))
    return span_mismatches(spans, texts)


def spans_across_removals(spans: pd.DataFrame, removed: pd.DataFrame) -> pd.DataFrame:
    """Rows whose span runs across an offset of clean_text where the cleaner cut text out.

    clean_text never holds removed text, so the one way a row can stand on it is by gluing the text on both
    sides of a cut: char_start < cut < char_end. Cuts are `removed_spans.char_at` (null when unknown).
    """
    if spans.empty or removed.empty or "char_at" not in removed.columns:
        return spans.iloc[0:0]
    cuts = removed.dropna(subset=["char_at"])
    if cuts.empty:
        return spans.iloc[0:0]
    at = cuts.assign(char_at=cuts["char_at"].astype(int))[["doc_id", "char_at"]].drop_duplicates()
    joined = spans.reset_index().merge(at, on="doc_id")
    crossing = joined[
        (joined["char_start"].astype(int) < joined["char_at"])
        & (joined["char_at"] < joined["char_end"].astype(int))
    ]
    return spans.loc[sorted(set(crossing["index"]))]
