"""Text-level cleaning shared by HTML and plain-text pages: line rules, boilerplate blocks, repeated lines.

Input is a list of lines (paragraphs); output is the kept lines plus every removal with its rule.
The order of passes is:
1. each line is normalised (SPEC §1) and stripped; empty lines are dropped;
2. `cut` rules take a trailing credit off a line ("... Photo: X"); the rest of the line stays;
3. the first matching line rule classifies the line: strong hits go, weak hits are block candidates;
4. blocks: between two strong hits of a box kind (subscription, newsletter, promo, teaser, comments,
   other) that are close together, the weak or very short lines go too ("Free", "Oil & Gas" in a
   membership box); after the last strong hit, weak or short lines up to the end go too;
4b. teaser runs: after a bare teaser label ("Related stories", "Read more:") the headline-like lines
   that follow go, up to the next paragraph; with `headline_runs`, a run of headline-like lines after
   the body has started goes without a label too (two or more trailing the body, three or more between
   paragraphs), unless it is shaped like a body list (introduced by ":", bulleted, a timeline);
5. lines before the headline that are only short navigation words go;
6. the headline line(s) and exact duplicate lines go; a caption that repeats a longer line goes;
7. the headline paragraph is chosen (`headline_paragraph`): the first copy of the title found among the
   lines (the page's visible form), else the title itself, without a site-name segment. That copy is
   the headline, not a removal; every other copy stays recorded as `repeated_title`. The page layer
   puts the headline first in `clean_text`. A headline never takes a page's only paragraph: when
   nothing else would be left, a copy that reads as a paragraph (a sentence, not a bare headline)
   stays as the body and the page has no headline paragraph.

A plain-text page has a title only when it opens with one (`guess_title`): its first substantial line
is title-like (one sentence at most, at most TITLE_MAX_WORDS words) and a body follows it. A page of
one paragraph, or one opening with a paragraph of several sentences, has no title.
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
# ... and at most this many: news headlines rarely pass 16 words, summary lines that stand as the title
# of a statement reach about 25; a longer first line is the opening paragraph.
TITLE_MAX_WORDS = 25
# A line repeating part of a longer line is dropped only if it has at least this many words.
REPEAT_MIN_WORDS = 8
# A headline-like line (a teaser's headline, a menu label): no sentence-final punctuation, starts with a
# capital or a digit, and at most this many words. News headlines rarely pass 16 words; a caption or a
# body sentence cut short is longer.
HEADLINE_MAX_WORDS = 16
# A label line that introduces teasers ("Related stories", "Read more:") has at most this many words.
LEAD_IN_MAX_WORDS = 6
# At most this many headline-like lines follow one teaser lead-in.
LEAD_IN_MAX_LINES = 12
# Without a lead-in, a run of headline-like lines of at least HEADLINE_RUN_WORDS words each is a teaser
# list when it trails the body (at least TAIL_RUN_LINES of them) or sits between two paragraphs (at
# least MID_RUN_LINES: two lines there may be a subheading and a caption, three rarely are).
HEADLINE_RUN_WORDS = 4
TAIL_RUN_LINES = 2
MID_RUN_LINES = 3
# Share of number tokens above which a line is a table row, not a headline.
HEADLINE_MAX_NUMBER_SHARE = 1 / 3
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

# The headline becomes the first paragraph of clean_text only with at least this many words: a one-word
# title is a site name or a section label ("Home", "News"), rarely a headline.
HEADLINE_PARAGRAPH_MIN_WORDS = 2
# A title segment ("Headline | Segment") is the site's name when its key equals the site name's key, or
# starts it ("Name" of "Name - Tagline") and has at least this many characters.
SITE_KEY_MIN_CHARS = 4

_WORD = re.compile(r"\w+(?:[’'.-]\w+)*")
_SENTENCE_END = re.compile(r"[.!?…][\"”’)]*\s*$")
_TITLE_SEPARATOR = re.compile(r"\s+[|–—:·•»-]\s+|\s+::\s+")
# A sentence ending inside a line: "?", "!" or "…", or a full stop after a lowercase word or a word of
# four or more characters, then a capitalised word. Abbreviations of up to three characters ("No. 1",
# "Inc. CEO", "Dr. X", "U.S. Army") are not sentence ends; risk: a longer one ("Corp. Chief") is.
_INNER_SENTENCE_END = re.compile(r"(?:[!?…]|(?<![\w.])(?:[a-z]{2,}|\w{4,})\.)[\"”’)]*\s+[\"“‘(]?[A-Z]")
# A title never ends as a line that introduces or continues ("Minister X said:", "In the north,").
_TITLE_END_BAD = re.compile(r"[:;,–—-][\"”’')]*\s*$")
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?…])[\"”’)]*\s+(?=[\"“‘(]?[A-Z0-9])")
_HEADLINE_START = re.compile(r"^[\"“‘'(]?[A-Z0-9À-Ý]")
_HEADLINE_END_BAD = re.compile(r"[.!…:;,–—-][\"”’')]*\s*$")
_LIST_MARK = re.compile(r"^\s*(?:[•*▪►▸›»·–—-]|\d{1,2}[.)]\s)")
_LABEL_TRAIL = " :>»|-–—.…"
# The first word of a dated list item (a timeline, a schedule): a month or weekday name.
_CALENDAR_WORD = re.compile(
    r"^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?$",
    re.IGNORECASE,
)
# Separators that split "label – description" list items and schedule rows.
_ITEM_SEPARATORS = (" – ", " — ", " - ", " @ ", " | ", ": ")
_NUMBER = re.compile(r"^\d[\d.,]*$")
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
    # The line that became the headline paragraph: kept, but not among the body lines.
    headline: bool = False

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
    headline: str | None = None


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


def _mark_body_end(lines: list[_Line]) -> None:
    """A line that closes an article ("ENDS", "-30-", "Notes to editors:" of a press release), after at
    least one paragraph of body, takes every line after it along: they are the release's furniture."""
    for i, ln in enumerate(lines):
        if not (ln.strong and ln.rule and ln.rule.ends_body):
            continue
        if not any(_is_paragraph(prev) and prev.gone is None for prev in lines[:i]):
            continue
        for nxt in lines[i + 1 :]:
            if nxt.gone is None:
                nxt.gone = Removed(nxt.text, "after_body_end", ln.rule.kind)
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


