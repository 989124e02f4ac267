"""Gate on the article-extraction benchmark: the cleaner must beat trafilatura alone, measured in one run.

The benchmark directory is taken from $CLEANING_BENCH_DIR, else ../shared/benchmarks/article-extraction
beside the repo (see benchmarks/cleaning/bench_cleaning.py). The floors may only go up.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH_SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "cleaning" / "bench_cleaning.py"
F1_FLOOR = 0.977
# Recall may trail trafilatura alone by at most this much; precision must be higher than its.
MAX_RECALL_LOSS = 0.005


def _bench_module():
    spec = importlib.util.spec_from_file_location("bench_cleaning", BENCH_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def scores():
    bench = _bench_module()
    bench_dir = bench.bench_dir_from_env()
    if not (bench_dir / "ground-truth.json").is_file():
        pytest.skip(f"article-extraction benchmark not found at {bench_dir}")
    return bench.evaluate(bench_dir)


def test_f1_floor(scores):
    ours, _ = scores
    assert ours.f1 >= F1_FLOOR, ours.line()


def test_precision_beats_trafilatura_alone(scores):
    ours, base = scores
    assert ours.precision > base.precision, f"{ours.line()}\n{base.line()}"


def test_recall_close_to_trafilatura_alone(scores):
    ours, base = scores
    assert ours.recall >= base.recall - MAX_RECALL_LOSS, f"{ours.line()}\n{base.line()}"


def test_metric_matches_the_benchmark_definition():
    bench = _bench_module()
    assert bench.doc_scores("a b c d e", "a b c d e") == (1.0, 1.0)
    precision, recall = bench.doc_scores("a b c d e f", "a b c d x y")
    # true shingles abcd bcde cdef; predicted abcd bcdx cdxy: tp 1, fp 2, fn 2
    assert precision == pytest.approx(1 / 3) and recall == pytest.approx(1 / 3)
    assert bench.doc_scores("", "") == (None, None)
    assert bench.doc_scores("a b c d", "") == (None, 0.0)
    assert bench.shingles("one two")[("one", "two")] == 1
