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
from pipelines.figures.view import Token, match_any

# Dependency labels by what they make of a word (spaCy's English labels).
_SUBJECT = ("nsubj", "csubj", "expl")
_PASSIVE_SUBJECT = ("nsubjpass", "csubjpass")
_OBJECT = ("dobj", "obj", "oprd", "dative")
_COMPLEMENT = ("acomp", "oprd", "attr", "xcomp", "ccomp", "advmod", "prt", "dobj")
_NOUN_POS = ("NOUN", "PROPN", "ADJ")
# Determiners and possessives that make "N of <det> M" a partitive ("five of the fighters").
_PARTITIVE = frozenset("the these those its their his her our your them whom us which".split())
_PRONOUN_WHOLES = frozenset("them whom us which those these".split())
# Nouns of the places people leave when displaced ("left their homes", "left the neighbourhoods").
_HOMES = frozenset(
    "home house neighbourhood neighborhood area city town village camp district quarter".split()
)
# Verbs whose particle or adverb "back"/"home" makes a return ("came back", "flew home").
_MOVES = frozenset("come go fly bring take head move travel send get make".split())


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


def word_in(t: Token, words: frozenset[str] | dict[str, str]) -> bool:
    return t.lemma in words or t.lower in words


def word_cat(t: Token, table: dict[str, str]) -> str | None:
    return table.get(t.lemma) or table.get(t.lower)


def topic(t: Token, lex: Lexicon) -> str | None:
    """The category a topic word names: an event noun ("arrests", "displacement"), a people noun of an
    event ("fatalities", "returnees") or a state ("killed", "missing"); never fighters or population."""
    for table in ("event_nouns", "nouns", "states", "modifiers"):
        cat = word_cat(t, lex.categories[table])
        if cat is not None and cat not in ("fighters", "population"):
            return cat
    return None


def anchor(tokens: Sequence[Token], q: Quantity) -> int:
    """The quantity's token that attaches to the rest of the sentence (its head lies outside the quantity),
    preferring number tokens; the last token when every head is inside."""
    inside = range(q.start, q.end)
    outs = [k for k in range(q.start, q.end) if tokens[k].head not in inside or tokens[k].head == k]
    numbers = [k for k in outs if tokens[k].pos in ("NUM", "NOUN") or tokens[k].is_number]
    if numbers:
        return numbers[0]
    return outs[0] if outs else q.end - 1


def _child(tokens: Sequence[Token], k: int, deps: tuple[str, ...], lower: str | None = None) -> int | None:
    for c in tokens[k].children:
        if tokens[c].dep in deps and (lower is None or tokens[c].lower == lower):
            return c
    return None


def counted_noun(tokens: Sequence[Token], q: Quantity, a: int) -> tuple[int | None, int | None, bool]:
    """(noun, partitive whole, pronoun partitive) for the quantity anchored at token a."""
    t = tokens[a]
    head = tokens[t.head]
    # "hundreds of civilians": the quantity ends with "of", whose object is the noun
    last = q.end - 1
    if tokens[last].lower == "of":
        obj = _child(tokens, last, ("pobj",))
        if obj is not None and tokens[obj].lower in _PRONOUN_WHOLES:
            return None, obj, True  # "several of them"
        if obj is not None and tokens[obj].pos in _NOUN_POS:
            return obj, None, False
    # "five of the fighters", "25 of them", "six of the 20 staffers"
    of = _child(tokens, a, ("prep",), "of")
    if of is not None and of >= q.end:
        obj = _child(tokens, of, ("pobj",))
        if obj is not None:
            det = [c for c in tokens[obj].children if tokens[c].dep in ("det", "poss") and c < obj]
            if tokens[obj].lower in _PRONOUN_WHOLES:
                return None, obj, True  # "25 of them", "63 of those arrested": the whole is a pronoun
            if det and tokens[det[0]].lower in _PARTITIVE and tokens[obj].pos in _NOUN_POS:
                return obj, obj, False
    k = q.end  # "flew home 40 of its citizens": a partitive the parse attached elsewhere
    if (
        k + 2 < len(tokens)
        and tokens[k].lower == "of"
        and tokens[k + 1].lower in _PARTITIVE
        and tokens[k].sent == t.sent
    ):
        if tokens[k + 1].lower in _PRONOUN_WHOLES and tokens[k + 1].pos == "PRON":
            return None, k + 1, True
        j = k + 2
        while (
            j < len(tokens)
            and j < k + 5
            and tokens[j].pos in ("ADJ", "NUM", "VERB")
            and tokens[j].dep in ("amod", "nummod", "compound")
        ):
            j += 1
        if j < len(tokens) and tokens[j].pos in ("NOUN", "PROPN"):
            return j, j, False
    if t.dep in ("nummod", "quantmod", "amod", "compound", "nmod", "det", "npadvmod") and t.head != a:
        between = tokens[q.end : t.head]
        if (
            head.pos in _NOUN_POS
            and t.head >= a
            and not any(
                x.pos in ("ADV", "SCONJ", "ADP", "VERB", "AUX")
                and x.dep not in ("amod", "compound")
                or x.text in (",", "(", ")", ";", ":")
                for x in between
            )
        ):
            h = t.head
            if (
                tokens[h].pos in ("ADJ", "VERB")
                and tokens[h].dep == "amod"
                and tokens[h].head == h + 1
                and tokens[h + 1].pos == "NOUN"
            ):
                h += 1  # "12 500 displaced people": the adjective's noun
            return h, None, False
    return None, None, False


