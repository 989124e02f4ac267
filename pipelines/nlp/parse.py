"""Parse clean texts into spaCy Docs: `parse_documents` runs `nlp.pipe` (batched, single process by
default) over (doc_id, text) pairs and yields (doc_id, Doc) in input order, each Doc's text exactly the
input text, so token.idx and span.start_char are clean_text offsets.

Long texts and memory: the parser and the entity recogniser hold some 3.5 KB per character of a batch
(measured with en_core_web_sm on news text), so a batch is bounded in characters, not only in texts. A text
above `max_chars` (MAX_PIECE_CHARS, 20,000: some 3,500 words) is cut into pieces by `split_long_text` —
after a paragraph break, else a line break, else a space, else at the limit — and the pieces' Docs are
joined with `Doc.from_docs` into one Doc of the whole text. A batch holds at most batch_size x max_chars
characters (8 x 20,000: about 550 MB above the model's 200 MB), whatever length the page caps
(settings.max_page_bytes) let through, and spaCy's `nlp.max_length` (1,000,000) is never reached. A
sentence never spans two pieces; the cleaner's paragraphs end sentences anyway.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

MAX_PIECE_CHARS = 20_000
# Cut points in order of preference; the cut falls just after the separator, so no token crosses it.
_SEPARATORS = ("\n\n", "\n", " ")


def split_long_text(text: str, max_chars: int = MAX_PIECE_CHARS) -> list[str]:
    """`text` as consecutive pieces of at most `max_chars` characters whose concatenation is `text`."""
    if max_chars < 1:
        raise ValueError(f"max_chars={max_chars} must be above 0")
    pieces, start = [], 0
    while len(text) - start > max_chars:
        end = start + max_chars
        cut = end  # no separator in the window: cut at the limit (a token may be split in two)
        for separator in _SEPARATORS:
            found = text.rfind(separator, start, end)
            if found > start:
                cut = found + len(separator)
                break
        pieces.append(text[start:cut])
        start = cut
    pieces.append(text[start:])
    return pieces


def parse_documents(
    texts: Iterable[tuple[str, str]],
    batch_size: int = 8,
    n_process: int = 1,
    nlp: Language | None = None,
    max_chars: int = MAX_PIECE_CHARS,
) -> Iterator[tuple[str, Doc]]:
    """(doc_id, text) pairs -> (doc_id, Doc), one parse per document, in input order (lazy: texts are read
    as the pipe needs them). `nlp` defaults to load_nlp(); `batch_size` counts pieces of text."""
    from spacy.tokens import Doc

    if nlp is None:
        from pipelines.nlp.model import load_nlp

        nlp = load_nlp()

    def pieces() -> Iterator[tuple[str, tuple[str, bool]]]:
        for doc_id, text in texts:
            parts = split_long_text(text, max_chars)
            for k, part in enumerate(parts):
                yield part, (doc_id, k == len(parts) - 1)

    pending: list[Doc] = []
    for doc, (doc_id, last) in nlp.pipe(pieces(), as_tuples=True, batch_size=batch_size, n_process=n_process):
        pending.append(doc)
        if last:
            yield doc_id, pending[0] if len(pending) == 1 else Doc.from_docs(pending, ensure_whitespace=False)
            pending = []
