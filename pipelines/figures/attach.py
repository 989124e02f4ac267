"""Attach to each people figure, from the parse, the place it happened (a location in a locative phrase of
its clause), the armed group it is about (a group modifying the counted noun, "of X", a possessor, the owner
of "X lost/has N fighters", the group the sentence is about; government forces named without their name:
"nine Syrian soldiers", "12 regime soldiers", "the army lost ...") and its claimant ("according to X",
"X said", "X reported", "said a spokesman for X")."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from pipelines.figures.category import word_in
from pipelines.figures.lexicon import Lexicon
from pipelines.figures.view import QUOTES, Token, ancestors, match_any, subtree

_CLAUSE_UP = (
    "advmod",
    "acomp",
    "oprd",
    "prt",
    "advcl",
    "xcomp",
    "relcl",
    "acl",
    "pcomp",
    "prep",
    "pobj",
    "dobj",
    "nsubj",
    "nsubjpass",
)
_SUBJECTS = ("nsubj", "nsubjpass")
_PRONOUNS = frozenset("it they he she its their his her them we i".split())


def eid(m: Any) -> str | None:
    value = getattr(m, "entity_id", None)
    return value if isinstance(value, str) else None


def etype(m: Any) -> str | None:
    return getattr(m, "entity_type", None)


def kind(m: Any) -> str | None:
    value = getattr(m, "entity_kind", None)
    return value.lower() if isinstance(value, str) and value else None


def _mention_in(
    tokens: Sequence[Token], ks: Sequence[int], mi: dict[int, Any], types: tuple[str, ...]
) -> Any:
    for k in ks:
        m = mi.get(k)
        if m is not None and etype(m) in types:
            return m
    return None


# --- places ------------------------------------------------------------------------------------------


_DIRECTIONS = frozenset("north south east west northeast northwest southeast southwest".split())


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
        if p.dep == "advmod" and (p.lower in _DIRECTIONS or p.lower in ("back", "home", "away", "out")):
            p = next(
                (tokens[j] for j in p.children if tokens[j].dep == "prep"), p
            )  # "east of X", "back to X"
        if p.dep not in ("prep", "advmod") or p.lower not in lex.words["locative_prepositions"] | {"of"}:
            continue
        if p.lower == "of" and tokens[p.head].lower not in _DIRECTIONS:
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
        m = _mention_in(tokens, sub, mi, ("location",))
        if m is not None and first is None:
            first = m
            if kind(m) not in ("country", "region"):
                return m
        elif m is not None and kind(m) not in ("country", "region"):
            return m
    return first


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
            m = _mention_in(tokens, [j for k in mods for j in subtree(tokens, k)], mi, ("location",))
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
        if c.location is None:
            c.location = (
                _repatriating(tokens, c, lex, mi)
                or _gapped_place(tokens, c, mi)
                or _owner_place(tokens, c, lex, mi)
            )
        if c.location is None:
            c.location = _place_reference(tokens, c, lex, mi)
        if c.location is None:
            c.location = _nearby_place(tokens, c, cands, lex, mi)


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
    subj = next((j for j in tokens[v].children if tokens[j].dep == "nsubj"), None)
    if subj is None:
        return None
    m = _mention_in(tokens, subtree(tokens, subj), mi, ("location",))
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
    subj = next((j for j in tokens[v].children if tokens[j].dep == "nsubj"), None)
    m = mi.get(subj) if subj is not None else None
    return m if m is not None and etype(m) == "location" else None


def _gapped_place(tokens: Sequence[Token], c: Any, mi: dict[int, Any]) -> Any:
    """ "France has repatriated 17 children, and Germany four": the place right before a gapped number."""
    if c.reading.noun is not None or c.q is None or c.q.start == 0:
        return None
    m = mi.get(c.q.start - 1)
    return m if m is not None and etype(m) == "location" else None


def _clause_start(tokens: Sequence[Token], k: int) -> int:
    """The first token of k's segment after its last colon or semicolon before k ("... gave a toll: 15
    killed": what comes before the colon describes the source)."""
    j = k
    while j > 0 and tokens[j - 1].sent == tokens[k].sent and tokens[j - 1].text not in (":", ";"):
        j -= 1
    return j


