"""figure_flags: figure-level findings (parts over their whole, late dates, cross-source disagreement,
syndicated copies, outliers) as a queryable table, and a report a reviewer reads.

The checks are plain functions in pipelines/quality/figure_checks.py; their thresholds live in
expectations/figure_checks.yaml. Findings warn, they never block (see checks.py).
"""

from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.defs.metadata import markdown_preview, table_metadata
from pipelines.defs.resources import LedgerPaths
from pipelines.quality.figure_checks import CHECKS, load_config
from pipelines.quality.figure_checks import figure_flags as compute_flags
from pipelines.quality.report import write_report
from pipelines.storage.contracts import REFERENCES
from pipelines.storage.warehouse import read_table
from pipelines.storage.writes import write_stage

FIGURE_CHECKS_FILE = "figure_checks.yaml"


def reports_dir(duckdb: DuckDBResource) -> Path:
    """The reports folder beside the warehouse file this run writes (settings.reports_dir() by default)."""
    return Path(duckdb.database).parent / "reports"


@dg.asset(
    deps=["figures", "documents", "dates"],
    group_name="quality",
    kinds={"python", "duckdb"},
    description="One row per finding of the figure-level checks (figure_id, check_name, severity, reason, "
    "other_figure_id): parts larger than their whole, breakdowns over their total, figures dated after "
    "publication, cross-source disagreement, syndicated copies, outliers against an actor's history. "
    "Thresholds in expectations/figure_checks.yaml. Also writes reports/figure_flags.md and .html.",
)
def figure_flags(context: dg.AssetExecutionContext, ledger: LedgerPaths, duckdb: DuckDBResource):
    config = load_config(ledger.expectations / FIGURE_CHECKS_FILE)
    with duckdb.get_connection() as con:
        figures, dates, documents = (read_table(con, t) for t in ("figures", "dates", "documents"))
    flags = compute_flags(figures, dates, documents, config)
    sources = dict(
        zip(
            documents["doc_id"], zip(documents["raw_path"], documents["raw_sha256"], strict=True), strict=True
        )
    )
    with duckdb.get_connection() as con:
        report = write_stage(
            con, "figure_flags", {"figure_flags": flags}, sources=sources, references=REFERENCES
        )
    md, page = write_report(reports_dir(duckdb), flags, figures, documents)
    counts = flags["check_name"].value_counts().to_dict() if len(flags) else {}
    context.log.info(f"figure flags: {counts or 'none'}; report {md}")
    return dg.MaterializeResult(
        metadata={
            **table_metadata(flags, ["figure_id", "check_name", "reason", "other_figure_id"]),
            "dagster/row_count": report.written.get("figure_flags", 0),
            "report": dg.MetadataValue.path(str(md)),
            "report_html": dg.MetadataValue.path(str(page)),
            "report_preview": markdown_preview(
                flags, ["check_name", "figure_id", "reason"], rows=20, width=140
            ),
            "figures_checked": len(figures),
            **{f"flags_{name}": int(counts.get(name, 0)) for name in CHECKS},
        }
    )
