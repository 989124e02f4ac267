"""A generated hostile corpus: every hostile case of issue 14 as a page of a raw directory, with what must
happen to it.

`build_hostile_corpus(folder)` writes `folder` as a raw directory (pages, a manifest.csv at the top and a
latin-1 one in a sub-folder) and returns {raw_path: Expect}. Each page is named for its case. An Expect
says whether the page must become a document, must be quarantined (with a regex its reason matches), or
may be either where the issue accepts both ("quarantined with its reason, or processed correctly"), and
what the document must then hold.

The gzip bomb is written chunkwise (a deflate block of zeros repeated after full flushes), so building it
never holds more than one chunk in memory; it expands to GZIP_BOMB_BYTES from about 4 MB.
"""

from __future__ import annotations

import datetime as dt
import os
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

GZIP_BOMB_BYTES = 4 * 1024**3  # what the bomb expands to: far beyond any cap on gzip output
_BOMB_CHUNK = 16 * 1024**2
OVERSIZED_BYTES = 21 * 1024**2  # a sparse file just over the default 20 MiB cap on bytes read
NESTED_TAGS = 100_000

Outcome = Literal["document", "quarantine", "either"]


@dataclass(frozen=True)
class Expect:
    """What must happen to one page of the corpus."""

    outcome: Outcome
    case: str  # the hostile case of issue 14, for failure messages
    reason: str | None = None  # regex (case-insensitive search) a quarantine reason must match
    contains: tuple[str, ...] = ()  # substrings clean_text must hold
    excludes: tuple[str, ...] = ()  # substrings clean_text must not hold
    published: dt.date | None = None  # documents.published_date
    outlet: str | None = None  # documents.outlet (from the manifest)
    figure_values: tuple[float, ...] = ()  # each is the value, low or high of some figure of the document
    date_years: tuple[int, ...] = ()  # each is the year of some dates.date_start of the document
    mentions: tuple[str, ...] = ()  # each is the surface of some mention of the document
    removed: tuple[str, ...] = ()  # each is inside some removed span (the hostile part really was removed)
    flagged: bool = False  # documents.decode_warning is set
    no_controls: bool = (
        False  # clean_text holds no C0/C1 control character but line breaks (they carry no text)
    )


def _html(title: str, paragraphs: list[str], lang: str = "en", direction: str = "ltr") -> str:
    body = "\n".join(f"      <p>{p}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}" dir="{direction}">\n<head>\n  <meta charset="utf-8">\n'
        f"  <title>{title}</title>\n</head>\n<body>\n  <nav><a href='/'>Home</a> | <a href='/world'>World</a>"
        f"</nav>\n  <main>\n    <article>\n      <h1>{title}</h1>\n{body}\n    </article>\n  </main>\n"
        "  <footer>Contact us | Privacy policy</footer>\n</body>\n</html>\n"
    )


def _text(title: str | None, paragraphs: list[str]) -> str:
    return "\n\n".join(([title] if title else []) + paragraphs) + "\n"


# Plain article paragraphs reused by pages whose hostile part is elsewhere (the manifest, the bytes).
_REPORT = [
    "At least 12 people were killed on Monday when shells hit a market in the town, rescue workers said.",
    "Residents said the shelling began shortly after dawn and lasted for more than two hours.",
    "The local council said 30 others were wounded and taken to hospitals in the area.",
]


