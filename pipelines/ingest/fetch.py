"""Fetch pages listed in a sources file (URLs and RSS/Atom feeds) into the raw landing zone, politely.

The sources file (YAML) has two lists, `urls:` and `feeds:`; each entry is a URL string or a mapping
(`{url, outlet, published, language}` for a page, `{url, outlet, language}` for a feed). Every item link
of a feed becomes a page to fetch, with the item's date as `published` and the feed's outlet.

Pages land in `<raw>/fetched/<sha1(url)[:16]>.html` (`.txt` for text/plain; `.gz` appended when the server
sent a gzip body anyway) with their bytes exactly as received, beside a `manifest.csv` that
`pipelines.ingest.raw` reads (its `charset` column holds the charset parameter of the response's
Content-Type, so a page that declares its encoding only in the HTTP header still decodes), and a
`fetch_log.csv` with one row per attempt (fetched, skipped, failed and why). robots.txt is obeyed, each
host is asked at most once per `delay` seconds, only http(s) is spoken, only HTML or plain-text bodies up
to `max_bytes` are kept, and one bad URL never stops the others.
"""

from __future__ import annotations

import csv
import datetime as dt
import email.utils
import fcntl
import hashlib
import http.client
import io
import logging
import os
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
import urllib.robotparser
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from pipelines.ingest.raw import MANIFEST_COLUMNS, MANIFEST_NAME, read_manifest

log = logging.getLogger(__name__)

FETCHED_DIR = "fetched"
LOG_NAME = "fetch_log.csv"
LOG_COLUMNS = ("fetched_at", "url", "status", "http_status", "reason", "file", "bytes", "sha256")
LOCK_NAME = ".fetch.lock"  # dot file: never taken for a page by raw.py

USER_AGENT = "conflict-ledger-fetcher/0.1 (research pipeline; fetches listed pages only; obeys robots.txt)"
ROBOTS_AGENT = "conflict-ledger-fetcher"  # the product token robots.txt rules are matched against

# Response content types kept as pages, and the file suffix each is stored under.
PAGE_TYPES = {"text/html": ".html", "application/xhtml+xml": ".html", "text/plain": ".txt"}
ACCEPT = "text/html,application/xhtml+xml,text/plain;q=0.9"
FEED_ACCEPT = "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.5"
MAX_REDIRECTS = 5
MAX_CRAWL_DELAY = 30.0  # a robots.txt Crawl-delay above this is capped (a feed of 50 items stays < 30 min)

URL_KEYS = {"url", "outlet", "published", "language"}
FEED_KEYS = {"url", "outlet", "language"}


class SourcesError(ValueError):
    """A sources file that cannot be read as documented (names the file and the bad entry)."""


class FetchBusy(RuntimeError):
    """Another fetch holds the lock on the same raw directory."""


class FetchFailure(Exception):
    """One URL could not be fetched; `reason` is for people, `http_status` when the server answered."""

    def __init__(self, reason: str, http_status: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.http_status = http_status


@dataclass(frozen=True)
class PageSource:
    url: str
    outlet: str | None = None
    published: dt.date | None = None
    language: str | None = None
    title: str | None = None  # from a feed item; logged, not stored


@dataclass(frozen=True)
class FeedSource:
    url: str
    outlet: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class Sources:
    urls: tuple[PageSource, ...] = ()
    feeds: tuple[FeedSource, ...] = ()


@dataclass(frozen=True)
class FetchSettings:
    user_agent: str = USER_AGENT
    timeout: float = 30.0  # seconds: for the connection, for each read and for the whole download
    max_bytes: int = 5_000_000  # a larger body is refused
    delay: float = 1.0  # seconds between two requests to the same host
    refresh: bool = False  # fetch again URLs already in the manifest


@dataclass(frozen=True)
class Attempt:
    """One row of fetch_log.csv."""

    fetched_at: str
    url: str
    status: str  # fetched | skipped | failed
    http_status: int | None = None
    reason: str = ""
    file: str = ""
    bytes: int | None = None
    sha256: str = ""
    kind: str = "page"  # page | feed (not a log column: a feed's row has no file)

    def row(self) -> dict[str, str]:
        return {k: "" if getattr(self, k) is None else str(getattr(self, k)) for k in LOG_COLUMNS}


@dataclass
class FetchReport:
    attempts: list[Attempt] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)  # url -> feed item title

    def count(self, status: str, kind: str | None = None) -> int:
        return sum(1 for a in self.attempts if a.status == status and kind in (None, a.kind))

    @property
    def failures(self) -> list[Attempt]:
        return [a for a in self.attempts if a.status == "failed"]


