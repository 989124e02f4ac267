"""Who claims each figure, from the parse: the subject of a reporting verb the figure's clause depends on
("the Observatory said 16 were killed", "X reported 25 deaths"), the object of "according to" / "citing"
in its sentence, the group a quoted spokesman speaks for ("said a spokesman for X"); a pronoun claimant
("it said") is the last named claimant of the three segments before. `source_surface` is the claimant's
words, `source_entity_id` the linked group, organisation or person among them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pipelines.figures.lexicon import Lexicon
from pipelines.figures.view import Token, ancestors, eid, first_mention, subtree, word_in

_PRONOUNS = frozenset("it they he she its their his her them we i".split())


def sources(tokens: Sequence[Token], cands: list, lex: Lexicon, mi: dict[int, Any]) -> None:
    """The claimant of each figure: the subject of a reporting verb the figure's clause depends on, the
    object of "according to" / "citing" in its sentence, the group a quoted spokesman speaks for; a
    pronoun claimant ("it said") is the last named claimant of the previous three segments."""
    last: tuple[int, str | None, str] | None = None
    for c in cands:
        k = c.reading.role if c.reading.role is not None else c.anchor
        head = _claimant(tokens, k, lex)
        if head is None:
            continue
        ks = _claimant_tokens(tokens, head)
        surface = _text(tokens, ks)
        source = _source_entity(
            tokens,
            ks + [a for a in tokens[head].children if tokens[a].dep == "appos" for a in subtree(tokens, a)],
            lex,
            mi,
        )
        if tokens[head].lower in _PRONOUNS and source is None:
            if last is not None and tokens[k].sent - last[0] <= 3:
                _, source, surface = last
        else:
            last = (tokens[k].sent, source, surface)
        c.source_id, c.source_surface = source, surface


def _claimant(tokens: Sequence[Token], k: int, lex: Lexicon) -> int | None:
    came = k
    for a in ancestors(tokens, k):
        at = tokens[a]
        if at.lemma in lex.words["reporting_verbs"] and at.pos in ("VERB", "AUX"):
            via = tokens[came].dep
            if via in ("ccomp", "xcomp", "dobj", "parataxis", "advcl", "conj", "nsubjpass", "oprd", "attr"):
                subj = next((j for j in at.children if tokens[j].dep in ("nsubj",)), None)
                if subj is None:
                    agent = next((j for j in at.children if tokens[j].dep == "agent"), None)
                    subj = (
                        next((j for j in tokens[agent].children if tokens[j].dep == "pobj"), None)
                        if agent
                        else None
                    )
                if subj is not None and tokens[subj].lower not in ("which", "that", "who"):
                    return subj
        came = a
    sent = tokens[k].sent
    for t in tokens:
        if t.sent == sent and t.lemma in lex.words["according_cues"]:
            for j in subtree(tokens, t.idx):
                if tokens[j].dep in ("pobj", "dobj") and j != t.idx:
                    return j
    return None


def _claimant_tokens(tokens: Sequence[Token], head: int) -> list[int]:
    """The claimant's phrase: its subtree without relative clauses, and cut at a comma that is not an
    apposition's ("the Observatory, a monitor based in Britain," stays whole only up to the name)."""
    keep, stack = [], [head]
    while stack:
        j = stack.pop()
        keep.append(j)
        stack.extend(
            c
            for c in tokens[j].children
            if tokens[c].dep not in ("relcl", "acl", "punct", "cc", "conj", "advcl")
        )
    keep.sort()
    out = [keep[0]]
    for j in keep[1:]:
        if j != out[-1] + 1 and tokens[out[-1] + 1].text not in (",", "-", "–"):
            break
        out.append(j)
    return out


def _text(tokens: Sequence[Token], ks: Sequence[int]) -> str:
    parts = []
    for j in range(ks[0], ks[-1] + 1):
        if j > ks[0] and tokens[j].space_before:
            parts.append(" ")
        parts.append(tokens[j].text)
    return "".join(parts).strip(" ,")


def _source_entity(
    tokens: Sequence[Token], ks: Sequence[int], lex: Lexicon, mi: dict[int, Any]
) -> str | None:
    """The entity of the claimant: the group or organisation a spokesperson speaks for, else the first
    named group, organisation or person in the phrase."""
    for j in ks:
        if word_in(tokens[j], lex.words["spokesperson_nouns"]):
            for c in tokens[j].children:
                if tokens[c].dep == "prep" and tokens[c].lower in ("for", "of", "from", "with", "at"):
                    m = first_mention(tokens, subtree(tokens, c), mi, ("armed_group", "organisation"))
                    if m is not None and eid(m):
                        return eid(m)
    for types in (("armed_group", "organisation"), ("person",)):
        m = first_mention(tokens, ks, mi, types)
        if m is not None and eid(m):
            return eid(m)
    return None
