"""`make bench`: speed and memory of the pipeline against its two heavy parts, on the same real pages.

In one run, on the article-extraction benchmark's 121 HTML pages (or any folder of .html/.html.gz/.txt):
- trafilatura alone (`trafilatura.extract` on each page);
- spaCy alone (`nlp.pipe` over the pages' clean texts, the pinned en_core_web_sm);
- each stage as the assets call it: cleaning, parse, mentions, dates, figures (one parse per page);
- the whole Dagster job (`ledger_job`'s assets and checks, in process, into a temporary warehouse), in one
  process like the two baselines unless --processes N.
It prints seconds, pages per second and the ratio the issue tracker asks about (whole job / (trafilatura +
spaCy)), the same ratio in CPU seconds of the process (steadier than wall time on a shared machine), the
process's peak resident memory, and writes everything to benchmarks/results/bench_stages.json.
All three run in this one process, one after the other, on the same pages. Nothing here asserts a time.

    uv run python benchmarks/pipeline/bench_stages.py [--pages DIR] [--no-job]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import platform
import resource
import shutil
import tempfile
import time
from pathlib import Path

from pipelines import settings
from pipelines.cleaning import UnparseablePage, clean_page
from pipelines.dates import extract_dates
from pipelines.entities import find_mentions, load_kb
from pipelines.figures import extract_figures
from pipelines.nlp import load_nlp, parse_documents

DEFAULT_PAGES = settings.PROJECT_ROOT.parent / "shared" / "benchmarks" / "article-extraction" / "html"
RESULTS = settings.PROJECT_ROOT / "benchmarks" / "results" / "bench_stages.json"


def _read(path: Path) -> tuple[str, str]:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    kind = "text" if ".txt" in path.suffixes else "html"
    return data.decode("utf-8", errors="replace"), kind


class _Clock:
    """Wall and CPU seconds (this process, all its threads) since it was made."""

    def __init__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def stop(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


def _timed(fn, *args, **kwargs):
    t = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t


def trafilatura_alone(pages: list[tuple[str, str]]) -> tuple[float, float]:
    """(wall, CPU) seconds of trafilatura.extract on every HTML page."""
    import trafilatura

    clock = _Clock()
    for content, kind in pages:
        if kind == "html":
            trafilatura.extract(content)
    return clock.stop()


def stages(
    pages: list[tuple[str, str]],
) -> tuple[dict[str, float], dict[str, int], list[str], tuple[float, float]]:
    """Seconds and rows per stage, the clean texts, and spaCy alone over them ((wall, CPU) seconds)."""
    published = dt.date(2020, 1, 1)
    kb = load_kb()
    nlp = load_nlp()
    seconds = dict.fromkeys(("cleaning", "parse", "mentions", "dates", "figures"), 0.0)
    rows = dict.fromkeys(("mentions", "dates", "figures"), 0)
    texts = []
    for content, kind in pages:
        try:
            cleaned, s = _timed(clean_page, content, kind=kind)
        except UnparseablePage:
            continue
        seconds["cleaning"] += s
        texts.append(cleaned.clean_text)
    clock = _Clock()
    for _ in nlp.pipe(texts, batch_size=8):
        pass
    spacy_alone = clock.stop()
    t = time.perf_counter()
    docs = [doc for _, doc in parse_documents(enumerate(texts), nlp=nlp)]
    seconds["parse"] = time.perf_counter() - t
    for text, doc in zip(texts, docs, strict=True):
        mentions, s = _timed(find_mentions, text, kb, published, doc=doc)
        seconds["mentions"] += s
        dates, s = _timed(extract_dates, text, published, doc=doc)
        seconds["dates"] += s
        figures, s = _timed(extract_figures, text, mentions, doc=doc)
        seconds["figures"] += s
        rows["mentions"] += len(mentions)
        rows["dates"] += len(dates)
        rows["figures"] += len(figures)
    return seconds, rows, texts, spacy_alone


def whole_job(page_dir: Path) -> tuple[float, float]:
    """The Dagster job's assets and checks on a copy of the pages, into a temporary warehouse."""
    import dagster as dg

    from pipelines.definitions import defs
    from pipelines.defs.jobs import ledger_job
    from pipelines.defs.resources import ledger_resources

    loaded = defs()
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw"
        shutil.copytree(page_dir, raw)
        clock = _Clock()
        result = dg.materialize(
            [*loaded.assets, *(loaded.asset_checks or [])],
            selection=ledger_job.selection,
            resources=ledger_resources(raw, Path(tmp) / "wh" / "ledger.duckdb"),
            raise_on_error=False,
        )
        seconds = clock.stop()
    if not result.success:
        print("  (the job did not succeed: its time is not comparable)")
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES)
    parser.add_argument("--no-job", action="store_true", help="leave out the whole Dagster job")
    parser.add_argument(
        "--processes",
        type=int,
        default=1,
        help="LEDGER_PROCESSES of the whole job (default 1: one process, like trafilatura and spaCy alone)",
    )
    args = parser.parse_args(argv)
    os.environ["LEDGER_PROCESSES"] = str(args.processes)  # the job's worker pool; the baselines use one
    pages = [_read(p) for p in sorted(args.pages.iterdir()) if p.is_file() and p.name != "manifest.csv"]
    traf, traf_cpu = trafilatura_alone(pages)
    seconds, rows, texts, (spacy_alone, spacy_cpu) = stages(pages)
    job, job_cpu = (None, None) if args.no_job else whole_job(args.pages)
    n = len(texts)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{len(pages)} pages, {n} cleaned, {sum(map(len, texts)):,} clean characters")
    print(f"  {'trafilatura alone':22s} {traf:7.2f} s  {len(pages) / traf:7.1f} pages/s")
    print(f"  {'spaCy alone (nlp.pipe)':22s} {spacy_alone:7.2f} s  {n / spacy_alone:7.1f} pages/s")
    for stage, s in seconds.items():
        extra = f"  {rows[stage]:6d} rows" if stage in rows else ""
        print(f"  {stage:22s} {s:7.2f} s  {n / s if s else float('inf'):7.1f} pages/s{extra}")
    stage_sum = sum(seconds.values())
    print(f"  {'stages together':22s} {stage_sum:7.2f} s")
    if job is not None:
        ratio = job / (traf + spacy_alone)
        print(f"  {'whole Dagster job':22s} {job:7.2f} s  (job / (trafilatura + spaCy) = {ratio:.2f})")
        cpu_ratio = job_cpu / (traf_cpu + spacy_cpu)
        print(
            f"  CPU seconds: trafilatura {traf_cpu:.2f}, spaCy {spacy_cpu:.2f}, job {job_cpu:.2f} "
            f"(ratio {cpu_ratio:.2f})"
        )
    print(f"  peak resident memory {peak_mib:.0f} MiB")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "machine": f"{platform.machine()}, {platform.python_version()}",
                "pages": len(pages),
                "cleaned": n,
                "job_processes": args.processes,
                "seconds": {
                    "trafilatura_alone": traf,
                    "spacy_alone": spacy_alone,
                    **seconds,
                    "stages_together": stage_sum,
                    "whole_job": job,
                },
                "rows": rows,
                "cpu_seconds": {
                    "trafilatura_alone": traf_cpu,
                    "spacy_alone": spacy_cpu,
                    "whole_job": job_cpu,
                },
                "job_over_trafilatura_plus_spacy": None if job is None else job / (traf + spacy_alone),
                "cpu_job_over_trafilatura_plus_spacy": None
                if job is None
                else job_cpu / (traf_cpu + spacy_cpu),
                "peak_rss_mib": peak_mib,
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"  written to {RESULTS.relative_to(settings.PROJECT_ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
