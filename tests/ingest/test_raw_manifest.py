"""manifest.csv rows are validated one by one: a bad row quarantines its page (manifest file and line in the
reason, the row as sample) and the other rows apply; any year 1-9999 is a date; a manifest that is not
UTF-8 is read by charset detection, one that cannot be read leaves its pages without metadata."""

import datetime as dt

import pytest

from pipelines.ingest import ManifestError, parse_manifest, read_manifest, scan_raw_dir

HEADER = "file,url,outlet,language,published,charset\n"


def _pages(raw, *names):
    for name in names:
        (raw / name).write_text(f"The body of {name}.")


def test_each_bad_row_quarantines_its_own_page_and_the_rest_apply(tmp_path):
    _pages(
        tmp_path,
        "ok.txt",
        "far.txt",
        "old.txt",
        "wide.txt",
        "twice.txt",
        "month.txt",
        "zero.txt",
        "no_row.txt",
    )
    (tmp_path / "manifest.csv").write_text(
        HEADER
        + "ok.txt,http://x/ok,Outlet,en,2019-02-26,\n"  # 2
        + "far.txt,,,,9999-12-31,\n"  # 3
        + "old.txt,,,,1500-01-01T08:30:00Z,\n"  # 4: a timestamp is its day
        + "wide.txt,,,,2019-02-26,utf-8,surplus\n"  # 5: more fields than the header
        + "twice.txt,http://x/1,,,,\n"  # 6
        + "month.txt,,,,2019-13-01,\n"  # 7: no 13th month
        + "twice.txt,http://x/2,,,,\n"  # 8
        + "zero.txt,,,,0000-01-01,\n"  # 9: before year 1
        + ",http://x/nofile,,,,\n"  # 10
        + "../../etc/passwd,,,,,\n"  # 11
        + "absent.txt,http://x/absent,,,,\n"  # 12
        + "absent_bad.txt,,,,yesterday,\n"  # 13
        + "short.txt,http://x/short\n"  # 14: fewer fields read as empty; no such page either
    )
    scan = scan_raw_dir(tmp_path)
    pages = {p.raw_path: p for p in scan.pages}
    assert sorted(pages) == ["far.txt", "no_row.txt", "ok.txt", "old.txt"]
    assert pages["ok.txt"].url == "http://x/ok" and pages["ok.txt"].published == dt.date(2019, 2, 26)
    assert pages["far.txt"].published == dt.date(9999, 12, 31)
    assert pages["old.txt"].published == dt.date(1500, 1, 1)
    assert all(type(p.published) is dt.date for p in scan.pages if p.published)  # never a Timestamp
    assert pages["no_row.txt"].url is None

    refused = {r.raw_path: r for r in scan.refused}
    assert sorted(refused) == ["month.txt", "twice.txt", "wide.txt", "zero.txt"]
    assert refused["wide.txt"].reason == "manifest.csv:5: 7 fields, the header has 6"
    assert refused["wide.txt"].sample == "wide.txt,,,,2019-02-26,utf-8,surplus"
    assert refused["twice.txt"].reason.startswith("manifest.csv:8: file 'twice.txt' is listed on lines 6, 8")
    assert refused["twice.txt"].check_name == "manifest_row_is_unique"
    assert refused["month.txt"].reason == (
        "manifest.csv:7: published '2019-13-01' is not an ISO date (YYYY-MM-DD, years 1-9999)"
    )
    assert refused["zero.txt"].check_name == "manifest_row_has_valid_date"
    assert all(r.doc_id and r.sha256 for r in scan.refused)

    notices = {r.raw_path: r for r in scan.notices}
    assert sorted(notices) == ["absent.txt", "absent_bad.txt", "manifest.csv", "short.txt"]
    assert notices["absent.txt"].reason == (
        "manifest.csv:12: names 'absent.txt', which is not a page in the raw directory"
    )
    assert notices["absent.txt"].check_name == "manifest_file_exists"
    assert notices["absent_bad.txt"].reason.endswith("(and no page 'absent_bad.txt' is beside it)")
    assert notices["manifest.csv"].reason == (
        "manifest.csv:10: empty 'file' value; "
        "manifest.csv:11: file '../../etc/passwd' is not a file name beside the manifest"
    )
    assert {r["stage"] for r in scan.quarantine_rows()} == {"raw_pages"}


def test_a_manifest_in_a_subfolder_describes_only_its_folder(tmp_path):
    (tmp_path / "a").mkdir()
    _pages(tmp_path / "a", "p.txt")
    _pages(tmp_path, "p2.txt")
    (tmp_path / "a" / "manifest.csv").write_text("file,outlet\np.txt,A\np2.txt,A\n")
    scan = scan_raw_dir(tmp_path)
    assert {p.raw_path: p.outlet for p in scan.pages} == {"a/p.txt": "A", "p2.txt": None}
    (notice,) = scan.notices
    assert (notice.raw_path, notice.reason) == (
        "a/p2.txt",
        "a/manifest.csv:3: names 'p2.txt', which is not a page in a/",
    )


def test_an_unclosed_quote_is_a_bad_row_not_a_silent_merge(tmp_path):
    _pages(tmp_path, "a.txt", "b.txt")
    (tmp_path / "manifest.csv").write_text('file,outlet\na.txt,"Unclosed\nb.txt,B\n')
    scan = scan_raw_dir(tmp_path)
    assert [p.raw_path for p in scan.pages] == ["b.txt"] and scan.pages[0].outlet is None
    (refused,) = scan.refused
    assert refused.reason == "manifest.csv:2: a value spans lines 2-3 (an unclosed quote?)"


