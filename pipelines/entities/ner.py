"""Name spans from the parse: spaCy's entities typed and trimmed, plus two token patterns for names the
small model leaves out (numbered units, a proper name before a place noun).

- Labels map to entity types by cues.yaml `ner_labels`; a span is trimmed to its name (no leading "the",
  title or rank, no trailing possessive), cut at brackets, possessors and line breaks; a kunya-less given
  name or an Arabic group word right before a name joins it ("Faruq Abd al-Karim al-Haddad", "Liwa
  Fursan al-Maarra").
- Head nouns type a name whatever spaCy's label (`group_nouns`, `organisation_nouns`, `facility_nouns`).
- `place_by_syntax` types an unknown name as a place from its clause: the object of a place preposition,
  a conjunct of a place, the complement of a place noun ("the villages of X").
- Entities on a line written all in capitals are left out: the model cannot read headings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipelines.entities.cues import Cues

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token


@dataclass(frozen=True)
class NameSpan:
    start: int
    end: int
    entity_type: str
    method: str  # what found it: "ner:<spaCy label>" or "rule:unit" / "rule:place_noun"
    typed_by_head: bool = False


# Words that open an entity span without being part of the name: "the United Nations", "Their General
# Security Service" (SPEC: the article is no part of a name; determiners and possessive pronouns are
# trimmed too). Risk: none; a name starting with "The" as a title is not expected.
_LEADING = frozenset({"the", "a", "an"})
# Tokens that may end a span spaCy cut short ("the District Court of"): never the end of a name.
_DANGLING_POS = frozenset({"ADP", "DET", "CCONJ", "PUNCT", "SPACE", "PART"})
# Entity labels the small model gives unknown place names it cannot read ("stopped in Tarvenik" as a
# product): a proper noun with one of these (or none) may still be a place. Risk: "in Windows".
_NO_NAME_LABELS = frozenset({"", "PRODUCT", "WORK_OF_ART"})
_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)")
_WRITTEN_ARTICLES = frozenset({"al", "el", "ad", "as", "an", "at", "ar", "az", "ez", "ash"})


def name_spans(doc: Doc, cues: Cues) -> list[NameSpan]:
    """The document's names, typed, non-overlapping (the longer of two overlapping spans wins)."""
    text = doc.text  # spaCy rebuilds Doc.text from its tokens on every access: read it once
    found = _patterns(doc, cues, text)  # first: at equal length a pattern (which read the noun after) wins
    lower = {t.text for t in doc if t.is_lower}
    for ent in doc.ents:
        etype = cues.ner_labels.get(ent.label_)
        if etype is None:
            continue
        for piece in _pieces(ent, cues):
            tokens = _trim(piece, cues, ent.label_ == "PERSON", lower)
            named_by = _demonym_word if ent.label_ == "NORP" else _name_word
            if not any(named_by(t) for t in tokens) or unreadable_line(text, tokens[0].idx):
                continue  # no name word: no name ("jihadists", "Counting"); or a heading
            t0 = _extend_left(doc, tokens[0].i, cues, ent.label_ == "PERSON", lower)
            t1 = tokens[-1].i + 1
            if ent.label_ == "NORP":
                etype = _group_or_country(doc[t0:t1], etype)
            named = _typed(doc[t0:t1], etype, f"ner:{ent.label_}", cues)
            if not (ent.label_ == "ORG" and not named.typed_by_head and product_or_unit(doc, t0, t1)):
                found.append(named)
    out: list[NameSpan] = []
    for n in sorted(found, key=lambda n: (n.start - n.end, n.start)):
        if not any(n.start < o.end and o.start < n.end for o in out):
            out.append(n)
    return sorted(out, key=lambda n: n.start)


def _group_or_country(span: Span, etype: str) -> str:
    """A nationality or group word that heads its noun phrase names the people ("Syrians", "the Kurds":
    an organisation, as a group of people is typed); one that modifies a noun names where they are from
    ("German airline", "Iraqi forces": its `ner_labels` type, a place)."""
    head = span.root
    return "organisation" if head.pos_ in {"NOUN", "PROPN"} and head.dep_ not in _MODIFIER_DEPS else etype


# Dependencies of a word that modifies the noun after it ("the [Syrian] people", "[Kurdish] fighters").
_MODIFIER_DEPS = frozenset({"amod", "compound", "nmod", "nummod", "poss"})


def _demonym_word(t: Token) -> bool:
    """A capitalised word of a nationality, religious or political group, which the tagger reads as an
    adjective ("German", "Sunni") or a noun ("Syrians") as often as a proper noun."""
    return t.pos_ in {"PROPN", "ADJ", "NOUN"} and t.text[:1].isupper() and t.is_alpha


