"""Join the mentions of one document that name one entity, and find a name's other occurrences.

`join_within_document` runs, in order:
1. an unknown place with the consonants of exactly one knowledge-base place is that place;
2. a name defined in brackets right after another ("Long Name (ACR)") is the same entity;
3. "X, also known as Y": both names are one entity;
4. a person named in full lends their surname (and a kunya its short form) to the rest of the document,
   and an unknown name is recorded at its other occurrences too (one PhraseMatcher pass over the Doc);
5. an unknown group or organisation that is the head of a linked name is that entity ("the National
   Front" after "National Front for Liberation"); "the Observatory" refers back to the one name it heads.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pipelines.entities.cues import Cues
from pipelines.entities.kb import KnowledgeBase
from pipelines.entities.matcher import WRITTEN_ARTICLES, KeyDoc, KeyMatcher, get_matcher
from pipelines.entities.mention import Mention
from pipelines.entities.ner import product_or_unit
from pipelines.entities.normalise import ARTICLE, fold_phrase

if TYPE_CHECKING:
    from collections.abc import Iterable


def join_within_document(
    text: str, mentions: list[Mention], kb: KnowledgeBase, kd: KeyDoc, cues: Cues
) -> list[Mention]:
    _close_place_variants(mentions, kb, kd)
    mentions = _parenthetical_names(text, _repeats(mentions, kd, cues))
    _also_known_as(text, mentions)
    mentions = _repeats(mentions, kd, cues)  # again: names the brackets and aliases joined or added
    return _short_forms(mentions, kd, cues)


class _Taken:
    """Which mentions cover which characters."""

    def __init__(self, mentions: Iterable[Mention]) -> None:
        self.mentions = list(mentions)

    def over(self, start: int, end: int) -> list[Mention]:
        return [m for m in self.mentions if m.start < end and start < m.end]

    def add(self, m: Mention) -> None:
        self.mentions.append(m)


def _take_identity(m: Mention, src: Mention) -> None:
    m.entity_id, m.cluster = src.entity_id, src.cluster
    if src.entity_id:
        m.method = "coreference"


def _like(src: Mention, start: int, end: int, surface: str) -> Mention:
    """A new mention at [start, end) with src's type and identity."""
    return Mention(start, end, surface, src.entity_type, src.entity_id, "coreference", src.cluster)


# --- 1. transliterations of a known place -------------------------------------------------------------
# Short vowels are not written in Arabic, so transliterations of one place differ in their vowels
# ("Jinderes" / "Jindayris" / "Jandairis", "Tell Refaat" / "Tal Rifaat"). An unknown place whose
# consonants, word by word, are those of exactly one knowledge-base place is that place.
# Risk: two places with the same consonants and different vowels; names need at least this many
# consonants (articles left out) so that short names ("Dana", "Duma") never meet this way.
SKELETON_MIN_CONSONANTS = 5
_VOWELS = re.compile(r"[aeiouy]")


