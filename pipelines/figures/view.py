"""The figures extractor's view of a document's one spaCy parse: its tokens (whitespace tokens left out) with
offsets, lemma, part of speech, dependency label and head, entity type and segment number, and token-phrase
matching. Nothing here tokenises or splits sentences: tokens and sentences are the parse's; a segment is a
parse sentence, cut again only where the cleaner's layout breaks a line (a headline or a list item is not
the first words of the next paragraph's sentence), and a dependency that crosses such a break is cut too."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

# Thousands may be separated by a space ("7 000 people"): spaCy makes two tokens of them, joined back by the
# quantity reader. NUMBER_RE is one number token: digits with thousands commas, or plain digits, and decimals.
NUMBER_RE = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
QUOTES = frozenset("\"'“”‘’«»")
DASHES = frozenset("–—-")


def number_value(text: str) -> float:
    """The value of a number token: "7,000" and "7000" are 7000.0."""
    return float(text.replace(",", ""))


@dataclass
class Token:
    idx: int  # index in the view
    text: str
    lower: str
    start: int  # character offsets in the text
    end: int
    sent: int  # segment number
    space_before: bool
    newline_before: bool
    lemma: str = ""
    pos: str = ""
    tag: str = ""
    dep: str = ""
    head: int = -1  # view index of the syntactic head (itself for a root)
    ent: str = ""  # spaCy's entity type (CARDINAL, DATE, NORP ...) or ""
    children: list[int] = field(default_factory=list)

    @property
    def is_number(self) -> bool:
        return bool(NUMBER_RE.match(self.text))

    @property
    def is_alpha(self) -> bool:
        return self.text[:1].isalpha()

    @property
    def is_capitalised(self) -> bool:
        return self.text[:1].isupper()


def view(doc: Any) -> list[Token]:
    """The tokens of a parsed Doc, whitespace tokens left out, heads and children as view indices."""
    text = doc.text
    index: dict[int, int] = {}
    out: list[Token] = []
    sent_of: dict[int, int] = {}
    for k, s in enumerate(doc.sents):
        for t in s:
            sent_of[t.i] = k
    segment, prev_end, prev_sent = 0, 0, None
    for t in doc:
        if t.is_space:
            continue
        gap = text[prev_end : t.idx]
        newline = "\n" in gap
        if out and (newline or sent_of.get(t.i) != prev_sent):
            segment += 1
        index[t.i] = len(out)
        out.append(
            Token(
                len(out),
                t.text,
                t.text.lower(),
                t.idx,
                t.idx + len(t.text),
                segment,
                bool(gap),
                newline,
                t.lemma_.lower(),
                t.pos_,
                t.tag_,
                t.dep_,
                -1,
                t.ent_type_,
            )
        )
        prev_end, prev_sent = t.idx + len(t.text), sent_of.get(t.i)
    for t in doc:
        k = index.get(t.i)
        if k is None:
            continue
        head = index.get(t.head.i, k)
        if out[head].sent != out[k].sent:  # no dependency crosses a line break: the token heads its segment
            head, out[k].dep = k, "ROOT"
        out[k].head = head
        if head != k:
            out[head].children.append(k)
    return out


def parse(text: str) -> Any:
    """A Doc of `text` from the project's one pipeline (for direct calls without the stored parse)."""
    from pipelines.nlp import load_nlp

    return load_nlp()(text)


def phrase_tokens(phrase: str) -> tuple[str, ...]:
    """Lower-cased tokens of a lexicon phrase, as the pipeline's tokenizer splits them."""
    from pipelines.nlp import load_nlp

    return tuple(t.lower_ for t in load_nlp().tokenizer(phrase.strip()) if not t.is_space)


def match_phrase(tokens: Sequence[Token], i: int, phrase: tuple[str, ...]) -> int:
    """End index (exclusive) if phrase matches tokens from i within one segment, else -1."""
    if i < 0 or i + len(phrase) > len(tokens):
        return -1
    sent = tokens[i].sent
    for k, word in enumerate(phrase):
        tok = tokens[i + k]
        if tok.lower != word or tok.sent != sent:
            return -1
    return i + len(phrase)


def match_any(tokens: Sequence[Token], i: int, phrases: Sequence[tuple[str, ...]]) -> tuple[int, int]:
    """(end, index of phrase) of the first (longest, if sorted) phrase matching at i, else (-1, -1)."""
    for n, phrase in enumerate(phrases):
        end = match_phrase(tokens, i, phrase)
        if end >= 0:
            return end, n
    return -1, -1


def match_ending_at(tokens: Sequence[Token], end: int, phrases: Sequence[tuple[str, ...]]) -> tuple[int, int]:
    """(start, index of phrase) of a phrase whose last token is tokens[end - 1], else (-1, -1)."""
    for n, phrase in enumerate(phrases):
        start = end - len(phrase)
        if start >= 0 and match_phrase(tokens, start, phrase) == end:
            return start, n
    return -1, -1


def subtree(tokens: Sequence[Token], k: int) -> list[int]:
    """Token k and every token below it, in text order."""
    out, stack = [], [k]
    while stack:
        j = stack.pop()
        out.append(j)
        stack.extend(tokens[j].children)
    return sorted(out)


def ancestors(tokens: Sequence[Token], k: int, limit: int = 12) -> list[int]:
    """The heads above token k, nearest first."""
    out = []
    while tokens[k].head != k and len(out) < limit:
        k = tokens[k].head
        out.append(k)
    return out