def _states(tokens: Sequence[Token], v: int, lex: Lexicon) -> tuple[str, int] | None:
    """A state word completing verb v ("are missing", "presumed dead", "taken prisoner", "in custody")."""
    states = lex.categories["states"]
    for c in tokens[v].children:
        ct = tokens[c]
        if ct.dep in _COMPLEMENT and ct.lower in states:
            if states[ct.lower] == "returned" and tokens[v].lemma not in _MOVES | {"return"}:
                continue
            return states[ct.lower], c
        if ct.dep == "prep" and ct.lower in ("in", "among", "behind", "under", "into"):
            obj = _child(tokens, c, ("pobj",))
            if obj is not None and ct.lower in ("in", "behind", "into", "under"):
                cat = states.get(tokens[obj].lower)
                if cat == "detained":
                    return cat, obj
            if obj is not None and ct.lower == "among":
                cat = word_cat(tokens[obj], lex.categories["nouns"])
                if cat in ("killed", "wounded", "detained", "missing"):
                    return cat, obj
    return None


def verb_category(
    tokens: Sequence[Token], v: int, role: str, lex: Lexicon, depth: int = 0
) -> tuple[str, str, int, bool] | None:
    """(category, rule, predicate token, strong) that verb v says of its `role` argument (patient|subject)."""
    t = tokens[v]
    for strength in ("strong", "weak"):
        cat = lex.predicates[(strength, role)].get(t.lemma)
        if cat is not None and _licensed(tokens, v, cat, lex):
            return cat, f"{role}:{t.lemma}", v, strength == "strong"
    state = _states(tokens, v, lex)
    if state is not None:
        return state[0], f"state:{tokens[state[1]].lower}", state[1], True
    if t.lower in lex.categories["states"] and any(tokens[c].dep in ("aux", "auxpass") for c in t.children):
        return lex.categories["states"][t.lower], f"state:{t.lower}", v, True  # "300 are missing"
    if depth < 3 and (t.lemma in lex.words["raising_verbs"] or t.lemma == "be"):
        for c in t.children:
            if tokens[c].dep in ("xcomp", "ccomp", "oprd", "acomp") and tokens[c].pos in (
                "VERB",
                "AUX",
                "ADJ",
            ):
                passive = any(tokens[x].dep == "auxpass" for x in tokens[c].children)
                inner = verb_category(tokens, c, "patient" if passive else "subject", lex, depth + 1)
                if inner is not None:
                    return inner
    return None


