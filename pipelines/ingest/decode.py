"""How a page's bytes become text, within caps, losing as little as possible and saying what was guessed.

In order:
1. `.gz` pages (and gzip bytes under another name) are decompressed incrementally; past
   settings.max_gzip_output_bytes() decompression stops and the page is refused (`max_gzip_output`).
2. A byte-order mark names the encoding (UTF-8, UTF-16, UTF-32); invalid sequences after it are
   replaced and flagged.
3. Known binary formats (PDF, images, archives, executables) are refused by their signature, before
   anything else might read them as text.
4. UTF-16 or UTF-32 without a byte-order mark is recognised by its NUL bytes (in text, every ASCII
   character has a NUL byte beside it, always on the same side).
5. Other bytes with NUL or many control bytes are binary and refused.
6. Valid UTF-8.
7. Damaged UTF-8: when its invalid sequences are no more than its valid non-ASCII UTF-8 characters, the
   page is UTF-8 with a few bad bytes, whatever charset it declares (a single-byte one would garble it
   all): decoded as UTF-8 with U+FFFD replacement characters and flagged (DecodedPage.warning).
8. The manifest `charset` (the HTTP Content-Type's), then the `<meta charset>` of the HTML head, each
   if it decodes every byte; then each if it fails on at most 1% of the bytes (replaced, flagged).
9. UTF-8 with replacement when at most 1% of the bytes are bad (flagged). More than that, with no
   charset that fits, is an unknown encoding: refused with the reasons (a legacy page needs its charset).

Every refusal is an UndecodablePage (a PageRefused) carrying its check name and a short sample.
"""

from __future__ import annotations

import codecs
import re
import zlib
from dataclasses import dataclass

from pipelines import settings
from pipelines.ingest.refusal import PageRefused

# Check names (quarantine.check_name) of the refusals made here.
MAX_GZIP_OUTPUT = "max_gzip_output"
GZIP_IS_VALID = "gzip_is_valid"
PAGE_IS_NOT_EMPTY = "page_is_not_empty"
PAGE_IS_TEXT = "page_is_text"
PAGE_ENCODING_IS_KNOWN = "page_encoding_is_known"

GZIP_MAGIC = b"\x1f\x8b"
FEW_BAD_BYTES = 0.01  # share of a page's bytes that may be replaced when no encoding decodes them all

# A charset declared in an HTML head, used when the bytes are not UTF-8.
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)

# Byte-order marks and the codec each means (UTF-32 before UTF-16: FF FE 00 00 starts with FF FE).
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Signatures at the start of binary files that arrive named .html or .txt (a wrong Content-Type, a saved
# attachment). False-positive risk: a text page would have to begin with these exact bytes; the ASCII ones
# ('%PDF-', 'GIF8') are whole format tags, not words.
_BINARY_SIGNATURES = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),  # FF D8 cannot start UTF-8 text, nor any byte-order mark
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive (docx, xlsx, epub, ...)"),
    (b"\x7fELF", "an executable"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document"),
)


class UndecodablePage(PageRefused):
    """A page whose bytes cannot become text: empty, binary, bad or oversized gzip, an unknown encoding."""

    def __init__(self, reason: str, check_name: str = PAGE_IS_TEXT, sample: str | None = None):
        super().__init__(reason, check_name, sample)


@dataclass(frozen=True)
class DecodedPage:
    text: str
    encoding: str  # the codec that decoded it
    warning: str | None = None  # what was guessed or replaced, for documents.decode_warning


