"""The fetcher against a real HTTP server on 127.0.0.1: pages, feeds, failures, robots.txt, landing zone."""

import csv
import datetime as dt
import gzip
import hashlib
import http.server
import os
import stat
import threading
import time
from pathlib import Path

import pytest

from pipelines.ingest import UndecodablePage, decode_page, scan_raw_dir
from pipelines.ingest import fetch as fetch_module
from pipelines.ingest.fetch import (
    FetchSettings,
    PageSource,
    SourcesError,
    feed_date,
    fetch_from_file,
    load_sources,
    page_file_stem,
    parse_feed,
)

UTF8_PAGE = (
    "<html><head><title>Réunion</title></head><body><p>Déjà vu — 12 killed.</p></body></html>".encode()
)
LATIN_PAGE = (
    b'<html><head><meta charset="windows-1252"><title>Caf\xe9</title></head>'
    b"<body><p>Caf\xe9 \x93quoted\x94 in Idlib: 3 wounded.</p></body></html>"
)
TEXT_PAGE = b"Plain text report.\nLine two.\n"
ROBOTS = b"User-agent: *\nDisallow: /private/\n"
FAST = FetchSettings(delay=0, timeout=5, max_bytes=1000)


class Handler(http.server.BaseHTTPRequestHandler):
    """Serves `server.routes[path] = (status, headers, body)`; an unknown path is a 404."""

    def do_GET(self):  # noqa: N802 - the http.server name
        self.server.requests.append((self.path, self.headers.get("User-Agent")))
        route = self.server.routes.get(self.path)
        if route is None:
            self.send_error(404, "Not Found")
            return
        status, headers, body = route
        if headers.get("X-Sleep"):
            time.sleep(float(headers["X-Sleep"]))
        self.send_response(status)
        for key, value in headers.items():
            if key != "X-Sleep":
                self.send_header(key, value)
        if "Content-Length" not in headers and not headers.get("X-No-Length"):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def html(body: bytes, charset: str = "utf-8", **extra) -> tuple[int, dict, bytes]:
    return 200, {"Content-Type": f"text/html; charset={charset}", **extra}, body


