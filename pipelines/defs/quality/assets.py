"""figure_flags: figure-level findings (parts over their whole, late dates, cross-source disagreement,
syndicated copies, outliers) as a queryable table, and a report a reviewer reads.

The checks are plain functions in pipelines/quality/figure_checks.py; their thresholds live in
expectations/figure_checks.yaml. Findings warn, they never block (see checks.py).

Cross-source checks need every claim, so the checks read whole tables; a run in which no figure, date,
document, threshold or check changed keeps the findings it has (a digest of all of them in stage_state).
"""

import hashlib
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines import settings
from pipelines.defs.metadata import markdown_preview, table_metadata
from pipelines.defs.resources import LedgerPaths
from pipelines.quality.figure_checks import CHECKS, load_config
from pipelines.quality.figure_checks import figure_flags as compute_flags
from pipelines.quality.report import write_report
from pipelines.storage.contracts import REFERENCES
from pipelines.storage.incremental import recorded, stage_version
from pipelines.storage.warehouse import ensure_table, read_table
from pipelines.storage.writes import write_stage

FIGURE_CHECKS_FILE = "figure_checks.yaml"
WHOLE_TABLE = "*"  # figure_flags' stage_state row: the digest of every input, not one document's


def _count(con, table: str) -> int:
    return con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]


def _inputs_digest(con, config_path: Path) -> str:
    """A digest of everything the figure checks read: every row of figures, dates and documents, the
    thresholds file and the checks' code version. Row hashes are combined in DuckDB, so nothing is read
    into Python."""
    parts = [stage_version("figure_flags"), config_path.read_bytes().hex() if config_path.exists() else ""]
    for table in ("figures", "dates", "documents"):
        ensure_table(con, table)
        row = con.execute(f'SELECT count(*), bit_xor(hash(t)) FROM "{table}" AS t').fetchone()
        parts.append(f"{table}:{row[0]}:{row[1]}")
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:24]


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
    config_path = ledger.expectations / FIGURE_CHECKS_FILE
    config = load_config(config_path)
    md, page = (reports_dir(duckdb) / f"figure_flags.{ext}" for ext in ("md", "html"))
    with duckdb.get_connection() as con:
        digest = _inputs_digest(con, config_path)
        unchanged = (
            not settings.full_refresh()
            and recorded(con, "figure_flags").get(WHOLE_TABLE) == digest
            and md.exists()
            and page.exists()
        )
        if unchanged:  # the same figures, dates, documents, thresholds and code: the same findings
            flags, figures_checked = read_table(con, "figure_flags"), _count(con, "figures")
            written = len(flags)
    if not unchanged:
        with duckdb.get_connection() as con:
            figures, dates, documents = (read_table(con, t) for t in ("figures", "dates", "documents"))
        flags = compute_flags(figures, dates, documents, config)
        figures_checked = len(figures)
        sources = dict(
            zip(
                documents["doc_id"],
                zip(documents["raw_path"], documents["raw_sha256"], strict=True),
                strict=True,
            )
        )
        with duckdb.get_connection() as con:
            written = write_stage(
                con,
                "figure_flags",
                {"figure_flags": flags},
                sources=sources,
                references=REFERENCES,
                fingerprints={WHOLE_TABLE: digest},
            ).written.get("figure_flags", 0)
        md, page = write_report(reports_dir(duckdb), flags, figures, documents)
    counts = flags["check_name"].value_counts().to_dict() if len(flags) else {}
    kept = "inputs unchanged since the last run, findings kept: " if unchanged else ""
    context.log.info(f"figure flags: {kept}{counts or 'none'}; report {md}")
    return dg.MaterializeResult(
        metadata={
            **table_metadata(flags, ["figure_id", "check_name", "reason", "other_figure_id"]),
            "dagster/row_count": written,
            "recomputed": not unchanged,
            "report": dg.MetadataValue.path(str(md)),
            "report_html": dg.MetadataValue.path(str(page)),
            "report_preview": markdown_preview(
                flags, ["check_name", "figure_id", "reason"], rows=20, width=140
            ),
            "figures_checked": figures_checked,
            **{f"flags_{name}": int(counts.get(name, 0)) for name in CHECKS},
        }
    )
