"""Find and link the mentions of one document: knowledge-base names, acronyms, then unknown names.

Order of decisions in `find_mentions`:
1. knowledge-base alias matches (folded spelling) and acronym matches (exact, case-sensitive);
2. overlaps: the longest span wins, an alias beats an acronym of the same length;
3. discovered unknown names (see `discovery`) fill the rest; one that overlaps a knowledge-base match
   replaces it only when it contains it and ends in a group or organisation noun ("Idlib Military
   Council");
4. a name shared by several entities goes to the one the document names elsewhere, else to the one
   valid on the publication date (the name decides when it is specific, the date only when it is not);
5. acronyms marked `needs_support` ("IS", "HTC") stay only when the document names the entity in full
   or the words around them make a group of them ("IS fighters", "(IS)"), never in all-caps text;
6. a person named in full lends their surname to the rest of the document ("Kyle Orton" ... "Mr
   Orton"); an unknown name found once by a cue is recorded at its other occurrences too;
7. a name written once and one typing slip away from a name written twice or more is that name.
"""

from __future__ import annotations

import bisect
import datetime as dt
import logging
import re
from dataclasses import dataclass
from typing import Any

from pipelines.entities.discovery import Cues, default_cues, discover
from pipelines.entities.kb import KnowledgeBase
from pipelines.entities.matcher import AliasCandidate, Matcher, RawMatch, get_matcher
from pipelines.entities.normalise import ARTICLE, fold_phrase, tokenize

logger = logging.getLogger(__name__)

# Preference among the ways one written form can name several entities (most specific first); a tie
# goes to the entity listed first in the knowledge base.
KIND_RANK = {
    "canonical": 0, "alias": 0, "translation": 1, "former_name": 1, "article": 2, "generated": 2, "bare": 3,
    "acronym": 4,
}  # fmt: skip
# Discovery cues strong enough to override a shorter knowledge-base match inside the same name.
OVERRIDING_CUES = ("group_suffix", "group_prefix", "org_suffix", "org_prefix", "agency", "facility")
# Person cues strong enough to take a one-word place name into a longer personal name: "Robert
# Jordan", "said Derek Scissors" (a given name that folds like the town of Derik). Kunyas are left
# out: "Abu Kamal" is a town. Risk: "in Idlib Ahmad said" style run-ons, rare in edited text.
PERSON_OVERRIDING_CUES = ("given_name", "speech", "title", "honorific", "apposition")
_HONORIFIC_RX = re.compile(r"(?:Mr|Mrs|Ms|Miss|Dr|Prof)\.? $")


@dataclass
class Mention:
    """One span of the text naming an entity; `entity_id` is None for a name the KB does not know."""

    start: int
    end: int
    surface: str
    entity_type: str
    entity_id: str | None
    method: str  # alias | acronym | normalised | coreference | unknown
    cluster: str | None = None  # for unlinked mentions: a key shared by the forms of one unknown name

    @property
    def key(self) -> str | None:
        """The entity id, or for an unknown name its provisional cluster key ('new:person:...')."""
        return self.entity_id or self.cluster


@dataclass
class _Span:
    start: int
    end: int
    candidates: tuple[AliasCandidate, ...]
    method: str
    etype: str | None = None
    cue: str = ""

    @property
    def length(self) -> int:
        return self.end - self.start

    def overlaps(self, other: _Span) -> bool:
        return self.start < other.end and other.start < self.end


