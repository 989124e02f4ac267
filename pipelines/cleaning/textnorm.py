"""Text normalisation of SPEC §1: Unicode NFC and every Unicode space (and stray control character) folded to
a plain space."""

from __future__ import annotations

import re
import unicodedata

# Every Unicode space separator (Zs: NO-BREAK SPACE, EN SPACE, THIN SPACE, NARROW NO-BREAK SPACE,
# IDEOGRAPHIC SPACE, ...) plus TAB and FORM FEED / VERTICAL TAB, which are spacing inside a line.
_SPACE_CHARS = (
    "".join(chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Zs" and chr(c) != " ")
    + "\t\x0b\x0c"
)
# C0 and C1 control characters (but TAB and the line breaks, handled apart) carry no text either: a page's
# stray control bytes become spaces, so words on both sides stay apart and folding removes the rest.
_CONTROL_CHARS = "".join(
    chr(c) for c in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)] if chr(c) not in "\t\n\r\x0b\x0c\x85"
)
_SPACE_TABLE = {ord(c): " " for c in _SPACE_CHARS + _CONTROL_CHARS}
# Invisible characters that carry no text: ZERO WIDTH SPACE, BOM, SOFT HYPHEN. The zero-width (non-)joiners
# stay: they shape Arabic and Indic script and emoji; so do the bidirectional marks (LRM, RLM, embeddings).
_INVISIBLE_TABLE = {ord(c): None for c in "\u200b\ufeff\u00ad"}
_LINE_BREAKS = re.compile(r"\r\n|\r|\u2028|\u2029|\x85")
# A surrogate code point is no character: no UTF-8 encoder (nor the warehouse) accepts one. A decoder
# never yields one; a page decoded with "surrogateescape" or "surrogatepass" may.
_SURROGATE = re.compile("[\ud800-\udfff]")


def normalize_text(text: str) -> str:
    """NFC, unify line breaks to "\\n", fold Unicode spaces and control characters to " ", drop invisible
    characters; a surrogate code point becomes U+FFFD REPLACEMENT CHARACTER."""
    text = unicodedata.normalize("NFC", _SURROGATE.sub("\ufffd", text))
    text = _LINE_BREAKS.sub("\n", text)
    text = text.translate(_SPACE_TABLE)
    return text.translate(_INVISIBLE_TABLE)


_DASHES = {ord(c): "-" for c in "‐‑‒–—―−"}


def squash(text: str) -> str:
    """Comparison key for a line: casefolded, runs of spaces collapsed, edge punctuation stripped."""
    key = " ".join(text.casefold().translate(_DASHES).split())
    return key.strip(" .,;:!?…'\"“”‘’«»-–—|•·*")
