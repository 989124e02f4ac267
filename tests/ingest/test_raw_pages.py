import codecs
import gzip
import hashlib

import pytest

from pipelines.ingest import ManifestError, UndecodablePage, decode_page, read_manifest, scan_raw_dir


def test_scan_finds_pages_with_manifest_and_hash(tmp_path):
    (tmp_path / "a.txt").write_text("Body text.", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.html.gz").write_bytes(gzip.compress(b"<html><body><p>x</p></body></html>"))
    (tmp_path / "notes.md").write_text("not a page")
    (tmp_path / "manifest.csv").write_text(
        "file,url,outlet,language,published\na.txt,http://x/a,Outlet,en,2019-02-26\n"
    )
    pages = scan_raw_dir(tmp_path)
    assert [p.raw_path for p in pages] == ["a.txt", "sub/b.html.gz"]
    a, b = pages
    assert (a.doc_id, a.kind, a.outlet, str(a.published)) == ("a", "text", "Outlet", "2019-02-26")
    assert a.sha256 == hashlib.sha256(b"Body text.").hexdigest()
    assert (b.doc_id, b.kind, b.published) == ("b", "html", None)


def test_same_stem_in_two_folders_gets_distinct_stable_ids(tmp_path):
    for folder in ("x", "y"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "page.txt").write_text(f"text {folder}")
    first = [p.doc_id for p in scan_raw_dir(tmp_path)]
    assert first[0] == "page" and first[1].startswith("page_") and len(set(first)) == 2
    assert [p.doc_id for p in scan_raw_dir(tmp_path)] == first


def test_bad_manifest_date_names_file_and_line(tmp_path):
    (tmp_path / "manifest.csv").write_text("file,published\na.txt,26/02/2019\n")
    with pytest.raises(ManifestError, match=r"manifest.csv:2: published"):
        scan_raw_dir(tmp_path)


def test_missing_raw_dir_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        scan_raw_dir(tmp_path / "nope")


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (b"", "a.txt", "empty"),
        (b"   \n\t ", "a.txt", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a.html", "binary"),
        (b"not gzip at all", "a.html.gz", "corrupt gzip"),
        ("caf\u00e9 in Latin-1".encode("latin-1"), "a.txt", "not valid UTF-8"),
    ],
)
def test_undecodable_pages_say_why(data, name, reason):
    with pytest.raises(UndecodablePage, match=reason):
        decode_page(data, name)


def test_decode_uses_declared_charset_and_strips_bom():
    html = '<html><head><meta charset="windows-1252"></head><body>\u2013 caf\u00e9</body></html>'
    assert "\u2013 caf\u00e9" in decode_page(html.encode("cp1252"), "p.html")
    assert decode_page("\ufeffHello".encode(), "p.txt") == "Hello"


CYRILLIC = "<html><head><title>Новости</title></head><body><p>Погибли 12 человек.</p></body></html>"


def test_manifest_charset_decodes_a_page_without_meta_charset(tmp_path):
    (tmp_path / "ru.html").write_bytes(CYRILLIC.encode("windows-1251"))
    (tmp_path / "fr.txt").write_bytes("Un caf\u00e9 \u00e0 Idlib.".encode("latin-1"))
    (tmp_path / "manifest.csv").write_text(
        "file,url,outlet,language,published,charset\n"
        "ru.html,http://x/ru,Outlet,ru,2024-01-02,windows-1251\n"
        'fr.txt,http://x/fr,,fr,,"ISO-8859-1"\n'
    )
    pages = {p.doc_id: p for p in scan_raw_dir(tmp_path)}
    assert (pages["ru"].charset, pages["fr"].charset) == ("windows-1251", "ISO-8859-1")
    assert pages["ru"].text() == CYRILLIC
    assert (
        decode_page(pages["fr"].read_bytes(), "fr.txt", pages["fr"].charset) == "Un caf\u00e9 \u00e0 Idlib."
    )
    # without the manifest's charset the same bytes are undecodable, and the reason says so
    with pytest.raises(UndecodablePage, match="not valid UTF-8 .* no charset in the manifest or the page"):
        decode_page(pages["ru"].read_bytes(), "ru.html")


def test_manifest_charset_comes_before_meta_charset_but_never_before_utf8_or_a_bom():
    page = '<html><head><meta charset="iso-8859-5"></head><body>Привет</body></html>'
    data = page.encode("windows-1251")
    assert "Привет" in decode_page(data, "p.html", "windows-1251")
    assert "Привет" not in decode_page(data, "p.html")  # the (wrong) meta charset alone
    assert decode_page("Привет".encode(), "p.txt", "windows-1251") == "Привет"  # valid UTF-8 wins
    assert decode_page("\ufeffПривет".encode(), "p.txt", "windows-1251") == "Привет"
    assert decode_page("Привет".encode("utf-16"), "p.txt", "windows-1251") == "Привет"  # UTF-16 BOM
    assert decode_page(codecs.BOM_UTF16_BE + "Привет".encode("utf-16-be"), "p.txt") == "Привет"


def test_a_manifest_charset_that_fails_falls_back_to_meta_charset():
    html = '<html><head><meta charset="windows-1252"></head><body>caf\u00e9</body></html>'
    assert "caf\u00e9" in decode_page(html.encode("cp1252"), "p.html", "no-such-charset")


@pytest.mark.parametrize(
    ("data", "charset", "reason"),
    [
        (
            CYRILLIC.encode("windows-1251"),
            "windows-1215",
            r"unknown charset 'windows-1215' \(from the manifest's charset column\)",
        ),
        (CYRILLIC.encode("windows-1251"), "base64", r"unknown charset 'base64'"),
        (
            b'<meta charset="klingon"><p>caf\xe9</p>',
            None,
            r"unknown charset 'klingon' \(declared in the page's <meta>\)",
        ),
        (
            b'<meta charset="klingon"><p>caf\xe9</p>',
            "bogus-1",
            r"unknown charset 'bogus-1' \(from the manifest.*unknown charset 'klingon' \(declared in",
        ),
        (b"caf\xe9 \x81", "utf-8", r"charset 'utf-8' \(from the manifest's charset column\) does not decode"),
    ],
)
def test_a_charset_that_does_not_decode_names_itself_and_its_source(data, charset, reason):
    with pytest.raises(UndecodablePage, match=reason):
        decode_page(data, "p.html", charset)


def test_a_manifest_without_the_charset_column_still_reads(tmp_path):
    (tmp_path / "a.html").write_bytes(b'<meta charset="windows-1252"><p>caf\xe9</p>')
    (tmp_path / "manifest.csv").write_text("file,url,outlet,language,published\na.html,http://x/a,O,en,\n")
    assert read_manifest(tmp_path / "manifest.csv") == {
        "a.html": {"url": "http://x/a", "outlet": "O", "language": "en", "published": None, "charset": None}
    }
    (page,) = scan_raw_dir(tmp_path)
    assert (page.url, page.charset) == ("http://x/a", None)
    assert "caf\u00e9" in page.text()