def find_mentions(
    text: str, kb: KnowledgeBase, published: dt.date | None = None, doc: Any = None
) -> list[Mention]:
    """All entity mentions of `text`, sorted by start, non-overlapping, `text[start:end] == surface`.

    `doc` is the document's one spaCy parse (pipelines/nlp), for extractors that read it.
    """
    if isinstance(published, dt.datetime):  # a datetime (or pandas Timestamp) is reduced to its day
        published = published.date()
    matcher = get_matcher(kb)
    cues = default_cues()
    tokens = tokenize(text)
    raw = matcher.alias_matches(text, tokens) + [
        a for a in matcher.acronym_matches(text) if not _shouting(text, a, matcher)
    ]
    kb_spans = _resolve_overlaps([_Span(r.start, r.end, r.candidates, r.method) for r in raw])
    places = [(s.start, s.end) for s in kb_spans if s.method == "alias" and _all_places(s, kb)]
    spans = _add_discovered(text, kb_spans, discover(text, cues, places), kb)
    mentions = _link(text, spans, kb, matcher, published, cues)
    _close_place_variants(mentions, kb)
    _class_nouns(text, mentions)
    mentions = _parenthetical_names(text, mentions)
    _also_known_as(text, mentions, kb)  # first, so that a surname both names share has one owner
    mentions = _coreference(text, mentions, cues)
    _short_forms(mentions, kb)
    mentions = _back_references(text, mentions, cues)
    _misspellings(mentions)
    mentions.sort(key=lambda m: m.start)
    return mentions


# A place noun right after a place's name that belongs to the mention. "province"/"governorate": the
# same entity (a bare governorate name already names both, see kb/places.yaml). A facility or a feature
# after a name the knowledge base does not know ("al-Uqab prison", "the Balikh valley") is named by
# both words: the bare word is no place of its own. After a known place ("the Ghwayran prison") the
# mention stays the known place, as the knowledge base's convention is (kb/places.yaml).
_ADMIN_NOUN = re.compile(r" (?:province|governorate)\b")
_FEATURE_NOUN = re.compile(
    r" (?:(?:military |civil |international )?(?:airport|airbase|air base)"
    r"|prison|jail|valley|highway|motorway|dam)\b"
)


def _class_nouns(text: str, mentions: list[Mention]) -> None:
    starts = {m.start for m in mentions}
    for m in mentions:
        if m.entity_type != "location":
            continue
        admin = _ADMIN_NOUN.match(text, m.end)
        feature = None if admin or m.entity_id else _FEATURE_NOUN.match(text, m.end)
        hit = admin or feature
        if hit is None or any(m.end < s < hit.end() for s in starts):
            continue
        m.end = hit.end()
        m.surface = text[m.start : m.end]
        if feature:
            m.cluster = "new:location:" + "-".join(k for k in fold_phrase(m.surface) if k != ARTICLE)


