"""What a quantity counts, read from the parse: the counted noun (the word the number modifies, or the object
of "of" after "hundreds of" or a partitive "five of the fighters") and the predicate said of those people
(the verb whose object or passive subject they are, the verb they are the subject of, a state word after
"are", "remain", "left", the event noun they are "of"), looked up in the lemma lexicons of lexicon.yaml.

`read` returns a Reading: the category (None: the number has no category of its own and may continue an
earlier figure's), the rule that decided it (for the figures.rule column) and the tokens later stages use."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pipelines.figures.lexicon import Lexicon
from pipelines.figures.quantity import Quantity
from pipelines.figures.view import Token, child, match_any, subtree, word_cat, word_in

# Dependency labels by what they make of a word (spaCy's English labels).
_SUBJECT = ("nsubj", "csubj", "expl")
_PASSIVE_SUBJECT = ("nsubjpass", "csubjpass")
_OBJECT = ("dobj", "obj", "oprd", "dative")
_COMPLEMENT = ("acomp", "oprd", "attr", "xcomp", "ccomp", "advmod", "prt", "dobj")
_NOUN_POS = ("NOUN", "PROPN", "ADJ")
Found = tuple[str, str, int, bool]  # (category, rule, predicate token, strong)


@dataclass
class Reading:
    category: str | None  # a category, "other", or None: none of its own
    rule: str
    noun: int | None = None  # the counted noun
    role: int | None = None  # the token whose dependency carries the predicate (the noun or the number)
    predicate: int | None = None  # the word that decided the category, when a predicate or modifier did
    strong: bool = False  # decided by a predicate or a modifier, not by the noun alone
    own: bool = False  # the noun itself names a category (fighters, refugees ...)
    default: bool = False  # generic people without any cue: `population` for want of a better reading
    whole: int | None = None  # the noun of the whole in a partitive ("six of the 20 staffers": staffers)
    pronoun: bool = False  # "25 of them"
    unit: str | None = None
    generic: bool = False
    case: bool = False  # "60 cases" without a topic: the report's topic
    far: bool = False  # the predicate stands after a later figure of the segment (weak for a part)


def topic(t: Token, lex: Lexicon) -> str | None:
    """The category a topic word names: an event noun ("arrests", "displacement"), a people noun of an
    event ("fatalities", "returnees") or a state ("killed", "missing"); never fighters or population."""
    for table in ("event_nouns", "nouns", "states", "modifiers"):
        cat = word_cat(t, lex.categories[table])
        if cat is not None and cat not in ("fighters", "population"):
            return cat
    return None


def _people(t: Token, lex: Lexicon) -> bool:
    return word_in(t, lex.categories["nouns"]) or word_in(t, lex.words["generic_nouns"])


def _prefixed(found: Found | None, prefix: str) -> Found | None:
    return (found[0], prefix + found[1], found[2], found[3]) if found else None


def anchor(tokens: Sequence[Token], q: Quantity) -> int:
    """The quantity's token that attaches to the rest of the sentence (its head lies outside the quantity),
    preferring number tokens; the last token when every head is inside."""
    outs = [k for k in range(q.start, q.end) if not q.start <= tokens[k].head < q.end or tokens[k].head == k]
    numbers = [k for k in outs if tokens[k].pos in ("NUM", "NOUN") or tokens[k].is_number]
    return (numbers or outs or [q.end - 1])[0]


def counted_noun(
    tokens: Sequence[Token], q: Quantity, a: int, lex: Lexicon
) -> tuple[int | None, int | None, bool]:
    """(noun, partitive whole, pronoun partitive) for the quantity anchored at token a."""
    t, partitive, pronouns = tokens[a], lex.words["partitive_determiners"], lex.words["pronoun_wholes"]
    if tokens[q.end - 1].lower == "of":  # "hundreds of civilians": the object of the quantity's "of"
        obj = child(tokens, q.end - 1, ("pobj",))
        if obj is not None and tokens[obj].lower in pronouns:
            return None, obj, True  # "several of them"
        if obj is not None and tokens[obj].pos in _NOUN_POS:
            return obj, None, False
    of = child(tokens, a, ("prep",), "of")  # "five of the fighters", "25 of them", "six of the 20 staffers"
    obj = child(tokens, of, ("pobj",)) if of is not None and of >= q.end else None
    if obj is not None:
        det = [c for c in tokens[obj].children if tokens[c].dep in ("det", "poss") and c < obj]
        if det and tokens[det[0]].lower in partitive and tokens[obj].pos in _NOUN_POS:
            return obj, obj, False
    k = q.end  # "flew home 40 of its citizens": a partitive the parse attached elsewhere
    if (
        k + 2 < len(tokens)
        and tokens[k].lower == "of"
        and tokens[k + 1].lower in partitive
        and tokens[k].sent == t.sent
    ):
        if tokens[k + 1].lower in pronouns and tokens[k + 1].pos == "PRON":
            return None, k + 1, True
        j = k + 2
        while (
            j < min(len(tokens), k + 5)
            and tokens[j].pos in ("ADJ", "NUM", "VERB")
            and tokens[j].dep in ("amod", "nummod", "compound")
        ):
            j += 1
        if j < len(tokens) and tokens[j].pos in ("NOUN", "PROPN"):
            return j, j, False
    if t.dep in ("nummod", "quantmod", "amod", "compound", "nmod", "det", "npadvmod") and t.head != a:
        h = t.head
        if (
            tokens[h].pos in _NOUN_POS
            and h >= a
            and not any(
                x.pos in ("ADV", "SCONJ", "ADP", "VERB", "AUX")
                and x.dep not in ("amod", "compound")
                or x.text in (",", "(", ")", ";", ":")
                for x in tokens[q.end : h]
            )
        ):
            return h, None, False
    return None, None, False


def _states(tokens: Sequence[Token], v: int, lex: Lexicon) -> tuple[str, int] | None:
    """A state word completing verb v ("are missing", "presumed dead", "taken prisoner", "in custody")."""
    states = lex.categories["states"]
    for c in tokens[v].children:
        ct = tokens[c]
        if ct.dep in _COMPLEMENT and ct.lower in states:
            if states[ct.lower] == "returned" and tokens[v].lemma not in lex.words["movement_verbs"] | {
                "return"
            }:
                continue
            return states[ct.lower], c
        obj = child(tokens, c, ("pobj",)) if ct.dep == "prep" else None
        if (
            obj is not None
            and ct.lower in ("in", "behind", "into", "under")
            and states.get(tokens[obj].lower) == "detained"
        ):
            return "detained", obj
    return None


def verb_category(tokens: Sequence[Token], v: int, role: str, lex: Lexicon, depth: int = 0) -> Found | None:
    """(category, rule, predicate token, strong) that verb v says of its `role` argument (patient|subject)."""
    t = tokens[v]
    for strength in ("strong", "weak"):
        cat = lex.predicates[(strength, role)].get(t.lemma)
        if cat is not None and _licensed(tokens, v, lex):
            if cat == "wounded" and _fatal(tokens, v, lex):
                return "killed", f"{role}:{t.lemma}+fatal", v, True
            return cat, f"{role}:{t.lemma}", v, strength == "strong"
    state = _states(tokens, v, lex)
    if state is not None:
        return state[0], f"state:{tokens[state[1]].lower}", state[1], True
    wound = _wounds(tokens, v, role, lex)
    if wound is not None:
        return "wounded", f"{role}:{t.lemma}+{tokens[wound].lemma}", wound, True
    if t.lower in lex.categories["states"] and child(tokens, v, ("aux", "auxpass")) is not None:
        return lex.categories["states"][t.lower], f"state:{t.lower}", v, True  # "300 are missing"
    if depth < 3 and (t.lemma in lex.words["raising_verbs"] or t.lemma == "be"):
        for c in t.children:
            if tokens[c].dep in ("xcomp", "ccomp", "oprd", "acomp") and tokens[c].pos in (
                "VERB",
                "AUX",
                "ADJ",
            ):
                inner = verb_category(
                    tokens, c, "patient" if _passive(tokens, c) else "subject", lex, depth + 1
                )
                if inner is not None:
                    return inner
    return None


def _wounds(tokens: Sequence[Token], v: int, role: str, lex: Lexicon) -> int | None:
    """The wound noun verb v gives its people: what they suffered ("three people sustained injuries", "a man
    suffered a gunshot wound") or what they were with ("taken to hospital with gunshot wounds")."""
    wounds = lex.categories["event_nouns"]
    # the verb's own phrases, and a "with" the parse hangs on its place ("taken to [hospital with wounds]")
    places = [child(tokens, c, ("pobj",)) for c in tokens[v].children if tokens[c].dep == "prep"]
    for c in [*tokens[v].children, *(k for p in places if p is not None for k in tokens[p].children)]:
        ct = tokens[c]
        noun = c if role == "subject" and ct.dep == "dobj" and ct.head == v else None
        if ct.dep == "prep" and ct.lower == "with":
            noun = child(tokens, c, ("pobj",))
        if noun is not None and word_cat(tokens[noun], wounds) == "wounded":
            return noun
    return None


def _fatal(tokens: Sequence[Token], v: int, lex: Lexicon) -> bool:
    """Wounding verb v killed: "fatally shot", "shot dead", "stabbed to death", "shot and killed", "was shot
    and died"."""
    for c in tokens[v].children:
        ct = tokens[c]
        if ct.lower in lex.words["fatal_adverbs"] or (
            ct.dep in _COMPLEMENT and ct.lower in lex.words["fatal_states"]
        ):
            return True
        if ct.dep == "prep" and ct.lower == "to":
            obj = child(tokens, c, ("pobj",))
            if obj is not None and tokens[obj].lower in lex.words["fatal_states"]:
                return True
        if ct.dep == "conj" and "killed" in (
            lex.predicates[("strong", "patient")].get(ct.lemma),
            lex.predicates[("strong", "subject")].get(ct.lemma),
        ):
            return (
                child(tokens, c, ("nsubj", "nsubjpass", "dobj")) is None
            )  # the same people: "shot and killed", "was shot and later died"
    return False


def _licensed(tokens: Sequence[Token], v: int, lex: Lexicon) -> bool:
    """Predicates that only count in a frame (lexicon `predicate_frames`: "took prisoner", "forced from their
    homes", "came back"), and three that depend on their arguments."""
    lemma = tokens[v].lemma
    kids = [tokens[c] for c in tokens[v].children]
    frame = lex.frames.get(lemma)
    if frame is not None:
        return any(k.lower in frame[1] and (not frame[0] or k.dep in frame[0]) for k in kids)
    objs = [k for k in kids if k.dep == "dobj"]
    if lemma in ("fight", "battle"):  # "the two will fight the charges": no armed fighting
        armed = lex.state_forces["nouns"] | lex.state_forces["heads"] | lex.words["group_anaphors"]
        return not objs or any(
            word_in(o, lex.categories["nouns"]) or word_in(o, armed) or o.pos == "PROPN" for o in objs
        )
    if lemma in ("receive", "welcome", "admit", "absorb"):  # "the camp received 3,100 people"
        subj = [k for k in kids if k.dep == "nsubj"]
        return bool(subj) and (subj[0].lower in lex.place_class_nouns or subj[0].ent in ("GPE", "LOC", "FAC"))
    if lemma == "leave":  # "45,000 people left the neighbourhoods", not "413 Belgians who left for Syria"
        return any(
            o.lower in lex.place_class_nouns
            or o.lemma in lex.words["home_nouns"]
            or o.ent in ("GPE", "LOC", "FAC")
            for o in objs
        )
    return True


def _passive(tokens: Sequence[Token], v: int) -> bool:
    return child(tokens, v, ("auxpass",)) is not None


def _has_object(tokens: Sequence[Token], v: int) -> bool:
    return child(tokens, v, ("dobj", "obj")) is not None


def _toll(tokens: Sequence[Token], k: int, lex: Lexicon) -> bool:
    """Is token k a toll noun about deaths ("death toll", "the number of dead", "toll")?"""
    t = tokens[k]
    if not word_in(t, lex.categories["toll_nouns"]):
        return False
    return "toll" in (t.lemma, t.lower) or any(
        word_in(tokens[j], lex.words["toll_words"]) for j in subtree(tokens, k, 30) if j != k
    )


def _own_clause(tokens: Sequence[Token], k: int, lex: Lexicon) -> Found | None:
    """A clause on the counted noun: "people killed in the strike", "those who fled", "37 fighters dead"."""
    states = lex.categories["states"]
    for c in tokens[k].children:
        ct = tokens[c]
        if ct.dep == "amod" and c > k and states.get(ct.lower) not in (None, "returned"):
            return states[ct.lower], f"clause-state:{ct.lower}", c, True  # "found a man dead": after its noun
        if ct.dep in ("acl", "relcl") and ct.pos in ("VERB", "AUX", "ADJ"):
            subj = child(tokens, c, _SUBJECT + _PASSIVE_SUBJECT)
            passive = ct.dep == "acl" and ct.tag == "VBN" or _passive(tokens, c)
            if ct.dep == "relcl" and subj is not None and tokens[subj].lower not in ("who", "that", "which"):
                continue  # "the 12 people the army detained": the relative clause's subject is another
            found = verb_category(tokens, c, "patient" if passive else "subject", lex)
            if found is None and ct.dep == "acl" and passive:
                found = verb_category(tokens, c, "subject", lex)  # an active verb parsed as a participle
            if found is not None:
                return _prefixed(found, "clause-")
    return None


def _role_name(tokens: Sequence[Token], v: int) -> str:
    return "patient" if _passive(tokens, v) or child(tokens, v, _PASSIVE_SUBJECT) is not None else "subject"


def _governing(tokens: Sequence[Token], role: int, lex: Lexicon) -> Found | None:
    """The category the predicate governing the token `role` gives it."""
    t = tokens[role]
    for _ in range(4):  # "Five were killed in Idlib and 12 in Hama": a gapped clause
        if t.dep not in ("conj", "appos") or t.head == t.idx:
            break
        head = tokens[t.head]
        t = head
    dep, v = t.dep, t.head
    if tokens[v].dep in ("aux", "auxpass") and tokens[v].head != v:
        v = tokens[v].head  # "people remain detained" parsed with "remain" as an auxiliary
        dep = "nsubjpass" if _passive(tokens, v) or tokens[v].tag == "VBN" else dep
    vt = tokens[v]
    if vt.lemma in ("be", "include") and dep in (*_SUBJECT, "attr", "dobj"):
        group = _group_of(tokens, v, dep, lex)
        if group is not None:
            return group
    if dep in _PASSIVE_SUBJECT:
        return verb_category(tokens, v, "patient", lex)
    if dep in _SUBJECT:
        if (
            lex.predicates[("strong", "patient")].get(vt.lemma)
            and not _has_object(tokens, v)
            and (vt.tag == "VBN" or _gapped_passive(tokens, v))
            and not any(tokens[c].dep == "aux" and tokens[c].lemma == "have" for c in vt.children)
        ):  # "12 killed in shelling": a headline passive; "one was killed and her brother wounded"
            return _prefixed(verb_category(tokens, v, "patient", lex), "reduced-")
        states = lex.categories["states"]
        if vt.pos == "ADJ" and vt.dep in _SMALL_CLAUSE and states.get(vt.lower) not in (None, "returned"):
            return states[vt.lower], f"state:{vt.lower}", v, True  # "police found a woman dead"
        return verb_category(tokens, v, "subject", lex)
    if dep in _OBJECT:
        return None if dep == "oprd" and vt.pos != "VERB" else verb_category(tokens, v, "patient", lex)
    if dep == "pobj" and vt.lower == "with":  # "killed, together with three"
        gov = tokens[vt.head]
        if gov.lower in ("together", "along") or any(
            tokens[c].lower in ("together", "along") for c in gov.children + vt.children
        ):
            verb = vt.head if gov.pos in ("VERB", "AUX") else gov.head
            if tokens[verb].pos in ("VERB", "AUX"):
                found = verb_category(tokens, verb, _role_name(tokens, verb), lex)
                if found is not None:
                    return _prefixed(found, "together-")
    if dep == "pobj":
        gov = tokens[vt.head]
        if vt.lower == "of" and gov.lemma in lex.words["collective_nouns"] and gov.idx != t.idx:
            return _governing(tokens, gov.idx, lex)  # "killed a total of 57 people"
        if vt.lower == "of" and gov.pos == "NOUN" and word_in(gov, lex.categories["event_nouns"]):
            return word_cat(gov, lex.categories["event_nouns"]), f"event-noun:{gov.lemma}", gov.idx, True
        if vt.lower in ("to", "at", "of", "from") and (
            _toll(tokens, gov.idx, lex)
            or any(
                tokens[c].dep in _SUBJECT + _PASSIVE_SUBJECT + ("dobj",) and _toll(tokens, c, lex)
                for c in gov.children
            )
        ):
            return "killed", "toll", gov.idx, True
        if vt.lower == "with" and gov.pos in ("NOUN", "ADJ"):  # "a cluster with fifty adults joined X"
            while tokens[gov.idx].dep == "appos" and tokens[gov.idx].head != gov.idx:
                gov = tokens[gov.head]
            found = _own_clause(tokens, gov.idx, lex) or _governing(tokens, gov.idx, lex)
            if found is not None and not found[3]:
                return found
    if dep == "npadvmod" and vt.pos == "ADJ" and vt.lower in lex.categories["states"]:
        return lex.categories["states"][vt.lower], f"state:{vt.lower}", v, True
    return None


_SMALL_CLAUSE = ("ccomp", "xcomp", "oprd")  # "found [a woman dead]": a state said of the verb's object


def _gapped_passive(tokens: Sequence[Token], v: int) -> bool:
    """Verb v shares the passive auxiliary of the verb it is coordinated with ("a woman was killed and her
    brother wounded"): no auxiliary of its own."""
    t = tokens[v]
    return t.dep == "conj" and _passive(tokens, t.head) and child(tokens, v, ("aux", "auxpass")) is None


def _group_of(tokens: Sequence[Token], v: int, dep: str, lex: Lexicon) -> Found | None:
    """People said to be in a group that names a category: "was among the dead", "among the victims was a
    girl", "those killed included two children" (the group is the subject of "include")."""
    if tokens[v].lemma == "be":
        preps = [c for c in tokens[v].children if tokens[c].dep == "prep" and tokens[c].lower == "among"]
        group = child(tokens, preps[0], ("pobj",)) if preps else None
    else:
        group = child(tokens, v, _SUBJECT) if dep == "dobj" else None
    if group is None:
        return None
    cat = topic(tokens[group], lex)
    if cat is not None:
        return cat, f"among:{tokens[group].lemma}", group, True
    own = _own_clause(tokens, group, lex)
    return None if own is None else (own[0], f"among-{own[1]}", own[2], True)


def _next_word(tokens: Sequence[Token], q: Quantity, lex: Lexicon, k: int | None = None) -> Found | None:
    """A state word or a casualty participle right after a bare number or its noun ("12 killed", "30
    wounded", "17 people dead", "21 claimed killed")."""
    k = q.end if k is None else k
    while k < len(tokens) and tokens[k].lower in lex.words["hedges_after"]:
        k += 1
    if k >= len(tokens) or tokens[k].sent != tokens[q.start].sent:
        return None
    t, states = tokens[k], lex.categories["states"]
    if t.lower in states and states[t.lower] != "returned" and not _has_object(tokens, k):
        return states[t.lower], f"next:{t.lower}", k, True
    cat = lex.predicates[("strong", "patient")].get(t.lemma)
    if cat is not None and t.tag == "VBN" and not _has_object(tokens, k):
        return cat, f"next:{t.lemma}", k, True
    return None


def predicate(tokens: Sequence[Token], role: int, noun: int | None, lex: Lexicon) -> Found | None:
    """The category a predicate gives the people at token `role` (their noun, or the number itself): the
    governing predicate first, then a clause on the noun or a noun coordinated with it."""
    found = _governing(tokens, role, lex)
    if found is not None and found[3]:
        return found
    for k in [*_conjuncts(tokens, noun), role]:
        own = _own_clause(tokens, k, lex)
        if own is not None and (own[3] or found is None):
            return own
    return found


def _conjuncts(tokens: Sequence[Token], k: int | None) -> list[int]:
    """Noun k and the nouns coordinated with it ("men, women, and children who fled")."""
    out, stack = [], [] if k is None else [k]
    while stack and len(out) < 6:
        out.append(stack.pop())
        stack.extend(
            c for c in tokens[out[-1]].children if tokens[c].dep == "conj" and tokens[c].pos == "NOUN"
        )
    return out


def _subject_noun(tokens: Sequence[Token], role: int, lex: Lexicon) -> int | None:
    """For a bare number completing a verb whose subject counts people ("fighters number in the tens of
    thousands", "its population reached 70,000", "estimates of X fighters swing between 100 and 2,000"):
    the subject's people noun."""
    t = tokens[role]
    if t.dep not in ("attr", "dobj", "npadvmod", "oprd", "prep", "pobj"):  # prep: "between 100 and 2,000"
        return None
    v = tokens[t.head].head if t.dep == "pobj" else t.head
    subj = child(tokens, v, _SUBJECT)
    if subj is None:
        return None
    if word_in(tokens[subj], lex.words["strength_nouns"]):  # "estimates of X fighters": the people counted
        obj = child(tokens, child(tokens, subj, ("prep",), "of"), ("pobj",))
        if obj is not None and _people(tokens[obj], lex):
            return obj
    if tokens[v].lemma not in lex.words["size_verbs"]:
        return None
    return subj if _people(tokens[subj], lex) else None


def _verb_before(tokens: Sequence[Token], q: Quantity, lex: Lexicon) -> Found | None:
    """A casualty or detention verb right before the quantity ("killed at least 27 farmers gathering
    ...", "executing another 12") when the parse attached the people elsewhere."""
    k = q.start - 1
    while k >= 0 and tokens[k].lower in lex.words["determiners_before"]:
        k -= 1
    if k > 0 and tokens[k].lower in ("home", "back") and tokens[k - 1].lemma in lex.words["movement_verbs"]:
        return (
            "returned",
            f"verb-before:{tokens[k - 1].lemma}-{tokens[k].lower}",
            k - 1,
            True,
        )  # "flew home 40"
    if k < 0 or tokens[k].sent != tokens[q.start].sent or tokens[k].pos != "VERB":
        return None
    cat = lex.predicates[("strong", "patient")].get(tokens[k].lemma)
    if cat is None or not _licensed(tokens, k, lex):
        return None
    return cat, f"verb-before:{tokens[k].lemma}", k, True


def _linear_noun(tokens: Sequence[Token], q: Quantity, lex: Lexicon, mi: dict | None) -> int | None:
    """The counted noun when the parse gives the number none (a misparse around a name: "300 IS fighters"):
    a people or thing noun within a few words after the quantity, across names and modifiers."""
    words = (
        lex.categories["nouns"],
        lex.words["generic_nouns"],
        lex.words["source_nouns"],
        lex.words["thing_nouns"],
    )
    for k in range(q.end, min(len(tokens), q.end + 5)):
        t = tokens[k]
        if t.sent != tokens[q.start].sent:
            return None
        if any(word_in(t, w) for w in words) and (
            t.pos in ("NOUN", "PROPN") or t.dep in ("nsubj", "dobj", "pobj")
        ):
            return k
        named = mi is not None and mi.get(k) is not None
        participle = t.pos == "VERB" and t.tag in ("VBN", "VBG") and t.dep in ("amod", "compound")
        if not (named or participle or t.pos in ("ADJ", "NOUN", "PROPN") or t.text in ("-", '"', "“", "”")):
            return None  # a verb, a preposition or a clause between: not this number's noun
    return None


def read(tokens: Sequence[Token], q: Quantity, lex: Lexicon, mi: dict | None = None) -> Reading:
    """The category reading of quantity q (units and money are decided by the caller)."""
    a = anchor(tokens, q)
    noun, whole, pronoun = counted_noun(tokens, q, a, lex)
    role = a
    if noun is None and not pronoun:
        noun = _linear_noun(tokens, q, lex, mi)
    if noun is not None and whole is None and tokens[q.end - 1].lower != "of" and noun > a:
        role = (
            noun  # "25 people were killed": the noun carries the predicate; "hundreds of X fled": the number
        )
    found = predicate(tokens, role, noun, lex)
    if (found is None or not found[3]) and (noun is None or noun >= q.end):
        found = _next_word(tokens, q, lex, None if noun is None else noun + 1) or found
    if noun is None and not pronoun:  # "12 were members of X", "two were civilians": the noun the number is
        attr = child(tokens, tokens[role].head, ("attr",))
        if tokens[role].dep in _SUBJECT and tokens[tokens[role].head].lemma == "be" and attr is not None:
            noun = attr if _people(tokens[attr], lex) else None
    if found is None or not found[3]:
        found = _verb_before(tokens, q, lex) or found
    if noun is None and not pronoun:
        noun = _subject_noun(tokens, role, lex)
    r = Reading(None, "", noun=noun, role=role, whole=whole, pronoun=pronoun)
    strong_cat = None
    if found is not None and found[3]:
        strong_cat, r.rule, r.predicate = found[0], found[1], found[2]
    nt = tokens[noun] if noun is not None else None
    if nt is not None and strong_cat is None:
        mod = next(
            (
                c
                for c in nt.children
                if tokens[c].dep in ("amod", "compound")
                and c < noun
                and word_in(tokens[c], lex.categories["modifiers"])
            ),
            None,
        )
        if mod is not None:
            strong_cat = word_cat(tokens[mod], lex.categories["modifiers"])
            r.rule, r.predicate = f"modifier:{tokens[mod].lower}", mod
    r.strong = strong_cat is not None
    if nt is None:
        if strong_cat or found is None:
            r.category = strong_cat
        else:
            r.category, r.rule, r.predicate = found[0], found[1], found[2]
        return r
    if word_in(nt, lex.words["case_nouns"]):  # "214 cases of arbitrary arrest": one person a case
        of = child(tokens, noun, ("prep",), "of")
        named = (
            next((c for j in subtree(tokens, of, 30) if (c := topic(tokens[j], lex))), None) if of else None
        )
        if strong_cat or named:
            r.category, r.rule = strong_cat or named, r.rule or f"cases-of:{named}"
        elif of is not None:
            r.category, r.rule, r.unit = "other", "cases-of-something", "count"  # "40 cases of cholera"
        else:
            r.case, r.rule = True, "cases"
        return r
    if word_in(nt, lex.words["thing_nouns"]) and not word_in(nt, lex.categories["nouns"]):
        r.category, r.rule, r.unit = "other", f"thing:{nt.lemma}", "count"
        return r
    own = word_cat(nt, lex.categories["nouns"])
    if own is None and nt.tag == "NNS":  # "100 arrests", "45 killings": the people they befell
        own = word_cat(nt, lex.categories["event_nouns"])
    generic = word_in(nt, lex.words["generic_nouns"]) or _demonym(nt)
    if own is not None:
        r.own, r.category, r.rule = True, strong_cat or own, r.rule or f"noun:{nt.lemma}"
    elif generic and match_any(tokens, noun + 1, lex.phrases["source_phrases"])[0] >= 0:
        r.category, r.rule, r.unit = (
            "other",
            "source-people",
            "people",
        )  # "two people familiar with the matter"
    elif generic:
        r.generic = True
        if strong_cat:
            r.category = strong_cat
        elif found is not None:
            r.category, r.rule, r.predicate = found[0], found[1], found[2]
        else:
            r.category, r.rule, r.default = "population", f"generic:{nt.lemma}", True
    elif word_in(nt, lex.words["source_nouns"]):
        r.category = strong_cat or "other"
        if r.category == "other":
            r.rule, r.unit = f"source-noun:{nt.lemma}", "people"
    elif (
        strong_cat in ("killed", "wounded", "missing", "detained", "displaced")
        and r.predicate is not None
        and (nt.pos == "NOUN" or (nt.is_capitalised and nt.lower.endswith("s")))
        and tokens[r.predicate].lemma not in lex.words["possessive_predicates"]
    ):
        r.category = (
            strong_cat  # "25 worshippers were killed", "a million Uighurs": an unknown noun under a cue
        )
    else:
        r.category, r.rule, r.unit = "other", f"unknown-noun:{nt.lemma}", "count"
    return r


def _demonym(t: Token) -> bool:
    return (
        t.is_capitalised
        and len(t.lower) > 4
        and t.lower.endswith(("men", "ians", "ans"))
        and t.pos in ("NOUN", "PROPN")
    )
