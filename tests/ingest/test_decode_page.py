"""decode_page_bytes: bad bytes replaced and flagged, UTF-16/32 without a byte-order mark, binary refused
with its reason, gzip decompressed within a cap (memory bounded, proved under an address-space limit)."""

import gzip
import json
import os
import subprocess
import sys
import textwrap
import zlib

import pytest

from pipelines.ingest import UndecodablePage, decode_page, decode_page_bytes
from pipelines.ingest.decode import gunzip

ARTICLE = (
    "<html><head><title>Shelling near Idlib</title></head><body>"
    + "".join(
        f"<p>Paragraph {i}: local sources said the shelling continued through the night, "
        "and rescue teams reached the village only after dawn.</p>"
        for i in range(6)
    )
    + "</body></html>"
)


def test_three_bad_bytes_are_replaced_and_flagged_not_lost():
    data = ARTICLE.encode()
    cut = data.index(b"shelling continued")
    data = data[:cut] + b"\xff\xfe\x81" + data[cut:]  # three bytes that are no UTF-8, in an ASCII page
    page = decode_page_bytes(data, "p.html")
    assert page.text.count("\ufffd") == 3 and page.encoding == "utf-8"
    assert page.text.replace("\ufffd", "") == ARTICLE
    assert page.warning.startswith("3 invalid utf-8 byte sequence(s) replaced with U+FFFD")
    assert (
        f"first bad byte at {cut}" in page.warning
        and "no charset in the manifest or the page" in page.warning
    )


def test_a_damaged_utf8_page_stays_utf8_even_when_it_declares_a_single_byte_charset():
    text = ARTICLE.replace("Shelling", "Caf\u00e9 \u2013 \u00e9t\u00e9 shelling")
    data = text.replace("<head>", '<head><meta charset="iso-8859-1">').encode() + b"\x81"
    page = decode_page_bytes(data, "p.html")
    assert "Caf\u00e9 \u2013 \u00e9t\u00e9" in page.text and page.text.endswith("\ufffd")
    assert page.warning.startswith("1 invalid utf-8 byte sequence(s) replaced")


def test_a_declared_charset_that_fails_on_a_few_bytes_is_used_with_replacement():
    text = ARTICLE.replace("Paragraph", "\u0421\u0432\u043e\u0434\u043a\u0430")  # Cyrillic, cp1251 below
    data = text.encode("cp1251") + b"\x98"  # 0x98 is no character in windows-1251
    page = decode_page_bytes(data, "p.html", charset="windows-1251")
    assert page.text == text + "\ufffd" and page.encoding == "windows-1251"
    assert "1 invalid windows-1251 byte sequence(s) replaced" in page.warning
    assert "from the manifest's charset column" in page.warning


def test_many_bad_bytes_without_a_charset_are_still_an_unknown_encoding():
    data = ARTICLE.replace("Paragraph", "\u0421\u0432\u043e\u0434\u043a\u0430").encode("cp1251")
    with pytest.raises(UndecodablePage, match="not valid UTF-8 .* no charset") as caught:
        decode_page_bytes(data, "p.html")
    assert caught.value.check_name == "page_encoding_is_known" and caught.value.sample


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
@pytest.mark.parametrize(
    "text",
    [
        ARTICLE,
        "\u0642\u062a\u0644 \u062e\u0645\u0633\u0629 \u0623\u0634\u062e\u0627\u0635 \u0641\u064a " * 40,
    ],
    ids=["html", "arabic"],
)
def test_utf16_and_utf32_without_a_bom_are_recognised_not_called_binary(codec, text):
    page = decode_page_bytes(text.encode(codec), "p.txt")
    assert page.text == text and page.encoding == codec
    assert page.warning == f"{codec.upper()} without a byte-order mark (recognised by its NUL bytes)"


