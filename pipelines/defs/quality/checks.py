"""Asset checks: provenance of every extracted row, the Great Expectations suites in expectations/, and the
figure-level checks whose findings the `figure_flags` asset writes.

One document never stops a run: when a provenance check or a critical expectation fails on some documents'
rows, those documents are quarantined for the stage (their rows leave the stage's tables; the quarantine
row names the check) and the check reports WARN with what it quarantined. A check blocks (ERROR:
downstream assets and publishing do not run) only for systemic breakage: a failure not tied to documents
(a table-level expectation, a broken schema), or a stage that refused more than the share of its batch set
in expectations/batch_checks.yaml. Each expectation of a suite is its own check, named by its
`meta.check_name`; `warning`/`info` expectations only warn. Figure checks (plausibility, consistency,
disagreement) warn and never block. Every check appends its outcome to `dq_results`, keyed by the run id.
"""

import datetime as dt
import logging
from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import pandas as pd
from dagster_duckdb import DuckDBResource

from pipelines import settings
from pipelines.defs.metadata import markdown_preview
from pipelines.defs.resources import LedgerPaths, LedgerWarehouse
from pipelines.quality.accounting import page_files, unaccounted
from pipelines.quality.expectations import (
    ExpectationOutcome,
    run_suite,
    suite_columns,
    suite_path,
    suite_specs,
)
from pipelines.quality.figure_checks import CHECKS as FIGURE_CHECKS
from pipelines.quality.isolation import (
    BATCH_CHECKS_FILE,
    STAGE_OF_TABLE,
    load_batch_checks,
    quarantine_documents,
    share_is_systemic,
)
from pipelines.quality.provenance import spans_across_removals, surface_mismatches
from pipelines.quality.results import check_row, record_check_results
from pipelines.storage.warehouse import DELTA, read_docs, read_table, run_docs

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


def _read_run_docs(duckdb: DuckDBResource, table: str, *others: str) -> list[pd.DataFrame]:
    """`table` and `others` restricted to the documents this run wrote `table` rows for (inside a run; all
    documents outside one): a row check need not re-read what an earlier run checked and left unchanged."""
    with duckdb.get_connection() as con:
        docs = run_docs(con, table)
        return [read_docs(con, t, docs) for t in (table, *others)]


class _Outcomes:
    """A check step's outcomes, appended to dq_results in one write when the step ends (`_outcomes`): one
    contract-checked insert per step instead of one per check."""

    def __init__(self, context: dg.AssetCheckExecutionContext):
        self.run_id = context.run.run_id
        self.rows: list[dict] = []

    def __call__(
        self, result: dg.AssetCheckResult, failing_rows: int, total_rows: int | None
    ) -> dg.AssetCheckResult:
        """Note the result's outcome for dq_results and hand the result back."""
        self.rows.append(
            check_row(
                run_id=self.run_id,
                asset=result.asset_key.to_user_string(),
                check_name=result.check_name,
                severity=result.severity.value,
                passed=result.passed,
                failing_rows=failing_rows,
                total_rows=total_rows,
            )
        )
        return result


@contextmanager
def _outcomes(context: dg.AssetCheckExecutionContext, duckdb: DuckDBResource) -> Iterator[_Outcomes]:
    """Record a check step's outcomes; they are written when the step's body ends, raising or not."""
    outcomes = _Outcomes(context)
    try:
        yield outcomes
    finally:
        if outcomes.rows:
            with duckdb.get_connection() as con:
                record_check_results(con, outcomes.rows)


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


def _share_spec(table: str) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(
        f"{table}_quarantined_share_is_below_threshold",
        asset=table,
        blocking=True,
        description=f"the {STAGE_OF_TABLE[table][0]} stage refused at most the share of its batch set in "
        f"expectations/{BATCH_CHECKS_FILE} (more is systemic breakage and stops the run)",
    )