def _headline_like(ln: _Line, *, min_words: int = 1, question: bool = True) -> bool:
    """A line shaped like a headline: capitalised, unpunctuated at its end, at most 16 words, not a
    table row. With `question` False a final "?" disqualifies it (a body question is not a teaser)."""
    if not min_words <= ln.words <= HEADLINE_MAX_WORDS:
        return False
    if _HEADLINE_END_BAD.search(ln.text) or not _HEADLINE_START.match(ln.text):
        return False
    if not question and re.search(r"\?[\"”’')]*\s*$", ln.text):
        return False
    tokens = _WORD.findall(ln.text)
    return sum(bool(_NUMBER.match(t)) for t in tokens) <= HEADLINE_MAX_NUMBER_SHARE * len(tokens)


def _mark_lead_in_runs(lines: list[_Line]) -> None:
    """After a teaser label ("Related stories", "More on this", "Read more:"), the headline-like lines
    that follow are the teasers, up to the first line that reads as a paragraph."""
    for i, ln in enumerate(lines):
        if not (ln.strong and ln.rule and ln.rule.kind == "teaser" and ln.words <= LEAD_IN_MAX_WORDS):
            continue
        # Only a bare label leads in: "Related post: Other headline" carries its own teaser.
        m = ln.rule.applies(ln.text, ln.words)
        if m is None or ln.text[m.end() :].strip(_LABEL_TRAIL):
            continue
        taken = 0
        for nxt in lines[i + 1 :]:
            if taken >= LEAD_IN_MAX_LINES:
                break
            if nxt.gone is not None:
                continue
            if not _headline_like(nxt):
                break
            nxt.gone = Removed(nxt.text, "teaser_lead_in_run", "teaser")
            taken += 1


def _list_like(run: list[_Line]) -> bool:
    """A run shaped like a body list rather than teasers (a heading over it allowed): a timeline or a
    schedule (half its lines open with a number or a calendar word), lines sharing their first word, or
    half its lines split by one separator ("June 9 – City", "Name: role")."""
    firsts = [(_WORD.findall(ln.text) or [""])[0] for ln in run]
    half = len(run) / 2
    if sum(bool(_NUMBER.match(w) or _CALENDAR_WORD.match(w)) for w in firsts) >= half:
        return True
    if max(Counter(w.lower() for w in firsts).values()) > half:
        return True
    return any(sum(sep in ln.text for ln in run) >= half for sep in _ITEM_SEPARATORS)


def _is_paragraph(ln: _Line) -> bool:
    return not ln.short and not _headline_like(ln)