def _name_word(t: Token) -> bool:
    """A capitalised proper noun, or an acronym (which the tagger often reads as a common noun)."""
    return (t.pos_ == "PROPN" and t.text[:1].isupper()) or (t.is_upper and t.is_alpha and len(t) >= 2)


def product_or_unit(doc: Doc, t0: int, t1: int) -> bool:
    """A maker's name before a model number or a product the model found ("the Airbus A380", also as a
    repeat), or words a number counts ("16:00 UTC"): a product or a unit, no organisation. Units with a
    number ("Brigade 313") are typed by their head noun before this is asked."""
    prev, nxt = (doc[t0 - 1] if t0 else None), (doc[t1] if t1 < len(doc) else None)
    if prev is not None and prev.pos_ == "NUM" and prev.dep_ == "nummod" and t0 <= prev.head.i < t1:
        return True
    model = nxt is not None and (
        any(c.isdigit() for c in nxt.text) or nxt.ent_iob_ + nxt.ent_type_ == "BPRODUCT"
    )
    return model and doc[t1 - 1].whitespace_ == " "


# Short words a title-case headline leaves in lower case.
_SMALL_WORDS = frozenset({"a", "an", "the", "of", "in", "on", "for", "and", "to", "at", "by", "with", "as"})


def unreadable_line(text: str, pos: int) -> bool:
    """The line of the document's `text` holding `pos` is a heading the model cannot read names in: two or
    more words, all in capitals, or four or more, every one but the small words capitalised ("The Prisoner
    Exchange Talks Resume In Geneva"). Only the knowledge base names things there."""
    a = text.rfind("\n", 0, pos) + 1
    b = text.find("\n", pos)
    words = re.findall(r"[^\W\d_][\w'’-]*", text[a : b if b != -1 else len(text)])
    if len(words) >= 2 and all(w.isupper() for w in words if len(w) > 1):
        return True
    return len(words) >= 4 and all(w[:1].isupper() or w in _SMALL_WORDS for w in words)


def _possessive(t: Token) -> bool:
    """A possessive marker: "'s", or an apostrophe the parser attaches to the word before it."""
    if t.tag_ == "POS":
        return True
    prev = t.doc[t.i - 1] if t.i > 0 else None
    attached = prev is not None and prev.whitespace_ == "" and t.text in ("'", "’")
    return attached and (t.head.i == t.i - 1 or prev.dep_ == "poss")


def _inner_possessive(doc: Doc, t: Token, cues: Cues) -> bool:
    """A plural possessive before a group or organisation noun belongs to the name ("Workers' Party",
    "the Raqqa Revolutionaries' Brigade"); any other possessive ends the possessor's name."""
    after = doc[t.i + 1].text
    plural = doc[t.i - 1].text.endswith("s") and t.text in ("'", "’")
    return plural and (cues.has("group_nouns", after) or cues.has("organisation_nouns", after))


def _pieces(ent: Span, cues: Cues) -> list[list[Token]]:
    """The entity's tokens cut at line breaks and brackets (a headline run into the body, "Palestine
    Branch (Branch 235)" are two names) and after a possessor: in "the Uighurs’ Turkistan Islamic Party"
    the name is what the possessive leads to."""
    pieces: list[list[Token]] = [[]]
    for t in ent:
        if (t.is_space and "\n" in t.text) or t.text in "()[]":
            pieces.append([])
        elif _possessive(t) and t.i + 1 < ent.end and not _inner_possessive(ent.doc, t, cues):
            pieces[-1] = []  # the possessor is another name (or none)
        else:
            pieces[-1].append(t)
    return [p for p in pieces if p]


def _trim(tokens: list[Token], cues: Cues, person: bool, lower: set[str]) -> list[Token]:
    """The name inside an entity span: leading articles, determiners and possessive pronouns, titles and
    ranks (before a person), and a sentence's first word that the document also writes in lower case
    ("Overnight Ahmad Qurbani") go; so do a trailing possessive and dangling function words."""
    i, j = 0, len(tokens)
    while i < j and (tokens[i].lower_ in _LEADING or tokens[i].pos_ in ("PUNCT", "SPACE", "DET", "PRON")):
        i += 1
    last = tokens[j - 1].text
    unit = any(cues.has(k, last) for k in ("group_nouns", "organisation_nouns", "facility_nouns"))
    if j - i > 2 and tokens[i].is_sent_start and tokens[i].lower_ in lower and not unit:
        i += 1  # a unit keeps its first word: "Green Valley Brigade" though the hills are green
    while person and j - i > 1 and cues.has("title_words", tokens[i].text):
        i += 1
    while j > i and (tokens[j - 1].pos_ in _DANGLING_POS or tokens[j - 1].text in ("'s", "’s")):
        j -= 1
    return tokens[i:j]


