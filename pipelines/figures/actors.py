"""Whose people a figure counts, from the parse: an armed group modifying the counted noun ("IS fighters"),
"of X" / "loyal to X", a possessor standing for a group ("its fighters", "the group's men"), the owner of "X
lost/has/fields N", "X, with N fighters", the group whose strength is stated, a group reporting its own
losses, and for counts of fighters the group the sentence is about. Government forces named without their
knowledge-base name ("nine Syrian soldiers", "12 regime soldiers", "four army personnel", "the army lost ...")
are resolved to the entity with the alias "<nationality> <force word>". The agent of a killing or an arrest
is never the counted people's group."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from pipelines.figures.lexicon import Lexicon
from pipelines.figures.view import (
    Token,
    ancestors,
    child,
    eid,
    etype,
    first_mention,
    is_group,
    match_any,
    segment_start,
    subtree,
    word_in,
)

_SUBJECTS = ("nsubj", "nsubjpass")


def actors(
    tokens: Sequence[Token], cands: list, lex: Lexicon, mi: dict[int, Any], mentions: Sequence[Any]
) -> None:
    state = _StateForces(tokens, mentions, lex)
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
        if g := _group(tokens, [j for k in mods for j in subtree(tokens, k)], mi):
            return g, "modifier"
        if word_in(nt, sf["nouns"]):
            for k in mods:
                mt = tokens[k]
                if word_in(mt, sf["cues"]):
                    found = state.resolve(noun)
                    if found:
                        return found, f"state-force:{mt.lemma}"
                if mt.ent == "NORP" or (etype(mi.get(k)) == "location" and mt.is_capitalised):
                    found = state.resolve(noun, nationality=mt.text)
                    if found:
                        return found, "state-force:nationality"
        heads = [noun] + ([r.role] if r.role is not None and r.role != noun else [])
        for k in [x for h in heads for x in tokens[h].children]:  # "members of X", "fighters loyal to X"
            if k < noun or tokens[k].dep not in ("prep", "amod", "acl"):
                continue
            if match_any(tokens, k, lex.phrases["actor_preps"])[0] < 0:
                continue
            if g := _group(tokens, subtree(tokens, k), mi):
                return g, "of-group"
        for k in nt.children:  # "its fighters", "the group's men"
            if tokens[k].dep == "poss" and word_in(tokens[k], lex.words["group_anaphors"]):
                found = _clause_group(tokens, k, lex, mi, state)
                if found:
                    return found[0], "possessive-reference"
    for noun in (r.noun, r.whole):  # "four of his bodyguards": the group of the person "his" stands for
        poss = (
            next((k for k in tokens[noun].children if tokens[k].lower in ("his", "her")), None)
            if noun
            else None
        )
        found = _person_group(tokens, poss, mi) if poss is not None else None
        if found:
            return found, "person's-group"
    role = tokens[r.role] if r.role is not None else None
    dep = role.dep if role is not None else None
    if dep == "pobj" and tokens[role.head].lower in ("around", "about", "over", "nearly", "some"):
        role, dep = (
            tokens[role.head],
            "dobj",
        )  # "is thought to number around 1,500 men": the parse's preposition
    if dep in ("dobj", "nsubjpass", "nsubj"):
        v = role.head
        vt = tokens[v]
        if dep == "dobj" and vt.lemma in lex.words["possession_verbs"]:
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
        if g := _group(tokens, [j for k in tokens[p].children if k > p for j in subtree(tokens, k)], mi):
            return g, f"joined:{tokens[p].lemma}"
    own = _own_losses(tokens, c, lex, mi, state)
    if own:
        return own, "own-loss"
    if c.category == "fighters" and c.part_of is None:
        found = _sentence_group(tokens, c, cands, lex, mi)
        if found:
            return found
    return None


def _group(tokens: Sequence[Token], ks: Sequence[int], mi: dict[int, Any]) -> str | None:
    """The entity id of the first armed-group mention over tokens ks (None when it is unlinked)."""
    return eid(first_mention(tokens, ks, mi, ("armed_group",)))


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
        if tokens[prep].lower == "with" and tokens[gov].pos == "VERB":
            found = _subject_group(tokens, gov, lex, mi, state, c)
            return (found[0], "with-subject" + found[1]) if found else None
        if not word_in(tokens[gov], lex.words["strength_nouns"]) and tokens[prep].lower != "of":
            return None
        k = gov  # "with an estimated strength of N fighters": climb to the strength noun
    return None


def _armed_clause(tokens: Sequence[Token], c: Any, lex: Lexicon, mi: dict[int, Any]) -> bool:
    """An armed group or a military-unit word earlier in the figure's clause ("his unit was down to 40
    men")."""
    for k in range(c.anchor - 1, max(-1, c.anchor - 12), -1):
        t = tokens[k]
        if t.sent != tokens[c.anchor].sent or t.text in (";", ":"):
            return False
        if is_group(mi.get(k)) or word_in(t, lex.words["military_unit_words"]):
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
                    if g := _group(tokens, subtree(tokens, j), mi):
                        return g, "strength"
                    if tokens[j].lemma in lex.words["group_anaphors"] or tokens[j].lower in ("its", "their"):
                        found = _clause_group(tokens, j, lex, mi, state)
                        if found:
                            return found[0], "strength+reference"
    if r.noun is None or r.noun < c.anchor:  # "against 50,000 for the factions of X"
        for j in tokens[r.role].children if r.role is not None else ():
            if tokens[j].dep == "prep" and tokens[j].lower == "for":
                if g := _group(tokens, subtree(tokens, j)[:8], mi):
                    return g, "for-group"
    return None


