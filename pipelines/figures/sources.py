"""Who claims each figure, from the parse: the subject of the nearest reporting predicate governing the count
("the Observatory said 16 were killed", "X reported 25 deaths", "X put the toll at 16"), the object of
"according to" / "citing" in its sentence, the group a quoted spokesman speaks for ("said a spokesman for
X"). Of a claimant named twice ("the state news agency SANA", "SANA, the state agency,") the proper name is
the claimant. A pronoun claimant ("it said") is the last named claimant of the three segments before.
`source_surface` is the claimant's words, `source_entity_id` the linked group, organisation or person."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pipelines.figures.lexicon import Lexicon
from pipelines.figures.view import Token, ancestors, child, eid, first_mention, subtree, word_in

# How a count's clause hangs from a reporting predicate: a complement or object ("said 16 were killed",
# "reported 25 deaths"), a coordinated or loosely attached clause, or a preposition of the predicate ("put
# the toll at 16", "estimated their number at 300"). FP risk: "said in a statement on 12 ..." - a date or
# a duration is no figure, so no claimant is read for it.
_REPORTED = ("ccomp", "xcomp", "dobj", "parataxis", "advcl", "conj", "nsubjpass", "oprd", "attr", "prep")
_CUT = ("relcl", "acl", "punct", "cc", "conj", "advcl", "appos")


def sources(tokens: Sequence[Token], cands: list, lex: Lexicon, mi: dict[int, Any]) -> None:
    last: tuple[int, str | None, str] | None = None
    for c in cands:
        k = c.reading.role if c.reading.role is not None else c.anchor
        head = _claimant(tokens, k, lex, mi)
        if head is None:
            continue
        ks = _claimant_tokens(tokens, head)
        surface = _text(tokens, ks)
        appos = [j for a in tokens[head].children if tokens[a].dep == "appos" for j in subtree(tokens, a)]
        source = _source_entity(tokens, ks + appos, lex, mi)
        if tokens[head].lower in lex.words["personal_pronouns"] and source is None:
            if last is not None and tokens[k].sent - last[0] <= 3:
                _, source, surface = last
        else:
            last = (tokens[k].sent, source, surface)
        c.source_id, c.source_surface = source, surface


def _claimant(tokens: Sequence[Token], k: int, lex: Lexicon, mi: dict[int, Any]) -> int | None:
    """The head of the claimant's phrase: the subject (or agent) of the nearest reporting predicate above
    token k, else the object of an "according to" in its sentence."""
    came = k
    for a in ancestors(tokens, k):
        at = tokens[a]
        if (
            at.lemma in lex.words["reporting_verbs"]
            and at.pos in ("VERB", "AUX")
            and tokens[came].dep in _REPORTED
        ):
            subjects = [j for j in at.children if tokens[j].dep == "nsubj"]
            if not subjects:
                subjects = [
                    j for j in subtree(tokens, child(tokens, a, ("agent",))) if tokens[j].dep == "pobj"
                ][:1]
            subjects = [j for j in subjects if tokens[j].lower not in ("which", "that", "who")]
            if subjects:
                return _named(tokens, subjects, mi)
        came = a
    for t in tokens:
        if t.sent == tokens[k].sent and t.lemma in lex.words["according_cues"]:
            obj = next(
                (j for j in subtree(tokens, t.idx) if tokens[j].dep in ("pobj", "dobj") and j != t.idx), None
            )
            if obj is not None:
                return _named(tokens, [obj], mi)
    return None


def _named(tokens: Sequence[Token], heads: list[int], mi: dict[int, Any]) -> int:
    """Of the claimant's heads (a misparse may give a verb two subjects: "the state news agency SANA") and
    their appositions, the first proper noun, else the first named one; else the first head."""
    named = [j for h in heads for j in [h, *(a for a in tokens[h].children if tokens[a].dep == "appos")]]
    proper = [j for j in named if tokens[j].pos == "PROPN"] + [j for j in named if mi.get(j) is not None]
    return (proper or heads)[0]


def _claimant_tokens(tokens: Sequence[Token], head: int) -> list[int]:
    """The claimant's phrase: its subtree without clauses, coordination and appositions, and cut where it
    stops being one run of words (a comma inside the name phrase is kept)."""
    keep, stack = [], [head]
    while stack:
        j = stack.pop()
        keep.append(j)
        stack.extend(c for c in tokens[j].children if tokens[c].dep not in _CUT)
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
