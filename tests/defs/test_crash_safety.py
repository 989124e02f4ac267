"""SIGKILL a real run (`dg launch`, a persistent Dagster instance) at three moments: early in the run, in the
middle of extraction, and inside the publishing transaction. Each time the warehouse must equal its state
before the run, nothing may be left behind (no snapshot, no lock, no staging), and the next run must
complete without any manual step."""

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import duckdb
import pytest

from pipelines import settings

SAMPLES = sorted((settings.PROJECT_ROOT / "raw").glob("*.txt"))
TABLES = [
    "raw_pages",
    "documents",
    "removed_spans",
    "mentions",
    "dates",
    "figures",
    "quarantine",
    "ledger_runs",
]
DG = shutil.which("dg", path=str(Path(os.sys.executable).parent))


def _state(warehouse: Path) -> dict:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {t: sorted(map(str, con.execute(f"select * from {t}").fetchall())) for t in TABLES}
    finally:
        con.close()


def _env(root: Path, **extra: str) -> dict:
    return {
        **os.environ,
        "DAGSTER_HOME": str(root / "dagster_home"),
        "LEDGER_RAW_DIR": str(root / "raw"),
        "LEDGER_WAREHOUSE": str(root / "warehouse" / "ledger.duckdb"),
        "LEDGER_LOCK_TIMEOUT": "30",
        **extra,
    }


def _launch(root: Path, **extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            DG,
            "launch",
            "--job",
            "ledger_job",
            "--config-json",
            '{"loggers": {"console": {"config": {"log_level": "DEBUG"}}}}',
        ],
        cwd=settings.PROJECT_ROOT,
        env=_env(root, **extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group: the kill takes every process of the run
    )


def _run_to_end(root: Path) -> None:
    proc = _launch(root)
    out, _ = proc.communicate(timeout=600)
    assert proc.returncode == 0, out[-3000:]


def _kill_at(root: Path, marker: str, **extra: str) -> str:
    """Launch a run, SIGKILL its process group as soon as its output shows `marker`; return the output."""
    proc = _launch(root, **extra)
    seen = []
    deadline = time.monotonic() + 600
    for line in proc.stdout:
        seen.append(line)
        if marker in line:
            os.killpg(proc.pid, signal.SIGKILL)
            break
        assert time.monotonic() < deadline, "the run never reached " + marker
    else:
        raise AssertionError(f"the run ended before {marker!r}:\n" + "".join(seen[-40:]))
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    return "".join(seen)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("crash")
    (root / "raw").mkdir()
    (root / "dagster_home").mkdir()
    shutil.copy(settings.PROJECT_ROOT / "dagster.yaml", root / "dagster_home" / "dagster.yaml")
    for page in SAMPLES[:2]:
        shutil.copy(page, root / "raw" / page.name)
    _run_to_end(root)
    shutil.copy(SAMPLES[2], root / "raw" / SAMPLES[2].name)  # the killed runs would add this page
    return root


@pytest.mark.parametrize(
    "marker, failpoint",
    [
        ('Started execution of step "documents"', None),  # early: pages registered, cleaning under way
        ('Started execution of step "figures"', None),  # mid-run: several stages written to staging
        ("LEDGER_FAILPOINT publish reached", "publish"),  # inside the publishing transaction
    ],
    ids=["early", "mid-extraction", "inside-publish"],
)
def test_sigkill_leaves_the_warehouse_as_before(project, marker, failpoint):
    warehouse = project / "warehouse" / "ledger.duckdb"
    before = _state(warehouse)
    assert len(before["documents"]) == 2
    extra = {"LEDGER_FAILPOINT": failpoint} if failpoint else {}
    _kill_at(project, marker, **extra)
    assert _state(warehouse) == before
    left = sorted(p.name for p in warehouse.parent.iterdir() if p.name not in ("reports",))
    assert left in (["ledger.duckdb"], ["ledger.duckdb", "ledger.duckdb.wal"]), left


def test_the_next_run_completes_without_manual_steps(project):
    warehouse = project / "warehouse" / "ledger.duckdb"
    _run_to_end(project)
    after = _state(warehouse)
    assert len(after["documents"]) == 3
    assert len(after["ledger_runs"]) == 2  # the first run and this one; the killed runs published nothing
    assert sorted(p.name for p in warehouse.parent.iterdir() if p.name != "reports") == ["ledger.duckdb"]
