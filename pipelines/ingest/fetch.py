"""Fetch the pages and RSS/Atom feeds a sources file lists into the raw landing zone, politely and safely.

The sources file (YAML) has two lists, `urls:` and `feeds:`; each entry is a URL string or a mapping
(`{url, outlet, published, language}` for a page, `{url, outlet, language}` for a feed). Every item link
of a feed becomes a page to fetch, with the item's date as `published` and the feed's outlet.

Pages land in `<raw>/fetched/<sha1(url)[:16]>.html` (`.txt` for text/plain; `.gz` appended when the server
sent a gzip body anyway) with their bytes exactly as received, beside a `manifest.csv` that
`pipelines.ingest.raw` reads (its `charset` column holds the charset parameter of the response's
Content-Type, so a page that declares its encoding only in the HTTP header still decodes), and a
`fetch_log.csv` with one row per attempt (fetched, skipped, failed and why). One bad URL never stops the
others. What is refused, each time with its reason in fetch_log.csv:

- anything but http(s); what robots.txt disallows, read as RFC 9309 says (protego: `*` and `$` wildcards,
  the longest matching rule wins; a 4xx robots.txt means no rules, 401/403, 5xx or no answer mean no fetch).
  Each host is asked at most once per `delay` seconds (or its Crawl-delay, capped at 30 s).
- addresses: a URL's host is resolved (getaddrinfo) before anything is sent, and the connection goes to the
  address that was checked (no second lookup, no proxy). A loopback, private, link-local, multicast,
  reserved, unspecified or otherwise non-global address (IPv4 or IPv6, IPv4-mapped included) is refused
  before connecting, unless the sources file itself lists that host and port: a feed item, a redirect or a
  robots.txt redirect cannot reach into the local network.
- time: `timeout` for connecting and for each read; `deadline` for the whole response, from connecting to
  its last byte (a server that drips its headers or body is cut off when the deadline passes).
- size: more than `max_bytes` received, or more than `max_bytes` once decoded. A gzip body is decompressed
  as it arrives, a bounded piece at a time, only to count its decoded size (a gzip bomb is refused once
  its output passes the cap, never expanded in memory); the stored bytes stay as received. Other
  content encodings are refused. Only HTML and plain-text bodies are kept as pages.
- feeds: parsed with defusedxml, so a feed that declares XML entities (billion laughs, external
  entities) is refused, never expanded; at most `max_feed_items` items of a feed are fetched, the others are
  logged as skipped.

The manifest: a row read from manifest.csv names a file the fetcher may replace or delete only if that
name is a page file (`.html`/`.txt`, optionally `.gz`) directly inside `fetched/` that is not a symbolic
link, a dot file or a directory, checked after resolving the path. Any other row (`../x`, an absolute
path, a link to elsewhere) is logged as failed in fetch_log.csv, kept in the manifest as it is, and its
path is never touched. A page fetched for the first time gets its row appended to manifest.csv at once
(flushed, no rewrite); a row a refresh changed is written when the run ends, by one atomic rewrite, so the
manifest holds exactly one row per file at every moment (reading, the fetcher lets the last row of a file
win, and that rewrite removes such duplicates). Page files are written atomically (temporary file, fsync,
rename); a lock file keeps two fetches out of one landing zone.
"""

from __future__ import annotations

import csv
import datetime as dt
import email.utils
import fcntl
import gzip
import hashlib
import http.client
import io
import ipaddress
import logging
import os
import secrets
import socket
import ssl
import threading
import time
import urllib.parse
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import defusedxml
import defusedxml.ElementTree as SafeET
import yaml
from protego import Protego

from pipelines.ingest.raw import MANIFEST_COLUMNS, MANIFEST_NAME, ManifestError

log = logging.getLogger(__name__)

