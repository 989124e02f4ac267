"""Every expectation of every suite in expectations/: it passes on the sample warehouse and fails on a frame
broken in the way it guards against."""

import json

import duckdb
import numpy as np
import pandas as pd
import pytest

from pipelines import settings
from pipelines.quality.expectations import run_suite, suite_columns, suite_specs

SUITES = sorted(settings.expectations_dir().glob("*.json"))


def _set(column, value, rows=slice(0, 1)):
    def mutate(df):
        df = df.copy().astype({column: object}) if column in df else df.copy()
        df.loc[df.index[rows], column] = value
        return df

    return mutate


def _swap(a, b):
    def mutate(df):
        df = df.copy()
        df.loc[df.index[0], [a, b]] = [df.loc[df.index[0], b], df.loc[df.index[0], a]]
        return df

    return mutate


def _dup(column):
    def mutate(df):
        df = df.copy()
        df.loc[df.index[1], column] = df.loc[df.index[0], column]
        return df

    return mutate


def _where(column, value, target, new):
    def mutate(df):
        df = df.copy().astype({target: object})
        df.loc[df.index[0], column] = value
        df.loc[df.index[0], target] = new
        return df

    return mutate


def _flags_frame(_):
    return pd.DataFrame(
        {
            "figure_id": ["a:f:0-3", "b:f:0-3"],
            "doc_id": ["a", "b"],
            "check_name": ["sources_agree_within_factor"] * 2,
            "severity": ["WARN"] * 2,
            "reason": ["300 vs 3,000: 10x apart"] * 2,
            "other_figure_id": ["b:f:0-3", "a:f:0-3"],
        }
    )


def _empty(df):
    return df.iloc[0:0]


def _quarantined(df):
    return pd.DataFrame({"raw_path": ["x.txt"], "reason": ["binary page"], "stage": ["documents"]})