def _share_result(
    record: _Outcomes, duckdb: DuckDBResource, ledger: LedgerPaths, table: str
) -> dg.AssetCheckResult:
    limits = load_batch_checks(ledger.expectations / BATCH_CHECKS_FILE)
    with duckdb.get_connection() as con:
        quarantined, entered = _stage_share(con, table)
        stage = STAGE_OF_TABLE[table][0]
        reasons = con.execute(
            "SELECT coalesce(check_name, '') AS check_name, left(reason, 120) AS reason, count(*) AS pages "
            "FROM quarantine WHERE stage = ? GROUP BY ALL ORDER BY pages DESC LIMIT 10",
            [stage],
        ).df()
    systemic = share_is_systemic(quarantined, entered, limits)
    result = dg.AssetCheckResult(
        asset_key=table,
        check_name=f"{table}_quarantined_share_is_below_threshold",
        passed=not systemic,
        severity=dg.AssetCheckSeverity.ERROR,
        description=f"{quarantined} of {entered} documents quarantined at {stage}"
        + (f" (over {limits.max_quarantined_share:.0%}: systemic)" if systemic else ""),
        metadata={
            "quarantined": quarantined,
            "entered": entered,
            "max_quarantined_share": limits.max_quarantined_share,
            "top_reasons": markdown_preview(reasons, ["check_name", "reason", "pages"], width=120),
        },
    )
    return record(result, quarantined, entered)


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
                description=f"every {table} row's surface equals clean_text[char_start:char_end] (a document "
                "with a row that does not is quarantined)",
            ),
            dg.AssetCheckSpec(
                removed_check,
                asset=table,
                blocking=True,
                description=f"no {table} row spans an offset of clean_text where the cleaner cut boilerplate "
                "out (a document with one is quarantined)",
            ),
            _share_spec(table),
        ],
    )
    def _check(context: dg.AssetCheckExecutionContext, ledger: LedgerPaths, duckdb: DuckDBResource):
        with _outcomes(context, duckdb) as record:
            spans, documents, removed = _read_run_docs(duckdb, table, "documents", "removed_spans")
            cols = ["doc_id", "char_start", "char_end", "surface"]
            for name, failures, what in (
                (
                    surface_check,
                    surface_mismatches(spans, documents),
                    "rows whose surface is not their span of clean_text",
                ),
                (
                    removed_check,
                    spans_across_removals(spans, removed),
                    "rows across a place where boilerplate was cut out",
                ),
            ):
                if failures.empty:
                    yield record(_result(table, name, failures, cols, what), 0, len(spans))
                    continue
                docs = {
                    str(d): f"{g['surface'].iloc[0]!s:.80} at {g['char_start'].iloc[0]}"
                    for d, g in failures.groupby("doc_id")
                }
                n, systemic = _isolate(context, duckdb, ledger, table, name, docs, what)
                result = _isolated_result(table, name, n, systemic, what, markdown_preview(failures, cols))
                yield record(result, len(failures), len(spans))
            yield _share_result(record, duckdb, ledger, table)

    return _check


provenance_checks = [_provenance_check(t) for t in SPAN_TABLES]


def _count(con, table: str, where: str = "", params: list | None = None, what: str = "count(*)") -> int:
    read_table(con, table, "LIMIT 0")  # creates the table (or copies the published one) first
    return int(con.execute(f'SELECT {what} FROM "{table}" {where}', params or []).fetchone()[0])


def _stage_share(con, table: str, examined: int = 0) -> tuple[int, int]:
    """(documents the table's stage quarantined, documents that entered the stage) of this run's batch: the
    documents the stage processed in this run (an incremental run: its new and changed documents), or the
    `examined` documents a check read if more (a suite reads the whole table); outside a run, or for
    raw_pages, which is registered whole each run: every document."""
    stage, _ = STAGE_OF_TABLE[table]
    processed = run_docs(con, "stage_state", stage)
    if processed is not None and stage != "raw_pages":
        refused = con.execute(
            f'SELECT count(DISTINCT raw_path) FROM {DELTA}."quarantine" WHERE stage = ?', [stage]
        ).fetchone()[0]
        return int(refused), max(len(processed), examined)
    refused = _count(con, "quarantine", "WHERE stage = ?", [stage], what="count(DISTINCT raw_path)")
    if stage == "raw_pages":
        return refused, _count(con, "raw_pages") + refused
    if stage == "documents":
        return refused, _count(con, "raw_pages")
    return refused, _count(con, "documents")


def _isolate(
    context: dg.AssetCheckExecutionContext,
    duckdb: DuckDBResource,
    ledger: LedgerPaths,
    table: str,
    check_name: str,
    docs: dict[str, str],
    what: str,
    examined: int = 0,
) -> tuple[int, bool]:
    """Quarantine `docs` ({doc_id: sample}) for `table`'s stage; (how many, whether the share is systemic
    among the documents the stage processed this run, or the `examined` documents the check read)."""
    limits = load_batch_checks(ledger.expectations / BATCH_CHECKS_FILE)
    with duckdb.get_connection() as con:
        n = quarantine_documents(
            con, table, set(docs), check_name, f"check {check_name} failed: {what}", docs
        )
        quarantined, entered = _stage_share(con, table, examined)
    if n:
        context.log.warning(f"{check_name}: quarantined {n} document(s) of {table}: {sorted(docs)[:10]}")
    return n, share_is_systemic(quarantined, entered, limits)


def _isolated_result(
    asset: str, name: str, n: int, systemic: bool, what: str, preview: dg.MetadataValue
) -> dg.AssetCheckResult:
    """A check that failed on `n` documents which were quarantined: WARN, or ERROR when systemic."""
    return dg.AssetCheckResult(
        asset_key=asset,
        check_name=name,
        passed=False,
        severity=dg.AssetCheckSeverity.ERROR if systemic else dg.AssetCheckSeverity.WARN,
        description=(
            f"{n} document(s) quarantined ({what})"
            + ("; the stage refused more than its threshold of the batch: systemic" if systemic else "")
        ),
        metadata={"quarantined_documents": n, "systemic": systemic, "failures": preview},
    )


def _unexpected_table(sample: list, counts: list | None) -> dg.MetadataValue:
    """The values an expectation did not expect, as a short markdown table (value, count)."""
    if counts:
        df = pd.DataFrame([{"value": str(c.get("value")), "count": c.get("count")} for c in counts])
    else:
        df = pd.DataFrame({"value": [str(v) for v in sample]})
    return markdown_preview(df, ["value", "count"])


