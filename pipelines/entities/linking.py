"""Find and link the mentions of one document over its spaCy parse: knowledge-base names and spaCy's
entities merged, linked, then joined within the document (`coreference`).

Order of decisions in `find_mentions`:
1. knowledge-base alias matches (folded spelling) and acronym matches (exact, case-sensitive), one
   PhraseMatcher pass each over the Doc; overlaps: the longest span wins, an alias beats an acronym;
2. spaCy's entities (`ner`) fill the rest; one that overlaps a knowledge-base match replaces it only when
   it holds it whole and adds capitalised name words to it ("Idlib Military Council" over "Idlib"), else
   the knowledge-base match stays and records that spaCy agreed (method "ner+kb");
3. a name shared by several entities goes to the one the document names elsewhere, else to the one
   valid on the publication date (the name decides when it is specific, the date only when it is not);
4. acronyms marked `needs_support` ("IS", "HTC") stay only when the document names the entity in full
   or the words around them make a group of them ("IS fighters", "(IS)"), never in all-caps text;
5. a name the knowledge base does not know keeps spaCy's type (the type most of its mentions in the
   document have) and a provisional cluster key shared by its forms;
6. within the document: surnames, "also known as", bracketed names, short forms, back references and
   repeats join their full names (`coreference`).
"""

from __future__ import annotations

import bisect
import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipelines.entities.coreference import join_within_document
from pipelines.entities.cues import Cues, default_cues
from pipelines.entities.kb import KnowledgeBase
from pipelines.entities.matcher import AliasCandidate, KeyDoc, Matcher, RawMatch, get_matcher
from pipelines.entities.mention import Mention
from pipelines.entities.ner import name_spans, place_by_syntax
from pipelines.entities.normalise import ARTICLE, HYPHENS

if TYPE_CHECKING:
    from spacy.tokens import Doc

logger = logging.getLogger(__name__)

# Preference among the ways one written form can name several entities (most specific first); a tie
# goes to the entity listed first in the knowledge base.
KIND_RANK = {
    "canonical": 0, "alias": 0, "translation": 1, "former_name": 1, "article": 2, "generated": 2, "bare": 3,
    "acronym": 4,
}  # fmt: skip
KB_METHODS = {"alias": "kb_alias", "acronym": "kb_acronym"}


@dataclass
class _Span:
    start: int
    end: int
    candidates: tuple[AliasCandidate, ...]
    method: str  # alias | acronym | ner
    etype: str | None = None
    found_by: str | None = None  # a name span on (or inside) it: "ner:ORG", "rule:unit"
    typed_by_head: bool = False


def find_mentions(
    text: str, kb: KnowledgeBase, published: dt.date | None = None, doc: Doc | None = None
) -> list[Mention]:
    """All entity mentions of `text`, sorted by start, non-overlapping, `text[start:end] == surface`.

    `doc` is the document's one spaCy parse (pipelines/nlp); without one the text is parsed here.
    """
    if isinstance(published, dt.datetime):  # a datetime (or pandas Timestamp) is reduced to its day
        published = published.date()
    if doc is None:
        doc = _parse(text)
    if doc.text != text:
        raise ValueError("doc is not a parse of text")
    cues = default_cues()
    matcher = get_matcher(kb)
    kd = KeyDoc(doc)
    raw = [r for r in matcher.matches(kd) if r.method == "alias" or not _shouting(doc, kd.text, r, matcher)]
    chosen = _Occupied()
    for s in sorted(raw, key=lambda r: (-(r.end - r.start), r.method != "alias", r.start)):
        if not chosen.hits(s.start, s.end):
            chosen.add(_Span(s.start, s.end, s.candidates, s.method))
    _add_entities(doc, chosen, cues)
    mentions = _link(text, list(chosen.items), kb, matcher, published, cues, kd)
    _place_nouns_after(doc, mentions, kd, cues)
    mentions = join_within_document(text, mentions, kb, kd, cues)
    mentions.sort(key=lambda m: m.start)
    return mentions


def _parse(text: str) -> Doc:
    from pipelines.nlp import parse_documents

    ((_, doc),) = list(parse_documents([("", text)]))
    return doc


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


def _add_entities(doc: Doc, chosen: _Occupied, cues: Cues) -> None:
    """Merge spaCy's entities into the knowledge-base matches (decision 2 of the module's docstring)."""
    for n in name_spans(doc, cues):
        hits = chosen.hits(n.start, n.end)
        new = _Span(n.start, n.end, (), "ner", n.entity_type, n.method, n.typed_by_head)
        if not hits:
            chosen.add(new)
            continue
        if all(n.start <= h.start and h.end <= n.end for h in hits) and _adds_name_words(doc, n, hits):
            for h in hits:
                chosen.remove(h)
            chosen.add(new)
            continue
        for h in hits:  # spaCy agrees with (a part of) the knowledge-base name; a crossing span is dropped
            nested = h.start <= n.start and n.end <= h.end or n.start <= h.start and h.end <= n.end
            if nested and h.method != "ner":
                h.found_by = h.found_by or n.method


def _adds_name_words(doc: Doc, n, hits: list[_Span]) -> bool:
    """The entity holds a capitalised noun (or a number) outside the knowledge-base matches inside it:
    "Idlib Military Council" over "Idlib", not "Kurdish People's Protection Units" over the units."""
    span = doc.char_span(n.start, n.end, alignment_mode="expand")
    for t in span:
        inside = any(h.start <= t.idx < h.end for h in hits)
        if not inside and t.pos_ in _NAME_POS and (t.text[:1].isupper() or t.text[:1].isdigit()):
            return True
    return False


