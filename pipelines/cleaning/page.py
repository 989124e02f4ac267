"""`clean_page`: one fetched page (HTML or plain text) -> article text, metadata and audited removals.

`clean_text` is the headline paragraph (when the page has a usable headline, see
`lines.headline_paragraph`), PARAGRAPH_SEPARATOR, then the body paragraphs. The headline occurs in it
once: other copies of it stay removed as `repeated_title`.
"""

from __future__ import annotations

import logging
from typing import Literal

from .dateline import dateline
from .limits import DEFAULT_MAX_TREE_ELEMENTS, max_clean_seconds, page_time_limit
from .lines import clean_lines, count_words
from .model import CleanedPage, UnparseablePage
from .textnorm import normalize_text

logger = logging.getLogger(__name__)

# Paragraphs of clean_text are separated by one blank line.
PARAGRAPH_SEPARATOR = "\n\n"


def clean_page(
    content: str,
    *,
    kind: Literal["html", "text"],
    url: str | None = None,
    title_hint: str | None = None,
    max_seconds: float | None = None,
    max_tree_elements: int = DEFAULT_MAX_TREE_ELEMENTS,
) -> CleanedPage:
    """Clean one page. Raises UnparseablePage (with the reason) when no article body is left, and its
    subclasses `PageTooSlow` past `max_seconds` (default: `limits.max_clean_seconds()`, 0 = no cap) and
    `TreeTooLarge` for an HTML tree of more than `max_tree_elements` elements."""
    if kind not in ("html", "text"):
        raise ValueError(f"kind must be 'html' or 'text', not {kind!r}")
    if not content or not content.strip():
        raise UnparseablePage("the page is empty")
    seconds = max_clean_seconds() if max_seconds is None else max_seconds
    with page_time_limit(seconds):
        return _clean(content, kind=kind, url=url, title_hint=title_hint, max_tree_elements=max_tree_elements)


def _clean(
    content: str,
    *,
    kind: Literal["html", "text"],
    url: str | None,
    title_hint: str | None,
    max_tree_elements: int,
) -> CleanedPage:
    if kind == "html":
        from .html import extract_html

        page = extract_html(content, url=url, max_elements=max_tree_elements)
        result = clean_lines(
            page.lines,
            title=title_hint or page.title,
            headlines=page.headlines,
            headline_runs=True,
            sitename=page.sitename,
        )
        removed = page.removed + result.removed
        cleaned = CleanedPage(
            clean_text=_compose(result.headline, result.lines),
            title=result.title,
            author=page.author,
            sitename=page.sitename,
            url=page.url,
            language=page.language,
            published_date=page.published_date,
            paywall_truncated=result.paywall_truncated or page.paywall_hint,
            unread_share=result.unread_share if result.unread_share is not None else page.unread_share,
            removed=removed,
            body_start=_body_start(result.headline, result.lines),
        )
    else:
        text_lines = normalize_text(content).split("\n")
        result = clean_lines(text_lines, title=title_hint, guess_title=True, headline_runs=True)
        cleaned = CleanedPage(
            clean_text=_compose(result.headline, result.lines),
            title=result.title,
            author=None,
            sitename=None,
            url=url,
            language=None,
            published_date=dateline(text_lines),
            paywall_truncated=result.paywall_truncated,
            unread_share=result.unread_share,
            removed=result.removed,
            body_start=_body_start(result.headline, result.lines),
        )
    if not cleaned.body.strip():
        raise UnparseablePage("nothing is left of the page after removing boilerplate")
    _place_removals(cleaned.removed, result.lines, cleaned.body_start)
    if not count_words(cleaned.body):
        raise UnparseablePage("no word is left of the page, only marks, symbols or control characters")
    return cleaned


def _place_removals(removed: list, body: list[str], body_start: int) -> None:
    """Set each removed line's `char_at`: the offset of clean_text where it was cut out (the start of the
    first body paragraph kept after it, or the end of the text)."""
    starts = [body_start]
    for line in body:
        starts.append(starts[-1] + len(line) + len(PARAGRAPH_SEPARATOR))
    end = starts[-1] - len(PARAGRAPH_SEPARATOR) if body else body_start
    for r in removed:
        if r.body_line is not None:
            r.char_at = starts[r.body_line] if r.body_line < len(body) else end


def _compose(headline: str | None, body: list[str]) -> str:
    """The headline paragraph (if any) then the body paragraphs, one separator between each."""
    return PARAGRAPH_SEPARATOR.join([headline, *body] if headline and body else body)


def _body_start(headline: str | None, body: list[str]) -> int:
    return len(headline) + len(PARAGRAPH_SEPARATOR) if headline and body else 0