# (table, check_name) -> a change to the table's rows that breaks that expectation
BREAKS = {
    ("documents", "doc_ids_are_present"): _set("doc_id", None),
    ("documents", "doc_ids_are_unique"): _dup("doc_id"),
    ("documents", "clean_texts_are_present"): _set("clean_text", None),
    ("documents", "clean_texts_have_no_nbsp"): _set("clean_text", "a\u00a0b"),
    ("documents", "clean_texts_have_no_html_tags"): _set("clean_text", "Text <p>with a tag</p> left"),
    ("documents", "clean_texts_are_article_length"): _set("clean_text", "Page not found"),
    ("documents", "publication_dates_are_known"): _set("published_date", None),
    ("documents", "publication_date_sources_are_known"): _set("published_source", "fetched_at"),
    ("documents", "paywall_flags_are_set"): _set("paywall_truncated", None),
    ("documents", "unread_shares_are_fractions"): _set("unread_share", 1.5),
    ("documents", "raw_hashes_are_sha256"): _set("raw_sha256", "not-a-hash"),
    ("documents", "languages_are_iso_codes"): _set("language", "English"),
    ("documents", "some_documents_were_cleaned"): _empty,
    ("removed_spans", "removed_spans_have_a_document"): _set("doc_id", None),
    ("removed_spans", "removed_spans_name_their_rule"): _set("rule", None),
    ("removed_spans", "removal_rules_are_rule_ids"): _set("rule", "Some Rule"),
    ("removed_spans", "removal_kinds_are_known"): _set("kind", "mystery"),
    ("removed_spans", "removed_spans_are_numbered_once"): _dup("span_no"),
    ("removed_spans", "removed_spans_are_not_empty"): _set("text", ""),
    ("entities", "entity_ids_are_present"): _set("entity_id", None),
    ("entities", "entity_ids_are_unique"): _dup("entity_id"),
    ("entities", "entity_ids_are_typed_slugs"): _set("entity_id", "Idlib"),
    ("entities", "entity_types_are_known"): _set("type", "vehicle"),
    ("entities", "entities_have_names"): _set("name", None),
    ("entities", "latitudes_are_on_earth"): _set("lat", 123.0),
    ("entities", "longitudes_are_on_earth"): _set("lon", -200.0),
    ("entities", "locations_have_coordinates"): _where("type", "location", "lat", np.nan),
    ("entities", "validity_periods_are_ordered"): _where(
        "valid_from", pd.Timestamp("2020-01-01"), "valid_to", pd.Timestamp("2010-01-01")
    ),
    ("mentions", "mention_ids_are_present"): _set("mention_id", None),
    ("mentions", "mention_ids_are_unique"): _dup("mention_id"),
    ("mentions", "mentions_have_a_document"): _set("doc_id", None),
    ("mentions", "mention_types_are_known"): _set("entity_type", "weapon"),
    ("mentions", "mention_offsets_are_not_negative"): _set("char_start", -4),
    ("mentions", "mention_spans_are_not_empty"): _swap("char_start", "char_end"),
    ("mentions", "mention_methods_are_known"): _set("method", "guess"),
    ("mentions", "unknown_mentions_are_unlinked"): _where("method", "ner:GPE", "entity_id", "loc:idlib"),
    ("mentions", "kb_matched_mentions_are_linked"): _where("method", "kb_alias", "entity_id", None),
    ("mentions", "most_mentions_are_linked"): _set("entity_id", None, rows=slice(None)),
    ("dates", "date_ids_are_present"): _set("date_id", None),
    ("dates", "date_ids_are_unique"): _dup("date_id"),
    ("dates", "granularities_are_known"): _set("granularity", "fortnight"),
    ("dates", "date_intervals_are_ordered"): _set("date_start", pd.Timestamp("2099-01-01")),
    ("dates", "resolved_dates_have_a_start"): _where("resolved", True, "date_start", pd.NaT),
    ("dates", "date_anchors_are_known"): _set("anchor", "guessed"),
    ("dates", "date_spans_are_not_empty"): _swap("char_start", "char_end"),
    ("dates", "dates_are_resolved"): _set("resolved", False),
    ("figures", "figure_ids_are_present"): _set("figure_id", None),
    ("figures", "figure_ids_are_unique"): _dup("figure_id"),
    ("figures", "qualifiers_are_known"): _set("qualifier", "guess"),
    ("figures", "categories_are_known"): _set("category", "tanks"),
    ("figures", "figure_bounds_are_ordered"): _where("low", 500.0, "high", 5.0),
    ("figures", "figure_values_are_not_negative"): _set("value", -3.0),
    ("figures", "figures_have_a_lower_or_upper_bound"): _where("high", np.nan, "low", np.nan),
    **{
        ("figures", f"{c}_figures_are_plausible"): _where("category", c, "value", 9e7)
        for c in [
            "fighters",
            "killed",
            "wounded",
            "detained",
            "missing",
            "displaced",
            "returned",
            "population",
        ]
    },
    ("quarantine", "quarantined_rows_name_their_page"): lambda df: _set("raw_path", None)(_quarantined(df)),
    ("quarantine", "quarantined_rows_give_a_reason"): lambda df: _set("reason", "?")(_quarantined(df)),
    ("quarantine", "quarantine_stages_are_known"): lambda df: _set("stage", "somewhere")(_quarantined(df)),
    ("quarantine", "no_page_is_quarantined"): _quarantined,
    ("figure_flags", "flags_name_a_figure"): lambda df: _set("figure_id", None)(_flags_frame(df)),
    ("figure_flags", "flag_checks_are_known"): lambda df: _set("check_name", "vibes")(_flags_frame(df)),
    ("figure_flags", "flag_severities_are_known"): lambda df: _set("severity", "LOUD")(_flags_frame(df)),
    ("figure_flags", "flags_give_a_reason"): lambda df: _set("reason", "")(_flags_frame(df)),
    ("figure_flags", "cross_source_flags_name_the_other_figure"): lambda df: _set("other_figure_id", None)(
        _flags_frame(df)
    ),
}

ALL_CHECKS = [(p.stem, s.check_name) for p in SUITES for s in suite_specs(p)]


