"""Property test of `clean_page` on random and mutated pages, with a fixed budget: it returns a page whose
clean_text is non-empty, normalised (NFC, folded spaces, no invisible characters, no surrogates) and whose
offsets are valid, or it raises UnparseablePage; never any other exception.

Pages are the sample pages (raw/*.txt, tests/cleaning/fixtures/*.html) mutated by insertions, deletions,
duplications and truncations, and pages built from random chunks: Arabic and French text, markup, entity
references, control characters, zero-width characters, bidirectional marks and surrogates."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipelines.cleaning import CleanedPage, UnparseablePage, clean_page
from pipelines.cleaning.page import PARAGRAPH_SEPARATOR

ROOT = Path(__file__).resolve().parents[2]
TEXT_PAGES = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "raw").glob("*.txt"))]
HTML_PAGES = [
    p.read_text(encoding="utf-8") for p in sorted((ROOT / "tests/cleaning/fixtures").glob("*.html"))
]

ARABIC = "قُتل شخصان في قصف على قرية كفرنبل يوم الاثنين، وفق مصادر محلية. ٢٠١٧ و١٢ جريحاً"
FRENCH = (
    "Des combats ont éclaté à Idleb ; « 5 000 combattants » ont été tués, selon l’ONU. Œuvre naïve, e\u0301té"
)
# C0 and C1 controls, spaces of every kind, zero-width and bidirectional characters, line separators.
SPECIAL = (
    "\x00\x01\x07\x08\x0b\x0c\x0e\x1b\x1f\x7f\x85\x9f\u00a0\u00ad\u1680\u2009\u202f\u3000"
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    "\u2028\u2029\ufeff\ufffd\r\n\t "
)
# Tags, entity references and declarations, split at "|" ("\n\n" added: a blank line between chunks).
MARKUP = (
    "<p>|</p>|<div class='article-body'>|</div>|<script>|</script>|<style>|<!--|-->|<br>|<br/>|<title>|"
    "</title>|<h1>|</h1>|<svg>|<table><tr><td>|<li>|<ul>|&amp;|&#0;|&#x202e;|&nbsp;|&#xD800;|<![CDATA[|"
    "<?xml version='1.0'?>|<html dir='rtl'>|<meta charset='utf-8'>|<a href='/x'>|</a>"
).split("|") + ["\n\n"]
_CHARS = st.sampled_from(sorted(set(SPECIAL + ARABIC + FRENCH + "abcXYZ <>/=\"'&;#!?.,:-0123456789")))
CHUNKS = st.one_of(
    st.text(_CHARS, max_size=40),
    st.sampled_from([ARABIC, FRENCH, *MARKUP]),
    st.text(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1, max_size=2),
    st.text(max_size=20),
)
RANDOM_PAGES = st.lists(CHUNKS, max_size=30).map("".join)


@st.composite
def mutated(draw: st.DrawFn, pages: list[str]) -> str:
    """A sample page with up to eight random edits."""
    page = draw(st.sampled_from(pages))
    for _ in range(draw(st.integers(0, 8))):
        i = draw(st.integers(0, len(page)))
        j = draw(st.integers(i, min(len(page), i + 500)))
        edit = draw(st.sampled_from(("insert", "delete", "duplicate", "replace", "truncate")))
        if edit == "insert":
            page = page[:i] + draw(CHUNKS) + page[i:]
        elif edit == "delete":
            page = page[:i] + page[j:]
        elif edit == "duplicate":
            page = page[:j] + page[i:j] + page[j:]
        elif edit == "replace":
            page = page[:i] + draw(CHUNKS) + page[j:]
        else:
            page = page[: max(i, 1)]
    return page


def _check(content: str, kind: str) -> None:
    try:
        page = clean_page(content, kind=kind)  # type: ignore[arg-type]
    except UnparseablePage:
        return
    assert isinstance(page, CleanedPage)
    text = page.clean_text
    assert text.strip()
    assert 0 <= page.body_start < len(text)
    assert text[page.body_start :] == page.body and page.body.strip()
    if page.body_start:
        assert text[: page.body_start].endswith(PARAGRAPH_SEPARATOR) and page.headline
    assert unicodedata.is_normalized("NFC", text)
    assert not any(unicodedata.category(c) == "Zs" and c != " " for c in text)
    assert not set(text) & set("\r\t\x0b\x0c\u2028\u2029\x85\u200b\ufeff\u00ad")
    assert not any("\ud800" <= c <= "\udfff" for c in text)
    text.encode("utf-8")


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.one_of(mutated(TEXT_PAGES), RANDOM_PAGES))
@example(f"{ARABIC}\n\n{FRENCH}\n\n\u202e{ARABIC}\u202c\u200f")
@example("\u200f\u200e\u200b\x01\x02")
@example("abc \ud800 def.")
def test_text_pages_clean_or_are_refused(content):
    _check(content, "text")


@settings(FUZZ, max_examples=60)
@given(st.one_of(mutated(HTML_PAGES), RANDOM_PAGES, mutated(TEXT_PAGES)))
@example("<svg><p><p>")
@example(
    f"<html dir='rtl' lang='ar'><body><article><p>{ARABIC}</p>"
    f"<p>{ARABIC} \u200f{FRENCH}</p></article></body></html>"
)
@example("<html><body><p>\x00\x01\u200b\u202e</p></body></html>")
def test_html_pages_clean_or_are_refused(content):
    _check(content, "html")


# Cases the property test found, pinned with their expected outcome.


def test_a_markup_fragment_is_refused_not_crashed_on():
    # The parser hands back the fragment's element; the date extractor used to fail pruning its copy.
    with pytest.raises(UnparseablePage):
        clean_page("<svg><p><p>", kind="html")


def test_a_surrogate_becomes_the_replacement_character():
    assert clean_page("Shelling near the town \ud800 killed two.", kind="text").clean_text == (
        "Shelling near the town \ufffd killed two."
    )


@pytest.mark.parametrize("content", ["\u200f\u200e\u200b\x01\x02", "....", "\u202e\u2066 \u2069"])
def test_a_page_without_a_word_is_refused(content):
    with pytest.raises(UnparseablePage, match="no word is left"):
        clean_page(content, kind="text")


def test_arabic_and_french_keep_their_marks_and_are_composed():
    page = clean_page(f"{ARABIC}\n\n\u200f{FRENCH}", kind="text")
    assert page.clean_text == f"{ARABIC}\n\n\u200f{unicodedata.normalize('NFC', FRENCH)}"
    assert "été" in page.clean_text and "5 000 combattants" in page.clean_text