def _isolatable(outcome: ExpectationOutcome, table: str) -> bool:
    """A failed critical expectation whose unexpected rows name their documents: quarantine those."""
    return (
        not outcome.success
        and outcome.severity == "critical"
        and bool(outcome.unexpected_docs)
        and table in STAGE_OF_TABLE
    )


def _suite_frame(duckdb: DuckDBResource, table: str, columns: list[str] | None) -> pd.DataFrame:
    """The table for its suite: only the columns the suite reads (all of them when it may read any, or
    names one the table lacks, which the suite then reports)."""
    with duckdb.get_connection() as con:
        present = list(read_table(con, table, "LIMIT 0").columns)
        if columns is None or not set(columns) - {"doc_id"} <= set(present):
            return read_table(con, table)
        wanted = ", ".join(f'"{c}"' for c in columns if c in present)
        if not wanted:
            return read_table(con, table)
        return con.execute(f'SELECT {wanted} FROM "{table}"').df()


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
        with _outcomes(context, duckdb) as record:
            df = _suite_frame(duckdb, table, suite_columns(suite_path(ledger.expectations, table)))
            for o in run_suite(suite_path(ledger.expectations, table), df):
                failing = o.unexpected_count if o.unexpected_count is not None else (0 if o.success else 1)
                total = o.element_count if o.element_count is not None else len(df)
                if _isolatable(o, table):
                    what = f"[GX critical] {o.type} on {o.kwargs.get('column') or o.kwargs}"
                    examined = int(df["doc_id"].nunique()) if "doc_id" in df.columns else 0
                    n, systemic = _isolate(
                        context, duckdb, ledger, table, o.check_name, o.unexpected_docs, what, examined
                    )
                    result = _isolated_result(
                        table,
                        o.check_name,
                        n,
                        systemic,
                        what,
                        _unexpected_table(o.sample, o.unexpected_counts),
                    )
                    yield record(result, failing, total)
                    continue
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
                        "kwargs": dg.MetadataValue.json(
                            {k: v for k, v in o.kwargs.items() if k != "batch_id"}
                        ),
                        "unexpected_count": o.unexpected_count or 0,
                        "element_count": o.element_count or 0,
                        "unexpected_sample": dg.MetadataValue.json([str(v) for v in o.sample]),
                        "failures": _unexpected_table(o.sample, o.unexpected_counts),
                    },
                )
                yield record(result, failing, total)

    return _check


@dg.multi_asset_check(
    name="page_accounting",
    specs=[
        dg.AssetCheckSpec(
            "every_page_is_accounted_for",
            asset="documents",
            blocking=True,
            description="every page file under the raw directory (symlinks, unreadable and oversized files "
            "included) is in exactly one of documents or quarantine",
        ),
        _share_spec("documents"),
    ],
    description="Nothing is dropped silently: every page is a document or quarantined, and the documents "
    "stage refused no more than its threshold.",
)
def page_accounting(context: dg.AssetCheckExecutionContext, ledger: LedgerPaths, duckdb: LedgerWarehouse):
    with _outcomes(context, duckdb) as record:
        started = duckdb.stage.started_at.replace(tzinfo=dt.UTC).timestamp() if duckdb.stage else None
        pages = page_files(ledger.raw, arrived_before=started)
        with duckdb.get_connection() as con:
            documents = read_docs(con, "documents", None, columns="doc_id, raw_path")
            quarantine = read_docs(con, "quarantine", None, columns="doc_id, raw_path, stage")
        problems = unaccounted(pages, documents, quarantine)
        result = dg.AssetCheckResult(
            asset_key="documents",
            check_name="every_page_is_accounted_for",
            passed=problems.empty,
            severity=dg.AssetCheckSeverity.ERROR,
            description=f"{len(problems)} of {len(pages)} page files not accounted for"
            if len(problems)
            else None,
            metadata={
                "page_files": len(pages),
                "documents": len(documents),
                "failing_rows": len(problems),
                "failures": markdown_preview(problems, ["raw_path", "problem"]),
            },
        )
        yield record(result, len(problems), len(pages))
        yield _share_result(record, duckdb, ledger, "documents")


@dg.asset_check(
    asset="raw_pages",
    name="raw_pages_quarantined_share_is_below_threshold",
    blocking=True,
    description=_share_spec("raw_pages").description,
)
def raw_pages_share(context: dg.AssetCheckExecutionContext, ledger: LedgerPaths, duckdb: DuckDBResource):
    with _outcomes(context, duckdb) as record:
        return _share_result(record, duckdb, ledger, "raw_pages")


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
    with _outcomes(context, duckdb) as record:
        with duckdb.get_connection() as con:
            flags = read_table(con, "figure_flags")
            counted = _count(con, "figures", "WHERE repeat_of_figure_id IS NULL")
            surfaces = dict(
                con.execute(
                    "SELECT figure_id, surface FROM figures "
                    "WHERE figure_id IN (SELECT figure_id FROM figure_flags)"
                ).fetchall()
            )
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
            yield record(result, n_figures, counted)
