"""Schema contracts (pandera) for every warehouse table, validated before a write.

A frame that breaks its contract never reaches DuckDB: `validate` raises `ContractError` with every
failure case (lazy validation), which the asset reports and turns into quarantine rows.

Calendar dates (DuckDB DATE columns) are `CalendarDate`: `datetime.date` objects of any year 1..9999 in
an object column, never pandas' nanosecond datetimes (years 1677-2262 only), so "the 1300s" or a
manifest's 9999-12-31 is a value like any other, and a bad value fails on its own row.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera import dtypes
from pandera.engines import pandas_engine
from pandera.typing import Series

QUALIFIERS = ["exact", "approx", "at_least", "at_most", "range", "vague"]
CATEGORIES = [
    "fighters",
    "killed",
    "wounded",
    "detained",
    "missing",
    "displaced",
    "returned",
    "population",
    "other",
]
ENTITY_TYPES = ["armed_group", "person", "location", "organisation"]
GRANULARITIES = [
    "day",
    "week",
    "month",
    "year",
    "part_of_month",
    "part_of_year",
    "season",
    "range",
    "decade",
    "century",
]


def as_date(value: Any) -> datetime.date | None:
    """A calendar date from a date, a datetime or pandas Timestamp (its day), a numpy datetime64 or an ISO
    string; None for a null (None, NaN, NaT, NA). Raises ValueError or TypeError for anything else.

    Readers of DuckDB DATE columns get Timestamps from `.df()` and dates from `.fetchall()`: both work."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, datetime.datetime):  # pd.Timestamp is one
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else value.astype("datetime64[D]").astype(datetime.date)
    if isinstance(value, str):
        text = value.strip()
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            return datetime.datetime.fromisoformat(text).date()
    raise TypeError(f"not a calendar date: {value!r}")


@pandas_engine.Engine.register_dtype
@dtypes.immutable
class CalendarDate(pandas_engine.DataType):
    """A DuckDB DATE as pandas holds it here: `datetime.date` objects (any year 1..9999) or None, in an
    object column. Coercion converts each value on its own (`as_date`) and leaves one that is not a date
    as it is, so the type check fails on that row alone, never on the whole column."""

    type = np.dtype("object")

    def coerce(self, data_container: pd.Series) -> pd.Series:
        def one(value: Any) -> Any:
            try:
                return as_date(value)
            except (TypeError, ValueError):
                return value

        return data_container.map(one).astype(object)

    def coerce_value(self, value: Any) -> datetime.date | None:
        return as_date(value)

    def check(self, pandera_dtype: Any, data_container: pd.Series | None = None) -> Any:
        if data_container is None:
            return str(pandera_dtype) in ("object", str(self))
        return data_container.map(lambda v: v is None or type(v) is datetime.date)

    def __str__(self) -> str:
        return "calendar_date"


def _ordered(low: pd.Series, high: pd.Series) -> pd.Series:
    """Row-wise low <= high for calendar dates; true where either is null or is not a date (the column's
    type check reports those)."""

    def ok(a: Any, b: Any) -> bool:
        try:
            a, b = as_date(a), as_date(b)
        except (TypeError, ValueError):
            return True
        return a is None or b is None or a <= b

    return pd.Series([ok(a, b) for a, b in zip(low, high, strict=True)], index=low.index, dtype=bool)


class ContractError(ValueError):
    """A frame broke its table contract; `failures` holds pandera's failure cases."""

    def __init__(self, table: str, failures: pd.DataFrame):
        self.table = table
        self.failures = failures
        shown = failures.head(10).to_string(index=False) if failures is not None else ""
        super().__init__(f"{table}: {len(failures)} contract failure(s)\n{shown}")


class _Model(pa.DataFrameModel):
    class Config:
        coerce = True
        strict = False


class RawPages(_Model):
    doc_id: Series[str] = pa.Field(unique=True)
    raw_path: Series[str] = pa.Field(unique=True)
    raw_sha256: Series[str] = pa.Field(str_matches=r"^[0-9a-f]{64}$")
    size_bytes: Series[int] = pa.Field(ge=0)
    kind: Series[str] = pa.Field(isin=["html", "text"])
    published_date: Series[CalendarDate] = pa.Field(nullable=True)


