"""Ingest: find the pages in the raw landing zone, read their manifest entries, and decode them to text.

Pages are kept exactly as fetched; nothing here writes to `raw/`.
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
