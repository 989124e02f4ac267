"""The whole pipeline on real batches (issue 14): all 121 benchmark pages and the 172 realtext pages are
documents with no quarantine, and a generated hostile corpus (tests/realbatch/hostile.py) where one
document never stops the run, every case is quarantined with its reason or processed correctly, every page
is accounted for exactly once, and memory stays bounded.

Each corpus is run once per session (fixtures in conftest.py); run times are printed, never asserted.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import tracemalloc

import pytest

from pipelines import settings
from pipelines.ingest import PageRefused, decode_page_bytes, read_page

SPAN_TABLES = ("mentions", "figures", "dates")
PAGE_STAGES = ("raw_pages", "documents")  # stages whose quarantine rows stand for a whole page
RSS_GROWTH_BOUND_MIB = 2048  # the gzip bomb alone expands to 4 GiB: a run that inflated it would pass this
ACCOUNTING_CHECK = "every_page_is_accounted_for"
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _span_mismatches(run) -> list[str]:
    """Rows of mentions, figures or dates whose surface is not documents.clean_text[char_start:char_end]
    (Python string indices, as the pipeline computes them), or that point at no document."""
    texts = dict(run.query("select doc_id, clean_text from documents"))
    bad = []
    for table in SPAN_TABLES:
        for doc_id, start, end, surface in run.query(
            f"select doc_id, char_start, char_end, surface from {table}"
        ):
            if doc_id not in texts:
                bad.append(f"{table}: {doc_id} is not in documents ({surface!r})")
            elif texts[doc_id][start:end] != surface:
                bad.append(
                    f"{table}: {doc_id}[{start}:{end}] is {texts[doc_id][start:end]!r}, surface {surface!r}"
                )
    return bad


def _quarantine_lines(run) -> list[str]:
    return [
        f"{stage} {path} ({check}): {reason[:300]}"
        for stage, path, check, reason in run.query(
            "select stage, raw_path, check_name, reason from quarantine order by raw_path, stage"
        )
    ]


# ---------------------------------------------------------------- real batches


def test_real_batch_run_succeeds(real_batch):
    assert real_batch.result.success, "\n".join(real_batch.failures())


def test_every_real_page_is_a_document(real_batch):
    assert len(real_batch.pages) == 121 + 172
    documents = {path for (path,) in real_batch.query("select raw_path from documents")}
    missing = sorted(real_batch.pages - documents)
    reasons = dict(real_batch.query("select raw_path, reason from quarantine"))
    assert not missing, f"{len(missing)} pages are not documents:\n" + "\n".join(
        f"{p}: {reasons.get(p, 'no quarantine row either')}" for p in missing
    )
    assert documents == real_batch.pages


def test_no_real_page_is_quarantined(real_batch):
    lines = _quarantine_lines(real_batch)
    assert lines == [], f"{len(lines)} quarantine rows:\n" + "\n".join(lines[:40])


def test_every_real_span_is_its_clean_text(real_batch):
    counts = {t: real_batch.query(f"select count(*) from {t}")[0][0] for t in SPAN_TABLES}
    assert all(counts.values()), f"an extraction table is empty: {counts}"
    bad = _span_mismatches(real_batch)
    assert bad == [], f"{len(bad)} rows do not point at their text:\n" + "\n".join(bad[:30])


def test_real_manifest_metadata_reaches_documents(real_batch):
    """Every manifest row's URL and date (realtext manifests; the benchmark's URLs) is in documents."""
    expected = {}
    for manifest in sorted(real_batch.raw.glob("*/manifest.csv")):
        folder = manifest.parent.name
        with manifest.open(newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                published = row.get("published") or None
                expected[f"{folder}/{row['file']}"] = (
                    row.get("url") or None,
                    dt.date.fromisoformat(published) if published else None,
                )
    assert len(expected) == 121 + 172
    got = {
        path: (url, published)
        for path, url, published in real_batch.query("select raw_path, url, published_date from documents")
    }
    wrong = [
        f"{path}: (url, published_date) {got.get(path)}, the manifest says {(url, published)}"
        for path, (url, published) in sorted(expected.items())
        if path not in got  # without a manifest date, a date from the page's own metadata is fine
        or got[path][0] != url
        or (published is not None and got[path][1] != published)
    ]
    assert wrong == [], f"{len(wrong)} documents lost their manifest metadata:\n" + "\n".join(wrong[:20])


# ---------------------------------------------------------------- the hostile corpus


def test_hostile_corpus_holds_every_page_it_describes(hostile_batch):
    """The generator's own accounting: every page file on disk has an expectation, and no more."""
    assert hostile_batch.run.pages == set(hostile_batch.cases)


def test_hostile_run_succeeds(hostile_batch):
    """One document never stops a run: no blocking check fails, no step fails."""
    assert hostile_batch.run.result.success, "\n".join(hostile_batch.run.failures())


def test_every_hostile_page_is_in_documents_or_quarantine_exactly_once(hostile_batch):
    run = hostile_batch.run
    documents = [path for (path,) in run.query("select raw_path from documents")]
    quarantined: dict[str, list[str]] = {}
    for path, stage in run.query("select raw_path, stage from quarantine"):
        quarantined.setdefault(path, []).append(stage)
    problems = []
    for page in sorted(run.pages):
        places = (["documents"] * documents.count(page)) + [
            f"quarantine@{s}" for s in quarantined.get(page, [])
        ]
        if len(places) != 1:
            problems.append(f"{page}: in {places or 'neither documents nor quarantine'}")
    strays = sorted(set(documents) - run.pages)
    assert not strays, f"documents from no page file: {strays}"
    assert problems == [], "\n".join(problems)
    # The pipeline's own accounting check (issue 14) ran and agrees.
    accounting = [e for e in run.result.get_asset_check_evaluations() if e.check_name == ACCOUNTING_CHECK]
    assert accounting, f"the run has no {ACCOUNTING_CHECK} check"
    assert all(e.passed for e in accounting), [e.metadata for e in accounting if not e.passed]


