"""Property test of the whole document stage (issue 14): bytes -> text -> article, as the `documents`
asset (pipelines/defs/clean/assets.py) does it: `decode_page_bytes` (pipelines/ingest), then `clean_page`
(pipelines/cleaning) with the kind the file name gives.

On random bytes, random markup and mutated sample pages (raw/: byte flips, truncation, inserted tags,
random Unicode with right-to-left, zero-width and control characters, UTF-16, gzip-wrapped) the stage
either returns a document whose offsets are valid and whose text follows SPEC §1, or refuses the page with
one of the documented exceptions (UndecodablePage, UnparseablePage and their subclasses); never anything
else. Fixed budget: 150 derandomised examples per property.
"""

from __future__ import annotations

import gzip
import html
import unicodedata

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from pipelines import settings as ledger_settings
from pipelines.cleaning import UnparseablePage, clean_page
from pipelines.ingest import UndecodablePage, decode_page_bytes
from pipelines.ingest.entries import page_kind

BUDGET = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
REFUSALS = (UndecodablePage, UnparseablePage)
NAMES = ("page.txt", "page.html", "page.htm", "page.txt.gz", "page.html.gz")
CHARSETS = (None, "utf-8", "iso-8859-1", "windows-1252", "utf-16", "shift_jis", "no-such-charset", "base64")


def _samples() -> list[tuple[str, bytes]]:
    """The sample pages of raw/ as text pages, and each wrapped in a plain HTML article."""
    pages = []
    for path in sorted((ledger_settings.PROJECT_ROOT / "raw").glob("*.txt")):
        data = path.read_bytes()
        paragraphs = [p for p in data.decode("utf-8").split("\n\n") if p.strip()]
        body = "".join(f"<p>{html.escape(p)}</p>\n" for p in paragraphs[1:])
        page = (
            f"<html><head><meta charset='utf-8'><title>{html.escape(paragraphs[0])}</title></head><body>"
            f"<nav><a href='/'>Home</a></nav><article><h1>{html.escape(paragraphs[0])}</h1>\n{body}</article>"
            "<footer>Contact us</footer></body></html>"
        )
        pages += [("page.txt", data), ("page.html", page.encode("utf-8"))]
    return pages


SAMPLES = _samples()

# Markup that stresses a parser: unclosed and stray tags, comments, CDATA, scripts, entities of nothing.
TAGS = (
    "<div>",
    "</div>",
    "<p>",
    "</p>",
    "</article>",
    "<article>",
    "<script>var x = '</p>';",
    "</script>",
    "<style>p{}</style>",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "<?xml version='1.0'?>",
    "<html><body>",
    "</body></html>",
    "<table><tr><td>",
    "<br/>" * 20,
    "<div>" * 300,
    "<nav>Home | World</nav>",
    "&#0;",
    "&#xD800;",
    "&nbsp;&nbsp;",
    "&amp;amp;",
    "<meta charset='utf-16'>",
    "<title></title>",
    "<h1>",
    "<noscript>",
)
# Characters that text from the web carries: bidi controls and marks, zero-width ones, C0/C1 controls,
# unusual spaces and line breaks, combining marks, Arabic letters.
HOSTILE_CHARS = (
    "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    "\u200b\u200c\u200d\u2060\ufeff\u00ad"
    + "".join(chr(c) for c in range(0x00, 0x20))
    + "".join(chr(c) for c in range(0x7F, 0xA0))
    + "\u00a0\u2009\u202f\u3000\u2028\u2029\u0301\u0308\u0627\u0644\u0639\u0631\u0628\u064a\ufffd"
)
hostile_text = st.text(
    alphabet=st.one_of(st.sampled_from(HOSTILE_CHARS), st.characters(codec="utf-8")), min_size=1, max_size=40
)


WORDS = st.sampled_from(
    ("At least", "12 people", "were killed", "in Aleppo", "on Monday,", "officials said.", "7 000", "\n\n")
)
random_markup = st.lists(st.one_of(st.sampled_from(TAGS), hostile_text, WORDS), min_size=1, max_size=60).map(
    "".join
)


