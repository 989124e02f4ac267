"""Figures: every count of people in a clean text, with its bounds, qualifier, category (SPEC.md §3),
the armed group and place it is about, part-of links to totals and repeat links between copies of one
claim. Numbers that are not counts of people become `other` figures with a unit, or no figure."""

from pipelines.figures.extract import Figure, extract_figures
from pipelines.figures.lexicon import LexiconError, load_lexicon
from pipelines.figures.quantity import parse_quantity

__all__ = ["Figure", "LexiconError", "extract_figures", "load_lexicon", "parse_quantity"]
