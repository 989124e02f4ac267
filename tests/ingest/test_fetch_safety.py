"""The fetcher against hostile servers and a hostile landing zone, on real loopback HTTP servers:
manifest paths, deadlines, gzip bombs, private addresses, robots.txt wildcards, entity expansion, item caps
and the appended manifest."""

import csv
import gzip
import http.server
import os
import threading
import time
import tracemalloc
import zlib
from pathlib import Path

import pytest

from pipelines.ingest import ManifestError
from pipelines.ingest import fetch as fetch_module
from pipelines.ingest.fetch import (
    FetchFailure,
    FetchSettings,
    LandingZoneError,
    address_kind,
    fetch_from_file,
    page_file_stem,
    parse_feed,
)

PAGE = b"<html><head><title>Report</title></head><body><p>Three wounded in the market.</p></body></html>"
ROBOTS = b"User-agent: *\nDisallow: /private/\n"
FAST = FetchSettings(delay=0, timeout=5, deadline=5, max_bytes=100_000)
MANIFEST_HEADER = "file,url,outlet,language,published,charset\n"


class Handler(http.server.BaseHTTPRequestHandler):
    """Serves `server.routes[path]`: (status, headers, body), or a callable returning one. Headers
    `X-Drip: s` send the body one byte every s seconds, `X-Drip-Headers: s` send 40 filler header
    lines one every s seconds."""

    def do_GET(self):  # noqa: N802 - the http.server name
        self.server.requests.append(self.path)
        route = self.server.routes.get(self.path)
        if callable(route):
            route = route()
        if route is None:
            self.send_error(404, "Not Found")
            return
        status, headers, body = route
        drip = float(headers.get("X-Drip", 0))
        drip_headers = float(headers.get("X-Drip-Headers", 0))
        try:
            self.send_response(status)
            for key, value in headers.items():
                if not key.startswith("X-Drip"):
                    self.send_header(key, value)
            if "Content-Length" not in headers:
                self.send_header("Content-Length", str(len(body)))
            if drip_headers:
                self.flush_headers()
                for i in range(40):
                    self.wfile.write(f"X-Filler-{i}: x\r\n".encode())
                    time.sleep(drip_headers)
            self.end_headers()
            if drip:
                for byte in body:
                    self.wfile.write(bytes([byte]))
                    time.sleep(drip)
            else:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the fetcher hung up: what a deadline does

    def log_message(self, *args):
        pass


def _serve():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.block_on_close = False
    server.requests = []
    server.routes = {"/robots.txt": (200, {"Content-Type": "text/plain"}, ROBOTS)}
    server.port = server.server_address[1]
    server.base = f"http://127.0.0.1:{server.port}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture()
def site():
    """The loopback site the sources file lists."""
    server = _serve()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture()
def other():
    """A second loopback site on another port, which the sources file does not list."""
    server = _serve()
    yield server
    server.shutdown()
    server.server_close()


def html(body: bytes = PAGE, **extra) -> tuple[int, dict, bytes]:
    return 200, {"Content-Type": "text/html; charset=utf-8", **extra}, body


def rss(*links: str) -> tuple[int, dict, bytes]:
    items = "".join(
        f"<item><title>Item {i}</title><link>{link}</link></item>" for i, link in enumerate(links)
    )
    body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>{items}</channel></rss>'
    return 200, {"Content-Type": "application/rss+xml"}, body.encode()


def sources(tmp_path: Path, urls: list[str] = (), feeds: list[str] = ()) -> Path:
    path = tmp_path / "sources.yaml"
    text = (
        "urls:\n"
        + "".join(f"  - '{u}'\n" for u in urls)
        + "feeds:\n"
        + "".join(f"  - '{f}'\n" for f in feeds)
    )
    path.write_text(text.replace("urls:\nfeeds:", "urls: []\nfeeds:"), encoding="utf-8")
    return path


