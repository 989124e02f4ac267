"""The fetcher over TLS on loopback: the pinned connection still checks the certificate against the URL's
host (SSL_CERT_FILE makes the test's own certificate authority the trusted one)."""

import datetime as dt
import http.server
import ipaddress
import ssl
import threading

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from pipelines.ingest.fetch import FetchSettings, fetch_from_file, page_file_stem

PAGE = b"<html><body><p>Served over TLS.</p></body></html>"


def _certificate(tmp_path, name: str, ip: str | None):
    """A self-signed certificate (its own authority) for `name` (and `ip`), and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    names = [x509.DNSName(name)] + ([x509.IPAddress(ipaddress.ip_address(ip))] if ip else [])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / f"{name}.pem", tmp_path / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the http.server name
        self.server.requests.append((self.path, self.headers.get("Host")))
        body, kind = (
            (b"User-agent: *\nDisallow:\n", "text/plain")
            if self.path == "/robots.txt"
            else (PAGE, "text/html")
        )
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture()
def tls_site(tmp_path):
    def start(cert_path, key_path):
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        server.requests = []
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_path, key_path)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    servers = []
    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_https_goes_to_the_checked_address_and_verifies_the_certificate(tmp_path, tls_site, monkeypatch):
    trusted = _certificate(tmp_path, "localhost", "127.0.0.1")
    other = _certificate(tmp_path, "elsewhere.example", None)  # a name the URL does not have
    bundle = tmp_path / "trusted.pem"  # both are trusted: only the host name can fail the second
    bundle.write_bytes(trusted[0].read_bytes() + other[0].read_bytes())
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    good, wrong = tls_site(*trusted), tls_site(other[0], other[1])
    urls = [
        f"https://127.0.0.1:{good.server_address[1]}/a.html",
        f"https://127.0.0.1:{wrong.server_address[1]}/b",
    ]
    sources = tmp_path / "sources.yaml"
    sources.write_text("urls:\n" + "".join(f"  - '{u}'\n" for u in urls), encoding="utf-8")
    raw = tmp_path / "raw"
    report = fetch_from_file(sources, raw, FetchSettings(delay=0, timeout=5, deadline=5))
    outcome = {a.url: (a.status, a.reason) for a in report.attempts}
    assert outcome[urls[0]][0] == "fetched"
    assert (raw / "fetched" / (page_file_stem(urls[0]) + ".html")).read_bytes() == PAGE
    assert ("/a.html", f"127.0.0.1:{good.server_address[1]}") in good.requests  # Host names the URL's host
    assert outcome[urls[1]][0] == "failed"
    assert "certificate verify failed: IP address mismatch" in outcome[urls[1]][1]  # at its robots.txt
    assert wrong.requests == []
