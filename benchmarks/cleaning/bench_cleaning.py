"""Score the cleaning stage on the article-extraction benchmark, next to trafilatura alone.

Metric (the benchmark's own): word 4-gram shingles of the predicted and true article bodies,
per-document precision and recall (tp/fp/fn normalised per document), precision and recall averaged
over documents, F1 from those two means.

The cleaner is scored on `CleanedPage.body`, its `clean_text` without the headline paragraph: the true
bodies leave the headline out, so this measures body extraction as it did before the headline was put
into `clean_text` (`--with-headline` also prints the score of the whole `clean_text`, for reference).

Usage (from the repo root):
    uv run python benchmarks/cleaning/bench_cleaning.py [--bench-dir DIR] [--worst N] [--json OUT]
        [--with-headline]
The benchmark directory defaults to $CLEANING_BENCH_DIR, else ../shared/benchmarks/article-extraction
relative to the repo root. It holds ground-truth.json ({id: {"articleBody": ..., "url": ...}}) and
html/<id>.html.gz.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import os
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_BENCH_DIR = REPO_ROOT.parent / "shared" / "benchmarks" / "article-extraction"
_TOKEN = re.compile(r"\w+")
NGRAM = 4


def bench_dir_from_env() -> Path:
    """$CLEANING_BENCH_DIR if set, else the default path beside the repo."""
    return Path(os.environ.get("CLEANING_BENCH_DIR") or DEFAULT_BENCH_DIR)


def shingles(text: str, n: int = NGRAM) -> Counter[tuple[str, ...]]:
    """Multiset of word n-grams (a text shorter than n words gives one shorter shingle)."""
    tokens = _TOKEN.findall(text or "")
    grams = (tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)))
    return Counter(g for g in grams if g)


def doc_scores(true: str, pred: str) -> tuple[float | None, float | None]:
    """Per-document (precision, recall); None where the benchmark leaves the document out of the mean."""
    t, p = shingles(true), shingles(pred)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    total = tp + fp + fn
    if total:
        tp, fp, fn = tp / total, fp / total, fn / total
    precision = recall = None
    if tp + fp > 0:
        precision = 1.0 if fp == fn == 0 else tp / (tp + fp)
    if tp + fn > 0:
        recall = 1.0 if fp == fn == 0 else tp / (tp + fn)
    return precision, recall


@dataclass
class Score:
    """Benchmark score of one extractor."""

    name: str
    precision: float
    recall: float
    f1: float
    seconds: float
    per_doc: dict[str, tuple[float | None, float | None]]

    def line(self) -> str:
        return (
            f"{self.name:<22} precision={self.precision:.4f}  recall={self.recall:.4f}  "
            f"F1={self.f1:.4f}  ({self.seconds:.1f} s, {len(self.per_doc)} pages)"
        )


def score(name: str, truth: dict[str, str], predicted: dict[str, str], seconds: float) -> Score:
    """Aggregate per-document scores the benchmark's way."""
    per_doc = {key: doc_scores(truth[key], predicted.get(key, "")) for key in truth}
    precisions = [p for p, _ in per_doc.values() if p is not None]
    recalls = [r for _, r in per_doc.values() if r is not None]
    p = statistics.mean(precisions) if precisions else 0.0
    r = statistics.mean(recalls) if recalls else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return Score(name, p, r, f1, seconds, per_doc)


def load_benchmark(bench_dir: Path) -> tuple[dict[str, str], dict[str, str]]:
    """(truth article bodies by id, HTML by id)."""
    truth_path = bench_dir / "ground-truth.json"
    if not truth_path.is_file():
        raise FileNotFoundError(
            f"no ground-truth.json in {bench_dir} (set --bench-dir or CLEANING_BENCH_DIR)"
        )
    raw = json.loads(truth_path.read_text(encoding="utf-8"))
    truth = {key: (item.get("articleBody") or "") for key, item in raw.items()}
    pages = {}
    for key in truth:
        with gzip.open(bench_dir / "html" / f"{key}.html.gz", "rt", encoding="utf-8") as f:
            pages[key] = f.read()
    return truth, pages


def run(extract: Callable[[str], str], pages: dict[str, str]) -> tuple[dict[str, str], float]:
    """Apply `extract` to every page; return outputs and total seconds."""
    out: dict[str, str] = {}
    start = time.perf_counter()
    for key, page in pages.items():
        out[key] = extract(page) or ""
    return out, time.perf_counter() - start


def ours(page: str) -> str:
    """The project's cleaner: the article body it extracts (empty text for an unparseable page).

    The benchmark's true bodies leave the headline out, so the headline paragraph that opens
    `clean_text` is left out too (`CleanedPage.body`): the score measures body extraction alone.
    """
    from pipelines.cleaning import UnparseablePage, clean_page

    try:
        return clean_page(page, kind="html").body
    except UnparseablePage:
        return ""


def ours_with_headline(page: str) -> str:
    """The whole `clean_text`, headline paragraph included (for reference only; not the gated score)."""
    from pipelines.cleaning import UnparseablePage, clean_page

    try:
        return clean_page(page, kind="html").clean_text
    except UnparseablePage:
        return ""


def trafilatura_alone(page: str) -> str:
    """trafilatura with the benchmark's own settings."""
    import trafilatura

    return trafilatura.extract(page, include_comments=False) or ""


def evaluate(bench_dir: Path) -> tuple[Score, Score]:
    """Score the cleaner and trafilatura alone on the same pages, in the same run."""
    truth, pages = load_benchmark(bench_dir)
    ours_out, ours_s = run(ours, pages)
    base_out, base_s = run(trafilatura_alone, pages)
    return score("conflict-ledger", truth, ours_out, ours_s), score(
        "trafilatura alone", truth, base_out, base_s
    )


def _worst(s: Score, other: Score, n: int) -> Iterable[str]:
    def f1(pr: tuple[float | None, float | None]) -> float:
        p, r = (x or 0.0 for x in pr)
        return 2 * p * r / (p + r) if p + r else 0.0

    ranked = sorted(s.per_doc, key=lambda k: f1(s.per_doc[k]) - f1(other.per_doc[k]))
    for key in ranked[:n]:
        (p, r), (bp, br) = s.per_doc[key], other.per_doc[key]
        yield f"  {key[:16]}  ours p={p or 0:.3f} r={r or 0:.3f}  trafilatura p={bp or 0:.3f} r={br or 0:.3f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench-dir", type=Path, default=None, help="benchmark directory")
    parser.add_argument("--worst", type=int, default=0, help="list the N pages we trail trafilatura on most")
    parser.add_argument("--json", type=Path, default=None, help="write the scores as JSON here")
    parser.add_argument(
        "--with-headline",
        action="store_true",
        help="also score the whole clean_text, headline paragraph included (reference, not the gate)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    sys.path.insert(0, str(REPO_ROOT))
    bench_dir = args.bench_dir or bench_dir_from_env()
    mine, base = evaluate(bench_dir)
    print(f"article-extraction benchmark: {bench_dir}")
    print(mine.line())
    print(base.line())
    if args.with_headline:
        truth, pages = load_benchmark(bench_dir)
        whole, seconds = run(ours_with_headline, pages)
        print(score("clean_text + headline", truth, whole, seconds).line())
    if args.worst:
        print(f"pages where {mine.name} trails {base.name} most:")
        for row in _worst(mine, base, args.worst):
            print(row)
    if args.json:
        args.json.write_text(
            json.dumps(
                {s.name: {"precision": s.precision, "recall": s.recall, "f1": s.f1} for s in (mine, base)},
                indent=2,
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