FETCHED_DIR = "fetched"
LOG_NAME = "fetch_log.csv"
LOG_COLUMNS = ("fetched_at", "url", "status", "http_status", "reason", "file", "bytes", "sha256")
LOCK_NAME = ".fetch.lock"  # dot file: never taken for a page by raw.py

USER_AGENT = "conflict-ledger-fetcher/0.1 (research pipeline; fetches listed pages only; obeys robots.txt)"
ROBOTS_AGENT = "conflict-ledger-fetcher"  # the product token robots.txt rules are matched against

# Response content types kept as pages, and the file suffix each is stored under.
PAGE_TYPES = {"text/html": ".html", "application/xhtml+xml": ".html", "text/plain": ".txt"}
# The names of files the fetcher writes as pages: only such files named by a manifest row are replaced.
PAGE_FILE_SUFFIXES = (".html", ".txt", ".html.gz", ".txt.gz")
GZIP_ENCODINGS = ("gzip", "x-gzip")
ACCEPT = "text/html,application/xhtml+xml,text/plain;q=0.9"
FEED_ACCEPT = "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.5"
MAX_REDIRECTS = 5
MAX_CRAWL_DELAY = 30.0  # a robots.txt Crawl-delay above this is capped (a feed of 50 items stays < 30 min)
DEFAULT_PORTS = {"http": 80, "https": 443}
READ_SIZE = 65536  # bytes asked of the socket at a time
GZIP_STEP = 1 << 20  # at most this many decoded bytes exist at once while a gzip body is measured

URL_KEYS = {"url", "outlet", "published", "language"}
FEED_KEYS = {"url", "outlet", "language"}


class SourcesError(ValueError):
    """A sources file that cannot be read as documented (names the file and the bad entry)."""


class FetchBusy(RuntimeError):
    """Another fetch holds the lock on the same raw directory."""


class LandingZoneError(RuntimeError):
    """The landing zone cannot be written safely (its manifest or log is a link, a directory, ...)."""


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
    timeout: float = 30.0  # seconds: to connect, and for each read
    deadline: float = 120.0  # seconds: for a whole response, from connecting to its last byte
    max_bytes: int = 5_000_000  # a larger body (as received, or once decoded) is refused
    delay: float = 1.0  # seconds between two requests to the same host
    refresh: bool = False  # fetch again URLs already in the manifest
    max_feed_items: int = 200  # items of one feed that are fetched; the others are logged as skipped

    def __post_init__(self) -> None:
        for name in ("timeout", "deadline", "max_bytes"):
            if not getattr(self, name) > 0:
                raise ValueError(f"FetchSettings.{name} must be positive, got {getattr(self, name)!r}")
        if self.delay < 0 or self.max_feed_items < 0:
            raise ValueError("FetchSettings.delay and FetchSettings.max_feed_items must not be negative")


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
    kind: str = "page"  # page | feed | manifest (not a log column: a feed's row has no file)

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


def _parse_xml(data: bytes) -> ET.Element:
    """The root element of a feed's XML, parsed without expanding entities (defusedxml)."""
    try:
        return SafeET.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except defusedxml.EntitiesForbidden as exc:
        raise FetchFailure(
            f"feed refused: it declares the XML entity {exc.name!r} (entities are never expanded)"
        ) from exc
    except defusedxml.DefusedXmlException as exc:
        raise FetchFailure(
            f"feed refused: {type(exc).__name__} (external references are never followed)"
        ) from exc
    except ET.ParseError as exc:
        raise FetchFailure(f"feed unparsable: not well-formed XML ({exc})") from exc


def parse_feed(data: bytes, base_url: str) -> Feed:
    """The items of an RSS 2.0 (or RSS 1.0) or Atom feed; relative links are resolved against `base_url`.

    Raises FetchFailure('feed unparsable: ...') for bytes that are not such a feed, and
    FetchFailure('feed refused: ...') for a feed that declares XML entities (none is ever expanded).
    """
    root = _parse_xml(data)
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


