"""Issue 16's scale bench: the whole pipeline on a generated corpus of N pages, as `make run` runs it.

In one run, on a corpus made by benchmarks/corpus/generate.py in a temporary folder:
- trafilatura alone, the cleaner alone and spaCy alone (`nlp.pipe` over the clean texts) on those pages,
  in this process (bench_stages.py's functions where they fit);
- `dg launch --job ledger_job` in a subprocess, with LEDGER_RAW_DIR, LEDGER_WAREHOUSE and DAGSTER_HOME in
  the temporary folder: a full run for each value of --processes (env LEDGER_PROCESSES, each into a new
  warehouse and Dagster instance), then, on the first one's warehouse, a second run over the unchanged
  pages and a run after adding 1% new pages (generate.py --start N); with several --pages sizes, one full
  run on each further size (peak memory of 10,000 vs 50,000 pages).
For each job run: wall seconds of the subprocess, each step's seconds from the run's step stats in the
Dagster instance (`get_run_step_stats`), the time covered by steps (their union: steps of a multiprocess
run overlap), orchestration overhead = wall - covered (split into launch = wall - the run's own duration,
and between steps), pages per second per step and end to end, and the peak resident memory of the
subprocess tree (the sum over its processes, /proc polled every 0.25 s) and of its largest process.
It prints a table and the issue's done-when ratios, and writes everything to --out. Nothing here asserts
a time.

    uv run python benchmarks/pipeline/bench_scale.py --pages 10000 [--processes 1,2]
        [--out benchmarks/results/bench_scale.json] [--seed S] [--work-dir DIR] [--keep] [--no-standalone]
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import math
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pipelines import settings

HERE = Path(__file__).resolve().parent
RESULTS = settings.PROJECT_ROOT / "benchmarks" / "results" / "bench_scale.json"
LOG_CONFIG = '{"loggers": {"console": {"config": {"log_level": "INFO"}}}}'  # as `make run`
PAGE_SUFFIXES = (".html", ".htm", ".txt", ".html.gz", ".htm.gz", ".txt.gz")
POLL_SECONDS = 0.25
_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def _load(name: str, path: Path):
    """A benchmark script as a module (benchmarks/ is no package)."""
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


bench_stages = _load("bench_stages", HERE / "bench_stages.py")
corpus = _load("corpus_generate", HERE.parent / "corpus" / "generate.py")


def page_files(raw: Path) -> list[Path]:
    return sorted(p for p in raw.rglob("*") if p.is_file() and p.name.lower().endswith(PAGE_SUFFIXES))


# --- the stages alone, in this process ---------------------------------------------------------------


def standalone(raw: Path) -> dict:
    """trafilatura alone, the cleaner alone and spaCy alone on the corpus's pages: seconds and pages/s."""
    from pipelines.cleaning import UnparseablePage, clean_page
    from pipelines.nlp import load_nlp

    files = page_files(raw)
    traf, traf_cpu = bench_stages.trafilatura_alone(bench_stages._read(p) for p in files)
    clock = bench_stages._Clock()
    texts = []
    for path in files:
        content, kind = bench_stages._read(path)
        try:
            texts.append(clean_page(content, kind=kind).clean_text)
        except UnparseablePage:
            continue
    cleaning, cleaning_cpu = clock.stop()
    nlp = load_nlp()
    clock = bench_stages._Clock()
    for _ in nlp.pipe(texts, batch_size=8):
        pass
    spacy, spacy_cpu = clock.stop()
    html = sum(1 for p in files if ".htm" in p.name)
    return {
        "pages": len(files),
        "html_pages": html,
        "cleaned": len(texts),
        "clean_characters": sum(map(len, texts)),
        "seconds": {"trafilatura_alone": traf, "cleaning_alone": cleaning, "spacy_alone": spacy},
        "cpu_seconds": {
            "trafilatura_alone": traf_cpu,
            "cleaning_alone": cleaning_cpu,
            "spacy_alone": spacy_cpu,
        },
        "pages_per_second": {
            "trafilatura_alone": html / traf if traf else None,
            "cleaning_alone": len(files) / cleaning if cleaning else None,
            "spacy_alone": len(texts) / spacy if spacy else None,
        },
        "peak_rss_mib_this_process": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


# --- memory of a process tree ---------------------------------------------------------------------------


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{name}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        tree.setdefault(ppid, []).append(int(name))
    return tree


def _rss(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * _PAGE_SIZE
    except (OSError, IndexError, ValueError):
        return 0


class TreeMemory(threading.Thread):
    """Polls the resident memory of a process and its descendants; keeps the peaks."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak_tree, self.peak_process, self.processes = pid, 0, 0, 0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            tree, pids, todo = _children(), [], [self.pid]
            while todo:
                pid = todo.pop()
                pids.append(pid)
                todo.extend(tree.get(pid, []))
            sizes = [_rss(p) for p in pids]
            self.peak_tree = max(self.peak_tree, sum(sizes))
            self.peak_process = max(self.peak_process, max(sizes, default=0))
            self.processes = max(self.processes, len(pids))
            self._done.wait(POLL_SECONDS)

    def stop(self) -> None:
        self._done.set()
        self.join()


# --- one job run in a subprocess -----------------------------------------------------------------------


@dataclass
class JobRun:
    label: str
    pages: int  # page files in the raw directory
    new_pages: int  # pages this run is the first to see
    processes: str | None  # LEDGER_PROCESSES, None when unset
    wall: float
    success: bool
    run_id: str | None = None
    run_seconds: float | None = None  # the run's own start to end, in the Dagster instance
    steps: dict[str, float] = field(default_factory=dict)
    steps_sum: float = 0.0
    steps_covered: float = 0.0  # the union of the steps' intervals
    overhead: float = 0.0  # wall - steps_covered
    launch_overhead: float | None = None  # wall - run_seconds: the CLI, loading the code location
    between_steps: float | None = None  # run_seconds - steps_covered
    pages_per_second: float = 0.0
    step_pages_per_second: dict[str, float] = field(default_factory=dict)
    peak_tree_rss_mib: float = 0.0
    peak_process_rss_mib: float = 0.0
    processes_seen: int = 0
    documents: int | None = None  # the run's ledger_runs row (None if it published nothing)
    quarantined: int | None = None
    log: str = ""


def _covered(intervals: list[tuple[float, float]]) -> float:
    total, end = 0.0, -math.inf
    for a, b in sorted(intervals):
        if b > end:
            total += b - max(a, end)
            end = b
    return total


def _dg() -> str:
    beside = Path(sys.executable).parent / "dg"
    return str(beside) if beside.exists() else shutil.which("dg") or "dg"


def launch_job(label: str, raw: Path, state: Path, processes: str | None, new_pages: int) -> JobRun:
    """`dg launch --job ledger_job` on `raw` into the warehouse and Dagster instance under `state`."""
    import dagster as dg

    home = state / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(settings.PROJECT_ROOT / "dagster.yaml", home / "dagster.yaml")
    env = dict(os.environ)
    env.update(
        LEDGER_RAW_DIR=str(raw), LEDGER_WAREHOUSE=str(state / "wh" / "ledger.duckdb"), DAGSTER_HOME=str(home)
    )
    env.pop("LEDGER_PROCESSES", None)
    if processes is not None:
        env["LEDGER_PROCESSES"] = processes
    (state / "wh").mkdir(exist_ok=True)
    log = state / f"{label.replace(' ', '_').replace('%', 'pct')}.log"
    with dg.DagsterInstance.from_config(str(home)) as instance:
        before = {r.run_id for r in instance.get_runs()}
    with log.open("w", encoding="utf-8") as out:
        t = time.perf_counter()
        proc = subprocess.Popen(
            [_dg(), "launch", "--job", "ledger_job", "--config-json", LOG_CONFIG],
            cwd=settings.PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        memory = TreeMemory(proc.pid)
        memory.start()
        code = proc.wait()
        wall = time.perf_counter() - t
        memory.stop()
    if code != 0:
        tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-30:]
        print(f"  {label}: dg launch exited {code}; the end of {log}:", *tail, sep="\n    ")
    pages = len(page_files(raw))
    run = JobRun(
        label,
        pages,
        new_pages,
        processes,
        wall,
        success=code == 0,
        peak_tree_rss_mib=memory.peak_tree / 2**20,
        peak_process_rss_mib=memory.peak_process / 2**20,
        processes_seen=memory.processes,
        log=str(log),
        pages_per_second=pages / wall,
    )
    with dg.DagsterInstance.from_config(str(home)) as instance:
        runs = [r for r in instance.get_runs() if r.run_id not in before]
        if not runs:
            return run
        record = instance.get_run_record_by_id(runs[0].run_id)
        run.run_id = runs[0].run_id
        run.success = run.success and runs[0].status == dg.DagsterRunStatus.SUCCESS
        if record and record.start_time and record.end_time:
            run.run_seconds = record.end_time - record.start_time
        stats = instance.get_run_step_stats(run.run_id)
    intervals = [(s.start_time, s.end_time) for s in stats if s.start_time and s.end_time]
    run.steps = {s.step_key: s.end_time - s.start_time for s in stats if s.start_time and s.end_time}
    run.steps_sum = sum(run.steps.values())
    run.steps_covered = _covered(intervals)
    run.overhead = wall - run.steps_covered
    if run.run_seconds is not None:
        run.launch_overhead = wall - run.run_seconds
        run.between_steps = run.run_seconds - run.steps_covered
    run.step_pages_per_second = {k: pages / s for k, s in run.steps.items() if s > 0}
    run.documents, run.quarantined = _published(state / "wh" / "ledger.duckdb", run.run_id)
    return run


def _published(warehouse: Path, run_id: str) -> tuple[int | None, int | None]:
    """(documents, quarantined) of the run's ledger_runs row (DuckDB backend; read-only, closed at once)."""
    import duckdb

    if not warehouse.is_file():
        return None, None
    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            row = con.execute(
                "select documents, quarantined from ledger_runs where run_id = ?", [run_id]
            ).fetchone()
    except duckdb.Error:
        return None, None
    return (row[0], row[1]) if row else (None, None)


# --- the bench -----------------------------------------------------------------------------------------


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def done_when(runs: list[JobRun]) -> dict:
    """The issue's four measures (None when this bench did not take what one needs)."""
    by = {r.label: r for r in runs}
    fulls = [r for r in runs if r.label.startswith("full")]
    first = fulls[0] if fulls else None
    second, added = by.get("second (unchanged)"), by.get("+1% new pages")
    per_process = {r.processes: r for r in fulls if r.pages == (first.pages if first else None)}
    sizes = [r for r in fulls if r.processes == (first.processes if first else None)]
    return {
        "a_second_over_full": _ratio(second and second.wall, first and first.wall),
        "a_second_over_full_steps_only": _ratio(
            second and second.steps_covered, first and first.steps_covered
        ),
        "a_second_overhead_seconds": second.overhead if second else None,
        "b_added_one_percent_over_full": _ratio(added and added.wall, first and first.wall),
        "c_peak_largest_over_smallest": _ratio(sizes[-1].peak_tree_rss_mib, sizes[0].peak_tree_rss_mib)
        if len({r.pages for r in sizes}) > 1
        else None,
        "d_one_process_over_two": _ratio(
            per_process["1"].wall if "1" in per_process else None,
            per_process["2"].wall if "2" in per_process else None,
        ),
        "targets": {"a": "< 0.05", "b": "<= 0.03", "c": "within 1.2", "d": ">= 1.7"},
    }


def print_table(alone: dict | None, runs: list[JobRun], measures: dict) -> None:
    if alone:
        print(f"{alone['pages']} pages ({alone['html_pages']} HTML), {alone['cleaned']} cleaned")
        for key, s in alone["seconds"].items():
            print(f"  {key:22s} {s:8.2f} s  {alone['pages_per_second'][key] or 0:8.1f} pages/s")
    print(
        f"\n  {'job run':22s} {'pages':>6s} {'procs':>5s} {'wall s':>8s} {'steps s':>8s} {'overhead':>8s} "
        f"{'launch':>7s} {'pages/s':>8s} {'peak MiB':>9s} {'largest':>8s} {'docs':>6s} {'quar':>5s} ok"
    )
    for r in runs:
        launch = f"{r.launch_overhead:7.1f}" if r.launch_overhead is not None else "      -"
        print(
            f"  {r.label:22s} {r.pages:6d} {r.processes or '-':>5s} {r.wall:8.1f} {r.steps_covered:8.1f} "
            f"{r.overhead:8.1f} {launch} {r.pages_per_second:8.2f} {r.peak_tree_rss_mib:9.0f} "
            f"{r.peak_process_rss_mib:8.0f} {r.documents if r.documents is not None else '-':>6} "
            f"{r.quarantined if r.quarantined is not None else '-':>5} {'yes' if r.success else 'NO'}"
        )
    first = runs[0] if runs else None
    if first and first.steps:
        print(f"\n  steps of '{first.label}' (processes {first.processes or '-'}), slowest first:")
        for key, s in sorted(first.steps.items(), key=lambda kv: -kv[1]):
            print(f"    {key:58s} {s:8.2f} s  {first.pages / s if s else 0:9.1f} pages/s")
    print("\n  done-when:")
    for key, value in measures.items():
        if key != "targets":
            print(f"    {key:38s} {'-' if value is None else f'{value:.3f}'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", default="10000", help="corpus size, or sizes: 10000,50000")
    parser.add_argument("--processes", default="", help="values of LEDGER_PROCESSES for full runs: 1,2")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--work-dir", type=Path, help="where the temporary folder goes (default: the system's)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (corpus, logs)")
    parser.add_argument("--no-standalone", action="store_true", help="leave out trafilatura/spaCy alone")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.pages.split(",") if s.strip()]
    processes: list[str | None] = [p.strip() for p in args.processes.split(",") if p.strip()] or [None]
    work = Path(tempfile.mkdtemp(prefix="bench_scale-", dir=args.work_dir))
    sources = corpus.load_sources()
    runs: list[JobRun] = []
    alone = None
    try:
        n = sizes[0]
        raw = work / f"raw-{n}"
        t = time.perf_counter()
        corpus.generate(n, raw, seed=args.seed, sources=sources)
        print(f"generated {n} pages in {time.perf_counter() - t:.1f} s into {raw}", flush=True)
        if not args.no_standalone:
            alone = standalone(raw)
        for p in processes:
            runs.append(launch_job("full", raw, work / f"state-{n}-p{p or 'default'}", p, n))
            print(f"  {runs[-1].label} (processes {p or '-'}): {runs[-1].wall:.1f} s", flush=True)
        state = work / f"state-{n}-p{processes[0] or 'default'}"
        runs.append(launch_job("second (unchanged)", raw, state, processes[0], 0))
        print(f"  second run: {runs[-1].wall:.1f} s", flush=True)
        added = max(1, math.ceil(n / 100))
        corpus.generate(added, raw, seed=args.seed, start=n, sources=sources)
        runs.append(launch_job("+1% new pages", raw, state, processes[0], added))
        print(f"  +1% ({added} new pages): {runs[-1].wall:.1f} s", flush=True)
        if not args.keep:
            shutil.rmtree(raw)
        for n in sizes[1:]:
            raw = work / f"raw-{n}"
            corpus.generate(n, raw, seed=args.seed, sources=sources)
            runs.append(launch_job(f"full {n}", raw, work / f"state-{n}", processes[0], n))
            print(f"  full {n}: {runs[-1].wall:.1f} s", flush=True)
            if not args.keep:
                shutil.rmtree(raw)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"kept {work}")
    measures = done_when(runs)
    print_table(alone, runs, measures)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    result = {
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        "seed": args.seed,
        "sizes": sizes,
        "standalone": alone,
        "job_runs": [asdict(r) for r in runs],
        "done_when": measures,
    }
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    try:
        shown = args.out.resolve().relative_to(settings.PROJECT_ROOT)
    except ValueError:
        shown = args.out
    print(f"  written to {shown}")
    return 0 if all(r.success for r in runs) else 1


if __name__ == "__main__":
    raise SystemExit(main())
