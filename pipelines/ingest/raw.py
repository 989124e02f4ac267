"""The raw landing zone: which files are pages, what their manifest says, and how their bytes become text.

A page is any `.html`, `.htm` or `.txt` file (optionally gzipped) under the raw directory, at any depth.
A `manifest.csv` beside pages (columns `file,url,outlet,language,published,charset`, all but `file`
optional) describes them. Each page is identified by its file stem (`doc_id`) and its content hash (`sha256`).

`charset` is the character encoding the page was served with (the charset parameter of its HTTP
Content-Type, as the fetcher records it). decode_page reads a page's bytes as: the encoding of a
byte-order mark if there is one, else UTF-8 if the bytes are valid UTF-8, else the manifest `charset`,
else the `<meta charset>` of the HTML head; a page none of these decodes is undecodable.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import gzip
import hashlib
import logging
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

# Suffixes we treat as pages; `.gz` may wrap any of them.
PAGE_SUFFIXES = {".html": "html", ".htm": "html", ".txt": "text"}
MANIFEST_NAME = "manifest.csv"
MANIFEST_COLUMNS = ("file", "url", "outlet", "language", "published", "charset")

# A charset declared in an HTML head, used when the bytes are not UTF-8.
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


class ManifestError(ValueError):
    """A manifest.csv that cannot be read as documented (names the file and line)."""


class UndecodablePage(ValueError):
    """A page whose bytes cannot become text: empty, binary, corrupt gzip or an unknown encoding."""


@dataclass(frozen=True)
class RawPage:
    doc_id: str
    raw_path: str  # relative to the raw directory, POSIX separators
    abs_path: Path
    sha256: str
    size_bytes: int
    kind: str  # "html" | "text"
    url: str | None = None
    outlet: str | None = None
    language: str | None = None
    published: dt.date | None = None
    charset: str | None = None  # the manifest's (the HTTP Content-Type's) character encoding

    def read_bytes(self) -> bytes:
        return self.abs_path.read_bytes()

    def text(self) -> str:
        """The page's text (decode_page with its manifest charset); raises UndecodablePage."""
        return decode_page(self.read_bytes(), self.abs_path.name, self.charset)


