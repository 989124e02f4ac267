"""daily_ledger_refresh: rebuilds the warehouse from raw/ every morning (UTC)."""

import dagster as dg

from pipelines.defs.jobs import ledger_job

daily_ledger_refresh = dg.ScheduleDefinition(
    name="daily_ledger_refresh",
    job=ledger_job,
    cron_schedule="0 6 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Every day at 06:00 UTC: the whole pipeline over the raw directory.",
)