_NAME_POS = frozenset({"PROPN", "NOUN", "NUM"})


def _shouting(doc: Doc, text: str, match: RawMatch, matcher: Matcher) -> bool:
    """An acronym among other all-caps words ("THIS IS WAR") is shouting, not a name (`text`: doc's)."""
    line_start = text.rfind("\n", 0, match.start) + 1
    line_end = text.find("\n", match.end)
    line_end = len(text) if line_end == -1 else line_end
    span = doc.char_span(line_start, line_end, alignment_mode="contract")
    words = [t.text for t in span or () if t.is_alpha and len(t.text) >= 2]
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
    kd: KeyDoc,
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
    unknown: list[tuple[Mention, str, bool]] = []
    for s in spans:
        surface = text[s.start : s.end]
        if s.method == "ner":
            key = "-".join(k for k in kd.keys_of(s.start, s.end) if k != ARTICLE)
            m = Mention(s.start, s.end, surface, s.etype or "", None, s.found_by or "ner")
            out.append(m)
            unknown.append((m, key, s.typed_by_head))
            continue
        cand = _pick(s.candidates, kb, named, published)
        if s.method == "acronym" and (surface, cand.entity_id) in matcher.support_required:
            supported = cand.entity_id in named or cand.entity_id in acronym_named
            if not supported and not _group_context(kd, s.start, s.end, cues):
                logger.debug("acronym %r at %d not supported by the text", surface, s.start)
                continue
        entity = kb.get(cand.entity_id)
        assert entity is not None
        method = "ner+kb" if s.found_by else KB_METHODS[s.method]
        out.append(Mention(s.start, s.end, surface, entity.type, entity.entity_id, method))
    # an unknown name the model took for a person or an organisation is a place where the clause says so
    places = {r for m in out if m.entity_type == "location" if (r := _root(kd.doc, m)) is not None}
    for m, _, by_head in unknown:
        person = m.method == "ner:PERSON"
        if (
            not by_head
            and (person or m.method == "ner:ORG")
            and place_by_syntax(kd.doc, m.start, m.end, places, cues, person)
        ):
            m.entity_type = "location"
    # one unknown name, one type in a document: the type most of its mentions were given
    votes: dict[str, Counter] = {}
    for m, key, _ in unknown:
        votes.setdefault(key, Counter())[m.entity_type] += 1
    for m, key, _ in unknown:
        m.entity_type = votes[key].most_common(1)[0][0]
        m.cluster = f"new:{m.entity_type}:{key}"
    return out


# Nouns after a place's name that name the same place ("Sanliurfa province"), and modifiers a facility
# noun may take ("Tabqa military airport").
_ADMIN_NOUNS = frozenset({"province", "governorate"})
_FACILITY_MODIFIERS = frozenset({"military", "civil", "international"})


def _place_nouns_after(doc: Doc, mentions: list[Mention], kd: KeyDoc, cues: Cues) -> None:
    """A place's mention takes the noun after it when the noun is part of the name: an administrative
    noun always ("Sanliurfa province" links to the place named; "district" stays out); a facility or feature
    noun after a name the knowledge base does not know ("the Balikh valley", "Tabqa military airport":
    the bare word is no place of its own). After a known place the mention stays the known place, as the
    knowledge base's convention is."""
    starts = {m.start for m in mentions}
    for m in mentions:
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if m.entity_type != "location" or span is None or span.end >= len(doc):
            continue
        k = span.end
        if doc[k].lower_ not in _ADMIN_NOUNS:
            if m.entity_id is not None:
                continue
            while k + 1 < len(doc) and doc[k].lower_ in _FACILITY_MODIFIERS:
                k += 1
            if doc[k].lower_ not in cues.lists["place_nouns_in_name"]:
                continue
        end = doc[k].idx + len(doc[k])
        if any(m.end < s < end for s in starts):
            continue
        m.end, m.surface = end, kd.text[m.start : end]
        if m.entity_id is None:
            m.cluster = "new:location:" + "-".join(x for x in kd.keys_of(m.start, m.end) if x != ARTICLE)


def _root(doc: Doc, m: Mention) -> int | None:
    span = doc.char_span(m.start, m.end, alignment_mode="expand")
    return None if span is None else span.root.i


def _group_context(kd: KeyDoc, start: int, end: int, cues: Cues) -> bool:
    """'(IS)', '[IS]', 'IS fighters', 'IS-held', 'against IS', 'anti-IS'."""
    doc = kd.doc
    i, j = kd.start_token.get(start), kd.end_token.get(end)
    if i is None or j is None:
        return False
    before = doc[i - 1] if i > 0 else None
    after = doc[j + 1] if j + 1 < len(doc) else None
    if before is not None and after is not None and (before.text, after.text) in (("(", ")"), ("[", "]")):
        return True
    if after is not None and after.text in HYPHENS and j + 2 < len(doc):
        after = doc[j + 2]
    if before is not None and before.text in HYPHENS and i > 1:
        before = doc[i - 2]
    return bool(
        (after is not None and cues.has("group_context_after", after.lower_))
        or (before is not None and cues.has("group_context_before", before.lower_))
    )