@st.composite
def mutated_pages(draw) -> tuple[bytes, str, str | None]:
    """A sample page mutated a few times, maybe re-encoded and gzip-wrapped: (bytes, file name, charset)."""
    name, data = draw(st.sampled_from(SAMPLES))
    data = bytearray(data)
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(("flip", "truncate", "tag", "unicode", "delete", "duplicate")))
        at = draw(st.integers(0, len(data)))
        if op == "flip" and data:
            at = min(at, len(data) - 1)
            data[at] ^= draw(st.integers(1, 255))
        elif op == "truncate":
            del data[at:]
        elif op == "tag":
            data[at:at] = draw(st.sampled_from(TAGS)).encode("utf-8")
        elif op == "unicode":
            data[at:at] = draw(hostile_text).encode("utf-8")
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 200))]
        elif op == "duplicate":
            data[at:at] = data[max(0, at - 2000) : at]
    out = bytes(data)
    if draw(st.booleans()) and not draw(st.booleans()):  # a quarter of the pages: UTF-16, BOM or not
        text = out.decode("utf-8", "replace")
        out = text.encode(draw(st.sampled_from(("utf-16", "utf-16-le", "utf-16-be"))))
    charset = draw(st.sampled_from(CHARSETS))
    if draw(st.booleans()):
        out = gzip.compress(out, mtime=0)
        name += ".gz"
    return out, name, charset


def _document_stage(data: bytes, name: str, charset: str | None):
    """What the documents asset does to one page's bytes: decode, then clean with the file's kind."""
    decoded = decode_page_bytes(data, name, charset)
    return decoded.text, clean_page(decoded.text, kind=page_kind(name) or "text", url=None)


def _assert_valid_document(text: str, cleaned) -> None:
    assert isinstance(text, str)
    body = cleaned.clean_text
    assert isinstance(body, str) and body, "clean_text is empty"
    assert isinstance(cleaned.body_start, int)
    assert 0 <= cleaned.body_start <= len(body), (cleaned.body_start, len(body))
    assert cleaned.body.strip(), "the body after body_start is empty"
    if cleaned.body_start:
        assert body[: cleaned.body_start].endswith("\n\n"), "the headline paragraph ends without a separator"
    # SPEC §1: NFC, every Unicode space folded to a plain space.
    assert unicodedata.is_normalized("NFC", body), "clean_text is not NFC"
    spaces = {f"U+{ord(c):04X}" for c in body if unicodedata.category(c) == "Zs" and c != " "}
    assert not spaces, f"clean_text holds unfolded spaces {sorted(spaces)}"
    for removed in cleaned.removed:
        assert isinstance(removed.text, str) and isinstance(removed.rule, str) and removed.rule


def _document_or_refusal(data: bytes, name: str, charset: str | None) -> None:
    try:
        text, cleaned = _document_stage(data, name, charset)
    except REFUSALS as refusal:
        assert str(refusal), f"{type(refusal).__name__} without a reason"
        event(f"refused: {type(refusal).__name__}")
        return
    event("document")
    _assert_valid_document(text, cleaned)


@BUDGET
@given(data=st.binary(max_size=4096), name=st.sampled_from(NAMES), charset=st.sampled_from(CHARSETS))
def test_random_bytes_become_a_document_or_a_documented_refusal(data, name, charset):
    _document_or_refusal(data, name, charset)


@BUDGET
@given(markup=random_markup, name=st.sampled_from(("page.html", "page.txt")))
def test_random_markup_becomes_a_document_or_a_documented_refusal(markup, name):
    _document_or_refusal(markup.encode("utf-8"), name, None)


@BUDGET
@given(page=mutated_pages())
def test_mutated_pages_become_a_document_or_a_documented_refusal(page):
    _document_or_refusal(*page)


def test_the_unmutated_samples_are_documents():
    """The seeds themselves are articles: a mutation that is refused is refused for what it changed."""
    for name, data in SAMPLES:
        _assert_valid_document(*_document_stage(data, name, None))
