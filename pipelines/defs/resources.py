"""Resources: the DuckDB warehouse and the raw landing zone, from LEDGER_WAREHOUSE and LEDGER_RAW_DIR.

Runs execute in one process, so the warehouse resource is set up once per run: it takes the warehouse's
writer lock and opens the run's staging database (pipelines/storage/staging.py). Every step's
`get_connection()` is a connection to that staging; the `ledger_runs` asset publishes it to the warehouse
file in one transaction once every other step and check has passed. A run that fails publishes nothing
but its check outcomes, so the warehouse stays as it was. Outside a run (a plain function call, a test)
`get_connection()` opens the warehouse file itself. The resource also holds the run's deserialised parses
(`doc_cache`, bounded in tokens): each document's Doc is deserialised once per run and shared by the
extract steps; it is dropped at the end of the run.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource
from pydantic import PrivateAttr

from pipelines import settings
from pipelines.nlp.docbin import DocCache
from pipelines.storage.backend import Warehouse
from pipelines.storage.staging import RunStage

PUBLISH_STEP = "ledger_runs"  # the asset whose step publishes the run


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


def _run_failures(context: dg.InitResourceContext, run_id: str) -> list[str]:
    if context.instance is None:
        return []
    records = context.instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.STEP_FAILURE).records
    return sorted({r.event_log_entry.step_key for r in records})


class LedgerWarehouse(DuckDBResource):
    """The warehouse (a DuckDB file, or a DuckLake catalog: `backend`); inside a run, a staging database
    published at the end in one transaction."""

    raw_dir: str | None = (
        None  # the raw directory this warehouse is built from (a run from another is refused)
    )
    lock_timeout: float = 300.0  # seconds a run waits for another writer (LEDGER_LOCK_TIMEOUT)
    # tokens of deserialised parses a run keeps in memory for its extractors (beyond: deserialised per use)
    doc_cache_tokens: int = 2_000_000
    backend: str = "duckdb"  # or "ducklake" (LEDGER_BACKEND): `database` is then the SQLite catalog file
    lake_catalog: str | None = None  # DuckLake: another catalog than that file (LEDGER_LAKE_CATALOG)
    lake_data_path: str | None = None  # DuckLake: where its Parquet files go (LEDGER_LAKE_DATA_PATH)

    _stage: RunStage | None = PrivateAttr(default=None)
    _docs: DocCache | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        if context.run is None:
            return
        say = context.log.info if context.log is not None else print
        self._stage = RunStage(
            self.location,
            context.run.run_id,
            raw_dir=self.raw_dir,
            lock_timeout=self.lock_timeout,
            say=say,
        ).open()
        self._docs = DocCache(self.doc_cache_tokens)

    @property
    def location(self) -> Warehouse:
        return Warehouse(
            Path(self.database), self.backend, catalog=self.lake_catalog, data_path=self.lake_data_path
        )

    @contextmanager
    def get_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        if self._stage is None and self.backend == "duckdb":
            with super().get_connection() as con:
                yield con
            return
        if self._stage is None:
            con = self.location.connect(read_only=False)
            try:
                yield con
            finally:
                con.close()
            return
        cursor = self._stage.cursor()
        try:
            yield cursor
        finally:
            cursor.close()

    @property
    def stage(self) -> RunStage | None:
        return self._stage

    @property
    def doc_cache(self) -> DocCache | None:
        """The run's deserialised parses, shared by its extract steps (None outside a run)."""
        return self._docs

    def publish(self, pages: int | None = None) -> dict[str, int]:
        """Publish the run's staging to the warehouse file (the `ledger_runs` step calls this)."""
        if self._stage is None:
            return {}
        return self._stage.publish(pages=pages)

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        stage, self._stage = self._stage, None
        self._docs = None
        if stage is None:
            return
        log = context.log
        try:
            failed = _run_failures(context, stage.run_id)
            if failed:
                if not stage.published:
                    n = stage.publish_check_results()
                    if log:
                        log.warning(
                            f"run failed in {failed}: nothing published, the warehouse is as before the run "
                            f"({n} check outcomes kept in dq_results)"
                        )
            elif not stage.published and stage.staged_tables():
                # a run of a subset of assets has no ledger_runs step: publish what it wrote now
                stage.publish()
        except Exception as exc:  # the run's steps are over: say so loudly, the warehouse is unchanged
            if log:
                log.error(f"publishing at the end of the run failed, the warehouse is unchanged: {exc}")
        finally:
            stage.close()


def ledger_resources(
    raw_dir: Path, warehouse: Path | Warehouse, expectations_dir: Path | None = None
) -> dict:
    """The resources for a given raw directory and warehouse (a DuckDB file's path, or a Warehouse of either
    backend; used by the code location and tests)."""
    location = warehouse if isinstance(warehouse, Warehouse) else Warehouse(Path(warehouse))
    location.path.parent.mkdir(parents=True, exist_ok=True)
    return {
        "duckdb": LedgerWarehouse(
            database=str(location.path),
            raw_dir=str(Path(raw_dir).resolve()),
            lock_timeout=settings.lock_timeout(),
            backend=location.backend,
            lake_catalog=location.catalog,
            lake_data_path=location.data_path,
        ),
        "ledger": LedgerPaths(
            raw_dir=str(raw_dir), expectations_dir=str(expectations_dir or settings.expectations_dir())
        ),
    }


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(
        resources=ledger_resources(settings.raw_dir(), settings.warehouse()),
        # one process per run: the steps share the run's staging database and one warehouse lock
        executor=dg.in_process_executor,
    )
