"""Asset checks: provenance of every extracted row, and the Great Expectations suites in expectations/.

Provenance checks are blocking (ERROR): a row that does not point at its exact text, or that stands on
text the cleaner removed, is a defect. Each expectation of a suite is its own check, named by its
`meta.check_name`, with its GX severity mapped to ERROR (critical) or WARN (warning, info).
"""

import dagster as dg
import pandas as pd
from dagster_duckdb import DuckDBResource

from pipelines import settings
from pipelines.defs.metadata import markdown_preview
from pipelines.defs.resources import LedgerPaths
from pipelines.quality.expectations import run_suite, suite_path, suite_specs
from pipelines.quality.provenance import spans_in_removed_text, surface_mismatches
from pipelines.storage.warehouse import read_table

SPAN_TABLES = ("mentions", "figures", "dates")


def _read(duckdb: DuckDBResource, *tables: str) -> list[pd.DataFrame]:
    with duckdb.get_connection() as con:
        return [read_table(con, t) for t in tables]


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
    def _check(duckdb: DuckDBResource):
        spans, documents, removed = _read(duckdb, table, "documents", "removed_spans")
        cols = ["doc_id", "char_start", "char_end", "surface"]
        yield _result(
            table,
            surface_check,
            surface_mismatches(spans, documents),
            cols,
            "rows whose surface is not their span of clean_text",
        )
        yield _result(
            table,
            removed_check,
            spans_in_removed_text(spans, documents, removed),
            cols,
            "rows inside removed boilerplate",
        )

    return _check


provenance_checks = [_provenance_check(t) for t in SPAN_TABLES]


def _suite_check(table: str) -> dg.AssetChecksDefinition | None:
    path = suite_path(settings.expectations_dir(), table)
    if not path.exists():
        return None
    specs = suite_specs(path)

    @dg.multi_asset_check(
        name=f"{table}_expectations",
        specs=[
            dg.AssetCheckSpec(s.check_name, asset=table, description=f"[GX {s.severity}] {s.description}")
            for s in specs
        ],
        description=f"Great Expectations suite expectations/{table}.json",
    )
    def _check(ledger: LedgerPaths, duckdb: DuckDBResource):
        (df,) = _read(duckdb, table)
        for o in run_suite(suite_path(ledger.expectations, table), df):
            yield dg.AssetCheckResult(
                asset_key=table,
                check_name=o.check_name,
                passed=o.success,
                severity=dg.AssetCheckSeverity.ERROR
                if o.severity == "critical"
                else dg.AssetCheckSeverity.WARN,
                metadata={
                    "expectation": o.type,
                    "kwargs": dg.MetadataValue.json({k: v for k, v in o.kwargs.items() if k != "batch_id"}),
                    "unexpected_count": o.unexpected_count or 0,
                    "element_count": o.element_count or 0,
                    "unexpected_sample": dg.MetadataValue.json([str(v) for v in o.sample]),
                },
            )

    return _check


suite_checks = [c for c in (_suite_check(t) for t in ("documents", "mentions", "figures", "dates")) if c]
