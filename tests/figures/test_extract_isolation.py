"""One document never stops an extract stage: a real pipeline run on a temporary warehouse where the dates
extractor raises on one page. That page is quarantined at dates (and, as figures needs dates, at figures),
the other pages are written, a date of the 1300s among them, stored as a DuckDB DATE."""

import datetime as dt

import duckdb
import pytest

import pipelines.defs.extract.assets as extract_assets
from pipelines.figures import extract_figures

# Invented pages (no article's words): a title line and a short body each.
PAGES = {
    "a_citadel.txt": (
        "Old citadel restored after shelling\n\n"
        "The citadel was first rebuilt in the 1300s. Officials said 300 fighters left the old city on "
        "Monday after the truce."
    ),
    "b_crossing.txt": (
        "Families wait at the border crossing\n\n"
        "Aid workers said 7 000 people were displaced from villages near the crossing in Idlib this week, "
        "and more were expected."
    ),
    "c_camps.txt": (
        "Camps fill up in the north\n\n"
        "About 12 500 displaced people reached the camps on 3 May 2020, the agency said in a statement "
        "on Tuesday."
    ),
}
MANIFEST = "file,outlet,language,published\n" + "".join(f"{name},Test Wire,en,2020-05-06\n" for name in PAGES)
TRIGGER = "border crossing"  # only page b says it


@pytest.fixture()
def raw(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for name, text in PAGES.items():
        (raw / name).write_text(text, encoding="utf-8")
    (raw / "manifest.csv").write_text(MANIFEST, encoding="utf-8")
    return raw


def test_an_extractor_error_quarantines_its_document_and_the_rest_is_written(
    tmp_path, raw, run_pipeline, monkeypatch
):
    real = extract_assets.extract_dates

    def flaky(text, published, *args, **kwargs):
        if TRIGGER in text:
            raise RuntimeError("planted failure")
        return real(text, published, *args, **kwargs)

    monkeypatch.setattr(extract_assets, "extract_dates", flaky)
    warehouse = tmp_path / "wh" / "ledger.duckdb"
    result = run_pipeline(raw, warehouse)
    assert result.success

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        docs = dict(con.execute("select raw_path, doc_id from documents").fetchall())
        assert set(docs) == set(PAGES)
        a, b, c = (docs[name] for name in sorted(PAGES))
        q = con.execute(
            "select stage, doc_id, raw_path, reason, check_name, sample from quarantine "
            "where stage in ('mentions', 'dates', 'figures') order by stage"
        ).fetchall()
        assert [(stage, doc) for stage, doc, *_ in q] == [("dates", b), ("figures", b)]
        (_, _, path, reason, check, sample), (_, _, _, f_reason, f_check, f_sample) = q
        assert path == "b_crossing.txt" and reason == "RuntimeError: planted failure"
        assert check == "extractor_error" and "test_extract_isolation.py" in sample and "raise" in sample
        assert f_check == "upstream_quarantined" and "quarantined at dates" in f_reason
        assert f_sample.startswith("dates: RuntimeError")

        dated = {d for (d,) in con.execute("select distinct doc_id from dates").fetchall()}
        assert dated == {a, c}
        century = con.execute(
            "select date_start, date_end, granularity, typeof(date_start) from dates "
            "where surface = 'the 1300s'"
        ).fetchall()
        assert century == [(dt.date(1300, 1, 1), dt.date(1399, 12, 31), "century", "DATE")]

        figures = con.execute("select doc_id, value from figures where category != 'other'").fetchall()
        assert (c, 12500.0) in figures and (a, 300.0) in figures
        assert b not in {d for d, _ in figures}  # figures needs dates, which refused b
        mentioned = {d for (d,) in con.execute("select distinct doc_id from mentions").fetchall()}
        assert b in mentioned  # mentions does not need dates: b is not refused there
    finally:
        con.close()


def test_extract_figures_raises_instead_of_returning_nothing(monkeypatch):
    """A bug on one text surfaces (the asset quarantines the document) instead of an empty list."""

    def broken(*args, **kwargs):
        raise ValueError("planted")

    monkeypatch.setattr("pipelines.figures.extract._extract", broken)
    with pytest.raises(ValueError, match="planted"):
        extract_figures("300 fighters entered the town.")
