"""figure_flags: figure-level findings (parts over their whole, late dates, cross-source disagreement,
syndicated copies, outliers) as a queryable table, and a report a reviewer reads.

The checks are plain functions in pipelines/quality/figure_checks.py; their thresholds live in
expectations/figure_checks.yaml. Findings warn, they never block (see checks.py).

Incremental: each document's fingerprint (stage_state) hashes what the checks read of it (its rows of
figures, dates and documents), the thresholds file and the checks' code. A run in which none changed keeps
the findings; otherwise the checks run again on every figure (cheap: a few columns, read in DuckDB), except
that the syndication check, the one that reads texts, compares only what the changed documents can decide
(`figure_checks.Previous`), and only the documents whose findings changed are rewritten.
"""

import hashlib
from pathlib import Path

import dagster as dg
import pandas as pd
from dagster_duckdb import DuckDBResource

from pipelines.defs.metadata import markdown_preview, table_metadata
from pipelines.defs.resources import LedgerPaths
from pipelines.quality.figure_checks import CHECKS, FLAG_COLUMNS, SYNDICATED, Previous, load_config
from pipelines.quality.figure_checks import figure_flags as compute_flags
from pipelines.quality.report import shown_flags, write_report
from pipelines.storage.contracts import REFERENCES
from pipelines.storage.incremental import fingerprint, plan
from pipelines.storage.warehouse import ensure_table, read_docs, read_table
from pipelines.storage.writes import write_stage

FIGURE_CHECKS_FILE = "figure_checks.yaml"
# What the checks read: of a figure, of a date, of a document (never the text, which only the syndication
# check and the report load, for the documents they need).
FIGURE_COLUMNS = (
    "figure_id, doc_id, char_start, char_end, value, low, high, qualifier, category, actor_entity_id, "
    "location_entity_id, part_of_figure_id, repeat_of_figure_id, date_id, source_entity_id, source_surface"
)
DATE_COLUMNS = "date_id, doc_id, surface, date_start"
DOCUMENT_COLUMNS = "doc_id, published_date, outlet"


def _count(con, table: str) -> int:
    return con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]


def _rows(con, sql: str, params: list | None = None) -> list[dict]:
    """A query's rows as dicts (NULL as None), without pandas."""
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _fingerprints(con, config_path: Path) -> dict[str, str]:
    """doc_id -> the fingerprint of what the checks read of the document: its rows of figures, dates and
    documents (row hashes combined in DuckDB, nothing read into Python), the thresholds file, and (through
    `fingerprint`) the checks' code version."""
    thresholds = hashlib.sha256(config_path.read_bytes() if config_path.exists() else b"").hexdigest()
    rows = {}
    for table in ("figures", "dates", "documents"):
        ensure_table(con, table)
        sql = f'SELECT doc_id, bit_xor(hash(t)) FROM "{table}" AS t GROUP BY doc_id'
        rows[table] = dict(con.execute(sql).fetchall())
    return {
        doc: fingerprint("figure_flags", thresholds, rows["figures"].get(doc), rows["dates"].get(doc), row)
        for doc, row in rows["documents"].items()
    }


def _by_doc(flags: list[dict]) -> dict[str, set[tuple]]:
    out: dict[str, set[tuple]] = {}
    for f in flags:
        out.setdefault(f["doc_id"], set()).add(tuple(f[c] for c in FLAG_COLUMNS))
    return out


def reports_dir(duckdb: DuckDBResource) -> Path:
    """The reports folder beside the warehouse file this run writes (settings.reports_dir() by default)."""
    return Path(duckdb.database).parent / "reports"


def _report(con, folder: Path, flags: pd.DataFrame, n_figures: int) -> tuple[Path, Path]:
    """The report, reading only the figures and documents of the flags it shows."""
    shown = shown_flags(flags)
    ids = set(shown["figure_id"]) | set(shown["other_figure_id"].dropna()) if len(shown) else set()
    con.register("_shown", pd.DataFrame({"figure_id": sorted(ids)}, dtype=object))
    try:
        figures = con.execute(
            "SELECT figure_id, doc_id, char_start, char_end, surface FROM figures "
            "WHERE figure_id IN (SELECT figure_id FROM _shown)"
        ).df()
    finally:
        con.unregister("_shown")
    docs = set(figures["doc_id"]) | set(shown["doc_id"]) if len(shown) else set()
    documents = read_docs(con, "documents", docs, columns="doc_id, clean_text, outlet")
    return write_report(folder, flags, figures, documents, n_figures=n_figures)


