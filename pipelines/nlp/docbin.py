"""Parsed Docs to bytes and back (spaCy's DocBin), for storing parses in the warehouse: `to_bytes(docs)` keeps
the token attributes the extractors read, `from_bytes(data, nlp)` returns the Docs in the same order.
User data is not stored; the caller keeps each Doc's doc_id beside it. `DocCache` holds a run's
deserialised Docs so that every extractor of the run reads the same Doc, deserialised once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

# What the extractors read of a token (DocBin always adds the text and the whitespace after each token):
# lemma, coarse and fine POS, morphology (number, tense: "soldier" vs "soldiers"), the dependency arc,
# named entities, and sentence starts.
DOC_ATTRS = ("ORTH", "LEMMA", "POS", "TAG", "MORPH", "DEP", "HEAD", "ENT_IOB", "ENT_TYPE", "SENT_START")


def to_bytes(docs: Iterable[Doc]) -> bytes:
    from spacy.tokens import DocBin

    store = DocBin(attrs=list(DOC_ATTRS), store_user_data=False)
    for doc in docs:
        store.add(doc)
    return store.to_bytes()


def from_bytes(data: bytes, nlp: Language) -> list[Doc]:
    """The Docs stored by to_bytes, on `nlp`'s vocabulary, in the order they were added."""
    from spacy.tokens import DocBin

    return list(DocBin().from_bytes(data).get_docs(nlp.vocab))


class DocCache:
    """A run's deserialised Docs, so that each stored parse is turned back into a Doc once per run and
    shared by every extractor that reads it (spaCy's idiom: components share one Doc and only read it).

    Keyed by doc_id and a digest of the stored bytes, so a parse written again (another model, a re-run
    of the parse step) is never served stale. Bounded: once `max_tokens` tokens are held, further Docs
    are deserialised on each use instead of kept. Lives as long as the run (the warehouse resource holds
    one from setup to teardown); nothing is kept across runs.
    """

    def __init__(self, max_tokens: int = 2_000_000):
        self.max_tokens = max_tokens
        self.tokens = 0
        self.hits = 0
        self.misses = 0
        self._docs: dict[tuple[str, str], Doc] = {}

    def get(self, key: tuple[str, str]) -> Doc | None:
        doc = self._docs.get(key)
        if doc is None:
            self.misses += 1
        else:
            self.hits += 1
        return doc

    def put(self, key: tuple[str, str], doc: Doc) -> None:
        if key in self._docs or self.tokens + len(doc) > self.max_tokens:
            return
        self._docs[key] = doc
        self.tokens += len(doc)

    def clear(self) -> None:
        self._docs.clear()
        self.tokens = 0

    def __len__(self) -> int:
        return len(self._docs)