def _mark_headline_runs(lines: list[_Line]) -> None:
    """Runs of headline-like lines after the body has started, without a lead-in: a list of teasers
    trailing the article, or one between paragraphs. A run after a line ending in ":" is a list the
    body introduces; bulleted or numbered lines are a list too."""
    live = [ln for ln in lines if ln.gone is None]
    first_paragraph = next((i for i, ln in enumerate(live) if _is_paragraph(ln)), None)
    if first_paragraph is None:
        return

    def member(ln: _Line) -> bool:
        return _headline_like(ln, min_words=HEADLINE_RUN_WORDS, question=False) and not _LIST_MARK.match(
            ln.text
        )

    def in_run(ln: _Line) -> bool:
        # A line ending in ":" introduces what follows; it is never part of a teaser run.
        return (member(ln) or ln.short) and not ln.text.rstrip().endswith(":")

    i = first_paragraph + 1
    while i < len(live):
        if not in_run(live[i]):
            i += 1
            continue
        j = i
        while j < len(live) and in_run(live[j]):
            j += 1
        run = live[i:j]
        before = live[i - 1].text.rstrip()
        heads = sum(member(ln) for ln in run)
        at_tail = j == len(live)
        if (
            not before.endswith(":")
            and not _list_like([ln for ln in run if member(ln)] or run)
            and (
                (at_tail and heads >= TAIL_RUN_LINES)
                or (not at_tail and heads >= MID_RUN_LINES and all(member(ln) for ln in run))
            )
        ):
            for ln in run:
                ln.gone = Removed(ln.text, "teaser_headline_run", "teaser")
        i = j


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


def _is_site_name(segment: str, site_key: str) -> bool:
    """Is this title segment the site's name, or the start of it ("Name" of "Name - Tagline")?"""
    key = squash(segment)
    if not key or not site_key:
        return False
    return key == site_key or (len(key) >= SITE_KEY_MIN_CHARS and site_key.startswith(key))


def _without_site_name(title: str, sitename: str | None) -> str:
    """The title without a leading or trailing segment that names the site ("Headline | Site",
    "Site - Headline", "Site | Tagline: Headline")."""
    if not sitename:
        return title
    site = " ".join(normalize_text(sitename).split())
    site_key = squash(site)
    # The whole site name (which may itself hold separators) at either end, then a separator.
    low, low_site = title.casefold(), site.casefold()
    if low.startswith(low_site):
        m = re.match(r"\s*[|–—:·•»-]+\s*", title[len(site) :])
        if m and title[len(site) + m.end() :].strip():
            return title[len(site) + m.end() :].strip()
    if low.endswith(low_site):
        m = re.search(r"\s*[|–—:·•«-]+\s*$", title[: len(title) - len(site)])
        if m and title[: m.start()].strip():
            return title[: m.start()].strip()
    separators = list(_TITLE_SEPARATOR.finditer(title))
    if separators:
        head, tail = title[: separators[-1].start()], title[separators[-1].end() :]
        if _is_site_name(tail, site_key) and head.strip():
            return head.strip()
        head, tail = title[: separators[0].start()], title[separators[0].end() :]
        if _is_site_name(head, site_key) and tail.strip():
            return tail.strip()
    return title


def headline_paragraph(title: str | None, *, sitename: str | None = None) -> str | None:
    """The form of `title` that opens clean_text, or None when it should not: the title without a
    site-name segment; None when nothing but the site name is left, when it has fewer than
    HEADLINE_PARAGRAPH_MIN_WORDS words, or when a strong boilerplate rule matches it (a navigation or
    subscription line taken for a title). The title itself (`documents.title`) is not changed here."""
    if not title:
        return None
    text = " ".join(normalize_text(title).split())
    text = _without_site_name(text, sitename)
    if sitename and _is_site_name(text, squash(sitename)):
        return None
    words = count_words(text)
    if words < HEADLINE_PARAGRAPH_MIN_WORDS:
        return None
    for rule in text_rules():
        if rule.match == "cut" or rule.strength != "strong":
            continue
        if rule.applies(text, words):
            return None
    return text


def _title_like(ln: _Line) -> bool:
    """A line shaped like a page's title: at most TITLE_MAX_WORDS words, one sentence at most, not a
    line that introduces what follows."""
    return (
        ln.words <= TITLE_MAX_WORDS
        and not _INNER_SENTENCE_END.search(ln.text)
        and not _TITLE_END_BAD.search(ln.text)
    )


