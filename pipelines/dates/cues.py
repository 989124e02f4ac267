"""Decisions about a time expression read off its sentence's parse (spaCy tokens): is a bare 4-digit number
a year, is "today" the news day, does the clause look ahead, is "since X" a comparison.

Each function names a kind of construction; the words it needs are lemma lists in tokens.yaml.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipelines.dates.lexicon import Lexicon

if TYPE_CHECKING:
    from spacy.tokens import Token

# Dependency labels of a verb's auxiliaries, and of a clause that hangs off another verb.
_AUX = ("aux", "auxpass")
_SUBCLAUSE = ("xcomp", "conj", "advcl", "acl", "relcl", "ccomp", "pcomp")
# Labels of a noun that is an argument of its verb (a date modifying it inherits the verb's tense).
_ARGUMENT = ("nsubj", "nsubjpass", "dobj", "attr", "oprd", "appos", "compound")
_DETERMINERS = ("DET", "PRON")
_FUTURE_AUX = ("will", "shall", "would")  # the auxiliaries of the future (other modals also say "possibly")
_TEMPORAL = ("when", "once", "until", "till", "after", "before", "as soon as")


def other_entity(tok: Token) -> bool:
    """The token belongs to a named entity that is not a date or time ("The Sunday Times", "Black
    Friday", "Resolution 1990")."""
    return tok.ent_type_ not in ("", "DATE", "TIME")


def date_entity(tok: Token) -> bool:
    return tok.ent_type_ in ("DATE", "TIME")


def is_count(tok: Token) -> bool:
    """A numeral that counts the noun it modifies: "2014 fighters". A year used as a modifier has a
    determiner or possessive before it ("the 2014 elections", "its 2015 offensive")."""
    head = tok.head
    if (
        tok.dep_ != "nummod"
        or head.i <= tok.i
        or head.pos_ != "NOUN"
        or any("\n" in t.whitespace_ or "\n" in t.text for t in tok.doc[tok.i : head.i])
    ):
        return False
    before = tok.nbor(-1) if tok.i > 0 and not tok.is_sent_start else None
    return before is None or (before.pos_ not in _DETERMINERS and before.tag_ != "POS")


def label_number(tok: Token, lex: Lexicon) -> bool:
    """A number that belongs to the name or label right before it, which the parse makes its head
    ("Resolution 1990", "Route 1990", "RTX 2060", "the Russell 2000 Index"; not "March 2012"), or that
    another number governs ("1080 x 1920"). The name of an event held that year is no label ("the Developers
    Conference 2010", "the Paris Summit 2005"). Risk: a year after another name ("WWDC 2005") is lost."""
    head = tok.head
    if head is not tok and head.like_num and tok.dep_ != "conj":
        return True
    if head.i != tok.i - 1 or not head.text[:1].isupper() or head.pos_ not in ("PROPN", "NOUN"):
        return False
    word = head.lower_.rstrip(".")
    return (
        word not in lex.months
        and word not in lex.weekdays
        and head.lemma_.lower() not in lex.words["event_nouns"]
    )


def is_quantity(tok: Token, lex: Lexicon) -> bool:
    """A number governed by a verb of change or count, directly or through a preposition: "rose to 2015",
    "a score of 2072"."""
    head = tok.head
    if head.pos_ == "ADP" and head.lower_ in ("to", "by", "from", "of"):
        head = head.head
    return head.lemma_.lower() in lex.words["quantity_lemmas"] and head.i < tok.i


def _past(verb: Token) -> bool:
    """The verb or one of its auxiliaries is in the past tense ("was due", "had left"), or a modal is
    followed by a perfect ("may have died")."""
    auxes = [c for c in verb.children if c.dep_ in _AUX]
    if verb.tag_ == "VBD" or any(a.tag_ == "VBD" for a in auxes):
        return True
    return any(a.tag_ == "MD" for a in auxes) and any(a.lemma_ == "have" for a in auxes)


def _finite(verb: Token) -> bool:
    auxes = [c for c in verb.children if c.dep_ in _AUX]
    return verb.tag_ in ("VBD", "VBZ", "VBP", "MD") or any(
        a.tag_ in ("VBD", "VBZ", "VBP", "MD") for a in auxes
    )


def _infinitive(verb: Token) -> bool:
    return any(c.dep_ == "aux" and c.tag_ == "TO" for c in verb.children)


def _temporal_clause(verb: Token) -> bool:
    """The verb heads a "when"/"once"/"until" clause of another verb: its tense follows the main clause
    ("will be infused when markets open", "would be infused when markets opened")."""
    return verb.dep_ == "advcl" and any(
        c.dep_ in ("mark", "advmod") and c.lower_ in _TEMPORAL for c in verb.children
    )


def _after_object(verb: Token) -> bool:
    """An infinitive right after its governing verb's object: "announced a meeting to be held" (the parser
    often attaches it to the verb rather than to the noun it describes)."""
    return verb.dep_ == "advcl" and any(c.dep_ == "dobj" and c.i < verb.i for c in verb.head.children)


def looks_ahead(root: Token, lex: Lexicon) -> bool:
    """The clause around a date written without a year (`root`: the expression's head token) speaks of
    what is to come: a future or modal auxiliary ("will take effect on March 3", "may be signed on
    September 12"), a verb or noun of planning ("is scheduled for Feb. 14", "a June 1 deadline"), an
    infinitive naming a planned event ("a summit to be held on May 3"), or a deadline preposition in
    a clause that is not past ("hand in their rifles by Sunday", "closed until Friday"). A past tense
    on the way up keeps the default reading ("was due to be freed in September"). A date inside a
    prepositional phrase of another noun ("after the arrest in March") does not take the verb's tense."""
    future = lex.words["future_lemmas"]
    prep = ""
    head = root.head
    if head.pos_ == "ADP" and head is not root:
        prep, head = head.lower_, head.head
    if head.pos_ in ("NOUN", "PROPN"):
        if head.lemma_.lower() in future or any(
            c.lower_ in future for c in head.children if c.dep_ == "amod"
        ):
            verb = head.head
            return not (verb.pos_ in ("VERB", "AUX") and _past(verb))
        if head.dep_ not in _ARGUMENT:
            return False
        head = head.head
    for _ in range(5):
        if head.pos_ not in ("VERB", "AUX", "ADJ"):
            return False
        if head.pos_ == "ADJ":  # "due to be freed", "the upcoming vote", "remain closed until Friday"
            if head.lower_ in future:
                copula = head.head if head.dep_ == "acomp" else head
                return not (copula.pos_ in ("VERB", "AUX") and _past(copula))
            if head.dep_ not in ("acomp", "oprd", "ccomp", "xcomp"):
                return False
            head = head.head
            continue
        if _past(head) and not _temporal_clause(head):
            return (
                False  # a temporal clause takes its time from its main clause: "would ... when they opened"
            )
        auxes = [c for c in head.children if c.dep_ in _AUX]
        # a modal of possibility on a copula ("could be to blame") is about the present; "will be" looks ahead
        copula = head.lemma_ == "be" and head.pos_ == "AUX"
        ahead = [a for a in auxes if a.lemma_.lower() in future and (not copula or a.lemma_ in _FUTURE_AUX)]
        if head.lemma_.lower() in future or ahead:
            return True
        if _infinitive(head) and (head.dep_ in ("acl", "relcl", "ccomp", "ROOT") or _after_object(head)):
            return (
                True  # "a meeting to be held on 20 March"; a headline "Crossings to remain shut until Friday"
            )
        if _finite(head) and head.dep_ not in ("advcl", "conj"):
            return prep in lex.words["deadline_preps"]
        if head.dep_ not in _SUBCLAUSE or head.head is head:
            return prep in lex.words["deadline_preps"] and not _finite(head)
        head = head.head
    return False


def generic_today(tok: Token, lex: Lexicon) -> bool:
    """ "today" meaning "nowadays": after a verb or adverb of lasting ("continues today", "still today");
    between a subject and its present-tense verb ("the camp's population today stands at", "who today
    form", "is today divided"; a present perfect is the news day: "Apple today has introduced"); in a
    comparison clause ("as it is today"); or a possessive before a proper name ("today's Syria")."""
    lasting = lex.words["lasting_lemmas"]
    head = tok.head
    if head.lemma_.lower() in lasting or (
        tok.i > 0 and not tok.is_sent_start and tok.nbor(-1).lemma_.lower() in lasting
    ):
        return True
    if tok.dep_ == "poss":
        return head.pos_ == "PROPN"
    if head.pos_ not in ("VERB", "AUX"):
        return False
    auxes = [c for c in head.children if c.dep_ in _AUX]
    present = head.tag_ in ("VBZ", "VBP") or any(a.tag_ in ("VBZ", "VBP") and a.lemma_ == "be" for a in auxes)
    if head.lemma_ == "be" and any(c.dep_ == "mark" and c.lower_ == "as" for c in head.children):
        return True
    perfect = any(a.lemma_ == "have" for a in auxes)
    subject_before = any(
        c.dep_ in ("nsubj", "nsubjpass") and c.i < tok.i for v in (head, *auxes) for c in v.children
    )
    return present and not perfect and tok.i < head.i and subject_before


def comparison(since: Token, lex: Lexicon) -> bool:
    """ "since X" in a comparison with the last time something happened names the point X, not an open
    interval: a superlative ("its lowest level since 1997", "the worst fall since 1987") or a first time
    ("the first gain since 2005"). A negated state ("has not stopped since Monday") stays open."""
    head = since.head
    if head.pos_ in ("VERB", "AUX"):  # the verb's object or predicate: "posted its first loss since 1992"
        scope = [
            g
            for c in head.children
            if c.dep_ in ("dobj", "attr", "npadvmod", "prep", "acomp")
            for g in c.subtree
        ]
    else:  # the phrase "since" modifies: "the highest since 1983", "Nikkei at lowest level since '82"
        scope = [*head.subtree, head.head]
    return any(
        t.i < since.i and (t.tag_ in ("JJS", "RBS") or t.lower_ in lex.words["comparison_words"])
        for t in scope
    )
