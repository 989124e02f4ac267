"""HTML pages: prune boilerplate elements by class/id token, extract the body with trafilatura, read metadata.

The project's prune tokens (prune.yaml) run before trafilatura, so paywall overlays, newsletter boxes,
consent banners, related-story rails, share bars and comment sections never reach the extractor. Each
pruned element's text is recorded with rule ``prune:<token>``; what trafilatura itself drops is
recorded coarsely, one entry per dropped text block, with rule ``trafilatura``.
"""

from __future__ import annotations

import datetime
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import html as lxml_html
from lxml.etree import _Element

from .htmltree import load_tree
from .limits import DEFAULT_MAX_TREE_ELEMENTS
from .lines import paywall_notices, paywall_unread_share
from .model import Removed, UnparseablePage
from .rules import PruneRule, prune_rules, split_name
from .textnorm import normalize_text, squash

logger = logging.getLogger(__name__)

# Elements never pruned by token, whatever their class: the document itself.
_NEVER_PRUNE = frozenset({"html", "body", "head"})
# Elements whose text is never body text (skipped when listing what the extractor dropped).
_NO_TEXT = frozenset({"script", "style", "noscript", "template", "svg", "head", "title", "meta", "link"})
# Block-level elements whose text is listed as one unit when recording extractor drops.
_BLOCKS = frozenset(
    {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "figcaption", "td", "th", "dt", "dd", "pre"}
)
# Containers whose text is listed as one unit when they hold no other block (a <nav> of bare links).
_LEAF_CANDIDATES = ("div", "nav", "header", "footer", "aside", "section", "form")
# Elements that make a <div> a container rather than a leaf block of text.
_CONTAINERS = _BLOCKS | {
    "div",
    "section",
    "article",
    "ul",
    "ol",
    "table",
    "form",
    "aside",
    "nav",
    "header",
    "footer",
}
# Share of the page's paragraph text an element may hold and still be pruned: above it, the element
# is (or wraps) the article, whatever its class says.
MAX_PRUNED_SHARE = 0.5
# Blocks that are dropped when their whole text is one link (see prune_link_blocks).
_LINK_BLOCKS = ("p", "li", "h2", "h3", "h4", "h5", "h6")
LINK_BLOCK_MIN_WORDS = 3
LINK_BLOCK_SHARE = 0.9
MAX_H1 = 1
# The headline's header: an ancestor of the <h1> at most this many levels up, a <header> or classed so.
MAX_HEADER_DEPTH = 4
_HEADER_PARTS = frozenset({"header", "head", "headline", "heading", "hero", "title"})
_SUBHEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
_LANG = re.compile(r"^[A-Za-z]{2,3}(?=$|[-_])")


@dataclass
class HtmlExtraction:
    """What the HTML layer hands to the text rules: body lines, metadata, removals, paywall hints."""

    lines: list[str]
    title: str | None = None
    headlines: list[str] = field(default_factory=list)
    author: str | None = None
    sitename: str | None = None
    url: str | None = None
    language: str | None = None
    published_date: datetime.date | None = None
    paywall_hint: bool = False
    unread_share: float | None = None
    removed: list[Removed] = field(default_factory=list)


def _names(el: _Element) -> Iterator[tuple[str, ...]]:
    for attr in ("class", "id"):
        value = el.get(attr)
        if value:
            for name in value.split():
                yield split_name(name)


def _token_match(
    el: _Element, index: RuleIndex, seen: dict[tuple[str, ...], PruneRule | None]
) -> PruneRule | None:
    """The first rule a class or id name of `el` carries; `seen` keeps each name's answer (a page repeats
    its class names on many elements)."""
    for parts in _names(el):
        if parts not in seen:
            seen[parts] = _rule_for(parts, index)
        if seen[parts] is not None:
            return seen[parts]
    return None


RuleIndex = tuple[tuple[PruneRule, ...], dict[str, list[int]]]  # the rules, their positions by first part


def _rule_index(rules: tuple[PruneRule, ...]) -> RuleIndex:
    by_first: dict[str, list[int]] = {}
    for k, rule in enumerate(rules):
        by_first.setdefault(rule.parts[0], []).append(k)
    return rules, by_first


def _rule_for(parts: tuple[str, ...], index: RuleIndex) -> PruneRule | None:
    """The first rule (in the file's order) whose parts run inside the name's parts."""
    rules, by_first = index
    for k in sorted(k for part in set(parts) for k in by_first.get(part, ())):
        rule, n = rules[k], len(rules[k].parts)
        if any(parts[i : i + n] == rule.parts for i in range(len(parts) - n + 1)):
            return rule
    return None


