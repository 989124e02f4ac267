"""Asset checks: provenance of every extracted row, the Great Expectations suites in expectations/, and the
figure-level checks whose findings the `figure_flags` asset writes.

Provenance checks are blocking (ERROR): a row that does not point at its exact text, or that stands on
text the cleaner removed, is a defect. Each expectation of a suite is its own check, named by its
`meta.check_name`, with its GX severity mapped to ERROR (critical, blocking: downstream assets do not run)
or WARN (warning, info). Figure checks (plausibility, consistency, disagreement) warn and never block.
Every check appends its outcome to the `dq_results` table, keyed by the run id.
"""

import logging

import dagster as dg
import pandas as pd
from dagster_duckdb import DuckDBResource

from pipelines import settings
from pipelines.defs.metadata import markdown_preview
from pipelines.defs.resources import LedgerPaths
from pipelines.quality.expectations import run_suite, suite_path, suite_specs
from pipelines.quality.figure_checks import CHECKS as FIGURE_CHECKS
from pipelines.quality.provenance import spans_in_removed_text, surface_mismatches
from pipelines.quality.results import record_check_result
from pipelines.storage.warehouse import read_table

log = logging.getLogger(__name__)

SPAN_TABLES = ("mentions", "figures", "dates")
# Tables that are also assets (a suite for any other table cannot be attached to an asset in the UI).
SUITE_ASSETS = (
    "raw_pages",
    "documents",
    "removed_spans",
    "quarantine",
    "entities",
    "mentions",
    "dates",
    "figures",
    "figure_flags",
)


def _read(duckdb: DuckDBResource, *tables: str) -> list[pd.DataFrame]:
    with duckdb.get_connection() as con:
        return [read_table(con, t) for t in tables]


def _record(
    context: dg.AssetCheckExecutionContext,
    duckdb: DuckDBResource,
    result: dg.AssetCheckResult,
    failing_rows: int,
    total_rows: int | None,
) -> dg.AssetCheckResult:
    """Append the result's outcome to dq_results and hand the result back."""
    with duckdb.get_connection() as con:
        record_check_result(
            con,
            run_id=context.run.run_id,
            asset=result.asset_key.to_user_string(),
            check_name=result.check_name,
            severity=result.severity.value,
            passed=result.passed,
            failing_rows=failing_rows,
            total_rows=total_rows,
        )
    return result


def _result(
    asset: str, name: str, failures: pd.DataFrame, columns: list[str], what: str
) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        asset_key=asset,
        check_name=name,
        passed=failures.empty,
        severity=dg.AssetCheckSeverity.ERROR,
        description=f"{len(failures)} {what}" if len(failures) else None,
        metadata={"failing_rows": len(failures), "failures": markdown_preview(failures, columns)},
    )


def _provenance_check(table: str) -> dg.AssetChecksDefinition:
    surface_check = f"{table}_surfaces_match_clean_text"
    removed_check = f"no_{table}_from_removed_text"

    @dg.multi_asset_check(
        name=f"{table}_provenance",
        specs=[
            dg.AssetCheckSpec(
                surface_check,
                asset=table,
                blocking=True,
                description=f"every {table} row's surface equals clean_text[char_start:char_end]",
            ),
            dg.AssetCheckSpec(
                removed_check,
                asset=table,
                blocking=True,
                description=f"no {table} row stands on text the cleaner removed as boilerplate",
            ),
        ],
    )
    def _check(context: dg.AssetCheckExecutionContext, duckdb: DuckDBResource):
        spans, documents, removed = _read(duckdb, table, "documents", "removed_spans")
        cols = ["doc_id", "char_start", "char_end", "surface"]
        for name, failures, what in (
            (
                surface_check,
                surface_mismatches(spans, documents),
                "rows whose surface is not their span of clean_text",
            ),
            (
                removed_check,
                spans_in_removed_text(spans, documents, removed),
                "rows inside removed boilerplate",
            ),
        ):
            yield _record(
                context, duckdb, _result(table, name, failures, cols, what), len(failures), len(spans)
            )

    return _check


provenance_checks = [_provenance_check(t) for t in SPAN_TABLES]


