"""Quality floors on the sample gold set. A floor may only go up: raise it when a change scores higher."""

import pytest

from pipelines import settings
from pipelines.evaluation import evaluate

GOLD = settings.PROJECT_ROOT / "gold" / "seeds.yaml"

FLOORS = {
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
    ("entities", "linking_consistency"): 0.98,
}
CEILINGS = {
    ("figures", "not_figures_extracted"): 0,
    ("entities", "not_mentions_extracted"): 0,
    ("entities", "entities_sharing_an_id"): 0,
    ("boilerplate", "missing_documents"): 0,
}


@pytest.fixture(scope="module")
def scores(sample_warehouse):
    return evaluate(GOLD, sample_warehouse)


@pytest.mark.parametrize(("part", "metric"), list(FLOORS))
def test_score_stays_above_its_floor(scores, part, metric):
    value = scores[part][metric]
    problems = "\n".join(scores[part].get("problems", [])[:30])
    assert value >= FLOORS[(part, metric)], (
        f"{part}.{metric} = {value:.3f} < floor {FLOORS[(part, metric)]}\n{problems}"
    )


@pytest.mark.parametrize(("part", "metric"), list(CEILINGS))
def test_count_stays_below_its_ceiling(scores, part, metric):
    assert scores[part][metric] <= CEILINGS[(part, metric)], scores[part].get("problems", [])[:30]