@pytest.fixture()
def site():
    """A loopback web site; tests add pages to `site.routes` and read `site.requests`."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.block_on_close = False
    server.requests = []
    server.routes = {"/robots.txt": (200, {"Content-Type": "text/plain"}, ROBOTS)}
    server.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def write_sources(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def read_csv(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def fetched_dir(raw: Path) -> Path:
    return raw / "fetched"


def test_pages_are_stored_byte_for_byte_with_manifest_and_log(site, tmp_path):
    site.routes["/a.html"] = html(UTF8_PAGE)
    site.routes["/latin.html"] = html(LATIN_PAGE, charset="windows-1252")
    site.routes["/notes.txt"] = (200, {"Content-Type": "text/plain; charset=utf-8"}, TEXT_PAGE)
    site.routes["/x.xhtml"] = (200, {"Content-Type": "application/xhtml+xml"}, UTF8_PAGE)
    sources = write_sources(
        tmp_path / "sources.yaml",
        f"urls:\n"
        f"  - url: {site.base}/a.html\n    outlet: Example Wire\n    published: 2024-03-01\n"
        f"  - {site.base}/latin.html\n"
        f"  - {{url: '{site.base}/notes.txt', outlet: Notes, language: fr}}\n"
        f"  - {site.base}/x.xhtml\n",
    )
    raw = tmp_path / "raw"
    report = fetch_from_file(sources, raw, FAST)
    assert (report.count("fetched"), report.count("skipped"), report.count("failed")) == (4, 0, 0)

    folder = fetched_dir(raw)
    expected = {
        f"{site.base}/a.html": (f"{page_file_stem(site.base + '/a.html')}.html", UTF8_PAGE),
        f"{site.base}/latin.html": (f"{page_file_stem(site.base + '/latin.html')}.html", LATIN_PAGE),
        f"{site.base}/notes.txt": (f"{page_file_stem(site.base + '/notes.txt')}.txt", TEXT_PAGE),
        f"{site.base}/x.xhtml": (f"{page_file_stem(site.base + '/x.xhtml')}.html", UTF8_PAGE),
    }
    umask = os.umask(0)
    os.umask(umask)
    for name, body in expected.values():
        assert (folder / name).read_bytes() == body
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o666 & ~umask  # as open() would
    assert (
        page_file_stem(site.base + "/a.html") == hashlib.sha1(f"{site.base}/a.html".encode()).hexdigest()[:16]
    )

    manifest = {row["url"]: row for row in read_csv(folder / "manifest.csv")}
    assert set(manifest) == set(expected)
    a = manifest[f"{site.base}/a.html"]
    assert (a["file"], a["outlet"], a["published"], a["language"]) == (
        expected[a["url"]][0],
        "Example Wire",
        "2024-03-01",
        "",
    )
    notes = manifest[f"{site.base}/notes.txt"]
    assert (notes["outlet"], notes["language"], notes["published"]) == ("Notes", "fr", "")

    rows = read_csv(folder / "fetch_log.csv")
    assert list(rows[0]) == [
        "fetched_at",
        "url",
        "status",
        "http_status",
        "reason",
        "file",
        "bytes",
        "sha256",
    ]
    by_url = {r["url"]: r for r in rows}
    latin = by_url[f"{site.base}/latin.html"]
    assert latin["status"] == "fetched" and latin["http_status"] == "200"
    assert latin["bytes"] == str(len(LATIN_PAGE))
    assert latin["sha256"] == hashlib.sha256(LATIN_PAGE).hexdigest()
    assert "charset=windows-1252" in latin["reason"]  # the HTTP charset is kept for whoever decodes later
    dt.datetime.fromisoformat(latin["fetched_at"])

    agents = {agent for path, agent in site.requests}
    assert agents == {fetch_module.USER_AGENT}
    assert [p for p, _ in site.requests].count("/robots.txt") == 1  # robots.txt is cached per host
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_every_failure_is_logged_with_a_reason_and_never_stops_the_others(site, tmp_path):
    site.routes["/ok.html"] = html(UTF8_PAGE)
    site.routes["/error"] = (500, {"Content-Type": "text/html"}, b"boom")
    site.routes["/private/secret.html"] = html(UTF8_PAGE)
    site.routes["/slow.html"] = html(UTF8_PAGE, **{"X-Sleep": "2"})
    site.routes["/image.png"] = (200, {"Content-Type": "image/png"}, b"\x89PNG\r\n\x1a\n" + b"\x00" * 50)
    site.routes["/untyped"] = (200, {}, b"<html></html>")
    site.routes["/big.html"] = html(b"<p>x</p>" * 200)  # 1600 bytes, declared
    site.routes["/big-stream.html"] = html(b"<p>x</p>" * 200, **{"X-No-Length": "1"})  # read until close
    site.routes["/tail.html"] = html(UTF8_PAGE)
    urls = [
        "/ok.html",
        "/missing.html",
        "/error",
        "/private/secret.html",
        "/slow.html",
        "/image.png",
        "/untyped",
        "/big.html",
        "/big-stream.html",
    ]
    sources = write_sources(
        tmp_path / "sources.yaml",
        "urls:\n"
        + "".join(f"  - {site.base}{u}\n" for u in urls)
        + "  - ftp://127.0.0.1/file.html\n  - 'not a url'\n  - 'http://'\n"
        + f"  - {site.base}/tail.html\n",
    )
    raw = tmp_path / "raw"
    report = fetch_from_file(sources, raw, FetchSettings(delay=0, timeout=0.5, max_bytes=1000))
    rows = {r["url"]: r for r in read_csv(fetched_dir(raw) / "fetch_log.csv")}
    reasons = {u: rows[site.base + u]["reason"] for u in urls[1:]}
    assert reasons["/missing.html"] == "HTTP 404 Not Found"
    assert reasons["/error"].startswith("HTTP 500")
    assert reasons["/private/secret.html"] == "robots disallow: /private/secret.html"
    assert reasons["/slow.html"].startswith("timeout after 0.5 s")
    assert reasons["/image.png"] == "not a page content-type: image/png"
    assert reasons["/untyped"] == "not a page content-type: no Content-Type"
    assert reasons["/big.html"] == "too large: Content-Length 1600 bytes > limit 1000"
    assert reasons["/big-stream.html"] == "too large: body exceeds limit 1000 bytes"
    assert rows["ftp://127.0.0.1/file.html"]["reason"].startswith("bad URL: scheme 'ftp'")
    assert rows["not a url"]["reason"].startswith("bad URL")
    assert rows["http://"]["reason"] == "bad URL: no host"
    assert rows[site.base + "/missing.html"]["http_status"] == "404"
    assert rows[site.base + "/error"]["http_status"] == "500"
    assert all(
        rows[site.base + u]["status"] == "failed" and rows[site.base + u]["file"] == "" for u in urls[1:]
    )

    assert rows[site.base + "/ok.html"]["status"] == rows[site.base + "/tail.html"]["status"] == "fetched"
    assert (report.count("fetched"), report.count("failed")) == (2, 11)
    assert len(report.failures) == 11
    stored = sorted(p.name for p in fetched_dir(raw).iterdir() if not p.name.startswith("."))
    assert stored == sorted(
        ["fetch_log.csv", "manifest.csv"]
        + [page_file_stem(site.base + u) + ".html" for u in ("/ok.html", "/tail.html")]
    )
    assert "/private/secret.html" not in [
        p for p, _ in site.requests
    ]  # robots.txt is obeyed, not just logged


def test_redirects_are_followed_and_each_hop_checked(site, tmp_path):
    site.routes["/new.html"] = html(UTF8_PAGE)
    site.routes["/moved"] = (301, {"Location": "/new.html"}, b"")
    site.routes["/to-private"] = (302, {"Location": "/private/x.html"}, b"")
    site.routes["/to-ftp"] = (302, {"Location": "ftp://127.0.0.1/x.html"}, b"")
    site.routes["/loop"] = (302, {"Location": "/loop"}, b"")
    sources = write_sources(
        tmp_path / "s.yaml",
        "urls:\n" + "".join(f"  - {site.base}{u}\n" for u in ("/moved", "/to-private", "/to-ftp", "/loop")),
    )
    raw = tmp_path / "raw"
    fetch_from_file(sources, raw, FAST)
    rows = {r["url"].removeprefix(site.base): r for r in read_csv(fetched_dir(raw) / "fetch_log.csv")}
    moved = rows["/moved"]
    assert moved["status"] == "fetched" and f"redirected to {site.base}/new.html" in moved["reason"]
    assert moved["file"] == page_file_stem(site.base + "/moved") + ".html"
    assert (fetched_dir(raw) / moved["file"]).read_bytes() == UTF8_PAGE
    assert rows["/to-private"]["reason"] == "robots disallow: /private/x.html"
    assert rows["/to-ftp"]["reason"].startswith("bad URL: scheme 'ftp'")
    assert rows["/loop"]["reason"] == "more than 5 redirects"
    (manifest_row,) = read_csv(fetched_dir(raw) / "manifest.csv")
    assert manifest_row["url"] == site.base + "/moved"


RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Loopback Wire</title><language>en-gb</language>
  <item><title>First story</title><link>/news/1.html</link>
    <pubDate>Tue, 05 Mar 2024 23:30:00 -0500</pubDate></item>
  <item><title>Second story</title><link>{base}/news/2.html</link>
    <pubDate>Wed, 06 Mar 2024 08:00:00 GMT</pubDate></item>
  <item><title>Third story</title><guid isPermaLink="true">{base}/news/4.html</guid></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ar"><title>Atom Daily</title>
  <entry><title>Atom story</title>
    <link rel="enclosure" href="{base}/media.mp3"/><link rel="alternate" href="{base}/news/3.html"/>
    <updated>2024-03-07T10:00:00Z</updated></entry>
  <entry><title>Published wins</title><link href="/news/5.html"/>
    <published>2024-03-08T01:00:00+03:00</published><updated>2024-04-01T00:00:00Z</updated></entry>
</feed>"""