class _Occupied:
    """Disjoint spans kept sorted by start, with overlap look-ups in O(log n)."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.items: list = []

    def hits(self, start: int, end: int) -> list:
        i = bisect.bisect_left(self.starts, end)
        out = []
        while i > 0 and self.items[i - 1].end > start:
            out.append(self.items[i - 1])
            i -= 1
        return out

    def add(self, item) -> None:
        i = bisect.bisect_left(self.starts, item.start)
        self.starts.insert(i, item.start)
        self.items.insert(i, item)

    def remove(self, item) -> None:
        i = self.items.index(item)
        del self.starts[i]
        del self.items[i]


def _resolve_overlaps(spans: list[_Span]) -> list[_Span]:
    chosen = _Occupied()
    for s in sorted(spans, key=lambda s: (-s.length, s.method != "alias", s.start)):
        if not chosen.hits(s.start, s.end):
            chosen.add(s)
    return list(chosen.items)


def _add_discovered(text: str, kb_spans: list[_Span], found: list, kb: KnowledgeBase) -> list[_Span]:
    spans = _Occupied()
    for s in kb_spans:
        spans.add(s)
    for d in found:
        new = _Span(d.start, d.end, (), "unknown", d.entity_type, d.cue)
        hits = spans.hits(new.start, new.end)
        if not hits:
            spans.add(new)
            continue
        contains_all = all(new.start <= h.start and h.end <= new.end for h in hits)
        overriding = d.cue in OVERRIDING_CUES or (
            d.cue in PERSON_OVERRIDING_CUES and all(_one_word_place(text, h, kb) for h in hits)
        )
        # "Abu X al-Ansari": a one-word place inside a kunya name, never at its start ("Abu Kamal")
        overriding = overriding or (
            d.cue == "kunya" and all(h.start > new.start and _one_word_place(text, h, kb) for h in hits)
        )
        if overriding and contains_all and new.length > max(h.length for h in hits):
            for h in hits:
                spans.remove(h)
            spans.add(new)
    return list(spans.items)


def _all_places(span: _Span, kb: KnowledgeBase) -> bool:
    return all((e := kb.get(c.entity_id)) is not None and e.type == "location" for c in span.candidates)


def _one_word_place(text: str, span: _Span, kb: KnowledgeBase) -> bool:
    """A knowledge-base match of one word whose every candidate is a location."""
    if span.method != "alias" or " " in text[span.start : span.end]:
        return False
    return all((e := kb.get(c.entity_id)) is not None and e.type == "location" for c in span.candidates)


def _shouting(text: str, match: RawMatch, matcher: Matcher) -> bool:
    """An acronym among other all-caps words ("THIS IS WAR") is shouting, not a name."""
    line_start = text.rfind("\n", 0, match.start) + 1
    line_end = text.find("\n", match.end)
    line = text[line_start : line_end if line_end != -1 else len(text)]
    words = re.findall(r"[^\W\d_]{2,}", line)
    caps = [w for w in words if w.isupper() and w not in matcher.acronyms]
    if caps and len(words) >= 2 and all(w.isupper() for w in words):
        return True  # a line in capitals: a heading or a table label ("TIP-INS", "HTS WINS")
    return len(caps) >= 2 and len(caps) * 2 >= len(words)


def _pick(cands: tuple[AliasCandidate, ...], kb: KnowledgeBase, named: set[str], published: dt.date | None):
    if len(cands) == 1:
        return cands[0]
    in_doc = [c for c in cands if c.entity_id in named]
    if len(in_doc) == 1:
        return in_doc[0]
    pool = list(cands)
    if published is not None:
        valid = [c for c in pool if (e := kb.get(c.entity_id)) is not None and e.valid_on(published)]
        pool = valid or pool
    return min(pool, key=lambda c: KIND_RANK.get(c.kind, len(KIND_RANK)))


def _link(
    text: str,
    spans: list[_Span],
    kb: KnowledgeBase,
    matcher: Matcher,
    published: dt.date | None,
    cues: Cues,
) -> list[Mention]:
    # entities the document names unambiguously by a full (non-acronym) name
    named = {s.candidates[0].entity_id for s in spans if s.method == "alias" and len(s.candidates) == 1}
    acronym_named = {
        s.candidates[0].entity_id
        for s in spans
        if s.method == "acronym"
        and len(s.candidates) == 1
        and (text[s.start : s.end], s.candidates[0].entity_id) not in matcher.support_required
    }
    out: list[Mention] = []
    for s in spans:
        surface = text[s.start : s.end]
        if s.method == "unknown":
            key = "-".join(k for k in fold_phrase(_strip_honorific(surface)) if k != ARTICLE)
            out.append(
                Mention(s.start, s.end, surface, s.etype or "", None, "unknown", f"new:{s.etype}:{key}")
            )
            continue
        cand = _pick(s.candidates, kb, named, published)
        if s.method == "acronym" and (surface, cand.entity_id) in matcher.support_required:
            supported = cand.entity_id in named or cand.entity_id in acronym_named
            if not supported and not _group_context(text, s.start, s.end, cues):
                logger.debug("acronym %r at %d not supported by the text", surface, s.start)
                continue
        entity = kb.get(cand.entity_id)
        assert entity is not None
        method = s.method
        if method == "alias" and cand.kind in ("article", "bare", "generated"):
            method = "normalised"
        elif method == "alias" and not _exact_alias(surface, entity):
            method = "normalised"
        out.append(Mention(s.start, s.end, surface, entity.type, entity.entity_id, method))
    return out


def _exact_alias(surface: str, entity) -> bool:
    low = surface.casefold()
    return any(low == name.casefold() for name, _ in entity.names())


def _group_context(text: str, start: int, end: int, cues: Cues) -> bool:
    """'(IS)', '[IS]', 'IS fighters', 'IS-held', 'against IS'."""
    before, after = text[max(0, start - 1) : start], text[end : end + 1]
    if (before, after) in (("(", ")"), ("[", "]")):
        return True
    nxt = re.match(r"[-‐‑ ]?([^\W\d_]+)", text[end : end + 30])
    if nxt and cues.has("group_context_after", nxt.group(1).lower()):
        return True
    prev = re.search(r"([^\W\d_]+)[-‐‑ ]$", text[max(0, start - 30) : start])
    return bool(prev and cues.has("group_context_before", prev.group(1).lower()))


def _strip_honorific(name: str) -> str:
    return re.sub(r"^(?:Mr|Mrs|Ms|Miss|Dr|Prof)\.?\s+", "", name)


# Generational suffixes are no surname: "James Kennedy Jr" ... "Kennedy".
_NAME_SUFFIXES = frozenset({"Jr", "Jr.", "Sr", "Sr.", "II", "III", "IV"})


def _surname_keys(surface: str) -> list[tuple[str, ...]]:
    """Folded keys of a person's surname: 'Abu Mohammad al-Golani' -> (al, gulani) and (gulani,)."""
    words = [w for w in _strip_honorific(surface).split() if w.rstrip(",") not in _NAME_SUFFIXES]
    if len(words) < 2:
        return []
    key = fold_phrase(words[-1])
    keys = [key]
    if key and key[0] == ARTICLE and len(key) > 1:
        keys.append(key[1:])
    return keys


