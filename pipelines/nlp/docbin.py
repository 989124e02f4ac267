"""Parsed Docs to bytes and back (spaCy's DocBin), for caching parses between runs: `to_bytes(docs)` keeps
the token attributes the extractors read, `from_bytes(data, nlp)` returns the Docs in the same order.
User data is not stored; the caller keeps each Doc's doc_id beside it.
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
