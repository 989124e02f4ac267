"""The raw landing zone: every page entry registered or refused, with its manifest entry and content hash.

A page is any `.html`, `.htm` or `.txt` file (optionally gzipped) under the raw directory, at any depth
(entries.py says which entries count, and how a symlink is judged). A `manifest.csv` beside pages
describes them (manifest.py). How bytes become text is decode.py.

scan_raw_dir accounts for every page entry exactly once: either a RawPage or a refusal (a quarantine row
at stage `raw_pages`, its raw_path the page's path). Refused: a symlink resolving outside the raw
directory, a dangling or looping symlink, anything that is not a regular file, an unreadable file, a file
over settings.max_page_bytes() (not read), and a page whose manifest row is bad (the reason names the
manifest file and line). Besides, notices record what is no page: a manifest that cannot be used (its
pages are registered without metadata), a manifest row naming a file that is not a page beside it, a
row naming no file, a directory that cannot be listed or a symlinked directory leaving raw/.

doc_id: a page's file stem (the name without `.gz` and the page suffix). When several page entries share
a stem, each of them is identified by its path without those suffixes (`2024/05/report`), or its whole
path when even that is shared (`a.txt` beside `a.html`); an id that still collides gets `~2`, `~3`, ... in
path order. So an id depends only on the set of page paths, never on contents or on which pages are refused.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from pipelines import settings
from pipelines.ingest.decode import UndecodablePage, decode_page
from pipelines.ingest.entries import (
    MANIFEST_NAME,
    PAGE_SUFFIXES,
    hash_file,
    page_kind,
    read_file,
    resolve_page,
    walk_raw_dir,
)
from pipelines.ingest.manifest import (
    FILE_EXISTS,
    MANIFEST_COLUMNS,
    Manifest,
    ManifestError,
    ManifestProblem,
    parse_manifest_bytes,
    read_manifest,
)
from pipelines.ingest.refusal import PageRefused, Refusal, merged

log = logging.getLogger(__name__)

STAGE = "raw_pages"

__all__ = [
    "MANIFEST_COLUMNS",
    "MANIFEST_NAME",
    "PAGE_SUFFIXES",
    "STAGE",
    "ManifestError",
    "RawPage",
    "ScanResult",
    "UndecodablePage",
    "assign_doc_ids",
    "decode_page",
    "page_kind",
    "read_manifest",
    "scan_raw_dir",
]


@dataclass(frozen=True)
class RawPage:
    doc_id: str
    raw_path: str  # relative to the raw directory, POSIX separators
    abs_path: Path  # the resolved file (a symlink's target inside the raw directory)
    sha256: str
    size_bytes: int
    kind: str  # "html" | "text"
    url: str | None = None
    outlet: str | None = None
    language: str | None = None
    published: dt.date | None = None
    charset: str | None = None  # the manifest's (the HTTP Content-Type's) character encoding

    def read_bytes(self) -> bytes:
        """The page's bytes, at most settings.max_page_bytes() (PageRefused past it)."""
        return read_file(self.abs_path, settings.max_page_bytes())

    def text(self) -> str:
        """The page's text (decode_page with its manifest charset); raises UndecodablePage."""
        return decode_page(self.read_bytes(), PurePosixPath(self.raw_path).name, self.charset)


@dataclass
class ScanResult:
    """What scan_raw_dir found. Iterating it (or len, indexing) gives the registered pages, as a list did."""

    pages: list[RawPage] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)  # one per page entry that is not registered
    notices: list[Refusal] = field(default_factory=list)  # records about things that are no page entry
    warnings: list[str] = field(default_factory=list)  # for the log: guessed encodings, unknown columns

    def __iter__(self):
        return iter(self.pages)

    def __len__(self) -> int:
        return len(self.pages)

    def __getitem__(self, index):
        return self.pages[index]

    def quarantine_rows(self, stage: str = STAGE) -> list[dict]:
        """The refused pages and the notices as quarantine rows."""
        return [r.quarantine_row(stage) for r in self.refused + self.notices]


def _stem(raw_path: str) -> str:
    name = PurePosixPath(raw_path).name
    if name.lower().endswith(".gz"):
        name = name[:-3]
    return name.rsplit(".", 1)[0]


def _without_suffix(raw_path: str) -> str:
    parent = PurePosixPath(raw_path).parent.as_posix()
    return _stem(raw_path) if parent == "." else f"{parent}/{_stem(raw_path)}"


def assign_doc_ids(raw_paths: list[str]) -> dict[str, str]:
    """{raw_path: doc_id} for a set of page paths (the rule is in the module docstring)."""
    paths = sorted(raw_paths)
    stems = Counter(_stem(p) for p in paths)
    shared = [p for p in paths if stems[_stem(p)] > 1]
    longer = Counter(_without_suffix(p) for p in shared)
    ids: dict[str, str] = {}
    for p in paths:
        if stems[_stem(p)] == 1:
            ids[p] = _stem(p)
        else:
            ids[p] = _without_suffix(p) if longer[_without_suffix(p)] == 1 else p
    used: set[str] = set()
    for p in paths:
        doc_id, n = ids[p], 1
        while doc_id in used:
            n += 1
            doc_id = f"{ids[p]}~{n}"
        ids[p] = doc_id
        used.add(doc_id)
    return ids