def test_a_non_utf8_manifest_is_read_by_detection_and_says_so(tmp_path):
    _pages(tmp_path, "a.txt", "b.txt")
    text = (
        "file,outlet,published\na.txt,Le Monde diplomatique \u2013 \u00e9dition fran\u00e7aise,2020-01-02\n"
    )
    text += "b.txt,S\u00fcddeutsche Zeitung \u00fcber M\u00e4rkte,2020-01-03\n"
    (tmp_path / "manifest.csv").write_bytes(text.encode("cp1252"))
    scan = scan_raw_dir(tmp_path)
    outlets = {p.raw_path: p.outlet for p in scan.pages}
    assert outlets["b.txt"] == "S\u00fcddeutsche Zeitung \u00fcber M\u00e4rkte"
    assert "\u00e9dition fran\u00e7aise" in outlets["a.txt"]
    (warning,) = scan.warnings
    assert warning.startswith("manifest.csv is not UTF-8 (byte ") and "(detected)" in warning
    assert not scan.refused and not scan.notices
    assert read_manifest(tmp_path / "manifest.csv")["a.txt"]["published"] == dt.date(2020, 1, 2)


CYRILLIC_MANIFEST = "file,outlet\na.txt,\u041d\u043e\u0432\u043e\u0441\u0442\u0438 \u0434\u043d\u044f\n"


@pytest.mark.parametrize("encoding", ["cp1251", "utf-16", "utf-16-le", "utf-16-be"])
def test_cyrillic_and_utf16_manifests_are_read(tmp_path, encoding):
    _pages(tmp_path, "a.txt")
    (tmp_path / "manifest.csv").write_bytes(CYRILLIC_MANIFEST.encode(encoding))
    scan = scan_raw_dir(tmp_path)
    assert [p.outlet for p in scan.pages] == ["\u041d\u043e\u0432\u043e\u0441\u0442\u0438 \u0434\u043d\u044f"]
    (warning,) = scan.warnings
    assert warning.startswith("manifest.csv is ")


@pytest.mark.parametrize(
    ("data", "check", "reason"),
    [
        (bytes(range(256)) * 8, "manifest_is_text", "is not UTF-8"),
        (b"file\0,url\na.txt,x\n", "manifest_is_text", "holds NUL characters"),
        (
            b"name,url\na.txt,http://x/a\n",
            "manifest_has_file_column",
            "needs a header row with a 'file' column",
        ),
        (b"", "manifest_has_file_column", "needs a header row"),
    ],
)
def test_an_unusable_manifest_leaves_its_pages_registered_without_metadata(tmp_path, data, check, reason):
    _pages(tmp_path, "a.txt")
    (tmp_path / "manifest.csv").write_bytes(data)
    scan = scan_raw_dir(tmp_path)
    assert [(p.raw_path, p.url) for p in scan.pages] == [("a.txt", None)] and not scan.refused
    (notice,) = scan.notices
    assert notice.raw_path == "manifest.csv" and notice.check_name == check and notice.doc_id is None
    assert reason in notice.reason and notice.reason.endswith(
        "its pages are registered without manifest metadata"
    )
    with pytest.raises(
        ManifestError, match=reason
    ):  # the strict reader names the problem, never UnicodeDecodeError
        read_manifest(tmp_path / "manifest.csv")


def test_a_manifest_symlink_leaving_raw_is_not_read(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    _pages(raw, "a.txt")
    (tmp_path / "evil.csv").write_text("file,url\na.txt,http://attacker/\n")
    (raw / "manifest.csv").symlink_to(tmp_path / "evil.csv")
    scan = scan_raw_dir(raw)
    assert [(p.raw_path, p.url) for p in scan.pages] == [("a.txt", None)]
    (notice,) = scan.notices
    assert notice.check_name == "symlink_stays_inside_raw" and "points outside raw/" in notice.reason


def test_a_manifest_over_its_cap_is_not_read(tmp_path, monkeypatch):
    _pages(tmp_path, "a.txt")
    (tmp_path / "manifest.csv").write_text("file,outlet\na.txt,O\n")
    monkeypatch.setenv("LEDGER_MAX_MANIFEST_BYTES", "10")
    scan = scan_raw_dir(tmp_path)
    assert [(p.raw_path, p.outlet) for p in scan.pages] == [("a.txt", None)]
    (notice,) = scan.notices
    assert notice.check_name == "max_page_bytes" and "LEDGER_MAX_MANIFEST_BYTES" in notice.reason
    with pytest.raises(ManifestError, match="over the cap of 10 bytes"):
        read_manifest(tmp_path / "manifest.csv")


def test_parse_manifest_keeps_the_line_and_row_of_each_entry(tmp_path):
    (tmp_path / "manifest.csv").write_text('\ufefffile,outlet\n\na.txt,"Quoted, with comma"\n')
    manifest = parse_manifest(tmp_path / "manifest.csv", label="x/manifest.csv")
    assert manifest.entries["a.txt"]["outlet"] == "Quoted, with comma"
    assert manifest.lines["a.txt"] == (3, 'a.txt,"Quoted, with comma"')
    assert not manifest.problems and manifest.unusable is None