def _licensed(tokens: Sequence[Token], v: int, cat: str, lex: Lexicon) -> bool:
    """Predicates that only count in a frame: "took prisoner", "forced from their homes", "came back"."""
    lemma = tokens[v].lemma
    kids = [tokens[c] for c in tokens[v].children]
    if lemma in ("take", "round", "lock"):
        return any(k.lower in ("prisoner", "prisoners", "hostage", "hostages", "captive", "up") for k in kids)
    if lemma in ("force", "drive"):
        return any(k.dep in ("prep", "prt", "advmod") and k.lower in ("from", "out", "away") for k in kids)
    if lemma in ("bus", "transfer", "move"):
        return any(
            k.dep in ("prep", "prt", "advmod") and k.lower in ("from", "out", "away", "to") for k in kids
        )
    if lemma in ("fight", "battle"):  # "the two will fight the charges": no armed fighting
        objs = [k for k in kids if k.dep == "dobj"]
        armed = lex.state_forces["nouns"] | lex.state_forces["heads"] | lex.words["group_anaphors"]
        return not objs or any(
            word_in(o, lex.categories["nouns"]) or word_in(o, armed) or o.pos == "PROPN" for o in objs
        )
    if lemma in ("receive", "welcome", "admit", "absorb"):  # "the camp received 3,100 people"
        subj = [k for k in kids if k.dep == "nsubj"]
        return bool(subj) and (subj[0].lower in lex.place_class_nouns or subj[0].ent in ("GPE", "LOC", "FAC"))
    if lemma == "claim":
        return False  # "claimed the lives of N": the event noun "lives" decides
    if lemma in ("come", "go"):
        return any(k.lower in ("back", "home") for k in kids)
    if lemma == "leave":  # "45,000 people left the neighbourhoods", not "413 Belgians who left for Syria"
        objs = [k for k in kids if k.dep == "dobj"]
        return any(
            o.lower in lex.place_class_nouns or o.lemma in _HOMES or o.ent in ("GPE", "LOC", "FAC")
            for o in objs
        )
    return True


def _passive(tokens: Sequence[Token], v: int) -> bool:
    return any(tokens[c].dep == "auxpass" for c in tokens[v].children)


def _has_object(tokens: Sequence[Token], v: int) -> bool:
    return any(tokens[c].dep in ("dobj", "obj") for c in tokens[v].children)


def _toll(tokens: Sequence[Token], k: int, lex: Lexicon) -> bool:
    """Is token k a toll noun about deaths ("death toll", "the number of dead", "toll")?"""
    t = tokens[k]
    if not word_in(t, lex.categories["toll_nouns"]):
        return False
    if t.lemma == "toll" or t.lower == "toll":
        return True
    return any(word_in(tokens[j], lex.words["toll_words"]) for j in _span(tokens, k) if j != k)


def subtree_of(tokens: Sequence[Token], k: int | None) -> list[int]:
    return [] if k is None else sorted(_span(tokens, k))


def _span(tokens: Sequence[Token], k: int) -> list[int]:
    out, stack = [], [k]
    while stack and len(out) < 30:
        j = stack.pop()
        out.append(j)
        stack.extend(tokens[j].children)
    return out


def _own_clause(tokens: Sequence[Token], k: int, lex: Lexicon) -> tuple[str, str, int, bool] | None:
    """A clause on the counted noun: "people killed in the strike", "those who fled", "37 fighters dead"."""
    for c in tokens[k].children:
        ct = tokens[c]
        if ct.dep in ("acl", "relcl") and ct.pos in ("VERB", "AUX", "ADJ"):
            subj = _child(tokens, c, _SUBJECT + _PASSIVE_SUBJECT)
            passive = ct.dep == "acl" and ct.tag == "VBN" or _passive(tokens, c)
            if ct.dep == "relcl" and subj is not None and tokens[subj].lower not in ("who", "that", "which"):
                continue  # "the 12 people the army detained": the relative clause's subject is another
            found = verb_category(tokens, c, "patient" if passive else "subject", lex)
            if found is None and ct.dep == "acl" and passive:
                found = verb_category(tokens, c, "subject", lex)  # an active verb parsed as a participle
            if found is not None:
                return found[0], "clause-" + found[1], found[2], found[3]
        if ct.dep == "amod" and ct.lower in lex.categories["states"] and c > k:
            return lex.categories["states"][ct.lower], f"state:{ct.lower}", c, True
    return None


