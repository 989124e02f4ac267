"""Generate a benchmark corpus: N distinct, realistic pages in a raw directory the pipeline reads (issue 16).

The pages are variants of real pages (../shared/): the article-extraction benchmark's 121 HTML pages, the
five seed samples, and the real texts of ../shared/realtext/*/raw (MEANTIME, re3d_dev). Page i takes the
source page at position i of a seeded cycle over all sources (so each source is used about N / 300 times),
keeps its first paragraph, shuffles the others and replaces up to a third of them with paragraphs of another
page of the same collection. HTML stays valid: only the inside of a well-formed `<p>` that holds inline
markup alone is swapped for another such inside (the page's tags are untouched), and a comment naming the
variant is added after `<head>`. A text page keeps its leading headline and date lines and ends with a line
naming the variant. So every page's bytes differ from every other's (each carries its own code).

Layout: page i lands in the day folder `first_day + i // pages_per_day` (OUT_DIR/YYYY-MM-DD/), as
`p<i, 7 digits>.html.gz` (gzipped like the benchmark's pages) or `.txt`, so its doc_id is `p<i>` (the
pipeline's raw scanner walks nested folders and reads one manifest.csv per folder, whose `file` is a
bare name in that folder). Each day folder's manifest.csv gives the source page's url and outlet, its
language, a published date 0-6 days before the landing day, and charset utf-8. `--start K` adds pages
K.. to an existing corpus (the new pages' rows are merged into the manifests they share a folder with).
OUT_DIR/ATTRIBUTION.md names the sources and their licences; their licence files are copied into
OUT_DIR/LICENSES/ (named without a page suffix, so the pipeline does not read them as pages).
Deterministic: the same N, seed and start give the same bytes.

    uv run python benchmarks/corpus/generate.py N OUT_DIR [--seed S] [--start K] [--pages-per-day D]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import io
import json
import os
import random
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from pipelines import settings

SHARED = settings.PROJECT_ROOT.parent / "shared"
FIRST_DAY = dt.date(2026, 1, 1)
PAGES_PER_DAY = 250
MAX_PUBLICATION_LAG_DAYS = 6
MANIFEST_COLUMNS = ("file", "url", "outlet", "language", "published", "charset")

# Tags whose presence inside a <p> match means the match is not one plain paragraph (an unclosed <p>
# swallowing blocks, a list, a script): such a paragraph is never swapped.
_BLOCK = re.compile(
    r"</?(?:p|div|section|article|aside|header|footer|nav|main|table|thead|tbody|tr|td|th|ul|ol|li|dl|dt|dd"
    r"|h[1-6]|blockquote|figure|figcaption|form|pre|script|style|iframe|noscript|template|textarea|body|html)\b",
    re.I,
)
_PARAGRAPH = re.compile(r"(<p\b[^>]*>)(.*?)(</p\s*>)", re.S | re.I)
# Where a <p> match is no paragraph of the page: inside a script, style, template or comment.
_OPAQUE = re.compile(r"<(script|style|noscript|template|textarea)\b.*?</\1\s*>|<!--.*?-->", re.S | re.I)
_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)[^>]*?(/?)>")
_VOID = {"br", "img", "wbr", "input", "source", "meta", "link", "hr", "area", "col", "embed", "track"}
_HEAD = re.compile(r"<head\b[^>]*>|<html\b[^>]*>", re.I)
_MIN_PARAGRAPH_CHARS = 40
# A text page's leading block that does not end a sentence is a headline or a date line (kept in place).
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)]?$")
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"\u201c])")


@dataclass(frozen=True)
class Source:
    """One real page the variants are made from."""

    collection: str  # article-extraction, seeds, meantime, re3d_dev
    name: str  # its file name
    kind: str  # html | text
    text: str
    url: str
    outlet: str
    language: str
    paragraphs: tuple[str, ...] = ()  # HTML: the swappable insides of its <p>; text: its body blocks
    slots: tuple[tuple[int, int], ...] = ()  # HTML: where each of those insides is in `text`
    header: tuple[str, ...] = ()  # text: headline and date lines, kept first


@dataclass
class Written:
    """What one call of generate wrote."""

    pages: list[Path] = field(default_factory=list)
    by_collection: dict[str, int] = field(default_factory=dict)
    days: set[str] = field(default_factory=set)
    bytes: int = 0


def _balanced(inner: str) -> bool:
    depth: dict[str, int] = {}
    for closing, name, self_closing in _TAG.findall(inner):
        name = name.lower()
        if name in _VOID or self_closing:
            continue
        depth[name] = depth.get(name, 0) + (-1 if closing else 1)
        if depth[name] < 0:
            return False
    return not any(depth.values())


def html_paragraphs(html: str) -> list[tuple[int, int]]:
    """(start, end) of the inside of every swappable <p> of a page: well-formed, inline markup only, outside
    scripts and comments, with at least _MIN_PARAGRAPH_CHARS characters of text."""
    opaque = [m.span() for m in _OPAQUE.finditer(html)]
    spans, k = [], 0
    for m in _PARAGRAPH.finditer(html):
        while k < len(opaque) and opaque[k][1] <= m.start():
            k += 1
        if k < len(opaque) and opaque[k][0] < m.end():
            continue
        inner = m.group(2)
        if _BLOCK.search(inner) or "<!--" in inner or not _balanced(inner):
            continue
        if len(re.sub(r"<[^>]+>", "", inner).strip()) < _MIN_PARAGRAPH_CHARS:
            continue
        spans.append(m.span(2))
    return spans


def text_parts(text: str) -> tuple[list[str], list[str]]:
    """(header, body) blocks of a plain-text page. A body of fewer than three blocks is cut into blocks of
    two sentences, so it can be recombined."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text.strip()) if b.strip()]
    header = []
    while blocks and len(header) < 2 and not _SENTENCE_END.search(blocks[0]):
        header.append(blocks.pop(0))
    if len(blocks) < 3:
        sentences = [s for b in blocks for s in _SENTENCE_SPLIT.split(b)]
        blocks = [" ".join(sentences[i : i + 2]) for i in range(0, len(sentences), 2)]
    return header, blocks


