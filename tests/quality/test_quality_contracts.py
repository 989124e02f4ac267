"""Referential-integrity and span contracts at write time, the figure_flags / dq_results contracts, and the
dq_results writer."""

import datetime as dt

import duckdb
import pytest

from pipelines.quality.results import check_row, record_check_results
from pipelines.storage.contracts import REFERENCES, ContractError, validate
from pipelines.storage.warehouse import frame, read_table
from pipelines.storage.writes import write_stage

SHA = "b" * 64
TEXT = "Officials said 300 fighters were in Idlib, including 40 foreigners."


@pytest.fixture()
def con(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    write_stage(
        con,
        "documents",
        {
            "documents": [
                {
                    "doc_id": d,
                    "clean_text": TEXT,
                    "paywall_truncated": False,
                    "raw_path": f"{d}.txt",
                    "raw_sha256": SHA,
                }
                for d in ("d1", "d2")
            ]
        },
    )
    write_stage(
        con,
        "entities",
        {"entities": [{"entity_id": "loc:idlib", "name": "Idlib", "type": "location"}]},
    )
    write_stage(
        con,
        "dates",
        {
            "dates": [
                {
                    "date_id": "d2:d:0-9",
                    "doc_id": "d2",
                    "char_start": 0,
                    "char_end": 9,
                    "surface": TEXT[0:9],
                    "granularity": "day",
                    "resolved": False,
                }
            ]
        },
    )
    yield con
    con.close()


def figure(doc="d1", surface="300 fighters", **kw):
    start = TEXT.find(surface)
    row = {
        "figure_id": f"{doc}:f:{kw.get('char_start', start)}",
        "doc_id": doc,
        "char_start": start,
        "char_end": start + len(surface),
        "surface": surface,
        "value": 300.0,
        "low": 300.0,
        "high": 300.0,
        "qualifier": "exact",
        "category": "fighters",
    }
    row.update(kw)
    return row


GOOD = figure(location_entity_id="loc:idlib")


@pytest.mark.parametrize(
    ("broken", "reason"),
    [
        (figure(doc="d9"), "doc_id: in documents.doc_id"),
        (figure(actor_entity_id="grp:nobody"), "actor_entity_id: in entities.entity_id"),
        (figure(location_entity_id="loc:atlantis"), "location_entity_id: in entities.entity_id"),
        (figure(part_of_figure_id="d2:f:15"), "part_of_figure_id: figures of the same document"),
        (figure(repeat_of_figure_id="d1:f:999"), "repeat_of_figure_id: in figures.figure_id"),
        (figure(date_id="d2:d:0-9"), "date_id: dates of the same document"),
        (figure(surface="300 fighters", char_start=1, char_end=13), "surface == clean_text"),
        (figure(char_start=60, char_end=72, surface="x" * 12), "offsets inside clean_text"),
    ],
)
def test_rows_pointing_at_nothing_are_quarantined(con, broken, reason):
    other = figure(doc="d2")  # d2's own figure, which d1's part_of must not point at
    rows = [broken, other] if broken["doc_id"] != "d2" else [broken]
    report = write_stage(
        con, "figures", {"figures": rows}, sources={"d1": ("d1.txt", SHA)}, references=REFERENCES
    )
    kept = read_table(con, "figures")["doc_id"].tolist()
    assert broken["doc_id"] not in kept
    assert report.quarantined and reason in report.quarantined[0]["reason"]
    assert "references failed" in report.quarantined[0]["reason"]


def test_rows_that_point_at_real_rows_are_written(con):
    whole = figure(location_entity_id="loc:idlib")
    part = figure(
        surface="40 foreigners", value=40.0, low=40.0, high=40.0, part_of_figure_id=whole["figure_id"]
    )
    dated = figure(doc="d2", date_id="d2:d:0-9")
    report = write_stage(con, "figures", {"figures": [whole, part, dated]}, references=REFERENCES)
    assert report.quarantined == []
    assert len(read_table(con, "figures")) == 3


@pytest.mark.parametrize(
    ("other", "written"),
    [
        ("d1:f:15", True),  # a figure of a document this write does not replace
        ("d1:f:999", False),  # no such figure
    ],
)
def test_an_incremental_write_finds_references_into_other_documents(con, other, written):
    write_stage(con, "figures", {"figures": [figure(), figure(doc="d2")]}, references=REFERENCES)
    flag = {
        "figure_id": "d2:f:15",
        "doc_id": "d2",
        "check_name": "syndicated_copies_counted_once",
        "severity": "WARN",
        "reason": "copy",
        "other_figure_id": other,
    }
    report = write_stage(con, "figure_flags", {"figure_flags": [flag]}, references=REFERENCES, docs={"d2"})
    assert (len(read_table(con, "figure_flags")) == 1) is written
    assert bool(report.quarantined) is not written


def test_without_references_the_write_behaves_as_before(con):
    write_stage(con, "figures", {"figures": [figure(doc="d9")]})
    assert read_table(con, "figures")["doc_id"].tolist() == ["d9"]


@pytest.mark.parametrize(
    ("row", "ok"),
    [
        ({"entity_id": "loc:idlib"}, True),
        ({"entity_id": None}, True),  # an unknown name is allowed, unlinked
        ({"entity_id": "loc:nowhere"}, False),
        ({"doc_id": "d9"}, False),
    ],
)
def test_mentions_reference_documents_and_entities(con, row, ok):
    mention = {
        "mention_id": "m1",
        "doc_id": "d1",
        "char_start": TEXT.index("Idlib"),
        "char_end": TEXT.index("Idlib") + 5,
        "surface": "Idlib",
        "entity_type": "location",
        **row,
    }
    report = write_stage(con, "mentions", {"mentions": [mention]}, references=REFERENCES)
    assert (len(read_table(con, "mentions")) == 1) is ok
    assert (report.quarantined == []) is ok


@pytest.mark.parametrize(("doc", "ok"), [("d1", True), ("d9", False)])
def test_dates_reference_documents(con, doc, ok):
    row = {
        "date_id": "x",
        "doc_id": doc,
        "char_start": 0,
        "char_end": 9,
        "surface": TEXT[:9],
        "granularity": "day",
        "resolved": False,
    }
    write_stage(con, "dates", {"dates": [row]}, references=REFERENCES)
    assert (read_table(con, "dates")["doc_id"].tolist() == [doc]) is ok


def _flag(**kw):
    return {
        "figure_id": "f1",
        "doc_id": "d1",
        "check_name": "no_part_exceeds_its_whole",
        "severity": "WARN",
        "reason": "part 150 is larger than its whole 120",
        "other_figure_id": "f2",
        **kw,
    }


@pytest.mark.parametrize(
    ("rows", "ok"),
    [
        ([_flag()], True),
        ([_flag(other_figure_id=None)], True),
        ([_flag(severity="SEVERE")], False),
        ([_flag(check_name="Not A Check")], False),
        ([_flag(other_figure_id="f1")], False),  # flagged against itself
        ([_flag(), _flag()], False),  # the same flag twice
        ([_flag(reason="")], False),
    ],
)
def test_figure_flags_contract(rows, ok):
    df = frame("figure_flags", rows)
    if ok:
        validate("figure_flags", df)
    else:
        with pytest.raises(ContractError):
            validate("figure_flags", df)


def test_dq_results_replace_within_a_run_and_append_across_runs(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    at = dt.datetime(2024, 1, 1, 6, 0)
    for run, passed, failing, total in [
        ("run-1", False, 3, 10),
        ("run-1", True, 0, 10),
        ("run-2", True, 0, 12),
    ]:
        outcome = check_row(run, "figures", "figure_ids_are_unique", "ERROR", passed, failing, total, at)
        record_check_results(con, [outcome])
    rows = con.execute(
        "select run_id, passed, failing_rows, total_rows from dq_results order by run_id"
    ).fetchall()
    assert rows == [("run-1", True, 0, 10), ("run-2", True, 0, 12)]


@pytest.mark.parametrize(
    "kw",
    [{"severity": "FATAL"}, {"failing_rows": -1}, {"check_name": "Bad Name"}, {"run_id": ""}],
)
def test_dq_results_refuse_a_bad_outcome(tmp_path, kw):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    args = {
        "run_id": "r",
        "asset": "figures",
        "check_name": "ok_check",
        "severity": "WARN",
        "passed": True,
        "failing_rows": 0,
        **kw,
    }
    with pytest.raises(ContractError):
        record_check_results(con, [check_row(**args)])


def _page(doc, published):
    return {
        "doc_id": doc,
        "raw_path": f"{doc}.txt",
        "raw_sha256": SHA,
        "size_bytes": 10,
        "kind": "text",
        "published_date": published,
    }


@pytest.mark.parametrize("published", [dt.date(1500, 1, 1), dt.date(9999, 12, 31), dt.date(1, 1, 1), None])
def test_publication_dates_of_any_year_keep_their_page(published):
    """A manifest row dated 9999-12-31 or 1500-01-01 used to fail the whole column's coercion."""
    rows = [_page("a", dt.date(2020, 1, 1)), _page("b", published)]
    out = validate("raw_pages", frame("raw_pages", rows))
    assert out["published_date"].tolist() == [dt.date(2020, 1, 1), published]
    doc = {"doc_id": "b", "clean_text": TEXT, "paywall_truncated": False, "raw_path": "b.txt"}
    out = validate("documents", frame("documents", [{**doc, "raw_sha256": SHA, "published_date": published}]))
    assert out["published_date"].tolist() == [published]


@pytest.mark.parametrize(
    ("valid_from", "valid_to", "ok"),
    [
        (dt.date(1300, 1, 1), dt.date(1399, 12, 31), True),
        (dt.date(1300, 1, 1), None, True),
        (None, dt.date(9999, 12, 31), True),
        (dt.date(1399, 12, 31), dt.date(1300, 1, 1), False),  # validity_is_ordered
        ("not a date", None, False),
    ],
)
def test_entity_validity_dates(valid_from, valid_to, ok):
    row = {"entity_id": "grp:x", "name": "X", "type": "armed_group", "valid_from": valid_from}
    df = frame("entities", [{**row, "valid_to": valid_to}])
    if ok:
        assert validate("entities", df)["valid_from"].tolist() == [valid_from]
    else:
        with pytest.raises(ContractError):
            validate("entities", df)
