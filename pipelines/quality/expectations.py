"""Great Expectations 1.x suites (JSON in `expectations/`, edited by analysts) run on DataFrames.

The GX SQL datasource does not work on DuckDB, so a table is read into a DataFrame and validated in an
ephemeral context. Each expectation carries `meta.check_name` (a predicate that says what passes); that name
becomes its Dagster asset check.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

log = logging.getLogger(__name__)

SEVERITIES = {"critical", "warning", "info"}
_CHECK_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class SuiteError(ValueError):
    """An expectation suite file that cannot be used as written (names the file and expectation)."""


@dataclass(frozen=True)
class ExpectationSpec:
    check_name: str
    type: str
    severity: str
    description: str


@dataclass
class ExpectationOutcome:
    check_name: str
    success: bool
    severity: str
    type: str
    kwargs: dict
    unexpected_count: int | None
    element_count: int | None
    sample: list
    unexpected_counts: list[dict] | None = None  # [{"value": v, "count": n}] of the unexpected values
    # the documents whose rows the expectation did not expect ({doc_id: a sample value}); None when the
    # failure is not tied to rows (a table-level expectation) or the table has no doc_id
    unexpected_docs: dict[str, str] | None = None


def suite_path(expectations_dir: Path, table: str) -> Path:
    return Path(expectations_dir) / f"{table}.json"


def load_suite(path: Path) -> dict:
    """The suite's JSON, validated: every expectation has a type, a unique check_name and a known severity."""
    try:
        suite = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise SuiteError(f"{path}: cannot read the suite: {exc}") from exc
    if not isinstance(suite.get("expectations"), list):
        raise SuiteError(f"{path}: needs an 'expectations' list")
    seen = set()
    for i, exp in enumerate(suite["expectations"]):
        name = (exp.get("meta") or {}).get("check_name")
        where = f"{path}: expectation {i} ({exp.get('type')})"
        if not exp.get("type", "").startswith("expect_"):
            raise SuiteError(f"{where}: 'type' must name a GX expectation")
        if not name or not _CHECK_NAME.match(name):
            raise SuiteError(f"{where}: meta.check_name must be snake_case (got {name!r})")
        if name in seen:
            raise SuiteError(f"{where}: check_name {name!r} is used twice")
        if exp.get("severity", "critical") not in SEVERITIES:
            raise SuiteError(f"{where}: severity must be one of {sorted(SEVERITIES)}")
        seen.add(name)
    return suite


def suite_specs(path: Path) -> list[ExpectationSpec]:
    """What a suite will check, without importing great_expectations (cheap enough for code loading)."""
    return [
        ExpectationSpec(
            check_name=exp["meta"]["check_name"],
            type=exp["type"],
            severity=exp.get("severity", "critical"),
            description=(exp.get("meta") or {}).get("description", exp["type"]),
        )
        for exp in load_suite(path)["expectations"]
    ]


# kwargs that name the columns an expectation reads
_COLUMN_KWARGS = ("column", "column_A", "column_B", "column_list")


def suite_columns(path: Path) -> list[str] | None:
    """The columns the suite's expectations read (doc_id first, which names the failing documents), or
    None when one may read any column (a table-level expectation on the columns, a row_condition): the
    suite then needs the whole table."""
    columns = ["doc_id"]
    for exp in load_suite(path)["expectations"]:
        kwargs = exp.get("kwargs") or {}
        named = [kwargs[k] for k in _COLUMN_KWARGS if k in kwargs]
        condition = _condition_columns(kwargs["row_condition"]) if "row_condition" in kwargs else []
        if condition is None or (exp["type"].startswith("expect_table_column") and not named):
            return None
        for value in named:
            columns.extend(value if isinstance(value, list) else [value])
        columns.extend(condition)
    return list(dict.fromkeys(columns))


def _condition_columns(condition) -> list[str] | None:
    """The columns a structured row_condition compares ({"column": {"name": ...}} at any depth of its
    and/or nesting); None for a condition written as a query string, which may name any column."""
    if not isinstance(condition, dict | list):
        return None
    found: list[str] = []
    stack = [condition]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            column = node.get("column")
            if isinstance(column, dict) and isinstance(column.get("name"), str):
                found.append(column["name"])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def run_suite(path: Path, df: pd.DataFrame) -> list[ExpectationOutcome]:
    """Validate `df` against the suite at `path`; one outcome per expectation, in suite order."""
    import great_expectations as gx  # heavy: imported only when a check runs

    raw = load_suite(path)
    context = gx.get_context(mode="ephemeral")
    try:
        context.variables.progress_bars = {"globally": False}
    except Exception:  # older/newer GX without this variable: progress bars are only cosmetic
        pass
    batch_def = (
        context.data_sources.add_pandas("ledger")
        .add_dataframe_asset(Path(path).stem)
        .add_batch_definition_whole_dataframe("all")
    )
    suite = gx.ExpectationSuite(
        name=raw.get("name", Path(path).stem),
        expectations=[{k: v for k, v in e.items() if k != "id"} for e in raw["expectations"]],
    )
    by_doc = "doc_id" in df.columns
    result_format = (
        {"result_format": "COMPLETE", "unexpected_index_column_names": ["doc_id"]} if by_doc else "SUMMARY"
    )
    result = batch_def.get_batch(batch_parameters={"dataframe": df}).validate(
        suite, result_format=result_format
    )
    by_name = {}
    for r in result.results:
        cfg = r.expectation_config
        name = cfg.meta["check_name"]
        details = r.result or {}
        by_name[name] = ExpectationOutcome(
            check_name=name,
            success=bool(r.success),
            severity=str(getattr(cfg.severity, "value", cfg.severity) or "critical"),
            type=cfg.type,
            kwargs=dict(cfg.kwargs),
            unexpected_count=details.get("unexpected_count"),
            element_count=details.get("element_count"),
            sample=list(details.get("partial_unexpected_list") or [])[:10],
            unexpected_counts=[
                {"value": c.get("value"), "count": c.get("count")}
                for c in (details.get("partial_unexpected_counts") or [])[:10]
            ]
            or None,
            unexpected_docs=_unexpected_docs(details) if by_doc and not r.success else None,
        )
    return [by_name[e["meta"]["check_name"]] for e in raw["expectations"]]


def _unexpected_docs(details: dict) -> dict[str, str] | None:
    """{doc_id: a sample of the unexpected value} from a COMPLETE result, None when rows are not named."""
    index = details.get("unexpected_index_list")
    if not index or not isinstance(index[0], dict) or "doc_id" not in index[0]:
        return None
    docs: dict[str, str] = {}
    for row in index:
        value = "; ".join(f"{k}={v!s:.80}" for k, v in row.items() if k != "doc_id")
        docs.setdefault(str(row["doc_id"]), value)
    return docs
