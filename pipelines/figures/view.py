"""The figures extractor's view of its inputs. Tokens: the document's one spaCy parse (whitespace tokens left
out) with offsets, lemma, part of speech, dependency label and head, entity type and segment number, and
token-phrase matching. Nothing here tokenises or splits sentences: a segment is a parse sentence, cut again
only where the cleaner's layout breaks a line (a headline or a list item is not the first words of the next
paragraph's sentence), and a dependency that crosses such a break is cut too. Mentions: which mention covers
each token, and a mention's entity id, type and knowledge-base kind (attributes a stored mention may lack)."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

# Thousands may be separated by a space ("7 000 people"): spaCy makes two tokens of them, joined back by the
# quantity reader. NUMBER_RE is one number token: digits with thousands commas, or plain digits, and decimals.
NUMBER_RE = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
QUOTES = frozenset("\"'“”‘’«»")


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
    text, index, out = doc.text, {}, []
    sent_of = {t.i: k for k, s in enumerate(doc.sents) for t in s}
    segment, prev_end, prev_sent = 0, 0, None
    for t in doc:
        if t.is_space:
            continue
        gap = text[prev_end : t.idx]
        if out and ("\n" in gap or sent_of.get(t.i) != prev_sent):
            segment += 1
        index[t.i] = len(out)
        end = t.idx + len(t.text)
        out.append(
            Token(
                len(out),
                t.text,
                t.text.lower(),
                t.idx,
                end,
                segment,
                bool(gap),
                "\n" in gap,
                t.lemma_.lower(),
            )
        )
        out[-1].pos, out[-1].tag, out[-1].dep, out[-1].ent = t.pos_, t.tag_, t.dep_, t.ent_type_
        prev_end, prev_sent = end, sent_of.get(t.i)
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
    if i < 0 or i + len(phrase) > len(tokens) or (phrase and tokens[i].lower != phrase[0]):
        return -1
    sent = tokens[i].sent
    if all(tokens[i + k].lower == w and tokens[i + k].sent == sent for k, w in enumerate(phrase)):
        return i + len(phrase)
    return -1


def match_any(tokens: Sequence[Token], i: int, phrases: Sequence[tuple[str, ...]]) -> tuple[int, int]:
    """(end, index of phrase) of the first (longest, if sorted) phrase matching at i, else (-1, -1)."""
    return next(((e, n) for n, p in enumerate(phrases) if (e := match_phrase(tokens, i, p)) >= 0), (-1, -1))


def match_ending_at(tokens: Sequence[Token], end: int, phrases: Sequence[tuple[str, ...]]) -> tuple[int, int]:
    """(start, index of phrase) of a phrase whose last token is tokens[end - 1], else (-1, -1)."""
    for n, phrase in enumerate(phrases):
        start = end - len(phrase)
        if start >= 0 and match_phrase(tokens, start, phrase) == end:
            return start, n
    return -1, -1


def subtree(tokens: Sequence[Token], k: int | None, limit: int | None = None) -> list[int]:
    """Token k and every token below it, in text order (the first `limit` found, when given)."""
    out, stack = [], [] if k is None else [k]
    while stack and (limit is None or len(out) < limit):
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


def child(
    tokens: Sequence[Token], k: int | None, deps: Sequence[str], lower: str | None = None
) -> int | None:
    """The first child of token k with one of the dependency labels (and the word, when given)."""
    if k is None:
        return None
    return next(
        (c for c in tokens[k].children if tokens[c].dep in deps and lower in (None, tokens[c].lower)), None
    )


def word_in(t: Token, words: frozenset[str] | dict[str, str]) -> bool:
    return t.lemma in words or t.lower in words


def word_cat(t: Token, table: dict[str, str]) -> str | None:
    return table.get(t.lemma) or table.get(t.lower)


def segment_start(tokens: Sequence[Token], k: int, stops: Sequence[str] = ()) -> int:
    """The first token of k's segment (after the last of `stops` before k, when given)."""
    while k > 0 and tokens[k - 1].sent == tokens[k].sent and tokens[k - 1].text not in stops:
        k -= 1
    return k


def line_start(tokens: Sequence[Token], k: int) -> int:
    """The first token of k's line."""
    while k > 0 and not tokens[k].newline_before:
        k -= 1
    return k


# --- mentions ---------------------------------------------------------------------------------------------


def mention_index(tokens: Sequence[Token], mentions: Sequence[Any]) -> dict[int, Any]:
    """Token index -> the mention covering it (the first by start)."""
    spans = []
    for m in mentions:
        try:
            s, e = int(m.start), int(m.end)
        except (AttributeError, TypeError, ValueError):
            continue
        if e > s:
            spans.append((s, e, m))
    spans.sort(key=lambda x: (x[0], -x[1]))
    starts = [s for s, _, _ in spans]
    out: dict[int, Any] = {}
    for tok in tokens:
        k = bisect.bisect_right(starts, tok.end) - 1
        while k >= 0 and tok.start - spans[k][0] <= 200:
            s, e, m = spans[k]
            if s < tok.end and tok.start < e:
                out[tok.idx] = m
                break
            k -= 1
    return out


def eid(m: Any) -> str | None:
    value = getattr(m, "entity_id", None)
    return value if isinstance(value, str) else None


def etype(m: Any) -> str | None:
    return getattr(m, "entity_type", None)


def kind(m: Any) -> str | None:
    value = getattr(m, "entity_kind", None)
    return value.lower() if isinstance(value, str) and value else None


def is_group(m: Any) -> bool:
    return m is not None and etype(m) == "armed_group"


def first_mention(
    tokens: Sequence[Token], ks: Sequence[int], mi: dict[int, Any], types: tuple[str, ...]
) -> Any:
    """The mention of one of the entity types over the first of tokens ks that has one."""
    return next((mi[k] for k in ks if mi.get(k) is not None and etype(mi[k]) in types), None)