def _manifest_rows(folder: Path) -> dict[str, dict[str, str]]:
    path = folder / "manifest.csv"
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as f:
        return {row["file"]: row for row in csv.DictReader(f)}


def load_sources(shared: Path = SHARED) -> list[Source]:
    """Every source page, in a fixed order (collection, then file name)."""
    sources: list[Source] = []
    bench = shared / "benchmarks" / "article-extraction"
    truth = json.loads((bench / "ground-truth.json").read_text(encoding="utf-8"))
    for path in sorted((bench / "html").glob("*.html.gz")):
        html = gzip.decompress(path.read_bytes()).decode("utf-8")
        url = truth.get(path.name.split(".")[0], {}).get("url") or ""
        host = urlsplit(url).hostname or ""
        spans = html_paragraphs(html)
        sources.append(
            Source(
                "article-extraction",
                path.name,
                "html",
                html,
                url,
                host.removeprefix("www."),
                "",
                tuple(html[a:b] for a, b in spans),
                tuple(spans),
            )
        )
    text_dirs = [("seeds", shared / "seeds")] + [
        (d.name, d / "raw") for d in sorted((shared / "realtext").iterdir()) if (d / "raw").is_dir()
    ]
    for collection, folder in text_dirs:
        rows = _manifest_rows(folder)
        for path in sorted(folder.glob("*.txt")):
            row = rows.get(path.name, {})
            header, body = text_parts(path.read_text(encoding="utf-8"))
            sources.append(
                Source(
                    collection,
                    path.name,
                    "text",
                    "",
                    row.get("url") or "",
                    row.get("outlet") or "",
                    row.get("language") or "",
                    tuple(body),
                    header=tuple(header),
                )
            )
    return sources


def code(i: int) -> str:
    """The variant's code: page number i in letters (no digit, so no extractor reads it as a number)."""
    letters = []
    for _ in range(6):
        i, r = divmod(i, 26)
        letters.append(chr(ord("a") + r))
    return "".join(reversed(letters))


