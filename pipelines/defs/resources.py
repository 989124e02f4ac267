"""Resources: the DuckDB warehouse and the raw landing zone, from LEDGER_WAREHOUSE and LEDGER_RAW_DIR."""

from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines import settings


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


def ledger_resources(raw_dir: Path, warehouse: Path, expectations_dir: Path | None = None) -> dict:
    """The resources for a given raw directory and warehouse file (used by the code location and tests)."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    return {
        "duckdb": DuckDBResource(database=str(warehouse)),
        "ledger": LedgerPaths(
            raw_dir=str(raw_dir), expectations_dir=str(expectations_dir or settings.expectations_dir())
        ),
    }


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(resources=ledger_resources(settings.raw_dir(), settings.warehouse_path()))
