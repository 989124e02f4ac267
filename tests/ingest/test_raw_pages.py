import gzip
import hashlib

import pytest

from pipelines.ingest import ManifestError, UndecodablePage, decode_page, scan_raw_dir


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
