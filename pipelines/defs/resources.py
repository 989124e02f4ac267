"""Resources: the DuckDB warehouse and the raw landing zone, from LEDGER_WAREHOUSE and LEDGER_RAW_DIR.

Runs execute in one process, so the warehouse resource is set up once per run: it snapshots the warehouse
file when the run starts and puts it back when any step of the run failed (run-level atomicity).
"""

from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines import settings
from pipelines.storage.snapshots import drop_snapshot, restore_snapshot, take_snapshot


class LedgerPaths(dg.ConfigurableResource):
    """Folders the pipeline reads: the raw landing zone and the Great Expectations suites."""

    raw_dir: str
    expectations_dir: str

    @property
    def raw(self) -> Path:
        return Path(self.raw_dir)

    @property
    def expectations(self) -> Path:
        return Path(self.expectations_dir)


class LedgerWarehouse(DuckDBResource):
    """The DuckDB warehouse file; a run that fails leaves it as it was when the run started."""

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        if context.run is not None:
            take_snapshot(Path(self.database), context.run.run_id)

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        run = context.run
        if run is None:
            return
        failures = []
        if context.instance is not None:
            failures = context.instance.get_records_for_run(
                run.run_id, of_type=dg.DagsterEventType.STEP_FAILURE
            ).records
        if failures:
            steps = sorted({r.event_log_entry.step_key for r in failures})
            restore_snapshot(Path(self.database), run.run_id, run_id=run.run_id)
            context.log.warning(f"run failed in {steps}: warehouse restored to its state before the run")
        else:
            drop_snapshot(Path(self.database), run.run_id)


def ledger_resources(raw_dir: Path, warehouse: Path, expectations_dir: Path | None = None) -> dict:
    """The resources for a given raw directory and warehouse file (used by the code location and tests)."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    return {
        "duckdb": LedgerWarehouse(database=str(warehouse)),
        "ledger": LedgerPaths(
            raw_dir=str(raw_dir), expectations_dir=str(expectations_dir or settings.expectations_dir())
        ),
    }


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(
        resources=ledger_resources(settings.raw_dir(), settings.warehouse_path()),
        # one process per run: the steps share one DuckDB writer, and the warehouse snapshot is per run
        executor=dg.in_process_executor,
    )
