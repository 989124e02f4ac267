"""Cleaning stage: a page (HTML or plain text) -> article body `clean_text`, metadata, and every removed
span with the rule that removed it (SPEC §1-2). Rules live in rules.yaml (text) and prune.yaml (HTML)."""

from .model import CleanedPage, Removed, UnparseablePage
from .page import clean_page

__all__ = ["CleanedPage", "Removed", "UnparseablePage", "clean_page"]