def _write_gzip_bomb(path: Path, total: int = GZIP_BOMB_BYTES, chunk: int = _BOMB_CHUNK) -> None:
    """A valid gzip file of `total` zero bytes, written without holding more than one chunk: after a full
    flush deflate starts afresh, so every further chunk of zeros compresses to the same bytes."""
    zeros = bytes(chunk)
    deflate = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    first = deflate.compress(zeros) + deflate.flush(zlib.Z_FULL_FLUSH)
    repeat = deflate.compress(zeros) + deflate.flush(zlib.Z_FULL_FLUSH)
    end = deflate.flush()[:-8]  # the final empty block; the trailer is written for `total` below
    crc = 0
    with path.open("wb") as fh:
        fh.write(first)
        crc = zlib.crc32(zeros, crc)
        for _ in range(total // chunk - 1):
            fh.write(repeat)
            crc = zlib.crc32(zeros, crc)
        fh.write(end + struct.pack("<II", crc, total & 0xFFFFFFFF))


def _nested_page(depth: int) -> str:
    text = "".join(f"<p>{p}</p>" for p in _REPORT)
    return (
        "<html><head><title>Nested report</title></head><body>"
        + "<div>" * depth
        + f"<h1>Shelling hits a market</h1>{text}"
        + "</div>" * depth
        + "</body></html>\n"
    )


_CONTROL_SPRINKLE = "\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b"


def _sprinkled(paragraphs: list[str], every: int) -> str:
    """The paragraphs with a C0 control character after every `every`-th word (and C1 ones between
    sentences): words stay whole, so the text can be looked for afterwards."""
    out = []
    for p_no, p in enumerate(paragraphs):
        words = p.split(" ")
        mixed = []
        for i, word in enumerate(words):
            mixed.append(word)
            if i % every == every - 1:
                mixed.append(_CONTROL_SPRINKLE[(i + p_no) % len(_CONTROL_SPRINKLE)])
        out.append(" ".join(mixed) + "\u0085\u009b")
    return _text("Shelling hits a market", out)


def build_hostile_corpus(folder: Path) -> dict[str, Expect]:
    """Write the hostile raw directory into `folder` (created) and return {raw_path: Expect}."""
    folder.mkdir(parents=True, exist_ok=True)
    cases: dict[str, Expect] = {}

    def page(name: str, content: str | bytes, expect: Expect) -> None:
        data = content.encode("utf-8") if isinstance(content, str) else content
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
        cases[name] = expect

    # ---- dates of any year: in the text, and in the manifest (with row-by-row validation)
    page(
        "centuries.txt",
        _text(
            "Old quarter damaged in air strikes",
            [
                "Air strikes on Sunday damaged the old quarter of the city, where a citadel built in the "
                "1300s overlooks the market, residents said.",
                "A mosque dating from the 19th century lost its minaret, the local council said, and 4 "
                "people were wounded nearby.",
            ],
        ),
        Expect(
            "document",
            "'the 1300s' and 'the 19th century' (dates before pandas' nanosecond range)",
            contains=("built in the 1300s", "from the 19th century"),
            published=dt.date(2019, 3, 1),
            date_years=(1300, 1800),
        ),
    )
    page(
        "date_9999.txt",
        _text("Market shelled", _REPORT),
        Expect(
            "document",
            "manifest row dated 9999-12-31",
            contains=(_REPORT[0],),
            published=dt.date(9999, 12, 31),
        ),
    )
    page(
        "date_1500.txt",
        _text("Market shelled again", _REPORT),
        Expect(
            "document",
            "manifest row dated 1500-01-01",
            contains=(_REPORT[0],),
            published=dt.date(1500, 1, 1),
        ),
    )
    page(
        "bad_manifest_date.txt",
        _text("Convoy attacked", _REPORT),
        Expect("quarantine", "manifest row with a bad date (line 5)", reason=r"manifest\.csv:5\b"),
    )
    page(
        "duplicate_row.txt",
        _text("Convoy attacked twice", _REPORT),
        Expect("quarantine", "manifest lists the page twice (lines 6, 7)", reason=r"manifest\.csv:[67]\b"),
    )
    (folder / "manifest.csv").write_text(
        "file,url,outlet,language,published,charset\n"
        "centuries.txt,http://example.org/centuries,Example Daily,en,2019-03-01,\n"
        "date_9999.txt,http://example.org/d9999,Example Daily,en,9999-12-31,\n"
        "date_1500.txt,http://example.org/d1500,Example Daily,en,1500-01-01,\n"
        "bad_manifest_date.txt,http://example.org/bad,Example Daily,en,2021-13-45,\n"
        "duplicate_row.txt,http://example.org/dup1,Example Daily,en,2020-01-01,\n"
        "duplicate_row.txt,http://example.org/dup2,Example Daily,en,2020-01-02,\n",
        encoding="utf-8",
    )

    # ---- a non-UTF-8 (latin-1) manifest in a sub-folder
    outlet = "Journal de Genève, édition spéciale"
    page(
        "latin1_manifest/latin1_manifest_page.txt",
        _text("Frappes près de la frontière", _REPORT),
        Expect(
            "document",
            "its folder's manifest.csv is latin-1, not UTF-8",
            contains=(_REPORT[0],),
            outlet=outlet,
            published=dt.date(2018, 4, 2),
        ),
    )
    page(
        "latin1_manifest/latin1_manifest_second.txt",
        _text("Déplacés après les frappes", _REPORT),
        Expect(
            "document",
            "second page of the latin-1 manifest",
            contains=(_REPORT[0],),
            outlet="Le Réveil, quotidien régional",
            published=dt.date(2018, 4, 3),
        ),
    )
    (folder / "latin1_manifest" / "manifest.csv").write_bytes(
        (
            "file,url,outlet,language,published,charset\n"
            f'latin1_manifest_page.txt,http://example.org/genève,"{outlet}",fr,2018-04-02,\n'
            "latin1_manifest_second.txt,http://example.org/réveil,"
            '"Le Réveil, quotidien régional",fr,2018-04-03,\n'
        ).encode("latin-1")
    )

    # ---- removed text that also occurs in the kept body
    credit = "© 2016 Example Media Group."
    page(
        "credit_line_in_body.txt",
        _text(
            "Floods force hundreds from their homes",
            [
                "Hundreds of families were forced from their homes on Tuesday after the river burst its "
                "banks, officials said.",
                f'The newspaper\'s archive, whose every page carries the line "{credit}" at its foot, was '
                "among the buildings flooded, its editor said.",
                "Emergency crews said 3 people were missing and 40 had been rescued from rooftops.",
                credit,
            ],
        ),
        Expect(
            "document",
            "a removed credit line that is also quoted in the body",
            contains=(f'carries the line "{credit}" at its foot',),
            removed=(credit,),
        ),
    )
    page(
        "teaser_name_in_body.txt",
        _text(
            "Shelling kills five in northern Syria",
            [
                "Read also: Hayat Tahrir al-Sham fighters seize villages near Idlib",
                "At least five civilians were killed on Monday when shells struck a market in Idlib, "
                "rescue workers said.",
                "Hayat Tahrir al-Sham, which controls much of the province, blamed government forces for "
                "the attack.",
            ],
        ),
        Expect(
            "document",
            "a removed teaser naming a group that the body names too",
            contains=("Hayat Tahrir al-Sham, which controls much of the province",),
            mentions=("Hayat Tahrir al-Sham",),
            removed=("Read also:",),
        ),
    )

    # ---- short pages are articles
    note = (
        "On 12 March 2019 an air strike hit a school in the village of Kafr Nabl in Idlib province, "
        "killing 7 civilians, including 3 children, according to local sources."
    )
    page(
        "event_note.txt",
        note + "\n",
        Expect("document", "a one-paragraph event note with no headline", contains=(note,)),
    )

    # ---- numbers with space, no-break-space, thin-space and narrow no-break-space separators
    for name, sep in (
        ("sep_space", " "),
        ("sep_nbsp", "\u00a0"),
        ("sep_thin_space", "\u2009"),
        ("sep_narrow_nbsp", "\u202f"),
    ):
        page(
            f"{name}.txt",
            _text(
                "Thousands killed in the offensive",
                [
                    f"At least 7{sep}000 people were killed in the offensive, a monitoring group said.",
                    "Residents said the fighting had emptied whole neighbourhoods of the city.",
                ],
            ),
            Expect(
                "document",
                f"'7{sep}000 people' (U+{ord(sep):04X} as thousands separator)",
                contains=("7 000 people were killed",),
                figure_values=(7000,),
            ),
        )

    # ---- encodings and bytes
    page(
        "utf16_no_bom.txt",
        _text("Convoy hit near the border", _REPORT).encode("utf-16-le"),
        Expect("document", "UTF-16 (little-endian) without a byte-order mark", contains=(_REPORT[0],)),
    )
    bad = _html(
        "Shelling hits a café district",
        [
            "At least 12 people were killed on Monday when shells hit the caf\u00e9 district, rescue "
            "workers said.",
            "Residents said the shelling began shortly after dawn \udcff and lasted for two hours.",
            "The council said 30 others were wounded \udcff\udcff and taken to hospitals in the area.",
        ],
    )
    page(
        "three_bad_bytes.html",
        bad.encode("utf-8", "surrogateescape"),  # each \udcff becomes the invalid byte 0xFF
        Expect(
            "document",
            "three invalid bytes in a UTF-8 page",
            contains=("killed on Monday when shells hit the caf\u00e9 district",),
            flagged=True,
        ),
    )
    page(
        "empty.txt",
        b"",
        Expect("quarantine", "an empty file", reason=r"empty"),
    )
    page(
        "png_named.html",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00"
        + bytes(range(256)) * 4,
        Expect("quarantine", "PNG bytes named .html", reason=r"binary|PNG|image"),
    )

    # ---- bounded input
    _write_gzip_bomb(folder / "gzip_bomb.html.gz")
    cases["gzip_bomb.html.gz"] = Expect(
        "quarantine", f"a gzip page expanding to {GZIP_BOMB_BYTES:,} bytes", reason=r"\bcap\b"
    )
    with (folder / "oversized_sparse.txt").open("wb") as fh:
        fh.write(_text("Huge page", _REPORT).encode())
        fh.truncate(OVERSIZED_BYTES)  # sparse: costs no disk, and must never be read
    cases["oversized_sparse.txt"] = Expect(
        "quarantine", f"a {OVERSIZED_BYTES:,}-byte page (over the cap on bytes read)", reason=r"\bcap\b"
    )
    page(
        "nested_100k_tags.html",
        _nested_page(NESTED_TAGS),
        Expect(
            "either",
            f"{NESTED_TAGS:,} nested tags around the article",
            reason=r"tree|depth|nest",
            contains=(_REPORT[0],),
        ),
    )

    # ---- unsafe input: symlinks and permissions
    os.symlink("/etc/passwd", folder / "passwd_link.txt")
    cases["passwd_link.txt"] = Expect(
        "quarantine", "a .txt symlink to /etc/passwd", reason=r"outside", excludes=("root:x:",)
    )
    os.symlink(folder / "no_such_target.txt", folder / "dangling_link.txt")
    cases["dangling_link.txt"] = Expect("quarantine", "a dangling symlink", reason=r"dangling")
    (folder / "unreadable.txt").write_text(_text("Unreadable report", _REPORT), encoding="utf-8")
    (folder / "unreadable.txt").chmod(0)
    if os.geteuid() == 0:  # root reads a mode-000 file anyway: either outcome, with its reason or text
        cases["unreadable.txt"] = Expect(
            "either",
            "a mode-000 file (read as root)",
            reason=r"unreadable|permission",
            contains=(_REPORT[0],),
        )
    else:
        cases["unreadable.txt"] = Expect("quarantine", "a mode-000 file", reason=r"unreadable|permission")

    # ---- languages, control, zero-width and right-to-left characters
    arabic = [
        "قتل اثنا عشر شخصا على الأقل يوم الاثنين عندما سقطت قذائف على سوق في المدينة، بحسب عمال الإنقاذ.",
        "وقال سكان إن القصف بدأ بعد الفجر بقليل واستمر أكثر من ساعتين.",
        "وأضاف المجلس المحلي أن ثلاثين شخصا آخرين أصيبوا ونقلوا إلى المستشفيات.",
    ]
    page(
        "arabic.html",
        _html("قصف سوق في المدينة", arabic, lang="ar", direction="rtl"),
        Expect("document", "an Arabic page (right-to-left)", contains=(arabic[1],)),
    )
    french = [
        "Au moins 5\u00a0000 combattants ont été tués depuis le début de l’offensive, selon une ONG.",
        "Les habitants ont décrit des quartiers entiers vidés par les combats, à l’est de la ville.",
        "« Nous n’avons plus rien », a déclaré une mère de famille réfugiée dans une école.",
    ]
    page(
        "french.html",
        _html("L’offensive a fait des milliers de morts", french, lang="fr"),
        Expect(
            "document",
            "a French page with '5\u00a0000 combattants'",
            contains=("5 000 combattants ont été tués", "« Nous n’avons plus rien »"),
        ),
    )
    page(
        "control_chars.txt",
        _sprinkled(_REPORT, every=4),
        Expect(
            "document",
            "C0 control characters after every fourth word, C1 ones after each paragraph",
            contains=("30 others were wounded",),
            no_controls=True,
        ),
    )
    page(
        "control_dense.txt",
        _sprinkled(_REPORT, every=1),
        Expect(
            "either",
            "a control character after every word (as many as in binary data)",
            reason=r"binary|control",
            contains=("killed",),
            no_controls=True,
        ),
    )
    marks = [
        "\u200fAt least 12 people were killed on Monday\u200f when shells hit a market in "
        "\u202bAleppo\u202c, rescue workers said.",
        "Resi\u200bdents said the shelling began\u200d shortly after dawn\u2060 and lasted "
        "\u2066for more than two hours\u2069.",
        "\u202eThe council said 30 others were wounded\u202c and taken\ufeff to hospitals.\u200e",
    ]
    page(
        "zero_width_rtl.html",
        _html("Market \u200bshelled\u200f", marks),
        Expect(
            "document",
            "zero-width characters and right-to-left marks inside the sentences",
            contains=("shortly after dawn", "others were wounded"),
        ),
    )
    return cases