# Words after which the rest of a group or organisation name is a complement the text may drop on
# a later mention: "National Front for Liberation" ... "the National Front".
_COMPLEMENT_WORDS = ("for", "of")


def _short_forms(mentions: list[Mention], kb: KnowledgeBase) -> None:
    """An unknown group or organisation name that is the head of a linked name in the same document
    (the words before its "for"/"of" complement) names that entity: "Syrian Observatory for Human
    Rights" ... "the Syrian Observatory". A head shared by two linked names stays unknown."""
    heads: dict[tuple[str, ...], set[str]] = {}
    for m in mentions:
        if m.entity_id is None or m.entity_type not in ("armed_group", "organisation"):
            continue
        words = m.surface.split()
        for k in range(2, len(words)):
            if words[k].lower() in _COMPLEMENT_WORDS:
                heads.setdefault(fold_phrase(" ".join(words[:k])), set()).add(m.entity_id)
                break
    if not heads:
        return
    for m in mentions:
        if m.entity_id is not None or m.entity_type not in ("armed_group", "organisation"):
            continue
        owners = heads.get(fold_phrase(m.surface), set())
        if len(owners) == 1:
            eid = next(iter(owners))
            entity = kb.get(eid)
            m.entity_id, m.cluster, m.method = eid, None, "coreference"
            if entity is not None:
                m.entity_type = entity.type


# A misspelt word must be at least this long (unfolded) to be recognised as a misspelling of another.
MISSPELLING_MIN_LETTERS = 4


def _one_edit(a: str, b: str) -> bool:
    """Are a and b one substitution, insertion, deletion or swap of neighbours apart (not equal)?"""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        i, j = (diff + [0, 0])[:2]
        return len(diff) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def _name_words(surface: str) -> list[tuple[str, str]]:
    """(folded key, raw word) of each word of a name, articles and honorifics left out."""
    out = []
    for word in _strip_honorific(surface).split():
        key = fold_phrase(word)
        key = tuple(k for k in key if k != ARTICLE)
        if key:
            out.append(("-".join(key), word))
    return out


def _misspellings(mentions: list[Mention]) -> None:
    """An unknown name the document writes once that is one typing slip away from a name it writes at
    least twice (same type, same number of words, one word of four or more letters differing by one
    letter, the first letters equal) is a misspelling of that name and takes its identity: "Abu Saad" x3
    ... "Abi Saaf". Risk: two different people one letter apart in one article, and one of them named
    once only."""
    counts: dict[str, int] = {}
    first: dict[str, Mention] = {}
    for m in mentions:
        if m.key:
            counts[m.key] = counts.get(m.key, 0) + 1
            first.setdefault(m.key, m)
    targets = [(m, _name_words(m.surface)) for key, m in first.items() if counts[key] >= 2]
    for m in mentions:
        if m.entity_id is not None or m.key is None or counts[m.key] != 1:
            continue
        words = _name_words(m.surface)
        found = set()
        for target, twords in targets:
            if target.entity_type != m.entity_type or len(twords) != len(words):
                continue
            diffs = [(a, b) for a, b in zip(words, twords, strict=True) if a[0] != b[0]]
            if len(diffs) != 1:
                continue
            (k1, w1), (k2, w2) = diffs[0]
            if min(len(w1), len(w2)) < MISSPELLING_MIN_LETTERS or w1[0].casefold() != w2[0].casefold():
                continue
            if _one_edit(w1.casefold(), w2.casefold()) or _one_edit(k1, k2):
                found.add((target.entity_id, target.cluster))
        if len(found) == 1:
            m.entity_id, m.cluster = next(iter(found))
            m.method = "coreference" if m.entity_id else "unknown"


