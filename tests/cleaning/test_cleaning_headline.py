"""The headline as the first paragraph of clean_text: once, without a site-name segment, never invented,
other copies still removed and recorded; the body alone stays available (`CleanedPage.body`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.cleaning import UnparseablePage, clean_page
from pipelines.cleaning.lines import clean_lines, headline_paragraph

RAW = Path(__file__).resolve().parents[2] / "raw"
HEADLINE = "Rebels repel attack near the town of Saraqeb"
BODY = [
    "Rebel factions in the north-west said on Monday that they had repelled an attack near the town.",
    "The group, whose membership is estimated at several thousand, joined the coalition in 2017.",
    "An official, commenting on the clashes, told reporters that 25 people had been killed.",
]


def _html(title: str, body: list[str], *, site: str | None = None, h1: str | None = None) -> str:
    meta = f"<meta property='og:site_name' content='{site}'>" if site else ""
    head = f"<h1>{h1}</h1>" if h1 else ""
    paras = "".join(f"<p>{p}</p>" for p in body)
    return (
        f"<html lang='en'><head><title>{title}</title>{meta}</head>"
        f"<body><article>{head}<div class='content'>{paras}</div></article></body></html>"
    )


def test_text_page_title_line_becomes_the_first_paragraph_once():
    raw = "\n\n".join(["Skip to main content", HEADLINE, HEADLINE, BODY[0], HEADLINE, *BODY[1:]])
    page = clean_page(raw, kind="text")
    assert page.title == HEADLINE
    assert page.clean_text == "\n\n".join([HEADLINE, *BODY])
    assert page.clean_text.count(HEADLINE) == 1
    assert page.headline == HEADLINE
    assert page.body == "\n\n".join(BODY)
    assert page.clean_text[page.body_start :] == page.body
    # the copy kept as the headline is not a removal; the two other copies are
    assert [r.text for r in page.removed if r.rule == "repeated_title"] == [HEADLINE, HEADLINE]


def test_html_title_from_metadata_only_is_prepended():
    page = clean_page(_html(HEADLINE, BODY), kind="html")
    assert page.title == HEADLINE
    assert page.clean_text.startswith(HEADLINE + "\n\n" + BODY[0])
    assert page.clean_text.count(HEADLINE) == 1


def test_html_visible_headline_line_is_moved_to_the_top_not_recorded_as_removed():
    page = clean_page(_html(f"{HEADLINE} | The Daily Example", [HEADLINE, *BODY]), kind="html")
    assert page.clean_text.startswith(HEADLINE + "\n\n" + BODY[0])
    assert page.clean_text.count(HEADLINE) == 1
    assert HEADLINE not in [r.text for r in page.removed]


@pytest.mark.parametrize(
    ("title", "site"),
    [
        (f"{HEADLINE} | The Daily Example", "The Daily Example"),
        (f"{HEADLINE} - The Daily Example", "The Daily Example"),
        (f"The Daily Example | {HEADLINE}", "The Daily Example"),
        # the site name itself holds a separator, then a colon before the headline
        (f"The Daily Example | News from the north: {HEADLINE}", "The Daily Example | News from the north"),
        # the segment is the start of a longer site name
        (f"{HEADLINE} - Daily Example", "Daily Example - Memorabilia and news"),
    ],
)
def test_site_name_segment_is_left_out_of_the_headline(title, site):
    assert headline_paragraph(title, sitename=site) == HEADLINE
    page = clean_page(_html(title, BODY, site=site), kind="html")
    # whatever title the page's metadata gives (the extractor may read "Site | Headline" as the site
    # name), the site name never enters clean_text
    assert page.headline in (HEADLINE, None)
    assert "Daily Example" not in page.clean_text
    assert page.body == "\n\n".join(BODY)


def test_headline_starting_like_the_site_name_is_kept_whole():
    title = "The Guardian view on the ceasefire: a fragile calm"
    assert headline_paragraph(title, sitename="The Guardian") == title


@pytest.mark.parametrize(
    ("title", "site"),
    [
        ("The Daily Example", "The Daily Example"),  # only the site name
        ("The Daily Example", "The Daily Example | News from the north"),  # the start of the site name
        ("Home", None),  # a one-word section label
        ("Skip to main content", None),  # navigation taken for a title
    ],
)
def test_site_name_or_generic_title_gives_no_headline_paragraph(title, site):
    assert headline_paragraph(title, sitename=site) is None
    page = clean_page(_html(title, BODY, site=site), kind="html")
    assert page.headline is None and page.body_start == 0
    assert page.clean_text == "\n\n".join(BODY)


def test_no_title_no_headline():
    result = clean_lines(BODY)
    assert result.title is None and result.headline is None


def test_headline_already_inside_a_body_paragraph_is_not_repeated():
    line = f"{HEADLINE} by our correspondent Monday, 18 November"
    page = clean_page(_html(HEADLINE, [line, *BODY]), kind="html")
    assert page.headline is None
    assert page.clean_text.count(HEADLINE) == 1


def test_page_with_a_headline_but_no_body_is_unparseable():
    with pytest.raises(UnparseablePage, match="nothing is left"):
        clean_page(f"{HEADLINE}\n\nSign in\n\nSubscribe now for unlimited access", kind="text")


@pytest.mark.skipif(not (RAW / "003_248c565fdd8cdcac.txt").is_file(), reason="sample page not present")
def test_name_only_in_the_headline_is_found_as_a_mention():
    from pipelines.entities import find_mentions, load_kb

    page = clean_page((RAW / "003_248c565fdd8cdcac.txt").read_text(encoding="utf-8"), kind="text")
    assert page.headline and "Raqqa" in page.headline and "Raqqa" not in page.body
    found = [m for m in find_mentions(page.clean_text, load_kb()) if m.end <= page.body_start]
    assert all(page.clean_text[m.start : m.end] == m.surface for m in found)
    assert "Raqqa" in [m.surface for m in found]
