"""The figure checks end to end: the samples plus a planted inconsistent article run through every asset and
check; each planted inconsistency is flagged with the right reason, the samples' 1,490 breakdown passes,
and the checks' evaluations and dq_results rows come out of the run."""

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines import settings
from pipelines.quality.figure_checks import (
    BREAKDOWN_EXCEEDS_TOTAL,
    CHECKS,
    CROSS_SOURCE,
    DATED_AFTER_PUBLICATION,
    OUTLIER,
    PART_EXCEEDS_WHOLE,
    SYNDICATED,
)

# Invented text (not from any sample): a claim ten times a sample's count of the same group's fighters in
# the same year, a breakdown whose part is larger than its whole, and a figure dated after publication.
PLANTED = """Holdouts defy siege in eastern Syria

By a staff reporter

Kurdish-led forces said on Monday that 3,000 IS fighters were still holding out, far above earlier counts.

Of the 120 prisoners held at the camp, 150 are wounded and 40 are missing, a camp official said.

Aid agencies expect 20,000 civilians to be displaced by an offensive planned for August 2019.

The siege has lasted for weeks, and talks on the fate of the remaining families have stalled.
"""
PLANTED_FILE = "900_planted_dispatch.txt"
PLANTED_DOC = "900_planted_dispatch"


@pytest.fixture(scope="module")
def planted_run(tmp_path_factory, run_pipeline_session):
    root = tmp_path_factory.mktemp("planted")
    raw = root / "raw"
    shutil.copytree(settings.PROJECT_ROOT / "raw", raw)
    (raw / PLANTED_FILE).write_text(PLANTED, encoding="utf-8")
    with (raw / "manifest.csv").open("a", encoding="utf-8") as fh:
        fh.write(f"{PLANTED_FILE},Planted Wire,en,2019-03-04\n")
    warehouse = root / "warehouse" / "ledger.duckdb"
    result = run_pipeline_session(raw, warehouse)
    con = duckdb.connect(str(warehouse), read_only=True)
    yield result, con, warehouse
    con.close()


def _figure(con, doc_like: str, surface: str) -> str:
    rows = con.execute(
        "select figure_id from figures where doc_id like ? and surface = ?", [doc_like, surface]
    ).fetchall()
    assert len(rows) == 1, f"the extractor no longer finds {surface!r} in {doc_like}"
    return rows[0][0]


def _flags(con, check: str) -> dict[str, tuple[str | None, str]]:
    rows = con.execute(
        "select figure_id, other_figure_id, reason from figure_flags where check_name = ?", [check]
    ).fetchall()
    return {f: (o, r) for f, o, r in rows}


def test_part_larger_than_its_whole_is_flagged(planted_run):
    _, con, _ = planted_run
    whole = _figure(con, PLANTED_DOC, "120 prisoners")
    part = _figure(con, PLANTED_DOC, "150 are wounded")
    flags = _flags(con, PART_EXCEEDS_WHOLE)
    assert set(flags) == {part}
    other, reason = flags[part]
    assert other == whole and "150 (wounded) is larger than its whole 120" in reason
    totals = _flags(con, BREAKDOWN_EXCEEDS_TOTAL)
    assert set(totals) == {whole} and "= 190 exceeds the total 120" in totals[whole][1]


def test_the_samples_1490_breakdown_passes(planted_run):
    _, con, _ = planted_run
    whole = _figure(con, "004%", "1,490 Frenchmen")
    n_parts = con.execute("select count(*) from figures where part_of_figure_id = ?", [whole]).fetchone()[0]
    assert n_parts >= 4  # the check had a breakdown to add up, and it fits
    flagged = con.execute(
        "select count(*) from figure_flags where doc_id like '004%' and check_name in (?, ?)",
        [PART_EXCEEDS_WHOLE, BREAKDOWN_EXCEEDS_TOTAL],
    ).fetchone()[0]
    assert flagged == 0


def test_figure_dated_after_publication_is_flagged(planted_run):
    _, con, _ = planted_run
    late = _figure(con, PLANTED_DOC, "20,000 civilians")
    flags = _flags(con, DATED_AFTER_PUBLICATION)
    assert set(flags) == {late}
    assert "dated 2019-08-01" in flags[late][1] and "after publication 2019-03-04" in flags[late][1]