def test_utf16_with_a_bom_and_a_cut_off_last_byte_is_decoded_and_flagged():
    data = ("\ufeff" + ARTICLE).encode("utf-16-le")[:-1]
    page = decode_page_bytes(data, "p.html")
    assert page.text.startswith("<html>") and page.warning and "replaced" in page.warning


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n" * 20, "a PDF document"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "a PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(range(256)) * 4, "a JPEG image"),
        (b"PK\x03\x04\x14\x00\x06\x00" + b"word/document.xml" * 10, "a ZIP archive"),
        (bytes(range(256)) * 16, "NUL or control bytes"),
    ],
)
def test_binary_content_is_refused_with_a_clear_reason(data, what):
    with pytest.raises(UndecodablePage, match="binary content") as caught:
        decode_page_bytes(data, "p.html")
    assert what in str(caught.value) and caught.value.check_name == "page_is_text"


def test_gzip_within_the_cap_and_gzip_under_another_name():
    data = ARTICLE.encode()
    assert decode_page(gzip.compress(data), "p.html.gz") == ARTICLE
    assert decode_page(gzip.compress(data[:100]) + gzip.compress(data[100:]), "p.html.gz") == ARTICLE
    page = decode_page_bytes(gzip.compress(data), "p.html")
    assert page.text == ARTICLE and page.warning == "gzip data in a file not named .gz, decompressed"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"not gzip at all", "corrupt gzip"),
        (gzip.compress(b"x" * 5000)[:-12], "ends before the end of the stream"),
        (gzip.compress(b"x" * 50) + b"junk", "bytes after the stream are not gzip"),
    ],
)
def test_corrupt_gzip_says_why(data, reason):
    with pytest.raises(UndecodablePage, match=reason) as caught:
        decode_page_bytes(data, "p.html.gz")
    assert caught.value.check_name == "gzip_is_valid"


def test_gzip_output_past_the_cap_is_refused_by_the_cap(monkeypatch):
    bomb = gzip.compress(b"<p>" + b" " * 3_000_000)
    with pytest.raises(UndecodablePage, match=r"over the cap of 1,000,000 bytes") as caught:
        decode_page_bytes(bomb, "p.html.gz", max_gzip_output=1_000_000)
    assert caught.value.check_name == "max_gzip_output"
    monkeypatch.setenv("LEDGER_MAX_GZIP_OUTPUT_BYTES", "2000000")
    with pytest.raises(UndecodablePage, match=r"over the cap of 2,000,000 bytes"):
        decode_page_bytes(bomb, "p.html.gz")
    monkeypatch.setenv("LEDGER_MAX_GZIP_OUTPUT_BYTES", "4000000")
    assert len(decode_page(bomb, "p.html.gz")) == 3_000_003
    assert gunzip(bomb, 3_000_003) == b"<p>" + b" " * 3_000_000  # exactly the cap is allowed


def _bomb(path, members: int) -> int:
    """A multi-member gzip of `members` x 128 MiB of spaces; returns its size in bytes."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b" " * (1 << 20)
    member = b"".join(packer.compress(block) for _ in range(128)) + packer.flush()
    path.write_bytes(member * members)
    return len(member) * members


def test_a_gzip_bomb_is_stopped_at_the_cap_with_memory_bounded(tmp_path):
    """A ~4 MB gzip that expands to 4 GiB, decoded in a process limited to 1.5 GB of address space."""
    bomb = tmp_path / "bomb.html.gz"
    size = _bomb(bomb, members=32)
    assert size < 8_000_000
    script = textwrap.dedent(
        f"""
        import json, resource
        from pipelines.ingest import UndecodablePage, decode_page_bytes
        resource.setrlimit(resource.RLIMIT_AS, (1_500_000_000, 1_500_000_000))
        data = open({str(bomb)!r}, "rb").read()
        try:
            decode_page_bytes(data, "bomb.html.gz")
            print(json.dumps({{"outcome": "decoded"}}))
        except UndecodablePage as exc:
            print(json.dumps({{"outcome": exc.check_name, "reason": str(exc)}}))
        except MemoryError:
            print(json.dumps({{"outcome": "MemoryError"}}))
        """
    )
    env = {**os.environ, "LEDGER_MAX_GZIP_OUTPUT_BYTES": str(20 * 1024 * 1024)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["outcome"] == "max_gzip_output", result
    assert "over the cap of 20,971,520 bytes" in result["reason"]
