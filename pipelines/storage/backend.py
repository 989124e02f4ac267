"""Where the warehouse lives: one DuckDB file (the default), or DuckLake (LEDGER_BACKEND=ducklake).

DuckLake is DuckDB's lakehouse format: a catalog database holds the tables' metadata and snapshots, and the
rows are Parquet files under a data path. Here the catalog is a SQLite file (several processes of one
machine may read and write it); for many writers on many machines it is a PostgreSQL database
(`LEDGER_LAKE_CATALOG=postgres:dbname=ledger host=...`, with `duckdb-extension-postgres-scanner` added to
the lock) and the data path an object store. Both backends are reached the same way: `attach` runs one
ATTACH statement, and every table, view and transaction the pipeline uses then behaves alike.

Nothing is downloaded at run time: the DuckLake and SQLite extensions are registry packages
(`duckdb-extension-ducklake`, `duckdb-extension-sqlite-scanner`) locked to the pinned `duckdb`, loaded
from their files, and DuckDB's own extension auto-install is switched off on every connection made here.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

import duckdb

BACKENDS = ("duckdb", "ducklake")
# extension name -> the registry package that ships its binary for the pinned duckdb
EXTENSION_PACKAGES = {
    "ducklake": "duckdb_extension_ducklake",
    "sqlite_scanner": "duckdb_extension_sqlite_scanner",
    "postgres_scanner": "duckdb_extension_postgres_scanner",
}


class BackendError(RuntimeError):
    """The warehouse setting names an unknown backend, or a backend whose extension is not installed."""


def _quote(text: str | Path) -> str:
    return str(text).replace("'", "''")


def extension_file(name: str) -> Path:
    """The binary of DuckDB extension `name` for the installed duckdb, from its registry package."""
    package = EXTENSION_PACKAGES[name]
    spec = importlib.util.find_spec(package)
    wheel_name = package.replace("_", "-")
    if spec is None or spec.origin is None:
        raise BackendError(
            f"the DuckDB extension {name} is not installed: add the registry package {wheel_name}=="
            f"{duckdb.__version__} (the version of the pinned duckdb) to pyproject.toml and the lock"
        )
    path = Path(spec.origin).parent / "extensions" / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"
    if not path.is_file():
        raise BackendError(
            f"{wheel_name} has no build for duckdb {duckdb.__version__} ({path} missing): "
            "the extension package must match the pinned duckdb version"
        )
    return path


def offline(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """`con` with DuckDB's extension auto-install off: an extension comes from a package or not at all."""
    con.execute("SET autoinstall_known_extensions = false")
    return con


@dataclass(frozen=True)
class Warehouse:
    """A warehouse location. `path` is the DuckDB file, or for DuckLake the SQLite catalog file; either way
    its folder holds the writer's lock and the reports."""

    path: Path
    backend: str = "duckdb"
    catalog: str | None = None  # DuckLake: a catalog other than the SQLite file at `path` (postgres:...)
    data_path: str | None = None  # DuckLake: where the Parquet files go (default: `<path>.files/`)

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise BackendError(f"LEDGER_BACKEND={self.backend!r}: the backends are {', '.join(BACKENDS)}")
        object.__setattr__(self, "path", Path(self.path))

    @property
    def is_lake(self) -> bool:
        return self.backend == "ducklake"

    def exists(self) -> bool:
        """Whether there is a warehouse to read (a remote catalog is taken to exist)."""
        return self.path.exists() or (self.is_lake and self.catalog is not None)

    def lake_data_path(self) -> str:
        return self.data_path or f"{self.path}.files/"

    def attach_sql(self, alias: str, read_only: bool = False) -> str:
        """The ATTACH statement that makes this warehouse database `alias`."""
        options = ["READ_ONLY"] if read_only else []
        if not self.is_lake:
            target = _quote(self.path)
        else:
            target = f"ducklake:{_quote(self.catalog or f'sqlite:{self.path}')}"
            options.append(f"DATA_PATH '{_quote(self.lake_data_path())}'")
        return f"ATTACH '{target}' AS {alias}" + (f" ({', '.join(options)})" if options else "")

    def load_extensions(self, con: duckdb.DuckDBPyConnection) -> None:
        """Load, from their packages, the extensions this backend needs (none for a DuckDB file)."""
        offline(con)
        if not self.is_lake:
            return
        catalog = self.catalog or "sqlite:"
        needed = ["ducklake"]
        if catalog.startswith("sqlite:"):
            needed.append("sqlite_scanner")
        elif catalog.startswith(("postgres:", "postgresql:")):
            needed.append("postgres_scanner")
        for name in needed:
            con.execute(f"LOAD '{_quote(extension_file(name))}'")

    def attach(self, con: duckdb.DuckDBPyConnection, alias: str, read_only: bool = False) -> None:
        self.load_extensions(con)
        if self.is_lake and not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self.data_path is None:
                Path(self.lake_data_path()).mkdir(parents=True, exist_ok=True)
        try:
            con.execute(self.attach_sql(alias, read_only))
        except duckdb.IOException as exc:
            if "newer version" not in str(exc):
                raise
            raise BackendError(
                f"{self.path} was written by a newer DuckDB than the pinned {duckdb.__version__}, which "
                "cannot read it. The warehouse is built from raw/: rebuild it (`make clean run`), or point "
                "LEDGER_WAREHOUSE at a new file"
            ) from exc

    def connect(self, read_only: bool = True) -> duckdb.DuckDBPyConnection:
        """A connection whose default database is the warehouse (for readers outside a run and tests)."""
        if not self.is_lake:
            return offline(duckdb.connect(str(self.path), read_only=read_only))
        con = duckdb.connect(":memory:")
        self.attach(con, "ledger", read_only=read_only)
        con.execute("USE ledger")
        return con

    def describe(self) -> str:
        if not self.is_lake:
            return str(self.path)
        return f"DuckLake {self.catalog or f'sqlite:{self.path}'} (data {self.lake_data_path()})"
