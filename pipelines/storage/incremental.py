"""Incremental runs: a stage processes a document only when what it reads of it, or its own code, changed.

Every stage records, per document, the fingerprint of what it processed (table `stage_state`): a hash of
the stage's code version and of the document's inputs (its raw page's hash and manifest fields for
`documents`; the clean text for `parses`; the upstream stages' fingerprints and the publication date for the
extractors). A run compares the fingerprints it would write with the recorded ones: a document is processed
when its fingerprint differs or is missing, its rows go when the document is gone; the others are left as
they are and cost nothing.

A stage's code version (`stage_version`) hashes the files of the packages it runs (data files included:
the knowledge base, the lexicons, the cleaning rules) and the installed versions of the libraries it
depends on. So an edited knowledge base re-links mentions (and re-derives figures) without re-parsing a
page, and a new spaCy model re-parses everything. LEDGER_FULL_REFRESH=1 processes every document again.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines import settings
from pipelines.storage.warehouse import read_table

_PIPELINES = Path(__file__).resolve().parents[1]

# stage -> the folders and files (under pipelines/) whose content is its code version
STAGE_CODE: dict[str, tuple[str, ...]] = {
    "documents": ("ingest", "cleaning", "defs/clean", "storage/contracts.py"),
    "parses": ("nlp", "defs/nlp", "storage/contracts.py"),
    "entities": ("entities/kb", "entities/kb.py"),
    "mentions": ("entities", "defs/extract", "storage/contracts.py"),
    "dates": ("dates", "defs/extract", "storage/contracts.py"),
    "figures": ("figures", "entities", "dates", "defs/extract", "storage/contracts.py"),
    "figure_flags": (
        "quality/figure_checks.py",
        "quality/report.py",
        "defs/quality/assets.py",
        "storage/contracts.py",
    ),
}
# stage -> the installed distributions whose versions are part of its code version
STAGE_PACKAGES: dict[str, tuple[str, ...]] = {
    "documents": ("trafilatura", "lxml", "charset-normalizer"),
    "parses": ("spacy", "en-core-web-sm"),
    "mentions": ("spacy",),
    "dates": ("spacy",),
    "figures": ("spacy",),
}


def _files(part: str) -> list[Path]:
    path = _PIPELINES / part
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def _installed(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


@functools.cache
def stage_version(stage: str) -> str:
    """A hash of the stage's code and data files and of its libraries' installed versions."""
    digest = hashlib.sha256()
    for part in STAGE_CODE[stage]:
        for path in _files(part):
            digest.update(str(path.relative_to(_PIPELINES)).encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    for name in STAGE_PACKAGES.get(stage, ()):
        digest.update(f"{name}=={_installed(name)}".encode())
    return digest.hexdigest()[:16]


def fingerprint(stage: str, *inputs: object) -> str:
    """The fingerprint of a stage processing a document with these inputs (its code version included)."""
    digest = hashlib.sha256(stage_version(stage).encode())
    for value in inputs:
        digest.update(b"\x1f" + repr(value).encode())
    return digest.hexdigest()[:24]


@dataclass(frozen=True)
class Batch:
    """Part of a stage's work: process `todo` (doc_id -> fingerprint); its write replaces the rows of
    `docs` (None: the whole tables, a full refresh's first batch). Batch `number` of `of`."""

    stage: str
    todo: dict[str, str]
    docs: set[str] | None
    number: int
    of: int

    def describe(self) -> str:
        return f"{self.stage}: batch {self.number} of {self.of} ({len(self.todo)} documents)"


@dataclass
class Plan:
    """What a stage does this run: process `todo` (doc_id -> fingerprint), remove `gone`, leave the rest."""

    stage: str
    todo: dict[str, str] = field(default_factory=dict)
    gone: set[str] = field(default_factory=set)
    unchanged: int = 0
    new: int = 0
    full_refresh: bool = False

    @property
    def docs(self) -> set[str] | None:
        """The documents whose rows the stage's write replaces (None: all of them, a full refresh)."""
        return None if self.full_refresh else set(self.todo) | self.gone

    def batches(self, size: int) -> list[Batch]:
        """`todo` in batches of at most `size` documents, in doc_id order; the first batch's write also
        removes the gone documents (a full refresh: replaces the stage's tables whole). No document to
        process: one empty batch, which still removes the gone ones."""
        ids = sorted(self.todo)
        chunks = [ids[i : i + size] for i in range(0, len(ids), size)] or [[]]
        out = []
        for n, chunk in enumerate(chunks, 1):
            todo = {d: self.todo[d] for d in chunk}
            if n == 1:
                docs = None if self.full_refresh else set(chunk) | self.gone
            else:
                docs = set(chunk)
            out.append(Batch(self.stage, todo, docs, n, len(chunks)))
        return out

    def describe(self) -> str:
        changed = len(self.todo) - self.new
        head = f"{self.stage}: {len(self.todo)} to process"
        if self.full_refresh:
            return head + " (full refresh)"
        return (
            f"{head} ({self.new} new, {changed} changed), {self.unchanged} unchanged, {len(self.gone)} gone"
        )

    def metadata(self) -> dict[str, int | bool]:
        return {
            "processed": len(self.todo),
            "unchanged": self.unchanged,
            "gone": len(self.gone),
            "full_refresh": self.full_refresh,
        }


def recorded(con: duckdb.DuckDBPyConnection, stage: str) -> dict[str, str]:
    """doc_id -> the fingerprint `stage` last recorded."""
    read_table(con, "stage_state", "LIMIT 0")  # creates the table on a new warehouse
    rows = con.execute("SELECT doc_id, fingerprint FROM stage_state WHERE stage = ?", [stage]).fetchall()
    return dict(rows)


def plan(con: duckdb.DuckDBPyConnection, stage: str, wanted: Mapping[str, str]) -> Plan:
    """Compare the fingerprints `wanted` (doc_id -> fingerprint, every document the stage should hold)
    with the recorded ones."""
    if settings.full_refresh():
        return Plan(stage, todo=dict(wanted), new=len(wanted), full_refresh=True)
    have = recorded(con, stage)
    todo = {d: f for d, f in wanted.items() if have.get(d) != f}
    return Plan(
        stage,
        todo=todo,
        gone=set(have) - set(wanted),
        unchanged=len(wanted) - len(todo),
        new=sum(1 for d in todo if d not in have),
    )


def upstream(con: duckdb.DuckDBPyConnection, stages: Iterable[str]) -> dict[str, tuple[str | None, ...]]:
    """doc_id -> the fingerprints the `stages` recorded for it (None where a stage has none)."""
    stages = list(stages)
    found = [recorded(con, s) for s in stages]
    docs = set().union(*found) if found else set()
    return {d: tuple(f.get(d) for f in found) for d in docs}