def test_rss_and_atom_feeds_lead_to_their_pages(site, tmp_path):
    for n in range(1, 6):
        site.routes[f"/news/{n}.html"] = html(f"<html><body><p>story {n}</p></body></html>".encode())
    site.routes["/rss.xml"] = (
        200,
        {"Content-Type": "application/rss+xml"},
        RSS.format(base=site.base).encode(),
    )
    site.routes["/atom.xml"] = (
        200,
        {"Content-Type": "application/atom+xml"},
        ATOM.format(base=site.base).encode(),
    )
    site.routes["/broken.xml"] = (200, {"Content-Type": "application/rss+xml"}, b"<rss><channel><item>")
    site.routes["/page-not-feed.xml"] = html(UTF8_PAGE)
    sources = write_sources(
        tmp_path / "sources.yaml",
        "feeds:\n"
        f"  - url: {site.base}/rss.xml\n    outlet: Wire Desk\n"
        f"  - {site.base}/atom.xml\n"
        f"  - {site.base}/broken.xml\n"
        f"  - {site.base}/page-not-feed.xml\n"
        f"  - {site.base}/no-feed-here.xml\n",
    )
    raw = tmp_path / "raw"
    report = fetch_from_file(sources, raw, FAST)
    manifest = {r["url"].removeprefix(site.base): r for r in read_csv(fetched_dir(raw) / "manifest.csv")}
    assert {u: (r["outlet"], r["language"], r["published"]) for u, r in manifest.items()} == {
        "/news/1.html": ("Wire Desk", "en-gb", "2024-03-05"),  # the date as written, in its own zone
        "/news/2.html": ("Wire Desk", "en-gb", "2024-03-06"),
        "/news/4.html": ("Wire Desk", "en-gb", ""),
        "/news/3.html": ("Atom Daily", "ar", "2024-03-07"),  # no outlet in sources: the feed's title
        "/news/5.html": ("Atom Daily", "ar", "2024-03-08"),
    }
    for url, row in manifest.items():
        n = url.split("/")[-1].split(".")[0]
        assert (
            fetched_dir(raw) / row["file"]
        ).read_bytes() == f"<html><body><p>story {n}</p></body></html>".encode()
    log_rows = {r["url"].removeprefix(site.base): r for r in read_csv(fetched_dir(raw) / "fetch_log.csv")}
    assert (
        log_rows["/rss.xml"]["status"] == "fetched" and log_rows["/rss.xml"]["reason"] == "feed with 3 items"
    )
    assert log_rows["/atom.xml"]["reason"] == "feed with 2 items"
    assert log_rows["/broken.xml"]["status"] == "failed"
    assert log_rows["/broken.xml"]["reason"].startswith("feed unparsable: not well-formed XML")
    assert (
        log_rows["/page-not-feed.xml"]["reason"]
        == "feed unparsable: root element <html> is neither RSS nor Atom"
    )
    assert log_rows["/no-feed-here.xml"]["reason"] == "HTTP 404 Not Found"
    assert "/media.mp3" not in [p for p, _ in site.requests]
    assert report.titles[site.base + "/news/1.html"] == "First story"