def _unexpected_table(sample: list, counts: list | None) -> dg.MetadataValue:
    """The values an expectation did not expect, as a short markdown table (value, count)."""
    if counts:
        df = pd.DataFrame([{"value": str(c.get("value")), "count": c.get("count")} for c in counts])
    else:
        df = pd.DataFrame({"value": [str(v) for v in sample]})
    return markdown_preview(df, ["value", "count"])


def _suite_check(table: str) -> dg.AssetChecksDefinition | None:
    path = suite_path(settings.expectations_dir(), table)
    if not path.exists():
        return None
    specs = suite_specs(path)

    @dg.multi_asset_check(
        name=f"{table}_expectations",
        specs=[
            dg.AssetCheckSpec(
                s.check_name,
                asset=table,
                blocking=s.severity == "critical",
                description=f"[GX {s.severity}] {s.description}",
            )
            for s in specs
        ],
        description=f"Great Expectations suite expectations/{table}.json",
    )
    def _check(context: dg.AssetCheckExecutionContext, ledger: LedgerPaths, duckdb: DuckDBResource):
        (df,) = _read(duckdb, table)
        for o in run_suite(suite_path(ledger.expectations, table), df):
            failing = o.unexpected_count if o.unexpected_count is not None else (0 if o.success else 1)
            result = dg.AssetCheckResult(
                asset_key=table,
                check_name=o.check_name,
                passed=o.success,
                severity=dg.AssetCheckSeverity.ERROR
                if o.severity == "critical"
                else dg.AssetCheckSeverity.WARN,
                description=None
                if o.success
                else f"{failing} unexpected of {o.element_count or len(df)} rows",
                metadata={
                    "expectation": o.type,
                    "kwargs": dg.MetadataValue.json({k: v for k, v in o.kwargs.items() if k != "batch_id"}),
                    "unexpected_count": o.unexpected_count or 0,
                    "element_count": o.element_count or 0,
                    "unexpected_sample": dg.MetadataValue.json([str(v) for v in o.sample]),
                    "failures": _unexpected_table(o.sample, o.unexpected_counts),
                },
            )
            yield _record(
                context, duckdb, result, failing, o.element_count if o.element_count is not None else len(df)
            )

    return _check


def suite_tables(expectations_dir=None) -> list[str]:
    """The tables with a suite file in the expectations folder that are also assets."""
    folder = expectations_dir or settings.expectations_dir()
    found = sorted(p.stem for p in folder.glob("*.json"))
    for stem in found:
        if stem not in SUITE_ASSETS:
            log.warning(
                "expectations/%s.json names no asset (known: %s); not run", stem, ", ".join(SUITE_ASSETS)
            )
    return [t for t in found if t in SUITE_ASSETS]


suite_checks = [c for c in (_suite_check(t) for t in suite_tables()) if c]


@dg.multi_asset_check(
    name="figure_flag_checks",
    specs=[
        dg.AssetCheckSpec(
            name, asset="figure_flags", blocking=False, description=f"[figure check, WARN] {about}"
        )
        for name, about in FIGURE_CHECKS.items()
    ],
    description="The figure-level checks of pipelines/quality/figure_checks.py (thresholds in "
    "expectations/figure_checks.yaml): each reads its findings from the figure_flags table.",
)
def figure_flag_checks(context: dg.AssetCheckExecutionContext, duckdb: DuckDBResource):
    flags, figures = _read(duckdb, "figure_flags", "figures")
    surfaces = dict(zip(figures["figure_id"], figures["surface"], strict=True)) if len(figures) else {}
    counted = int(figures["repeat_of_figure_id"].isna().sum()) if len(figures) else 0
    for name in FIGURE_CHECKS:
        mine = flags[flags["check_name"] == name].copy()
        mine["surface"] = mine["figure_id"].map(surfaces)
        n_figures = mine["figure_id"].nunique()
        result = dg.AssetCheckResult(
            asset_key="figure_flags",
            check_name=name,
            passed=mine.empty,
            severity=dg.AssetCheckSeverity.WARN,
            description=f"{n_figures} figure(s) flagged" if len(mine) else None,
            metadata={
                "failing_rows": n_figures,
                "flags": len(mine),
                "failures": markdown_preview(
                    mine, ["figure_id", "surface", "reason", "other_figure_id"], width=100
                ),
            },
        )
        yield _record(context, duckdb, result, n_figures, counted)
