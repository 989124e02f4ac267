"""Quality floors on the two gold sets. A floor may only go up: raise it when a change scores higher.

`seeds` are the five sample articles (raw/); `heldout` are ten pages written and annotated independently of
the extractors (gold/heldout/). Both are development sets: these floors catch regressions, they do not
estimate quality on unseen pages.
"""

import shutil

import pytest

from pipelines import settings
from pipelines.evaluation import evaluate

GOLD = settings.PROJECT_ROOT / "gold"

FLOORS = {
    "seeds": {
        ("boilerplate", "must_remove_gone"): 1.0,
        ("boilerplate", "must_keep_kept"): 1.0,
        ("boilerplate", "title_at_most_once"): 1.0,
        ("boilerplate", "paywall_flag_right"): 1.0,
        ("figures", "precision"): 0.95,
        ("figures", "recall"): 0.95,
        ("figures", "qualifier_accuracy"): 0.95,
        ("figures", "category_accuracy"): 0.95,
        ("figures", "actor_accuracy"): 0.90,
        ("figures", "location_accuracy"): 0.90,
        ("figures", "part_of_accuracy"): 1.0,
        ("dates", "precision"): 0.95,
        ("dates", "recall"): 0.95,
        ("dates", "stretch_matched"): 1,
        ("entities", "recall"): 0.98,
        ("entities", "linking_consistency"): 1.0,
        ("entities", "linking_consistency_kb_only"): 0.98,
    },
    "heldout": {
        ("boilerplate", "must_remove_gone"): 1.0,
        ("boilerplate", "must_keep_kept"): 1.0,
        ("boilerplate", "title_at_most_once"): 1.0,
        ("boilerplate", "paywall_flag_right"): 1.0,
        ("figures", "precision"): 0.95,
        ("figures", "recall"): 0.95,
        ("figures", "qualifier_accuracy"): 0.95,
        ("figures", "category_accuracy"): 0.93,
        ("figures", "actor_accuracy"): 0.95,
        ("figures", "location_accuracy"): 0.92,
        ("figures", "part_of_accuracy"): 0.93,
        ("dates", "precision"): 0.97,
        ("dates", "recall"): 0.97,
        ("dates", "unresolved_right"): 5,
        ("entities", "recall"): 0.98,
        ("entities", "linking_consistency"): 0.97,
    },
}
CEILINGS = {
    ("figures", "not_figures_extracted"): 0,
    ("entities", "not_mentions_extracted"): 0,
    ("entities", "entities_sharing_an_id"): 0,
    ("boilerplate", "missing_documents"): 0,
}


@pytest.fixture(scope="session")
def heldout_warehouse(tmp_path_factory, run_pipeline_session):
    root = tmp_path_factory.mktemp("heldout")
    shutil.copytree(GOLD / "heldout", root / "raw")
    warehouse = root / "warehouse" / "ledger.duckdb"
    assert run_pipeline_session(root / "raw", warehouse).success
    return warehouse


@pytest.fixture(scope="module")
def scores(sample_warehouse, heldout_warehouse):
    return {
        "seeds": evaluate(GOLD / "seeds.yaml", sample_warehouse),
        "heldout": evaluate(GOLD / "heldout.yaml", heldout_warehouse),
    }


@pytest.mark.parametrize(
    ("gold", "part", "metric"), [(g, *k) for g, floors in FLOORS.items() for k in floors]
)
def test_score_stays_above_its_floor(scores, gold, part, metric):
    value = scores[gold][part][metric]
    floor = FLOORS[gold][(part, metric)]
    problems = "\n".join(scores[gold][part].get("problems", [])[:30])
    assert value >= floor, f"{gold} {part}.{metric} = {value:.3f} < floor {floor}\n{problems}"


@pytest.mark.parametrize(("gold", "part", "metric"), [(g, *k) for g in FLOORS for k in CEILINGS])
def test_count_stays_below_its_ceiling(scores, gold, part, metric):
    ceiling = CEILINGS[(part, metric)]
    assert scores[gold][part][metric] <= ceiling, scores[gold][part].get("problems", [])[:30]