def test_second_fetch_skips_refresh_fetches_again_and_no_row_is_lost(site, tmp_path):
    site.routes["/a.html"] = html(b"<p>version 1</p>")
    site.routes["/b.html"] = html(b"<p>other page</p>")
    raw = tmp_path / "raw"
    both = write_sources(tmp_path / "both.yaml", f"urls:\n  - {site.base}/a.html\n  - {site.base}/b.html\n")
    only_a = write_sources(
        tmp_path / "a.yaml", f"urls:\n  - url: {site.base}/a.html\n    outlet: Second Name\n"
    )
    fetch_from_file(both, raw, FAST)
    manifest = fetched_dir(raw) / "manifest.csv"
    first_manifest = manifest.read_bytes()
    first_mtime = manifest.stat().st_mtime_ns
    a_file = fetched_dir(raw) / (page_file_stem(site.base + "/a.html") + ".html")

    site.routes["/a.html"] = html(b"<p>version 2</p>")
    again = fetch_from_file(only_a, raw, FAST)
    assert [(a.status, a.reason) for a in again.attempts] == [
        ("skipped", "already fetched (refresh to fetch again)")
    ]
    assert a_file.read_bytes() == b"<p>version 1</p>"
    assert manifest.read_bytes() == first_manifest and manifest.stat().st_mtime_ns == first_mtime

    refreshed = fetch_from_file(only_a, raw, FetchSettings(delay=0, refresh=True))
    assert [a.status for a in refreshed.attempts] == ["fetched"]
    assert a_file.read_bytes() == b"<p>version 2</p>"
    rows = {r["url"].removeprefix(site.base): r for r in read_csv(manifest)}
    assert set(rows) == {"/a.html", "/b.html"}  # b was not listed this time, and its row stays
    assert rows["/a.html"]["outlet"] == "Second Name"
    statuses = [r["status"] for r in read_csv(fetched_dir(raw) / "fetch_log.csv")]
    assert statuses == ["fetched", "fetched", "skipped", "fetched"]  # the log only ever grows

    a_file.unlink()  # a page deleted by hand is fetched again
    assert [a.status for a in fetch_from_file(only_a, raw, FAST).attempts] == ["fetched"]

    site.routes["/a.html"] = (500, {}, b"")
    failed = fetch_from_file(only_a, raw, FetchSettings(delay=0, refresh=True))
    assert [a.status for a in failed.attempts] == ["failed"]
    assert a_file.read_bytes() == b"<p>version 2</p>"  # a failed refresh keeps the page it had


