"""The benchmark corpus generator (benchmarks/corpus/generate.py): distinct pages, deterministic for a seed,
valid HTML variants, and a raw directory the pipeline's scanner registers in full (day folders, one
manifest each, pages added later with --start)."""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import re
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pipelines import settings
from pipelines.ingest import scan_raw_dir

GENERATE = settings.PROJECT_ROOT / "benchmarks" / "corpus" / "generate.py"
SHARED = settings.PROJECT_ROOT.parent / "shared"
N = 30

pytestmark = pytest.mark.skipif(
    not (SHARED / "benchmarks" / "article-extraction" / "html").is_dir(),
    reason=f"the source pages are not in {SHARED}",
)


def _module():
    name = "corpus_generate"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, GENERATE)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture(scope="module")
def gen():
    return _module()


@pytest.fixture(scope="module")
def sources(gen):
    return gen.load_sources(SHARED)


def _pages(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("p*"))
        if p.is_file() and p.name.endswith((".html.gz", ".txt"))
    }


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class _Tags(HTMLParser):
    """Start and end tags per name (outside script/style, where the parser does not look for tags)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.starts, self.ends = Counter(), Counter()

    def handle_starttag(self, tag, attrs):
        self.starts[tag] += 1

    def handle_endtag(self, tag):
        self.ends[tag] += 1


# The page's structure: a swapped paragraph brings inline tags (links, emphasis) along, never these.
STRUCTURE = {"html", "head", "body", "p", "div", "section", "article", "table", "tr", "td", "ul", "ol", "li"}


def _tags(html: str) -> tuple[dict, dict]:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return (
        {t: n for t, n in parser.starts.items() if t in STRUCTURE},
        {t: n for t, n in parser.ends.items() if t in STRUCTURE},
    )


def test_pages_are_distinct_and_of_every_kind(gen, sources, tmp_path):
    written = gen.generate(N, tmp_path, seed=3, pages_per_day=10, sources=sources)
    pages = _pages(tmp_path)
    assert len(written.pages) == len(pages) == N
    assert len({_sha(b) for b in pages.values()}) == N
    assert {p.rsplit(".", 2)[-1] for p in pages} >= {"gz", "txt"}
    assert sorted({p.split("/")[0] for p in pages}) == ["2026-01-01", "2026-01-02", "2026-01-03"]
    assert (tmp_path / "ATTRIBUTION.md").is_file() and any((tmp_path / "LICENSES").iterdir())


def test_same_seed_same_bytes_other_seed_other_pages(gen, sources, tmp_path):
    a, b, c = (tmp_path / x for x in "abc")
    gen.generate(N, a, seed=5, sources=sources)
    gen.generate(N, b, seed=5, sources=sources)
    gen.generate(N, c, seed=6, sources=sources)
    assert _pages(a) == _pages(b)
    assert (a / "2026-01-01" / "manifest.csv").read_bytes() == (
        b / "2026-01-01" / "manifest.csv"
    ).read_bytes()
    assert not {_sha(x) for x in _pages(a).values()} & {_sha(x) for x in _pages(c).values()}


def test_variants_recombine_paragraphs_and_keep_the_tags(gen, sources, tmp_path):
    by_name = {s.name: s for s in sources}
    gen.generate(len(sources), tmp_path, seed=1, sources=sources)  # every source once
    html_pages = [p for p in _pages(tmp_path) if p.endswith(".html.gz")]
    changed = 0
    for rel in html_pages:
        html = gzip.decompress((tmp_path / rel).read_bytes()).decode("utf-8")
        base = by_name[re.search(r"<!-- corpus page [a-z]+: (\S+) recombined", html).group(1)]
        assert _tags(html) == _tags(base.text), rel
        changed += html.replace(re.search(r"\n<!-- corpus page .*? -->\n", html).group(0), "") != base.text
    assert changed >= 0.9 * len(html_pages)  # a page without swappable paragraphs differs by its marker only


def test_text_variant_keeps_headline_and_dateline(gen, sources):
    base = next(s for s in sources if s.collection == "meantime" and len(s.paragraphs) >= 4)
    i = next(i for i in range(len(sources)) if gen.page(i, sources, 0)[0] is base)
    text = gen.page(i, sources, 0)[1].decode("utf-8")
    blocks = text.strip().split("\n\n")
    assert blocks[: len(base.header)] == list(base.header) and len(base.header) == 2
    assert blocks[len(base.header)] == base.paragraphs[0]
    assert blocks[-1] == f"[corpus page {gen.code(i)}]"
    assert not re.search(r"\d", gen.code(i))


def test_scanner_registers_every_page_and_added_pages(gen, sources, tmp_path):
    gen.generate(N, tmp_path, seed=2, pages_per_day=12, sources=sources)
    gen.generate(
        3, tmp_path, seed=2, start=N, pages_per_day=12, sources=sources
    )  # into the last day's folder
    scan = scan_raw_dir(tmp_path)
    assert scan.refused == [] and scan.notices == []
    assert len(scan.pages) == N + 3
    assert sorted(p.doc_id for p in scan.pages) == [f"p{i:07d}" for i in range(N + 3)]
    assert len({p.sha256 for p in scan.pages}) == N + 3
    assert all(p.published is not None and p.charset == "utf-8" for p in scan.pages)
    assert len({p.published for p in scan.pages}) > 3
    with pytest.raises(FileExistsError):
        gen.generate(1, tmp_path, seed=2, start=N, pages_per_day=12, sources=sources)


def test_only_plain_paragraphs_are_swappable(gen):
    long = "Forty or more characters of paragraph text stand here."
    html = (
        f"<html><head><script>var s = '<p>{long}</p>';</script></head><body>"
        f"<p class='a'>{long} <a href='#'>link</a></p>"  # swappable: inline markup only
        f"<p>{long}<div>a block the unclosed p runs into</div></p>"
        f"<!-- <p>{long}</p> -->"
        f"<p>{long} <em>unclosed emphasis</p>"
        f"<p>short</p>"
        f"<p>{long}<br></p></body></html>"  # swappable: a void tag
    )
    insides = [html[a:b] for a, b in gen.html_paragraphs(html)]
    assert insides == [f"{long} <a href='#'>link</a>", f"{long}<br>"]
