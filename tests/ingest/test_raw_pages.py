import codecs
import datetime as dt
import gzip
import hashlib

import pytest

from pipelines.ingest import ManifestError, UndecodablePage, decode_page, read_manifest, scan_raw_dir
from pipelines.ingest.raw import assign_doc_ids


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
    (tmp_path / "x" / "other.txt").write_text("a stem of its own")
    first = {p.raw_path: p.doc_id for p in scan_raw_dir(tmp_path)}
    assert first == {"x/other.txt": "other", "x/page.txt": "x/page", "y/page.txt": "y/page"}
    (tmp_path / "y" / "page.txt").write_text("edited: the id depends on the path, not the content")
    assert {p.raw_path: p.doc_id for p in scan_raw_dir(tmp_path)} == first


def test_doc_ids_stay_distinct_when_stems_and_paths_collide():
    paths = ["a.txt", "a.html", "a.txt.txt", "sub/a.html.gz", "sub/b.txt", "c.htm"]
    ids = assign_doc_ids(paths)
    assert len(set(ids.values())) == len(paths)
    assert ids["sub/b.txt"] == "b" and ids["c.htm"] == "c"
    assert ids["a.html"] == "a.html" and ids["sub/a.html.gz"] == "sub/a"  # 'a' and 'a' beside each other
    assert ids["a.txt.txt"] == "a.txt~2"  # its stem is 'a.txt', the whole path of another page
    assert assign_doc_ids(list(reversed(paths))) == ids


def test_a_bad_manifest_date_quarantines_its_page_and_names_file_and_line(tmp_path):
    (tmp_path / "a.txt").write_text("Body a.")
    (tmp_path / "b.txt").write_text("Body b.")
    (tmp_path / "manifest.csv").write_text("file,published\na.txt,26/02/2019\nb.txt,2019-02-26\n")
    scan = scan_raw_dir(tmp_path)
    assert [(p.raw_path, p.published) for p in scan.pages] == [("b.txt", dt.date(2019, 2, 26))]
    (refused,) = scan.refused
    assert refused.raw_path == "a.txt" and refused.doc_id == "a"
    assert refused.reason.startswith("manifest.csv:2: published '26/02/2019' is not an ISO date")
    assert (refused.check_name, refused.sample) == ("manifest_row_has_valid_date", "a.txt,26/02/2019")
    assert refused.sha256 == hashlib.sha256(b"Body a.").hexdigest()
    with pytest.raises(ManifestError, match=r"manifest.csv:2: published"):
        read_manifest(tmp_path / "manifest.csv")  # the strict reader (the fetcher's) still refuses it


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


ARTICLE = "\n\n".join(
    f"Paragraph {i}. Local sources said shelling continued through the night near the town, and rescue "
    "teams reached the damaged houses only after dawn, according to the civil defence."
    for i in range(5)
)


def _hostile_raw_dir(raw, outside):
    (raw / "a").mkdir(parents=True)
    (raw / "b").mkdir()
    outside.mkdir()
    (outside / "passwd.txt").write_text("root:x:0:0:root:/root:/bin/bash\n")
    for name in ("far.txt", "old.txt", "bad_date.txt", "twice.txt", "a/report.txt", "b/report.txt"):
        (raw / name).write_text(ARTICLE)
    data = ARTICLE.encode()
    (raw / "damaged.txt").write_bytes(data[:200] + b"\xff\xfe\x81" + data[200:])
    (raw / "wide.txt").write_bytes(ARTICLE.encode("utf-16-le"))
    (raw / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (raw / "bomb.html.gz").write_bytes(gzip.compress(b"<p>" + b" " * 3_000_000))
    (raw / "huge.txt").write_bytes(b"x" * 60_000)
    (raw / "passwd.txt").symlink_to(outside / "passwd.txt")
    (raw / "dangling.txt").symlink_to(raw / "nowhere.txt")
    (raw / "manifest.csv").write_text(
        "file,url,outlet,language,published\n"
        "far.txt,http://x/far,Outlet,en,9999-12-31\n"
        "old.txt,http://x/old,Outlet,en,1500-01-01\n"
        "bad_date.txt,http://x/bad,Outlet,en,2019-02-30\n"
        "twice.txt,http://x/1,Outlet,en,\n"
        "twice.txt,http://x/2,Outlet,en,\n"
        "missing.txt,http://x/missing,Outlet,en,\n"
    )


def test_raw_pages_and_documents_account_for_every_page_entry(tmp_path, monkeypatch):
    """End to end on a real warehouse file: each page entry is in exactly one of documents or quarantine."""
    import dagster as dg
    from dagster_duckdb import DuckDBResource

    from pipelines.defs.clean.assets import documents
    from pipelines.defs.ingest.assets import raw_pages
    from pipelines.defs.resources import LedgerPaths
    from pipelines.ingest import page_entries

    raw, warehouse = tmp_path / "raw", tmp_path / "ledger.duckdb"
    _hostile_raw_dir(raw, tmp_path / "outside")
    monkeypatch.setenv("LEDGER_MAX_PAGE_BYTES", "50000")
    monkeypatch.setenv("LEDGER_MAX_GZIP_OUTPUT_BYTES", "1000000")
    result = dg.materialize(
        [raw_pages, documents],
        resources={
            "duckdb": DuckDBResource(database=str(warehouse)),
            "ledger": LedgerPaths(raw_dir=str(raw), expectations_dir=str(tmp_path)),
        },
    )
    assert result.success
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as con:
        docs = dict(con.execute("select raw_path, decode_warning from documents").fetchall())
        doc_ids = dict(con.execute("select raw_path, doc_id from documents").fetchall())
        quarantine = con.execute(
            "select raw_path, stage, check_name, doc_id, reason from quarantine order by raw_path"
        ).fetchall()
        dates = dict(con.execute("select raw_path, published_date from raw_pages").fetchall())
    pages = [q for q in quarantine if q[0] in set(page_entries(raw))]
    assert sorted([*docs, *(q[0] for q in pages)]) == page_entries(raw)  # exactly once each
    assert {q[0]: (q[1], q[2]) for q in pages} == {
        "bad_date.txt": ("raw_pages", "manifest_row_has_valid_date"),
        "bomb.html.gz": ("documents", "max_gzip_output"),
        "dangling.txt": ("raw_pages", "symlink_target_exists"),
        "huge.txt": ("raw_pages", "max_page_bytes"),
        "image.html": ("documents", "page_is_text"),
        "passwd.txt": ("raw_pages", "symlink_stays_inside_raw"),
        "twice.txt": ("raw_pages", "manifest_row_is_unique"),
    }
    notices = [q for q in quarantine if q[0] not in set(page_entries(raw))]
    assert [(q[0], q[1], q[2], q[3]) for q in notices] == [
        ("missing.txt", "raw_pages", "manifest_file_exists", None)
    ]
    assert docs["damaged.txt"].startswith("3 invalid utf-8 byte sequence(s) replaced")
    assert docs["wide.txt"] == "UTF-16-LE without a byte-order mark (recognised by its NUL bytes)"
    assert docs["far.txt"] is None
    assert (doc_ids["a/report.txt"], doc_ids["b/report.txt"]) == ("a/report", "b/report")
    assert (dates["far.txt"], dates["old.txt"]) == (dt.date(9999, 12, 31), dt.date(1500, 1, 1))
