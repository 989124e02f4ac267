import json

import pandas as pd
import pytest

from pipelines import settings
from pipelines.quality.expectations import SuiteError, load_suite, run_suite, suite_specs

FIGURES_SUITE = settings.expectations_dir() / "figures.json"


def _figures(**over):
    df = pd.DataFrame(
        {
            "figure_id": ["a", "b"],
            "qualifier": ["exact", "vague"],
            "category": ["fighters", "killed"],
            "value": [300.0, 100.0],
            "low": [300.0, 100.0],
            "high": [300.0, 999.0],
        }
    )
    for k, v in over.items():
        df[k] = v
    return df


def _outcomes(df):
    return {o.check_name: o for o in run_suite(FIGURES_SUITE, df)}


def test_figures_suite_passes_on_good_rows():
    failed = [n for n, o in _outcomes(_figures()).items() if not o.success]
    assert failed == []


def test_implausible_figure_warns_and_bad_enum_errors():
    out = _outcomes(
        _figures(value=[300.0, 5e7], low=[300.0, 5e7], high=[300.0, 5e7], qualifier=["exact", "guess"])
    )
    assert not out["killed_figures_are_plausible"].success
    assert out["killed_figures_are_plausible"].severity == "warning"
    assert not out["qualifiers_are_known"].success and out["qualifiers_are_known"].severity == "critical"
    assert out["fighters_figures_are_plausible"].success


def test_unordered_bounds_fail():
    out = _outcomes(_figures(low=[300.0, 2000.0], high=[300.0, 100.0]))
    assert not out["figure_bounds_are_ordered"].success


def test_every_expectation_has_a_check_name():
    names = [s.check_name for s in suite_specs(FIGURES_SUITE)]
    assert len(names) == len(set(names)) == len(load_suite(FIGURES_SUITE)["expectations"])


@pytest.mark.parametrize(
    ("expectations", "message"),
    [
        ([{"type": "expect_column_values_to_be_unique", "kwargs": {"column": "x"}}], "check_name"),
        ([{"type": "nope", "kwargs": {}, "meta": {"check_name": "a"}}], "GX expectation"),
        ([{"type": "expect_x", "severity": "fatal", "meta": {"check_name": "a"}}], "severity"),
    ],
)
def test_suite_errors_name_the_problem(tmp_path, expectations, message):
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"name": "t", "expectations": expectations}))
    with pytest.raises(SuiteError, match=message):
        load_suite(path)
