import duckdb
import pytest

from pipelines.storage.contracts import ContractError, validate
from pipelines.storage.warehouse import frame, read_table, replace_tables
from pipelines.storage.writes import write_stage

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