def _text_of(el: _Element) -> str:
    chunks: list[str] = []
    for node in el.iter():
        if node is not el and isinstance(node.tag, str) and node.tag in _NO_TEXT:
            continue
        if isinstance(node.tag, str) and node.tag not in _NO_TEXT and node.text:
            chunks.append(node.text)
        if node is not el and node.tail:
            chunks.append(node.tail)
    return " ".join(" ".join(normalize_text(" ".join(chunks)).split()).split())


def _block_text(el: _Element) -> str:
    """The text of `el` with one line per block element (paragraph, heading, list item, box), so each
    sentence of a pruned box can be read on its own."""
    parts: list[str] = []

    def walk(node: _Element) -> None:
        block = node.tag in _CONTAINERS or node.tag == "br"
        if block:
            parts.append("\n")
        if node.text and node.tag not in _NO_TEXT:
            parts.append(node.text)
        for child in node:
            if isinstance(child.tag, str):
                walk(child)
            if child.tail:
                parts.append(child.tail)
        if block:
            parts.append("\n")

    walk(el)
    lines = (" ".join(line.split()) for line in normalize_text("".join(parts)).split("\n"))
    return "\n".join(line for line in lines if line)


def _paragraph_owner(tree: _Element) -> tuple[_Element | None, int]:
    """The element with the most direct <p> text (the article's main run of paragraphs) and the total."""
    totals: dict[_Element, int] = {}
    total = 0
    for p in tree.iter("p"):
        n = len((p.text_content() or "").strip())
        parent = p.getparent()
        if parent is not None and n:
            totals[parent] = totals.get(parent, 0) + n
            total += n
    if not totals:
        return None, 0
    return max(totals, key=totals.__getitem__), total


def prune(tree: _Element) -> tuple[list[Removed], list[str]]:
    """Remove elements carrying a prune token, in place; return their texts and the paywall notices among
    them (an element's text counts as a notice when a paywall text rule matches it, whatever its class)."""
    rules = prune_rules()
    owner, total = _paragraph_owner(tree)
    protected: set[_Element] = set()
    if owner is not None:
        protected = {owner, *owner.iterancestors()}
    removed: list[Removed] = []
    notices: list[str] = []
    targets: list[tuple[_Element, PruneRule]] = []
    index, seen = _rule_index(rules), {}
    for el in tree.iter():
        if not isinstance(el.tag, str) or el.tag in _NEVER_PRUNE or el in protected:
            continue
        if any(t is el or t in el.iterancestors() for t, _ in targets[-1:]):
            continue
        rule = _token_match(el, index, seen)
        if rule is not None:
            targets.append((el, rule))
    for el, rule in targets:
        if el.getparent() is None:
            continue
        text = _text_of(el)
        if total and len(text) > MAX_PRUNED_SHARE * total and len(text) > 400:
            logger.debug("not pruning %s (%s): it holds most of the page text", el.tag, rule.token)
            continue
        if text:
            removed.append(Removed(text, f"prune:{rule.token}", rule.kind))
            notices.extend(paywall_notices(_block_text(el)))
        _drop(el)
    return removed, notices


