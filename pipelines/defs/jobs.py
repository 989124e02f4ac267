"""ledger_job: the whole road from raw pages to checked tables (run by `make run`, schedule, sensor).
fetch_job: fetches the sources file's URLs and feeds into the raw directory (`make fetch`, its schedule)."""

import dagster as dg

# Fetching is the one step that goes online: it has a job of its own, so ledger_job (make run) stays offline.
FETCH_ASSETS = dg.AssetSelection.assets("fetched_pages")

ledger_job = dg.define_asset_job(
    "ledger_job",
    selection=dg.AssetSelection.all() - FETCH_ASSETS,
    description="Register raw pages, clean them, extract mentions, dates and figures, and run every check.",
    # One process: the steps share one DuckDB writer, and a subprocess per step would re-import everything.
    executor_def=dg.in_process_executor,
)

fetch_job = dg.define_asset_job(
    "fetch_job",
    selection=FETCH_ASSETS,
    description="Fetch the URLs and RSS/Atom feeds of the sources file into <raw>/fetched/ (robots.txt, "
    "per-host delay); raw_dir_sensor then runs ledger_job on the new pages.",
    executor_def=dg.in_process_executor,
)