def _governing(tokens: Sequence[Token], role: int, lex: Lexicon) -> tuple[str, str, int, bool] | None:
    """The category the predicate governing the token `role` gives it."""
    t = tokens[role]
    seen = 0
    while t.dep in ("conj", "appos") and t.head != t.idx and seen < 4:
        head = tokens[t.head]
        if head.pos in ("VERB", "AUX"):  # "Five were killed in Idlib and 12 in Hama": a gapped clause
            subj = _child(tokens, head.idx, _PASSIVE_SUBJECT)
            role_name = "patient" if subj is not None or _passive(tokens, head.idx) else "subject"
            found = verb_category(tokens, head.idx, role_name, lex)
            return (found[0], "gapped-" + found[1], found[2], found[3]) if found else None
        t = head
        seen += 1
    dep, v = t.dep, t.head
    if tokens[v].dep in ("aux", "auxpass") and tokens[v].head != v:
        v = tokens[v].head  # "people remain detained" parsed with "remain" as an auxiliary
        dep = "nsubjpass" if _passive(tokens, v) or tokens[v].tag == "VBN" else dep
    vt = tokens[v]
    if dep in _PASSIVE_SUBJECT:
        return verb_category(tokens, v, "patient", lex)
    if dep in _SUBJECT:
        if (
            lex.predicates[("strong", "patient")].get(vt.lemma)
            and not _has_object(tokens, v)
            and vt.tag == "VBN"
            and not any(tokens[c].dep == "aux" and tokens[c].lemma == "have" for c in vt.children)
        ):
            found = verb_category(tokens, v, "patient", lex)  # "12 killed in shelling": a headline passive
            return (found[0], "reduced-" + found[1], found[2], found[3]) if found else None
        if vt.lemma in ("be", "remain", "stay") or vt.pos == "AUX":
            found = _states(tokens, v, lex)
            if found:
                return found[0], f"state:{tokens[found[1]].lower}", found[1], True
            attr = _child(tokens, v, ("attr",))
            if attr is not None and _toll(tokens, attr, lex):
                return "killed", "toll", attr, True
            if attr is not None and word_cat(tokens[attr], lex.categories["nouns"]):
                return (
                    word_cat(tokens[attr], lex.categories["nouns"]),
                    f"is-a:{tokens[attr].lemma}",
                    attr,
                    False,
                )
        return verb_category(tokens, v, "subject", lex)
    if dep in _OBJECT:
        if dep == "oprd" and vt.pos != "VERB":
            return None
        return verb_category(tokens, v, "patient", lex)
    together = vt.lower == "with" and (
        tokens[vt.head].lower in ("together", "along")
        or any(tokens[c].lower in ("together", "along") for c in tokens[vt.head].children + vt.children)
    )
    if dep == "pobj" and together:
        verb = (
            vt.head if tokens[vt.head].pos in ("VERB", "AUX") else tokens[vt.head].head
        )  # "killed, together with three"
        if tokens[verb].pos in ("VERB", "AUX"):
            role_name = (
                "patient" if _passive(tokens, verb) or _child(tokens, verb, _PASSIVE_SUBJECT) else "subject"
            )
            found = verb_category(tokens, verb, role_name, lex)
            if found is not None:
                return found[0], "together-" + found[1], found[2], found[3]
    if dep == "pobj":
        gov = tokens[vt.head]
        if (
            vt.lower == "of"
            and gov.lemma in ("total", "group", "crowd", "batch", "convoy")
            and gov.idx != t.idx
        ):
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
    if dep == "attr" and vt.lemma == "be":
        subj = _child(tokens, v, _SUBJECT)
        if subj is not None and _toll(tokens, subj, lex):
            return "killed", "toll", subj, True
    if dep == "npadvmod" and vt.pos == "ADJ" and vt.lower in lex.categories["states"]:
        return lex.categories["states"][vt.lower], f"state:{vt.lower}", v, True
    return None


def _next_word(
    tokens: Sequence[Token], q: Quantity, lex: Lexicon, k: int | None = None
) -> tuple[str, str, int, bool] | None:
    """A state word or a casualty participle right after a bare number or its noun ("12 killed", "30
    wounded", "17 people dead", "21 claimed killed")."""
    k = q.end if k is None else k
    while k < len(tokens) and tokens[k].lower in (
        "claimed",
        "reported",
        "reportedly",
        "confirmed",
        "believed",
        "presumed",
        "feared",
        "all",
    ):
        k += 1
    if k >= len(tokens) or tokens[k].sent != tokens[q.start].sent:
        return None
    t = tokens[k]
    if (
        t.lower in lex.categories["states"]
        and lex.categories["states"][t.lower] != "returned"
        and not _has_object(tokens, k)
    ):
        return lex.categories["states"][t.lower], f"next:{t.lower}", k, True
    cat = lex.predicates[("strong", "patient")].get(t.lemma)
    if cat is not None and t.tag == "VBN" and not _has_object(tokens, k):
        return cat, f"next:{t.lemma}", k, True
    return None


