"""ledger_runs: publishes the run. Every table the run's steps wrote into its staging database is swapped
into the warehouse file in one DuckDB transaction, and one row describing the run is appended.

It runs last: it depends on every other asset of ledger_job, and its low priority puts it behind every
asset check that is ready at the same time, so a blocking check stops it and a crashed step keeps it from
publishing. Until it commits, readers (and a crash) see the warehouse as it was before the run.
"""

import dagster as dg

from pipelines.defs.resources import LedgerWarehouse
from pipelines.storage.warehouse import read_table

# Every asset that writes a table (all of ledger_job but this one); a test keeps this list complete.
PUBLISHED_ASSETS = [
    "raw_pages",
    "documents",
    "removed_spans",
    "parses",
    "quarantine",
    "entities",
    "mentions",
    "dates",
    "figures",
    "figure_flags",
    "unknown_names",
]


@dg.asset(
    deps=PUBLISHED_ASSETS,
    group_name="publish",
    kinds={"duckdb"},
    op_tags={"dagster/priority": "-100"},  # after every check that is ready at the same time
    description="One row per published run (raw directory, pages, documents, quarantined). Materialising "
    "it publishes the run: every table the run wrote is swapped into the warehouse in one transaction.",
)
def ledger_runs(context: dg.AssetExecutionContext, duckdb: LedgerWarehouse) -> dg.MaterializeResult:
    failed = sorted(
        {
            r.event_log_entry.step_key
            for r in context.instance.get_records_for_run(
                context.run.run_id, of_type=dg.DagsterEventType.STEP_FAILURE
            ).records
        }
    )
    if failed:
        raise dg.Failure(f"not publishing: steps failed in this run: {failed}; the warehouse is unchanged")
    with duckdb.get_connection() as con:
        pages = len(read_table(con, "raw_pages"))
    counts = duckdb.publish(pages=pages)
    context.log.info(
        f"published run {context.run.run_id}: " + ", ".join(f"{t} {n}" for t, n in counts.items())
    )
    return dg.MaterializeResult(
        metadata={
            "pages": pages,
            "tables": dg.MetadataValue.json(counts),
            **{f"rows_{t}": n for t, n in counts.items()},
        }
    )
