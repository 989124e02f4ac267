"""One parse per document: sentences, lemmas, dependencies and entities of a conflict report; offsets of
tokens are clean_text offsets; long texts are parsed in paragraph-bounded pieces into one Doc; DocBin keeps
what the extractors read."""

import pytest

from pipelines.cleaning import clean_page
from pipelines.nlp import MAX_PIECE_CHARS, from_bytes, load_nlp, parse_documents, split_long_text, to_bytes

REPORT = (
    "At least nine Syrian soldiers were killed in an attack on an army checkpoint near Idlib on Tuesday, "
    "the Syrian Observatory for Human Rights said. HTS said it had lost 16 fighters since March 2012."
)
# A page with a headline, markup, a non-breaking space and non-ASCII names: the cleaner's clean_text is
# what the parser must keep offsets of.
PAGE = """<html><head><title>Clashes near Maarrat al-Nu\u02bfman</title></head><body>
<nav><a href="/">Home</a> | <a href="/world">World</a></nav>
<article><h1>Clashes near Maarrat al-Nu\u02bfman</h1>
<p>Two civilians were wounded in Ma\u2018arrat al-Nu\u2018man on Monday,&nbsp;local sources said.</p>
<p>Four army personnel died when their vehicle hit a mine south of Aleppo, the state agency SANA reported
on 12 June 2019. Three others were taken to hospital in Hama.</p>
<p>The Turkish defence ministry said the convoy had been shelled twice since the start of the month.</p>
</article><footer>Copyright 2019 Example News. All rights reserved.</footer></body></html>"""


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def _parse_one(text: str, **kwargs):
    [(doc_id, doc)] = list(parse_documents([("d", text)], **kwargs))
    assert doc_id == "d"
    return doc


def test_a_conflict_report_has_sentences_lemmas_dependencies_and_entities():
    doc = _parse_one(REPORT)
    assert [s.text for s in doc.sents] == [
        "At least nine Syrian soldiers were killed in an attack on an army checkpoint near Idlib on Tuesday, "
        "the Syrian Observatory for Human Rights said.",
        "HTS said it had lost 16 fighters since March 2012.",
    ]
    by_text = {t.text: t for t in doc}
    assert (by_text["killed"].lemma_, by_text["soldiers"].lemma_, by_text["lost"].lemma_) == (
        "kill",
        "soldier",
        "lose",
    )
    soldiers, fighters = by_text["soldiers"], by_text["fighters"]
    assert (soldiers.dep_, soldiers.head.text) == ("nsubjpass", "killed")
    assert (by_text["nine"].dep_, by_text["nine"].head.text) == ("nummod", "soldiers")
    assert (fighters.dep_, fighters.head.text) == ("dobj", "lost")
    ents = {(e.text, e.label_) for e in doc.ents}
    assert {
        ("Syrian", "NORP"),
        ("Idlib", "GPE"),
        ("Tuesday", "DATE"),
        ("the Syrian Observatory for Human Rights", "ORG"),
        ("March 2012", "DATE"),
    } <= ents


def test_token_and_entity_offsets_are_clean_text_offsets():
    text = clean_page(PAGE, kind="html").clean_text
    assert "\u2018" in text and "\n\n" in text
    doc = _parse_one(text)
    assert doc.text == text
    for token in doc:
        assert text[token.idx : token.idx + len(token.text)] == token.text
    assert doc.ents
    for ent in doc.ents:
        assert text[ent.start_char : ent.end_char] == ent.text
    for sent in doc.sents:
        assert text[sent.start_char : sent.end_char] == sent.text


def test_documents_come_back_in_order_with_their_ids():
    texts = [(f"doc{i}", f"{i + 2} people were killed in Homs.") for i in range(5)]
    texts.insert(2, ("empty", ""))
    parsed = list(parse_documents(texts, batch_size=2))
    assert [doc_id for doc_id, _ in parsed] == [doc_id for doc_id, _ in texts]
    assert [doc.text for _, doc in parsed] == [text for _, text in texts]