def _subject_group(
    tokens: Sequence[Token], v: int, lex: Lexicon, mi: dict[int, Any], state: _StateForces, c: Any
) -> tuple[str, str] | None:
    """The armed group that is the subject of verb v: a name, a pronoun or relative pronoun standing for
    one, "the army" or "the regime"."""
    subj = child(tokens, v, _SUBJECTS)
    if subj is None:
        if tokens[v].dep in ("relcl", "acl"):
            return _group_at(tokens, tokens[v].head, mi, lex, state, c)
        if tokens[v].dep in ("conj", "xcomp"):  # "X is thought to have 300 members": the raised subject
            return _subject_group(tokens, tokens[v].head, lex, mi, state, c)
        return None
    st = tokens[subj]
    if st.lower in ("which", "that", "who"):
        return _group_at(tokens, tokens[v].head, mi, lex, state, c) or _antecedent(tokens, subj, mi)
    if st.lower in lex.words["personal_pronouns"] or st.lemma in lex.words["group_anaphors"]:
        found = _clause_group(tokens, subj, lex, mi, state)
        return (found[0], "+reference") if found else None
    return _group_at(tokens, subj, mi, lex, state, c)


def _person_group(tokens: Sequence[Token], k: int, mi: dict[int, Any]) -> str | None:
    """The armed group of the person a "his"/"her" at token k stands for: the nearest subject before it in
    the segment that is a person ("A commander of X was killed and four of his bodyguards"), and a group
    named in that subject's phrase."""
    for j in range(k - 1, segment_start(tokens, k) - 1, -1):
        if tokens[j].dep in _SUBJECTS and tokens[j].pos in ("NOUN", "PROPN"):
            return _group(tokens, subtree(tokens, j), mi)
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
            return (eid(m), "+antecedent") if is_group(m) and eid(m) else None
    return None


def _group_at(
    tokens: Sequence[Token], k: int, mi: dict[int, Any], lex: Lexicon, state: _StateForces, c: Any
) -> tuple[str, str] | None:
    if g := _group(tokens, [j for j in subtree(tokens, k) if tokens[j].dep != "relcl"], mi):
        return g, ""
    if word_in(tokens[k], lex.state_forces["heads"]):
        found = state.resolve(k)
        if found:
            return found, "+state-force"
    return None


def _clause_group(
    tokens: Sequence[Token], k: int, lex: Lexicon, mi: dict[int, Any], state: _StateForces
) -> tuple[str, str] | None:
    """The group a pronoun or "the group" at token k stands for: the nearest group named before it in the
    segment (not a name modifying another noun: "the IS offshoot"), else the first subject group of the
    previous segment in the same paragraph, else the nearest group named before it in the segment."""
    before = range(k - 1, segment_start(tokens, k) - 1, -1)
    for j in before:
        m = mi.get(j)
        if (
            is_group(m)
            and eid(m)
            and not (tokens[j].dep in ("compound", "amod") and mi.get(tokens[j].head) is not m)
        ):
            return eid(m), "nearest"
    prev = _previous_segment(tokens, k)
    groups = _subject_groups(tokens, prev, mi) if prev is not None else []
    if groups:
        return groups[0], "previous-segment"
    j = next((j for j in before if is_group(mi.get(j)) and eid(mi[j])), None)
    return (eid(mi[j]), "nearest") if j is not None else None


def _previous_segment(tokens: Sequence[Token], k: int) -> int | None:
    """The segment before k's in the same paragraph (None at a paragraph's start)."""
    s0 = segment_start(tokens, k)
    return None if s0 == 0 or tokens[s0].newline_before else tokens[s0 - 1].sent


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
        if not is_group(m) or not eid(m):
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
        if is_group(m) and mi.get(t.idx - 1) is not m:
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
    "<nationality> <force word>" (of several, the one whose period began first); the nationality from the
    counted noun's modifier, else the segment, else the lexicon's default."""

    def __init__(self, tokens: Sequence[Token], mentions: Sequence[Any], lex: Lexicon):
        self.tokens, self.lex = tokens, lex
        self.ids = {
            eid(m)
            for m in mentions
            if is_group(m) and eid(m) and _state_name(str(getattr(m, "surface", "")), lex)
        }

    def resolve(self, k: int, nationality: str | None = None) -> str | None:
        sent = self.tokens[k].sent
        nat = nationality or next(
            (t.text for t in self.tokens if t.sent == sent and t.ent == "NORP" and t.is_capitalised), None
        )
        for n in ([nat] if nat else []) + [self.lex.state_forces["default_nationality"]]:
            for template in self.lex.state_forces["aliases"]:
                found = _alias_index().get(template.format(nationality=n).lower())
                if found:
                    first = min(found, key=lambda e: (e.valid_from is not None, e.valid_from or 0)).entity_id
                    self.ids.add(first)
                    return first
            if nationality:
                return None  # "Turkish soldiers" without a Turkish force in the knowledge base: no actor
        return None


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