def _name_start(tokens: list, i: int, j: int) -> bool:
    """The words i..j start like a name: a capital, or a written article before one ("al-Haddad")."""
    if tokens[i].text[:1].isupper():
        return True
    return tokens[i].key == ARTICLE and i < j and tokens[i + 1].text[:1].isupper()


def _coreference(text: str, mentions: list[Mention], cues: Cues) -> list[Mention]:
    # 1. surnames of persons named in full
    owners: dict[tuple[str, ...], set[tuple[str | None, str | None]]] = {}
    for m in mentions:
        if m.entity_type == "person":
            for key in _surname_keys(m.surface):
                owners.setdefault(key, set()).add((m.entity_id, m.cluster))
    surnames = {k: next(iter(v)) for k, v in owners.items() if len(v) == 1}
    # an unknown one-word "place" or "organisation" that is the surname of a person named in full
    # ("Kevin Mayer" ... "in Mayer's career") is that person: the place cue was a possessor's
    for m in mentions:
        if m.entity_id is None and m.entity_type in ("location", "organisation") and " " not in m.surface:
            key = fold_phrase(m.surface)
            if key in surnames:
                m.entity_type = "person"
                m.entity_id, m.cluster = surnames[key]
                m.method = "coreference" if m.entity_id else "unknown"
    # an unknown one-word person ("Mr Orton") takes the identity of the full name
    for m in mentions:
        if m.entity_type == "person" and m.entity_id is None:
            key = fold_phrase(_strip_honorific(m.surface))
            if key in surnames and len(_strip_honorific(m.surface).split()) == 1:
                m.entity_id, m.cluster = surnames[key]
                m.method = "coreference" if m.entity_id else "unknown"
    _short_kunyas(mentions, cues)
    # 2. unknown names found once by a cue, and surnames, at their other occurrences
    repeats: dict[tuple[str, ...], tuple[str, str | None, str | None, str]] = {}
    for m in mentions:
        if m.entity_id is None and m.cluster:
            key = fold_phrase(_strip_honorific(m.surface))
            if key and not all(cues.has("generic_words", w) for w in _strip_honorific(m.surface).split()):
                repeats.setdefault(key, (m.entity_type, None, m.cluster, "unknown"))
    for key, (eid, cluster) in surnames.items():
        repeats.setdefault(key, ("person", eid, cluster, "coreference" if eid else "unknown"))
    if not repeats:
        return mentions
    taken = _Occupied()
    for m in mentions:
        taken.add(m)
    max_len = max(len(k) for k in repeats)
    tokens = tokenize(text)
    out = list(mentions)
    i = 0
    while i < len(tokens):
        if i > 0 and tokens[i - 1].start == tokens[i].start:
            i += 1
            continue
        hit = None
        for length in range(min(max_len, len(tokens) - i), 0, -1):
            j = i + length - 1
            key = tuple(t.key for t in tokens[i : j + 1])
            if j + 1 < len(tokens) and tokens[j + 1].start == tokens[j].start:
                continue  # would end inside a fused word
            if key in repeats and _name_start(tokens, i, j):
                hit = (tokens[i].start, tokens[j].end, repeats[key])
                break
        if hit:
            start, end, (etype, eid, cluster, method) = hit
            hm = _HONORIFIC_RX.search(text[max(0, start - 6) : start])
            if hm and etype == "person":
                start -= len(hm.group(0))
            if not taken.hits(start, end):
                new = Mention(start, end, text[start:end], etype, eid, method, cluster)
                out.append(new)
                taken.add(new)
            while i < len(tokens) and tokens[i].start < end:
                i += 1
            continue
        i += 1
    return out