@pytest.fixture(scope="module")
def tables(sample_warehouse) -> dict[str, pd.DataFrame]:
    con = duckdb.connect(str(sample_warehouse), read_only=True)
    try:
        return {p.stem: con.execute(f'select * from "{p.stem}"').df() for p in SUITES}
    finally:
        con.close()


def test_every_expectation_has_a_breaking_case():
    assert sorted(set(ALL_CHECKS) - set(BREAKS)) == []
    assert {"documents", "mentions", "dates", "removed_spans", "entities", "quarantine", "figures"} <= {
        p.stem for p in SUITES
    }


@pytest.mark.parametrize("suite", SUITES, ids=lambda p: p.stem)
def test_every_expectation_passes_on_the_samples(tables, suite):
    df = tables[suite.stem]
    if suite.stem == "figure_flags":
        df = _flags_frame(df)  # the samples raise no flag; check a well-formed one instead
    failed = [o.check_name for o in run_suite(suite, df) if not o.success]
    assert failed == []


@pytest.mark.parametrize(("table", "check"), ALL_CHECKS, ids=[f"{t}:{c}" for t, c in ALL_CHECKS])
def test_each_expectation_fails_on_the_rows_it_guards_against(tables, table, check):
    broken = BREAKS[(table, check)](tables[table])
    outcome = {o.check_name: o for o in run_suite(settings.expectations_dir() / f"{table}.json", broken)}
    assert not outcome[check].success


@pytest.mark.parametrize("suite", SUITES, ids=lambda p: p.stem)
def test_suite_files_are_gx_json_with_check_names_and_severities(suite):
    raw = json.loads(suite.read_text())
    for exp in raw["expectations"]:
        assert exp["severity"] in {"critical", "warning"}
        assert exp["meta"]["description"]


def _narrowed(suite, df):
    """`df` with only the columns the suite reads, as the suite check reads the table."""
    columns = suite_columns(suite)
    return df if columns is None else df[[c for c in columns if c in df.columns]]


@pytest.mark.parametrize("suite", SUITES, ids=lambda p: p.stem)
def test_the_columns_a_suite_reads_are_all_it_needs_to_pass(tables, suite):
    df = tables[suite.stem] if suite.stem != "figure_flags" else _flags_frame(None)
    narrowed = _narrowed(suite, df)
    # entities and figure_flags: the suite reads every column the (test) table has
    assert suite.stem in {"entities", "figure_flags"} or len(narrowed.columns) < len(df.columns)
    assert [o.check_name for o in run_suite(suite, narrowed) if not o.success] == []


@pytest.mark.parametrize(("table", "check"), ALL_CHECKS, ids=[f"{t}:{c}" for t, c in ALL_CHECKS])
def test_the_columns_a_suite_reads_are_enough_to_catch_what_it_guards_against(tables, table, check):
    suite = settings.expectations_dir() / f"{table}.json"
    broken = _narrowed(suite, BREAKS[(table, check)](tables[table]))
    assert len(broken.columns) <= len(tables[table].columns)
    assert not {o.check_name: o for o in run_suite(suite, broken)}[check].success


def test_a_suite_that_may_read_any_column_reads_the_whole_table(tmp_path):
    def suite(expectation):
        path = tmp_path / "t.json"
        path.write_text(json.dumps({"expectations": [{**expectation, "meta": {"check_name": "c"}}]}))
        return path

    pair = {
        "type": "expect_column_pair_values_a_to_be_greater_than_b",
        "kwargs": {"column_A": "b", "column_B": "a"},
    }
    assert suite_columns(suite(pair)) == ["doc_id", "b", "a"]
    nullity = {"column": {"name": "y"}, "is_null": True, "type": "nullity"}
    conditioned = {
        "type": "expect_column_values_to_not_be_null",
        "kwargs": {"column": "x", "row_condition": nullity},
    }
    assert suite_columns(suite(conditioned)) == ["doc_id", "x", "y"]
    conditioned["kwargs"]["row_condition"] = 'y=="1"'  # a query string may name any column
    assert suite_columns(suite(conditioned)) is None
    assert (
        suite_columns(suite({"type": "expect_table_columns_to_match_set", "kwargs": {"column_set": ["x"]}}))
        is None
    )