def _document_problems(run, path: str, expect, doc: dict) -> list[str]:
    problems = []
    text = doc["clean_text"] or ""
    problems += [f"clean_text lacks {s!r}" for s in expect.contains if s not in text]
    problems += [f"clean_text holds {s!r}" for s in expect.excludes if s in text]
    if expect.published is not None and doc["published_date"] != expect.published:
        problems.append(f"published_date {doc['published_date']!r}, expected {expect.published}")
    if expect.outlet is not None and doc["outlet"] != expect.outlet:
        problems.append(f"outlet {doc['outlet']!r}, expected {expect.outlet!r}")
    if expect.flagged and not doc.get("decode_warning"):
        problems.append("decode_warning is not set (the replaced bytes are not flagged)")
    if expect.no_controls and CONTROL.search(text):
        found = sorted({f"U+{ord(c):04X}" for c in CONTROL.findall(text)})
        problems.append(f"clean_text holds control characters {found}")
    doc_id = doc["doc_id"]
    if expect.figure_values:
        numbers = {
            float(x)
            for row in run.query("select value, low, high from figures where doc_id = ?", doc_id)
            for x in row
            if x is not None
        }
        surfaces = [s for (s,) in run.query("select surface from figures where doc_id = ?", doc_id)]
        problems += [
            f"no figure with value/low/high {v:g} (figures: {surfaces})"
            for v in expect.figure_values
            if v not in numbers
        ]
    if expect.date_years:
        rows = run.query("select surface, date_start from dates where doc_id = ?", doc_id)
        years = {d.year for _, d in rows if d is not None}
        problems += [f"no date starting in {y} (dates: {rows})" for y in expect.date_years if y not in years]
    if expect.mentions:
        surfaces = {s for (s,) in run.query("select surface from mentions where doc_id = ?", doc_id)}
        problems += [
            f"no mention {m!r} (mentions: {sorted(surfaces)})" for m in expect.mentions if m not in surfaces
        ]
    if expect.removed:
        spans = [t for (t,) in run.query("select text from removed_spans where doc_id = ?", doc_id)]
        problems += [f"no removed span holds {r!r}" for r in expect.removed if not any(r in t for t in spans)]
    return problems


def test_each_hostile_case_meets_its_expectation(hostile_batch):
    """Every case: a document that holds what it must, or quarantined with a reason that says why."""
    run = hostile_batch.run
    columns = ["doc_id", "raw_path", "clean_text", "published_date", "outlet"]
    if "decode_warning" in run.columns("documents"):
        columns.append("decode_warning")
    docs = {
        r[1]: dict(zip(columns, r, strict=True))
        for r in run.query(f"select {', '.join(columns)} from documents")
    }
    reasons: dict[str, list[str]] = {}
    for path, stage, reason in run.query("select raw_path, stage, reason from quarantine"):
        reasons.setdefault(path, []).append(f"[{stage}] {reason}")
    failed = []
    for path, expect in sorted(hostile_batch.cases.items()):
        doc, why = docs.get(path), reasons.get(path, [])
        problems = []
        if expect.outcome == "document" and doc is None:
            problems.append(f"not a document; quarantined: {why or 'no row'}")
        elif expect.outcome == "quarantine" and doc is not None:
            problems.append("a document, expected quarantine")
        elif doc is None and not why:
            problems.append("neither a document nor quarantined (lost)")
        if doc is not None:
            problems += _document_problems(run, path, expect, doc)
        elif why and expect.outcome != "document" and not any(re.search(expect.reason, w, re.I) for w in why):
            problems.append(f"quarantine reason does not match /{expect.reason}/: {why}")
        if problems:
            failed.append(f"{path} ({expect.case}):\n    " + "\n    ".join(problems))
    assert failed == [], f"{len(failed)} of {len(hostile_batch.cases)} cases fail:\n" + "\n".join(failed)


def test_no_document_holds_the_password_file(hostile_batch):
    leaked = hostile_batch.run.query("select raw_path from documents where clean_text like '%root:x:%'")
    assert leaked == []


def test_every_hostile_span_is_its_clean_text(hostile_batch):
    bad = _span_mismatches(hostile_batch.run)
    assert bad == [], f"{len(bad)} rows do not point at their text:\n" + "\n".join(bad[:30])


def test_hostile_run_memory_is_bounded(hostile_batch):
    """The run's peak resident memory grows by far less than the 4 GiB the gzip bomb expands to (a high
    water mark: what earlier tests of the session used is not counted twice)."""
    assert hostile_batch.run.peak_rss_growth_mib < RSS_GROWTH_BOUND_MIB


def test_gzip_bomb_decoding_holds_about_the_cap(hostile_raw):
    """Decoding the bomb stops at the gzip-output cap: traced memory stays within a few caps, never the
    4 GiB it would expand to."""
    raw, _ = hostile_raw
    cap = settings.max_gzip_output_bytes()
    data = read_page(raw, "gzip_bomb.html.gz")
    tracemalloc.start()
    try:
        with pytest.raises(PageRefused, match=r"\bcap\b"):
            decode_page_bytes(data, "gzip_bomb.html.gz")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * cap, f"decoding the bomb peaked at {peak:,} bytes (cap {cap:,})"