def gunzip(data: bytes, max_output: int) -> bytes:
    """The decompressed bytes of gzip `data` (every member), never holding more than `max_output` + 1 bytes
    of output: past the cap it stops and raises UndecodablePage (`max_gzip_output`)."""
    out = bytearray()
    rest = data
    try:
        while True:
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            pending = rest
            while not inflater.eof:
                chunk = inflater.decompress(pending, max_output + 1 - len(out))
                out += chunk
                if len(out) > max_output:
                    raise UndecodablePage(
                        f"gzip output over the cap of {max_output:,} bytes (LEDGER_MAX_GZIP_OUTPUT_BYTES); "
                        f"decompression stopped there ({len(data):,} bytes compressed)",
                        MAX_GZIP_OUTPUT,
                        sample=f"{len(data)} bytes compressed",
                    )
                pending = inflater.unconsumed_tail
                if not chunk and not pending and not inflater.eof:
                    raise UndecodablePage(
                        "corrupt gzip: the data ends before the end of the stream", GZIP_IS_VALID
                    )
            rest = inflater.unused_data.lstrip(b"\x00")  # zero padding after the last member is allowed
            if not rest:
                return bytes(out)
            if not rest.startswith(GZIP_MAGIC):
                raise UndecodablePage(
                    "corrupt gzip: bytes after the stream are not gzip", GZIP_IS_VALID, sample=repr(rest[:16])
                )
    except zlib.error as exc:
        raise UndecodablePage(f"corrupt gzip: {exc}", GZIP_IS_VALID, sample=repr(data[:16])) from exc


def _looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return control > len(sample) * 0.05


def _text_is_binary(text: str) -> bool:
    sample = text[:4096]
    if "\x00" in sample:
        return True
    control = sum(1 for c in sample if ord(c) < 9 or 13 < ord(c) < 32)
    return control > len(sample) * 0.05


def wide_codec(data: bytes) -> str | None:
    """UTF-32 or UTF-16 (LE or BE) when the NUL bytes of `data` fall where that encoding puts them."""
    sample = data[:4096]
    quarter = len(sample) // 4
    if quarter >= 2:
        q = [sample[i::4][:quarter].count(0) for i in range(4)]
        if q[2] >= 0.9 * quarter and q[3] >= 0.9 * quarter and q[0] <= 0.1 * quarter:
            return "utf-32-le"
        if q[0] >= 0.9 * quarter and q[1] >= 0.9 * quarter and q[3] <= 0.1 * quarter:
            return "utf-32-be"
    half = len(sample) // 2
    if half < 2:
        return None
    even, odd = sample[0::2][:half].count(0), sample[1::2][:half].count(0)
    if odd >= 0.1 * half and even <= 0.01 * half:
        return "utf-16-le"
    if even >= 0.1 * half and odd <= 0.01 * half:
        return "utf-16-be"
    return None


def _replaced(data: bytes, codec: str) -> tuple[str, int]:
    """`data` decoded with replacement characters, and how many invalid sequences were replaced."""
    text = data.decode(codec, errors="replace")
    valid = data.count(b"\xef\xbf\xbd") if codec.replace("_", "-").lower() in ("utf-8", "utf8") else 0
    return text, text.count("\ufffd") - valid


def _decode_as(data: bytes, charset: str, source: str) -> tuple[str | None, str]:
    """(text, "") when `charset` decodes `data`, else (None, why not) naming the charset and its source."""
    try:
        return data.decode(charset), ""
    except LookupError:  # no such codec, or one that is not a text encoding ('base64', 'rot13')
        return None, f"unknown charset {charset!r} ({source})"
    except UnicodeDecodeError as exc:
        return None, f"charset {charset!r} ({source}) does not decode the page: {exc}"


def _with_bom(data: bytes, codec: str) -> DecodedPage:
    warning = None
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        text, bad = _replaced(data, codec)
        warning = f"{bad} invalid {codec} sequence(s) replaced (first at byte {exc.start})"
    if not text.strip():
        raise UndecodablePage("empty page (no bytes or only white space)", PAGE_IS_NOT_EMPTY)
    if "\x00" in text[:4096]:
        raise UndecodablePage(
            f"binary content (NUL characters after a {codec} byte-order mark)", PAGE_IS_TEXT, repr(data[:16])
        )
    return DecodedPage(text, codec, warning)


