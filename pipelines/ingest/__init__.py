"""Ingest: fetch listed URLs and feeds into the raw landing zone (`fetch.py`), find the pages there,
read their manifest entries, and decode them to text (`raw.py`).

Pages are kept exactly as fetched; only the fetcher writes to `raw/` (under `raw/fetched/`).
"""

from pipelines.ingest.raw import (
    ManifestError,
    RawPage,
    UndecodablePage,
    decode_page,
    read_manifest,
    scan_raw_dir,
)

__all__ = ["ManifestError", "RawPage", "UndecodablePage", "decode_page", "read_manifest", "scan_raw_dir"]