def test_long_text_is_split_after_paragraph_breaks_and_rejoined():
    paragraph = "Shelling killed 3 people in Douma on Friday, rescuers said. Many more were hurt.\n\n"
    text = paragraph * 15_000  # 1.23 million characters
    assert len(text) > 1_200_000
    pieces = split_long_text(text)
    assert "".join(pieces) == text
    per_piece = MAX_PIECE_CHARS // len(paragraph)  # whole paragraphs fit in a piece
    assert len(pieces) == -(-15_000 // per_piece)
    assert all(len(p) <= MAX_PIECE_CHARS for p in pieces)
    assert all(p.endswith("\n\n") for p in pieces)


@pytest.mark.parametrize(
    ("text", "max_chars", "pieces"),
    [
        ("aaaa\nbbbb cccc", 10, ["aaaa\n", "bbbb cccc"]),  # a line break before a space
        ("aaaa bbbb cccc", 10, ["aaaa bbbb ", "cccc"]),
        ("a\n\nbbb\nccc ddd", 12, ["a\n\n", "bbb\nccc ddd"]),  # a paragraph break first, wherever it is
        ("abcdefghijkl", 5, ["abcde", "fghij", "kl"]),  # no separator: cut at the limit
        ("", 5, [""]),
    ],
)
def test_split_points(text, max_chars, pieces):
    assert split_long_text(text, max_chars) == pieces


def test_a_text_beyond_spacy_max_length_parses_without_error(nlp):
    # 1.2 million characters, mostly one long run of spaces (so the parse stays fast): more than
    # nlp.max_length, which a single nlp(text) call refuses.
    text = "Four soldiers were killed in Homs.\n\n" + " " * 1_200_000 + "\n\nTwo civilians died on Monday."
    assert len(text) > nlp.max_length
    doc = _parse_one(text)
    assert doc.text == text
    tail = next(e for e in doc.ents if e.text == "Monday")
    assert text[tail.start_char : tail.end_char] == "Monday" and tail.start_char > 1_200_000


def test_pieces_parse_like_the_whole_text():
    text = clean_page(PAGE, kind="html").clean_text
    pieces = split_long_text(text, 120)
    assert len(pieces) > 3
    whole = _parse_one(text)
    split = _parse_one(text, max_chars=120)
    assert split.text == text
    assert [t.idx for t in split] == [t.idx for t in whole]
    assert [(e.start_char, e.end_char, e.label_) for e in split.ents] == [
        (e.start_char, e.end_char, e.label_) for e in whole.ents
    ]
    piece_starts = {len("".join(pieces[:k])) for k in range(1, len(pieces))}
    assert all(token.is_sent_start for token in split if token.idx in piece_starts)


def test_docbin_round_trip_keeps_what_extractors_read(nlp):
    text = clean_page(PAGE, kind="html").clean_text
    docs = [doc for _, doc in parse_documents([("a", REPORT), ("b", text)], max_chars=150)]
    back = from_bytes(to_bytes(docs), nlp)
    assert len(back) == 2
    for doc, copy in zip(docs, back, strict=True):
        assert copy.text == doc.text
        assert [(e.start_char, e.end_char, e.label_) for e in copy.ents] == [
            (e.start_char, e.end_char, e.label_) for e in doc.ents
        ]
        assert [t.head.i for t in copy] == [t.head.i for t in doc]
        for attr in ("dep_", "lemma_", "pos_", "tag_", "is_sent_start", "idx"):
            assert [getattr(t, attr) for t in copy] == [getattr(t, attr) for t in doc], attr
        assert [str(t.morph) for t in copy] == [str(t.morph) for t in doc]
        assert [s.text for s in copy.sents] == [s.text for s in doc.sents]


def test_a_line_break_ends_a_sentence(nlp):
    """A headline, a date line and a lead paragraph are three sentences, though none ends in a full stop
    before its line break; no dependency crosses a line."""
    text = (
        "Militants seize two villages in the north\n\n"
        "Tuesday 3 March 2020\n"
        "Fighters of the group took the villages after a day of clashes. Residents fled."
    )
    doc = dict(parse_documents([("d", text)], nlp=nlp))["d"]
    sentences = [s.text.strip() for s in doc.sents]
    assert sentences == [
        "Militants seize two villages in the north",
        "Tuesday 3 March 2020",
        "Fighters of the group took the villages after a day of clashes.",
        "Residents fled.",
    ]
    assert all(token.head.sent == token.sent for token in doc)


def test_a_function_word_in_capitals_is_read_as_a_name(nlp):
    """ "IS" or "WHO" inside ordinary text is an acronym: a proper noun the parse builds on, not the verb
    "is" or the pronoun "who"; a line set in capitals and the lowercase word keep their reading."""
    doc = dict(
        parse_documents([("d", "IS fighters attacked the town, which is held by WHO staff.")], nlp=nlp)
    )["d"]
    by_text = {t.text: t for t in doc}
    assert by_text["IS"].pos_ == "PROPN" and by_text["IS"].head.text == "fighters"
    assert by_text["WHO"].pos_ == "PROPN"
    assert by_text["is"].pos_ == "AUX"
    headline = dict(parse_documents([("h", "WHAT IS LEFT OF THE TOWN\n\nResidents returned.")], nlp=nlp))["h"]
    assert headline[1].norm_ == "is"