def _skeleton(keys: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(_VOWELS.sub("", k) or k for k in keys if k != ARTICLE)


def _place_skeletons(kb: KnowledgeBase) -> dict[tuple[str, ...], set[str]]:
    matcher = get_matcher(kb)
    cached = getattr(matcher, "place_skeletons", None)
    if cached is None:
        cached = {}
        for e in kb.entities:
            if e.type == "location":
                for name, kind in e.names():
                    if kind != "generated":
                        cached.setdefault(_skeleton(fold_phrase(name)), set()).add(e.entity_id)
        matcher.place_skeletons = cached
    return cached


def _close_place_variants(mentions: list[Mention], kb: KnowledgeBase, kd: KeyDoc) -> None:
    index = _place_skeletons(kb)
    for m in mentions:
        if m.entity_id is not None or m.entity_type != "location":
            continue
        sk = _skeleton(kd.keys_of(m.start, m.end))
        if sum(len(w) for w in sk) < SKELETON_MIN_CONSONANTS:
            continue
        owners = index.get(sk, set())
        if len(owners) == 1:
            m.entity_id, m.cluster, m.method = next(iter(owners)), None, "coreference"


# --- 2. names defined in brackets ---------------------------------------------------------------------
# "Long Name (ACR)", "Long Name (Other Name)", "ACR (Long Name)": a name defined in brackets right
# after another names the same entity. An acronym so defined is a mention wherever the document
# writes it (case-sensitive, whole word).
_PAREN = re.compile(r"[ \u00a0]?\((?:the |The )?([^()\n]{1,80}?)\)")
_ACRONYM = re.compile(r"(?=(?:[^\W\d_]*[A-Z]){2})[A-Z][^\W\d_]{1,9}")


def _initials(name: str) -> str:
    return "".join(w[0] for w in re.split(r"[\s-]+", name) if w and w[0].isalpha()).casefold()


def _abbreviates(acronym: str, name: str) -> bool:
    """The capitals of `acronym` are, in order, initials of the words of `name` ("SOHR" of "Syrian
    Observatory for Human Rights", "KTJ" of "Katibat al-Tawhid wal-Jihad")."""
    letters = iter(_initials(name))
    return all(ch in letters for ch in (c.casefold() for c in acronym if c.isupper()))


def _defines(acronym: str, name: str) -> bool:
    return bool(_ACRONYM.fullmatch(acronym)) and _abbreviates(acronym, name)


def _same_identity(dst: Mention, src: Mention, mentions: list[Mention]) -> None:
    """Every mention of dst's identity takes src's identity."""
    old = dst.key
    for m in mentions:
        if m is dst or (old is not None and m.key == old):
            _take_identity(m, src)
            m.entity_type = src.entity_type


def _parenthetical_names(text: str, mentions: list[Mention]) -> list[Mention]:
    """Join a name and the name in brackets right after it ("Long Name (ACR)", "ACR (Long Name)", "Name
    (Other Name)"); a bracketed acronym that is no mention yet becomes one.

    Two knowledge-base entities are never joined. A place is joined only to a bracketed name the
    knowledge base does not know ("Kobani (Ain al-Arab)" style), never to a known place ("Dhiban
    (Syria)"). An unknown name is given a known entity's identity through an acronym only when the
    acronym abbreviates it ("X Brigade (HTS)" names the brigade's umbrella, not the brigade).
    Risk: a bracketed affiliation whose capitals happen to abbreviate the name before it."""
    by_span = {(m.start, m.end): m for m in mentions}
    taken = _Taken(mentions)
    out = list(mentions)
    for a in sorted(mentions, key=lambda m: m.start):
        pm = _PAREN.match(text, a.end)
        if not pm:
            continue
        y0, y1 = pm.span(1)
        inner = pm.group(1)
        b = by_span.get((y0, y1))
        if b is not None:
            # spaCy types an acronym loosely: one that abbreviates the name joins it whatever its type
            defines = _defines(b.surface, a.surface) or _defines(a.surface, b.surface)
            if (
                b.key == a.key
                or (a.entity_id and b.entity_id)
                or not (defines or b.entity_type == a.entity_type)
            ):
                continue
            if a.entity_type == "location" and b.entity_id:
                continue
            if b.entity_id and not a.entity_id:
                if b.method == "kb_acronym" and not defines:
                    continue
                _same_identity(a, b, out)
            elif b.entity_id is None:
                _same_identity(b, a, out)
            continue
        if a.entity_type not in ("armed_group", "organisation") or not _ACRONYM.fullmatch(inner):
            continue
        if not _abbreviates(inner, a.surface) or taken.over(y0, y1):
            continue
        new = _like(a, y0, y1, inner)
        out.append(new)
        taken.add(new)
    return out  # the defined acronyms' other occurrences are found with every unknown name's (_repeats)


# --- 3. also known as ---------------------------------------------------------------------------------
# "X, also known as Y", "X (aka Y)", "X, alias Y", "X, whose real name is Y", "X – called by his fighters
# Y": both names are one entity.
# "formerly" is left out: a renamed group is a distinct entity joined by a lineage (SPEC §5).
# Risk: "X, known as the Y of Z" where Y is a different entity's name is rare in edited text; two
# knowledge-base entities are never merged.
_AKA = re.compile(
    r"\s*[,(–—-]?\s*(?:also |better |more commonly |widely |locally )?"
    r"(?:known (?:to (?:his|her|their) [a-z]+ )?as|also called|nicknamed|aka|a\.k\.a\.?|alias"
    r"|whose real name is|real name|born|nom de guerre"
    r"|kunya|known (?:by|under) (?:the |his |her |a )?(?:kunya|name|alias|nom de guerre|pseudonym))"
    r"[:,]?\s*(?:the\s+)?[“\"'‘]?"
)


def _also_known_as(text: str, mentions: list[Mention]) -> None:
    """Two names joined by "also known as" and the like name one entity: the second takes the first's
    identity (or the first the second's, when only the second is in the knowledge base), at every
    mention of it in the document. Types may differ (spaCy types Arabic names loosely): a knowledge-base
    entity's type wins, else the first name's."""
    ordered = sorted(mentions, key=lambda m: m.start)
    for a, b in zip(ordered, ordered[1:], strict=False):
        if a.key is None or b.key is None or a.key == b.key or (a.entity_id and b.entity_id):
            continue
        if not _AKA.fullmatch(text[a.end : b.start]):
            continue
        src, dst = (a, b) if a.entity_id or not b.entity_id else (b, a)
        _same_identity(dst, src, mentions)


# --- 4. surnames, kunyas and repeats ------------------------------------------------------------------
def _words(m: Mention, kd: KeyDoc, cues: Cues) -> list[tuple[int, int]]:
    """Character spans of the words of a mention (tokens that have keys), generational suffixes left
    out at the end, a hyphenated written article joined to the word after it ("al-Golani")."""
    span = kd.doc.char_span(m.start, m.end, alignment_mode="expand")
    out: list[tuple[int, int]] = []
    glue = False
    for t in span or ():
        if not kd.per_token[t.i] or t.is_punct:
            glue = glue or t.text == "-"
            continue
        if glue and out and kd.text[out[-1][0] : out[-1][1]].casefold() in WRITTEN_ARTICLES:
            out[-1] = (out[-1][0], t.idx + len(t))
        else:
            out.append((t.idx, t.idx + len(t)))
        glue = False
    while out and cues.has("name_suffixes", kd.text[out[-1][0] : out[-1][1]]):
        out.pop()
    return out


def _surname_keys(m: Mention, kd: KeyDoc, cues: Cues) -> list[tuple[str, ...]]:
    """Folded keys of a person's surname: 'Abu Mohammad al-Golani' -> (al, gulani) and (gulani,)."""
    words = _words(m, kd, cues)
    if len(words) < 2:
        return []
    key = kd.keys_of(*words[-1])
    keys = [key]
    if key and key[0] == ARTICLE and len(key) > 1:
        keys.append(key[1:])
    return keys


# A title heading its phrase ("the Foreign Minister") names a person there only: it lends no surname and
# is not repeated ("Foreign Minister X" is X).
TITLE = "rule:title"


def _repeats(mentions: list[Mention], kd: KeyDoc, cues: Cues) -> list[Mention]:
    """A person named in full lends their surname to the rest of the document ("Kyle Orton" ...
    "Orton"), a full kunya name its short kunya ("Abu Qatada"); every unknown name and surname is then
    recorded at its other occurrences too. Risk: two people sharing a surname or a kunya in one
    document: a key with two owners is left alone."""
    _first_and_last_names(mentions, kd, cues)
    owners: dict[tuple[str, ...], set[tuple[str | None, str | None]]] = {}
    kunyas: dict[tuple[str, ...], set[tuple[str | None, str | None]]] = {}
    for m in mentions:
        if m.entity_type != "person" or m.method == TITLE:
            continue
        for key in _surname_keys(m, kd, cues):
            owners.setdefault(key, set()).add((m.entity_id, m.cluster))
        words = _words(m, kd, cues)
        if len(words) >= 3 and cues.has("kunya_prefixes", kd.text[words[0][0] : words[0][1]]):
            kunyas.setdefault(kd.keys_of(words[0][0], words[1][1]), set()).add((m.entity_id, m.cluster))
    names = {k: next(iter(v)) for k, v in owners.items() if len(v) == 1}
    names.update({k: next(iter(v)) for k, v in kunyas.items() if len(v) == 1 and k not in owners})
    # a one-word or short-kunya unknown name of the document that is such a name takes its identity;
    # an unknown one-word "place" or "organisation" that is a surname ("in Mayer's career") is the person
    for m in mentions:
        if m.entity_id is not None or m.cluster is None:
            continue
        key = kd.keys_of(m.start, m.end)
        one_word = len(_words(m, kd, cues)) == 1
        if key in names and (one_word or key in kunyas):
            m.entity_type = "person"
            m.entity_id, m.cluster = names[key]
            if m.entity_id:
                m.method = "coreference"
    # a knowledge-base person named by a bare kunya is the document's own "Abu X al-Y" when it names one
    # in full: the full name is the more specific ("Abu Qatada al-Baghli" ... "Abu Qatada")
    for m in mentions:
        key = kd.keys_of(m.start, m.end)
        if m.entity_type == "person" and m.entity_id and key in kunyas and len(kunyas[key]) == 1:
            eid, cluster = next(iter(kunyas[key]))
            if eid is None:
                m.entity_id, m.cluster, m.method = None, cluster, "coreference"
    # every unknown name and surname at its other occurrences
    repeats = {key: ("person", eid, cluster) for key, (eid, cluster) in names.items()}
    for m in mentions:
        if m.entity_id is None and m.cluster and m.method != TITLE:
            key = kd.keys_of(m.start, m.end)
            if key:
                repeats.setdefault(key, (m.entity_type, None, m.cluster))
    if not repeats:
        return mentions
    matcher = KeyMatcher(kd.doc.vocab)
    for key, payload in repeats.items():
        matcher.add(key, payload)
    taken = _Taken(mentions)
    for t0, t1, (etype, eid, cluster) in sorted(matcher.find(kd), key=lambda x: (x[0], -x[1])):
        first = kd.doc[t0]
        if not (first.text[:1].isupper() or (first.lower_ in WRITTEN_ARTICLES and t1 - t0 > 1)):
            continue
        if etype == "organisation" and product_or_unit(kd.doc, t0, t1):
            continue
        start, end = kd.chars(t0, t1)
        over = taken.over(start, end)
        # the document's own longer name wins over a knowledge-base name inside it, as where spaCy found
        # it ("Syria Relief Alliance" in a headline, not the "Syria Relief" the KB knows)
        inside = eid is None and all(
            start <= o.start and o.end <= end and o.end - o.start < end - start for o in over
        )
        if over and not (inside and all(o.entity_id for o in over)):
            continue
        taken.mentions = [m for m in taken.mentions if m not in over]
        taken.add(Mention(start, end, kd.text[start:end], etype, eid, "coreference", cluster))
    return taken.mentions


def _first_and_last_names(mentions: list[Mention], kd: KeyDoc, cues: Cues) -> None:
    """An unknown person named by first and last name only is the one person of the document whose
    longer name starts and ends with them ("Mahmoud al-Sweidani" ... "Mahmoud Khattab al-Sweidani").
    Risk: two relatives sharing a first and a last name in one document."""
    persons = [m for m in mentions if m.entity_type == "person" and m.entity_id is None and m.cluster]
    words = {id(m): _words(m, kd, cues) for m in persons}
    longer: dict[tuple, set[str]] = {}
    for m in persons:
        w = words[id(m)]
        if len(w) >= 3:
            longer.setdefault((kd.keys_of(*w[0]), kd.keys_of(*w[-1])), set()).add(m.cluster)
    for m in persons:
        w = words[id(m)]
        owners = longer.get((kd.keys_of(*w[0]), kd.keys_of(*w[-1])), set()) if len(w) == 2 else set()
        if len(owners) == 1 and m.cluster not in owners:
            old, new = m.cluster, next(iter(owners))
            for x in mentions:
                if x.entity_id is None and x.cluster == old:
                    x.cluster = new


# --- 5. short forms and back references ---------------------------------------------------------------
# Words after which the rest of a group or organisation name is a complement the text may drop on
# a later mention: "National Front for Liberation" ... "the National Front".
_COMPLEMENT_WORDS = ("for", "of")
_ORGS = ("armed_group", "organisation")


def _short_forms(mentions: list[Mention], kd: KeyDoc, cues: Cues) -> list[Mention]:
    """A group or organisation named in full lends the document its short forms: its words before a
    "for"/"of" complement ("Syrian Observatory for Human Rights" ... "the Syrian Observatory", "National
    Front for Liberation" ... "the National Front"), a unit's name without its group noun ("Hamza
    Division" ... "Hamza"), and its head noun after "the" when that is a
    `back_reference_heads` noun ("the Observatory"). A later unknown name that is such a short form, or
    "the <Head>" not followed by another capitalised word, is that entity. A short form two names share
    is left alone."""
    owners: dict[tuple[str, ...], dict[str, Mention]] = {}
    heads: set[tuple[str, ...]] = set()
    for m in sorted(mentions, key=lambda m: m.start):
        if m.entity_type not in _ORGS or m.key is None:
            continue
        words = list(re.finditer(r"\S+", m.surface))
        cut = next((k for k, w in enumerate(words) if k and w.group(0) in _COMPLEMENT_WORDS), len(words))
        if 2 <= cut < len(words):
            key = kd.keys_of(m.start, m.start + words[cut - 1].end())
            owners.setdefault(key, {}).setdefault(m.key, m)
        if (
            m.entity_type == "armed_group"
            and cut == len(words) >= 2
            and cues.has("group_nouns", words[-1].group(0))
        ):
            key = kd.keys_of(m.start, m.start + words[-2].end())  # "Hamza" after "Hamza Division"
            owners.setdefault(key, {}).setdefault(m.key, m)
        head = words[cut - 1] if cut >= 2 else None
        if head and cues.has("back_reference_heads", head.group(0)):
            key = kd.keys_of(m.start + head.start(), m.start + head.end())
            owners.setdefault(key, {}).setdefault(m.key, m)
            heads.add(key)
    unique = {k: next(iter(v.values())) for k, v in owners.items() if len(v) == 1}
    for m in mentions:
        src = unique.get(kd.keys_of(m.start, m.end))
        if src is not None and m.entity_id is None and m.start > src.end and m.entity_type in _ORGS:
            _take_identity(m, src)
            m.entity_type = src.entity_type
    matcher = KeyMatcher(kd.doc.vocab)
    for key in heads & set(unique):
        matcher.add(key, unique[key])
    taken = _Taken(mentions)
    out = list(mentions)
    for t0, t1, src in matcher.find(kd):
        doc = kd.doc
        after = doc[t1] if t1 < len(doc) else None
        if t0 == 0 or doc[t0 - 1].lower_ != "the" or (after is not None and after.is_title):
            continue
        start, end = kd.chars(t0, t1)
        if start > src.end and not taken.over(start, end):
            new = _like(src, start, end, kd.text[start:end])
            out.append(new)
            taken.add(new)
    return out
