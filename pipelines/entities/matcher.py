"""The knowledge base's names as spaCy PhraseMatchers, built once per knowledge base, run once per Doc.

Aliases are matched on folded keys (see `normalise`): a document's tokens are folded into a parallel
Doc of keys (`KeyDoc`) and one PhraseMatcher over it finds every alias of every entity, whatever the
transliteration. Acronyms are matched by a PhraseMatcher on the exact text (case-sensitive, whole
tokens). The matcher returns candidate spans; `linking` decides overlaps and which entity wins.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pipelines.entities.kb import KnowledgeBase
from pipelines.entities.normalise import ARTICLE, fold_phrase, token_keys

if TYPE_CHECKING:
    from spacy.tokens import Doc

logger = logging.getLogger(__name__)

# An alias that starts with the article also matches without it ("al-Nusra" -> "Nusra") when the word
# left is at least this long once folded. Risk: short bare words ("Bab", "Dana") are everyday words or
# given names; those keep their article.
MIN_BARE_AFTER_ARTICLE = 5
# Articles written as a separate lower-case word before the capitalised name ("al-Qaeda", "ez-Zor").
WRITTEN_ARTICLES = frozenset({"al", "el", "ad", "as", "an", "at", "ar", "az", "ez", "ash"})


@dataclass(frozen=True)
class AliasCandidate:
    entity_id: str
    kind: str  # canonical | alias | translation | former_name | generated | bare | article | acronym


@dataclass(frozen=True)
class RawMatch:
    start: int
    end: int
    candidates: tuple[AliasCandidate, ...]
    method: str  # alias | acronym


class KeyDoc:
    """A Doc's tokens folded to keys, as a parallel Doc of one word per key, with the way back."""

    def __init__(self, doc: Doc) -> None:
        from spacy.tokens import Doc as SpacyDoc

        self.doc = doc
        self.text = doc.text  # spaCy rebuilds Doc.text from its tokens on every access: read it once
        self.per_token = token_keys(doc)
        words: list[str] = []
        self.token_of: list[int] = []
        self.whole: list[tuple[bool, bool]] = []  # does the key start / end its token's keys
        for i, keys in enumerate(self.per_token):
            for k, key in enumerate(keys):
                words.append(key)
                self.token_of.append(i)
                self.whole.append((k == 0, k == len(keys) - 1))
        self.keys = SpacyDoc(doc.vocab, words=words)
        self.start_token = {t.idx: t.i for t in doc}
        self.end_token = {t.idx + len(t): t.i for t in doc}

    def token_span(self, k0: int, k1: int) -> tuple[int, int] | None:
        """Keys [k0, k1) as tokens [t0, t1), or None when they start or end inside a fused word."""
        if not (self.whole[k0][0] and self.whole[k1 - 1][1]):
            return None
        return self.token_of[k0], self.token_of[k1 - 1] + 1

    def chars(self, t0: int, t1: int) -> tuple[int, int]:
        return self.doc[t0].idx, self.doc[t1 - 1].idx + len(self.doc[t1 - 1])

    def keys_of(self, start: int, end: int) -> tuple[str, ...]:
        """The keys of the tokens covering the characters [start, end)."""
        t0 = self.start_token.get(start)
        t1 = self.end_token.get(end)
        if t0 is None or t1 is None:
            span = self.doc.char_span(start, end, alignment_mode="expand")
            if span is None:
                return ()
            t0, t1 = span.start, span.end - 1
        return tuple(k for keys in self.per_token[t0 : t1 + 1] for k in keys)


class KeyMatcher:
    """A PhraseMatcher over KeyDocs: folded key sequences, each with a payload."""

    def __init__(self, vocab: Any) -> None:
        from spacy.matcher import PhraseMatcher
        from spacy.tokens import Doc

        self._doc, self._vocab = Doc, vocab
        self.matcher = PhraseMatcher(vocab, attr="ORTH")
        self.payloads: dict[int, Any] = {}

    def add(self, keys: tuple[str, ...], payload: Any) -> None:
        label = "k:" + " ".join(keys)
        self.matcher.add(label, [self._doc(self._vocab, words=list(keys))])
        self.payloads[self._vocab.strings[label]] = payload

    def find(self, kd: KeyDoc) -> list[tuple[int, int, Any]]:
        """(first token, end token, payload) of every match that covers whole tokens."""
        out = []
        for match_id, k0, k1 in self.matcher(kd.keys):
            span = kd.token_span(k0, k1)
            if span is not None:
                out.append((*span, self.payloads[match_id]))
        return out


