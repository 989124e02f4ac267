"""Every page entry of the raw directory is registered or refused with its reason, never skipped: symlinks
leaving raw/, dangling and looping symlinks, symlinked directories, named pipes, unreadable and oversized
files; and the pages that are read are read within the size cap."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from pipelines.ingest import PageRefused, page_entries, read_page, scan_raw_dir

NOBODY = 65534


def _accounted(raw: Path) -> dict[str, str]:
    """{raw_path: "page" | check_name} for every page entry; fails if one is in neither or in both."""
    scan = scan_raw_dir(raw)
    registered = [p.raw_path for p in scan.pages]
    refused = [r.raw_path for r in scan.refused]
    assert len(set(registered)) == len(registered) and len(set(refused)) == len(refused)
    assert not set(registered) & set(refused)
    assert sorted(registered + refused) == page_entries(raw)
    return {**{p: "page" for p in registered}, **{r.raw_path: r.check_name for r in scan.refused}}


def test_symlinks_are_judged_by_where_they_point(tmp_path):
    raw, outside = tmp_path / "raw", tmp_path / "secrets"
    (raw / "sub").mkdir(parents=True)
    outside.mkdir()
    (outside / "passwd.txt").write_text("root:x:0:0:root:/root:/bin/bash\n")
    (raw / "sub" / "real.txt").write_text("A page inside raw.")
    (raw / "inside.txt").symlink_to(raw / "sub" / "real.txt")
    (raw / "relative.txt").symlink_to("sub/real.txt")
    (raw / "outside.txt").symlink_to(outside / "passwd.txt")
    (raw / "sneaky.txt").symlink_to("../secrets/passwd.txt")
    (raw / "etc.txt").symlink_to("/etc/passwd")
    (raw / "dangling.html").symlink_to(raw / "gone.html")
    (raw / "loop_a.txt").symlink_to("loop_b.txt")
    (raw / "loop_b.txt").symlink_to("loop_a.txt")
    (raw / "dir.html").symlink_to(raw / "sub", target_is_directory=True)
    assert _accounted(raw) == {
        "dangling.html": "symlink_target_exists",
        "dir.html": "page_is_regular_file",
        "etc.txt": "symlink_stays_inside_raw",
        "inside.txt": "page",
        "loop_a.txt": "symlink_target_exists",
        "loop_b.txt": "symlink_target_exists",
        "outside.txt": "symlink_stays_inside_raw",
        "relative.txt": "page",
        "sneaky.txt": "symlink_stays_inside_raw",
        "sub/real.txt": "page",
    }
    scan = scan_raw_dir(raw)
    reasons = {r.raw_path: r for r in scan.refused}
    assert reasons["etc.txt"].reason == "symlink points outside raw/ (to /etc/passwd)"
    assert reasons["sneaky.txt"].sample == "../secrets/passwd.txt"
    assert reasons["dangling.html"].reason.startswith("dangling symlink")
    assert reasons["dangling.html"].doc_id == "dangling"
    pages = {p.raw_path: p for p in scan.pages}
    assert pages["inside.txt"].text() == "A page inside raw."
    assert pages["inside.txt"].sha256 == pages["sub/real.txt"].sha256
    assert all("root:" not in p.text() for p in scan.pages)
    with pytest.raises(PageRefused, match="outside raw/"):
        read_page(raw, "etc.txt")  # the documents stage checks again when it reads


def test_symlinked_directories_are_not_followed_and_cannot_loop(tmp_path):
    raw, elsewhere = tmp_path / "raw", tmp_path / "elsewhere"
    (raw / "a").mkdir(parents=True)
    elsewhere.mkdir()
    (elsewhere / "leak.txt").write_text("outside")
    (raw / "a" / "page.txt").write_text("one page")
    (raw / "a" / "loop").symlink_to(raw, target_is_directory=True)  # raw/a/loop/a/loop/...
    (raw / "alias").symlink_to(raw / "a", target_is_directory=True)
    (raw / "out").symlink_to(elsewhere, target_is_directory=True)
    scan = scan_raw_dir(raw)
    assert [p.raw_path for p in scan.pages] == ["a/page.txt"] and not scan.refused
    (notice,) = scan.notices
    assert notice.raw_path == "out" and notice.check_name == "symlink_stays_inside_raw"
    assert "points outside raw/" in notice.reason and notice.doc_id is None
    assert any("alias: symlinked directory not followed" in w for w in scan.warnings)


def test_a_named_pipe_is_refused_without_blocking_the_scan(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "ok.txt").write_text("fine")
    assert _accounted(tmp_path) == {"ok.txt": "page", "pipe.txt": "page_is_regular_file"}
    (refused,) = scan_raw_dir(tmp_path).refused
    assert refused.reason == "a named pipe, not a page file"


def test_a_page_over_the_size_cap_is_refused_unread(tmp_path, monkeypatch):
    (tmp_path / "ok.txt").write_text("fine")
    with (tmp_path / "huge.txt").open("wb") as fh:
        fh.truncate(25 * 1024 * 1024)  # sparse: over the 20 MiB default, no disk used
    assert _accounted(tmp_path) == {"huge.txt": "max_page_bytes", "ok.txt": "page"}
    (refused,) = scan_raw_dir(tmp_path).refused
    assert (
        refused.reason
        == "26,214,400 bytes, over the cap of 20,971,520 bytes (LEDGER_MAX_PAGE_BYTES); not read"
    )
    assert refused.sha256 is None
    monkeypatch.setenv("LEDGER_MAX_PAGE_BYTES", "3")
    assert _accounted(tmp_path) == {"huge.txt": "max_page_bytes", "ok.txt": "max_page_bytes"}
    with pytest.raises(PageRefused, match="over the cap of 3 bytes") as caught:
        read_page(tmp_path, "ok.txt")
    assert caught.value.check_name == "max_page_bytes"
    monkeypatch.setenv("LEDGER_MAX_PAGE_BYTES", "-1")
    with pytest.raises(ValueError, match="LEDGER_MAX_PAGE_BYTES='-1' must be above 0"):
        scan_raw_dir(tmp_path)


def _scan_as_nobody(raw: Path) -> dict:
    """scan_raw_dir's refusals and notices in a process without root's right to read anything."""
    script = textwrap.dedent(
        f"""
        import json, os
        from pipelines.ingest import scan_raw_dir
        scan_raw_dir({str(raw)!r})  # as root first: what it imports lazily (codecs) is loaded before
        os.setgid({NOBODY}); os.setuid({NOBODY})
        scan = scan_raw_dir({str(raw)!r})
        print(json.dumps({{
            "pages": [p.raw_path for p in scan.pages],
            "refused": {{r.raw_path: [r.check_name, r.reason] for r in scan.refused}},
            "notices": {{r.raw_path: [r.check_name, r.reason] for r in scan.notices}},
        }}))
        """
    )
    if os.geteuid() != 0:  # an ordinary user: the permission bits already apply here
        scan = scan_raw_dir(raw)
        return {
            "pages": [p.raw_path for p in scan.pages],
            "refused": {r.raw_path: [r.check_name, r.reason] for r in scan.refused},
            "notices": {r.raw_path: [r.check_name, r.reason] for r in scan.notices},
        }
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_unreadable_files_and_directories_are_recorded(tmp_path):
    raw = Path(tempfile.mkdtemp(prefix="raw-"))  # not under root's private pytest folder
    try:
        raw.chmod(0o755)
        (raw / "ok.txt").write_text("fine")
        (raw / "locked.txt").write_text("secret")
        (raw / "locked.txt").chmod(0o000)
        (raw / "closed").mkdir()
        (raw / "closed" / "hidden.txt").write_text("cannot be listed")
        (raw / "closed").chmod(0o000)
        (raw / "manifest.csv").write_text("file,outlet\nok.txt,Outlet\n")
        seen = _scan_as_nobody(raw)
        assert seen["pages"] == ["ok.txt"]
        assert seen["refused"] == {"locked.txt": ["page_is_readable", "unreadable: Permission denied"]}
        assert seen["notices"] == {
            "closed": ["directory_is_readable", "directory closed cannot be listed: Permission denied"]
        }
    finally:
        (raw / "closed").chmod(0o755)
        shutil.rmtree(raw)


def test_hidden_entries_and_other_files_are_no_pages(tmp_path):
    (tmp_path / ".cache").mkdir()
    (tmp_path / ".cache" / "x.html").write_text("hidden folder")
    (tmp_path / ".draft.txt").write_text("hidden file")
    (tmp_path / "notes.md").write_text("not a page")
    (tmp_path / "page.HTM").write_text("<p>upper-case suffix</p>")
    assert page_entries(tmp_path) == ["page.HTM"]
    assert _accounted(tmp_path) == {"page.HTM": "page"}
