"""daily_ledger_refresh: rebuilds the warehouse from raw/ every morning (UTC).
fetch_pages_schedule: fetches the sources file every hour; off until someone turns it on (it goes online)."""

import dagster as dg

from pipelines.defs.jobs import fetch_job, ledger_job

daily_ledger_refresh = dg.ScheduleDefinition(
    name="daily_ledger_refresh",
    job=ledger_job,
    cron_schedule="0 6 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Every day at 06:00 UTC: the whole pipeline over the raw directory.",
)

fetch_pages_schedule = dg.ScheduleDefinition(
    name="fetch_pages_schedule",
    job=fetch_job,
    cron_schedule="17 * * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Every hour at :17 UTC: fetch the sources file's URLs and feeds (stopped by default: turn it "
    "on in the UI once sources.yaml lists what to fetch). raw_dir_sensor then processes the new pages.",
)
