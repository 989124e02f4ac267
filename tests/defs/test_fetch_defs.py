"""fetched_pages, fetch_job and fetch_pages_schedule: wiring, and a real fetch from a loopback server."""

import datetime as dt
import http.server
import threading

import dagster as dg
import duckdb
import pytest

from pipelines import settings
from pipelines.definitions import defs
from pipelines.defs.ingest.fetch import FetchConfig, fetched_pages
from pipelines.defs.ingest.sensors import listing_fingerprint
from pipelines.defs.resources import LedgerPaths, ledger_resources
from pipelines.ingest.fetch import FetchSettings, page_file_stem

ARTICLE = (settings.PROJECT_ROOT / "tests" / "cleaning" / "fixtures" / "001_analysis.html").read_bytes()


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the http.server name
        routes = {
            "/robots.txt": ("text/plain", b"User-agent: *\nDisallow: /private/\n"),
            "/analysis.html": ("text/html; charset=utf-8", ARTICLE),
            "/private/page.html": ("text/html", b"<p>not for robots</p>"),
            "/feed.xml": (
                "application/rss+xml",
                b"<rss><channel><title>Loopback Feed</title><item><link>/analysis.html</link></item>"
                b"<item><link>/gone.html</link></item><item><link>/private/page.html</link></item>"
                b"</channel></rss>",
            ),
        }
        if self.path not in routes:
            self.send_error(404, "Not Found")
            return
        content_type, body = routes[self.path]
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture()
def site():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture()
def sources(tmp_path, site):
    path = tmp_path / "sources.yaml"
    path.write_text(
        "urls:\n"
        f"  - {{url: '{site}/analysis.html', outlet: Loopback Review, published: 2024-02-20}}\n"
        f"  - {site}/private/page.html\n"
        f"  - {site}/gone.html\n"
    )
    return path


def test_defs_load_fetch_job_and_schedule_and_ledger_job_stays_offline():
    loaded = defs()
    fetch = loaded.resolve_job_def("fetch_job")
    assert {k.to_user_string() for k in fetch.asset_layer.selected_asset_keys} == {"fetched_pages"}
    assert "no_fetch_failures" in {c.name for c in fetch.asset_layer.asset_graph.asset_check_keys}
    ledger = loaded.resolve_job_def("ledger_job")
    ledger_assets = {k.to_user_string() for k in ledger.asset_layer.selected_asset_keys}
    assert "raw_pages" in ledger_assets and "fetched_pages" not in ledger_assets
    assert "no_fetch_failures" not in {c.name for c in ledger.asset_layer.asset_graph.asset_check_keys}
    schedule = loaded.resolve_schedule_def("fetch_pages_schedule")
    assert schedule.job_name == "fetch_job"
    assert schedule.default_status == dg.DefaultScheduleStatus.STOPPED
    assert schedule.cron_schedule == "17 * * * *"
    assert loaded.resolve_schedule_def("daily_ledger_refresh").job_name == "ledger_job"
    graph = loaded.resolve_asset_graph()
    assert dg.AssetKey("fetched_pages") in graph.get(dg.AssetKey("raw_pages")).parent_keys