def test_a_gzip_body_is_kept_gzipped_and_raw_reads_it(site, tmp_path):
    body = gzip.compress(UTF8_PAGE)
    site.routes["/z.html"] = (200, {"Content-Type": "text/html", "Content-Encoding": "gzip"}, body)
    site.routes["/br.html"] = (200, {"Content-Type": "text/html", "Content-Encoding": "br"}, b"xx")
    sources = write_sources(tmp_path / "s.yaml", f"urls: ['{site.base}/z.html', '{site.base}/br.html']\n")
    raw = tmp_path / "raw"
    report = fetch_from_file(sources, raw, FAST)
    stored = fetched_dir(raw) / (page_file_stem(site.base + "/z.html") + ".html.gz")
    assert stored.read_bytes() == body
    assert decode_page(stored.read_bytes(), stored.name) == UTF8_PAGE.decode()
    assert report.failures[0].reason == "unsupported Content-Encoding: br"


def test_robots_txt_unreachable_or_forbidden_means_no_fetch_and_4xx_means_no_rules(site, tmp_path):
    site.routes["/a.html"] = html(UTF8_PAGE)
    sources = write_sources(tmp_path / "s.yaml", f"urls: ['{site.base}/a.html']\n")
    site.routes["/robots.txt"] = (503, {}, b"")
    report = fetch_from_file(sources, tmp_path / "raw1", FAST)
    assert report.failures[0].reason == "robots.txt unavailable (HTTP 503 Service Unavailable): not fetching"
    site.routes["/robots.txt"] = (403, {}, b"")
    report = fetch_from_file(sources, tmp_path / "raw2", FAST)
    assert report.failures[0].reason == "robots.txt unavailable (HTTP 403 Forbidden): not fetching"
    del site.routes["/robots.txt"]  # 404: no rules
    report = fetch_from_file(sources, tmp_path / "raw3", FAST)
    assert [a.status for a in report.attempts] == ["fetched"]
    assert "/a.html" in [p for p, _ in site.requests]
    site.routes["/robots.txt"] = (
        200,
        {"Content-Type": "text/plain"},
        b"User-agent: conflict-ledger-fetcher\nDisallow: /\n",
    )
    report = fetch_from_file(sources, tmp_path / "raw4", FAST)
    assert report.failures[0].reason == "robots disallow: /a.html"  # rules for our own product token