def predicate(
    tokens: Sequence[Token], role: int, noun: int | None, lex: Lexicon
) -> tuple[str, str, int, bool] | None:
    """The category a predicate gives the people at token `role` (their noun, or the number itself): the
    governing predicate first, then a clause on the noun."""
    found = _governing(tokens, role, lex)
    if found is not None and found[3]:
        return found
    for k in [*_conjuncts(tokens, noun), role]:
        if k is not None:
            own = _own_clause(tokens, k, lex)
            if own is not None and (own[3] or found is None):
                return own
    return found


def _attr_noun(tokens: Sequence[Token], role: int, lex: Lexicon) -> int | None:
    """ "12 were members of X", "two were civilians": the people noun a bare number is said to be."""
    t = tokens[role]
    if t.dep not in _SUBJECT or tokens[t.head].lemma != "be":
        return None
    attr = _child(tokens, t.head, ("attr",))
    if attr is not None and (
        word_in(tokens[attr], lex.categories["nouns"]) or word_in(tokens[attr], lex.words["generic_nouns"])
    ):
        return attr
    return None


def _subject_noun(tokens: Sequence[Token], role: int, lex: Lexicon) -> int | None:
    """For a bare number completing a verb whose subject counts people ("fighters number in the tens of
    thousands", "its population reached 70,000", "estimates of X fighters swing between 100 and 2,000"):
    the subject's people noun."""
    t = tokens[role]
    v = t.head
    if t.dep == "pobj":
        v = tokens[t.head].head
    elif t.dep not in ("attr", "dobj", "npadvmod", "oprd", "prep"):  # prep: "between 100 and 2,000" itself
        return None
    subj = _child(tokens, v, _SUBJECT)
    if subj is None:
        return None
    people = (lex.categories["nouns"], lex.words["generic_nouns"])
    if word_in(tokens[subj], lex.words["strength_nouns"]):  # "estimates of X fighters": the people counted
        of = _child(tokens, subj, ("prep",), "of")
        obj = _child(tokens, of, ("pobj",)) if of is not None else None
        if obj is not None and any(word_in(tokens[obj], w) for w in people):
            return obj
    if tokens[v].lemma not in ("number", "total", "reach", "stand", "exceed", "be", "count", "near", "top"):
        return None
    return subj if any(word_in(tokens[subj], w) for w in people) else None


def _verb_before(tokens: Sequence[Token], q: Quantity, lex: Lexicon) -> tuple[str, str, int, bool] | None:
    """A casualty or detention verb right before the quantity ("killed at least 27 farmers gathering
    ...", "executing another 12") when the parse attached the people elsewhere."""
    k = q.start - 1
    while k >= 0 and tokens[k].lower in ("another", "a", "further", "an", "additional", "the", "all", "some"):
        k -= 1
    if k > 0 and tokens[k].lower in ("home", "back") and tokens[k - 1].lemma in _MOVES:
        return (
            "returned",
            f"verb-before:{tokens[k - 1].lemma}-{tokens[k].lower}",
            k - 1,
            True,
        )  # "flew home 40"
    if k < 0 or tokens[k].sent != tokens[q.start].sent or tokens[k].pos != "VERB":
        return None
    cat = lex.predicates[("strong", "patient")].get(tokens[k].lemma)
    if cat is None or not _licensed(tokens, k, cat, lex):
        return None
    return cat, f"verb-before:{tokens[k].lemma}", k, True


def _conjuncts(tokens: Sequence[Token], k: int | None) -> list[int]:
    """Noun k and the nouns coordinated with it ("men, women, and children who fled")."""
    if k is None:
        return []
    out, stack = [], [k]
    while stack and len(out) < 6:
        j = stack.pop()
        out.append(j)
        stack.extend(c for c in tokens[j].children if tokens[c].dep == "conj" and tokens[c].pos == "NOUN")
    return out


def _linear_noun(tokens: Sequence[Token], q: Quantity, lex: Lexicon, mi: dict | None) -> int | None:
    """The counted noun when the parse gives the number none (a misparse around a name: "300 IS fighters"):
    a people or thing noun within a few words after the quantity, across names and modifiers."""
    people = (
        lex.categories["nouns"],
        lex.words["generic_nouns"],
        lex.words["source_nouns"],
        lex.words["thing_nouns"],
    )
    k = q.end
    while k < len(tokens) and k < q.end + 5 and tokens[k].sent == tokens[q.start].sent:
        t = tokens[k]
        if any(word_in(t, w) for w in people) and (
            t.pos in ("NOUN", "PROPN") or t.dep in ("nsubj", "dobj", "pobj")
        ):
            return k
        named = mi is not None and mi.get(k) is not None
        participle = t.pos == "VERB" and t.tag in ("VBN", "VBG") and t.dep in ("amod", "compound")
        if (
            not named
            and not participle
            and not (t.pos in ("ADJ", "NOUN", "PROPN") or t.text in ("-", '"', "“", "”"))
        ):
            return None  # a verb, a preposition or a clause between: not this number's noun
        k += 1
    return None


