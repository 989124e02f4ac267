"""One spaCy parse per document, shared by every extractor (STYLE.md, "Extractors over one parse").

`load_nlp()` loads the pinned English pipeline once per process and refuses any other model;
`parse_documents(texts)` turns (doc_id, clean_text) pairs into (doc_id, Doc) with `nlp.pipe`, offsets equal to
clean_text's, long texts parsed in paragraph-bounded pieces; `to_bytes(docs)` / `from_bytes(data, nlp)` store
parsed Docs (spaCy's DocBin) for caching. spaCy itself is imported only inside the functions that need it.
"""

from pipelines.nlp.docbin import DOC_ATTRS, from_bytes, to_bytes
from pipelines.nlp.model import MODEL, ModelMismatch, ModelSpec, check_model_meta, load_model, load_nlp
from pipelines.nlp.parse import MAX_PIECE_CHARS, parse_documents, split_long_text

__all__ = [
    "DOC_ATTRS",
    "MAX_PIECE_CHARS",
    "MODEL",
    "ModelMismatch",
    "ModelSpec",
    "check_model_meta",
    "from_bytes",
    "load_model",
    "load_nlp",
    "parse_documents",
    "split_long_text",
    "to_bytes",
]
