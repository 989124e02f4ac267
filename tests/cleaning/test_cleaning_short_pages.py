"""Short pages are articles: a page of one paragraph keeps it as its body, a headline is taken from a
plain-text page only when the page opens with a title-like line followed by a body."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from pipelines.cleaning import UnparseablePage, clean_page

REALTEXT = Path(__file__).resolve().parents[3] / "shared" / "realtext"
HEADLINE = "Rebels repel attack near the town of Saraqeb"
BODY = [
    "Rebel factions in the north-west said on Monday that they had repelled an attack near the town.",
    "The group, whose membership is estimated at several thousand, joined the coalition in 2017.",
]

_DATES = ("On 3 March 2017", "On 14 November 2019", "On 28 July 2021", "Overnight on 2 January 2016")
_ACTORS = ("government forces", "an armed group", "unidentified gunmen", "coalition aircraft")
_ACTIONS = (
    "shelled the village of Kafr Nabl",
    "attacked a checkpoint near Deir ez-Zor",
    "clashed with local fighters in Daraa al-Balad",
    "struck a market in Maarat al-Numan",
    "detained protesters in Jableh",
)
_OUTCOMES = (
    ", killing two civilians.",
    ", wounding at least 12 people.",
    ". No casualties were reported.",
    ". Three fighters were killed and the area was closed to traffic.",
    "; local sources reported one fatality.",
)


def event_notes() -> list[str]:
    """400 one-paragraph event notes of the shape conflict-event datasets publish (one or two sentences,
    a date, an actor, an action, a place, an outcome)."""
    notes = [
        f"{date}, {actor} {action}{outcome}"
        for date, actor, action, outcome in itertools.product(_DATES, _ACTORS, _ACTIONS, _OUTCOMES)
    ]
    assert len(notes) == 400
    return notes


def test_one_paragraph_event_notes_are_kept_as_their_body():
    for note in event_notes():
        page = clean_page(note + "\n", kind="text")
        assert page.clean_text == note and page.body == note
        assert page.title is None and page.headline is None and page.body_start == 0


@pytest.mark.parametrize(
    "note",
    [
        # short enough to look like a title, but the page's only content
        "Government forces shelled the village of Kafr Nabl, killing two civilians.",
        "Clashes in Idlib.",
        # several sentences, long
        "The United States strongly condemns the attack in the town today. We extend our condolences to "
        "the families. This attack is yet another sign of the group's contempt for human life.",
    ],
)
def test_a_lone_paragraph_is_the_body_of_a_text_page(note):
    page = clean_page(note, kind="text")
    assert page.clean_text == note and page.headline is None and page.title is None


def test_a_lone_paragraph_is_the_body_of_an_html_page_whose_title_repeats_it():
    note = event_notes()[7]
    html = f"<html><head><title>{note}</title></head><body><p>{note}</p></body></html>"
    page = clean_page(html, kind="html")
    assert page.clean_text == note and page.body_start == 0


def test_a_first_paragraph_of_several_sentences_is_not_taken_as_the_title():
    first = "The council adopted the resolution on Friday. It condemns the attacks in the strongest terms."
    page = clean_page("\n\n".join([first, *BODY]), kind="text")
    assert page.title is None and page.headline is None
    assert page.clean_text == "\n\n".join([first, *BODY])


def test_a_long_opening_sentence_is_not_taken_as_the_title():
    first = (
        "On behalf of the government and the people of the country, I congratulate the people of the "
        "republic as they celebrate the anniversary of the founding of their state."
    )
    page = clean_page("\n\n".join([first, *BODY]), kind="text")
    assert page.title is None and page.clean_text.startswith(first)


def test_a_line_that_introduces_what_follows_is_not_a_title():
    page = clean_page("\n\n".join(["The Foreign Secretary, speaking in London, said:", *BODY]), kind="text")
    assert page.title is None


@pytest.mark.parametrize(
    "title",
    [
        HEADLINE,
        # abbreviations are not sentence ends
        "Retailer replaces rival as No. 1 U.S. music seller",
        "Dr. Smith of Acme Inc. CEO office visits the front",
        # a summary line that stands as the title of a statement, with its full stop
        "Minister welcomes agreement between the two governments on oil exports and revenue sharing.",
    ],
)
def test_a_title_like_first_line_followed_by_a_body_is_the_headline(title):
    page = clean_page("\n\n".join([title, *BODY]), kind="text")
    assert page.title == title and page.headline == title
    assert page.body == "\n\n".join(BODY)


def test_a_title_repeated_with_nothing_else_left_is_kept_once_as_the_body():
    note = event_notes()[3]
    page = clean_page(f"{note}\n\n{note}", kind="text")
    assert page.clean_text.count(note) >= 1 and page.body_start == 0


def test_a_bare_headline_alone_is_still_no_body():
    with pytest.raises(UnparseablePage, match="nothing is left"):
        clean_page(f"{HEADLINE}\n\nSubscribe now for unlimited access", kind="text")


@pytest.mark.skipif(not (REALTEXT / "re3d_dev" / "raw").is_dir(), reason="shared real-text sets not present")
def test_no_real_text_page_is_refused():
    pages = sorted((REALTEXT / "re3d_dev" / "raw").glob("*.txt")) + sorted(
        (REALTEXT / "meantime" / "raw").glob("*.txt")
    )
    assert len(pages) >= 170
    refused = []
    for path in pages:
        try:
            page = clean_page(path.read_text(encoding="utf-8"), kind="text")
        except UnparseablePage as exc:
            refused.append(f"{path.name}: {exc}")
            continue
        assert 0 <= page.body_start < len(page.clean_text)
    assert refused == []