def _read_manifests(raw_dir: Path, entries, result: ScanResult) -> dict[str, Manifest]:
    """{folder (POSIX, "." for the top): usable manifest}; an unusable one is a notice."""
    manifests: dict[str, Manifest] = {}
    for entry in entries:
        folder = PurePosixPath(entry.raw_path).parent.as_posix()
        fallback = "its pages are registered without manifest metadata"
        try:
            data = read_file(
                resolve_page(raw_dir, entry.path), settings.max_manifest_bytes(), "LEDGER_MAX_MANIFEST_BYTES"
            )
        except (PageRefused, OSError) as exc:
            check = getattr(exc, "check_name", "page_is_readable")
            result.notices.append(Refusal(entry.raw_path, f"{entry.raw_path}: {exc}; {fallback}", check))
            continue
        manifest = parse_manifest_bytes(data, entry.raw_path)
        result.warnings.extend(manifest.warnings)
        if manifest.unusable is not None:
            bad = manifest.unusable
            result.notices.append(
                Refusal(entry.raw_path, f"{bad.reason}; {fallback}", bad.check_name, bad.sample)
            )
            continue
        manifests[folder] = manifest
    return manifests


def _join(folder: str, name: str) -> str:
    return name if folder == "." else f"{folder}/{name}"


def scan_raw_dir(raw_dir: Path) -> ScanResult:
    """Every page entry under `raw_dir`, registered (sorted by path, with its manifest entry and content
    hash) or refused, plus notices about manifests and directories (see the module docstring)."""
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise FileNotFoundError(f"raw directory {raw_dir} does not exist")
    listing = walk_raw_dir(raw_dir)
    result = ScanResult(notices=list(listing.notices), warnings=list(listing.warnings))
    manifests = _read_manifests(raw_dir, listing.manifests, result)
    ids = assign_doc_ids([e.raw_path for e in listing.pages])
    on_disk = {e.raw_path for e in listing.pages}

    page_problems: dict[str, list[ManifestProblem]] = {}
    for folder, manifest in manifests.items():
        for problem in manifest.problems:
            target = _join(folder, problem.file) if problem.file else None
            if target in on_disk:
                page_problems.setdefault(target, []).append(problem)
            else:  # a bad row that names no page: recorded against the file it names, or the manifest
                reason = (
                    f"{problem.reason} (and no page {problem.file!r} is beside it)"
                    if target
                    else problem.reason
                )
                result.notices.append(
                    Refusal(target or manifest.label, reason, problem.check_name, problem.sample)
                )
        for name, (line, row) in manifest.lines.items():
            if _join(folder, name) not in on_disk:
                result.notices.append(
                    Refusal(
                        _join(folder, name),
                        f"{manifest.label}:{line}: names {name!r}, which is not a page in "
                        f"{'the raw directory' if folder == '.' else folder + '/'}",
                        FILE_EXISTS,
                        row,
                    )
                )

    max_bytes = settings.max_page_bytes()
    for entry in listing.pages:
        doc_id = ids[entry.raw_path]
        problems = page_problems.get(entry.raw_path, [])
        try:
            real = resolve_page(raw_dir, entry.path)
            sha, size = hash_file(real, max_bytes)
        except (PageRefused, FileNotFoundError) as exc:
            check = getattr(exc, "check_name", "page_is_readable")
            reason = str(exc) if isinstance(exc, PageRefused) else "vanished during the scan"
            reason = "; ".join([reason, *(p.reason for p in problems)])
            result.refused.append(
                Refusal(entry.raw_path, reason, check, getattr(exc, "sample", None), doc_id)
            )
            continue
        if problems:
            result.refused.append(
                Refusal(
                    entry.raw_path,
                    "; ".join(p.reason for p in problems),
                    problems[0].check_name,
                    problems[0].sample,
                    doc_id,
                    sha,
                )
            )
            continue
        folder = PurePosixPath(entry.raw_path).parent.as_posix()
        manifest = manifests.get(folder)
        meta = manifest.entries.get(entry.path.name, {}) if manifest else {}
        result.pages.append(
            RawPage(
                doc_id=doc_id,
                raw_path=entry.raw_path,
                abs_path=real,
                sha256=sha,
                size_bytes=size,
                kind=page_kind(entry.path.name) or "text",
                **meta,
            )
        )
    result.refused = merged(result.refused)
    result.notices = merged(result.notices)
    for warning in result.warnings:
        log.warning(warning)
    return result
