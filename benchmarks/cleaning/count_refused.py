"""Count the real pages the cleaning stage refuses (UnparseablePage), by corpus and reason.

Corpora: the plain-text pages of ../shared/realtext/meantime/raw and ../shared/realtext/re3d_dev/raw
(kind="text") and the HTML pages of ../shared/benchmarks/article-extraction/html (kind="html").
Every one of them is a real article, so the target is 0 refused.

Usage (from the repo root):
    .venv/bin/python benchmarks/cleaning/count_refused.py [--shared DIR] [--list]
"""

from __future__ import annotations

import argparse
import gzip
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SHARED = REPO_ROOT.parent / "shared"


def corpora(shared: Path) -> Iterator[tuple[str, Literal["html", "text"], Path]]:
    """(corpus name, kind, page path) for every page of the three corpora."""
    for name in ("meantime", "re3d_dev"):
        for path in sorted((shared / "realtext" / name / "raw").glob("*.txt")):
            yield name, "text", path
    for path in sorted((shared / "benchmarks" / "article-extraction" / "html").glob("*.html.gz")):
        yield "article-extraction", "html", path


def _read(path: Path) -> str:
    if path.suffix == ".gz":
        with gzip.open(path, "rt", encoding="utf-8") as f:
            return f.read()
    return path.read_text(encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared folder")
    parser.add_argument("--list", action="store_true", help="print each refused page and its reason")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO_ROOT))
    from pipelines.cleaning import UnparseablePage, clean_page

    pages: Counter[str] = Counter()
    refused: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    for name, kind, path in corpora(args.shared):
        pages[name] += 1
        try:
            clean_page(_read(path), kind=kind)
        except UnparseablePage as exc:
            refused[name] += 1
            reasons[str(exc)] += 1
            if args.list:
                print(f"  {name}/{path.name}: {exc}")
    for name, n in pages.items():
        print(f"{name:<20} pages={n:<4} refused={refused[name]}")
    print(f"{'total':<20} pages={sum(pages.values()):<4} refused={sum(refused.values())}")
    for reason, n in reasons.most_common():
        print(f"  {n:>4}  {reason}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