def _pick_title(lines: list[_Line]) -> str | None:
    """The title of a plain-text page: its first substantial non-boilerplate line, when that line is
    title-like and a body line follows it; else None (the page opens with its body). A bare headline
    with nothing after it is a title too: the page has no body (pass 7 keeps it as the headline)."""
    live = [ln for ln in lines if ln.gone is None and not ln.strong]
    first = next((i for i, ln in enumerate(live) if ln.words >= TITLE_MIN_WORDS), None)
    if first is None or not _title_like(live[first]):
        return None
    key = squash(live[first].text)
    if not any(squash(ln.text) != key for ln in live[first + 1 :]) and _is_paragraph(live[first]):
        return None
    return live[first].text


def clean_lines(
    raw_lines: list[str],
    *,
    title: str | None = None,
    guess_title: bool = False,
    headlines: Sequence[str] = (),
    headline_runs: bool = False,
    sitename: str | None = None,
) -> LineResult:
    """Apply the text rules to `raw_lines`; see the module docstring for the passes.

    `title` is the known headline (removed from the body lines wherever it recurs). With `guess_title`,
    a missing title is taken from the first substantial non-boilerplate line (plain-text pages), and
    short lines before it are dropped as navigation. `headlines` are other forms of the headline found on
    the page (<h1>, og:title); a line equal to one of them is a repeated headline too.

    `lines` are the body lines only; `headline` is the paragraph that goes before them (pass 7, see
    `headline_paragraph`; `sitename` is stripped from it), None when there is none or when the body
    already holds it verbatim inside a longer line (it would then occur twice).
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
    _mark_body_end(lines)
    _mark_blocks(lines)
    _mark_lead_in_runs(lines)
    if headline_runs:
        _mark_headline_runs(lines)

    guessed = False
    if title:
        title = " ".join(normalize_text(title).split())
    elif guess_title:
        title = _pick_title(lines)
        guessed = title is not None
    if guess_title and title:
        key = squash(title)
        head = next((i for i, ln in enumerate(lines) if squash(ln.text) == key), None)
        if head is not None:
            for ln in lines[:head]:
                if ln.gone is None and ln.short:
                    ln.gone = Removed(ln.text, "header_navigation", "navigation")

    _mark_repeats(lines, [t for t in (title, *headlines) if t])
    headline, kept_as_body = _pick_headline(lines, title, sitename)
    if kept_as_body and guessed:
        # The guessed title was the page's only paragraph: the page has no title.
        title = None

    paywall = False
    unread: float | None = None
    kept = 0
    for ln in lines:
        if ln.gone is None and not ln.headline:
            kept += 1
        if ln.gone is not None:
            ln.gone.body_line = kept
            removed.append(ln.gone)
            if ln.rule is not None and ln.rule.paywall and ln.gone.rule == ln.rule.id:
                paywall = True
                share = paywall_unread_share(ln.text)
                if share is not None and unread is None:
                    unread = share
    body = [ln.text for ln in lines if ln.gone is None and not ln.headline]
    return LineResult(body, removed, paywall, unread, title, headline)


def _pick_headline(lines: list[_Line], title: str | None, sitename: str | None) -> tuple[str | None, bool]:
    """Pass 7: the headline paragraph, and whether the title's line was kept as the body instead.

    The headline's source line, if the title stood as a line, leaves the removals (it is kept, at the
    top); the other copies stay removed as `repeated_title`. When no body line would be left besides
    the title's copies, the first copy stays as the body if it reads as a paragraph (a one-paragraph
    page whose paragraph was taken for its title); a bare headline alone is no body, so it is left
    as the headline and the page has nothing else (the page layer refuses it).
    """
    if not title:
        return None, False
    copies = [ln for ln in lines if ln.gone is not None and ln.gone.rule == "repeated_title"]
    source = copies[0] if copies else None
    if source is not None and not any(ln.gone is None for ln in lines) and _is_paragraph(source):
        logger.debug("the title is the page's only paragraph; keeping it as the body: %r", source.text)
        source.gone = None
        return None, True
    headline = headline_paragraph(source.text if source else title, sitename=sitename)
    if headline is None:
        return None, False
    if any(headline in ln.text for ln in lines if ln.gone is None):
        logger.debug("the body already holds the headline; not repeating it: %r", headline)
        return None, False
    if source is not None and source.text == headline:
        source.gone = None
        source.headline = True
    return headline, False


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
