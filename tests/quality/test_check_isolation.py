"""A critical expectation that fails on one document quarantines that document (with the check's name) and the
run goes on; one that fails on most of the batch is systemic: the run stops and publishes nothing.

Real runs of the whole pipeline on the sample pages, with a copy of expectations/ whose documents suite is
edited as an analyst would (the check keeps its name, its rule changes)."""

import json
import shutil

import duckdb
import pytest

from pipelines import settings


def _suite_with_nbsp_rule(folder, regex: str):
    """expectations/ copied to `folder`, with the critical 'no nbsp' rule of documents.json set to `regex`."""
    shutil.copytree(settings.expectations_dir(), folder)
    path = folder / "documents.json"
    suite = json.loads(path.read_text(encoding="utf-8"))
    for e in suite["expectations"]:
        if e["meta"]["check_name"] == "clean_texts_have_no_nbsp":
            e["kwargs"]["regex"] = regex
    path.write_text(json.dumps(suite), encoding="utf-8")
    return folder


def _pages(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(settings.PROJECT_ROOT / "raw", raw)
    return raw


def test_a_critical_failure_on_one_document_quarantines_it_and_the_rest_is_published(tmp_path, run_pipeline):
    raw = _pages(tmp_path)
    (only,) = [p.name for p in raw.glob("*.txt") if "Mosul" in p.read_text(encoding="utf-8")]
    expectations = _suite_with_nbsp_rule(tmp_path / "expectations", "Mosul")
    warehouse = tmp_path / "wh" / "ledger.duckdb"
    result = run_pipeline(raw, warehouse, expectations_dir=expectations)
    assert result.success
    checks = {
        e.asset_check_evaluation_data.check_name: e.asset_check_evaluation_data
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
    }
    assert not checks["clean_texts_have_no_nbsp"].passed
    assert checks["clean_texts_have_no_nbsp"].severity.value == "WARN"
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        docs = {r[0] for r in con.execute("select raw_path from documents").fetchall()}
        q = con.execute("select raw_path, stage, check_name from quarantine").fetchall()
        orphans = con.execute(
            "select count(*) from mentions m left join documents d using (doc_id) where d.doc_id is null"
        ).fetchone()[0]
    finally:
        con.close()
    assert q == [(only, "documents", "clean_texts_have_no_nbsp")]
    assert only not in docs and len(docs) == 4
    assert orphans == 0  # the quarantined document's rows left every later stage too


def test_a_critical_failure_on_most_of_the_batch_is_systemic_and_nothing_is_published(tmp_path, run_pipeline):
    raw = _pages(tmp_path)
    warehouse = tmp_path / "wh" / "ledger.duckdb"
    assert run_pipeline(raw, warehouse).success
    con = duckdb.connect(str(warehouse), read_only=True)
    before = sorted(con.execute("select doc_id from documents").fetchall())
    con.close()
    expectations = _suite_with_nbsp_rule(tmp_path / "expectations", "Idlib")  # every sample page says Idlib
    with pytest.raises(Exception, match="clean_texts_have_no_nbsp|quarantined_share"):
        run_pipeline(raw, warehouse, expectations_dir=expectations)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert sorted(con.execute("select doc_id from documents").fetchall()) == before
        assert con.execute("select count(*) from quarantine").fetchone()[0] == 0
    finally:
        con.close()
