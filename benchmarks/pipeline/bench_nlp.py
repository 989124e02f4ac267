"""Speed of the one spaCy parse (pipelines/nlp) on real pages: the article-extraction benchmark's 121 HTML
pages are cleaned first (pipelines.cleaning.clean_page, not timed), then their clean texts parsed with
`parse_documents` (nlp.pipe, single process unless --n-process). Prints model load time, pages per second,
characters and tokens per second for each batch size, the DocBin size and the process's peak memory.
Nothing here asserts a time.

    uv run python benchmarks/pipeline/bench_nlp.py [--pages DIR] [--batch-size N ...] [--n-process N]
"""

from __future__ import annotations

import argparse
import gzip
import resource
import time
from pathlib import Path

from pipelines import settings
from pipelines.cleaning import UnparseablePage, clean_page
from pipelines.nlp import load_nlp, parse_documents, to_bytes

DEFAULT_PAGES = settings.PROJECT_ROOT.parent / "shared" / "benchmarks" / "article-extraction" / "html"


def _clean_texts(pages: Path) -> tuple[list[tuple[str, str]], int]:
    texts, skipped = [], 0
    for path in sorted(p for p in pages.iterdir() if p.is_file()):
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        kind = "text" if ".txt" in path.suffixes else "html"
        try:
            texts.append(
                (path.name, clean_page(data.decode("utf-8", errors="replace"), kind=kind).clean_text)
            )
        except UnparseablePage:
            skipped += 1
    return texts, skipped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES)
    parser.add_argument("--batch-size", type=int, nargs="+", default=[8], help="one run per value")
    parser.add_argument("--n-process", type=int, default=1)
    args = parser.parse_args(argv)
    texts, skipped = _clean_texts(args.pages)
    chars = sum(len(t) for _, t in texts)
    started = time.perf_counter()
    nlp = load_nlp()
    nlp("Warm-up: two people were killed in Homs on Monday.")
    print(
        f"{len(texts)} pages ({skipped} unparseable skipped), {chars:,} clean characters, longest "
        f"{max(len(t) for _, t in texts):,}; model load and warm-up {time.perf_counter() - started:.2f} s"
    )
    for batch_size in args.batch_size:
        started = time.perf_counter()
        docs = [doc for _, doc in parse_documents(texts, batch_size=batch_size, n_process=args.n_process)]
        seconds = time.perf_counter() - started
        tokens = sum(len(d) for d in docs)
        ents = sum(len(d.ents) for d in docs)
        print(
            f"batch_size {batch_size:4d}, n_process {args.n_process}: {seconds:6.2f} s  "
            f"{len(docs) / seconds:6.1f} pages/s  {chars / seconds:9,.0f} chars/s  "
            f"{tokens / seconds:7,.0f} tokens/s  ({tokens:,} tokens, {ents:,} entities)"
        )
    started = time.perf_counter()
    stored = to_bytes(docs)
    print(f"DocBin of the last run: {len(stored):,} bytes in {time.perf_counter() - started:.2f} s")
    print(f"peak resident memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
