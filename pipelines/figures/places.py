"""Where a people figure happened, from the parse: a place in a locative phrase of its clause ("killed in
Idlib", "a market in the town of X", "farms east of X"), the place a relative clause is about ("al-Hol, a camp
... that held 10,000 people"), the country that repatriates or the place that owns the people, a reference
back ("inside the camp", "its population"), else a place in a locative phrase of its segment."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pipelines.figures.lexicon import Lexicon
from pipelines.figures.view import (
    QUOTES,
    Token,
    ancestors,
    child,
    etype,
    first_mention,
    kind,
    segment_start,
    subtree,
    word_in,
)

# The dependencies climbed from a figure's predicate to the clause whose locative phrases can place it.
_CLAUSE_UP = tuple("advmod acomp oprd prt advcl xcomp relcl acl pcomp prep pobj dobj nsubj nsubjpass".split())


def places(tokens: Sequence[Token], cands: list, lex: Lexicon, mi: dict[int, Any]) -> None:
    for c in cands:
        if not c.people or c.location is not None:
            continue
        r = c.reading
        if r.noun is not None:  # "Idlib's residents", "Aleppo residents"
            mods = [
                k
                for k in tokens[r.noun].children
                if tokens[k].dep in ("poss", "compound", "nmod") and k < r.noun
            ]
            m = first_mention(tokens, [j for k in mods for j in subtree(tokens, k)], mi, ("location",))
            if m is not None:
                c.location = m
                continue
        origin = c.category in ("displaced", "returned")
        seen: list[int] = []
        for k in (r.noun, r.role, r.predicate):
            if k is not None and k not in seen:
                seen.append(k)
        k = r.predicate if r.predicate is not None else r.role
        while k is not None and tokens[k].dep in _CLAUSE_UP and tokens[k].head != k and len(seen) < 8:
            k = tokens[k].head
            if tokens[k].lemma in lex.words["reporting_verbs"] and tokens[k].pos == "VERB":
                break
            seen.append(k)
        if k is not None and tokens[k].dep == "conj" and tokens[k].head != k:
            seen.append(-tokens[k].head - 1)  # the coordinated head: only its fronted phrases
        for k in seen:
            if k < 0:
                m = _locative(tokens, -k - 1, lex, mi, origin, before=-k - 1)
                if m is not None:
                    c.location = m
                    break
                continue
            m = _locative(tokens, k, lex, mi, origin)
            if m is not None:
                c.location, c.location_after = _appositive_place(tokens, m, mi, lex) or m, True
                break
            if tokens[k].dep == "relcl":  # "al-Hol, a tent camp in X that held 10,000 people"
                m = _antecedent_place(tokens, tokens[k].head, mi, lex)
                if m is not None and c.category == "fighters":
                    break  # "<country>, which keeps 600 troops": their owner, not their place
                if m is not None:
                    c.location = _appositive_place(tokens, m, mi, lex) or m
                    break
        c.location = c.location or (
            _repatriating(tokens, c, lex, mi)
            or _gapped_place(tokens, c, mi)
            or _owner_place(tokens, c, lex, mi)
            or _place_reference(tokens, c, lex, mi)
            or _nearby_place(tokens, c, cands, lex, mi)
        )


def _locative(
    tokens: Sequence[Token],
    k: int,
    lex: Lexicon,
    mi: dict[int, Any],
    origin_ok: bool,
    before: int | None = None,
) -> Any:
    """The location in a locative phrase on token k ("killed in Idlib", "a market in the town of X", "farms
    east of X"): the first one, or a finer one restating a country or region later ("in the north of X, in
    Y"); with `before`, only phrases before that token (a fronted "In X, ..." scoping over a coordination)."""
    first = None
    for c in tokens[k].children:
        p = tokens[c]
        if before is not None and c > before:
            continue
        if p.dep == "advmod" and (
            p.lower in lex.words["directions"] or p.lower in ("back", "home", "away", "out")
        ):
            p = next(
                (tokens[j] for j in p.children if tokens[j].dep == "prep"), p
            )  # "east of X", "back to X"
        if p.dep not in ("prep", "advmod") or p.lower not in lex.words["locative_prepositions"] | {"of"}:
            continue
        if p.lower == "of" and tokens[p.head].lower not in lex.words["directions"]:
            continue
        if p.lower == "from" and not origin_ok:
            continue  # "fighters from Tunisia": where they come from, not where they are
        sub = subtree(tokens, c)
        stops = {
            j
            for j in sub
            if tokens[j].lemma in lex.words["attachment_stops"] and tokens[j].dep in ("acl", "relcl")
        }
        sub = [j for j in sub if not any(j in subtree(tokens, s_) for s_ in stops)]
        m = first_mention(tokens, sub, mi, ("location",))
        if m is not None and first is None:
            first = m
            if kind(m) not in ("country", "region"):
                return m
        elif m is not None and kind(m) not in ("country", "region"):
            return m
    return first


def _antecedent_place(tokens: Sequence[Token], k: int, mi: dict[int, Any], lex: Lexicon) -> Any:
    """The place a noun at token k is or stands in apposition to ("al-Hol, a tent camp ...")."""
    m = mi.get(k)
    if m is not None and etype(m) == "location":
        return m
    if tokens[k].dep == "appos" and tokens[k].lower in lex.place_class_nouns:
        m = mi.get(tokens[k].head)
        if m is not None and etype(m) == "location":
            return m
    return None


def _appositive_place(tokens: Sequence[Token], m: Any, mi: dict[int, Any], lex: Lexicon) -> Any:
    """ "X, a camp in Y": for the place Y, the place X the apposition describes."""
    k = next((t.idx for t in tokens if mi.get(t.idx) is m), None)
    for a in ancestors(tokens, k, 4) if k is not None else ():
        if tokens[a].dep == "appos" and tokens[a].lower in lex.place_class_nouns:
            return _antecedent_place(tokens, a, mi, lex)
    return None


def _repatriating(tokens: Sequence[Token], c: Any, lex: Lexicon, mi: dict[int, Any]) -> Any:
    """ "<country> (has) repatriated / flew home N people": the country the people returned to."""
    p = c.reading.predicate
    if c.category != "returned" or p is None:
        return None
    v = p if tokens[p].pos == "VERB" else tokens[p].head
    subj = child(tokens, v, ("nsubj",))
    if subj is None:
        return None
    m = first_mention(tokens, subtree(tokens, subj), mi, ("location",))
    return m if m is not None and kind(m) in lex.words["repatriating_kinds"] else None


def _owner_place(tokens: Sequence[Token], c: Any, lex: Lexicon, mi: dict[int, Any]) -> Any:
    """ "Tell Sabil had 20,000 inhabitants": a place owning the counted people is where they are (not for
    fighters: "<country>, which keeps 900 troops abroad" owns them)."""
    r = c.reading
    k = r.noun if r.noun is not None else r.role
    if c.category == "fighters" or k is None or tokens[k].dep != "dobj":
        return None
    v = tokens[k].head
    if tokens[v].lemma not in lex.words["possession_verbs"]:
        return None
    subj = child(tokens, v, ("nsubj",))
    m = mi.get(subj) if subj is not None else None
    return m if m is not None and etype(m) == "location" else None


def _gapped_place(tokens: Sequence[Token], c: Any, mi: dict[int, Any]) -> Any:
    """ "France has repatriated 17 children, and Germany four": the place right before a gapped number."""
    if c.reading.noun is not None or c.q is None or c.q.start == 0:
        return None
    m = mi.get(c.q.start - 1)
    return m if m is not None and etype(m) == "location" else None


def _place_reference(tokens: Sequence[Token], c: Any, lex: Lexicon, mi: dict[int, Any]) -> Any:
    """A reference to a place named before, in the figure's clause: "inside the camp", "the town" (a
    class noun not followed by its name), "its population"; resolved to the latest place
    of a fitting kind before it (a class noun reaches two paragraphs back, the others stay in their
    paragraph)."""
    sent = tokens[c.anchor].sent
    lo = segment_start(tokens, c.anchor, (":", ";"))  # before a colon: the source ("gave a toll: 15 killed")
    for t in tokens:
        if t.sent != sent or t.idx < lo or mi.get(t.idx) is not None:
            continue
        kinds, wide = None, False
        if t.lower in lex.place_class_nouns and any(
            tokens[d].lower in ("the", "this", "that") for d in t.children
        ):
            if any(
                tokens[x].dep in ("compound", "appos", "prep") and mi.get(x) is not None for x in t.children
            ):
                continue
            nxt = tokens[t.idx + 1] if t.idx + 1 < len(tokens) else None
            if nxt is not None and (
                mi.get(nxt.idx) is not None or nxt.lower in ("of", "where", "which", "that")
            ):
                continue  # "the camp of X", "the town where ...": named or new
            kinds, wide = lex.place_class_nouns[t.lower], True
        elif word_in(t, lex.words["place_owner_nouns"]) and any(tokens[d].lower == "its" for d in t.children):
            pass
        else:
            continue
        return _latest_place(tokens, t.idx, kinds, wide, mi, lex)
    return None


def _latest_place(
    tokens: Sequence[Token],
    at: int,
    kinds: frozenset[str] | None,
    wide: bool,
    mi: dict[int, Any],
    lex: Lexicon,
) -> Any:
    breaks = 0
    for j in range(at - 1, max(-1, at - 400), -1):
        if tokens[j + 1].newline_before:
            breaks += 1
            if breaks > (2 if wide else 0):
                return None
        m = mi.get(j)
        if m is None or etype(m) != "location" or (kinds is not None and kind(m) not in kinds):
            continue
        if _appositive_place(tokens, m, mi, lex) is not None or not _governed_or_subject(tokens, j, lex):
            continue  # "X, a camp in Y": Y only locates X
        if kinds is None and kind(m) == "country" and not _governed(tokens, j, lex):
            continue
        return m
    return None


def _governed_or_subject(tokens: Sequence[Token], j: int, lex: Lexicon) -> bool:
    return (
        _governed(tokens, j, lex)
        or tokens[j].dep in ("nsubj", "nsubjpass", "appos")
        or tokens[tokens[j].head].dep in ("nsubj", "nsubjpass")
    )


def _nearby_place(tokens: Sequence[Token], c: Any, cands: list, lex: Lexicon, mi: dict[int, Any]) -> Any:
    """A place in a locative phrase of the figure's segment when the parse attached none to its clause:
    after the figure up to the next figure, else before it back to the previous one (a place named before
    two coordinated figures scopes over both)."""
    sent = tokens[c.anchor].sent
    others = sorted(x.anchor for x in cands if x is not c and x.people)
    nxt = next((s for s in others if s > c.anchor), len(tokens))
    prv = max((s for s in others if s < c.anchor), default=-1)
    j = c.end
    while j < len(tokens) and j < nxt and tokens[j].sent == sent and tokens[j].text != ";":
        if tokens[j].lemma in lex.words["according_cues"] or (
            tokens[j].lemma in lex.words["reporting_verbs"] and tokens[j].pos == "VERB"
        ):
            break  # "..., according to a statement from X", "..., officials in X said": the source's place
        m = mi.get(j)
        if m is not None and etype(m) == "location" and _governed(tokens, j, lex, c.category != "fighters"):
            return m
        j += 1
    j = c.start - 1
    before = next((x for x in cands if x.people and x.anchor == prv), None)
    theirs = (
        set(ancestors(tokens, before.reading.predicate)) | {before.reading.predicate}
        if before and before.reading.predicate is not None
        else set()
    )
    while j > prv and j >= 0 and tokens[j].sent == sent:
        if tokens[j].text in QUOTES and j > 0 and tokens[j - 1].text in (".", ",", "!", "?"):
            break  # a place inside a quotation does not locate a figure outside it
        if tokens[j].text == ":":
            break  # "a monitor ... gave a toll: 15 killed": the clause before a colon describes the source
        m = mi.get(j)
        if m is not None and etype(m) == "location" and _governed(tokens, j, lex):
            if theirs and (
                tokens[tokens[j].head].head in theirs
                and tokens[tokens[j].head].head == before.reading.predicate
            ):
                j -= 1
                continue  # "90 returned to X, and 40 remain detained": X is the earlier figure's
            return m
        j -= 1
    return None


def _governed(tokens: Sequence[Token], j: int, lex: Lexicon, origin_ok: bool = True) -> bool:
    """Does a locative preposition govern the mention at token j (within three heads), not a source's seat
    (nor, for fighters, their origin: "most of them from X")?"""
    k = j
    for _ in range(4):
        t = tokens[k]
        if tokens[t.head].lemma in lex.words["attachment_stops"] and tokens[t.head].dep in ("acl", "relcl"):
            return False  # "a truce brokered in X": the place of another noun's clause
        if t.dep == "pobj" and tokens[t.head].lower in lex.words["locative_prepositions"]:
            if tokens[t.head].lower == "from" and not origin_ok:
                return False
            if tokens[tokens[t.head].head].lemma in lex.words["attachment_stops"]:
                return False
            gov = tokens[tokens[t.head].head]
            return gov.lower not in ("based", "headquartered") and not gov.lower.endswith("-based")
        if t.head == k:
            return False
        k = t.head
    return False