class Documents(_Model):
    doc_id: Series[str] = pa.Field(unique=True)
    url: Series[str] = pa.Field(nullable=True)
    outlet: Series[str] = pa.Field(nullable=True)
    title: Series[str] = pa.Field(nullable=True)
    published_date: Series[CalendarDate] = pa.Field(nullable=True)
    language: Series[str] = pa.Field(nullable=True)
    clean_text: Series[str] = pa.Field(str_length={"min_value": 1})
    paywall_truncated: Series[bool]
    raw_path: Series[str] = pa.Field(unique=True)
    raw_sha256: Series[str] = pa.Field(str_matches=r"^[0-9a-f]{64}$")
    unread_share: Series[float] = pa.Field(nullable=True, ge=0, le=1)

    @pa.check("clean_text")
    def clean_text_has_no_nbsp(cls, s: Series[str]) -> Series[bool]:
        return ~s.str.contains("\u00a0", regex=False)


class RemovedSpans(_Model):
    doc_id: Series[str] = pa.Field(str_length={"min_value": 1})
    text: Series[str]
    rule: Series[str] = pa.Field(str_length={"min_value": 1})
    span_no: Series[int] = pa.Field(nullable=True, ge=0)


class Entities(_Model):
    entity_id: Series[str] = pa.Field(unique=True)
    name: Series[str] = pa.Field(str_length={"min_value": 1})
    type: Series[str] = pa.Field(isin=ENTITY_TYPES)
    lat: Series[float] = pa.Field(nullable=True, ge=-90, le=90)
    lon: Series[float] = pa.Field(nullable=True, ge=-180, le=180)
    valid_from: Series[CalendarDate] = pa.Field(nullable=True)
    valid_to: Series[CalendarDate] = pa.Field(nullable=True)

    @pa.dataframe_check()
    def validity_is_ordered(cls, df: pd.DataFrame) -> Series[bool]:
        return _ordered(df["valid_from"], df["valid_to"])


class EntityAliases(_Model):
    entity_id: Series[str] = pa.Field(str_length={"min_value": 1})
    alias: Series[str] = pa.Field(str_length={"min_value": 1})


class EntityLineage(_Model):
    from_entity_id: Series[str] = pa.Field(str_length={"min_value": 1})
    to_entity_id: Series[str] = pa.Field(str_length={"min_value": 1})
    date: Series[CalendarDate] = pa.Field(nullable=True)


class _Span(_Model):
    doc_id: Series[str] = pa.Field(str_length={"min_value": 1})
    char_start: Series[int] = pa.Field(ge=0)
    char_end: Series[int] = pa.Field(ge=0)
    surface: Series[str] = pa.Field(str_length={"min_value": 1})

    @pa.dataframe_check()
    def span_is_ordered(cls, df: pd.DataFrame) -> Series[bool]:
        return df["char_end"] > df["char_start"]

    @pa.dataframe_check()
    def span_length_matches_surface(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["char_end"] - df["char_start"]) == df["surface"].str.len()


class Mentions(_Span):
    mention_id: Series[str] = pa.Field(unique=True)
    entity_type: Series[str] = pa.Field(isin=ENTITY_TYPES)
    entity_id: Series[str] = pa.Field(nullable=True)


class Figures(_Span):
    figure_id: Series[str] = pa.Field(unique=True)
    value: Series[float] = pa.Field(nullable=True, ge=0)
    low: Series[float] = pa.Field(nullable=True, ge=0)
    high: Series[float] = pa.Field(nullable=True, ge=0)
    qualifier: Series[str] = pa.Field(isin=QUALIFIERS)
    category: Series[str] = pa.Field(isin=CATEGORIES)
    unit: Series[str] = pa.Field(nullable=True)
    actor_entity_id: Series[str] = pa.Field(nullable=True)
    location_entity_id: Series[str] = pa.Field(nullable=True)
    part_of_figure_id: Series[str] = pa.Field(nullable=True)
    repeat_of_figure_id: Series[str] = pa.Field(nullable=True)
    date_id: Series[str] = pa.Field(nullable=True)

    @pa.dataframe_check()
    def low_le_value_le_high(cls, df: pd.DataFrame) -> Series[bool]:
        lo_ok = df["low"].isna() | df["value"].isna() | (df["low"] <= df["value"])
        hi_ok = df["high"].isna() | df["value"].isna() | (df["value"] <= df["high"])
        lh_ok = df["low"].isna() | df["high"].isna() | (df["low"] <= df["high"])
        return lo_ok & hi_ok & lh_ok

    @pa.dataframe_check()
    def other_has_unit(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["category"] != "other") | df["unit"].notna()