# --- addresses --------------------------------------------------------------------------------------


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


def host_port(url: str) -> tuple[str, int]:
    """The host (lower case, IPv6 without brackets) and port (the scheme's default if none) of a URL."""
    parts = urllib.parse.urlsplit(url)
    return (parts.hostname or "", parts.port or DEFAULT_PORTS.get(parts.scheme, 0))


def listed_hosts(sources: Sources) -> frozenset[tuple[str, int]]:
    """The (host, port) pairs the sources file names itself: the only ones allowed a non-global address."""
    pairs = set()
    for entry in (*sources.urls, *sources.feeds):
        try:
            pairs.add(host_port(entry.url))
        except ValueError:  # a bad port: the URL fails check_url later
            continue
    return frozenset(pairs)


def address_kind(address: str) -> str | None:
    """What makes an IP address one the fetcher does not connect to ('loopback', 'private', ...), or None.

    An IPv4-mapped IPv6 address is judged as the IPv4 address it maps; a 6to4 or Teredo address by the
    IPv4 address it carries too.
    """
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    candidates: list[ipaddress.IPv4Address | ipaddress.IPv6Address] = [ip]
    if isinstance(ip, ipaddress.IPv6Address):
        candidates += [v4 for v4 in (ip.sixtofour, *(ip.teredo or ())) if v4 is not None]
    for candidate in candidates:
        for kind, flag in (
            ("unspecified", candidate.is_unspecified),
            ("loopback", candidate.is_loopback),
            ("link-local", candidate.is_link_local),
            ("multicast", candidate.is_multicast),
            ("reserved", candidate.is_reserved),
            ("private", candidate.is_private),
            ("non-global", not candidate.is_global),
        ):
            if flag:
                return kind
    return None


# --- HTTP -------------------------------------------------------------------------------------------


def _connect(address: tuple, family: int, timeout: float) -> socket.socket:
    """A TCP connection to one resolved (and checked) socket address."""
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        sock.connect(address)
    except BaseException:
        sock.close()
        raise
    return sock


class _Deadline:
    """The deadline of one response: when it passes, the connection's socket is shut down, so a read that
    is blocked (in the headers or the body, however slowly the server drips) returns at once."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.ends = time.monotonic() + seconds
        self.passed = False
        self._lock = threading.Lock()
        self._over = False  # the response is done: the socket may be closed and its number reused
        self._timer: threading.Timer | None = None

    def watch(self, sock: socket.socket) -> None:
        fd, family, kind = sock.fileno(), sock.family, sock.type

        def shut_down() -> None:
            with self._lock:
                if self._over:
                    return
                self.passed = True
                try:  # a duplicate of the descriptor: shutting it down ends the connection for both
                    dup = socket.fromfd(fd, family, kind)
                except OSError:
                    return
                try:
                    dup.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                finally:
                    dup.close()

        self._timer = threading.Timer(max(self.ends - time.monotonic(), 0.0), shut_down)
        self._timer.daemon = True
        self._timer.start()

    def check(self) -> None:
        if self.passed or time.monotonic() > self.ends:
            self.passed = True
            raise FetchFailure(self.reason())

    def reason(self) -> str:
        return f"deadline of {self.seconds:g} s passed (response not finished)"

    def stop(self) -> None:
        with self._lock:
            self._over = True
        if self._timer is not None:
            self._timer.cancel()


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection to addresses resolved and checked beforehand (the Host header names the URL's
    host); no second name lookup, so the address that was checked is the one connected to."""

    def __init__(self, host: str, port: int, addresses: list, timeout: float, deadline: _Deadline):
        super().__init__(host, port, timeout=timeout)
        self._addresses = addresses
        self._deadline = deadline

    def _tcp(self) -> socket.socket:
        error: OSError | None = None
        for family, _type, _proto, _name, address in self._addresses:
            try:
                sock = _connect(address, family, self.timeout)
            except OSError as exc:
                error = exc
                continue
            self._deadline.watch(sock)
            return sock
        raise error or OSError("no address to connect to")

    def connect(self) -> None:
        self.sock = self._tcp()


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    default_port = 443

    def __init__(self, *args, context: ssl.SSLContext, **kwargs):
        super().__init__(*args, **kwargs)
        self._ssl = context

    def connect(self) -> None:
        self.sock = self._ssl.wrap_socket(self._tcp(), server_hostname=self.host)


