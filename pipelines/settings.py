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


def warehouse_path() -> Path:
    return _resolve(os.environ.get("LEDGER_WAREHOUSE"), "warehouse/ledger.duckdb")


def expectations_dir() -> Path:
    return _resolve(os.environ.get("LEDGER_EXPECTATIONS_DIR"), "expectations")


def reports_dir() -> Path:
    return warehouse_path().parent / "reports"