def test_requests_to_one_host_are_spaced_by_the_delay(site, tmp_path, monkeypatch):
    pauses = []
    monkeypatch.setattr(fetch_module.time, "sleep", pauses.append)
    site.routes["/a.html"] = html(UTF8_PAGE)
    site.routes["/b.html"] = html(UTF8_PAGE)
    sources = write_sources(tmp_path / "s.yaml", f"urls: ['{site.base}/a.html', '{site.base}/b.html']\n")
    fetch_from_file(sources, tmp_path / "raw", FetchSettings(delay=5))
    # robots.txt, a.html, b.html: the second and third request each wait (almost) the whole delay
    assert len(pauses) == 2 and all(4 < p <= 5 for p in pauses)
    pauses.clear()
    fetch_from_file(sources, tmp_path / "raw2", FetchSettings(delay=0))
    assert pauses == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("urls: [unclosed\n", r"bad\.yaml: not valid YAML"),
        ("- http://a.example/\n", r"bad\.yaml: must be a mapping with 'urls:' and/or 'feeds:', got list"),
        ("url:\n  - x\n", r"bad\.yaml: unknown top-level keys \['url'\]"),
        ("urls: http://a.example/\n", r"bad\.yaml: 'urls:' must be a list, got str"),
        ("urls:\n  - http://a.example/\n  - {outlet: X}\n", r"bad\.yaml: urls\[1\]: needs a 'url' string"),
        ("urls:\n  - 42\n", r"bad\.yaml: urls\[0\]: must be a URL string or a mapping"),
        (
            "urls:\n  - {url: http://a.example/, published: 03/01/2024}\n",
            r"urls\[0\]: published '03/01/2024'",
        ),
        ("urls:\n  - {url: http://a.example/, title: T}\n", r"urls\[0\]: unknown keys \['title'\]"),
        ("feeds:\n  - {url: http://a.example/f, published: 2024-01-01}\n", r"feeds\[0\]: unknown keys"),
        (
            "feeds:\n  - {url: http://a.example/f, outlet: ''}\n",
            r"feeds\[0\]: outlet must be a non-empty string",
        ),
    ],
)
def test_a_malformed_sources_file_names_the_file_and_the_entry(tmp_path, text, message):
    path = write_sources(tmp_path / "bad.yaml", text)
    with pytest.raises(SourcesError, match=message):
        load_sources(path)


def test_sources_file_forms_and_missing_file(tmp_path):
    path = write_sources(
        tmp_path / "ok.yaml",
        "# comments only above\nurls:\n  - http://a.example/x\n"
        "  - {url: ' http://a.example/y ', outlet: Y, published: 2024-02-29, language: en}\n"
        "feeds: []\n",
    )
    sources = load_sources(path)
    assert sources.urls == (
        PageSource("http://a.example/x"),
        PageSource("http://a.example/y", outlet="Y", published=dt.date(2024, 2, 29), language="en"),
    )
    assert sources.feeds == ()
    assert load_sources(write_sources(tmp_path / "empty.yaml", "urls: []\nfeeds: []\n")).urls == ()
    assert load_sources(write_sources(tmp_path / "blank.yaml", "# nothing yet\n")).feeds == ()
    with pytest.raises(SourcesError, match=r"nope\.yaml: sources file not found"):
        load_sources(tmp_path / "nope.yaml")


def test_empty_sources_write_nothing(tmp_path):
    sources = write_sources(tmp_path / "s.yaml", "urls: []\nfeeds: []\n")
    report = fetch_from_file(sources, tmp_path / "raw", FAST)
    assert report.attempts == [] and not (tmp_path / "raw").exists()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Tue, 05 Mar 2024 23:30:00 -0500", dt.date(2024, 3, 5)),
        ("Wed, 06 Mar 2024 08:00:00 GMT", dt.date(2024, 3, 6)),
        ("2024-03-07T10:00:00Z", dt.date(2024, 3, 7)),
        ("2024-03-08T01:00:00+03:00", dt.date(2024, 3, 8)),
        ("2024-03-09", dt.date(2024, 3, 9)),
        ("last Tuesday", None),
        (None, None),
    ],
)
def test_feed_dates(value, expected):
    assert feed_date(value) == expected


def test_rss_1_rdf_items_are_read_too():
    rdf = b"""<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
      xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>RDF Wire</title></channel>
      <item><title>One</title><link>http://a.example/1</link><dc:date>2024-05-01T09:00:00Z</dc:date></item>
    </rdf:RDF>"""
    feed = parse_feed(rdf, "http://a.example/feed")
    assert feed.title == "RDF Wire"
    assert feed.items == (PageSource("http://a.example/1", published=dt.date(2024, 5, 1), title="One"),)