# "X, also known as Y", "X (aka Y)", "X, alias Y", "X, whose real name is Y": both names are one entity.
# "formerly" is left out: a renamed group is a distinct entity joined by a lineage (SPEC §5).
# Risk: "X, known as the Y of Z" where Y is a different entity's name is rare in edited text; two
# knowledge-base entities are never merged.
_AKA = re.compile(
    r"\s*[,(]?\s*(?:also |better |more commonly |widely |locally )?"
    r"(?:known as|also called|nicknamed|aka|a\.k\.a\.?|alias|whose real name is|real name|born|nom de guerre"
    r"|kunya|known (?:by|under) (?:the |his |her |a )?(?:kunya|name|alias|nom de guerre|pseudonym))"
    r"[:,]?\s*(?:the\s+)?[“\"'‘]?"
)


def _also_known_as(text: str, mentions: list[Mention], kb: KnowledgeBase) -> None:
    """Two names joined by "also known as" and the like name one entity: the second takes the first's
    identity (or the first the second's, when only the second is in the knowledge base), at every
    mention of it in the document. Names of different types are left alone."""
    ordered = sorted(mentions, key=lambda m: m.start)
    for a, b in zip(ordered, ordered[1:], strict=False):
        if a.entity_type != b.entity_type or a.key is None or b.key is None or a.key == b.key:
            continue
        if not _AKA.fullmatch(text[a.end : b.start]):
            continue
        if a.entity_id and b.entity_id:
            continue  # two knowledge-base entities: the KB decides
        src, dst = (a, b) if a.entity_id or not b.entity_id else (b, a)
        old = dst.key
        for m in mentions:
            if m.key == old:
                m.entity_id, m.cluster = src.entity_id, src.cluster
                m.method = "coreference" if src.entity_id else "unknown"


# "Long Name (ACR)", "Long Name (Other Name)", "ACR (Long Name)": a name defined in brackets right
# after another names the same entity. An acronym so defined is a mention wherever the document
# writes it (case-sensitive, whole word).
_PAREN = re.compile(r"[ \u00a0]?\((?:the |The )?([^()\n]{1,80}?)\)")
_ACRONYM = re.compile(r"(?=(?:[^\W\d_]*[A-Z]){2})[A-Z][^\W\d_]{1,9}")
_PAREN_BEFORE = re.compile(r"(?<![\w-])([A-Z][^\W\d_]{1,9}) \((?:the )?$")
_NAME_RUN = re.compile(
    r"(?:(?:al|el|ad|as|an|ar|az|ash|at)-)?[A-Z][\w'’ʿ-]*"
    r"(?: (?:(?:al|el|bin|ibn|wal|de|von|van|of|for|the|and) )*"
    r"(?:(?:al|el|ad|as|an|ar|az|ash|at|wal)-)?[A-Z0-9][\w'’ʿ-]*)+"
)
# Person names defined in brackets start with a kunya ("X Y (Abu Z)").
_KUNYA_START = re.compile(r"(?:Abu|Abou|Umm|Um|Ibn)\b")


def _like(src: Mention, start: int, end: int, surface: str) -> Mention:
    """A new mention at [start, end) with src's type and identity."""
    method = "coreference" if src.entity_id else "unknown"
    return Mention(start, end, surface, src.entity_type, src.entity_id, method, src.cluster)


def _initials(name: str) -> str:
    return "".join(w[0] for w in re.split(r"[\s-]+", name) if w and w[0].isalpha()).casefold()


def _abbreviates(acronym: str, name: str) -> bool:
    """The capitals of `acronym` are, in order, initials of the words of `name` ("SOHR" of "Syrian
    Observatory for Human Rights", "KTJ" of "Katibat al-Tawhid wal-Jihad")."""
    letters = iter(_initials(name))
    return all(ch in letters for ch in (c.casefold() for c in acronym if c.isupper()))


