"""Quality floor on the sample articles (gold/seeds.yaml `dates`): the floor may only go up."""

from pathlib import Path

from pipelines.dates.score_samples import score

ROOT = Path(__file__).resolve().parents[2]


def test_sample_dates_precision_and_recall_floor():
    res = score(ROOT / "raw", ROOT / "gold" / "seeds.yaml")
    assert res["recall"] >= 0.95, res
    assert res["precision"] >= 0.90, res
    assert res["precision_repeats_tolerated"] >= 0.95, res