def recombine(own: list[str], donor: list[str], rng: random.Random) -> list[str]:
    """The first paragraph in place, the others shuffled, up to a third of them replaced by donor ones."""
    if not own:
        return []
    out = own[:1] + rng.sample(own[1:], len(own) - 1)
    movable = list(range(1, len(out)))
    if donor and movable:
        for slot in rng.sample(movable, rng.randint(1, max(1, len(movable) // 3))):
            out[slot] = rng.choice(donor)
    return out


def _html_variant(base: Source, donor: Source, i: int, rng: random.Random) -> str:
    insides = recombine(list(base.paragraphs), list(donor.paragraphs), rng)
    pieces, at = [], 0
    for (start, end), inside in zip(base.slots, insides, strict=True):
        pieces += [base.text[at:start], inside]
        at = end
    pieces.append(base.text[at:])
    html = "".join(pieces)
    marker = f"\n<!-- corpus page {code(i)}: {base.name} recombined with paragraphs of {donor.name} -->\n"
    head = _HEAD.search(html)
    cut = head.end() if head else 0
    return html[:cut] + marker + html[cut:]


def _text_variant(base: Source, donor: Source, i: int, rng: random.Random) -> str:
    body = recombine(list(base.paragraphs), list(donor.paragraphs), rng)
    return "\n\n".join([*base.header, *body, f"[corpus page {code(i)}]"]) + "\n"


def page(i: int, sources: list[Source], seed: int) -> tuple[Source, bytes, int]:
    """(its source, the bytes, the publication lag in days) of page i; depends on (i, sources, seed) only."""
    order = list(range(len(sources)))
    random.Random(f"corpus-order:{seed}").shuffle(order)
    base = sources[order[i % len(sources)]]
    rng = random.Random(f"corpus-page:{seed}:{i}")
    same = [s for s in sources if s.collection == base.collection and s is not base]
    donor = rng.choice(same) if same else base
    if base.kind == "html":
        data = gzip.compress(_html_variant(base, donor, i, rng).encode("utf-8"), compresslevel=6, mtime=0)
    else:
        data = _text_variant(base, donor, i, rng).encode("utf-8")
    return base, data, rng.randint(0, MAX_PUBLICATION_LAG_DAYS)


def page_path(i: int, kind: str, first_day: dt.date, pages_per_day: int) -> str:
    """A page's path in the corpus: its landing day's folder and its file."""
    day = first_day + dt.timedelta(days=i // pages_per_day)
    return f"{day.isoformat()}/p{i:07d}." + ("html.gz" if kind == "html" else "txt")


def _write_manifest(folder: Path, rows: dict[str, dict[str, str]]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=MANIFEST_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for name in sorted(rows):
        writer.writerow({c: rows[name].get(c, "") for c in MANIFEST_COLUMNS})
    tmp = folder / ".manifest.csv.tmp"
    tmp.write_text(buffer.getvalue(), encoding="utf-8")
    os.replace(tmp, folder / "manifest.csv")


ATTRIBUTION = """# Generated benchmark corpus (benchmarks/corpus/generate.py)

Every page here is a variant of a real page: its paragraphs shuffled and partly replaced by paragraphs of
another page of the same collection, plus a marker naming the variant (an HTML comment after `<head>`, or a
last line `[corpus page ...]`). The manifest's `url` and `outlet` are those of the page a variant is made
from; the publication dates are made up (0-6 days before the landing day, the folder's name). It is made for
measuring the pipeline's speed and memory only: do not redistribute it, and do not read it as news.

Sources and their licences (the licence files are copied unchanged into `LICENSES/`):

- **article-extraction benchmark** (`../shared/benchmarks/article-extraction/html`, 121 HTML pages):
  Scrapinghub's article-extraction-benchmark, MIT License, Copyright (c) 2020 Scrapinghub
  (`LICENSES/article-extraction.LICENSE`). The pages themselves are web pages of their publishers (each
  page's original URL is its `url` in the manifest).
- **seeds** (`../shared/seeds/`, 5 plain-text pages): the project's seed samples; no licence file comes with
  them; their outlets are named in the manifest.
- **MEANTIME** (`../shared/realtext/meantime/raw`): the NewsReader MEANTIME corpus, English section, (c) 2015
  Fondazione Bruno Kessler, VU University Amsterdam and Universidad del Pais Vasco; texts are English
  Wikinews articles by Wikinews contributors (https://en.wikinews.org). Licence: Creative Commons Attribution
  4.0 International (https://creativecommons.org/licenses/by/4.0/; `LICENSES/meantime.LICENSE`). Changed
  here: detokenised in ../shared (see its README), then recombined as said above.
- **re3d_dev** (`../shared/realtext/re3d_dev/raw`): re3d, by Aleph Insights and Committed Software for the UK
  Defence Science and Technology Laboratory (Dstl), 2017; each part under the licence of its source: US State
  Department (public domain, US Government work), UK Government (Open Government Licence v3.0: contains
  public sector information licensed under the Open Government Licence v3.0), Australian Department of
  Foreign Affairs and Trade (Creative Commons Attribution 3.0 Australia, http://dfat.gov.au)
  (`LICENSES/re3d_dev-<source>.LICENSE` and `.ATTRIBUTION`). Changed here: recombined as said above.
"""


def write_attribution(out_dir: Path, shared: Path = SHARED) -> None:
    """ATTRIBUTION.md and LICENSES/ in the corpus folder (no file there has a page suffix)."""
    (out_dir / "ATTRIBUTION.md").write_text(ATTRIBUTION, encoding="utf-8")
    licences = out_dir / "LICENSES"
    licences.mkdir(exist_ok=True)
    copies = {
        shared / "benchmarks" / "article-extraction" / "LICENSE": "article-extraction.LICENSE",
        shared / "realtext" / "meantime" / "LICENSE.txt": "meantime.LICENSE",
    }
    re3d = shared / "realtext" / "re3d_dev" / "sources"
    for source in sorted(re3d.iterdir()) if re3d.is_dir() else []:
        slug = re.sub(r"\W+", "-", source.name).strip("-")
        for what in ("LICENSE", "ATTRIBUTION"):
            copies[source / what] = f"re3d_dev-{slug}.{what}"
    for src, name in copies.items():
        if src.is_file():
            shutil.copyfile(src, licences / name)


def generate(
    n: int,
    out_dir: Path,
    seed: int = 0,
    start: int = 0,
    pages_per_day: int = PAGES_PER_DAY,
    first_day: dt.date = FIRST_DAY,
    shared: Path = SHARED,
    sources: list[Source] | None = None,
) -> Written:
    """Write pages start .. start + n - 1 into out_dir (see the module docstring)."""
    if n < 0 or start < 0 or pages_per_day < 1:
        raise ValueError("N and --start must be >= 0 and --pages-per-day >= 1")
    sources = sources if sources is not None else load_sources(shared)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = Written()
    manifests: dict[Path, dict[str, dict[str, str]]] = {}
    for i in range(start, start + n):
        base, data, lag = page(i, sources, seed)
        path = out_dir / page_path(i, base.kind, first_day, pages_per_day)
        if path.exists():
            raise FileExistsError(f"{path} exists: add pages with --start past the last one")
        folder = path.parent
        if folder not in manifests:
            folder.mkdir(exist_ok=True)
            manifests[folder] = _manifest_rows(folder)
        path.write_bytes(data)
        day = dt.date.fromisoformat(folder.name)
        manifests[folder][path.name] = {
            "file": path.name,
            "url": base.url,
            "outlet": base.outlet,
            "language": base.language,
            "published": (day - dt.timedelta(days=lag)).isoformat(),
            "charset": "utf-8",
        }
        written.pages.append(path)
        written.by_collection[base.collection] = written.by_collection.get(base.collection, 0) + 1
        written.days.add(folder.name)
        written.bytes += len(data)
    for folder, rows in manifests.items():
        _write_manifest(folder, rows)
    write_attribution(out_dir, shared)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="how many pages")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--start", type=int, default=0, help="number of the first page (to add to a corpus)")
    parser.add_argument("--pages-per-day", type=int, default=PAGES_PER_DAY)
    parser.add_argument("--first-day", type=dt.date.fromisoformat, default=FIRST_DAY)
    parser.add_argument("--shared", type=Path, default=SHARED, help="the shared folder holding the sources")
    args = parser.parse_args(argv)
    written = generate(
        args.n, args.out_dir, args.seed, args.start, args.pages_per_day, args.first_day, args.shared
    )
    kinds = ", ".join(f"{c} {k}" for c, k in sorted(written.by_collection.items()))
    print(
        f"{len(written.pages)} pages ({kinds}) in {len(written.days)} day folders, "
        f"{written.bytes / 2**20:.1f} MiB, into {args.out_dir}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