class Matcher:
    """The knowledge base's aliases (folded) and acronyms (exact), as PhraseMatchers."""

    def __init__(self, kb: KnowledgeBase) -> None:
        from spacy.matcher import PhraseMatcher

        from pipelines.nlp import load_nlp

        nlp = load_nlp()
        index: dict[tuple[str, ...], dict[str, AliasCandidate]] = defaultdict(dict)
        for e in kb.entities:
            for alias, kind in e.names():
                key = fold_phrase(alias)
                if not key:
                    continue
                variants = [(key, kind)]
                if key[0] == ARTICLE and len(key) > 1 and len(key[1]) >= MIN_BARE_AFTER_ARTICLE:
                    variants.append((key[1:], "bare"))
                if key[0] != ARTICLE and len(key) == 1:  # "al-Raqqa" for "Raqqa", not "As Syria Relief"
                    variants.append(((ARTICLE, *key), "article"))
                for k, kd in variants:
                    # the first kind registered for an entity (the most specific) is kept
                    index[k].setdefault(e.entity_id, AliasCandidate(e.entity_id, kd))
        self.index = {k: tuple(v.values()) for k, v in index.items()}
        self.aliases = KeyMatcher(nlp.vocab)
        for key, cands in self.index.items():
            self.aliases.add(key, cands)
        acr: dict[str, list[tuple[str, bool]]] = defaultdict(list)
        for e in kb.entities:
            for ac in e.acronyms:
                acr[ac.form].append((e.entity_id, ac.needs_support))
        self.acronyms = dict(acr)
        self.acronym_matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        for form in self.acronyms:
            self.acronym_matcher.add(form, [nlp.make_doc(form)])
        self.support_required = {
            (form, eid) for form, lst in self.acronyms.items() for eid, needs in lst if needs
        }
        logger.debug("matcher: %d alias keys, %d acronyms", len(self.index), len(self.acronyms))

    def matches(self, kd: KeyDoc) -> list[RawMatch]:
        """Every alias match on capitalised whole words and every acronym match of the document."""
        out = []
        for t0, t1, cands in self.aliases.find(kd):
            if _capitalised(kd.doc, t0, t1):
                out.append(RawMatch(*kd.chars(t0, t1), cands, "alias"))
        for match_id, t0, t1 in self.acronym_matcher(kd.doc):
            form = kd.doc.vocab.strings[match_id]
            cands = tuple(AliasCandidate(eid, "acronym") for eid, _ in self.acronyms[form])
            out.append(RawMatch(*kd.chars(t0, t1), cands, "acronym"))
        return out


def _capitalised(doc: Doc, t0: int, t1: int) -> bool:
    """A proper name: its first word that is not a written article starts with a capital letter, or is a
    number or ordinal followed by a capitalised word ("4th Division", "25th Special Mission Forces
    Division"). Risk: "3 Brigades" would need a knowledge-base alias "3 Brigades" to match at all."""
    words = [t for t in doc[t0:t1] if not (t.is_punct or t.is_space)]
    for k, t in enumerate(words):
        if t.lower_ in WRITTEN_ARTICLES and t.text.islower():
            continue
        if t.text[:1].isdigit():
            return k + 1 < len(words) and words[k + 1].text[:1].isupper()
        return t.text[:1].isupper()
    return False


def shared_names(kb: KnowledgeBase) -> dict[tuple[str, ...], tuple[str, ...]]:
    """Written forms (folded) that name more than one entity, most specific kind only.

    Such a form is linked by the document's other names, then by the publication date, so the entities
    sharing it should not be valid over the same period (see tests/entities).
    """
    m = get_matcher(kb)
    out = {}
    for key, cands in m.index.items():
        best = [c for c in cands if c.kind not in ("article", "bare", "generated")]
        if len(best) > 1:
            out[key] = tuple(c.entity_id for c in best)
    return out


def get_matcher(kb: KnowledgeBase) -> Matcher:
    """The KB's compiled matcher, built on first use and cached on the KB object."""
    if kb._matcher is None:
        kb._matcher = Matcher(kb)
    return kb._matcher