class _GzipSize:
    """The decoded size of a gzip body, measured as its bytes arrive: decompressed at most GZIP_STEP
    bytes at a time and thrown away; FetchFailure once the size passes `limit` or the gzip is corrupt."""

    def __init__(self, limit: int, http_status: int):
        self.limit = limit
        self.http_status = http_status
        self.size = 0
        self._received = False
        self._inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)

    def feed(self, data: bytes) -> None:
        self._received = self._received or bool(data)
        while data:
            if self._inflate.eof:  # RFC 1952: another member may follow
                if not data.strip(b"\x00"):
                    return  # zero padding after the last member, as gzip readers accept
                self._inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
            try:
                out = self._inflate.decompress(data, min(GZIP_STEP, self.limit + 1 - self.size))
            except zlib.error as exc:
                raise FetchFailure(f"corrupt gzip body: {exc}", self.http_status) from None
            self.size += len(out)
            if self.size > self.limit:
                raise FetchFailure(
                    f"too large: decoded (gzip) body exceeds limit {self.limit} bytes", self.http_status
                )
            data = self._inflate.unused_data if self._inflate.eof else self._inflate.unconsumed_tail

    def finish(self) -> None:
        if self._received and not self._inflate.eof:
            raise FetchFailure("corrupt gzip body: it ends before its gzip stream does", self.http_status)


@dataclass(frozen=True)
class Response:
    url: str  # after redirects
    status: int
    content_type: str  # media type, lower case, without parameters
    content_type_header: str
    charset: str | None  # the Content-Type's charset parameter, lower case
    content_encoding: str
    content_language: str | None
    body: bytes  # as received (a gzip body stays gzipped)
    decoded_bytes: int  # its size once decoded (the same as len(body) without a content encoding)


# Characters left as they are in a request target; anything else (non-ASCII, controls) is %-encoded.
_TARGET_SAFE = "".join(chr(c) for c in range(33, 127))


