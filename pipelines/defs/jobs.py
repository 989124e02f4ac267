"""ledger_job: the whole road from raw pages to checked tables (run by `make run`, schedule, sensor)."""

import dagster as dg

ledger_job = dg.define_asset_job(
    "ledger_job",
    selection=dg.AssetSelection.all(),
    description="Register raw pages, clean them, extract mentions, dates and figures, and run every check.",
    # One process: the steps share one DuckDB writer, and a subprocess per step would re-import everything.
    executor_def=dg.in_process_executor,
)