# --- the sources file -------------------------------------------------------------------------------


def _entry_date(value: object, where: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            pass
    raise SourcesError(f"{where}: published {value!r} is not an ISO date (YYYY-MM-DD)")


def _entry_text(entry: dict, key: str, where: str) -> str | None:
    value = entry.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise SourcesError(f"{where}: {key} must be a non-empty string, got {value!r}")
    return value.strip()


def _entries(doc: dict, key: str, allowed: set[str], path: Path) -> Iterator[tuple[dict, str]]:
    items = doc.get(key)
    if items is None:
        return
    if not isinstance(items, list):
        raise SourcesError(f"{path}: '{key}:' must be a list, got {type(items).__name__}")
    for i, item in enumerate(items):
        where = f"{path}: {key}[{i}]"
        if isinstance(item, str):
            item = {"url": item}
        if not isinstance(item, dict):
            raise SourcesError(f"{where}: must be a URL string or a mapping with 'url', got {item!r}")
        unknown = set(item) - allowed
        if unknown:
            raise SourcesError(
                f"{where}: unknown keys {sorted(map(str, unknown))} (allowed: {sorted(allowed)})"
            )
        if not isinstance(item.get("url"), str) or not item["url"].strip():
            raise SourcesError(f"{where}: needs a 'url' string, got {item!r}")
        yield item, where


def load_sources(path: Path) -> Sources:
    """Read and validate a sources file; SourcesError names the file and the entry that is wrong."""
    path = Path(path)
    if not path.is_file():
        raise SourcesError(f"{path}: sources file not found (set LEDGER_SOURCES or create sources.yaml)")
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SourcesError(f"{path}: not valid YAML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise SourcesError(f"{path}: not UTF-8 text: {exc}") from exc
    if doc is None:
        return Sources()
    if not isinstance(doc, dict):
        raise SourcesError(
            f"{path}: must be a mapping with 'urls:' and/or 'feeds:', got {type(doc).__name__}"
        )
    unknown = set(doc) - {"urls", "feeds"}
    if unknown:
        raise SourcesError(
            f"{path}: unknown top-level keys {sorted(map(str, unknown))} (allowed: urls, feeds)"
        )
    urls = [
        PageSource(
            url=item["url"].strip(),
            outlet=_entry_text(item, "outlet", where),
            published=_entry_date(item.get("published"), where),
            language=_entry_text(item, "language", where),
        )
        for item, where in _entries(doc, "urls", URL_KEYS, path)
    ]
    feeds = [
        FeedSource(
            url=item["url"].strip(),
            outlet=_entry_text(item, "outlet", where),
            language=_entry_text(item, "language", where),
        )
        for item, where in _entries(doc, "feeds", FEED_KEYS, path)
    ]
    return Sources(urls=tuple(urls), feeds=tuple(feeds))


# --- feeds ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Feed:
    title: str | None
    language: str | None
    items: tuple[PageSource, ...]


def _local(tag: object) -> str:
    """An element's name without its namespace ('{http://www.w3.org/2005/Atom}entry' -> 'entry')."""
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _child(element: ET.Element, name: str) -> ET.Element | None:
    return next((c for c in element if _local(c.tag) == name), None)


def _text(element: ET.Element | None) -> str | None:
    if element is None:
        return None
    text = " ".join("".join(element.itertext()).split())
    return text or None


def feed_date(value: str | None) -> dt.date | None:
    """The calendar date of an RSS (RFC 822) or Atom (RFC 3339) timestamp, as written (its own zone)."""
    if not value:
        return None
    value = value.strip()
    try:
        return email.utils.parsedate_to_datetime(value).date()
    except (TypeError, ValueError, IndexError):
        pass
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        log.warning("feed date %r is neither RFC 822 nor ISO 8601; published left empty", value)
        return None


def _atom_link(entry: ET.Element) -> str | None:
    links = [c for c in entry if _local(c.tag) == "link" and c.get("href")]
    for link in links:
        if link.get("rel", "alternate") == "alternate":
            return link.get("href")
    return None


def parse_feed(data: bytes, base_url: str) -> Feed:
    """The items of an RSS 2.0 (or RSS 1.0) or Atom feed; relative links are resolved against `base_url`.

    Raises FetchFailure('feed unparsable: ...') for bytes that are not such a feed.
    """
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise FetchFailure(f"feed unparsable: not well-formed XML ({exc})") from exc
    kind = _local(root.tag)
    items: list[PageSource] = []
    if kind in ("rss", "rdf"):
        channel = _child(root, "channel")
        if channel is None and kind == "rss":
            raise FetchFailure("feed unparsable: <rss> without a <channel>")
        title = _text(_child(channel, "title")) if channel is not None else None
        language = _text(_child(channel, "language")) if channel is not None else None
        # RSS 2.0 puts items inside the channel; RSS 1.0 (RDF) beside it.
        entries = [e for e in (channel if kind == "rss" else root) if _local(e.tag) == "item"]
        for item in entries:
            link = _text(_child(item, "link"))
            guid = _child(item, "guid")
            if not link and guid is not None and guid.get("isPermaLink", "true") == "true":
                link = _text(guid)
            date = _text(_child(item, "pubdate")) or _text(_child(item, "date"))
            items.append(
                PageSource(
                    url=urllib.parse.urljoin(base_url, link) if link else "",
                    published=feed_date(date),
                    title=_text(_child(item, "title")),
                )
            )
    elif kind == "feed":
        title = _text(_child(root, "title"))
        language = root.get("{http://www.w3.org/XML/1998/namespace}lang")
        for entry in (e for e in root if _local(e.tag) == "entry"):
            link = _atom_link(entry)
            date = _text(_child(entry, "published")) or _text(_child(entry, "updated"))
            items.append(
                PageSource(
                    url=urllib.parse.urljoin(base_url, link) if link else "",
                    published=feed_date(date),
                    title=_text(_child(entry, "title")),
                )
            )
    else:
        raise FetchFailure(f"feed unparsable: root element <{_local(root.tag)}> is neither RSS nor Atom")
    return Feed(title=title, language=language, items=tuple(items))


# --- HTTP -------------------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects come back as 3xx errors, so each hop is checked (scheme, robots.txt, delay) by us."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001
        return None


def check_url(url: str) -> str:
    """The URL if it is an absolute http(s) URL with a host; FetchFailure('bad URL: ...') otherwise."""
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise FetchFailure(f"bad URL: {exc}") from exc
    if parts.scheme not in ("http", "https"):
        raise FetchFailure(f"bad URL: scheme {parts.scheme or '(none)'!r} (only http and https are fetched)")
    if not host:
        raise FetchFailure("bad URL: no host")
    if any(c.isspace() for c in url):
        raise FetchFailure("bad URL: contains white space")
    return url


def _origin(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}"


@dataclass(frozen=True)
class Response:
    url: str  # after redirects
    status: int
    content_type: str  # media type, lower case, without parameters
    content_type_header: str
    charset: str | None  # the Content-Type's charset parameter, lower case
    content_encoding: str
    content_language: str | None
    body: bytes


class Client:
    """HTTP GETs with a User-Agent, a timeout, a size limit, robots.txt (cached per host), per-host delays."""

    def __init__(self, settings: FetchSettings):
        self.settings = settings
        self._opener = urllib.request.build_opener(_NoRedirect)
        self._robots: dict[str, urllib.robotparser.RobotFileParser | FetchFailure] = {}
        self._last_request: dict[str, float] = {}

    def _wait_for(self, origin: str, extra_delay: float = 0.0) -> None:
        delay = max(self.settings.delay, extra_delay)
        last = self._last_request.get(origin)
        if last is not None and delay > 0:
            pause = last + delay - time.monotonic()
            if pause > 0:
                time.sleep(pause)
        self._last_request[origin] = time.monotonic()

    def _get_once(self, url: str, accept: str, extra_delay: float = 0.0) -> Response:
        """One request, no redirect followed (a 3xx raises FetchFailure with its Location as reason)."""
        self._wait_for(_origin(url), extra_delay)
        request = urllib.request.Request(
            url,
            headers={"User-Agent": self.settings.user_agent, "Accept": accept, "Accept-Encoding": "identity"},
        )
        started = time.monotonic()
        try:
            with self._opener.open(request, timeout=self.settings.timeout) as response:
                return self._read(response, started)
        except FetchFailure:
            raise
        except urllib.error.HTTPError as exc:
            exc.close()
            if 300 <= exc.code < 400:
                location = exc.headers.get("Location")
                if not location:
                    raise FetchFailure(f"HTTP {exc.code} redirect without a Location", exc.code) from None
                raise _Redirect(urllib.parse.urljoin(url, location), exc.code) from None
            raise FetchFailure(f"HTTP {exc.code} {exc.reason}".strip(), exc.code) from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise FetchFailure(f"timeout after {self.settings.timeout:g} s") from None
            raise FetchFailure(f"connection failed: {exc.reason}") from None
        except TimeoutError:
            raise FetchFailure(f"timeout after {self.settings.timeout:g} s") from None
        except (OSError, http.client.HTTPException) as exc:  # reset connections, broken responses
            raise FetchFailure(f"connection failed: {type(exc).__name__}: {exc}") from None

    def _read(self, response, started: float) -> Response:  # noqa: ANN001
        headers = response.headers
        header = headers.get("Content-Type", "")
        media = header.split(";", 1)[0].strip().lower()
        length = headers.get("Content-Length")
        limit = self.settings.max_bytes
        if length and length.strip().isdigit() and int(length) > limit:
            raise FetchFailure(
                f"too large: Content-Length {int(length)} bytes > limit {limit}", response.status
            )
        chunks, size = [], 0
        while True:
            if time.monotonic() - started > self.settings.timeout:
                raise FetchFailure(f"timeout after {self.settings.timeout:g} s (download not finished)")
            chunk = response.read(min(65536, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise FetchFailure(f"too large: body exceeds limit {limit} bytes", response.status)
        language = (headers.get("Content-Language") or "").split(",")[0].strip() or None
        return Response(
            url=response.geturl(),
            status=response.status,
            content_type=media,
            content_type_header=header.strip(),
            charset=headers.get_content_charset() or None,
            content_encoding=(headers.get("Content-Encoding") or "identity").strip().lower(),
            content_language=language,
            body=b"".join(chunks),
        )

    def robots(self, url: str) -> urllib.robotparser.RobotFileParser:
        """The parsed robots.txt of the URL's host (fetched once per host); FetchFailure when unreachable."""
        origin = _origin(url)
        if origin not in self._robots:
            self._robots[origin] = self._fetch_robots(origin)
        cached = self._robots[origin]
        if isinstance(cached, FetchFailure):
            raise cached
        return cached

    def _fetch_robots(self, origin: str) -> urllib.robotparser.RobotFileParser | FetchFailure:
        parser = urllib.robotparser.RobotFileParser(origin + "/robots.txt")
        url = origin + "/robots.txt"
        try:
            for _ in range(MAX_REDIRECTS + 1):
                try:
                    response = self._get_once(url, "text/plain")
                    break
                except _Redirect as hop:
                    url = check_url(hop.url)
            else:
                return FetchFailure(f"robots.txt unavailable: more than {MAX_REDIRECTS} redirects")
        except FetchFailure as exc:
            # RFC 9309: a 4xx robots.txt means no rules, a 5xx or no answer means everything is disallowed.
            # Like Python's robotparser we also read 401/403 as "disallowed" (the cautious reading).
            status = exc.http_status
            if status is not None and 400 <= status < 500 and status not in (401, 403):
                parser.allow_all = True
                parser.modified()
                return parser
            return FetchFailure(f"robots.txt unavailable ({exc.reason}): not fetching", exc.http_status)
        parser.parse(response.body.decode("utf-8", "replace").splitlines())
        parser.modified()
        return parser

    def get(self, url: str, accept: str) -> Response:
        """GET a URL, following up to MAX_REDIRECTS redirects, each hop checked against robots.txt."""
        for _ in range(MAX_REDIRECTS + 1):
            check_url(url)
            rules = self.robots(url)
            if not rules.can_fetch(ROBOTS_AGENT, url):
                raise FetchFailure(f"robots disallow: {urllib.parse.urlsplit(url).path or '/'}")
            crawl_delay = min(float(rules.crawl_delay(ROBOTS_AGENT) or 0), MAX_CRAWL_DELAY)
            try:
                return self._get_once(url, accept, crawl_delay)
            except _Redirect as hop:
                log.info("%s redirects (HTTP %s) to %s", url, hop.code, hop.url)
                url = hop.url
        raise FetchFailure(f"more than {MAX_REDIRECTS} redirects")


class _Redirect(Exception):
    def __init__(self, url: str, code: int):
        super().__init__(url)
        self.url = url
        self.code = code


# --- the landing zone -------------------------------------------------------------------------------


def page_file_stem(url: str) -> str:
    """The file stem (and so the doc_id) of a fetched URL: the first 16 hex digits of its SHA-1."""
    return hashlib.sha1(url.encode("utf-8")).hexdigest()[:16]


def _write_atomically(path: Path, data: bytes) -> None:
    """Write to a dot-named temporary file beside `path` (never taken for a page), then rename it over."""
    tmp = path.parent / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # mode as the umask allows, like open()
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _manifest_bytes(rows: dict[str, dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=MANIFEST_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for name, meta in rows.items():
        published = meta.get("published")
        writer.writerow(
            {
                "file": name,
                "url": meta.get("url") or "",
                "outlet": meta.get("outlet") or "",
                "language": meta.get("language") or "",
                "published": published.isoformat() if published else "",
                "charset": meta.get("charset") or "",
            }
        )
    return out.getvalue().encode("utf-8")


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    with (folder / LOCK_NAME).open("a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise FetchBusy(f"another fetch is writing to {folder}") from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


class LandingZone:
    """`<raw>/fetched/`: the pages, their manifest.csv (rows updated, never lost) and fetch_log.csv."""

    def __init__(self, raw_dir: Path):
        self.folder = Path(raw_dir) / FETCHED_DIR
        self.manifest_path = self.folder / MANIFEST_NAME
        self.log_path = self.folder / LOG_NAME
        self.rows: dict[str, dict] = {}
        self._written = b""

    def open(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        if self.manifest_path.exists():
            self.rows = read_manifest(self.manifest_path)
        self._written = _manifest_bytes(self.rows)

    def file_for(self, url: str) -> str | None:
        """The stored file of a URL fetched before (still on disk), if any."""
        for name, meta in self.rows.items():
            if meta.get("url") == url and (self.folder / name).is_file():
                return name
        return None

    def store(
        self, source: PageSource, body: bytes, suffix: str, language: str | None, charset: str | None = None
    ) -> str:
        name = page_file_stem(source.url) + suffix
        _write_atomically(self.folder / name, body)
        for old in [n for n, m in self.rows.items() if m.get("url") == source.url and n != name]:
            (self.folder / old).unlink(missing_ok=True)  # a refresh that changed the kind (.html -> .txt)
            del self.rows[old]
        self.rows[name] = {
            "url": source.url,
            "outlet": source.outlet,
            "language": source.language or language,
            "published": source.published,
            "charset": charset,
        }
        self.save_manifest()
        return name

    def save_manifest(self) -> None:
        data = _manifest_bytes(self.rows)
        if data != self._written:  # unchanged manifests keep their mtime, so the raw_dir sensor stays quiet
            _write_atomically(self.manifest_path, data)
            self._written = data

    def record(self, attempt: Attempt) -> None:
        new = not self.log_path.exists() or self.log_path.stat().st_size == 0
        with self.log_path.open("a", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=LOG_COLUMNS, lineterminator="\n")
            if new:
                writer.writeheader()
            writer.writerow(attempt.row())


# --- the fetcher ------------------------------------------------------------------------------------


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def _page_suffix(response: Response) -> str:
    suffix = PAGE_TYPES.get(response.content_type)
    if suffix is None:
        shown = response.content_type or "no Content-Type"
        raise FetchFailure(f"not a page content-type: {shown}", response.status)
    if response.content_encoding in ("gzip", "x-gzip"):
        return suffix + ".gz"  # raw.py reads gzipped pages; the bytes stay as the server sent them
    if response.content_encoding not in ("identity", ""):
        raise FetchFailure(f"unsupported Content-Encoding: {response.content_encoding}", response.status)
    return suffix


class Fetcher:
    def __init__(self, raw_dir: Path, settings: FetchSettings | None = None):
        self.settings = settings or FetchSettings()
        self.zone = LandingZone(raw_dir)
        self.client = Client(self.settings)
        self.report = FetchReport()

    def _attempt(self, url: str, status: str, **fields) -> Attempt:
        attempt = Attempt(fetched_at=_now(), url=url, status=status, **fields)
        self.zone.record(attempt)
        self.report.attempts.append(attempt)
        return attempt

    def feed(self, source: FeedSource) -> list[PageSource]:
        """The pages a feed links to (none when it fails; the failure is logged)."""
        try:
            response = self.client.get(source.url, FEED_ACCEPT)
            if response.content_encoding not in ("identity", ""):
                raise FetchFailure(f"feed unparsable: Content-Encoding {response.content_encoding}", 200)
            feed = parse_feed(response.body, response.url)
        except FetchFailure as exc:
            log.warning("feed %s failed: %s", source.url, exc.reason)
            self._attempt(source.url, "failed", http_status=exc.http_status, reason=exc.reason, kind="feed")
            return []
        outlet = source.outlet or feed.title
        language = source.language or feed.language
        pages = []
        for i, item in enumerate(feed.items):
            if not item.url:
                self._attempt(source.url, "failed", reason=f"feed item {i} has no link", kind="feed")
                continue
            pages.append(replace(item, outlet=outlet, language=language))
            if item.title:
                self.report.titles[item.url] = item.title
        self._attempt(
            source.url,
            "fetched",
            http_status=response.status,
            reason=f"feed with {len(feed.items)} items",
            bytes=len(response.body),
            sha256=hashlib.sha256(response.body).hexdigest(),
            kind="feed",
        )
        log.info("feed %s: %d items", source.url, len(feed.items))
        return pages

    def page(self, source: PageSource) -> Attempt:
        title = f" ({self.report.titles[source.url]})" if source.url in self.report.titles else ""
        known = self.zone.file_for(source.url)
        if known and not self.settings.refresh:
            log.info("skipped %s%s: already fetched as %s", source.url, title, known)
            return self._attempt(
                source.url, "skipped", reason="already fetched (refresh to fetch again)", file=known
            )
        try:
            response = self.client.get(source.url, ACCEPT)
            suffix = _page_suffix(response)
            name = self.zone.store(source, response.body, suffix, response.content_language, response.charset)
        except FetchFailure as exc:
            log.warning("failed %s%s: %s", source.url, title, exc.reason)
            return self._attempt(source.url, "failed", http_status=exc.http_status, reason=exc.reason)
        except OSError as exc:  # the landing zone could not be written: a real problem, but only for this URL
            log.error("failed %s: cannot store the page: %s", source.url, exc)
            return self._attempt(source.url, "failed", reason=f"cannot store the page: {exc}")
        notes = [response.content_type_header or response.content_type]
        if response.url != source.url:
            notes.append(f"redirected to {response.url}")
        log.info("fetched %s%s -> %s (%d bytes)", source.url, title, name, len(response.body))
        return self._attempt(
            source.url,
            "fetched",
            http_status=response.status,
            reason="; ".join(notes),
            file=name,
            bytes=len(response.body),
            sha256=hashlib.sha256(response.body).hexdigest(),
        )

    def run(self, sources: Sources) -> FetchReport:
        if not sources.urls and not sources.feeds:
            log.info("no URLs or feeds in the sources file: nothing to fetch")
            return self.report
        self.zone.folder.mkdir(parents=True, exist_ok=True)
        with _locked(self.zone.folder):
            self.zone.open()
            pages: list[PageSource] = list(sources.urls)
            for feed in sources.feeds:
                pages.extend(self.feed(feed))
            seen: set[str] = set()
            for page in pages:
                if page.url in seen:  # listed twice (or in two feeds): the first entry wins
                    continue
                seen.add(page.url)
                try:
                    self.page(page)
                except Exception as exc:  # one bad URL never stops the others
                    log.exception("failed %s: unexpected error", page.url)
                    self._attempt(page.url, "failed", reason=f"unexpected error: {type(exc).__name__}: {exc}")
        report = self.report
        log.info(
            "fetch done: %d pages fetched, %d skipped, %d failed; %d feeds read, %d failed (log: %s)",
            report.count("fetched", "page"),
            report.count("skipped", "page"),
            report.count("failed", "page"),
            report.count("fetched", "feed"),
            report.count("failed", "feed"),
            self.zone.log_path,
        )
        return report


def fetch_sources(sources: Sources, raw_dir: Path, settings: FetchSettings | None = None) -> FetchReport:
    """Fetch every page and feed of `sources` into `<raw_dir>/fetched/`."""
    return Fetcher(raw_dir, settings).run(sources)


def fetch_from_file(sources_file: Path, raw_dir: Path, settings: FetchSettings | None = None) -> FetchReport:
    """Load and validate a sources file, then fetch it into `<raw_dir>/fetched/`."""
    return fetch_sources(load_sources(sources_file), raw_dir, settings)