class Dates(_Span):
    date_id: Series[str] = pa.Field(unique=True)
    date_start: Series[CalendarDate] = pa.Field(nullable=True)
    date_end: Series[CalendarDate] = pa.Field(nullable=True)
    granularity: Series[str] = pa.Field(isin=GRANULARITIES)
    resolved: Series[bool]

    @pa.dataframe_check()
    def start_le_end(cls, df: pd.DataFrame) -> Series[bool]:
        return _ordered(df["date_start"], df["date_end"])


class Quarantine(_Model):
    raw_path: Series[str]
    reason: Series[str] = pa.Field(str_length={"min_value": 1})
    stage: Series[str] = pa.Field(str_length={"min_value": 1})
    check_name: Series[str] = pa.Field(nullable=True)
    sample: Series[str] = pa.Field(nullable=True)


SEVERITIES = ["ERROR", "WARN"]


class FigureFlags(_Model):
    figure_id: Series[str] = pa.Field(str_length={"min_value": 1})
    doc_id: Series[str] = pa.Field(str_length={"min_value": 1})
    check_name: Series[str] = pa.Field(str_matches=r"^[a-z][a-z0-9_]*$")
    severity: Series[str] = pa.Field(isin=SEVERITIES)
    reason: Series[str] = pa.Field(str_length={"min_value": 1})
    other_figure_id: Series[str] = pa.Field(nullable=True)

    class Config:
        unique = ["figure_id", "check_name", "other_figure_id"]

    @pa.dataframe_check()
    def never_flagged_against_itself(cls, df: pd.DataFrame) -> Series[bool]:
        return df["other_figure_id"].isna() | (df["other_figure_id"] != df["figure_id"])


class DqResults(_Model):
    run_id: Series[str] = pa.Field(str_length={"min_value": 1})
    checked_at: Series[pa.DateTime]
    asset: Series[str] = pa.Field(str_length={"min_value": 1})
    check_name: Series[str] = pa.Field(str_matches=r"^[a-z][a-z0-9_]*$")
    severity: Series[str] = pa.Field(isin=SEVERITIES)
    passed: Series[bool]
    failing_rows: Series[int] = pa.Field(ge=0)
    total_rows: Series[int] = pa.Field(nullable=True, ge=0)

    class Config:
        unique = ["run_id", "asset", "check_name"]


CONTRACTS: dict[str, type[pa.DataFrameModel]] = {
    "raw_pages": RawPages,
    "documents": Documents,
    "removed_spans": RemovedSpans,
    "entities": Entities,
    "entity_aliases": EntityAliases,
    "entity_lineage": EntityLineage,
    "mentions": Mentions,
    "figures": Figures,
    "dates": Dates,
    "quarantine": Quarantine,
    "figure_flags": FigureFlags,
    "dq_results": DqResults,
}


@dataclass(frozen=True)
class Reference:
    """`column` (when set) must name a `key` of `table`; with `same_doc`, a row of the same document."""

    column: str
    table: str
    key: str
    same_doc: bool = False


# Referential integrity, checked by `write_stage(..., references=REFERENCES)` against the rows being written
# in the same stage, else the warehouse. Span tables are also checked against their document's clean_text:
# offsets inside the text and surface == clean_text[char_start:char_end].
REFERENCES: dict[str, list[Reference]] = {
    "removed_spans": [Reference("doc_id", "documents", "doc_id")],
    "mentions": [
        Reference("doc_id", "documents", "doc_id"),
        Reference("entity_id", "entities", "entity_id"),
    ],
    "dates": [Reference("doc_id", "documents", "doc_id")],
    "figures": [
        Reference("doc_id", "documents", "doc_id"),
        Reference("part_of_figure_id", "figures", "figure_id", same_doc=True),
        Reference("repeat_of_figure_id", "figures", "figure_id", same_doc=True),
        Reference("actor_entity_id", "entities", "entity_id"),
        Reference("location_entity_id", "entities", "entity_id"),
        Reference("source_entity_id", "entities", "entity_id"),
        Reference("date_id", "dates", "date_id", same_doc=True),
    ],
    "figure_flags": [
        Reference("figure_id", "figures", "figure_id", same_doc=True),
        Reference("other_figure_id", "figures", "figure_id"),
    ],
}
SPAN_TABLES = ("mentions", "figures", "dates")


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA


