"""The warehouse behind a setting: the whole pipeline against a local DuckLake catalog (SQLite catalog,
Parquet files) reads back the same tables as the DuckDB file; the registry's `duckdb` CLI opens the file."""

import gzip
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines import settings
from pipelines.storage.backend import BackendError, Warehouse, extension_file
from pipelines.storage.warehouse import TABLES

DATA = Path(__file__).parent / "data"
# Tables whose rows are the run's own (run ids, clock times), compared by count only.
RUN_TABLES = {"dq_results", "ledger_runs"}
COMPARED = ["raw_pages", "documents", "removed_spans", "mentions", "figures", "dates", "quarantine"]


def _rows(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple]:
    names = ", ".join(f'"{c}"' for c, _ in TABLES[table])
    return con.execute(f'SELECT {names} FROM "{table}" ORDER BY ALL').fetchall()


@pytest.fixture(scope="module")
def lake(tmp_path_factory, run_pipeline_session) -> Warehouse:
    root = tmp_path_factory.mktemp("lake")
    raw = root / "raw"
    shutil.copytree(settings.PROJECT_ROOT / "raw", raw)
    location = Warehouse(root / "warehouse" / "ledger.sqlite", backend="ducklake")
    assert run_pipeline_session(raw, location).success
    return location


def test_the_pipeline_on_ducklake_writes_the_tables_the_duckdb_file_holds(lake, sample_warehouse):
    file_con = duckdb.connect(str(sample_warehouse), read_only=True)
    lake_con = lake.connect(read_only=True)
    try:
        for table in COMPARED:
            assert _rows(lake_con, table) == _rows(file_con, table), table
        for table in RUN_TABLES:
            lake_n = lake_con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            file_n = file_con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            assert lake_n == file_n > 0, table
        assert lake_con.execute("SELECT count(*) FROM figures").fetchone()[0] > 0
    finally:
        file_con.close()
        lake_con.close()
    # the rows are Parquet files under the data path, the catalog a SQLite file
    assert list(Path(lake.lake_data_path()).rglob("*.parquet"))
    assert lake.path.read_bytes()[:16] == b"SQLite format 3\x00"


def test_a_second_run_on_ducklake_replaces_rather_than_duplicates(lake, run_pipeline):
    con = lake.connect(read_only=True)
    before = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in COMPARED}
    con.close()
    assert run_pipeline(Path(_raw_dir_of(lake)), lake).success
    con = lake.connect(read_only=True)
    after = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in COMPARED}
    runs = con.execute("SELECT count(*) FROM ledger_runs").fetchone()[0]
    con.close()
    assert after == before
    assert runs == 2


def _raw_dir_of(location: Warehouse) -> str:
    con = location.connect(read_only=True)
    try:
        return con.execute("SELECT raw_dir FROM ledger_runs LIMIT 1").fetchone()[0]
    finally:
        con.close()


def test_the_registry_duckdb_cli_opens_the_warehouse(sample_warehouse):
    cli = Path(sys.executable).parent / "duckdb"
    assert cli.is_file(), f"{cli}: the duckdb CLI package (duckdb-cli) is a locked dependency"
    out = subprocess.run(
        [
            str(cli),
            "-readonly",
            "-csv",
            "-noheader",
            str(sample_warehouse),
            "-c",
            "SELECT count(*) FROM figures",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    con = duckdb.connect(str(sample_warehouse), read_only=True)
    expected = con.execute("SELECT count(*) FROM figures").fetchone()[0]
    con.close()
    assert int(out.strip()) == expected > 0


def test_an_unknown_backend_is_refused_by_name(tmp_path):
    with pytest.raises(BackendError, match="LEDGER_BACKEND='sqlserver'.*duckdb, ducklake"):
        Warehouse(tmp_path / "x", backend="sqlserver")


def test_an_extension_without_its_package_names_the_package_to_lock():
    with pytest.raises(BackendError, match=f"duckdb-extension-postgres-scanner=={duckdb.__version__}"):
        extension_file("postgres_scanner")
    assert extension_file("ducklake").is_file()


def test_the_ducklake_attach_statement_names_catalog_and_data_path(tmp_path):
    lake = Warehouse(tmp_path / "c.sqlite", backend="ducklake")
    catalog = tmp_path / "c.sqlite"
    assert lake.attach_sql("w", read_only=True) == (
        f"ATTACH 'ducklake:sqlite:{catalog}' AS w (READ_ONLY, DATA_PATH '{catalog}.files/')"
    )
    remote = Warehouse(tmp_path / "c", "ducklake", catalog="postgres:dbname=ledger", data_path="s3://b/l/")
    assert remote.attach_sql("w") == "ATTACH 'ducklake:postgres:dbname=ledger' AS w (DATA_PATH 's3://b/l/')"
    assert remote.exists()


def test_a_warehouse_from_a_newer_duckdb_is_refused_with_what_to_do(tmp_path):
    """A file DuckDB 2.0.0 wrote (one table, gzipped beside this test): the pinned DuckDB cannot read it."""
    path = tmp_path / "ledger.duckdb"
    path.write_bytes(gzip.decompress((DATA / "written-by-duckdb-2.0.0.duckdb.gz").read_bytes()))
    with pytest.raises(BackendError, match=r"newer DuckDB .*make clean run"):
        Warehouse(path).attach(duckdb.connect(), "w", read_only=True)
