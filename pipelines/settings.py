"""Where the project's files are: the raw landing zone, the warehouse, the expectation suites, the gold set,
and the sources file that lists the URLs and feeds to fetch.

Paths come from the environment (`LEDGER_RAW_DIR`, `LEDGER_WAREHOUSE`, `LEDGER_SOURCES`) when set; relative
values and the defaults are resolved against the project root, never against the current directory.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _resolve(value: str | None, default: str) -> Path:
    path = Path(value or default).expanduser()
    return path if path.is_absolute() else PROJECT_ROOT / path


def raw_dir() -> Path:
    return _resolve(os.environ.get("LEDGER_RAW_DIR"), "raw")


def sources_path() -> Path:
    return _resolve(os.environ.get("LEDGER_SOURCES"), "sources.yaml")


def warehouse_backend() -> str:
    """`duckdb` (one DuckDB file, the default) or `ducklake` (LEDGER_BACKEND; see storage/backend.py)."""
    return os.environ.get("LEDGER_BACKEND", "").strip().lower() or "duckdb"


def warehouse_path() -> Path:
    """The DuckDB file, or for DuckLake its SQLite catalog file (LEDGER_WAREHOUSE)."""
    default = (
        "warehouse/lake/ledger.sqlite" if warehouse_backend() == "ducklake" else "warehouse/ledger.duckdb"
    )
    return _resolve(os.environ.get("LEDGER_WAREHOUSE"), default)


def warehouse():  # -> pipelines.storage.backend.Warehouse (imported here only: settings stays import-light)
    """The warehouse location from LEDGER_BACKEND, LEDGER_WAREHOUSE, and for DuckLake LEDGER_LAKE_CATALOG
    (a catalog other than the SQLite file, e.g. `postgres:dbname=ledger host=db`) and LEDGER_LAKE_DATA_PATH
    (where its Parquet files go; default beside the catalog)."""
    from pipelines.storage.backend import Warehouse

    return Warehouse(
        warehouse_path(),
        backend=warehouse_backend(),
        catalog=os.environ.get("LEDGER_LAKE_CATALOG") or None,
        data_path=os.environ.get("LEDGER_LAKE_DATA_PATH") or None,
    )


def expectations_dir() -> Path:
    return _resolve(os.environ.get("LEDGER_EXPECTATIONS_DIR"), "expectations")


def reports_dir() -> Path:
    return warehouse_path().parent / "reports"


def lock_timeout() -> float:
    """Seconds a run waits for another writer of the same warehouse before failing (LEDGER_LOCK_TIMEOUT)."""
    return float(os.environ.get("LEDGER_LOCK_TIMEOUT", "300"))


# Caps on what one raw page may cost (pipelines/ingest/); a refused page is quarantined with the cap's name.
_MIB = 1024 * 1024


def _positive_int(name: str, default: int, unit: str = "bytes") -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value.replace("_", ""))
    except ValueError:
        raise ValueError(f"{name}={value!r} is not a whole number of {unit}") from None
    if number <= 0:
        raise ValueError(f"{name}={value!r} must be above 0")
    return number


def max_page_bytes() -> int:
    """Bytes read from one page file at most (LEDGER_MAX_PAGE_BYTES, default 20 MiB); a larger page is
    quarantined unread (check `max_page_bytes`)."""
    return _positive_int("LEDGER_MAX_PAGE_BYTES", 20 * _MIB)


def max_gzip_output_bytes() -> int:
    """Bytes a gzipped page may expand to (LEDGER_MAX_GZIP_OUTPUT_BYTES, default 20 MiB); decompression
    stops past it and the page is quarantined (check `max_gzip_output`)."""
    return _positive_int("LEDGER_MAX_GZIP_OUTPUT_BYTES", 20 * _MIB)


def max_manifest_bytes() -> int:
    """Bytes read from one manifest.csv at most (LEDGER_MAX_MANIFEST_BYTES, default 64 MiB); a larger one is
    not read and its pages are registered without manifest metadata."""
    return _positive_int("LEDGER_MAX_MANIFEST_BYTES", 64 * _MIB)


def batch_documents() -> int:
    """Documents a stage reads and processes at once (LEDGER_BATCH_DOCUMENTS, default 500): a stage reads,
    processes and writes its documents batch after batch into the run's staging, so its own rows and parses
    are bounded by a batch (the staging, in memory, still holds the run's rows until it publishes, all
    batches in the run's one transaction)."""
    return _positive_int("LEDGER_BATCH_DOCUMENTS", 500, unit="documents")


def staging_memory_mib() -> int:
    """MiB of memory the run's staging database may use (LEDGER_STAGING_MEMORY_MIB, default 1024): beyond it
    DuckDB writes the staging out to the run's spill folder in the temporary directory. The staging holds
    every row a run writes until it publishes; with the limit its memory stays bounded however large the
    run (DuckDB's own default would be 80% of the machine's memory)."""
    return _positive_int("LEDGER_STAGING_MEMORY_MIB", 1024, unit="MiB")


def full_refresh() -> bool:
    """LEDGER_FULL_REFRESH=1: every stage processes every document again, whatever it recorded."""
    value = os.environ.get("LEDGER_FULL_REFRESH", "").strip().lower()
    if value not in ("", "0", "1", "true", "false", "yes", "no"):
        raise ValueError(f"LEDGER_FULL_REFRESH must be 1 or 0, not {value!r}")
    return value in ("1", "true", "yes")


DEFAULT_MAX_PROCESSES = 4  # workers by default; each holds a spaCy model and the knowledge base (~250 MiB)


def processes() -> int:
    """How many processes cleaning, parsing and extraction spread a batch over (LEDGER_PROCESSES; default:
    the CPUs this process may use, at most DEFAULT_MAX_PROCESSES, as each worker holds its own copy of the
    model). 1,000 pages on 2 CPUs: 2 processes ran the whole job 1.69 times as fast as 1 (README)."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    value = os.environ.get("LEDGER_PROCESSES", "").strip() or str(min(usable, DEFAULT_MAX_PROCESSES))
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise ValueError(f"LEDGER_PROCESSES must be a whole number of processes (1 or more), not {value!r}")
    return n
