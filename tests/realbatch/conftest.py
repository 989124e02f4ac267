"""Fixtures of the real-batch tests: raw directories built from real corpora and from the hostile corpus,
each run once per session through the whole pipeline (the tests/conftest.py `run_pipeline_session`), and
what a test reads of the run afterwards. Run times and peak memory are printed in the terminal summary.

The real corpora live beside the checkout, in `../shared/` (settings.PROJECT_ROOT.parent / "shared");
without them those tests are skipped with the reason.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import resource
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines import settings

SHARED = settings.PROJECT_ROOT.parent / "shared"
BENCHMARK = SHARED / "benchmarks" / "article-extraction"
REALTEXT_SETS = ("meantime", "re3d_dev")
PAGE_SUFFIXES = (".html", ".htm", ".txt")

_MEASURED: list[str] = []  # lines for the terminal summary


def _load_hostile():
    """tests/realbatch/hostile.py as a module (tests are imported by path, not as a package)."""
    name = "realbatch_hostile"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("hostile.py"))
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def page_files(raw: Path) -> set[str]:
    """Every page file under `raw` (symlinks included, none followed), as raw_path: what the pipeline must
    account for, found here independently of the pipeline's own walk."""
    found = set()
    for dirpath, _, filenames in os.walk(raw):
        for name in filenames:
            lower = name.lower().removesuffix(".gz")
            if not name.startswith(".") and lower.endswith(PAGE_SUFFIXES):
                found.add((Path(dirpath) / name).relative_to(raw).as_posix())
    return found


@dataclass
class Run:
    """One pipeline run on a raw directory, and how to read its warehouse."""

    label: str
    raw: Path
    warehouse: Path
    result: dg.ExecuteInProcessResult
    seconds: float
    peak_rss_growth_mib: float
    pages: set[str] = field(default_factory=set)

    def failures(self) -> list[str]:
        """Why the run did not succeed: failed ERROR checks (with their failing rows), failed steps, and
        the names of failed WARN checks."""
        out, warned = [], []
        for e in self.result.get_asset_check_evaluations():
            if e.passed:
                continue
            name = f"{e.asset_key.to_user_string()}.{e.check_name}"
            if e.severity.value != "ERROR":
                warned.append(name)
                continue
            rows = e.metadata.get("failing_rows")
            preview = e.metadata.get("failures")
            text = getattr(preview, "value", preview) or ""
            out.append(
                f"check {name} failed (failing rows: {getattr(rows, 'value', rows)})\n{str(text)[:1500]}"
            )
        for event in self.result.all_events:
            if event.event_type == dg.DagsterEventType.STEP_FAILURE:
                error = event.event_specific_data.error
                message = error.message.strip().splitlines()[0] if error else "?"
                out.append(f"step {event.step_key} failed: {message}")
        if warned:
            out.append(f"(WARN checks failed, not blocking: {', '.join(warned)})")
        return out

    def query(self, sql: str, *params) -> list[tuple]:
        """Rows of `sql` on the run's warehouse (read-only); fails with the run's failures when the run
        published nothing."""
        if not self.warehouse.exists():
            pytest.fail(f"{self.label}: the run published no warehouse; " + "\n".join(self.failures()))
        con = duckdb.connect(str(self.warehouse), read_only=True)
        try:
            return con.execute(sql, list(params)).fetchall()
        except duckdb.CatalogException as exc:
            pytest.fail(f"{self.label}: {exc}; the run's failures:\n" + "\n".join(self.failures()))
        finally:
            con.close()

    def columns(self, table: str) -> set[str]:
        return {r[0] for r in self.query(f"select column_name from (describe {table})")}


def _run(label: str, raw: Path, warehouse: Path, run_pipeline_session) -> Run:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    result = run_pipeline_session(raw, warehouse, raise_on_error=False)
    seconds = time.perf_counter() - started
    growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024  # KiB -> MiB on Linux
    pages = page_files(raw)
    _MEASURED.append(
        f"{label}: {len(pages)} pages, run {seconds:.1f} s, success={result.success}, "
        f"peak RSS grew {growth:.0f} MiB"
    )
    return Run(label, raw, warehouse, result, seconds, growth, pages)


def _copy_benchmark(target: Path) -> None:
    """The benchmark's gzipped pages, with a manifest of their URLs (ground-truth.json; it has no dates)."""
    target.mkdir(parents=True)
    truth = json.loads((BENCHMARK / "ground-truth.json").read_text(encoding="utf-8"))
    with (target / "manifest.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["file", "url"])
        for page in sorted((BENCHMARK / "html").iterdir()):
            shutil.copyfile(page, target / page.name)
            key = page.name.split(".", 1)[0]
            writer.writerow([page.name, truth.get(key, {}).get("url", "")])


@pytest.fixture(scope="session")
def real_batch(tmp_path_factory, run_pipeline_session) -> Run:
    """The 121 benchmark pages and the 172 pages of realtext (meantime, re3d_dev), each set in its own
    sub-folder of one raw directory (copies: symlinks leaving raw/ are refused by design), in one run."""
    missing = [
        p for p in [BENCHMARK, *(SHARED / "realtext" / s / "raw" for s in REALTEXT_SETS)] if not p.is_dir()
    ]
    if missing:
        pytest.skip(f"real corpora not beside the checkout: {', '.join(map(str, missing))} missing")
    root = tmp_path_factory.mktemp("real_batch")
    raw = root / "raw"
    _copy_benchmark(raw / "benchmark")
    for name in REALTEXT_SETS:
        shutil.copytree(SHARED / "realtext" / name / "raw", raw / name)
    return _run(
        "real batch (benchmark + realtext)", raw, root / "warehouse" / "ledger.duckdb", run_pipeline_session
    )


@dataclass
class HostileRun:
    run: Run
    cases: dict  # raw_path -> hostile.Expect


@pytest.fixture(scope="session")
def hostile_module():
    return _load_hostile()


@pytest.fixture(scope="session")
def hostile_raw(tmp_path_factory, hostile_module) -> tuple[Path, dict]:
    raw = tmp_path_factory.mktemp("hostile") / "raw"
    started = time.perf_counter()
    cases = hostile_module.build_hostile_corpus(raw)
    _MEASURED.append(f"hostile corpus: {len(cases)} pages built in {time.perf_counter() - started:.1f} s")
    return raw, cases


@pytest.fixture(scope="session")
def hostile_batch(hostile_raw, run_pipeline_session) -> HostileRun:
    """The hostile corpus, run once through the whole pipeline."""
    raw, cases = hostile_raw
    run = _run("hostile corpus", raw, raw.parent / "warehouse" / "ledger.duckdb", run_pipeline_session)
    return HostileRun(run, cases)


def pytest_terminal_summary(terminalreporter):
    if _MEASURED:
        terminalreporter.section("real-batch runs (measured, never asserted)")
        for line in _MEASURED:
            terminalreporter.write_line(line)
