"""Find the time expressions of a text and resolve each to a calendar interval: `extract_dates` (SPEC §4).

The document's one spaCy parse (pipelines/nlp) gives the tokens and the sentences. Each sentence, cut at
line breaks (a date never spans one), is read by the grammar (grammar.py): at every token the longest
expression wins, and expressions resolve in text order, so "the next year" anchors to the most recent
earlier date. What words alone cannot tell is read off the parse (cues.py): whether a date written without
a year lies ahead ("will resume on Friday"), whether "today" is the news day, whether a number is a year.
Durations ("10 days", "more than four years") and sets ("every Monday") match no expression.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from pipelines.dates import cues
from pipelines.dates import nodes as nd
from pipelines.dates.grammar import Grammar
from pipelines.dates.lexicon import Lexicon, default_lexicon
from pipelines.dates.model import DateMention

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

logger = logging.getLogger(__name__)

_DEICTIC_DAYS = frozenset({"yesterday", "today", "tomorrow", "tonight"})


def parse_text(text: str) -> Doc:
    """`text` parsed with the project's spaCy pipeline, for callers that hold no parse (tests, scripts)."""
    from pipelines.nlp import load_nlp

    return load_nlp()(text)


def sentence_pieces(doc: Doc) -> Iterator[list[Token]]:
    """The tokens of each of the parse's sentences, cut where a line break stands between two tokens."""
    for sent in doc.sents:
        piece: list[Token] = []
        for tok in sent:
            if tok.is_space and "\n" in tok.text:
                if piece:
                    yield piece
                piece = []
            elif not tok.is_space:
                piece.append(tok)
        if piece:
            yield piece


def extract_dates(
    text: str, published: datetime.date | None, lexicon: Lexicon | None = None, doc: Any = None
) -> list[DateMention]:
    """Every time expression in `text` as a DateMention, sorted by start, non-overlapping.

    `doc` is the text's spaCy parse (parsed here when None). Relative expressions resolve against
    `published` (news mode); without it they are returned with `resolved=False`, null dates and anchor
    'unresolved'. "the next year" and the like anchor to the most recent earlier non-deictic date.
    """
    if doc is None:
        doc = parse_text(text)
    if doc.text != text:
        raise ValueError("doc is not a parse of text")
    lex = lexicon or default_lexicon()
    ctx = nd.Ctx(published)
    out: list[DateMention] = []
    for piece in sentence_pieces(doc):
        _extract_piece(doc, text, Grammar(piece, lex, ctx), ctx, lex, out)
    out = _join_named_days(text, out)
    logger.debug("found %d date mentions", len(out))
    return out


def _extract_piece(
    doc: Doc, text: str, grammar: Grammar, ctx: nd.Ctx, lex: Lexicon, out: list[DateMention]
) -> None:
    toks, i = grammar.toks, 0
    while i < grammar.n:
        match = grammar.parse_at(i)
        if match is None:
            i += 1
            continue
        j, node = match
        if isinstance(node, nd.ClockNode) and i == 0 and j == grammar.n:
            i = j  # a clock time alone on its line is a time stamp (a live blog's entry), not a date
            continue
        # "early September", "the end of March": the part of a month follows its month's direction
        cued = node.base if isinstance(node, nd.PartNode) and isinstance(node.base, nd.MonthNode) else node
        if isinstance(cued, nd.DayNode | nd.MonthNode | nd.WeekdayNode):
            cued.future = cues.looks_ahead(doc[toks[i].i : toks[j - 1].i + 1].root, lex)
        start, end = toks[i].idx, toks[j - 1].idx + len(toks[j - 1].text)
        res = nd.resolve_within_calendar(node, ctx)  # None, too, beyond the calendar (years 1..9999)
        if isinstance(node, nd.TextShiftNode):  # a duration: no mention, only the narrative moves on
            if res is not None:
                ctx.text_anchor = res.interval
            i = j
            continue
        surface = text[start:end]  # doc.text would rebuild the whole text from its tokens
        if res is None:
            out.append(
                DateMention(start, end, surface, None, None, _granularity_hint(node), False, "unresolved")
            )
        else:
            iv = res.interval
            out.append(DateMention(start, end, surface, iv.start, iv.end, iv.granularity, True, res.anchor))
            if not node.deictic:
                ctx.text_anchor = res.ref or iv
        i = j


def _join_named_days(text: str, found: list[DateMention]) -> list[DateMention]:
    """ "yesterday, Tuesday," names one day twice: one mention, not two."""
    out: list[DateMention] = []
    for m in found:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.surface.lower() in _DEICTIC_DAYS
            and text[prev.end : m.start] in (", ", " ")
            and m.granularity == "day"
            and (prev.date_start, prev.date_end) == (m.date_start, m.date_end)
        ):
            out[-1] = replace(prev, end=m.end, surface=text[prev.start : m.end])
            continue
        out.append(m)
    return out


# A stand-in publication day, only to read the granularity an unresolved expression would have.
_STAND_IN = nd.Ctx(datetime.date(9000, 6, 15))  # after any period a text names


def _granularity_hint(node: nd.Node) -> str:
    """Granularity of an expression that could not be resolved: the one it has against a stand-in date."""
    res = nd.resolve_within_calendar(node, _STAND_IN)
    return "day" if res is None else res.interval.granularity
