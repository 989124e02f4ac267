import gzip
import importlib.util
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines import settings
from pipelines.entities.mention import NATIONALITY_METHOD

HTML_FIXTURES = settings.PROJECT_ROOT / "tests" / "cleaning" / "fixtures"
CONTRACT = settings.PROJECT_ROOT.parent / "shared" / "contract" / "check_warehouse.py"
TABLES = [
    "raw_pages",
    "documents",
    "removed_spans",
    "entities",
    "mentions",
    "figures",
    "dates",
    "quarantine",
    "unknown_names",
    "figure_flags",
]


def _snapshot(warehouse: Path) -> dict:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {t: sorted(map(str, con.execute(f"select * from {t}").fetchall())) for t in TABLES}
    finally:
        con.close()


@pytest.fixture()
def messy_raw(tmp_path) -> Path:
    """The samples, two HTML pages written by the team (tests/cleaning/fixtures), and pages that cannot be
    processed."""
    raw = tmp_path / "raw"
    shutil.copytree(settings.PROJECT_ROOT / "raw", raw)
    (raw / "html").mkdir()
    for name in ("001_analysis.html", "004_paywalled.html"):
        shutil.copy(HTML_FIXTURES / name, raw / "html" / f"page_{name}")
    (raw / "broken").mkdir()
    (raw / "broken" / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    (raw / "broken" / "empty.txt").write_bytes(b"")
    (raw / "broken" / "latin1.txt").write_bytes("Idlib caf\u00e9 in Latin-1".encode("latin-1"))
    (raw / "broken" / "cut.html.gz").write_bytes(gzip.compress(b"<html><body><p>x</p>" * 50)[:40])
    return raw


def test_pipeline_runs_quarantines_bad_pages_and_is_idempotent(tmp_path, messy_raw, run_pipeline):
    warehouse = tmp_path / "wh" / "ledger.duckdb"
    first = run_pipeline(messy_raw, warehouse)
    assert first.success
    evaluations = first.get_asset_check_evaluations()
    errors = [e.check_name for e in evaluations if not e.passed and e.severity == dg.AssetCheckSeverity.ERROR]
    assert errors == []
    assert "no_page_is_quarantined" in [e.check_name for e in evaluations if not e.passed]
    snap = _snapshot(warehouse)
    con = duckdb.connect(str(warehouse), read_only=True)
    quarantine = dict(con.execute("select raw_path, reason from quarantine").fetchall())
    n_docs = con.execute("select count(*) from documents").fetchone()[0]
    con.close()
    assert n_docs == 7
    assert set(quarantine) == {
        "broken/image.html",
        "broken/empty.txt",
        "broken/latin1.txt",
        "broken/cut.html.gz",
    }
    assert "binary" in quarantine["broken/image.html"]
    assert "empty" in quarantine["broken/empty.txt"]
    assert "UTF-8" in quarantine["broken/latin1.txt"]
    assert "gzip" in quarantine["broken/cut.html.gz"]
    for table in ("mentions", "figures", "dates"):
        assert snap[table], f"{table} is empty"

    second = run_pipeline(messy_raw, warehouse)
    assert second.success
    assert _snapshot(warehouse) == snap  # same rows, same ids, no duplicates


def test_every_blocking_check_passes_on_the_samples(tmp_path, run_pipeline):
    raw = tmp_path / "raw"
    shutil.copytree(settings.PROJECT_ROOT / "raw", raw)
    result = run_pipeline(raw, tmp_path / "ledger.duckdb")
    evaluations = result.get_asset_check_evaluations()
    names = {e.check_name for e in evaluations}
    assert {
        "figures_surfaces_match_clean_text",
        "no_figures_from_removed_text",
        "mentions_surfaces_match_clean_text",
        "dates_surfaces_match_clean_text",
        "figure_bounds_are_ordered",
    } <= names
    failed_errors = [
        e.check_name for e in evaluations if not e.passed and e.severity == dg.AssetCheckSeverity.ERROR
    ]
    assert failed_errors == []


@pytest.mark.skipif(not CONTRACT.exists(), reason="shared/contract is not beside this clone")
def test_warehouse_meets_the_outside_contract(sample_warehouse):
    spec = importlib.util.spec_from_file_location("check_warehouse", CONTRACT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(str(sample_warehouse)) == 0


def test_definitions_load_with_assets_checks_schedule_and_sensor():
    from pipelines.definitions import defs

    loaded = defs()
    keys = {k.to_user_string() for k in loaded.resolve_all_asset_keys()}
    assert {
        "raw_pages",
        "documents",
        "removed_spans",
        "quarantine",
        "entities",
        "mentions",
        "dates",
        "figures",
        "figure_flags",
        "unknown_names",
    } <= keys
    assert loaded.resolve_schedule_def("daily_ledger_refresh").cron_schedule == "0 6 * * *"
    assert loaded.resolve_sensor_def("raw_dir_sensor") is not None


def test_unknown_names_mart_ranks_every_unlinked_mention(sample_warehouse):
    con = duckdb.connect(str(sample_warehouse), read_only=True)
    # nationality words ("Syrian", "Kurds") are unlinked mentions but no names to add: not ranked
    unlinked = con.execute(
        "select count(*) from mentions where entity_id is null and method <> ?", [NATIONALITY_METHOD]
    ).fetchone()[0]
    names = con.execute("select name, entity_type, mentions, documents from unknown_names").fetchall()
    con.close()
    assert unlinked > 0, "the samples name people the knowledge base does not know"
    assert sum(n[2] for n in names) == unlinked
    assert [n[3] for n in names] == sorted((n[3] for n in names), reverse=True)
    assert all(n[1] in ("armed_group", "person", "location", "organisation") for n in names)


def test_a_page_decodes_with_the_charset_its_manifest_gives(tmp_path, run_pipeline):
    """A fetched page whose charset was only in the HTTP header: the manifest's `charset` column carries
    it to the documents step; the same bytes without it are not lost: the one undecodable byte is replaced
    and the document says so in decode_warning."""
    body = (
        "Shelling hit the caf\u00e9 district of Idlib on Monday, residents said.\n\n"
        "Rescue workers said at least 12 people were killed and 30 wounded in the strikes.\n"
    ).encode("latin-1")
    raw = tmp_path / "raw"
    (raw / "fetched").mkdir(parents=True)
    (raw / "fetched" / "latin1_page.txt").write_bytes(body)
    (raw / "fetched" / "manifest.csv").write_text(
        "file,url,outlet,language,published,charset\n"
        "latin1_page.txt,http://127.0.0.1/a,Test,en,2021-06-10,iso-8859-1\n",
        encoding="utf-8",
    )
    (raw / "other").mkdir()
    (raw / "other" / "no_charset.txt").write_bytes(body)
    warehouse = tmp_path / "wh" / "ledger.duckdb"
    assert run_pipeline(raw, warehouse).success
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        docs = dict(con.execute("select doc_id, clean_text from documents").fetchall())
        warnings = dict(con.execute("select doc_id, decode_warning from documents").fetchall())
        charset = con.execute("select charset from raw_pages where doc_id = 'latin1_page'").fetchone()[0]
    finally:
        con.close()
    assert charset == "iso-8859-1"
    assert "caf\u00e9 district" in docs["latin1_page"]
    assert warnings["latin1_page"] is None
    assert "caf\ufffd district" in docs["no_charset"] and "utf-8" in warnings["no_charset"].lower()