def _extend_left(doc: Doc, t0: int, cues: Cues, person: bool, lower: set[str]) -> int:
    """An Arabic group word right before a name opens it ("Liwa" + "Fursan al-Maarra"); a person's name
    that the model starts one word after a sentence's first word takes that word when it is a proper
    noun the document never writes in lower case ("Faruq" + "Abd al-Karim al-Haddad", not "Overnight").
    Risk: a capitalised sentence opener used nowhere else in lower case."""
    prev = doc[t0 - 1] if t0 > 0 else None
    if prev is None or prev.whitespace_ != " " or prev.ent_type_ or not prev.is_title:
        return t0
    if cues.has("group_prefixes", prev.text):
        return t0 - 1
    line_start = prev.i == 0 or "\n" in doc[prev.i - 1].text
    opener = (prev.is_sent_start or line_start) and prev.pos_ == "PROPN" and prev.lower_ not in lower
    if person and opener and not cues.has("title_words", prev.text):
        return t0 - 1
    return t0


def _head_type(span: Span, cues: Cues) -> str | None:
    """The type a name's head noun gives: a unit is an armed group ("Hamza Division", "Army of
    Conquest", "Liwa al-X"), a ministry or court an organisation, a hospital or prison a place."""
    heads = (span.root.text, span[-1].text)
    if any(cues.has("group_nouns", h) for h in heads):
        return "armed_group"
    if len(span) >= 2 and cues.has("group_prefixes", span[0].text):
        return "armed_group"
    if any(cues.has("organisation_nouns", h) for h in heads):
        return "organisation"
    if len(span) >= 2 and cues.has("facility_nouns", span[-1].text):  # not "Hall of Fame"
        return "location"
    return None


def _typed(span: Span, etype: str, method: str, cues: Cues) -> NameSpan:
    head = _head_type(span, cues)
    return NameSpan(span.start_char, span.end_char, head or etype, method, head is not None)


def _patterns(doc: Doc, cues: Cues, text: str) -> list[NameSpan]:
    """Numbered units ("the 17th Division", "Brigade 414", "the 7th Criminal Senate") and a proper name
    before a place noun ("Roj camps", "al-Uqab prison": the noun is part of the name when it is a
    facility or a feature, cues.yaml `place_nouns_in_name`)."""
    out = []
    units = cues.lists["group_nouns"] | cues.lists["unit_nouns"]
    n = len(doc)
    for i, t in enumerate(doc):
        # [ordinal] Capitalised* UnitNoun [number]
        if t.text in units and t.is_title:
            a = i
            while a > 0 and doc[a - 1].whitespace_ == " " and _unit_word(doc[a - 1]):
                a -= 1
            ordinal = any(_is_ordinal(doc[k]) for k in range(a, i))
            number = i + 1 < n and t.whitespace_ == " " and doc[i + 1].is_digit
            if ordinal or number:
                out.append(_typed(doc[a : i + 2 if number else i + 1], "armed_group", "rule:unit", cues))
        # an honorific before a name the model left untagged: "Mr Tarrant" (the name is "Tarrant")
        if cues.has("honorifics", t.text) and i + 1 < n and not doc[i + 1].ent_type_:
            end = _name_run_end(doc, i + 1)
            if end > i + 1:
                out.append(
                    NameSpan(doc[i + 1].idx, doc[end - 1].idx + len(doc[end - 1]), "person", "rule:honorific")
                )
        # a title that is the head of its noun phrase names the person holding it ("the Foreign Minister
        # said", "Prime Minister-designate"); before a name ("Foreign Minister X") it is no part of the name
        if _title_head(t, cues) and not unreadable_line(text, t.idx):
            a = min((c.i for c in t.lefts if c.is_title and c.pos_ != "DET"), default=i)
            out.append(NameSpan(doc[a].idx, t.idx + len(t), "person", "rule:title"))
        # an Arabic group word opening a name: "Liwa Suqur al-Jabal", "Katibat Sayf' al-Haqq"
        if cues.has("group_prefixes", t.text) and (i == 0 or not doc[i - 1].is_title):
            end = _name_run_end(doc, i + 1)
            if end > i + 1:
                out.append(_typed(doc[i:end], "armed_group", "rule:group_word", cues))
        # Proper* place-noun
        if (
            t.lower_ in cues.lists["place_nouns"]
            and i > 0
            and doc[i - 1].pos_ == "PROPN"
            and doc[i - 1].is_title
        ):
            a = i - 1
            while a > 0 and (
                (doc[a - 1].pos_ == "PROPN" and doc[a - 1].is_title and doc[a - 1].whitespace_ == " ")
                or (doc[a - 1].text == "-" and a > 1 and doc[a - 2].lower_ in _WRITTEN_ARTICLES)
            ):
                a -= 2 if doc[a - 1].text == "-" else 1
            end = i + 1 if t.lower_ in cues.lists["place_nouns_in_name"] else i
            span = doc[a:end]
            kinds = {tok.ent_type_ for tok in span}
            named_after = t.lower_ in cues.lists["place_nouns_named_after_people"] and "PERSON" in kinds
            if not named_after and not kinds & {"DATE", "TIME", "NORP"}:
                out.append(NameSpan(span.start_char, span.end_char, "location", "rule:place_noun"))
        # a proper noun no entity holds, the object of a place preposition ("stopped in Tarvenik")
        if (
            t.dep_ == "pobj"
            and t.pos_ == "PROPN"
            and t.is_title
            and t.ent_type_ in _NO_NAME_LABELS
            and t.head.lower_ in cues.lists["place_prepositions"]
        ):
            a = i
            while (
                a > 0
                and doc[a - 1].pos_ == "PROPN"
                and doc[a - 1].is_title
                and doc[a - 1].ent_type_ in _NO_NAME_LABELS
            ):
                a -= 1
            if doc[a - 1].i == t.head.i if a > 0 else False:
                out.append(NameSpan(doc[a].idx, t.idx + len(t), "location", "rule:place_prep"))
    return out


