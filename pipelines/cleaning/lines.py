"""Text-level cleaning shared by HTML and plain-text pages: line rules, boilerplate blocks, repeated lines.

Input is a list of lines (paragraphs); output is the kept lines plus every removal with its rule.
The order of passes is:
1. each line is normalised (SPEC §1) and stripped; empty lines are dropped;
2. `cut` rules take a trailing credit off a line ("... Photo: X"); the rest of the line stays;
3. the first matching line rule classifies the line: strong hits go, weak hits are block candidates;
4. blocks: between two strong hits of a box kind (subscription, newsletter, promo, teaser, comments,
   other) that are close together, the weak or very short lines go too ("Free", "Oil & Gas" in a
   membership box); after the last strong hit, weak or short lines up to the end go too;
5. lines before the headline that are only short navigation words go;
6. the headline line(s) and exact duplicate lines go; a caption that repeats a longer line goes.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .model import Removed
from .rules import TextRule, text_rules
from .textnorm import normalize_text, squash

logger = logging.getLogger(__name__)

# Kinds whose strong hits can open and close a boilerplate block (boxes of offers, sign-ups, teasers,
# comment forms, banners). Photo credits, media prompts and navigation lines go alone: they sit between
# body paragraphs, and a block between two of them would eat body text.
BLOCK_KINDS = frozenset({"subscription", "newsletter", "promo", "teaser", "comments", "other"})
# A line of at most this many words with no sentence-final punctuation is "short" (menu item, label).
SHORT_LINE_WORDS = 6
# Two strong hits further apart than this many lines do not form one block; nor do two hits with a
# plain line (neither a hit nor short) between them: that is body text between two boxes.
MAX_BLOCK_GAP_LINES = 30
# Rules marked `where: edges` apply to this many lines at the top and at the bottom of the body.
EDGE_LINES = 3
# A title candidate for plain-text pages: first line with at least this many words.
TITLE_MIN_WORDS = 3
# A line repeating part of a longer line is dropped only if it has at least this many words.
REPEAT_MIN_WORDS = 8
# An exact duplicate line is dropped only if it has at least this many words: short lines (table cells,
# list labels such as "Meal 1") legitimately recur in a body.
DUPLICATE_MIN_WORDS = 5
# A run of at least RUN_MIN_LINES paragraphs of RUN_PARAGRAPH_WORDS words or more, repeated in order, is
# a second copy of the article text.
RUN_MIN_LINES = 3
RUN_PARAGRAPH_WORDS = 12
# More repeated lines than this (and than this share of the lines) means the body repeats by design.
MAX_REPEATS = 4
REPEATS_SHARE = 0.05

_WORD = re.compile(r"\w+(?:[’'.-]\w+)*")
_SENTENCE_END = re.compile(r"[.!?…][\"”’)]*\s*$")
_TITLE_SEPARATOR = re.compile(r"\s+[|–—:·•»-]\s+|\s+::\s+")
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?…])[\"”’)]*\s+(?=[\"“‘(]?[A-Z0-9])")
_UNREAD = re.compile(r"(\d{1,3}(?:[.,]\d+)?)\s?%")


def count_words(text: str) -> int:
    """Number of word tokens in `text`."""
    return len(_WORD.findall(text))


@dataclass
class _Line:
    text: str
    words: int
    rule: TextRule | None = None
    gone: Removed | None = None
    at_edge: bool = False

    @property
    def strong(self) -> bool:
        return self.rule is not None and self.rule.strength == "strong"

    @property
    def weak(self) -> bool:
        return self.rule is not None and self.rule.strength == "weak"

    @property
    def short(self) -> bool:
        return self.words <= SHORT_LINE_WORDS and not _SENTENCE_END.search(self.text)


@dataclass
class LineResult:
    """Kept lines, removals, the paywall flag and unread share, and the title found or confirmed."""

    lines: list[str]
    removed: list[Removed]
    paywall_truncated: bool
    unread_share: float | None
    title: str | None


def _classify(line: _Line, rules: tuple[TextRule, ...], removed: list[Removed]) -> None:
    for rule in rules:
        if rule.match == "cut":
            m = rule.applies(line.text, line.words)
            if m and m.start() > 0:
                cut = line.text[m.start() : m.end()].strip()
                rest = line.text[: m.start()].rstrip()
                if cut and count_words(rest) >= 1:
                    removed.append(Removed(cut, rule.id, rule.kind))
                    line.text = rest
                    line.words = count_words(rest)
            continue
    for rule in rules:
        if rule.match == "cut" or (rule.edges_only and not line.at_edge):
            continue
        if rule.applies(line.text, line.words):
            line.rule = rule
            return


def _mark_blocks(lines: list[_Line]) -> None:
    """Absorb weak/short lines that sit inside or trail a run of strong box-kind hits."""
    anchors = [i for i, ln in enumerate(lines) if ln.strong and ln.rule and ln.rule.kind in BLOCK_KINDS]
    joined: set[int] = set()
    for a, b in zip(anchors, anchors[1:], strict=False):
        gap = lines[a + 1 : b]
        if b - a > MAX_BLOCK_GAP_LINES + 1 or any(not (ln.strong or ln.weak or ln.short) for ln in gap):
            continue
        joined.add(b)
        # Lines already taken by their own rule keep it; the others are block members.
        for ln in gap:
            if ln.gone is None and not ln.strong:
                ln.gone = Removed(ln.text, "boilerplate_block", lines[a].rule.kind)  # type: ignore[union-attr]
    if not anchors:
        return
    last = anchors[-1]
    tail = lines[last + 1 :]
    # After a lone hit only menu-like short lines go; after a box of several hits, weak lines go too.
    if tail and (
        all(ln.strong or ln.short for ln in tail)
        or (last in joined and all(ln.strong or ln.weak or ln.short for ln in tail))
    ):
        for ln in tail:
            if ln.gone is None and not ln.strong:
                ln.gone = Removed(ln.text, "boilerplate_tail", lines[last].rule.kind)  # type: ignore[union-attr]


def title_keys(title: str) -> set[str]:
    """Comparison keys of a headline: the whole title and, for "Headline | Site" or "Site | Headline"
    forms, the title without its last or first segment."""
    keys = {squash(title)}
    separators = list(_TITLE_SEPARATOR.finditer(title))
    if separators:
        for part in (title[: separators[-1].start()], title[separators[0].end() :]):
            if count_words(part) >= TITLE_MIN_WORDS:
                keys.add(squash(part))
    return {k for k in keys if k}


def _mark_repeated_runs(live: list[_Line]) -> None:
    """Drop a later copy of a run of paragraphs that the page already gave in the same order.

    Pages that carry their article twice (a print or app copy, a teaser of the whole text) repeat whole
    runs of long paragraphs; a table or an interview repeats single short lines, which this leaves alone.
    """
    keys = [squash(ln.text) if ln.words >= RUN_PARAGRAPH_WORDS else "" for ln in live]
    seen_at: dict[str, list[int]] = {}
    i = 0
    while i < len(live):
        best = 0
        for j in seen_at.get(keys[i], []) if keys[i] else []:
            n = 0
            while i + n < len(live) and j + n < i and keys[i + n] and keys[i + n] == keys[j + n]:
                n += 1
            best = max(best, n)
        if best >= RUN_MIN_LINES:
            for ln in live[i : i + best]:
                ln.gone = Removed(ln.text, "repeated_block", "repeated")
            i += best
            continue
        if keys[i]:
            seen_at.setdefault(keys[i], []).append(i)
        i += 1


def _mark_repeats(lines: list[_Line], titles: list[str]) -> None:
    """Drop headline lines, exact duplicate lines, and lines repeating part of a longer line.

    Pages whose body repeats many lines (tables, recipes, schedules) keep their duplicates: there a
    recurring line is structure, not a repeated caption.
    """
    keys_of_title = set().union(*(title_keys(t) for t in titles)) if titles else set()
    _mark_repeated_runs([ln for ln in lines if ln.gone is None])
    live = [ln for ln in lines if ln.gone is None]
    for ln in live:
        if squash(ln.text) in keys_of_title:
            ln.gone = Removed(ln.text, "repeated_title", "repeated")
    live = [ln for ln in live if ln.gone is None]
    keys = [squash(ln.text) for ln in live]
    counts = Counter(keys)
    seen: set[str] = set()
    duplicates: list[_Line] = []
    for ln, key in zip(live, keys, strict=True):
        # A line seen exactly twice is a repeated caption or paragraph; one recurring three times or more
        # is the page's structure (an interview's recurring question, a table row).
        if key and key in seen and counts[key] == 2 and ln.words >= DUPLICATE_MIN_WORDS:
            duplicates.append(ln)
        seen.add(key)
    partial = [
        ln
        for i, ln in enumerate(live)
        if ln.words >= REPEAT_MIN_WORDS
        and keys[i]
        and keys[i] not in keys[:i]
        and any(len(k) > len(keys[i]) and keys[i] in k for k in keys)
    ]
    repeats = sum(n - 1 for n in counts.values() if n > 1) + len(partial)
    if repeats > max(MAX_REPEATS, REPEATS_SHARE * len(live)):
        logger.debug("keeping repeated lines: the page repeats lines by structure")
        return
    for ln in duplicates:
        ln.gone = Removed(ln.text, "repeated_line", "repeated")
    for ln in partial:
        ln.gone = Removed(ln.text, "repeated_sentence", "repeated")


def _pick_title(lines: list[_Line]) -> str | None:
    for ln in lines:
        if ln.gone is None and not ln.strong and ln.words >= TITLE_MIN_WORDS:
            return ln.text
    return None


def clean_lines(
    raw_lines: list[str],
    *,
    title: str | None = None,
    guess_title: bool = False,
    headlines: Sequence[str] = (),
) -> LineResult:
    """Apply the text rules to `raw_lines`; see the module docstring for the passes.

    `title` is the known headline (removed from the body wherever it recurs). With `guess_title`, a
    missing title is taken from the first substantial non-boilerplate line (plain-text pages), and short
    lines before it are dropped as navigation. `headlines` are other forms of the headline found on the
    page (<h1>, og:title); a line equal to one of them is a repeated headline too.
    """
    rules = text_rules()
    removed: list[Removed] = []
    lines: list[_Line] = []
    for raw in raw_lines:
        text = normalize_text(raw).strip()
        if text:
            lines.append(_Line(text, count_words(text)))
    for i, ln in enumerate(lines):
        ln.at_edge = i < EDGE_LINES or i >= len(lines) - EDGE_LINES
        _classify(ln, rules, removed)
        if ln.strong:
            ln.gone = Removed(ln.text, ln.rule.id, ln.rule.kind)  # type: ignore[union-attr]
    _mark_blocks(lines)

    if title:
        title = " ".join(normalize_text(title).split())
    elif guess_title:
        title = _pick_title(lines)
    if guess_title and title:
        key = squash(title)
        head = next((i for i, ln in enumerate(lines) if squash(ln.text) == key), None)
        if head is not None:
            for ln in lines[:head]:
                if ln.gone is None and ln.short:
                    ln.gone = Removed(ln.text, "header_navigation", "navigation")

    _mark_repeats(lines, [t for t in (title, *headlines) if t])

    paywall = False
    unread: float | None = None
    for ln in lines:
        if ln.gone is not None:
            removed.append(ln.gone)
            if ln.rule is not None and ln.rule.paywall and ln.gone.rule == ln.rule.id:
                paywall = True
                share = paywall_unread_share(ln.text)
                if share is not None and unread is None:
                    unread = share
    return LineResult([ln.text for ln in lines if ln.gone is None], removed, paywall, unread, title)


def paywall_unread_share(text: str) -> float | None:
    """The unread share (0..1) a paywall notice states ("You have 40% of this story left to read")."""
    m = _UNREAD.search(text)
    if not m:
        return None
    value = float(m.group(1).replace(",", ".")) / 100
    return round(value, 6) if 0 < value <= 1 else None


def paywall_notices(text: str) -> list[str]:
    """The lines of `text` that a paywall rule matches (used on pruned HTML elements)."""
    found = []
    for raw in normalize_text(text).split("\n"):
        line = raw.strip()
        # A box flattened into one line is read sentence by sentence first (so the notice found is the
        # sentence that states it, with its own share), then whole.
        for part in dict.fromkeys([*_SENTENCE_SPLIT.split(line), line]):
            part = part.strip()
            n = count_words(part)
            if part and any(r.paywall and r.applies(part, n) for r in text_rules()):
                found.append(part)
                break
    return found
