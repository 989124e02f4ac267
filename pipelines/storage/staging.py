"""A run's staging database, published to the warehouse file in one transaction at the end.

A run writes nothing to the warehouse file until it publishes: its stages write into an in-memory DuckDB
database (the staging), where the published warehouse is attached read-only. DuckDB holds at most
LEDGER_STAGING_MEMORY_MIB of it in memory and writes the rest out to the run's spill folder in the temporary
directory, so a large run's rows do not have to fit in memory. A table keyed by document
(warehouse.KEYED) is never copied: the run's new rows and the keys they replace live in the schema `delta`,
and the table is a view of both over the published rows. Reading a whole table the run has not written yet
reads the published one (copied into staging on first use). `publish` then applies every staged change to
the warehouse file inside ONE DuckDB transaction (keyed tables: delete the replaced keys, insert the new
rows; whole tables: replace): a reader, or a crash at any moment
(SIGKILL included), sees the warehouse exactly as before the run or exactly as after it. The warehouse file
is never copied; a killed run's staging and lock die with its process, and its spill folder is removed by
the next run (the folder names the process).

Tables listed in `APPEND_ONLY` (`dq_results`, `ledger_runs`) hold only this run's rows in staging;
publishing replaces the rows of this run's key. A failed run publishes its `dq_results` alone
(`publish_check_results`), so why it failed stays queryable.

One warehouse, one writer: a run holds `WarehouseLock` from start to end; a second run waits (bounded,
logged) and then fails. A warehouse is built from one raw directory: a run from another one is refused.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from pipelines import settings
from pipelines.storage.backend import Warehouse
from pipelines.storage.lock import WarehouseLock, retry_busy
from pipelines.storage.warehouse import (
    APPEND_ONLY,
    DELTA,
    KEYED,
    PUBLISHED,
    STAGING,
    TABLES,
    _delete_keys,
    ensure_table,
    make_staging,
    replaced,
    table_exists,
)

log = logging.getLogger(__name__)

TARGET = "target"  # the warehouse file, attached read-write while publishing
SPILL_PREFIX = "ledger-staging-"
FAILPOINT = "LEDGER_FAILPOINT"  # crash tests: "publish" stops a run inside its publishing transaction


class RawDirMismatch(RuntimeError):
    """The warehouse was built from another raw directory than the one this run reads."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _sweep_dead_spills() -> None:
    """Remove the spill folders of runs whose process is gone (a killed run cannot remove its own)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{SPILL_PREFIX}*"):
        try:
            os.kill(int(folder.name.removeprefix(SPILL_PREFIX).split("-")[0]), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except (ValueError, PermissionError):
            continue


def _failpoint(name: str, say: Callable[[str], None]) -> None:
    """Crash tests stop a run here (LEDGER_FAILPOINT=name): it says so and waits to be killed."""
    if os.environ.get(FAILPOINT) == name:
        say(f"failpoint {name} reached: waiting to be killed")
        print(f"LEDGER_FAILPOINT {name} reached", flush=True)
        while True:
            time.sleep(1)


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")


class RunStage:
    """The staging database of one run over one warehouse file (see the module docstring)."""

    def __init__(
        self,
        warehouse: Path | Warehouse,
        run_id: str,
        raw_dir: str | None = None,
        lock_timeout: float = 300.0,
        say: Callable[[str], None] = log.info,
    ):
        # the location (a DuckDB file or a DuckLake catalog); its path's folder holds the writer's lock
        self.location = warehouse if isinstance(warehouse, Warehouse) else Warehouse(Path(warehouse))
        self.warehouse = self.location.path
        self.run_id = run_id
        self.raw_dir = raw_dir
        self.lock_timeout = lock_timeout
        self.say = say
        self.started_at = _now()
        self.published = False
        self._lock = WarehouseLock(self.warehouse)
        # where DuckDB spills staging that outgrows its memory limit (made only if it does; named by this
        # process, so a dead run's is swept)
        self._spill = Path(tempfile.gettempdir()) / f"{SPILL_PREFIX}{os.getpid()}-{id(self)}"
        self.con: duckdb.DuckDBPyConnection | None = None

    # -- life cycle -------------------------------------------------------------------------------------
    def open(self) -> RunStage:
        """Take the warehouse lock, open the staging and attach the published warehouse read-only."""
        self._lock.acquire(self.lock_timeout, say=self.say)
        try:
            # in memory up to LEDGER_STAGING_MEMORY_MIB; beyond it DuckDB writes the staging's blocks out to
            # the spill folder (without a limit it would grow to 80% of the machine's memory first)
            limit = f"{settings.staging_memory_mib()}MiB"
            self.con = duckdb.connect(":memory:", config={"memory_limit": limit})
            self.con.execute("SET python_enable_replacements = false")  # a name is a table, never a variable
            _sweep_dead_spills()
            self.con.execute(f"SET temp_directory = '{_quote(self._spill)}'")
            if self.location.exists():
                retry_busy(
                    lambda: self.location.attach(self.con, PUBLISHED, read_only=True),
                    f"reading {self.location.describe()}",
                    self.lock_timeout,
                    say=self.say,
                )
                self.con.execute(f"SET search_path = '{STAGING}.main,{PUBLISHED}.main'")
            make_staging(self.con)
            self._check_raw_dir()
        except BaseException:
            self.close()
            raise
        return self

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None
        self._lock.release()
        shutil.rmtree(self._spill, ignore_errors=True)

    def cursor(self) -> duckdb.DuckDBPyConnection:
        if self.con is None:
            raise RuntimeError("the run's staging database is closed")
        return self.con.cursor()

    # -- guards -----------------------------------------------------------------------------------------
    def _check_raw_dir(self) -> None:
        if not self.raw_dir or not table_exists(self.con, "ledger_runs", PUBLISHED):
            return
        row = self.con.execute(
            f"SELECT raw_dir FROM {PUBLISHED}.main.ledger_runs WHERE raw_dir IS NOT NULL "
            "ORDER BY published_at DESC LIMIT 1"
        ).fetchone()
        if row and Path(row[0]) != Path(self.raw_dir):
            raise RawDirMismatch(
                f"{self.warehouse} was built from the raw directory {row[0]}, and this run reads "
                f"{self.raw_dir}: one warehouse holds one raw directory. Point LEDGER_WAREHOUSE at another "
                "file for this raw directory, or LEDGER_RAW_DIR back at the first one."
            )

    # -- what the run wrote -----------------------------------------------------------------------------
    def staged_tables(self) -> list[str]:
        rows = self.con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = ? AND schema_name = 'main'",
            [STAGING],
        ).fetchall()
        whole = [t for (t,) in rows if t in TABLES]
        return whole + [t for t in KEYED if self._delta_changed(t)]

    def _delta_changed(self, table: str) -> bool:
        """The run replaced keys of, or added rows to, the keyed `table`."""
        for source in (f'{STAGING}.{DELTA}."{table}"', f"{STAGING}.{replaced(table)}"):
            if self.con.execute(f"SELECT count(*) > 0 FROM (SELECT 1 FROM {source} LIMIT 1)").fetchone()[0]:
                return True
        return False

    def _staged_views(self) -> list[tuple[str, str]]:
        """The views the run made (e.g. lineage roll-ups), not the merge views of keyed tables."""
        views = self.con.execute(
            "SELECT view_name, sql FROM duckdb_views() WHERE database_name = ? AND schema_name = 'main' "
            "AND NOT internal ORDER BY view_oid",
            [STAGING],
        ).fetchall()
        return [(name, sql) for name, sql in views if name not in KEYED]

    def _count(self, sql: str) -> int | None:
        try:
            return int(self.con.execute(sql).fetchone()[0])
        except duckdb.Error:
            return None

    # -- publishing -------------------------------------------------------------------------------------
    def _attach_target(self) -> None:
        attached = {r[0] for r in self.con.execute("SELECT database_name FROM duckdb_databases()").fetchall()}
        if PUBLISHED in attached:
            self.con.execute("SET search_path = 'memory.main'")
            self.con.execute(f"DETACH {PUBLISHED}")
        self.warehouse.parent.mkdir(parents=True, exist_ok=True)
        retry_busy(
            lambda: self.location.attach(self.con, TARGET),
            f"publishing to {self.location.describe()}",
            self.lock_timeout,
            say=self.say,
        )

    def _detach_target(self) -> None:
        self.con.execute(f"USE {STAGING}")
        self.con.execute(f"DETACH {TARGET}")

    def _copy(self, table: str) -> int:
        """Replace `table` of the target by the staged one (by run key for append-only tables, by the
        replaced keys for keyed tables); returns the rows inserted."""
        names = ", ".join(f'"{name}"' for name, _ in TABLES[table])
        key = APPEND_ONLY.get(table)
        if table in KEYED:
            _delete_keys(self.con, f'{TARGET}.main."{table}"', table, f"{STAGING}.{replaced(table)}")
            delta = f'{STAGING}.{DELTA}."{table}"'
            self.con.execute(f'INSERT INTO {TARGET}.main."{table}" ({names}) SELECT {names} FROM {delta}')
            return int(self.con.execute(f"SELECT count(*) FROM {delta}").fetchone()[0])
        if key:
            self.con.execute(
                f'DELETE FROM {TARGET}.main."{table}" WHERE "{key}" IN '
                f'(SELECT "{key}" FROM {STAGING}.main."{table}")'
            )
        else:
            self.con.execute(f'DELETE FROM {TARGET}.main."{table}"')
        self.con.execute(
            f'INSERT INTO {TARGET}.main."{table}" ({names}) SELECT {names} FROM {STAGING}.main."{table}"'
        )
        return int(self.con.execute(f'SELECT count(*) FROM {STAGING}.main."{table}"').fetchone()[0])

    def publish(self, pages: int | None = None) -> dict[str, int]:
        """Swap every staged table (and view) into the warehouse file in one transaction."""
        if self.published:
            raise RuntimeError("this run has already published")
        documents = self._count(f"SELECT count(*) FROM {STAGING}.main.documents")
        quarantined = self._count(f"SELECT count(DISTINCT raw_path) FROM {STAGING}.main.quarantine")
        tables = self.staged_tables()
        views = self._staged_views()
        self._attach_target()
        counts: dict[str, int] = {}
        try:
            self.con.execute("BEGIN TRANSACTION")
            try:
                self.con.execute(f"USE {TARGET}")
                for table in TABLES:
                    ensure_table(self.con, table)
                self.con.execute(f"USE {STAGING}")
                for table in tables:
                    if table != "ledger_runs":
                        counts[table] = self._copy(table)
                self.con.execute(
                    f"INSERT INTO {TARGET}.main.ledger_runs BY NAME SELECT ? AS run_id, ? AS raw_dir, "
                    "? AS started_at, ? AS published_at, ? AS pages, ? AS documents, ? AS quarantined, "
                    "? AS tables",
                    [
                        self.run_id,
                        self.raw_dir,
                        self.started_at,
                        _now(),
                        pages,
                        documents,
                        quarantined,
                        ",".join(t for t in tables if t not in APPEND_ONLY),
                    ],
                )
                self.con.execute(f"USE {TARGET}")
                self.con.execute(f"SET search_path = '{TARGET}.main'")
                for _, sql in views:
                    self.con.execute(sql.replace("CREATE VIEW", "CREATE OR REPLACE VIEW", 1))
                _failpoint("publish", self.say)
                self.con.execute("COMMIT")
            except BaseException:
                self.con.execute("ROLLBACK")
                raise
            finally:
                self.con.execute("SET search_path = 'memory.main'")
        finally:
            self._detach_target()
        self.published = True
        self.say(
            f"published {len(counts)} tables to {self.location.describe()} in one transaction: "
            + ", ".join(f"{t} {n}" for t, n in counts.items())
        )
        return counts

    def publish_check_results(self) -> int:
        """A failed run's check outcomes (`dq_results`) alone, appended; the rest stays unpublished."""
        if not table_exists(self.con, "dq_results", STAGING):
            return 0
        self._attach_target()
        try:
            self.con.execute("BEGIN TRANSACTION")
            try:
                self.con.execute(f"USE {TARGET}")
                ensure_table(self.con, "dq_results")
                self.con.execute(f"USE {STAGING}")
                n = self._copy("dq_results")
                self.con.execute("COMMIT")
            except BaseException:
                self.con.execute("ROLLBACK")
                raise
        finally:
            self._detach_target()
        return n
