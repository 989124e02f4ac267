"""Result types of the cleaning stage: the cleaned page, each removed span, the unparseable-page error."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

KINDS = (
    "navigation",
    "subscription",
    "newsletter",
    "teaser",
    "promo",
    "comments",
    "photo_credit",
    "media_prompt",
    "repeated",
    "extractor",
    "other",
)


@dataclass
class Removed:
    """One span taken out of the page, with the rule that took it and its SPEC §2 kind."""

    text: str
    rule: str
    kind: str
    # where it stood: the index of the first body line kept after it (None: unknown, e.g. cut inside a line
    # or pruned from the HTML tree); `char_at` is that place as an offset of clean_text, set by clean_page
    body_line: int | None = None
    char_at: int | None = None


@dataclass
class CleanedPage:
    """An article's text (`clean_text`, SPEC §1) with page metadata and every removal for audit.

    `clean_text` opens with the headline as its own paragraph when the page has one (so names, figures
    and dates that only the headline gives are extracted), then the body; the headline occurs there
    once. `title` is the page's title as found (`documents.title`), possibly with a site-name segment
    that the headline paragraph leaves out. `body_start` is the offset of the body in `clean_text`
    (after the headline paragraph and its separator; 0 without one); `body` is the body alone.
    """

    clean_text: str
    title: str | None
    author: str | None
    sitename: str | None
    url: str | None
    language: str | None
    published_date: datetime.date | None
    paywall_truncated: bool
    unread_share: float | None
    removed: list[Removed] = field(default_factory=list)
    body_start: int = 0

    @property
    def headline(self) -> str | None:
        """The headline paragraph that opens `clean_text`, or None."""
        if not self.body_start:
            return None
        return self.clean_text[: self.body_start].rstrip("\n")

    @property
    def body(self) -> str:
        """`clean_text` without its headline paragraph: the article body alone."""
        return self.clean_text[self.body_start :]


class UnparseablePage(ValueError):
    """Raised when no article body can be recovered from a page; the message says why."""