def decode_page_bytes(
    data: bytes, name: str, charset: str | None = None, max_gzip_output: int | None = None
) -> DecodedPage:
    """The text of a page's bytes (see the module docstring for the order); raises UndecodablePage.

    `name` is the file name (a `.gz` suffix means gzip), `charset` the page's manifest charset.
    """
    notes: list[str] = []
    cap = max_gzip_output if max_gzip_output is not None else settings.max_gzip_output_bytes()
    if name.lower().endswith(".gz"):
        data = gunzip(data, cap)
    elif data.startswith(GZIP_MAGIC):
        data = gunzip(data, cap)
        notes.append("gzip data in a file not named .gz, decompressed")
    bom = next((codec for mark, codec in _BOMS if data.startswith(mark)), None)
    if bom is not None:
        page = _with_bom(data, bom)
        warning = "; ".join(notes + ([page.warning] if page.warning else [])) or None
        return DecodedPage(page.text, page.encoding, warning)
    if not data.strip():
        raise UndecodablePage("empty page (no bytes or only white space)", PAGE_IS_NOT_EMPTY)
    for signature, what in _BINARY_SIGNATURES:
        if data.startswith(signature):
            raise UndecodablePage(
                f"binary content ({what}), not a text or HTML page", PAGE_IS_TEXT, repr(data[:16])
            )
    wide = wide_codec(data)
    if wide is not None:
        text, bad = _replaced(data, wide)
        if not _text_is_binary(text):
            notes.append(f"{wide.upper()} without a byte-order mark (recognised by its NUL bytes)")
            if bad:
                notes.append(f"{bad} invalid {wide.upper()} sequence(s) replaced")
            return DecodedPage(text, wide, "; ".join(notes))
    if _looks_binary(data):
        raise UndecodablePage(
            "binary content (NUL or control bytes), not a text or HTML page", PAGE_IS_TEXT, repr(data[:16])
        )
    warning = "; ".join(notes) or None
    try:
        return DecodedPage(data.decode("utf-8"), "utf-8", warning)
    except UnicodeDecodeError as utf8_error:
        first_bad = utf8_error.start
    sample = repr(data[max(0, first_bad - 30) : first_bad + 30])
    few = int(len(data) * FEW_BAD_BYTES)
    as_utf8, bad = _replaced(data, "utf-8")
    valid_non_ascii = len(as_utf8) - len(as_utf8.encode("ascii", "ignore")) - as_utf8.count("\ufffd")

    def replaced(text: str, codec: str, count: int, why: str = "") -> DecodedPage:
        what = (
            f"{count} invalid {codec} byte sequence(s) replaced with U+FFFD (first bad byte at {first_bad})"
        )
        return DecodedPage(text, codec, "; ".join([*notes, what] + ([why] if why else [])))

    if bad <= valid_non_ascii:  # a UTF-8 page with damage: a declared single-byte charset would garble it
        return replaced(as_utf8, "utf-8", bad)
    declared: list[tuple[str, str]] = []
    if charset and charset.strip():
        declared.append((charset.strip(), "from the manifest's charset column"))
    meta = _META_CHARSET.search(data[:4096])
    if meta:
        declared.append((meta.group(1).decode("ascii", "replace"), "declared in the page's <meta>"))
    reasons = []
    for label, source in declared:
        text, why = _decode_as(data, label, source)
        if text is not None:
            return DecodedPage(text, label, warning)
        reasons.append(why)
    for label, source in declared:
        try:
            text, count = _replaced(data, label)
        except LookupError:
            continue
        if count <= few:
            return replaced(text, label, count, f"charset {label!r} {source}")
    if bad <= few:
        why = "; ".join(reasons) if reasons else "no charset in the manifest or the page"
        return replaced(as_utf8, "utf-8", bad, why)
    if not declared:
        raise UndecodablePage(
            f"not valid UTF-8 (byte {first_bad}) and no charset in the manifest or the page",
            PAGE_ENCODING_IS_KNOWN,
            sample,
        )
    raise UndecodablePage(
        f"not valid UTF-8 (byte {first_bad}); " + "; ".join(reasons), PAGE_ENCODING_IS_KNOWN, sample
    )


def decode_page(data: bytes, name: str, charset: str | None = None) -> str:
    """The text of a page's bytes (decode_page_bytes without its warning); raises UndecodablePage."""
    return decode_page_bytes(data, name, charset).text
