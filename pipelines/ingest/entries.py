"""Which entries of the raw directory are pages, and how one is read safely.

The walk never follows a symlinked directory (so a link cannot loop, and pages are not seen twice through
an alias); names starting with "." are skipped at any depth. A page entry is any other file or symlink
whose name has a page suffix (`page_kind`), whatever it points at: a symlink whose target leaves the raw
directory, a dangling one, something that is not a regular file, an unreadable or oversized file are all
entries, refused with a reason when opened (`resolve_page`, `read_page`), never skipped.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from pipelines import settings
from pipelines.ingest.refusal import PageRefused, Refusal

# Suffixes we treat as pages; `.gz` may wrap any of them.
PAGE_SUFFIXES = {".html": "html", ".htm": "html", ".txt": "text"}
MANIFEST_NAME = "manifest.csv"

# Check names (quarantine.check_name) of the refusals made here.
SYMLINK_STAYS_INSIDE_RAW = "symlink_stays_inside_raw"
SYMLINK_TARGET_EXISTS = "symlink_target_exists"
PAGE_IS_REGULAR_FILE = "page_is_regular_file"
PAGE_IS_READABLE = "page_is_readable"
DIRECTORY_IS_READABLE = "directory_is_readable"
MAX_PAGE_BYTES = "max_page_bytes"

_CHUNK = 1024 * 1024


def page_kind(path: Path | str) -> str | None:
    """The page kind ("html" or "text") for a file name, or None when the file is not a page."""
    suffixes = [s.lower() for s in Path(path).suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return PAGE_SUFFIXES.get(suffixes[-1]) if suffixes else None


@dataclass(frozen=True)
class Entry:
    raw_path: str  # relative to the raw directory, POSIX separators
    path: Path  # raw_dir / raw_path, not resolved


@dataclass
class Listing:
    pages: list[Entry] = field(default_factory=list)
    manifests: list[Entry] = field(default_factory=list)
    notices: list[Refusal] = field(default_factory=list)  # directories that could not be listed or followed
    warnings: list[str] = field(default_factory=list)


def walk_raw_dir(raw_dir: Path) -> Listing:
    """Every page entry and manifest.csv under `raw_dir`, sorted by path, without opening any of them."""
    raw_dir = Path(raw_dir)
    root = Path(os.path.realpath(raw_dir))
    listing = Listing()

    def unlisted(error: OSError) -> None:
        where = Path(error.filename or raw_dir)
        if where == raw_dir:
            raise error
        rel = where.relative_to(raw_dir).as_posix()
        listing.notices.append(
            Refusal(rel, f"directory {rel} cannot be listed: {error.strerror}", DIRECTORY_IS_READABLE)
        )

    for dirpath, dirnames, filenames in os.walk(raw_dir, onerror=unlisted, followlinks=False):
        here = Path(dirpath)
        followed = []
        for name in sorted(dirnames):
            if name.startswith("."):
                continue
            path = here / name
            if not path.is_symlink():
                followed.append(name)
                continue
            rel = path.relative_to(raw_dir).as_posix()
            if page_kind(name):  # a link named like a page is a page entry, refused as no regular file
                listing.pages.append(Entry(rel, path))
                continue
            target = Path(os.path.realpath(path))
            if target.is_relative_to(root):
                listing.warnings.append(
                    f"{rel}: symlinked directory not followed (its target {target} is read)"
                )
            else:
                listing.notices.append(
                    Refusal(
                        rel,
                        f"symlinked directory {rel} points outside raw/ (to {target}); not followed",
                        SYMLINK_STAYS_INSIDE_RAW,
                        sample=os.readlink(path),
                    )
                )
        dirnames[:] = followed
        for name in filenames:
            if name.startswith("."):
                continue
            path = here / name
            rel = path.relative_to(raw_dir).as_posix()
            if name == MANIFEST_NAME:
                listing.manifests.append(Entry(rel, path))
            elif page_kind(name):
                listing.pages.append(Entry(rel, path))
    listing.pages.sort(key=lambda e: e.raw_path)
    listing.manifests.sort(key=lambda e: e.raw_path)
    return listing


def page_entries(raw_dir: Path) -> list[str]:
    """The raw_path of every page entry under `raw_dir`: the pages that must each end up in exactly one of
    documents or quarantine."""
    return [e.raw_path for e in walk_raw_dir(raw_dir).pages]


def _file_type(mode: int) -> str:
    for test, what in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ):
        if test(mode):
            return what
    return "not a regular file"


def resolve_page(raw_dir: Path, path: Path) -> Path:
    """The regular file that `path` (under `raw_dir`) is or links to.

    Raises PageRefused when the path resolves outside the raw directory, is a dangling or looping symlink,
    or is not a regular file; FileNotFoundError when a plain file is gone.
    """
    root = Path(os.path.realpath(raw_dir))
    real = Path(os.path.realpath(path))
    link = os.readlink(path) if path.is_symlink() else None
    if not real.is_relative_to(root):
        raise PageRefused(f"symlink points outside raw/ (to {real})", SYMLINK_STAYS_INSIDE_RAW, sample=link)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if link is None:
            raise
        raise PageRefused(
            f"dangling symlink (to {link}, which does not exist)", SYMLINK_TARGET_EXISTS, sample=link
        ) from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise PageRefused("symlink loop", SYMLINK_TARGET_EXISTS, sample=link) from None
        raise PageRefused(f"unreadable: {exc.strerror}", PAGE_IS_READABLE) from None
    if not stat.S_ISREG(st.st_mode):
        raise PageRefused(f"{_file_type(st.st_mode)}, not a page file", PAGE_IS_REGULAR_FILE, sample=link)
    return real


def _too_large(size: int, max_bytes: int, env: str) -> PageRefused:
    return PageRefused(
        f"{size:,} bytes, over the cap of {max_bytes:,} bytes ({env}); not read",
        MAX_PAGE_BYTES,
        sample=f"{size} bytes",
    )


def _open(real: Path):
    try:
        return real.open("rb")
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise PageRefused(f"unreadable: {exc.strerror}", PAGE_IS_READABLE) from None


def hash_file(real: Path, max_bytes: int, env: str = "LEDGER_MAX_PAGE_BYTES") -> tuple[str, int]:
    """(SHA-256, size) of a regular file read in chunks; PageRefused past `max_bytes` or on a read error."""
    with _open(real) as fh:
        size = os.fstat(fh.fileno()).st_size
        if size > max_bytes:
            raise _too_large(size, max_bytes, env)
        digest, total = hashlib.sha256(), 0
        try:
            while chunk := fh.read(_CHUNK):
                total += len(chunk)
                if total > max_bytes:  # the file grew after fstat
                    raise _too_large(total, max_bytes, env)
                digest.update(chunk)
        except OSError as exc:
            raise PageRefused(f"unreadable: {exc.strerror}", PAGE_IS_READABLE) from None
    return digest.hexdigest(), total


def read_file(real: Path, max_bytes: int, env: str = "LEDGER_MAX_PAGE_BYTES") -> bytes:
    """The bytes of a regular file, at most `max_bytes` (PageRefused past the cap or on a read error)."""
    with _open(real) as fh:
        size = os.fstat(fh.fileno()).st_size
        if size > max_bytes:
            raise _too_large(size, max_bytes, env)
        try:
            data = fh.read(max_bytes + 1)
        except OSError as exc:
            raise PageRefused(f"unreadable: {exc.strerror}", PAGE_IS_READABLE) from None
    if len(data) > max_bytes:
        raise _too_large(len(data), max_bytes, env)
    return data


def read_page(raw_dir: Path, raw_path: str, max_bytes: int | None = None) -> bytes:
    """The bytes of the page at `raw_path`, checked again as at registration (inside raw/, a regular file,
    at most `max_bytes`, default settings.max_page_bytes()). Raises PageRefused, or FileNotFoundError when
    the page is gone."""
    cap = max_bytes if max_bytes is not None else settings.max_page_bytes()
    raw_dir = Path(raw_dir)
    return read_file(resolve_page(raw_dir, raw_dir / raw_path), cap)