def _check(duckdb: DuckDBResource, config, work, wanted: dict[str, str]) -> tuple[pd.DataFrame, int, int]:
    """Run the checks and write the documents whose findings changed (all of them on a first or full run):
    (every finding, the rows written, the documents rewritten)."""
    with duckdb.get_connection() as con:
        ensure_table(con, "figure_flags")
        figures = _rows(con, f"SELECT {FIGURE_COLUMNS} FROM figures ORDER BY doc_id, char_start, figure_id")
        dates = _rows(con, f"SELECT {DATE_COLUMNS} FROM dates ORDER BY doc_id, date_id")
        documents = _rows(con, f"SELECT {DOCUMENT_COLUMNS} FROM documents ORDER BY doc_id")
        dirty = set(work.todo) | work.gone
        first = work.full_refresh or work.unchanged == 0  # nothing to keep: the tables are replaced whole
        before = [] if first else _rows(con, f"SELECT {', '.join(FLAG_COLUMNS)} FROM figure_flags")
        previous = None
        if not first:
            copies = {
                f["figure_id"]: f
                for f in before
                if f["check_name"] == SYNDICATED and f["doc_id"] not in dirty
            }
            previous = Previous(copies, dirty)

        def texts(doc_ids: set[str]) -> dict[str, str]:
            frame = read_docs(con, "documents", doc_ids, columns="doc_id, clean_text")
            return dict(zip(frame["doc_id"], frame["clean_text"], strict=True))

        flags = compute_flags(figures, dates, documents, config, previous, texts)
    rows = flags.astype(object).where(flags.notna(), None).to_dict("records") if len(flags) else []
    old, new = _by_doc(before), _by_doc(rows)
    docs = None if first else dirty | {d for d in set(old) | set(new) if old.get(d) != new.get(d)}
    out = flags if docs is None else flags[flags["doc_id"].isin(docs)] if len(flags) else flags
    with duckdb.get_connection() as con:
        raw = con.execute("SELECT doc_id, raw_path, raw_sha256 FROM documents").fetchall()
        sources = {doc: (path, sha) for doc, path, sha in raw}
        written = write_stage(
            con,
            "figure_flags",
            {"figure_flags": out},
            sources=sources,
            references=REFERENCES,
            docs=docs,
            fingerprints={d: f for d, f in wanted.items() if docs is None or d in docs},
        ).written.get("figure_flags", 0)
    kept = len(flags) - len(out)
    return flags, written + kept, len(wanted) if docs is None else len(docs)


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
    folder = reports_dir(duckdb)
    md, page = (folder / f"figure_flags.{ext}" for ext in ("md", "html"))
    with duckdb.get_connection() as con:
        wanted = _fingerprints(con, config_path)
        work = plan(con, "figure_flags", wanted)
        dirty = set(work.todo) | work.gone
        figures_checked = _count(con, "figures")
        unchanged = not dirty and md.exists() and page.exists()
        if unchanged:  # the same figures, dates, documents, thresholds and code: the same findings
            flags = read_table(con, "figure_flags")
            written, rewritten = len(flags), 0
    if not unchanged:
        flags, written, rewritten = _check(duckdb, config, work, wanted)
        with duckdb.get_connection() as con:
            md, page = _report(con, folder, flags, figures_checked)
    counts = flags["check_name"].value_counts().to_dict() if len(flags) else {}
    if unchanged:
        context.log.info(
            f"figure flags: inputs unchanged since the last run, findings kept: {counts or 'none'}"
        )
    else:
        context.log.info(
            f"figure flags: {work.describe()}; findings of {rewritten} document(s) rewritten: "
            f"{counts or 'none'}; report {md}"
        )
    return dg.MaterializeResult(
        metadata={
            **table_metadata(flags, ["figure_id", "check_name", "reason", "other_figure_id"]),
            "dagster/row_count": written,
            "recomputed": not unchanged,
            "documents_changed": len(dirty),
            "documents_rewritten": rewritten,
            "report": dg.MetadataValue.path(str(md)),
            "report_html": dg.MetadataValue.path(str(page)),
            "report_preview": markdown_preview(
                flags, ["check_name", "figure_id", "reason"], rows=20, width=140
            ),
            "figures_checked": figures_checked,
            **{f"flags_{name}": int(counts.get(name, 0)) for name in CHECKS},
        }
    )