def _place_reference(tokens: Sequence[Token], c: Any, lex: Lexicon, mi: dict[int, Any]) -> Any:
    """A reference to a place named before, in the figure's clause: "inside the camp", "the town" (a
    class noun not followed by its name), "its population", a locative "there"; resolved to the latest place
    of a fitting kind before it (a class noun reaches two paragraphs back, the others stay in their
    paragraph)."""
    sent = tokens[c.anchor].sent
    lo = _clause_start(tokens, c.anchor)
    for t in tokens:
        if t.sent != sent or t.idx < lo or mi.get(t.idx) is not None:
            continue
        kinds, wide = None, False
        if t.lower == "there" and t.dep == "advmod":
            pass
        elif t.lower in lex.place_class_nouns and any(
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


# --- actors ------------------------------------------------------------------------------------------


def _is_group(m: Any) -> bool:
    return m is not None and etype(m) == "armed_group"


def actors(
    tokens: Sequence[Token], cands: list, lex: Lexicon, mi: dict[int, Any], mentions: Sequence[Any]
) -> None:
    state = _StateForces(tokens, mi, mentions, lex)
    for c in cands:
        if not c.people or c.actor is not None:
            continue
        found = _actor(tokens, c, cands, lex, mi, state)
        if found is not None:
            c.actor, c.actor_rule = found
        if c.reading.default and word_in(tokens[c.reading.noun], lex.words["armed_context_nouns"]):
            if found is not None or _armed_clause(tokens, c, lex, mi):
                c.category, c.rule = "fighters", f"armed-men:{c.rule}"  # "HTS fields 2,000 men"


def _actor(
    tokens: Sequence[Token], c: Any, cands: list, lex: Lexicon, mi: dict[int, Any], state: _StateForces
) -> tuple[str, str] | None:
    r = c.reading
    sf = lex.state_forces
    for noun in (r.noun, r.whole):
        if noun is None:
            continue
        nt = tokens[noun]
        mods = [
            k
            for k in nt.children
            if tokens[k].dep in ("compound", "amod", "poss", "nmod", "nummod") and k < noun
        ]
        if _is_group(mi.get(noun)):  # "US troops" where the name holds the counted noun
            return eid(mi[noun]), "noun-in-name"
        m = _mention_in(tokens, [j for k in mods for j in subtree(tokens, k)], mi, ("armed_group",))
        if m is not None and eid(m):
            return eid(m), "modifier"
        if word_in(nt, sf["nouns"]):
            for k in mods:
                mt = tokens[k]
                if word_in(mt, sf["cues"]):
                    found = state.resolve(noun, mt.lemma)
                    if found:
                        return found, f"state-force:{mt.lemma}"
                if mt.ent == "NORP" or (etype(mi.get(k)) == "location" and mt.is_capitalised):
                    found = state.resolve(noun, None, nationality=mt.text)
                    if found:
                        return found, "state-force:nationality"
        heads = [noun] + ([r.role] if r.role is not None and r.role != noun else [])
        for k in [x for h in heads for x in tokens[h].children]:  # "members of X", "fighters loyal to X"
            if k < noun or tokens[k].dep not in ("prep", "amod", "acl"):
                continue
            if match_any(tokens, k, lex.phrases["actor_preps"])[0] < 0:
                continue
            sub = subtree(tokens, k)
            m = _mention_in(tokens, sub, mi, ("armed_group",))
            if m is not None and eid(m):
                return eid(m), "of-group"
            head = next((j for j in sub if tokens[j].dep == "pobj" and word_in(tokens[j], sf["heads"])), None)
            if head is not None and word_in(nt, sf["nouns"]):
                found = state.resolve(noun, tokens[head].lemma)
                if found:
                    return found, "state-force:of"
        poss = [k for k in nt.children if tokens[k].dep == "poss"]
        for k in poss:  # "whose 3,000 members", "Jolani's fighters"
            if tokens[k].lower == "whose":
                rel = nt.head if tokens[nt.head].dep == "relcl" else None
                while rel is not None and tokens[rel].dep != "relcl" and tokens[rel].head != rel:
                    rel = tokens[rel].head
                found = _group_at(tokens, tokens[rel].head, mi, lex, state, c) if rel is not None else None
                if found:
                    return found[0], "whose"
            m = _mention_in(tokens, subtree(tokens, k), mi, ("person",))
            if m is not None and _leader_group(eid(m)):
                return _leader_group(eid(m)), "leader's"
        for k in poss:  # "its fighters", "the group's men"
            if (
                tokens[k].lower in lex.words["group_anaphors"]
                or tokens[k].lemma in lex.words["group_anaphors"]
            ):
                found = _clause_group(tokens, k, lex, mi, state)
                if found:
                    return found[0], "possessive-reference"
            if word_in(tokens[k], sf["heads"]):
                found = state.resolve(noun, tokens[k].lemma)
                if found:
                    return found, "state-force:possessor"
    if r.pronoun or r.whole is not None:  # "five of its members", "three of their fighters"
        of = (
            next((k for k in tokens[r.role].children if tokens[k].lower == "of"), None)
            if r.role is not None
            else None
        )
        if of is not None:
            for j in subtree(tokens, of):
                if tokens[j].dep == "poss" and tokens[j].lower in lex.words["group_anaphors"]:
                    found = _clause_group(tokens, j, lex, mi, state)
                    if found:
                        return found[0], "possessive-reference"
    for noun in (r.noun, r.whole):  # "four of his bodyguards": the group of the person "his" stands for
        poss = (
            [k for k in tokens[noun].children if tokens[k].lower in ("his", "her")]
            if noun is not None
            else []
        )
        if poss:
            found = _person_group(tokens, poss[0], mi)
            if found:
                return found, "person's-group"
    role = tokens[r.role] if r.role is not None else None
    if role is not None and role.dep in ("dobj", "nsubjpass") or (role is not None and role.dep == "nsubj"):
        v = role.head
        vt = tokens[v]
        if role.dep == "dobj" and vt.lemma in lex.words["possession_verbs"]:
            found = _subject_group(tokens, v, lex, mi, state, c)
            if found:
                return found[0], f"owner:{vt.lemma}" + found[1]
            if any(tokens[k].dep == "nsubj" and tokens[k].pos in ("NOUN", "PROPN") for k in vt.children):
                return None  # "the jihadist camp numbers 15,000 fighters": owned by no group named
    found = _strength(tokens, c, lex, mi, state) or _with_group(tokens, c, lex, mi, state)
    if found:
        return found
    p = (
        r.predicate
        if r.predicate is not None
        else (role.head if role is not None and role.dep == "nsubj" else None)
    )
    if p is not None and tokens[p].lemma in lex.words["join_verbs"]:
        m = _mention_in(
            tokens, [j for k in tokens[p].children if k > p for j in subtree(tokens, k)], mi, ("armed_group",)
        )
        if m is not None and eid(m):
            return eid(m), f"joined:{tokens[p].lemma}"
    own = _own_losses(tokens, c, lex, mi, state)
    if own:
        return own, "own-loss"
    if c.category == "fighters" and c.part_of is None:
        found = _sentence_group(tokens, c, cands, lex, mi)
        if found:
            return found
    return None


def _with_group(
    tokens: Sequence[Token], c: Any, lex: Lexicon, mi: dict[int, Any], state: _StateForces
) -> tuple[str, str] | None:
    """ "<group>, with (an estimated strength of) N fighters", "<group>, estimated at N fighters": the group
    the phrase describes, or the subject of the verb it qualifies."""
    r = c.reading
    k = r.noun if r.noun is not None and r.noun >= c.anchor else r.role
    for _ in range(4):
        if k is None or tokens[k].dep != "pobj":
            return None
        prep = tokens[k].head
        gov = tokens[prep].head
        if tokens[prep].lower in ("with", "at") and _is_group(mi.get(gov)) and eid(mi[gov]):
            return eid(mi[gov]), "with-group"
        if tokens[prep].lower == "at" and tokens[gov].dep == "acl" and _is_group(mi.get(tokens[gov].head)):
            return eid(mi[tokens[gov].head]), "estimated-group"
        if tokens[prep].lower == "with" and tokens[gov].pos == "VERB":
            found = _subject_group(tokens, gov, lex, mi, state, c)
            return (found[0], "with-subject" + found[1]) if found else None
        if not word_in(tokens[gov], lex.words["strength_nouns"]) and tokens[prep].lower != "of":
            return None
        k = gov  # "with an estimated strength of N fighters": climb to the strength noun
    return None


def _leader_group(person_id: str | None) -> str | None:
    """The armed group a person leads (the knowledge base's `parent` of a person)."""
    if person_id is None:
        return None
    from pipelines.entities import load_kb

    kb = load_kb()
    person = kb.get(person_id)
    parent = kb.get(person.parent) if person is not None and person.parent else None
    return parent.entity_id if parent is not None and parent.type == "armed_group" else None


def _armed_clause(tokens: Sequence[Token], c: Any, lex: Lexicon, mi: dict[int, Any]) -> bool:
    """An armed group or a military-unit word earlier in the figure's clause ("his unit was down to 40
    men")."""
    for k in range(c.anchor - 1, max(-1, c.anchor - 12), -1):
        t = tokens[k]
        if t.sent != tokens[c.anchor].sent or t.text in (";", ":"):
            return False
        if _is_group(mi.get(k)) or word_in(t, lex.words["military_unit_words"]):
            return True
    return False


def _strength(
    tokens: Sequence[Token], c: Any, lex: Lexicon, mi: dict[int, Any], state: _StateForces
) -> tuple[str, str] | None:
    """ "put HTS's strength at N men", "the group's numbers at N", "N for the factions of X": the group
    whose size the number states."""
    r = c.reading
    k = r.noun if r.noun is not None and r.noun > c.anchor else r.role
    if k is None:
        return None
    t = tokens[k]
    if (
        t.dep == "pobj"
        and tokens[t.head].lower in ("at", "to", "of", "around")
        and tokens[t.head].dep != "agent"
    ):
        gov = tokens[t.head].head
        nouns = [gov] + [j for j in tokens[gov].children if tokens[j].dep in ("dobj", "nsubj", "nsubjpass")]
        for n in nouns:
            if not word_in(tokens[n], lex.words["strength_nouns"]):
                continue
            for j in tokens[n].children:
                if tokens[j].dep in ("poss", "compound") or (
                    tokens[j].dep == "prep" and tokens[j].lower == "of"
                ):
                    m = _mention_in(tokens, subtree(tokens, j), mi, ("armed_group",))
                    if m is not None and eid(m):
                        return eid(m), "strength"
                    if tokens[j].lemma in lex.words["group_anaphors"] or tokens[j].lower in ("its", "their"):
                        found = _clause_group(tokens, j, lex, mi, state)
                        if found:
                            return found[0], "strength+reference"
    if r.noun is None or r.noun < c.anchor:  # "against 50,000 for the factions of X"
        for j in tokens[r.role].children if r.role is not None else ():
            if tokens[j].dep == "prep" and tokens[j].lower == "for":
                m = _mention_in(tokens, subtree(tokens, j)[:8], mi, ("armed_group",))
                if m is not None and eid(m):
                    return eid(m), "for-group"
    return None


def _subject_group(
    tokens: Sequence[Token], v: int, lex: Lexicon, mi: dict[int, Any], state: _StateForces, c: Any
) -> tuple[str, str] | None:
    """The armed group that is the subject of verb v: a name, a pronoun or relative pronoun standing for
    one, "the army" or "the regime"."""
    subj = next((k for k in tokens[v].children if tokens[k].dep in _SUBJECTS), None)
    if subj is None:
        if tokens[v].dep in ("relcl", "acl"):
            return _group_at(tokens, tokens[v].head, mi, lex, state, c)
        if tokens[v].dep in ("conj", "xcomp"):  # "X is thought to have 300 members": the raised subject
            return _subject_group(tokens, tokens[v].head, lex, mi, state, c)
        return None
    st = tokens[subj]
    if st.lower in ("which", "that", "who"):
        return _group_at(tokens, tokens[v].head, mi, lex, state, c) or _antecedent(tokens, subj, mi)
    if st.lower in _PRONOUNS or st.lemma in lex.words["group_anaphors"]:
        found = _clause_group(tokens, subj, lex, mi, state)
        return (found[0], "+reference") if found else None
    return _group_at(tokens, subj, mi, lex, state, c)


def _person_group(tokens: Sequence[Token], k: int, mi: dict[int, Any]) -> str | None:
    """The armed group of the person a "his"/"her" at token k stands for: the nearest subject before it in
    the segment that is a person ("A commander of X was killed and four of his bodyguards"), and a group
    named in that subject's phrase."""
    for j in range(k - 1, -1, -1):
        if tokens[j].sent != tokens[k].sent:
            return None
        if tokens[j].dep in _SUBJECTS and tokens[j].pos in ("NOUN", "PROPN"):
            m = _mention_in(tokens, subtree(tokens, j), mi, ("armed_group",))
            return eid(m) if m is not None else None
    return None


def _antecedent(tokens: Sequence[Token], k: int, mi: dict[int, Any]) -> tuple[str, str] | None:
    """The name a relative pronoun at token k stands for across an apposition: "<name> (<alias>), a
    <description> ... which": the group right before the apposition's comma."""
    for j in range(k - 1, max(0, k - 20), -1):
        if tokens[j].sent != tokens[k].sent or tokens[j].text in (";", ":"):
            return None
        if tokens[j].text == "," and tokens[j + 1].lower in ("a", "an", "the"):
            e = j - 1
            if e >= 0 and tokens[e].text == ")":
                while e > 0 and tokens[e].text != "(":
                    e -= 1
                e -= 1
            m = mi.get(e) if e >= 0 else None
            return (eid(m), "+antecedent") if _is_group(m) and eid(m) else None
    return None


def _group_at(
    tokens: Sequence[Token], k: int, mi: dict[int, Any], lex: Lexicon, state: _StateForces, c: Any
) -> tuple[str, str] | None:
    if tokens[k].dep == "appos" and _is_group(mi.get(tokens[k].head)):  # "X (alias), a faction ... which"
        return eid(mi[tokens[k].head]), "+apposition"
    m = _mention_in(
        tokens, [j for j in subtree(tokens, k) if tokens[j].dep not in ("relcl",)], mi, ("armed_group",)
    )
    if m is not None and eid(m):
        return eid(m), ""
    if word_in(tokens[k], lex.state_forces["heads"]):
        found = state.resolve(k, tokens[k].lemma)
        if found:
            return found, "+state-force"
    return None


def _clause_group(
    tokens: Sequence[Token], k: int, lex: Lexicon, mi: dict[int, Any], state: _StateForces
) -> tuple[str, str] | None:
    """The group a pronoun or "the group" at token k stands for: the subject group of a clause above it
    ("HTS said it lost ..."), else the nearest subject group earlier in the segment, else the first one of
    the previous segment in the same paragraph."""
    if not _in_subject(tokens, k):  # "locking up dozens of its members": the group named last
        for j in range(k - 1, -1, -1):
            if tokens[j].sent != tokens[k].sent:
                break
            m = mi.get(j)
            if (
                _is_group(m)
                and eid(m)
                and not (tokens[j].dep in ("compound", "amod") and mi.get(tokens[j].head) is not m)
            ):
                return eid(m), "nearest"  # not a name modifying a noun ("the IS offshoot")
    for a in ancestors(tokens, k):
        subj = next((j for j in tokens[a].children if tokens[j].dep in _SUBJECTS and j < k), None)
        if subj is not None and subj != k:
            m = _mention_in(tokens, subtree(tokens, subj), mi, ("armed_group",))
            if m is not None and eid(m):
                return eid(m), "clause"
    groups = _subject_groups(tokens, tokens[k].sent, mi, before=k)
    if groups:
        return groups[-1], "segment"
    prev = _previous_segment(tokens, k)
    if prev is not None:
        groups = _subject_groups(tokens, prev, mi)
        if groups:
            return groups[0], "previous-segment"
    for j in range(k - 1, -1, -1):  # "I served alongside the SDF ..., and they lost": the last group named
        if tokens[j].sent != tokens[k].sent:
            break
        if _is_group(mi.get(j)) and eid(mi[j]):
            return eid(mi[j]), "nearest"
    return None


def _in_subject(tokens: Sequence[Token], k: int) -> bool:
    """Is token k inside a subject noun phrase ("its commander bragged")?"""
    for _ in range(5):
        t = tokens[k]
        if t.dep in _SUBJECTS:
            return True
        if t.dep not in ("poss", "pobj", "prep", "compound", "amod", "det", "nummod") or t.head == k:
            return False
        k = t.head
    return False


def _previous_segment(tokens: Sequence[Token], k: int) -> int | None:
    j = k
    sent = tokens[k].sent
    while j > 0 and tokens[j].sent == sent:
        j -= 1
    if j == 0 and tokens[0].sent == sent:
        return None
    return None if tokens[j + 1].newline_before else tokens[j].sent


def _subject_groups(
    tokens: Sequence[Token],
    sent: int,
    mi: dict[int, Any],
    before: int | None = None,
    skip: set[int] = frozenset(),
) -> list[str]:
    """Armed groups in subject position in segment `sent` (before token `before`, not in `skip`)."""
    out = []
    for t in tokens:
        if t.sent != sent or (before is not None and t.idx >= before) or t.idx in skip:
            continue
        m = mi.get(t.idx)
        if not _is_group(m) or not eid(m):
            continue
        k = t.idx
        while tokens[k].dep in ("compound", "amod", "det", "poss", "flat") and tokens[k].head != k:
            k = tokens[k].head
        if tokens[k].dep in _SUBJECTS or (
            tokens[k].dep == "pobj"
            and tokens[tokens[k].head].lower == "of"
            and tokens[tokens[tokens[k].head].head].dep in _SUBJECTS
        ):
            if eid(m) not in out:
                out.append(eid(m))
    return out


def _own_losses(
    tokens: Sequence[Token], c: Any, lex: Lexicon, mi: dict[int, Any], state: _StateForces
) -> str | None:
    """ "<group> said/reported N soldiers (were) killed": a group reporting its own losses. A state force
    reports soldiers and troops, a non-state group fighters and members."""
    r = c.reading
    if c.category not in ("killed", "wounded", "missing", "detained") or r.noun is None:
        return None
    k = r.predicate if r.predicate is not None else r.noun
    for a in [k, *ancestors(tokens, k, 4)]:
        at = tokens[a]
        if at.lemma in lex.words["reporting_verbs"] and at.pos == "VERB" and a != k:
            p = r.predicate
            if p is not None and r.noun in tokens[p].children and tokens[r.noun].dep == "dobj":
                return None  # "said it killed 30 soldiers": the other side's
            found = _subject_group(tokens, a, lex, mi, state, c)
            if not found:
                return None
            is_state = found[0] in state.ids
            noun = tokens[r.noun]
            if word_in(noun, lex.own_loss["state" if is_state else "nonstate"]):
                return found[0]
            return None
    return None


def _sentence_group(
    tokens: Sequence[Token], c: Any, cands: list, lex: Lexicon, mi: dict[int, Any]
) -> tuple[str, str] | None:
    """For fighters with no group of their own: the subject group before them in the segment, else the
    group of an earlier count of the same noun nearby, else the one group the segment names (not as the
    other side), else - when it names none - the group the previous segment is about."""
    sent = tokens[c.anchor].sent
    hostile = lex.words["hostile_cues"]
    claimants = {
        j
        for t in tokens
        if t.sent == sent and t.lemma in lex.words["reporting_verbs"]
        for s in t.children
        if tokens[s].dep == "nsubj"
        for j in subtree(tokens, s)
    }
    subjects = [
        g
        for g in _subject_groups(tokens, sent, mi, before=c.anchor, skip=claimants)
        if not any(tokens[k].lower in hostile for k in range(_first_token(tokens, g, sent, mi), c.anchor))
        or any(
            tokens[k].lower in ("its", "their") for k in range(_first_token(tokens, g, sent, mi), c.anchor)
        )
    ]
    if subjects:
        return subjects[-1], "sentence-subject"
    if c.reading.noun is not None:
        head = tokens[c.reading.noun].lemma
        for a in reversed(cands[: cands.index(c)]):
            if tokens[a.anchor].sent < sent - 1:
                break
            if a.actor and a.reading.noun is not None and tokens[a.reading.noun].lemma == head:
                return a.actor, "same-noun"
    found: dict[str, None] = {}
    named = False
    for t in tokens:
        if t.sent != sent:
            continue
        m = mi.get(t.idx)
        if _is_group(m) and mi.get(t.idx - 1) is not m:
            named = True
            near = range(max(0, t.idx - 3), t.idx)
            if eid(m) and not any(tokens[k].lower in hostile and tokens[k].sent == sent for k in near):
                found.setdefault(eid(m))
    if len(found) == 1:
        return next(iter(found)), "sentence-group"
    prev = _previous_segment(tokens, c.anchor)
    if not named and prev is not None:
        groups = _subject_groups(tokens, prev, mi)
        if groups:
            return groups[0], "previous-sentence-group"
    return None


def _first_token(tokens: Sequence[Token], gid: str, sent: int, mi: dict[int, Any]) -> int:
    return next((t.idx for t in tokens if t.sent == sent and eid(mi.get(t.idx)) == gid), 0)


class _StateForces:
    """Government forces named without their knowledge-base name, resolved to the entity with the alias
    "<nationality> <force word>"; the nationality from the counted noun's modifier, else the segment, else
    the document, else the lexicon's default."""

    def __init__(self, tokens: Sequence[Token], mi: dict[int, Any], mentions: Sequence[Any], lex: Lexicon):
        self.tokens, self.lex = tokens, lex
        self.linked = {eid(m) for m in mentions if eid(m)}
        self.years = [int(t.text) for t in tokens if t.ent == "DATE" and re.fullmatch(r"(19|20)\d\d", t.text)]
        self.doc_nationality = Counter(t.text for t in tokens if t.ent == "NORP" and t.is_capitalised)
        self.ids = {
            eid(m)
            for m in mentions
            if _is_group(m) and eid(m) and _state_name(str(getattr(m, "surface", "")), lex)
        }

    def resolve(self, k: int, cue: str | None, nationality: str | None = None) -> str | None:
        sent = self.tokens[k].sent
        nat = nationality or next(
            (t.text for t in self.tokens if t.sent == sent and t.ent == "NORP" and t.is_capitalised), None
        )
        nats = [nat] if nat else []
        if not nats and self.doc_nationality:
            nats.append(self.doc_nationality.most_common(1)[0][0])
        nats.append(self.lex.state_forces["default_nationality"])
        templates = list(self.lex.state_forces["aliases"])
        if cue is not None:
            templates.sort(key=lambda a: cue not in a)
        for n in nats:
            for template in templates:
                found = self._pick(_alias_index().get(template.format(nationality=n).lower(), ()))
                if found:
                    self.ids.add(found)
                    return found
            if nationality:
                return None  # "Turkish soldiers" without a Turkish force in the knowledge base: no actor
        return None

    def _pick(self, candidates: Sequence[Any]) -> str | None:
        if not candidates:
            return None
        for e in candidates:
            if e.entity_id in self.linked:
                return e.entity_id  # the linker already chose by the publication date
        if self.years:
            latest = max(self.years)
            for e in candidates:
                if (e.valid_from is None or e.valid_from.year <= latest) and (
                    e.valid_to is None or e.valid_to.year >= latest
                ):
                    return e.entity_id
        return min(candidates, key=lambda e: (e.valid_from is not None, e.valid_from or 0)).entity_id


def _state_name(surface: str, lex: Lexicon) -> bool:
    words = set(surface.lower().replace("-", " ").split())
    return bool(words & (lex.state_forces["heads"] | {"forces", "troops", "armed"}))


@lru_cache(maxsize=1)
def _alias_index() -> dict[str, tuple[Any, ...]]:
    """Armed-group entities of the knowledge base by each lower-cased name."""
    from pipelines.entities import load_kb

    out: dict[str, list[Any]] = {}
    for e in load_kb().entities:
        if e.type != "armed_group":
            continue
        for name, _ in e.names():
            out.setdefault(name.lower(), []).append(e)
    return {k: tuple(v) for k, v in out.items()}


# --- sources -----------------------------------------------------------------------------------------


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
                    m = _mention_in(tokens, subtree(tokens, c), mi, ("armed_group", "organisation"))
                    if m is not None and eid(m):
                        return eid(m)
    for types in (("armed_group", "organisation"), ("person",)):
        m = _mention_in(tokens, ks, mi, types)
        if m is not None and eid(m):
            return eid(m)
    return None
