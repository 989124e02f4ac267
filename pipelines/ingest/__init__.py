"""Ingest: fetch listed URLs and feeds into the raw landing zone (`fetch.py`), find the pages there and
account for each (`entries.py`, `raw.py`), read their manifest entries (`manifest.py`), and decode them to
text within caps (`decode.py`). Refusals carry a check name and a sample (`refusal.py`).

Pages are kept exactly as fetched; only the fetcher writes to `raw/` (under `raw/fetched/`).
"""

from pipelines.ingest.decode import DecodedPage, UndecodablePage, decode_page, decode_page_bytes
from pipelines.ingest.entries import page_entries, read_page
from pipelines.ingest.manifest import ManifestError, parse_manifest, read_manifest
from pipelines.ingest.raw import RawPage, ScanResult, scan_raw_dir
from pipelines.ingest.refusal import PageRefused, Refusal

__all__ = [
    "DecodedPage",
    "ManifestError",
    "PageRefused",
    "RawPage",
    "Refusal",
    "ScanResult",
    "UndecodablePage",
    "decode_page",
    "decode_page_bytes",
    "page_entries",
    "parse_manifest",
    "read_manifest",
    "read_page",
    "scan_raw_dir",
]