def _request_target(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return urllib.parse.quote(target, safe=_TARGET_SAFE)


class Client:
    """HTTP GETs with a User-Agent, checked addresses, a timeout and a deadline, size limits, robots.txt
    (cached per host) and per-host delays. `listed` are the (host, port) pairs allowed a non-global address.
    """

    def __init__(self, settings: FetchSettings, listed: frozenset[tuple[str, int]] = frozenset()):
        self.settings = settings
        self.listed = listed
        self._robots: dict[str, Protego | FetchFailure] = {}
        self._last_request: dict[str, float] = {}
        self._ssl: ssl.SSLContext | None = None

    def _wait_for(self, origin: str, extra_delay: float = 0.0) -> None:
        delay = max(self.settings.delay, extra_delay)
        last = self._last_request.get(origin)
        if last is not None and delay > 0:
            pause = last + delay - time.monotonic()
            if pause > 0:
                time.sleep(pause)
        self._last_request[origin] = time.monotonic()

    def addresses(self, url: str) -> list:
        """The resolved addresses of the URL's host (getaddrinfo), every one allowed; FetchFailure if not."""
        host, port = host_port(url)
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            raise FetchFailure(f"connection failed: cannot resolve {host}: {exc}") from None
        if (host, port) in self.listed:
            return infos
        for info in infos:
            address = info[4][0]
            kind = address_kind(address)
            if kind is not None:
                what = f"{address} is" if address == host else f"{host} resolves to {address},"
                shown = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
                article = "an" if kind[0] in "aeiou" else "a"
                raise FetchFailure(
                    f"address refused: {what} {article} {kind} address "
                    f"({shown} is not listed in the sources file)"
                )
        return infos

    def _connection(self, url: str, addresses: list, deadline: _Deadline) -> _PinnedHTTPConnection:
        host, port = host_port(url)
        args = (host, port, addresses, self.settings.timeout, deadline)
        if urllib.parse.urlsplit(url).scheme == "https":
            if self._ssl is None:
                self._ssl = ssl.create_default_context()
            return _PinnedHTTPSConnection(*args, context=self._ssl)
        return _PinnedHTTPConnection(*args)

    def _get_once(self, url: str, accept: str, extra_delay: float = 0.0) -> Response:
        """One request, no redirect followed (a 3xx raises _Redirect with its Location)."""
        addresses = self.addresses(url)  # refused before waiting for the host's turn
        self._wait_for(_origin(url), extra_delay)
        deadline = _Deadline(self.settings.deadline)
        connection = self._connection(url, addresses, deadline)
        response: http.client.HTTPResponse | None = None
        try:
            connection.connect()
            connection.request(
                "GET",
                _request_target(url),
                headers={
                    "User-Agent": self.settings.user_agent,
                    "Accept": accept,
                    "Accept-Encoding": "identity",
                    "Connection": "close",
                },
            )
            response = connection.getresponse()
            if 300 <= response.status < 400:
                location = response.headers.get("Location")
                if not location:
                    raise FetchFailure(f"HTTP {response.status} redirect without a Location", response.status)
                raise _Redirect(urllib.parse.urljoin(url, location.strip()), response.status)
            if not 200 <= response.status < 300:
                raise FetchFailure(f"HTTP {response.status} {response.reason}".strip(), response.status)
            return self._read(response, url, deadline)
        except FetchFailure:
            if deadline.passed:  # e.g. a body cut short by the deadline's shutdown of the socket
                raise FetchFailure(deadline.reason()) from None
            raise
        except (OSError, http.client.HTTPException) as exc:  # timeouts, resets, broken responses
            if deadline.passed:
                raise FetchFailure(deadline.reason()) from None
            if isinstance(exc, TimeoutError):
                raise FetchFailure(f"timeout after {self.settings.timeout:g} s") from None
            raise FetchFailure(f"connection failed: {type(exc).__name__}: {exc}") from None
        finally:
            deadline.stop()  # before anything is closed: the socket's number may be reused
            if response is not None:
                response.close()
            connection.close()

    def _read(self, response: http.client.HTTPResponse, url: str, deadline: _Deadline) -> Response:
        headers = response.headers
        header = headers.get("Content-Type", "")
        media = header.split(";", 1)[0].strip().lower()
        encoding = (headers.get("Content-Encoding") or "identity").strip().lower()
        if encoding not in ("identity", "", *GZIP_ENCODINGS):
            raise FetchFailure(f"unsupported Content-Encoding: {encoding}", response.status)
        length = headers.get("Content-Length")
        declared = int(length) if length and length.strip().isdigit() else None
        limit = self.settings.max_bytes
        if declared is not None and declared > limit:
            raise FetchFailure(f"too large: Content-Length {declared} bytes > limit {limit}", response.status)
        gzip_size = _GzipSize(limit, response.status) if encoding in GZIP_ENCODINGS else None
        chunks, size = [], 0
        while True:
            deadline.check()
            chunk = response.read1(min(READ_SIZE, limit + 1 - size))  # one socket read at most
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise FetchFailure(f"too large: body exceeds limit {limit} bytes", response.status)
            if gzip_size is not None:
                gzip_size.feed(chunk)
        deadline.check()  # a socket shut down by the deadline ends the body early: not a whole page
        if declared is not None and size < declared:
            raise FetchFailure(f"connection failed: body ended after {size} of {declared} bytes")
        if gzip_size is not None:
            gzip_size.finish()
        language = (headers.get("Content-Language") or "").split(",")[0].strip() or None
        return Response(
            url=url,
            status=response.status,
            content_type=media,
            content_type_header=header.strip(),
            charset=headers.get_content_charset() or None,
            content_encoding=encoding,
            content_language=language,
            body=b"".join(chunks),
            decoded_bytes=gzip_size.size if gzip_size is not None else size,
        )

    def robots(self, url: str) -> Protego:
        """The parsed robots.txt of the URL's host (fetched once per host); FetchFailure when unreachable."""
        origin = _origin(url)
        if origin not in self._robots:
            self._robots[origin] = self._fetch_robots(origin)
        cached = self._robots[origin]
        if isinstance(cached, FetchFailure):
            raise cached
        return cached

    def _fetch_robots(self, origin: str) -> Protego | FetchFailure:
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
                return Protego.parse("")
            return FetchFailure(f"robots.txt unavailable ({exc.reason}): not fetching", exc.http_status)
        body = response.body
        if response.content_encoding in GZIP_ENCODINGS:  # its decoded size was checked while it arrived
            body = gzip.decompress(body)
        return Protego.parse(body.decode("utf-8", "replace"))

    def get(self, url: str, accept: str) -> Response:
        """GET a URL, following up to MAX_REDIRECTS redirects, each hop's address and robots.txt checked."""
        for _ in range(MAX_REDIRECTS + 1):
            check_url(url)
            self.addresses(url)  # before anything, robots.txt included, is sent to the host
            rules = self.robots(url)
            if not rules.can_fetch(url, ROBOTS_AGENT):
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


def _name_stem(name: str) -> str:
    """A page file name without its suffixes ('abc.html.gz' -> 'abc')."""
    if name.lower().endswith(".gz"):
        name = name[:-3]
    return name.rsplit(".", 1)[0]


def unsafe_name(folder: Path, name: str) -> str | None:
    """Why a file name read from a manifest is not a page file directly inside `folder`, or None when it is.

    Only such names are ever replaced or deleted: a plain name (no separator, not `.`/`..`, no dot file)
    with a page suffix, which resolves (symbolic links resolved) to itself inside `folder`, and which is
    not a symbolic link, a directory or anything but a regular file when it exists.
    """
    if not name:
        return "an empty file name"
    if "/" in name or "\\" in name or "\x00" in name or name in (".", ".."):
        return "not a plain file name (a path)"
    if name.startswith("."):
        return "a dot file"
    if not name.lower().endswith(PAGE_FILE_SUFFIXES):
        return "not a page file name (.html or .txt, optionally .gz)"
    path = folder / name
    if path.is_symlink():
        return "a symbolic link"
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError) as exc:
        return f"a path that does not resolve ({exc})"
    if resolved != folder.resolve() / name:
        return f"a path that resolves outside {folder} ({resolved})"
    if path.exists() and not path.is_file():
        return "not a regular file"
    return None


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