def page_kind(path: Path) -> str | None:
    """The page kind for a file name, or None when the file is not a page."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return PAGE_SUFFIXES.get(suffixes[-1]) if suffixes else None


def _stem(path: Path) -> str:
    name = path.name
    if name.lower().endswith(".gz"):
        name = name[:-3]
    return name.rsplit(".", 1)[0]


def _parse_date(value: str, where: str) -> dt.date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError as exc:
        raise ManifestError(f"{where}: published {value!r} is not an ISO date (YYYY-MM-DD)") from exc


def read_manifest(path: Path) -> dict[str, dict]:
    """Read one manifest.csv into {file name: {url, outlet, language, published, charset}}.

    Every column but `file` is optional (a manifest written before `charset` existed reads as before).
    """
    entries: dict[str, dict] = {}
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames or "file" not in reader.fieldnames:
            raise ManifestError(
                f"{path}: needs a header row with a 'file' column (columns: {MANIFEST_COLUMNS})"
            )
        unknown = set(reader.fieldnames) - set(MANIFEST_COLUMNS)
        if unknown:
            log.warning("%s: ignoring unknown manifest columns %s", path, sorted(unknown))
        for line_no, row in enumerate(reader, start=2):
            name = (row.get("file") or "").strip()
            if not name:
                raise ManifestError(f"{path}:{line_no}: empty 'file' value")
            if name in entries:
                raise ManifestError(f"{path}:{line_no}: file {name!r} listed twice")
            entries[name] = {
                "url": (row.get("url") or "").strip() or None,
                "outlet": (row.get("outlet") or "").strip() or None,
                "language": (row.get("language") or "").strip() or None,
                "published": _parse_date(row.get("published") or "", f"{path}:{line_no}"),
                "charset": (row.get("charset") or "").strip().strip("\"'").strip() or None,
            }
    return entries


def scan_raw_dir(raw_dir: Path) -> list[RawPage]:
    """Every page under `raw_dir`, sorted by path, with its manifest entry and content hash.

    Two files with the same stem get distinct doc_ids: the first (by path) keeps the stem, later ones
    get the stem plus a short content hash, so ids stay stable as long as the files do.
    """
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise FileNotFoundError(f"raw directory {raw_dir} does not exist")
    manifests: dict[Path, dict[str, dict]] = {}
    for manifest in sorted(raw_dir.rglob(MANIFEST_NAME)):
        manifests[manifest.parent] = read_manifest(manifest)
    pages: list[RawPage] = []
    seen_ids: set[str] = set()
    for path in sorted(p for p in raw_dir.rglob("*") if p.is_file()):
        kind = page_kind(path)
        if kind is None or any(part.startswith(".") for part in path.relative_to(raw_dir).parts):
            continue
        data = path.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        doc_id = _stem(path)
        if doc_id in seen_ids:
            doc_id = f"{doc_id}_{sha[:8]}"
        seen_ids.add(doc_id)
        meta = manifests.get(path.parent, {}).get(path.name, {})
        pages.append(
            RawPage(
                doc_id=doc_id,
                raw_path=path.relative_to(raw_dir).as_posix(),
                abs_path=path.resolve(),
                sha256=sha,
                size_bytes=len(data),
                kind=kind,
                **meta,
            )
        )
    for folder, entries in manifests.items():
        present = {p.abs_path.name for p in pages if p.abs_path.parent == folder.resolve()}
        for missing in sorted(set(entries) - present):
            log.warning("%s lists %s, which is not in the raw directory", folder / MANIFEST_NAME, missing)
    return pages


def _looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return control > len(sample) * 0.05


# Byte-order marks and the codec each means (UTF-32 before UTF-16: FF FE 00 00 starts with FF FE).
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _decode_as(data: bytes, charset: str, source: str) -> tuple[str | None, str]:
    """(text, "") when `charset` decodes `data`, else (None, why not) naming the charset and its source."""
    try:
        return data.decode(charset), ""
    except LookupError:  # no such codec, or one that is not a text encoding ('base64', 'rot13')
        return None, f"unknown charset {charset!r} ({source})"
    except UnicodeDecodeError as exc:
        return None, f"charset {charset!r} ({source}) does not decode the page: {exc}"


def decode_page(data: bytes, name: str, charset: str | None = None) -> str:
    """The text of a page's bytes; raises UndecodablePage with the reason when there is none.

    `charset` is the page's manifest charset (the HTTP Content-Type's), tried when the bytes are not
    UTF-8, before the page's own `<meta charset>`; a byte-order mark outranks both.
    """
    if name.lower().endswith(".gz"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise UndecodablePage(f"corrupt gzip: {exc}") from exc
    bom = next((codec for mark, codec in _BOMS if data.startswith(mark)), None)
    if bom is not None:
        try:
            text = data.decode(bom)
        except UnicodeDecodeError as exc:
            raise UndecodablePage(f"starts with a {bom} byte-order mark but is not {bom}: {exc}") from exc
        if not text.strip():
            raise UndecodablePage("empty page (no bytes or only white space)")
        if "\x00" in text[:4096]:
            raise UndecodablePage(f"binary content (NUL characters after a {bom} byte-order mark)")
        return text
    if not data.strip():
        raise UndecodablePage("empty page (no bytes or only white space)")
    if _looks_binary(data):
        raise UndecodablePage("binary content (NUL or control bytes), not a text or HTML page")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as utf8_error:
        declared: list[tuple[str, str]] = []
        if charset and charset.strip():
            declared.append((charset.strip(), "from the manifest's charset column"))
        meta = _META_CHARSET.search(data[:4096])
        if meta:
            declared.append((meta.group(1).decode("ascii", "replace"), "declared in the page's <meta>"))
        if not declared:
            raise UndecodablePage(
                f"not valid UTF-8 (byte {utf8_error.start}) and no charset in the manifest or the page"
            ) from utf8_error
        reasons = []
        for label, source in declared:
            text, why = _decode_as(data, label, source)
            if text is not None:
                return text
            reasons.append(why)
        raise UndecodablePage(
            f"not valid UTF-8 (byte {utf8_error.start}); " + "; ".join(reasons)
        ) from utf8_error