def read(tokens: Sequence[Token], q: Quantity, lex: Lexicon, mi: dict | None = None) -> Reading:
    """The category reading of quantity q (units and money are decided by the caller)."""
    a = anchor(tokens, q)
    noun, whole, pronoun = counted_noun(tokens, q, a)
    role = a
    if noun is None and not pronoun:
        noun = _linear_noun(tokens, q, lex, mi)
        if noun is not None and tokens[noun].dep in _SUBJECT + _PASSIVE_SUBJECT + _OBJECT + ("pobj",):
            role = noun
    if noun is not None and whole is None and tokens[q.end - 1].lower != "of" and noun > a:
        role = (
            noun  # "25 people were killed": the noun carries the predicate; "hundreds of X fled": the number
        )
    found = predicate(tokens, role, noun, lex)
    if (found is None or not found[3]) and (noun is None or noun >= q.end):
        found = _next_word(tokens, q, lex, None if noun is None else noun + 1) or found
    attr = _attr_noun(tokens, role, lex) if noun is None and not pronoun else None
    if attr is not None:
        noun = attr  # "12 were members of X", "two were civilians": the noun the number is
    if found is None or not found[3]:
        found = _verb_before(tokens, q, lex) or found
    if noun is None and not pronoun:
        noun = _subject_noun(tokens, role, lex)
    r = Reading(None, "", noun=noun, role=role, whole=whole, pronoun=pronoun)
    strong_cat = None
    if found is not None:
        cat, rule, pred, strong = found
        if strong:
            strong_cat, r.rule, r.predicate = cat, rule, pred
    nt = tokens[noun] if noun is not None else None
    if nt is not None and strong_cat is None:
        for c in nt.children:
            ct = tokens[c]
            if ct.dep in ("amod", "compound") and c < noun and word_in(ct, lex.categories["modifiers"]):
                strong_cat, r.rule, r.predicate = (
                    word_cat(ct, lex.categories["modifiers"]),
                    f"modifier:{ct.lower}",
                    c,
                )
                break
    r.strong = strong_cat is not None
    if nt is None:
        if strong_cat:
            r.category = strong_cat
        elif found is not None:
            r.category, r.rule, r.predicate = found[0], found[1], found[2]
        return r
    if word_in(nt, lex.words["case_nouns"]):  # "214 cases of arbitrary arrest": one person a case
        of = _child(tokens, noun, ("prep",), "of")
        named = (
            next((topic(tokens[j], lex) for j in subtree_of(tokens, of) if topic(tokens[j], lex)), None)
            if of
            else None
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
    if own is None and nt.tag == "NNS" and word_in(nt, lex.categories["event_nouns"]):
        own = word_cat(
            nt, lex.categories["event_nouns"]
        )  # "100 arrests", "45 killings": the people they befell
    if own is not None:
        r.own = True
        r.category = strong_cat or own
        r.rule = r.rule or f"noun:{nt.lemma}"
    elif (word_in(nt, lex.words["generic_nouns"]) or _demonym(nt)) and match_any(
        tokens, noun + 1, lex.phrases["source_phrases"]
    )[0] >= 0:
        r.category, r.rule, r.unit = (
            "other",
            "source-people",
            "people",
        )  # "two people familiar with the matter"
    elif word_in(nt, lex.words["generic_nouns"]) or _demonym(nt):
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
        and tokens[r.predicate].lemma not in ("lose", "hold", "take", "release", "free", "receive")
    ):
        r.category = (
            strong_cat  # "25 worshippers were killed", "a million Uighurs": an unknown noun under a cue
        )
    else:
        r.category, r.rule, r.unit = "other", f"unknown-noun:{nt.lemma}", "count"
    return r


def _demonym(t: Token) -> bool:
    w = t.lower
    return (
        t.is_capitalised and len(w) > 4 and w.endswith(("men", "ians", "ans")) and t.pos in ("NOUN", "PROPN")
    )