def test_two_sources_ten_times_apart_are_both_flagged_with_each_others_ids(planted_run):
    _, con, _ = planted_run
    planted = _figure(con, PLANTED_DOC, "3,000 IS fighters")
    sample = _figure(con, "001%", "300 IS fighters")
    flags = _flags(con, CROSS_SOURCE)
    assert flags[planted][0] == sample and flags[sample][0] == planted
    assert "10.0x apart" in flags[planted][1] and "fighters of grp:islamic-state" in flags[planted][1]
    assert set(flags) == {planted, sample}


def test_check_evaluations_warn_for_findings_and_no_error_fails(planted_run):
    result, _, _ = planted_run
    evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()}
    for name in CHECKS:
        assert evaluations[name].asset_key == dg.AssetKey("figure_flags")
        assert evaluations[name].severity == dg.AssetCheckSeverity.WARN
    failed = {n for n, e in evaluations.items() if not e.passed and n in CHECKS}
    planted = {PART_EXCEEDS_WHOLE, BREAKDOWN_EXCEEDS_TOTAL, DATED_AFTER_PUBLICATION, CROSS_SOURCE}
    assert planted <= failed
    # the planted 3,000 is also ten times the history of the same group's fighters: a fair outlier finding
    assert failed - planted <= {OUTLIER}
    if OUTLIER in failed:
        assert "3,000 IS fighters" in evaluations[OUTLIER].metadata["failures"].value
    assert evaluations[SYNDICATED].passed
    table = evaluations[CROSS_SOURCE].metadata["failures"].value
    assert "3,000 IS fighters" in table and "| figure_id |" in table
    errors = [n for n, e in evaluations.items() if not e.passed and e.severity == dg.AssetCheckSeverity.ERROR]
    assert errors == []
    assert evaluations["figure_ids_are_unique"].passed  # a GX check of the figures suite ran too


def test_every_check_outcome_is_in_dq_results(planted_run):
    result, con, _ = planted_run
    evaluations = result.get_asset_check_evaluations()
    rows = con.execute(
        "select asset, check_name, severity, passed, failing_rows from dq_results where run_id = ?",
        [result.run_id],
    ).fetchall()
    by_check = {(a, c): (s, p, n) for a, c, s, p, n in rows}
    assert len(rows) == len(evaluations)
    for e in evaluations:
        severity, passed, _ = by_check[(e.asset_key.to_user_string(), e.check_name)]
        assert passed == e.passed and severity == e.severity.value
    assert by_check[("figure_flags", CROSS_SOURCE)][2] == 2


def test_the_report_shows_flagged_figures_with_their_sentences(planted_run):
    result, _, _ = planted_run
    [materialization] = [
        m for m in result.get_asset_materialization_events() if m.asset_key == dg.AssetKey("figure_flags")
    ]
    path = Path(materialization.materialization.metadata["report"].value)
    text = path.read_text(encoding="utf-8")
    assert "Kurdish-led forces said on Monday that **3,000 IS fighters** were still holding out" in text
    assert "**300 IS fighters**" in text  # the other source's sentence, beside it
    assert "after publication 2019-03-04" in text
    assert path.with_suffix(".html").exists()


def test_a_failing_critical_expectation_blocks_downstream_assets(tmp_path, run_pipeline):
    """A critical GX expectation is blocking: when it fails on figures, figure_flags does not run."""
    expectations = tmp_path / "expectations"
    shutil.copytree(settings.expectations_dir(), expectations)
    suite = expectations / "figures.json"
    # the same check, made impossible to meet: every figure would have to count at least a billion
    suite.write_text(suite.read_text().replace('"min_value": 0\n', '"min_value": 1000000000\n', 1))
    raw = tmp_path / "raw"
    shutil.copytree(settings.PROJECT_ROOT / "raw", raw)
    result = run_pipeline(
        raw, tmp_path / "ledger.duckdb", expectations_dir=expectations, raise_on_error=False
    )
    failed = {e.check_name for e in result.get_asset_check_evaluations() if not e.passed}
    assert "figure_values_are_not_negative" in failed
    materialized = {m.asset_key.to_user_string() for m in result.get_asset_materialization_events()}
    assert "figures" in materialized and "figure_flags" not in materialized
