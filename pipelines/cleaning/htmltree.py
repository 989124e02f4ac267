"""Parse a page's HTML into an lxml tree with bounded work, without losing text to deep nesting.

libxml2 keeps 256 levels of nesting (2048 with `huge_tree`) and silently drops everything below and
after the level where it stops: a page of 100,000 nested tags loses its article. Such a page is parsed
a second time from a copy of its source where tags nested deeper than MAX_NESTING are taken out (their
text stays where it is; a block tag leaves a line break). A tree holding more elements than the cap is
refused (`TreeTooLarge`) before any extraction runs on it.
"""

from __future__ import annotations

import logging
import re

from lxml.etree import _Element

from .limits import TreeTooLarge
from .model import UnparseablePage

logger = logging.getLogger(__name__)

# libxml2's nesting limit without huge_tree: a tree this deep was cut by the parser.
PARSER_MAX_DEPTH = 255
# Tags nested deeper than this in a cut page's source are taken out before the second parse. Real
# pages nest a few dozen levels; this stays under the parser's limit with room for the elements the
# parser adds itself (html, body, tbody).
MAX_NESTING = 200

# One token of the source: a comment, a doctype/processing instruction, or a start or end tag.
_TOKEN = re.compile(r"<!--.*?(?:-->|$)|<[!?][^>]*>|<(/?)([A-Za-z][A-Za-z0-9:_-]*)(?:\s[^>]*?)?(/?)>", re.S)
# Elements whose content is raw text: a "<div>" inside a script is not a tag.
_RAW_TEXT = frozenset({"script", "style", "textarea", "title", "xmp", "noscript", "iframe", "noembed"})
# Elements without content: they never nest.
_VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
        "keygen",
        "frame",
        "basefont",
        "isindex",
    }
)
# Elements that a second one of their kind closes implicitly ("<p>a<p>b" is two paragraphs).
_SELF_CLOSING_SIBLINGS = frozenset({"p", "li", "dt", "dd", "option", "tr", "td", "th"})
# Paragraph-like blocks: kept (one at a time, without attributes) below the nesting limit.
_DEEP_KEPT = frozenset({"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "dt", "dd"})
# Block elements: taken out, they leave a line break so their text does not run into the next block's.
_BLOCK = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "td",
        "th",
        "tr",
        "ul",
    }
)


def load_tree(content: str, *, max_elements: int) -> _Element:
    """The page's lxml tree (trafilatura's parser), re-parsed with its nesting limited when the parser
    cut it; `TreeTooLarge` when it holds more than `max_elements` elements."""
    tree = _parse(content)
    if _depth(tree, max_elements) >= PARSER_MAX_DEPTH:
        logger.info("HTML nested past the parser's limit; parsed again nested at most %d deep", MAX_NESTING)
        tree = _parse(limit_nesting(content, MAX_NESTING))
        if _depth(tree, max_elements) >= PARSER_MAX_DEPTH:
            raise UnparseablePage(f"the HTML is nested deeper than {PARSER_MAX_DEPTH} levels")
    return tree


def _parse(content: str) -> _Element:
    """trafilatura's parse of the page, as the whole document: for a fragment ("<svg><p>...") the parser
    hands back the fragment's element inside a generated <html><body>, and extraction code that copies
    and prunes that element alone fails on it (a copied root has no parent to be dropped from)."""
    import trafilatura

    tree = trafilatura.load_html(content)
    if tree is None:
        raise UnparseablePage("the HTML could not be parsed")
    return tree.getroottree().getroot()


def _depth(tree: _Element, max_elements: int) -> int:
    """The tree's depth (the root is at 0); `TreeTooLarge` past `max_elements` elements."""
    depths: dict[_Element, int] = {}
    deepest = 0
    for count, el in enumerate(tree.iter(), start=1):
        if count > max_elements:
            raise TreeTooLarge(max_elements)
        parent = el.getparent()
        depth = depths[parent] + 1 if parent is not None and parent in depths else 0
        depths[el] = depth
        deepest = max(deepest, depth)
    return deepest


def limit_nesting(content: str, max_depth: int) -> str:
    """`content` with the tags nested deeper than `max_depth` taken out, their text kept.

    Below that depth, a paragraph-like block (p, li, a heading, a cell) stays as one element, closed
    before the next block opens, so paragraphs stay apart and the extractor reads them as paragraphs;
    every other tag goes (a block tag leaves one line break, <br>), a raw-text element (script, style)
    with its content. Nesting is tracked as an HTML parser would, roughly: an end tag closes every
    element opened after its start tag, void elements never nest, a <p> or <li> closes an open sibling
    of its kind; kept raw-text elements are copied whole.
    """
    out: list[str] = []
    # Open elements: (tag, kept in the output?).
    stack: list[tuple[str, bool]] = []
    # The paragraph-like block kept below max_depth that is open, if any.
    deep_open: str | None = None
    last_break = False

    def emit(piece: str) -> None:
        nonlocal last_break
        if piece == "<br>":
            if last_break:
                return
            last_break = True
        elif piece.strip():
            last_break = False
        out.append(piece)

    def close_deep() -> None:
        nonlocal deep_open
        if deep_open is not None:
            emit(f"</{deep_open}>")
            deep_open = None

    pos = 0
    while True:
        m = _TOKEN.search(content, pos)
        if m is None:
            emit(content[pos:])
            break
        emit(content[pos : m.start()])
        pos = m.end()
        closing, name, self_closing = m.group(1), (m.group(2) or "").lower(), m.group(3)
        if not name or name in _VOID:
            emit(m.group(0))
            continue
        if closing:
            at = next((i for i in range(len(stack) - 1, -1, -1) if stack[i][0] == name), None)
            if at is None:
                emit(m.group(0))
                continue
            kept = stack[at][1]
            del stack[at:]
            if at >= max_depth:
                if name == deep_open:
                    close_deep()
                elif name in _BLOCK:
                    close_deep()
                    emit("<br>")
            else:
                close_deep()
                emit(m.group(0) if kept else "")
            continue
        if name in _SELF_CLOSING_SIBLINGS and stack and stack[-1][0] == name:
            stack.pop()
        deep = len(stack) >= max_depth
        if not deep:
            close_deep()
            emit(m.group(0))
        elif name in _DEEP_KEPT:
            close_deep()
            emit(f"<{name}>")
            deep_open = name
        elif name in _BLOCK:
            close_deep()
            emit("<br>")
        if self_closing:
            continue
        if name in _RAW_TEXT:
            # Copied whole when kept; taken out with the tag otherwise (a script's code is no text).
            end = re.compile(rf"</{name}\s*>", re.I).search(content, pos)
            stop = end.start() if end else len(content)
            if not deep:
                emit(content[pos:stop] + (end.group(0) if end else ""))
            pos = end.end() if end else len(content)
            continue
        stack.append((name, not deep))
    close_deep()
    return "".join(out)
