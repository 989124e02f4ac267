"""manifest.csv: the metadata of the pages beside it, read and validated row by row.

Columns `file,url,outlet,language,published,charset`, all but `file` optional; `file` is the name of a page
in the manifest's own folder. `published` is an ISO date (`YYYY-MM-DD`, any year 1-9999, a time after it
is ignored) and becomes a `datetime.date`, never a pandas Timestamp, so 1500-01-01 or 9999-12-31 is a
value like any other.

Reading the bytes: UTF-8 (a byte-order mark is fine), or UTF-16/32 recognised by its NUL bytes; other
bytes are read in the encoding charset-normalizer detects, with a warning that says so. A manifest that
cannot be used at all (no encoding reads it, it holds NUL characters or, in a detected encoding, control
characters, it has no header with a `file` column, or it is over its size cap) is *unusable*:
scan_raw_dir registers its pages without manifest metadata and records one quarantine row (a notice)
naming the manifest and the reason. That was chosen over quarantining the pages: a broken manifest
costs metadata, never pages.

Each row is validated on its own; a bad row is a problem naming the manifest file and the line, and
quarantines the page that row names (scan_raw_dir) while every other row applies. Bad rows: more fields
than the header; an empty `file`, or one that is not a bare file name; a `file` on more than one row (all
of its rows: which one is right is unknown); an unparsable `published`; a line the CSV reader rejects;
a value that spans lines (an unclosed quote swallows the rows after it: those pages get no metadata).
A row with fewer fields than the header reads the missing ones as empty.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from pipelines import settings
from pipelines.ingest.decode import wide_codec
from pipelines.ingest.entries import read_file
from pipelines.ingest.refusal import PageRefused, short

log = logging.getLogger(__name__)

MANIFEST_COLUMNS = ("file", "url", "outlet", "language", "published", "charset")

# Check names (quarantine.check_name) of manifest problems.
MANIFEST_IS_TEXT = "manifest_is_text"
MANIFEST_HAS_FILE_COLUMN = "manifest_has_file_column"
ROW_IS_CSV = "manifest_row_is_csv"
ROW_MATCHES_HEADER = "manifest_row_matches_header"
ROW_NAMES_A_FILE = "manifest_row_names_a_file"
ROW_IS_UNIQUE = "manifest_row_is_unique"
ROW_HAS_VALID_DATE = "manifest_row_has_valid_date"
FILE_EXISTS = "manifest_file_exists"  # a row naming no page beside the manifest (scan_raw_dir checks it)

# Encodings a hand-made or exported CSV is most often in, preferred when detection finds a tie
# (charset-normalizer's names).
PREFERRED_ENCODINGS = ("utf_16", "utf_32", "cp1252", "cp1251", "cp1250", "cp1256", "latin_1", "iso8859_15")

WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)  # UTF-32 first: its LE mark starts with UTF-16's

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class ManifestError(ValueError):
    """A manifest.csv that cannot be read as documented (names the file and line)."""


@dataclass(frozen=True)
class ManifestProblem:
    line: int | None  # the row's first line (the header is line 1); None for the whole manifest
    file: str | None  # the page file the row names; None when it names none
    reason: str  # names the manifest and the line
    check_name: str
    sample: str | None = None  # the row as written


@dataclass
class Manifest:
    label: str  # how reasons name the manifest (its path relative to the raw directory)
    entries: dict[str, dict] = field(default_factory=dict)  # valid rows: file -> url, outlet, ... charset
    lines: dict[str, tuple[int, str]] = field(default_factory=dict)  # file -> (line, the row as written)
    problems: list[ManifestProblem] = field(default_factory=list)  # bad rows
    unusable: ManifestProblem | None = None  # why no row of it applies, if so
    encoding: str = "utf-8"
    warnings: list[str] = field(default_factory=list)  # log lines: a guessed encoding, unknown columns


def parse_published(value: str) -> dt.date | None:
    """A manifest `published` value as a date (None when empty); ValueError when it is no ISO date."""
    value = value.strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        pass
    if len(value) > 10 and value[10] in "T " and _ISO_DAY.fullmatch(value[:10]):
        try:
            return dt.date.fromisoformat(value[:10])  # a timestamp: its day
        except ValueError:
            pass
    raise ValueError(f"published {value!r} is not an ISO date (YYYY-MM-DD, years 1-9999)")


def _decode(data: bytes, label: str) -> tuple[str | None, str, str]:
    """(text or None, encoding, a warning or, when text is None, the reason it cannot be read)."""
    for mark, codec in WIDE_BOMS:
        if data.startswith(mark):
            try:
                return data.decode(codec), codec, f"{label} is {codec.upper()} (byte-order mark), not UTF-8"
            except UnicodeDecodeError:
                break
    wide = wide_codec(data) if b"\x00" in data[:4096] else None
    if wide is not None:
        try:
            text = data.decode(wide)
        except UnicodeDecodeError:
            text = ""
        if "file" in text[:200].split("\n", 1)[0]:  # recognised by its NUL bytes and its header
            return text, wide, f"{label} is {wide.upper()} without a byte-order mark"
    try:
        return data.decode("utf-8-sig"), "utf-8", ""
    except UnicodeDecodeError as exc:
        first = exc.start
    text, encoding = _detected(data)
    if text is None:
        return None, "", f"{label} is not UTF-8 (byte {first}) and no text encoding reads it"
    if _CONTROL.search(text):
        return None, encoding, f"{label} is not UTF-8 (byte {first}) and holds control characters"
    return text, encoding, f"{label} is not UTF-8 (byte {first}): read as {encoding} (detected)"


def _detected(data: bytes) -> tuple[str | None, str]:
    """(text, encoding) as charset-normalizer reads `data`, or (None, "") when nothing does.

    A manifest is mostly ASCII, so several encodings often fit equally well (charset-normalizer's best
    guess for a short Western text can be an old DOS code page); among those that fit best, the
    encodings spreadsheets and editors write (PREFERRED_ENCODINGS) win."""
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    if not matches:
        return None, ""
    least = min(m.chaos for m in matches)
    tied = {name for m in matches if m.chaos == least for name in m.could_be_from_charset}
    for encoding in PREFERRED_ENCODINGS:
        if encoding in tied:
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                continue
    best = min(matches, key=lambda m: (m.chaos, -m.coherence))
    return str(best), best.encoding


def parse_manifest_bytes(data: bytes, label: str) -> Manifest:
    """A manifest's rows, each validated on its own (see the module docstring)."""
    manifest = Manifest(label=label)
    text, manifest.encoding, note = _decode(data, label)
    if text is None:
        manifest.unusable = ManifestProblem(None, None, note, MANIFEST_IS_TEXT)
        return manifest
    if note:
        manifest.warnings.append(note)
    if "\x00" in text:
        manifest.unusable = ManifestProblem(None, None, f"{label} holds NUL characters", MANIFEST_IS_TEXT)
        return manifest
    lines = io.StringIO(text, newline="").readlines()
    reader = csv.reader(lines)

    def written(start: int, end: int) -> str:
        return short("".join(lines[start - 1 : end]).rstrip("\r\n")) or ""

    try:
        header = [name.strip() for name in next(reader)]
    except (StopIteration, csv.Error):
        header = []
    if "file" not in header:
        manifest.unusable = ManifestProblem(
            1,
            None,
            f"{label}:1: needs a header row with a 'file' column (columns: {', '.join(MANIFEST_COLUMNS)})",
            MANIFEST_HAS_FILE_COLUMN,
            written(1, 1) if lines else None,
        )
        return manifest
    positions: dict[str, int] = {}
    for i, name in enumerate(header):
        positions.setdefault(name, i)
    repeated = sorted({n for n in header if header.count(n) > 1})
    if repeated:
        manifest.warnings.append(f"{label}: columns {repeated} repeat; the first of each is read")
    unknown = sorted(set(header) - set(MANIFEST_COLUMNS) - {""})
    if unknown:
        manifest.warnings.append(f"{label}: ignoring unknown manifest columns {unknown}")

    rows: dict[str, list[tuple[int, str, dict, list[tuple[str, str]]]]] = {}
    previous = reader.line_num
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            start = previous + 1
            manifest.problems.append(
                ManifestProblem(
                    start,
                    None,
                    f"{label}:{start}: not a CSV row ({exc})",
                    ROW_IS_CSV,
                    written(start, reader.line_num),
                )
            )
            if reader.line_num == previous:
                break
            previous = reader.line_num
            continue
        start, previous = previous + 1, reader.line_num
        if not any(f.strip() for f in fields):
            continue  # a blank line
        row = written(start, previous)
        values = {name: fields[i].strip() if i < len(fields) else "" for name, i in positions.items()}
        name = values["file"]
        if not name or "/" in name or "\\" in name or name in (".", ".."):
            what = (
                "empty 'file' value" if not name else f"file {name!r} is not a file name beside the manifest"
            )
            manifest.problems.append(
                ManifestProblem(start, None, f"{label}:{start}: {what}", ROW_NAMES_A_FILE, row)
            )
            continue
        issues: list[tuple[str, str]] = []
        if len(fields) > len(header):
            issues.append((f"{len(fields)} fields, the header has {len(header)}", ROW_MATCHES_HEADER))
        if any("\n" in v or "\r" in v for v in values.values()):
            issues.append((f"a value spans lines {start}-{previous} (an unclosed quote?)", ROW_IS_CSV))
        published = None
        try:
            published = parse_published(values.get("published", ""))
        except ValueError as exc:
            issues.append((str(exc), ROW_HAS_VALID_DATE))
        values["published"] = published
        rows.setdefault(name, []).append((start, row, values, issues))

    for name, listed in rows.items():
        problems = [
            ManifestProblem(start, name, f"{label}:{start}: {what}", check, row)
            for start, row, _, issues in listed
            for what, check in issues
        ]
        if len(listed) > 1:
            at = [start for start, *_ in listed]
            problems.insert(
                0,
                ManifestProblem(
                    at[1],
                    name,
                    f"{label}:{at[1]}: file {name!r} is listed on lines {', '.join(map(str, at))}; "
                    "which row is right is unknown",
                    ROW_IS_UNIQUE,
                    listed[1][1],
                ),
            )
        if problems:
            manifest.problems.extend(problems)
            continue
        start, row, values, _ = listed[0]
        manifest.entries[name] = {
            "url": values.get("url") or None,
            "outlet": values.get("outlet") or None,
            "language": values.get("language") or None,
            "published": values["published"],
            "charset": (values.get("charset") or "").strip("\"'").strip() or None,
        }
        manifest.lines[name] = (start, row)
    manifest.problems.sort(key=lambda p: (p.line or 0, p.reason))
    return manifest


def parse_manifest(path: Path, label: str | None = None, max_bytes: int | None = None) -> Manifest:
    """parse_manifest_bytes of a manifest file (at most `max_bytes`, default settings.max_manifest_bytes());
    raises PageRefused when it is larger or unreadable, OSError when it is missing."""
    cap = max_bytes if max_bytes is not None else settings.max_manifest_bytes()
    data = read_file(Path(path), cap, "LEDGER_MAX_MANIFEST_BYTES")
    return parse_manifest_bytes(data, label or str(path))


def read_manifest(path: Path) -> dict[str, dict]:
    """One manifest.csv as {file name: {url, outlet, language, published, charset}}, strictly: any bad row
    or an unusable manifest raises ManifestError naming the file and line (scan_raw_dir is lenient instead:
    it quarantines the pages of bad rows and reads the rest)."""
    try:
        manifest = parse_manifest(path)
    except PageRefused as exc:
        raise ManifestError(f"{path}: {exc}") from exc
    for note in manifest.warnings:
        log.warning(note)
    trouble = manifest.unusable or (manifest.problems[0] if manifest.problems else None)
    if trouble is not None:
        raise ManifestError(trouble.reason)
    return manifest.entries