def _append(path: Path, data: bytes) -> None:
    """Append bytes to a file (created if missing) in one write, never through a symbolic link."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def _csv_lines(rows: list[dict[str, str]], columns: tuple[str, ...], header: bool) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    if header:
        writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


@dataclass(frozen=True)
class ManifestRows:
    rows: dict[str, dict[str, str]]  # file name -> {column: text}; the last row of a file wins
    duplicates: int  # rows that repeated a file listed above them
    appendable: bool  # the header is MANIFEST_COLUMNS and the text ends with a line break


def read_fetched_manifest(path: Path) -> ManifestRows:
    """Read `fetched/manifest.csv` as the fetcher does: every row kept as text, the last row of a file wins.

    Raises ManifestError (naming the file) for a manifest that is not UTF-8 or has no `file` column.
    """
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ManifestError(f"{path}: not UTF-8 ({exc}); the fetcher does not write to it") from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames or "file" not in reader.fieldnames:
        raise ManifestError(f"{path}: needs a header row with a 'file' column (columns: {MANIFEST_COLUMNS})")
    rows: dict[str, dict[str, str]] = {}
    duplicates = 0
    for row in reader:
        values = {c: (row.get(c) or "").strip() for c in MANIFEST_COLUMNS}
        if values["file"] in rows:
            duplicates += 1
            del rows[values["file"]]  # the later row wins, in its own place
        rows[values["file"]] = values
    appendable = list(reader.fieldnames) == list(MANIFEST_COLUMNS) and text.endswith("\n")
    return ManifestRows(rows=rows, duplicates=duplicates, appendable=appendable)


def stored_pages(raw_dir: Path) -> list[str]:
    """The files of `<raw_dir>/fetched/` that its manifest lists as pages and that are there (safe names)."""
    folder = Path(raw_dir) / FETCHED_DIR
    manifest = folder / MANIFEST_NAME
    if not manifest.is_file():
        return []
    names = read_fetched_manifest(manifest).rows
    return [n for n in names if unsafe_name(folder, n) is None and (folder / n).is_file()]


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
    """`<raw>/fetched/`: the pages, their manifest.csv (one row per file, rows never lost) and fetch_log.csv.

    A first row for a file is appended at once; a changed row waits for close(), which rewrites the
    manifest once (atomically) when anything but appending changed it.
    """

    def __init__(self, raw_dir: Path):
        self.folder = Path(raw_dir) / FETCHED_DIR
        self.manifest_path = self.folder / MANIFEST_NAME
        self.log_path = self.folder / LOG_NAME
        self.rows: dict[str, dict[str, str]] = {}
        self.ignored: dict[str, str] = {}  # file name of a manifest row -> why its path is never touched
        self._appendable = False
        self._dirty = False  # self.rows differ from the manifest on disk in a way appending cannot say

    def open(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        for path in (self.manifest_path, self.log_path):
            if path.is_symlink() or (path.exists() and not path.is_file()):
                raise LandingZoneError(f"{path} is a symbolic link or not a regular file: not writing to it")
        if self.manifest_path.exists():
            manifest = read_fetched_manifest(self.manifest_path)
            self.rows, self._appendable = manifest.rows, manifest.appendable
            self._dirty = manifest.duplicates > 0  # the run's rewrite leaves one row per file
        for name in self.rows:
            why = unsafe_name(self.folder, name)
            if why is not None:
                self.ignored[name] = why

    def file_for(self, url: str) -> str | None:
        """The stored file of a URL fetched before (still on disk, under a safe name), if any."""
        for name, row in self.rows.items():
            if row["url"] == url and name not in self.ignored and (self.folder / name).is_file():
                return name
        return None

    def store(
        self, source: PageSource, body: bytes, suffix: str, language: str | None, charset: str | None = None
    ) -> str:
        stem = page_file_stem(source.url)
        name = stem + suffix
        why = unsafe_name(self.folder, name)
        if why is not None:
            raise FetchFailure(f"cannot store the page: {FETCHED_DIR}/{name} is {why} (left untouched)")
        _write_atomically(self.folder / name, body)
        for old, row in list(self.rows.items()):  # a refresh that changed the kind (.html -> .txt)
            if (
                row["url"] == source.url
                and old != name
                and _name_stem(old) == stem
                and old not in self.ignored
            ):
                if unsafe_name(self.folder, old) is None:
                    (self.folder / old).unlink(missing_ok=True)
                    del self.rows[old]
                    self._dirty = True
        row = {
            "file": name,
            "url": source.url,
            "outlet": source.outlet or "",
            "language": source.language or language or "",
            "published": source.published.isoformat() if source.published else "",
            "charset": charset or "",
        }
        before = self.rows.get(name)
        self.rows[name] = row
        self.ignored.pop(name, None)
        if before is None:
            self._append_row(row)
        elif before != row:
            self._dirty = True  # written by close(): the manifest never holds two rows for one file
        return name

    def _append_row(self, row: dict[str, str]) -> None:
        if self._appendable:
            _append(self.manifest_path, _csv_lines([row], MANIFEST_COLUMNS, header=False))
        else:  # no manifest yet, or one with other columns: write it whole, with this row
            self.save_manifest()

    def save_manifest(self) -> None:
        """Rewrite the manifest atomically from the rows in memory (one row per file)."""
        _write_atomically(self.manifest_path, _csv_lines(list(self.rows.values()), MANIFEST_COLUMNS, True))
        self._appendable, self._dirty = True, False

    def close(self) -> None:
        """End of a run: the one rewrite of the manifest, if a refresh changed rows (else it is untouched)."""
        if self._dirty:
            self.save_manifest()

    def record(self, attempt: Attempt) -> None:
        new = not self.log_path.exists() or self.log_path.stat().st_size == 0
        _append(self.log_path, _csv_lines([attempt.row()], LOG_COLUMNS, header=new))


# --- the fetcher ------------------------------------------------------------------------------------


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def _page_suffix(response: Response) -> str:
    suffix = PAGE_TYPES.get(response.content_type)
    if suffix is None:
        shown = response.content_type or "no Content-Type"
        raise FetchFailure(f"not a page content-type: {shown}", response.status)
    if response.content_encoding in GZIP_ENCODINGS:
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
        """The pages a feed links to, at most max_feed_items (none when it fails; the failure is logged)."""
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
        cap, total = self.settings.max_feed_items, len(feed.items)
        pages = []
        for i, item in enumerate(feed.items):
            if i >= cap:
                self._attempt(
                    item.url or source.url,
                    "skipped",
                    reason=f"feed item {i + 1} of {total} in {source.url}: beyond max_feed_items={cap}",
                )
                continue
            if not item.url:
                self._attempt(source.url, "failed", reason=f"feed item {i} has no link", kind="feed")
                continue
            pages.append(replace(item, outlet=outlet, language=language))
            if item.title:
                self.report.titles[item.url] = item.title
        capped = f"; {total - cap} beyond max_feed_items={cap} skipped" if total > cap else ""
        self._attempt(
            source.url,
            "fetched",
            http_status=response.status,
            reason=f"feed with {total} items{capped}",
            bytes=len(response.body),
            sha256=hashlib.sha256(response.body).hexdigest(),
            kind="feed",
        )
        log.info("feed %s: %d items%s", source.url, total, capped)
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
        if response.content_encoding in GZIP_ENCODINGS:
            notes.append(f"{response.content_encoding}, {response.decoded_bytes} bytes decoded")
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
        self.client.listed = listed_hosts(sources)
        with _locked(self.zone.folder):
            self.zone.open()
            try:
                self._run(sources)
            finally:
                self.zone.close()
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

    def _run(self, sources: Sources) -> None:
        for name, why in self.zone.ignored.items():
            url = self.zone.rows[name]["url"]
            log.warning("%s: row for %r ignored: %s", self.zone.manifest_path, name, why)
            self._attempt(
                url,
                "failed",
                reason=f"manifest row ignored: file {name!r} is {why}; it is never deleted or written",
                kind="manifest",
            )
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


def fetch_sources(sources: Sources, raw_dir: Path, settings: FetchSettings | None = None) -> FetchReport:
    """Fetch every page and feed of `sources` into `<raw_dir>/fetched/`."""
    return Fetcher(raw_dir, settings).run(sources)


def fetch_from_file(sources_file: Path, raw_dir: Path, settings: FetchSettings | None = None) -> FetchReport:
    """Load and validate a sources file, then fetch it into `<raw_dir>/fetched/`."""
    return fetch_sources(load_sources(sources_file), raw_dir, settings)