def reference_failures(
    table: str,
    df: pd.DataFrame,
    lookup: Callable[[str], pd.DataFrame],
    references: dict[str, list[Reference]] | None = None,
    known: Callable[[str, str, set[str]], set[str] | None] | None = None,
) -> pd.DataFrame:
    """Failure cases (index, column, check, failure_case, like pandera's) of rows that point at nothing.

    `lookup(table)` returns the referenced table (its key column and doc_id, and clean_text for documents).
    `known(table, key, values)`, where it answers (not None), says which values of a reference that is not
    to the same document exist: rows of other documents, which `lookup` of an incremental write does not
    hold.
    """
    references = REFERENCES if references is None else references
    cases: list[dict] = []
    if df.empty:
        return pd.DataFrame(columns=["index", "column", "check", "failure_case"])
    for ref in references.get(table, []):
        if ref.column not in df.columns:
            continue
        values = {str(v) for v in df[ref.column] if not _missing(v)}
        exist = None if ref.same_doc or known is None else known(ref.table, ref.key, values)
        doc_of: dict[str, str] = {}
        if exist is None:
            target = lookup(ref.table)
            keys = target[ref.key].astype(str) if len(target) else pd.Series([], dtype=str)
            if ref.same_doc and len(target):
                doc_of = dict(zip(keys, target["doc_id"].astype(str), strict=True))
            exist = set(keys)
        for i, value in df[ref.column].items():
            if _missing(value):
                continue
            if str(value) not in exist:
                cases.append(
                    {
                        "index": i,
                        "column": ref.column,
                        "check": f"in {ref.table}.{ref.key}",
                        "failure_case": value,
                    }
                )
            elif ref.same_doc and doc_of.get(str(value)) != str(df.at[i, "doc_id"]):
                cases.append(
                    {
                        "index": i,
                        "column": ref.column,
                        "check": f"{ref.table} of the same document",
                        "failure_case": value,
                    }
                )
    if table in SPAN_TABLES and {"doc_id", "char_start", "char_end", "surface"} <= set(df.columns):
        documents = lookup("documents")
        texts = (
            dict(zip(documents["doc_id"].astype(str), documents["clean_text"], strict=True))
            if len(documents)
            else {}
        )
        columns = (df.index, df["doc_id"], df["char_start"], df["char_end"], df["surface"])
        for i, doc_id, char_start, char_end, surface in zip(*columns, strict=True):
            text = texts.get(str(doc_id))
            if not isinstance(text, str):
                continue  # an unknown document is the doc_id reference's failure
            try:
                start, end = int(char_start), int(char_end)
            except (TypeError, ValueError):
                continue  # not numbers: the pandera contract reports it
            if not 0 <= start < end <= len(text):
                cases.append(
                    {
                        "index": i,
                        "column": "char_end",
                        "check": "offsets inside clean_text",
                        "failure_case": f"{start}-{end} of {len(text)}",
                    }
                )
            elif text[start:end] != surface:
                cases.append(
                    {
                        "index": i,
                        "column": "surface",
                        "check": "surface == clean_text[char_start:char_end]",
                        "failure_case": surface,
                    }
                )
    return pd.DataFrame(cases, columns=["index", "column", "check", "failure_case"])


def validate(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """The frame coerced to its contract's types; raises ContractError listing every failure."""
    model = CONTRACTS.get(table)
    if model is None or df.empty:
        return df
    try:
        return model.validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise ContractError(table, exc.failure_cases) from exc


def span_mismatches(spans: pd.DataFrame, texts: dict[str, str]) -> pd.DataFrame:
    """Rows whose surface is not clean_text[char_start:char_end] of their document."""
    if spans.empty:
        return spans
    columns = (spans.index, spans["doc_id"], spans["char_start"], spans["char_end"], spans["surface"])
    bad = [
        i
        for i, doc_id, start, end, surface in zip(*columns, strict=True)
        if texts.get(doc_id, "")[int(start) : int(end)] != surface
    ]
    return spans.loc[bad]