def _drop(el: _Element) -> None:
    """Remove an element but keep its tail text (which belongs to the parent)."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail and tail.strip():
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def _link_share(el: _Element, text_len: int) -> float:
    link_len = sum(len(" ".join((a.text_content() or "").split())) for a in el.iter("a"))
    return link_len / text_len if text_len else 0.0


def prune_link_blocks(tree: _Element) -> list[Removed]:
    """Remove paragraphs, list items and subheadings whose whole text is a link to another page.

    Inline related-story links ("<p><a>OTHER HEADLINE</a></p>") and teaser lists are written so; a body
    sentence that is wholly a link ends with a full stop and stays, as does a link to an anchor on the
    same page (a table of contents).
    """
    removed: list[Removed] = []
    for el in list(tree.iter(*_LINK_BLOCKS)):
        if el.getparent() is None:
            continue
        text = _text_of(el)
        words = len(text.split())
        if words < LINK_BLOCK_MIN_WORDS or text.endswith((".", ".”", '."', "…", ":")):
            continue
        hrefs = [a.get("href") or "" for a in el.iter("a")]
        if not hrefs or all(h.startswith("#") for h in hrefs):
            continue
        if _link_share(el, len(text)) >= LINK_BLOCK_SHARE:
            removed.append(Removed(text, "link_block", "teaser"))
            _drop(el)
    return removed


def prune_standfirst(tree: _Element) -> list[Removed]:
    """Remove the subheadings that sit with the headline in the article header (the standfirst or dek).

    Only headings (h2-h6) after the first <h1>, inside its <header> (or an element classed as a header),
    and only when that header does not also hold the body's paragraphs. SPEC §2 lets a standfirst go.
    """
    h1 = next(tree.iter("h1"), None)
    if h1 is None:
        return []
    owner, _ = _paragraph_owner(tree)
    header = None
    for level, anc in enumerate(h1.iterancestors()):
        if level >= MAX_HEADER_DEPTH or anc.tag in ("body", "article", "main"):
            break
        names = {part for parts in _names(anc) for part in parts}
        if anc.tag == "header" or names & _HEADER_PARTS:
            header = anc
    if header is None or (owner is not None and (owner is header or header in set(owner.iterancestors()))):
        return []
    removed: list[Removed] = []
    after_h1 = False
    for el in list(header.iter()):
        if el is h1:
            after_h1 = True
        elif after_h1 and el.tag in _SUBHEADINGS and el.getparent() is not None:
            text = _text_of(el)
            if text:
                removed.append(Removed(text, "standfirst", "other"))
            _drop(el)
    return removed


def _headlines(tree: _Element) -> list[str]:
    """Every form of the headline the page carries: <h1>s, <title>, og:title and twitter:title."""
    found: list[str] = []
    for h1 in list(tree.iter("h1"))[:MAX_H1]:
        found.append(_text_of(h1))
    for title in tree.iter("title"):
        found.append(_text_of(title))
        break
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").lower()
        if key in ("og:title", "twitter:title", "headline", "dc.title"):
            found.append(meta.get("content") or "")
    return [h for h in (" ".join(normalize_text(x).split()) for x in found) if h]


def _best_title(title: str | None, headlines: list[str]) -> str | None:
    """The visible headline: an <h1> that is the page title (or its headline part), else the title."""
    from .lines import title_keys

    if not title:
        return headlines[0] if headlines else None
    keys = title_keys(title)
    for candidate in headlines:
        if squash(candidate) in keys:
            return candidate
    return title


def _language(tree: _Element) -> str | None:
    candidates = [tree.get("lang"), tree.get("{http://www.w3.org/XML/1998/namespace}lang")]
    for meta in tree.iter("meta"):
        key = (meta.get("http-equiv") or meta.get("property") or meta.get("name") or "").lower()
        if key in ("content-language", "og:locale", "language", "dc.language"):
            candidates.append(meta.get("content"))
    for value in candidates:
        if value:
            m = _LANG.match(value.strip())
            if m:
                return m.group(0).lower()
    return None


def _parse_date(value: str | None) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _dropped_blocks(tree: _Element, kept_text: str) -> list[Removed]:
    """Coarse list of text blocks of the pruned page that the extractor did not keep."""
    kept = squash(kept_text)
    removed: list[Removed] = []
    seen: set[str] = set()
    for el in tree.iter(*_BLOCKS, *_LEAF_CANDIDATES):
        if el.tag in _LEAF_CANDIDATES and any(
            isinstance(d.tag, str) and d.tag in _CONTAINERS for d in el.iterdescendants()
        ):
            continue
        text = _text_of(el)
        key = squash(text)
        if not key or key in seen or key in kept:
            continue
        if any(a.tag in _BLOCKS for a in el.iterancestors()):
            continue
        seen.add(key)
        removed.append(Removed(text, "trafilatura", "extractor"))
    return removed


def extract_html(
    content: str, *, url: str | None = None, max_elements: int = DEFAULT_MAX_TREE_ELEMENTS
) -> HtmlExtraction:
    """Prune, extract and read metadata from one HTML page (a tree of at most `max_elements`)."""
    import trafilatura

    tree = load_tree(content, max_elements=max_elements)
    language = _language(tree)
    headlines = _headlines(tree)
    pruned, notices = prune(tree)
    pruned.extend(prune_link_blocks(tree))
    pruned.extend(prune_standfirst(tree))
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        include_comments=False,
        include_tables=True,
        with_metadata=True,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if document is None or not (document.text or "").strip():
        raise UnparseablePage("no article body found in the HTML")
    text = normalize_text(document.text)
    out = HtmlExtraction(
        lines=text.split("\n"),
        title=_best_title(_clean(document.title), headlines),
        headlines=headlines,
        author=_clean(document.author),
        sitename=_clean(document.sitename),
        url=_clean(document.url) or url,
        language=language,
        published_date=_parse_date(document.date),
        paywall_hint=bool(notices),
        unread_share=next((s for s in map(paywall_unread_share, notices) if s is not None), None),
        removed=pruned,
    )
    out.removed.extend(_dropped_blocks(tree, text))
    return out


def _clean(value: str | None) -> str | None:
    if not value:
        return None
    value = " ".join(normalize_text(value).split())
    return value or None


def parse_fragment(content: str) -> _Element:
    """Parse HTML text into an lxml tree (used by tests and tools)."""
    return lxml_html.fromstring(content)
