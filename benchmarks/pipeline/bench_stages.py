"""Speed and memory of each stage (cleaning, mentions, dates, figures) on real pages.

Runs the domain functions the Dagster assets call, page by page, on the article-extraction benchmark's 121
HTML pages (or any folder of .html/.html.gz/.txt pages), and prints seconds, pages per second and
characters per second per stage, and the process's peak resident memory. Nothing here asserts a time.

    uv run python benchmarks/pipeline/bench_stages.py [--pages DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import resource
import time
from pathlib import Path

from pipelines import settings
from pipelines.cleaning import UnparseablePage, clean_page
from pipelines.dates import extract_dates
from pipelines.entities import find_mentions, load_kb
from pipelines.figures import extract_figures

DEFAULT_PAGES = settings.PROJECT_ROOT.parent / "shared" / "benchmarks" / "article-extraction" / "html"


def _read(path: Path) -> tuple[str, str]:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    kind = "text" if ".txt" in path.suffixes else "html"
    return data.decode("utf-8", errors="replace"), kind


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES)
    parser.add_argument(
        "--repeat", type=int, default=1, help="passes over the pages (more = steadier numbers)"
    )
    args = parser.parse_args(argv)
    pages = [_read(p) for p in sorted(args.pages.iterdir()) if p.is_file()]
    published = dt.date(2020, 1, 1)
    started = time.perf_counter()
    kb = load_kb()
    kb_seconds = time.perf_counter() - started
    seconds = {"cleaning": 0.0, "mentions": 0.0, "dates": 0.0, "figures": 0.0}
    counts = {"mentions": 0, "dates": 0, "figures": 0}
    chars = skipped = 0
    for _ in range(args.repeat):
        for content, kind in pages:
            t = time.perf_counter()
            try:
                text = clean_page(content, kind=kind).clean_text
            except UnparseablePage:
                skipped += 1
                continue
            seconds["cleaning"] += time.perf_counter() - t
            chars += len(text)
            t = time.perf_counter()
            mentions = find_mentions(text, kb, published)
            seconds["mentions"] += time.perf_counter() - t
            t = time.perf_counter()
            dates = extract_dates(text, published)
            seconds["dates"] += time.perf_counter() - t
            t = time.perf_counter()
            figures = extract_figures(text, mentions)
            seconds["figures"] += time.perf_counter() - t
            counts["mentions"] += len(mentions)
            counts["dates"] += len(dates)
            counts["figures"] += len(figures)
    n = len(pages) * args.repeat - skipped
    print(
        f"{n} pages ({skipped} unparseable skipped), {chars:,} clean characters; "
        f"knowledge base load {kb_seconds:.2f} s"
    )
    for stage, s in seconds.items():
        extra = f"  {counts[stage]:6d} rows" if stage in counts else ""
        print(
            f"  {stage:9s} {s:7.2f} s  {n / s if s else 0:8.1f} pages/s  "
            f"{chars / s / 1000 if s else 0:8.1f} k chars/s{extra}"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak resident memory {peak:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
