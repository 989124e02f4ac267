import datetime as dt

import duckdb
import pandas as pd
import pytest

from pipelines.storage.contracts import ContractError, as_date, validate
from pipelines.storage.warehouse import frame, read_table, replace_tables
from pipelines.storage.writes import _quarantine_rows, write_stage

SHA = "a" * 64


def _figure(doc, start=0, surface="300 fighters", **kw):
    row = {
        "figure_id": f"{doc}:f:{start}",
        "doc_id": doc,
        "char_start": start,
        "char_end": start + len(surface),
        "surface": surface,
        "value": 300.0,
        "low": 300.0,
        "high": 300.0,
        "qualifier": "exact",
        "category": "fighters",
        "unit": None,
    }
    row.update(kw)
    return row


def test_rewrite_replaces_rows_never_duplicates(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    rows = [_figure("d1"), _figure("d2")]
    for _ in range(3):
        write_stage(con, "figures", {"figures": rows})
    assert con.execute("select count(*) from figures").fetchone()[0] == 2


def test_failed_write_leaves_the_warehouse_as_it_was(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    write_stage(con, "figures", {"figures": [_figure("d1")]})
    bad = frame("figures", [_figure("d2")])
    bad["char_start"] = "not a number"  # DuckDB refuses the insert mid-transaction
    with pytest.raises(duckdb.Error):
        replace_tables(con, {"figures": bad})
    assert read_table(con, "figures")["doc_id"].tolist() == ["d1"]


def test_contract_failure_quarantines_only_the_broken_document(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    good, broken = _figure("good"), _figure("broken", low=500.0)  # low > value breaks the bounds contract
    report = write_stage(con, "figures", {"figures": [good, broken]}, sources={"broken": ("broken.txt", SHA)})
    assert read_table(con, "figures")["doc_id"].tolist() == ["good"]
    q = read_table(con, "quarantine")
    assert q["raw_path"].tolist() == ["broken.txt"] and q["stage"].tolist() == ["figures"]
    assert "low_le_value_le_high" in q["reason"][0]
    assert report.written["figures"] == 1


def test_quarantine_rows_of_other_stages_survive_a_stage_rewrite(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    write_stage(
        con, "documents", {}, quarantine=[{"raw_path": "x.bin", "reason": "binary", "stage": "documents"}]
    )
    write_stage(con, "figures", {"figures": [_figure("d1")]})
    assert read_table(con, "quarantine")["raw_path"].tolist() == ["x.bin"]


@pytest.mark.parametrize(
    ("change", "check"),
    [
        ({"qualifier": "roughly"}, "isin"),
        ({"category": "soldiers"}, "isin"),
        ({"surface": "300 fightersX", "char_end": 12}, "span_length_matches_surface"),
        ({"category": "other", "unit": None}, "other_has_unit"),
        ({"value": None, "low": 2000.0, "high": 100.0, "qualifier": "range"}, "low_le_value_le_high"),
    ],
)
def test_figure_contract_rejects(change, check):
    with pytest.raises(ContractError, match=check):
        validate("figures", frame("figures", [_figure("d", **change)]))


def test_figure_contract_accepts_open_bounds():
    ok = validate("figures", frame("figures", [_figure("d", high=None, qualifier="at_least")]))
    assert len(ok) == 1


def _date(doc, start, end, surface="the 1300s"):
    return {
        "date_id": f"{doc}:d:0-{len(surface)}",
        "doc_id": doc,
        "char_start": 0,
        "char_end": len(surface),
        "surface": surface,
        "date_start": start,
        "date_end": end,
        "granularity": "century",
        "resolved": True,
        "anchor": "absolute",
    }


def test_dates_of_any_year_round_trip_as_duckdb_dates(tmp_path):
    """Years outside pandas' nanosecond range (1677-2262) are written as DATE and read back unchanged."""
    path = tmp_path / "w.duckdb"
    con = duckdb.connect(str(path))
    spans = [
        (dt.date(1300, 1, 1), dt.date(1399, 12, 31)),
        (dt.date(1, 1, 1), dt.date(99, 12, 31)),
        (dt.date(9999, 12, 31), dt.date(9999, 12, 31)),
        (None, None),
    ]
    rows = [_date(f"d{i}", s, e) for i, (s, e) in enumerate(spans)]
    report = write_stage(con, "dates", {"dates": rows})
    assert report.quarantined == [] and report.written["dates"] == 4
    con.close()
    con = duckdb.connect(str(path), read_only=True)
    types = con.execute("select distinct typeof(date_start), typeof(date_end) from dates").fetchall()
    assert set(types) <= {("DATE", "DATE"), ('"NULL"', '"NULL"'), ("NULL", "NULL")}
    back = read_table(con, "dates", "order by doc_id")
    got = [(as_date(s), as_date(e)) for s, e in zip(back["date_start"], back["date_end"], strict=True)]
    assert got == spans
    first = con.execute("select date_start from dates where doc_id = 'd0'").fetchone()[0]
    assert first == dt.date(1300, 1, 1)


@pytest.mark.parametrize(
    "value",
    [dt.date(1300, 5, 1), dt.datetime(1300, 5, 1, 12), pd.Timestamp("1300-05-01"), "1300-05-01"],
)
def test_date_contract_takes_dates_datetimes_timestamps_and_iso_strings(value):
    out = validate("dates", frame("dates", [_date("d", value, dt.date(1399, 12, 31))]))
    assert out["date_start"].tolist() == [dt.date(1300, 5, 1)]


def test_a_date_out_of_pandas_range_quarantines_nothing(tmp_path):
    """One page saying 'the 1300s' used to fail the whole column's coercion: every dated document fell."""
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    rows = [
        _date("a", dt.date(2020, 1, 1), dt.date(2020, 12, 31), "2020"),
        _date("b", dt.date(1300, 1, 1), dt.date(1399, 12, 31)),
        _date("c", dt.date(2021, 3, 1), dt.date(2021, 3, 31), "March"),
    ]
    report = write_stage(con, "dates", {"dates": rows})
    assert report.quarantined == []
    assert read_table(con, "dates", "order by doc_id")["doc_id"].tolist() == ["a", "b", "c"]


def test_a_bad_date_quarantines_its_document_alone(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    rows = [
        _date("a", dt.date(2020, 1, 1), dt.date(2020, 12, 31)),
        _date("b", "the olden days", dt.date(1399, 12, 31)),
        _date("c", dt.date(1399, 12, 31), dt.date(1300, 1, 1)),  # start after end
    ]
    report = write_stage(con, "dates", {"dates": rows}, sources={"b": ("b.txt", SHA), "c": ("c.txt", SHA)})
    assert read_table(con, "dates")["doc_id"].tolist() == ["a"]
    by_doc = {q["doc_id"]: q for q in report.quarantined}
    assert set(by_doc) == {"b", "c"}
    assert by_doc["b"]["check_name"] == "dtype('calendar_date')" and "the olden days" in by_doc["b"]["sample"]
    assert by_doc["c"]["check_name"] == "start_le_end" and "start_le_end" in by_doc["c"]["reason"]


def test_a_failure_pandera_ties_to_no_row_quarantines_only_its_document(tmp_path):
    """A value that breaks a frame-level check's arithmetic is reported without a row index; validating
    each document alone finds the one to blame, and the other two are written."""
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    rows = [_figure("a"), _figure("b", char_start="twelve"), _figure("c")]
    with pytest.raises(ContractError) as caught:
        validate("figures", frame("figures", rows))
    failures = caught.value.failures
    assert failures["index"].isna().any()  # the premise: pandera names no row for part of the failure
    sources = {d: (f"{d}.txt", SHA) for d in "abc"}
    report = write_stage(con, "figures", {"figures": rows}, sources=sources)
    assert read_table(con, "figures", "order by doc_id")["doc_id"].tolist() == ["a", "c"]
    assert report.written["figures"] == 2
    q = read_table(con, "quarantine")
    assert q["doc_id"].tolist() == ["b"] and q["raw_path"].tolist() == ["b.txt"]
    assert q["stage"].tolist() == ["figures"] and q["raw_sha256"].tolist() == [SHA]
    assert "char_start" in q["reason"][0] and "figures contract failed" in q["reason"][0]
    assert q["check_name"][0] and "twelve" in q["sample"][0]


def test_duplicate_ids_across_documents_quarantine_both(tmp_path):
    """Duplicate ids across two documents: pandera names both rows, so both documents are quarantined."""
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    rows = [_figure("a"), {**_figure("b"), "figure_id": "a:f:0"}, _figure("c")]
    report = write_stage(con, "figures", {"figures": rows})
    assert read_table(con, "figures")["doc_id"].tolist() == ["c"]
    assert sorted(q["doc_id"] for q in report.quarantined) == ["a", "b"]
    assert all(q["check_name"] == "field_uniqueness" for q in report.quarantined)


def test_a_failure_no_single_document_reproduces_refuses_the_whole_frame():
    """A frame-level failure that no document's rows reproduce alone is systemic: every document of the
    frame is quarantined, each naming the check (the share-of-quarantine check then stops the run)."""
    df = frame("figures", [_figure("a"), _figure("b")])
    failures = pd.DataFrame(
        [{"schema_context": "DataFrameSchema", "column": "Figures", "check": "frame_check", "index": None}]
    )
    rows = _quarantine_rows("figures", df, failures, "figures", {"a": ("a.txt", SHA)})
    assert [(r["doc_id"], r["raw_path"], r["check_name"]) for r in rows] == [
        ("a", "a.txt", "frame_check"),
        ("b", "b", "frame_check"),
    ]
