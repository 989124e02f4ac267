"""Metadata that a person reads in the Dagster UI: row counts and short markdown previews of tables."""

import dagster as dg
import pandas as pd


def _cell(value: object, width: int) -> str:
    text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    text = " ".join(text.split()).replace("|", "\\|")
    return text if len(text) <= width else text[: width - 1] + "…"


def markdown_preview(
    df: pd.DataFrame, columns: list[str], rows: int = 10, width: int = 60
) -> dg.MetadataValue:
    """The first rows of a frame as a markdown table."""
    if df.empty:
        return dg.MetadataValue.md("_no rows_")
    cols = [c for c in columns if c in df.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for _, row in df.head(rows).iterrows():
        lines.append("| " + " | ".join(_cell(row[c], width) for c in cols) + " |")
    if len(df) > rows:
        lines.append(f"\n_{len(df) - rows} more rows_")
    return dg.MetadataValue.md("\n".join(lines))


def table_metadata(df: pd.DataFrame, preview_columns: list[str], **numbers: float) -> dict:
    """Row count, a preview, and any numbers the UI can plot over time."""
    meta: dict = {"dagster/row_count": len(df), "preview": markdown_preview(df, preview_columns)}
    meta.update(
        {k: dg.MetadataValue.float(float(v)) if isinstance(v, float) else v for k, v in numbers.items()}
    )
    return meta