def _same_identity(dst: Mention, src: Mention, mentions: list[Mention]) -> None:
    """Every mention of dst's identity takes src's identity."""
    old = dst.key
    for m in mentions:
        if m is dst or (old is not None and m.key == old):
            m.entity_id, m.cluster = src.entity_id, src.cluster
            m.method = "coreference" if src.entity_id else "unknown"
            m.entity_type = src.entity_type


def _definable(inner: str, a: Mention) -> bool:
    """Can the bracketed text, which is no mention yet, be a new name of a's entity?"""
    if a.entity_type in ("armed_group", "organisation"):
        if _ACRONYM.fullmatch(inner):
            return _abbreviates(inner, a.surface)
        return bool(_NAME_RUN.fullmatch(inner))
    if a.entity_type == "person":
        return bool(_KUNYA_START.match(inner) and _NAME_RUN.fullmatch(inner))
    return False  # places: "X (Syria)" gives the country, never another name of X


def _parenthetical_names(text: str, mentions: list[Mention]) -> list[Mention]:
    """Join a name and the name defined in brackets right after (or before) it; add new ones.

    Two knowledge-base entities are never joined. A place is joined only to a bracketed name the
    knowledge base does not know ("Kobani (Ain al-Arab)" style), never to a known place ("Dhiban
    (Syria)"). An unknown name is given a known entity's identity through an acronym only when the
    acronym abbreviates it ("X Brigade (HTS)" names the brigade's umbrella, not the brigade).
    Risk: a bracketed affiliation whose capitals happen to abbreviate the name before it."""
    by_span = {(m.start, m.end): m for m in mentions}
    taken = _Occupied()
    for m in mentions:
        taken.add(m)
    out = list(mentions)
    defined: list[Mention] = []
    for a in sorted(mentions, key=lambda m: m.start):
        pm = _PAREN.match(text, a.end)
        if not pm:
            continue
        y0, y1 = pm.span(1)
        inner = pm.group(1)
        b = by_span.get((y0, y1))
        if b is not None:
            if b.entity_type != a.entity_type or b.key == a.key or (a.entity_id and b.entity_id):
                continue
            if a.entity_type == "location" and b.entity_id:
                continue
            if b.entity_id and not a.entity_id:
                if b.method == "acronym" and not _abbreviates(b.surface, a.surface):
                    continue
                _same_identity(a, b, out)
            else:
                _same_identity(b, a, out)
            continue
        if not _definable(inner, a):
            continue
        hits = taken.hits(y0, y1)
        if any(not (y0 <= h.start and h.end <= y1) or h.entity_type == a.entity_type for h in hits):
            continue  # the bracket holds a name of its own kind, or overlaps one partly
        for h in hits:
            out.remove(h)
            taken.remove(h)
        new = _like(a, y0, y1, inner)
        out.append(new)
        taken.add(new)
        defined.append(new)
    # "ACR (Long Name)"
    for b in sorted(out, key=lambda m: m.start):
        if b.entity_type not in ("armed_group", "organisation") or text[b.end : b.end + 1] != ")":
            continue
        pm = _PAREN_BEFORE.search(text, max(0, b.start - 16), b.start)
        if not pm or not _ACRONYM.fullmatch(pm.group(1)) or not _abbreviates(pm.group(1), b.surface):
            continue
        s0, s1 = pm.span(1)
        if taken.hits(s0, s1):
            continue
        new = _like(b, s0, s1, pm.group(1))
        out.append(new)
        taken.add(new)
        defined.append(new)
    # the defined names wherever else the document writes them
    for d in defined:
        for m in re.finditer(r"(?<![\w-])" + re.escape(d.surface) + r"(?![\w-])", text):
            if not taken.hits(m.start(), m.end()):
                new = Mention(m.start(), m.end(), d.surface, d.entity_type, d.entity_id, d.method, d.cluster)
                out.append(new)
                taken.add(new)
    return out


def _head_of(surface: str) -> str | None:
    """The head noun of a name: its last word, or the word before its "of"/"for" complement."""
    words = surface.split()
    for k in range(1, len(words)):
        if words[k] in _COMPLEMENT_WORDS:
            return words[k - 1]
    return words[-1] if len(words) >= 2 else None


