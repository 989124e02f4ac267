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


@dataclass
class CleanedPage:
    """An article body (`clean_text`, SPEC §1) with page metadata and every removal for audit."""

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


class UnparseablePage(ValueError):
    """Raised when no article body can be recovered from a page; the message says why."""
