"""The real thing: `dg dev` (webserver + daemon) on loopback, read through GraphQL and a headless browser.

The sensor must start the pipeline on its own when pages are in the raw directory and again when one is
added; the UI must list the assets, their checks, the schedule and the sensor.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest

from pipelines import settings

SAMPLES = sorted((settings.PROJECT_ROOT / "raw").glob("*.txt"))
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BROWSER_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, root: Path):
        self.root = root
        self.raw = root / "raw"
        self.warehouse = root / "warehouse" / "ledger.duckdb"
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"

    def graphql(self, query: str) -> dict:
        request = urllib.request.Request(
            f"{self.url}/graphql",
            data=json.dumps({"query": query}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            body = json.load(response)
        assert "errors" not in body, body
        return body["data"]

    def sensor_runs(self) -> list[dict]:
        data = self.graphql(
            '{ runsOrError(filter: {tags: [{key: "ledger/trigger", value: "raw_dir_sensor"}]}) '
            "{ ... on Runs { results { runId status } } } }"
        )
        return data["runsOrError"]["results"]

    def wait_for_runs(self, count: int, timeout: float = 240) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            runs = self.sensor_runs()
            done = [r for r in runs if r["status"] in ("SUCCESS", "FAILURE", "CANCELED")]
            if len(done) >= count:
                return runs
            time.sleep(2)
        raise AssertionError(f"expected {count} finished sensor runs, saw {self.sensor_runs()}")

    def documents(self) -> int:
        con = duckdb.connect(str(self.warehouse), read_only=True)
        try:
            return con.execute("select count(*) from documents").fetchone()[0]
        finally:
            con.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("ui")
    srv = Server(root)
    srv.raw.mkdir()
    for page in SAMPLES[:2]:
        shutil.copy(page, srv.raw / page.name)
    home = root / "dagster_home"
    home.mkdir()
    shutil.copy(settings.PROJECT_ROOT / "dagster.yaml", home / "dagster.yaml")
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "LEDGER_RAW_DIR": str(srv.raw),
        "LEDGER_WAREHOUSE": str(srv.warehouse),
    }
    dg = Path(sys.executable).parent / "dg"
    log = (root / "dg-dev.log").open("w")
    proc = subprocess.Popen(
        [str(dg), "dev", "--host", "127.0.0.1", "--port", str(srv.port)],
        cwd=settings.PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                urllib.request.urlopen(f"{srv.url}/server_info", timeout=5)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log_text = (root / "dg-dev.log").read_text()[-3000:]
                    raise RuntimeError(f"dg dev did not start: {log_text}") from None
                time.sleep(1)
        yield srv
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def test_ui_lists_assets_checks_schedule_and_sensor(server):
    data = server.graphql(
        "{ assetNodes { assetKey { path } assetChecksOrError { ... on AssetChecks { checks { name } } } } "
        "repositoriesOrError { ... on RepositoryConnection { nodes { "
        "schedules { name scheduleState { status } } "
        "sensors { name sensorState { status } } } } } }"
    )
    assets = {
        "/".join(n["assetKey"]["path"]): [c["name"] for c in n["assetChecksOrError"]["checks"]]
        for n in data["assetNodes"]
    }
    assert {
        "raw_pages",
        "documents",
        "removed_spans",
        "quarantine",
        "entities",
        "mentions",
        "dates",
        "figures",
    } <= set(assets)
    assert "figures_surfaces_match_clean_text" in assets["figures"]
    assert "figure_bounds_are_ordered" in assets["figures"]
    (repo,) = data["repositoriesOrError"]["nodes"]
    assert {(s["name"], s["scheduleState"]["status"]) for s in repo["schedules"]} == {
        ("daily_ledger_refresh", "RUNNING"),
        ("fetch_pages_schedule", "STOPPED"),  # it goes online: off until someone turns it on
    }
    assert {(s["name"], s["sensorState"]["status"]) for s in repo["sensors"]} == {
        ("raw_dir_sensor", "RUNNING")
    }


def test_daemon_sensor_runs_the_pipeline_and_picks_up_a_new_page(server):
    runs = server.wait_for_runs(1)
    assert [r["status"] for r in runs] == ["SUCCESS"]
    assert server.documents() == 2
    shutil.copy(SAMPLES[2], server.raw / SAMPLES[2].name)
    runs = server.wait_for_runs(2)
    assert sorted(r["status"] for r in runs) == ["SUCCESS", "SUCCESS"]
    assert server.documents() == 3


@pytest.mark.skipif(
    CHROMIUM is None and os.environ.get("CI") != "true",
    reason="chromium is not installed (CI installs it; here: apt-get install chromium)",
)
def test_browser_renders_the_asset_catalog(server, tmp_path):
    assert CHROMIUM, "CI must install chromium (see .ci/run)"
    out = subprocess.run(
        [
            CHROMIUM,
            *BROWSER_FLAGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            "--virtual-time-budget=20000",
            "--dump-dom",
            f"{server.url}/assets",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    for name in ("raw_pages", "documents", "mentions", "figures", "dates"):
        assert name in out.stdout, f"{name} not on the rendered catalog page"