def _back_references(text: str, mentions: list[Mention], cues: Cues) -> list[Mention]:
    """ "the Observatory" after "Syrian Observatory for Human Rights": a capitalised head noun after
    "the" refers back to the one earlier name of the document it heads. A head shared by two entities
    is left alone; so is a head followed by another capitalised word (a longer name)."""
    owners: dict[str, dict[str | None, Mention]] = {}
    for m in sorted(mentions, key=lambda m: m.start):
        if m.entity_type not in ("armed_group", "organisation") or m.key is None:
            continue
        head = _head_of(m.surface)
        if head and cues.has("back_reference_heads", head):
            owners.setdefault(head, {}).setdefault(m.key, m)
    taken = _Occupied()
    for m in mentions:
        taken.add(m)
    out = list(mentions)
    for head, by_key in owners.items():
        if len(by_key) != 1:
            continue
        src = next(iter(by_key.values()))
        for hm in re.finditer(r"\b[Tt]he (" + re.escape(head) + r")\b(?!-)(?! +[A-Z])", text):
            s0, s1 = hm.span(1)
            if s0 < src.end or taken.hits(s0, s1):
                continue
            new = _like(src, s0, s1, head)
            out.append(new)
            taken.add(new)
    return out


# Short vowels are not written in Arabic, so transliterations of one place differ in their vowels
# ("Jinderes" / "Jindayris" / "Jandairis", "Tell Refaat" / "Tal Rifaat"). An unknown place whose
# consonants, word by word, are those of exactly one knowledge-base place is that place.
# Risk: two places with the same consonants and different vowels; names need at least this many
# consonants (articles left out) so that short names ("Dana", "Duma") never meet this way.
SKELETON_MIN_CONSONANTS = 5
_VOWELS = re.compile(r"[aeiouy]")


def _skeleton(name: str) -> tuple[str, ...]:
    return tuple(_VOWELS.sub("", k) or k for k in fold_phrase(name) if k != ARTICLE)


def _place_skeletons(kb: KnowledgeBase) -> dict[tuple[str, ...], set[str]]:
    matcher = get_matcher(kb)
    cached = getattr(matcher, "place_skeletons", None)
    if cached is None:
        cached = {}
        for e in kb.entities:
            if e.type != "location":
                continue
            for name, kind in e.names():
                if kind != "generated":
                    cached.setdefault(_skeleton(name), set()).add(e.entity_id)
        matcher.place_skeletons = cached
    return cached


def _close_place_variants(mentions: list[Mention], kb: KnowledgeBase) -> None:
    """Link an unknown place to the one knowledge-base place with the same consonant skeleton."""
    index = _place_skeletons(kb)
    for m in mentions:
        if m.entity_id is not None or m.entity_type != "location":
            continue
        sk = _skeleton(m.surface)
        if sum(len(w) for w in sk) < SKELETON_MIN_CONSONANTS:
            continue
        owners = index.get(sk, set())
        if len(owners) == 1:
            m.entity_id, m.cluster, m.method = next(iter(owners)), None, "normalised"


def _short_kunyas(mentions: list[Mention], cues: Cues) -> None:
    """ "Abu X" alone after "Abu X al-Y" in the document is that person, when one person only has a
    full name starting with "Abu X". Risk: two people sharing a kunya, one of them named in full once."""
    owners: dict[tuple[str, ...], set[tuple[str | None, str | None]]] = {}
    for m in mentions:
        words = _strip_honorific(m.surface).split()
        if m.entity_type == "person" and len(words) >= 3 and cues.has("kunya_prefixes", words[0]):
            owners.setdefault(fold_phrase(" ".join(words[:2])), set()).add((m.entity_id, m.cluster))
    for m in mentions:
        if m.entity_type != "person" or m.entity_id is not None:
            continue
        found = owners.get(fold_phrase(_strip_honorific(m.surface)), set())
        if len(found) == 1:
            m.entity_id, m.cluster = next(iter(found))
            m.method = "coreference" if m.entity_id else "unknown"
