"""One spaCy parse per document, stored once and handed to every extractor; a parse that fails quarantines
its document for the stage `parses` (and the extractors skip it) while the rest is written."""

import shutil

import duckdb

import pipelines.defs.nlp.assets as nlp_assets
from pipelines import settings
from pipelines.nlp import from_bytes, load_nlp

SAMPLES = sorted((settings.PROJECT_ROOT / "raw").glob("*.txt"))


def test_each_document_is_parsed_once_and_a_failing_parse_quarantines_only_its_document(
    tmp_path, run_pipeline, monkeypatch
):
    raw = tmp_path / "raw"
    raw.mkdir()
    for page in SAMPLES[:3]:
        shutil.copy(page, raw / page.name)
    bad = SAMPLES[1].stem
    real = nlp_assets.parse_documents

    def flaky(pairs, **kwargs):
        pairs = list(pairs)
        if any(doc_id == bad for doc_id, _ in pairs):
            raise RuntimeError("parser bug")
        return real(pairs, **kwargs)

    monkeypatch.setattr(nlp_assets, "parse_documents", flaky)
    warehouse = tmp_path / "wh" / "ledger.duckdb"
    assert run_pipeline(raw, warehouse).success
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        parses = con.execute("select doc_id, tokens, docbin from parses order by doc_id").fetchall()
        texts = dict(con.execute("select doc_id, clean_text from documents").fetchall())
        quarantine = con.execute("select doc_id, stage, check_name from quarantine order by stage").fetchall()
        mentioned = {r[0] for r in con.execute("select distinct doc_id from mentions").fetchall()}
    finally:
        con.close()
    assert [p[0] for p in parses] == sorted(set(texts) - {bad})
    for doc_id, tokens, blob in parses:
        (doc,) = from_bytes(bytes(blob), load_nlp())
        assert doc.text == texts[doc_id] and len(doc) == tokens and doc.ents
    assert (bad, "parses", "parser_error") in quarantine
    assert {(bad, stage) for stage in ("mentions", "dates", "figures")} <= {(q[0], q[1]) for q in quarantine}
    assert bad in texts and bad not in mentioned


def _stored_parses(con, texts: dict[str, str]) -> None:
    from pipelines.nlp import parse_documents, to_bytes

    con.execute("create or replace table parses (doc_id varchar, docbin blob)")
    for doc_id, doc in parse_documents(texts.items(), nlp=load_nlp()):
        con.execute("insert into parses values (?, ?)", [doc_id, to_bytes([doc])])


def test_a_run_deserialises_each_parse_once_and_never_serves_a_stale_one():
    from pipelines.nlp.docbin import DocCache

    con = duckdb.connect(":memory:")
    _stored_parses(con, {"a": "Fighters of the group attacked Aleppo.", "b": "Three people were killed."})
    cache = DocCache()
    first = nlp_assets.parsed_docs(con, cache)
    again = nlp_assets.parsed_docs(con, cache)
    assert set(first) == {"a", "b"} and all(again[d] is first[d] for d in first)  # the same Doc, not a copy
    assert (cache.hits, cache.misses) == (2, 2)
    _stored_parses(con, {"a": "Fighters of the group attacked Aleppo.", "b": "Four people were wounded."})
    changed = nlp_assets.parsed_docs(con, cache)
    assert changed["a"] is first["a"] and changed["b"] is not first["b"]
    assert changed["b"].text == "Four people were wounded."
    assert nlp_assets.parsed_docs(con)["b"].text == "Four people were wounded."  # no cache: read each time


def test_the_doc_cache_holds_at_most_its_token_budget():
    from pipelines.nlp.docbin import DocCache

    con = duckdb.connect(":memory:")
    _stored_parses(con, {"a": "One two three four five.", "b": "Six seven eight nine ten.", "c": "Eleven."})
    cache = DocCache(max_tokens=8)
    docs = nlp_assets.parsed_docs(con, cache)
    assert len(docs) == 3 and cache.tokens <= 8 and len(cache) < 3  # the rest is deserialised per use
    assert nlp_assets.parsed_docs(con, cache)["c"].text == "Eleven."