def _title_head(t: Token, cues: Cues) -> bool:
    """A capitalised singular title word heading its noun phrase: no compound of a name or of another noun
    (but "Minister-designate"), no part of an entity the model found. Risk: few; a company's "President"."""
    if not (cues.has("title_words", t.text) and t.is_title and t.tag_ in ("NN", "NNP") and not t.ent_type_):
        return False
    nxt = t.doc[t.i + 1] if t.i + 1 < len(t.doc) else None
    return t.dep_ != "compound" or (nxt is not None and nxt.text == "-" and t.whitespace_ == "")


def _name_run_end(doc: Doc, k: int) -> int:
    """The end of a run of name words from token k: capitalised words, written articles joined by a
    hyphen ("al-Jabal"), an apostrophe standing for an ʿayn or hamza ("Sayf'")."""
    n = len(doc)
    while k < n:
        t = doc[k]
        if t.is_title and not t.is_sent_start and t.pos_ in ("PROPN", "NOUN", "ADJ"):
            k += 1
        elif t.lower_ in _WRITTEN_ARTICLES and k + 2 < n and doc[k + 1].text == "-" and doc[k + 2].is_title:
            k += 3
        elif (
            t.text in ("'", "’")
            and doc[k - 1].whitespace_ == ""
            and k + 1 < n
            and doc[k + 1].lower_ in _WRITTEN_ARTICLES
        ):
            k += 1
        else:
            break
    return k


def _is_ordinal(t: Token) -> bool:
    """ "17th", or a capitalised ordinal word ("First", "Third": spaCy's like_num reads them)."""
    return bool(_ORDINAL.fullmatch(t.text)) or (t.is_title and (t.ent_type_ == "ORDINAL" or t.like_num))


def _unit_word(t: Token) -> bool:
    """A word that may stand in a unit's name before its noun: an ordinal, a capitalised proper noun or
    adjective ("the 9th Rapid Support Brigade"), never a date or an article."""
    if _is_ordinal(t):
        return True
    return t.is_title and t.pos_ in ("PROPN", "ADJ") and t.ent_type_ not in ("DATE", "TIME", "PERSON")


def place_by_syntax(doc: Doc, start: int, end: int, locations: set[int], cues: Cues, person: bool) -> bool:
    """The clause makes the name at [start, end) a place: it is the object of a place preposition ("in
    X", "near X"), the complement of a place noun ("the villages of X"), the place people moved from
    ("fled from X"), or a conjunct of a known place ("Delft and X"). `locations` holds the root token
    indexes of the document's place mentions. A preposition alone retypes only what the model took for
    a person (`person`): an organisation is often "in" or "at" something ("in Congress").
    Risk: "in Smith's view" (a possessor is no object) and "near John" style objects that are people are
    rare in news."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return False
    root = span.root
    first = root
    while first.dep_ == "conj" and first.head.i != first.i:
        first = first.head
    conjuncts = [first, *first.conjuncts]
    if any(c.i in locations for c in conjuncts if c.i != root.i):
        return True
    if first.dep_ != "pobj":
        return False
    prep = first.head
    if person and prep.lower_ in cues.lists["place_prepositions"]:
        return True
    if prep.lower_ == "of" and prep.head.lemma_.lower() in cues.lists["place_class_nouns"]:
        return True
    return prep.lower_ == "from" and prep.head.lemma_.lower() in cues.lists["movement_verbs"]