def test_fetched_pages_are_found_by_raw_discovery_end_to_end(site, tmp_path):
    site.routes["/story.html"] = html(LATIN_PAGE, charset="windows-1252")
    site.routes["/feed.xml"] = (
        200,
        {"Content-Type": "application/rss+xml"},
        RSS.format(base=site.base).encode(),
    )
    site.routes["/news/1.html"] = html(UTF8_PAGE)
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "local.txt").write_text("A page put here by hand.")
    sources = write_sources(
        tmp_path / "sources.yaml",
        f"urls:\n  - {{url: '{site.base}/story.html', outlet: Loopback Times, published: 2024-01-31}}\n"
        f"feeds:\n  - {site.base}/feed.xml\n",
    )
    fetch_from_file(sources, raw, FAST)
    pages = {p.doc_id: p for p in scan_raw_dir(raw)}
    story = pages[page_file_stem(site.base + "/story.html")]
    assert story.raw_path == f"fetched/{story.doc_id}.html"
    assert (story.url, story.outlet, story.published, story.kind) == (
        f"{site.base}/story.html",
        "Loopback Times",
        dt.date(2024, 1, 31),
        "html",
    )
    assert story.sha256 == hashlib.sha256(LATIN_PAGE).hexdigest()
    assert "Caf\u00e9 \u201cquoted\u201d" in decode_page(story.read_bytes(), story.raw_path)
    item = pages[page_file_stem(site.base + "/news/1.html")]
    assert (item.outlet, item.language, item.published) == ("Loopback Wire", "en-gb", dt.date(2024, 3, 5))
    assert "local" in pages
    assert set(pages) == {"local", story.doc_id, item.doc_id}  # fetch_log.csv and the lock are no pages


def test_a_charset_sent_only_in_the_http_header_reaches_the_manifest_and_decodes(site, tmp_path):
    latin = (
        b"<html><head><title>Caf\xe9</title></head><body><p>Caf\xe9 in Idlib: 3 wounded.</p></body></html>"
    )
    cyrillic = "\u041f\u043e\u0433\u0438\u0431\u043b\u0438 12 \u0447\u0435\u043b\u043e\u0432\u0435\u043a.\n"
    site.routes["/latin.html"] = html(latin, charset='"ISO-8859-1"')  # no <meta charset> in the page
    site.routes["/ru.txt"] = (
        200,
        {"Content-Type": "text/plain; charset=windows-1251"},
        cyrillic.encode("cp1251"),
    )
    site.routes["/none.html"] = (200, {"Content-Type": "text/html"}, UTF8_PAGE)
    urls = [f"{site.base}/latin.html", f"{site.base}/ru.txt", f"{site.base}/none.html"]
    sources = write_sources(tmp_path / "s.yaml", "urls:\n" + "".join(f"  - {u}\n" for u in urls))
    raw = tmp_path / "raw"
    assert fetch_from_file(sources, raw, FAST).count("fetched") == 3

    rows = read_csv(fetched_dir(raw) / "manifest.csv")
    assert list(rows[0]) == ["file", "url", "outlet", "language", "published", "charset"]
    charsets = {row["url"]: row["charset"] for row in rows}
    assert charsets == dict(zip(urls, ["iso-8859-1", "windows-1251", ""], strict=True))

    pages = {p.url: p for p in scan_raw_dir(raw)}
    page = pages[urls[0]]
    assert page.charset == "iso-8859-1"
    text = decode_page(page.read_bytes(), page.raw_path, page.charset)
    assert "<p>Caf\u00e9 in Idlib: 3 wounded.</p>" in text
    assert pages[urls[1]].text() == cyrillic
    assert pages[urls[2]].charset is None and pages[urls[2]].text() == UTF8_PAGE.decode()
    with pytest.raises(UndecodablePage, match="no charset in the manifest or the page"):
        decode_page(page.read_bytes(), page.raw_path)  # what the header's charset saves the page from

    # a later run that skips the pages keeps their charsets in the rewritten manifest
    site.routes["/new.html"] = html(UTF8_PAGE)
    more = write_sources(
        tmp_path / "more.yaml", "urls:\n" + "".join(f"  - {u}\n" for u in [*urls, site.base + "/new.html"])
    )
    assert [a.status for a in fetch_from_file(more, raw, FAST).attempts] == ["skipped"] * 3 + ["fetched"]
    after = {row["url"]: row["charset"] for row in read_csv(fetched_dir(raw) / "manifest.csv")}
    assert after == {**charsets, f"{site.base}/new.html": "utf-8"}