def log_rows(raw: Path) -> list[dict]:
    with (raw / "fetched" / "fetch_log.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def manifest_rows(raw: Path) -> list[dict]:
    with (raw / "fetched" / "manifest.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


# --- 1. paths read from the manifest ------------------------------------------------------------------


def test_a_crafted_manifest_never_makes_the_fetcher_delete_or_write_a_path_outside_fetched(site, tmp_path):
    raw = tmp_path / "raw"
    folder = raw / "fetched"
    (folder / "sub").mkdir(parents=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    victims = {
        raw / "victim.html": b"a page beside fetched/",
        outside / "absolute.html": b"a file anywhere",
        outside / "linked.html": b"the target of a link",
        outside / "target.html": b"the target of a link named like the page",
        folder / "sub" / "deep.html": b"a page one level down",
        folder / "notes.csv": b"not a page, beside the pages\n",
    }
    for path, data in victims.items():
        path.write_bytes(data)
    (folder / "link.html").symlink_to(outside / "linked.html")
    url, other_url = f"{site.base}/a.html", f"{site.base}/b.html"
    link_named_like_page = page_file_stem(other_url) + ".html"
    (folder / link_named_like_page).symlink_to(outside / "target.html")
    crafted = {
        "../victim.html": "not a plain file name (a path)",
        str(outside / "absolute.html"): "not a plain file name (a path)",
        "link.html": "a symbolic link",
        "sub/deep.html": "not a plain file name (a path)",
        "notes.csv": "not a page file name (.html or .txt, optionally .gz)",
        "fetch_log.csv": "not a page file name (.html or .txt, optionally .gz)",
        "manifest.csv": "not a page file name (.html or .txt, optionally .gz)",
        ".fetch.lock": "a dot file",
        "sub": "not a page file name (.html or .txt, optionally .gz)",
        link_named_like_page: "a symbolic link",
    }
    manifest = MANIFEST_HEADER + "".join(
        f"{name},{other_url if name == link_named_like_page else url},Crafted,,,\n" for name in crafted
    )
    (folder / "manifest.csv").write_text(manifest, encoding="utf-8")
    site.routes["/a.html"] = html()
    site.routes["/b.html"] = html()
    listed = sources(tmp_path, [url, other_url])

    for refresh in (False, True):  # a crafted row neither stands for the page nor is replaced by it
        report = fetch_from_file(listed, raw, FetchSettings(delay=0, refresh=refresh))
        for path, data in victims.items():
            assert path.read_bytes() == data
        assert (folder / "link.html").readlink() == outside / "linked.html"
        assert (folder / link_named_like_page).readlink() == outside / "target.html"
        ignored = {a.reason for a in report.attempts if a.kind == "manifest"}
        assert ignored == {
            f"manifest row ignored: file {name!r} is {why}; it is never deleted or written"
            for name, why in crafted.items()
        }
        assert all(a.status == "failed" for a in report.attempts if a.kind == "manifest")
        pages = {a.url: a for a in report.attempts if a.kind == "page"}
        assert pages[url].status == "fetched"
        assert (folder / (page_file_stem(url) + ".html")).read_bytes() == PAGE
        assert pages[other_url].status == "failed"
        assert pages[other_url].reason == (
            f"cannot store the page: fetched/{link_named_like_page} is a symbolic link (left untouched)"
        )

    rows = manifest_rows(raw)
    assert [r["file"] for r in rows] == [*crafted, page_file_stem(url) + ".html"]  # kept, as they were
    assert all(r["outlet"] == "Crafted" for r in rows[:-1])


def test_a_refresh_that_changes_the_kind_replaces_the_page_file_of_its_own_url(site, tmp_path):
    url = f"{site.base}/a"
    site.routes["/a"] = html()
    raw = tmp_path / "raw"
    fetch_from_file(sources(tmp_path, [url]), raw, FAST)
    site.routes["/a"] = (200, {"Content-Type": "text/plain"}, b"Now a plain text report.\n")
    report = fetch_from_file(sources(tmp_path, [url]), raw, FetchSettings(delay=0, refresh=True))
    assert [a.status for a in report.attempts] == ["fetched"]
    stem = page_file_stem(url)
    assert not (raw / "fetched" / f"{stem}.html").exists()
    assert (raw / "fetched" / f"{stem}.txt").read_bytes() == b"Now a plain text report.\n"
    assert [r["file"] for r in manifest_rows(raw)] == [f"{stem}.txt"]


def test_a_manifest_or_log_that_is_a_symbolic_link_stops_the_fetch_before_anything_is_written(site, tmp_path):
    folder = tmp_path / "raw" / "fetched"
    folder.mkdir(parents=True)
    elsewhere = tmp_path / "elsewhere.csv"
    elsewhere.write_text(MANIFEST_HEADER)
    (folder / "manifest.csv").symlink_to(elsewhere)
    site.routes["/a.html"] = html()
    with pytest.raises(LandingZoneError, match="manifest.csv is a symbolic link"):
        fetch_from_file(sources(tmp_path, [f"{site.base}/a.html"]), tmp_path / "raw", FAST)
    assert elsewhere.read_text() == MANIFEST_HEADER and "/a.html" not in site.requests


# --- 2. the deadline --------------------------------------------------------------------------------


@pytest.mark.parametrize("drip", ["X-Drip", "X-Drip-Headers"])
def test_a_server_that_drips_is_cut_off_at_the_deadline(site, tmp_path, drip):
    # 40 bytes (or header lines), one every 0.05 s: each read is well inside the 5 s timeout, so without
    # an overall deadline the page would be fetched after 2 s
    site.routes["/drip.html"] = html(b"<p>" + b"x" * 33 + b"</p>", **{drip: "0.05"})
    raw = tmp_path / "raw"
    settings = FetchSettings(delay=0, timeout=5, deadline=0.5)
    report = fetch_from_file(sources(tmp_path, [f"{site.base}/drip.html"]), raw, settings)
    (attempt,) = report.attempts
    assert (attempt.status, attempt.reason) == ("failed", "deadline of 0.5 s passed (response not finished)")
    assert not (raw / "fetched" / (page_file_stem(f"{site.base}/drip.html") + ".html")).exists()


def test_the_deadline_is_a_positive_setting():
    assert FetchSettings().deadline > FetchSettings().timeout
    with pytest.raises(ValueError, match="deadline must be positive"):
        FetchSettings(deadline=0)


# --- 3. the size cap on decoded bytes -----------------------------------------------------------------


def _gzip_zeros(size: int, members: int = 1) -> bytes:
    """A gzip body of `size` zero bytes in `members` gzip members, built without holding `size` bytes."""
    out = []
    for _ in range(members):
        deflate = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        block = bytes(1 << 20)
        left = size // members
        while left:
            out.append(deflate.compress(block[: min(left, len(block))]))
            left -= min(left, len(block))
        out.append(deflate.flush())
    return b"".join(out)


def test_a_gzip_bomb_is_refused_once_its_decoded_size_passes_the_cap_without_expanding_it(site, tmp_path):
    bomb = _gzip_zeros(128 << 20)  # 128 MiB of zeros in about 130 KB
    assert len(bomb) < 1_000_000
    site.routes["/bomb.html"] = (200, {"Content-Type": "text/html", "Content-Encoding": "gzip"}, bomb)
    raw = tmp_path / "raw"
    tracemalloc.start()
    try:
        report = fetch_from_file(
            sources(tmp_path, [f"{site.base}/bomb.html"]), raw, FetchSettings(delay=0, max_bytes=1_000_000)
        )
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    (attempt,) = report.attempts
    assert attempt.reason == "too large: decoded (gzip) body exceeds limit 1000000 bytes"
    assert peak < 32 << 20  # the bomb (128 MiB) is never expanded in memory
    assert not any(p.suffix == ".gz" for p in (raw / "fetched").iterdir())


def test_every_gzip_member_counts_and_a_gzip_page_under_the_cap_is_stored_as_received(site, tmp_path):
    two_members = _gzip_zeros(1_200_000, members=2)  # each member alone is under the cap
    page = gzip.compress(PAGE) + gzip.compress(b"<p>second member</p>")
    site.routes["/two.html"] = (200, {"Content-Type": "text/html", "Content-Encoding": "gzip"}, two_members)
    site.routes["/page.html"] = (200, {"Content-Type": "text/html", "Content-Encoding": "x-gzip"}, page)
    site.routes["/corrupt.html"] = (
        200,
        {"Content-Type": "text/html", "Content-Encoding": "gzip"},
        b"\x1f\x8b\x08\x00garbage that is not deflate",
    )
    site.routes["/cut.html"] = (
        200,
        {"Content-Type": "text/html", "Content-Encoding": "gzip"},
        gzip.compress(PAGE * 20)[:-12],
    )
    urls = [f"{site.base}/{n}.html" for n in ("two", "page", "corrupt", "cut")]
    raw = tmp_path / "raw"
    report = fetch_from_file(sources(tmp_path, urls), raw, FetchSettings(delay=0, max_bytes=1_000_000))
    reasons = {a.url.rsplit("/", 1)[1]: a.reason for a in report.attempts}
    assert reasons["two.html"] == "too large: decoded (gzip) body exceeds limit 1000000 bytes"
    assert reasons["page.html"] == f"text/html; x-gzip, {len(PAGE) + 20} bytes decoded"
    assert reasons["corrupt.html"].startswith("corrupt gzip body: Error -3")
    assert reasons["cut.html"] == "corrupt gzip body: it ends before its gzip stream does"
    stored = raw / "fetched" / (page_file_stem(urls[1]) + ".html.gz")
    assert stored.read_bytes() == page  # the bytes as received; the cap was checked on the decoded ones
    assert [r["file"] for r in manifest_rows(raw)] == [stored.name]


# --- 4. addresses -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("10.0.0.1", "private"),
        ("192.168.1.20", "private"),
        ("172.16.0.5", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("fd00::1", "private"),
        ("224.0.0.251", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "non-global"),
        ("::ffff:10.0.0.1", "private"),
        ("::ffff:169.254.169.254", "link-local"),
        ("2002:a00:1::", "private"),  # 6to4 of 10.0.0.1
        ("8.8.8.8", None),
        ("::ffff:8.8.8.8", None),
        ("2606:4700:4700::1111", None),
    ],
)
def test_address_kinds(address, kind):
    assert address_kind(address) == kind


def test_feed_items_and_redirects_to_unlisted_local_addresses_are_refused_before_connecting(
    site, other, tmp_path, monkeypatch
):
    connected = []
    real_connect = fetch_module._connect

    def recording_connect(address, family, timeout):  # the real connection, with its address noted
        connected.append(address[:2])
        return real_connect(address, family, timeout)

    monkeypatch.setattr(fetch_module, "_connect", recording_connect)
    other.routes["/x.html"] = html()
    site.routes["/news/ok.html"] = html()
    site.routes["/to-private"] = (302, {"Location": "http://10.0.0.1/admin"}, b"")
    site.routes["/to-other"] = (302, {"Location": f"{other.base}/x.html"}, b"")
    site.routes["/feed.xml"] = rss(
        f"{other.base}/x.html",
        "http://10.0.0.1/x.html",
        "http://169.254.169.254/latest/meta-data/",
        f"http://[::1]:{site.port}/news/ok.html",
        f"http://localhost:{site.port}/news/ok.html",
        f"http://0.0.0.0:{site.port}/news/ok.html",
        "http://[::ffff:10.0.0.1]/x.html",
        "/news/ok.html",
    )
    raw = tmp_path / "raw"
    listed = sources(
        tmp_path, [f"{site.base}/to-private", f"{site.base}/to-other"], [f"{site.base}/feed.xml"]
    )
    report = fetch_from_file(listed, raw, FAST)

    reasons = {a.url: a.reason for a in report.attempts if a.kind == "page"}

    def refused(address: str, kind: str, listed_as: str) -> str:
        return f"address refused: {address} is {kind} address ({listed_as} is not listed in the sources file)"

    local = f"http://localhost:{site.port}/news/ok.html"
    assert reasons == {
        f"{site.base}/to-private": refused("10.0.0.1", "a private", "10.0.0.1:80"),
        f"{site.base}/to-other": refused("127.0.0.1", "a loopback", f"127.0.0.1:{other.port}"),
        f"{other.base}/x.html": refused("127.0.0.1", "a loopback", f"127.0.0.1:{other.port}"),
        "http://10.0.0.1/x.html": refused("10.0.0.1", "a private", "10.0.0.1:80"),
        "http://169.254.169.254/latest/meta-data/": refused(
            "169.254.169.254", "a link-local", "169.254.169.254:80"
        ),
        f"http://[::1]:{site.port}/news/ok.html": refused("::1", "a loopback", f"[::1]:{site.port}"),
        local: reasons[local],  # ::1 or 127.0.0.1, as the resolver lists them
        f"http://0.0.0.0:{site.port}/news/ok.html": refused(
            "0.0.0.0", "an unspecified", f"0.0.0.0:{site.port}"
        ),
        "http://[::ffff:10.0.0.1]/x.html": refused("::ffff:10.0.0.1", "a private", "[::ffff:10.0.0.1]:80"),
        f"{site.base}/news/ok.html": "text/html; charset=utf-8",
    }
    assert reasons[local].startswith("address refused: localhost resolves to ")
    assert reasons[local].endswith(
        f", a loopback address (localhost:{site.port} is not listed in the sources file)"
    )
    assert other.requests == []  # not even its robots.txt
    assert set(connected) == {("127.0.0.1", site.port)}  # nothing was sent anywhere else
    assert [r["file"] for r in manifest_rows(raw)] == [page_file_stem(f"{site.base}/news/ok.html") + ".html"]


def test_a_loopback_host_the_sources_file_lists_stays_allowed_for_its_items(site, other, tmp_path):
    other.routes["/x.html"] = html()
    other.routes["/listed.html"] = html()
    site.routes["/feed.xml"] = rss(f"{other.base}/x.html")
    raw = tmp_path / "raw"
    listed = sources(tmp_path, [f"{other.base}/listed.html"], [f"{site.base}/feed.xml"])
    report = fetch_from_file(listed, raw, FAST)
    assert {a.url: a.status for a in report.attempts if a.kind == "page"}[f"{other.base}/x.html"] == "fetched"
    assert "/x.html" in other.requests


# --- 5. robots.txt as RFC 9309 reads it ----------------------------------------------------------------


def test_robots_wildcards_and_the_longest_match_are_obeyed(site, tmp_path):
    site.routes["/robots.txt"] = (
        200,
        {"Content-Type": "text/plain"},
        b"User-agent: *\nDisallow: /private/\nDisallow: /*?print=\nDisallow: /*.txt$\n"
        b"Allow: /private/*.public.html$\n",
    )
    paths = [
        "/private/a.public.html",
        "/private/b.html",
        "/story.html?print=1",
        "/notes.txt",
        "/notes.txt?v=2",
    ]
    for path in paths:
        site.routes[path] = (200, {"Content-Type": "text/plain"}, b"notes\n") if ".txt" in path else html()
    report = fetch_from_file(sources(tmp_path, [site.base + p for p in paths]), tmp_path / "raw", FAST)
    outcome = {a.url.removeprefix(site.base): (a.status, a.reason) for a in report.attempts}
    assert outcome["/private/a.public.html"][0] == "fetched"  # the longer Allow beats Disallow: /private/
    assert outcome["/private/b.html"] == ("failed", "robots disallow: /private/b.html")
    assert outcome["/story.html?print=1"] == ("failed", "robots disallow: /story.html")
    assert outcome["/notes.txt"] == ("failed", "robots disallow: /notes.txt")  # `$` anchors the end
    assert outcome["/notes.txt?v=2"][0] == "fetched"
    assert not {"/private/b.html", "/story.html?print=1", "/notes.txt"} & set(site.requests)


# --- 6. feeds without entity expansion ----------------------------------------------------------------

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
  <item><title>Story</title><link>/news/1.html</link></item></channel></rss>"""

EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>&secret;</title>
  <item><title>Story</title><link>/news/1.html</link></item></channel></rss>"""


def test_a_feed_declaring_entities_is_refused_not_expanded(site, tmp_path):
    site.routes["/laughs.xml"] = (200, {"Content-Type": "application/rss+xml"}, LAUGHS)
    site.routes["/external.xml"] = (200, {"Content-Type": "application/rss+xml"}, EXTERNAL)
    site.routes["/news/1.html"] = html()
    feeds = [f"{site.base}/laughs.xml", f"{site.base}/external.xml"]
    report = fetch_from_file(sources(tmp_path, feeds=feeds), tmp_path / "raw", FAST)
    assert [(a.url, a.status, a.reason) for a in report.attempts] == [
        (feeds[0], "failed", "feed refused: it declares the XML entity 'lol' (entities are never expanded)"),
        (
            feeds[1],
            "failed",
            "feed refused: it declares the XML entity 'secret' (entities are never expanded)",
        ),
    ]
    assert "/news/1.html" not in site.requests


def test_a_feed_with_a_doctype_but_no_entities_still_parses():
    netscape = (
        b'<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
        b'"http://my.netscape.com/publish/formats/rss-0.91.dtd"><rss version="0.91"><channel>'
        b"<title>Old Wire</title><item><title>One</title><link>http://a.example/1</link></item></channel></rss>"
    )
    feed = parse_feed(netscape, "http://a.example/rss")
    assert feed.title == "Old Wire" and [i.url for i in feed.items] == ["http://a.example/1"]
    with pytest.raises(FetchFailure, match="feed refused: it declares the XML entity 'lol'"):
        parse_feed(LAUGHS, "http://a.example/rss")


# --- 7. the item cap --------------------------------------------------------------------------------


def test_items_beyond_the_cap_are_logged_as_skipped_and_not_fetched(site, tmp_path):
    for n in range(1, 6):
        site.routes[f"/news/{n}.html"] = html()
    site.routes["/feed.xml"] = rss(*(f"/news/{n}.html" for n in range(1, 6)))
    raw = tmp_path / "raw"
    feed = f"{site.base}/feed.xml"
    report = fetch_from_file(sources(tmp_path, feeds=[feed]), raw, FetchSettings(delay=0, max_feed_items=2))
    assert [(a.url.removeprefix(site.base), a.status, a.reason) for a in report.attempts] == [
        ("/news/3.html", "skipped", f"feed item 3 of 5 in {feed}: beyond max_feed_items=2"),
        ("/news/4.html", "skipped", f"feed item 4 of 5 in {feed}: beyond max_feed_items=2"),
        ("/news/5.html", "skipped", f"feed item 5 of 5 in {feed}: beyond max_feed_items=2"),
        ("/feed.xml", "fetched", "feed with 5 items; 3 beyond max_feed_items=2 skipped"),
        ("/news/1.html", "fetched", "text/html; charset=utf-8"),
        ("/news/2.html", "fetched", "text/html; charset=utf-8"),
    ]
    assert [r["status"] for r in log_rows(raw)] == [a.status for a in report.attempts]
    assert not {"/news/3.html", "/news/4.html", "/news/5.html"} & set(site.requests)
    assert FetchSettings().max_feed_items == 200


# --- 8. the appended manifest -----------------------------------------------------------------------


def test_a_new_page_appends_its_row_to_the_manifest_instead_of_rewriting_it(site, tmp_path):
    site.routes["/a.html"] = html()
    site.routes["/b.html"] = html()
    raw = tmp_path / "raw"
    manifest = raw / "fetched" / "manifest.csv"
    fetch_from_file(sources(tmp_path, [f"{site.base}/a.html"]), raw, FAST)
    before, inode = manifest.read_bytes(), manifest.stat().st_ino
    report = fetch_from_file(sources(tmp_path, [f"{site.base}/a.html", f"{site.base}/b.html"]), raw, FAST)
    assert [a.status for a in report.attempts] == ["skipped", "fetched"]
    assert manifest.stat().st_ino == inode  # the same file, appended to (an atomic rewrite is a new inode)
    after = manifest.read_bytes()
    assert after.startswith(before)
    b_file = page_file_stem(f"{site.base}/b.html") + ".html"
    assert after[len(before) :].decode() == f"{b_file},{site.base}/b.html,,,,utf-8\n"


def test_a_refresh_keeps_one_row_per_file_during_and_after_the_run(site, tmp_path):
    raw = tmp_path / "raw"
    seen_mid_run = []

    def snapshot():  # the server reads the manifest while the fetcher is in the middle of its run
        seen_mid_run.extend(manifest_rows(raw))
        return html()

    for name in ("a", "b", "c"):
        site.routes[f"/{name}.html"] = html()
    fetch_from_file(sources(tmp_path, [f"{site.base}/a.html", f"{site.base}/b.html"]), raw, FAST)
    site.routes["/d.html"] = snapshot
    path = tmp_path / "refresh.yaml"
    path.write_text(
        f"urls:\n  - {{url: '{site.base}/a.html', outlet: New Name}}\n"
        f"  - '{site.base}/c.html'\n  - '{site.base}/d.html'\n",
        encoding="utf-8",
    )
    report = fetch_from_file(path, raw, FetchSettings(delay=0, refresh=True))
    assert [a.status for a in report.attempts] == ["fetched"] * 3

    def name(page: str) -> str:
        return page_file_stem(f"{site.base}/{page}.html") + ".html"

    assert [r["file"] for r in seen_mid_run] == [name("a"), name("b"), name("c")]  # c is appended already
    assert seen_mid_run[0]["outlet"] == ""  # a's changed row waits for the end of the run: never two rows
    rows = manifest_rows(raw)
    assert [r["file"] for r in rows] == [name("a"), name("b"), name("c"), name("d")]
    assert rows[0]["outlet"] == "New Name"


def test_duplicate_manifest_rows_let_the_last_win_and_the_run_leaves_one(site, tmp_path):
    url = f"{site.base}/a.html"
    name = page_file_stem(url) + ".html"
    folder = tmp_path / "raw" / "fetched"
    folder.mkdir(parents=True)
    (folder / name).write_bytes(PAGE)
    (folder / "manifest.csv").write_text(
        MANIFEST_HEADER + f"{name},{url},Old Name,,,\n{name},{url},Last Name,en,2024-05-01,\n",
        encoding="utf-8",
    )
    report = fetch_from_file(sources(tmp_path, [url]), tmp_path / "raw", FAST)
    assert [(a.status, a.file) for a in report.attempts] == [("skipped", name)]
    assert [(r["file"], r["outlet"], r["published"]) for r in manifest_rows(tmp_path / "raw")] == [
        (name, "Last Name", "2024-05-01")
    ]


def test_a_manifest_that_is_not_utf8_is_named_and_left_alone(site, tmp_path):
    folder = tmp_path / "raw" / "fetched"
    folder.mkdir(parents=True)
    data = (MANIFEST_HEADER + "x.html,http://a.example/caf\xe9,,,,\n").encode("latin-1")
    (folder / "manifest.csv").write_bytes(data)
    site.routes["/a.html"] = html()
    with pytest.raises(ManifestError, match=r"manifest\.csv: not UTF-8"):
        fetch_from_file(sources(tmp_path, [f"{site.base}/a.html"]), tmp_path / "raw", FAST)
    assert (folder / "manifest.csv").read_bytes() == data
    assert not any(p.suffix == ".html" for p in folder.iterdir())
    assert set(os.listdir(folder)) == {"manifest.csv", ".fetch.lock"}
