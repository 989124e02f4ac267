"""Floors on the real-text development sets (../shared/realtext/, text nobody here wrote), on the figures
issue 15's "Done when" names, scored by the sets' own scorer. A floor may only go up: raise it on a higher
score. Each floor was set from a measurement rounded down to 2 decimals, minus 0.01 (first, before the spaCy
layer of issue 15) or 0.02 (after it, while its extractors were still being tuned); `make eval-realtext`
prints the same figures. Floors that fell say so: precision of persons and organisations on MEANTIME with
the spaCy layer (spaCy's NER finds nearly every name, and more that the gold does not mark); precision of
places on MEANTIME and of all mentions on re3d_dev with nationality words (2026-12-07: "German airline",
"Syrians" are mentions now, which both sets mark, at the cost of the ones they leave out).

Both sets are built once per module into temporary warehouses; without ../shared/realtext the tests are
skipped with the reason.
"""

import shutil

import pytest

from pipelines.evaluation.realtext import REALTEXT, SETS, headline, load_scorer, score_set

FLOORS = {
    # before issue 15: PER R .798 P .978, ORG R .308 P .938, LOC R .723 P .798, value_F1 .646, quantities .653
    # over the spaCy parse (2026-12-03): PER R .990 P .820, ORG R .979 P .767, LOC R .856 P .910,
    # value_F1 .700, quantities .919
    "meantime": {
        "PER.recall": 0.97,  # was 0.78
        "PER.precision": 0.8,  # was 0.96
        "ORG.recall": 0.95,  # was 0.29
        "ORG.precision": 0.79,  # was 0.92, then 0.74; measured 0.810 with product_or_unit
        "LOC.recall": 0.96,  # was 0.71, 0.83; measured 0.982 with nationality words (NORP)
        "LOC.precision": 0.82,  # was 0.78, 0.89; measured 0.849 with nationality words (0.909 without)
        "dates.value_F1": 0.71,  # was 0.63, 0.68, 0.69; measured 0.728 (date line of undated text pages)
        "quantities.recall": 0.89,  # was 0.64
    },
    # before issue 15: Organisation R .459, Person R .579, Location R .842, precision .961, quantities .920
    # over the spaCy parse (2026-12-03): Organisation R .536, Person R .652, Location R .862, precision .952,
    # quantities .920
    "re3d_dev": {
        "Organisation.recall": 0.58,  # was 0.44, 0.51; measured 0.606 with nationality words (NORP)
        "Person.recall": 0.76,  # was 0.56, then 0.63; measured 0.780 with rule:title
        "Location.recall": 0.84,  # was 0.83
        "mentions.precision": 0.93,  # was 0.95; measured 0.950 with nationality words (0.954 without)
        "quantities.recall": 0.91,
    },
}


@pytest.fixture(scope="module")
def realtext_scores(tmp_path_factory, run_pipeline_session) -> dict[str, dict]:
    """Each set's raw/ (copied) through the whole pipeline into its own temporary warehouse, then scored."""
    missing = [str(REALTEXT / name / "raw") for name in SETS if not (REALTEXT / name / "raw").is_dir()]
    if missing or not (REALTEXT / "score_realtext.py").is_file():
        pytest.skip(
            f"../shared/realtext is not beside the checkout (looked for {REALTEXT}; missing: {missing})"
        )
    scorer = load_scorer()
    scores = {}
    for name in SETS:
        root = tmp_path_factory.mktemp(f"realtext-{name}")
        shutil.copytree(REALTEXT / name / "raw", root / "raw")
        warehouse = root / "warehouse" / "ledger.duckdb"
        assert run_pipeline_session(root / "raw", warehouse).success
        scores[name] = score_set(name, warehouse, problems=5, scorer=scorer)
    return scores


def test_every_gold_document_is_scored(realtext_scores):
    for name, result in realtext_scores.items():
        assert result["gold_docs_missing_from_warehouse"] == [], name


@pytest.mark.parametrize(("name", "figure"), [(n, f) for n, floors in FLOORS.items() for f in floors])
def test_realtext_figure_stays_above_its_floor(realtext_scores, name, figure):
    result = realtext_scores[name]
    value = headline(result)[figure]
    part = figure.split(".")[0]
    part = part if part in ("dates", "quantities") else "mentions"
    examples = result.get("problems", {}).get(part, {})
    assert value is not None and value >= FLOORS[name][figure], (
        f"{name} {figure} = {value} < floor {FLOORS[name][figure]}; examples: {examples}"
    )
