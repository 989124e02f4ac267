"""Evaluation: score a warehouse against a gold file in the format of gold/README.md."""

from pipelines.evaluation.score import evaluate, load_gold

__all__ = ["evaluate", "load_gold"]