def test_materialising_fetched_pages_writes_pages_and_warns_on_failures(tmp_path, site, sources):
    raw = tmp_path / "raw"
    raw.mkdir()
    ledger = LedgerPaths(raw_dir=str(raw), expectations_dir=str(settings.expectations_dir()))
    before = listing_fingerprint(ledger)
    result = dg.materialize(
        [fetched_pages],
        resources=ledger_resources(raw, tmp_path / "wh" / "ledger.duckdb"),
        run_config=dg.RunConfig({"fetched_pages": FetchConfig(sources_file=str(sources), delay_seconds=0)}),
    )
    assert result.success
    page = raw / "fetched" / f"{page_file_stem(site + '/analysis.html')}.html"
    assert page.read_bytes() == ARTICLE
    (materialization,) = result.asset_materializations_for_node("fetched_pages")
    meta = materialization.metadata
    assert (meta["fetched"].value, meta["skipped"].value, meta["failed"].value) == (1, 0, 2)
    assert meta["dagster/row_count"].value == 1
    failures = meta["failures"].value
    assert "robots disallow: /private/page.html" in failures and "HTTP 404 Not Found" in failures
    (check,) = result.get_asset_check_evaluations()
    assert (check.check_name, check.passed, check.severity) == (
        "no_fetch_failures",
        False,
        dg.AssetCheckSeverity.WARN,
    )
    assert check.metadata["failing_rows"].value == 2
    # raw_dir_sensor sees the new page (and would start ledger_job)
    assert listing_fingerprint(ledger)[1] == before[1] + 1

    again = dg.materialize(
        [fetched_pages],
        resources=ledger_resources(raw, tmp_path / "wh" / "ledger.duckdb"),
        run_config=dg.RunConfig({"fetched_pages": FetchConfig(sources_file=str(sources), delay_seconds=0)}),
    )
    (materialization,) = again.asset_materializations_for_node("fetched_pages")
    assert (materialization.metadata["fetched"].value, materialization.metadata["skipped"].value) == (0, 1)


def test_fetch_job_reads_ledger_sources_and_the_pipeline_takes_the_page_in(
    tmp_path, site, sources, monkeypatch, run_pipeline
):
    raw = tmp_path / "raw"
    raw.mkdir()
    warehouse = tmp_path / "wh" / "ledger.duckdb"
    monkeypatch.setenv("LEDGER_RAW_DIR", str(raw))
    monkeypatch.setenv("LEDGER_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("LEDGER_SOURCES", str(sources))
    job = defs().resolve_job_def("fetch_job")
    with dg.instance_for_test() as instance:
        result = job.execute_in_process(
            run_config={"ops": {"fetched_pages": {"config": {"delay_seconds": 0}}}}, instance=instance
        )
    assert result.success
    doc_id = page_file_stem(site + "/analysis.html")
    assert (raw / "fetched" / f"{doc_id}.html").read_bytes() == ARTICLE
    assert not warehouse.exists()  # fetching does not touch the warehouse

    assert run_pipeline(raw, warehouse).success
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        row = con.execute(
            "select url, outlet, published_date, length(clean_text) from documents where doc_id = ?", [doc_id]
        ).fetchone()
    finally:
        con.close()
    assert row[:3] == (f"{site}/analysis.html", "Loopback Review", dt.date(2024, 2, 20))
    assert row[3] > 200


def test_fetch_config_limits_reach_the_fetcher(tmp_path, site):
    defaults = FetchConfig()
    settings_defaults = FetchSettings()
    assert (defaults.deadline_seconds, defaults.max_feed_items, defaults.max_bytes) == (
        settings_defaults.deadline,
        settings_defaults.max_feed_items,
        settings_defaults.max_bytes,
    )
    feed = tmp_path / "feed.yaml"
    feed.write_text(f"feeds:\n  - {site}/feed.xml\n")
    raw = tmp_path / "raw"
    raw.mkdir()
    result = dg.materialize(
        [fetched_pages],
        resources=ledger_resources(raw, tmp_path / "wh" / "ledger.duckdb"),
        run_config=dg.RunConfig(
            {
                "fetched_pages": FetchConfig(
                    sources_file=str(feed), delay_seconds=0, deadline_seconds=5, max_feed_items=1
                )
            }
        ),
    )
    assert result.success
    (materialization,) = result.asset_materializations_for_node("fetched_pages")
    meta = materialization.metadata
    # the first item is fetched; the two beyond max_feed_items=1 are skipped, never requested
    assert (meta["fetched"].value, meta["skipped"].value, meta["failed"].value) == (1, 2, 0)
    assert meta["feeds_read"].value == 1 and meta["dagster/row_count"].value == 1
