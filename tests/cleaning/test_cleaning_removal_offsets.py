"""Each removed line records where it stood in clean_text (`char_at`), so provenance is checked by offsets."""

from pathlib import Path

import pytest

from pipelines.cleaning import clean_page
from pipelines.cleaning.page import PARAGRAPH_SEPARATOR

SAMPLES = sorted((Path(__file__).resolve().parents[2] / "raw").glob("*.txt"))


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_every_placed_cut_is_a_paragraph_boundary_of_clean_text(path):
    cleaned = clean_page(path.read_text(encoding="utf-8"), kind="text")
    placed = [r for r in cleaned.removed if r.char_at is not None]
    assert placed
    for r in placed:
        assert 0 <= r.char_at <= len(cleaned.clean_text)
        if 0 < r.char_at < len(cleaned.clean_text):
            assert cleaned.clean_text[r.char_at - len(PARAGRAPH_SEPARATOR) : r.char_at] == PARAGRAPH_SEPARATOR


def test_a_newsletter_box_between_paragraphs_is_placed_where_it_stood():
    first = "Rebel groups said on Monday that 300 fighters had crossed into the province overnight."
    second = "Local monitors counted at least 12 people killed in the shelling that followed the advance."
    page = f"{first}\n\nSign up for our newsletter to get the latest news in your inbox.\n\n{second}\n"
    cleaned = clean_page(page, kind="text")
    (box,) = [r for r in cleaned.removed if "newsletter" in r.text]
    assert cleaned.clean_text[box.char_at :].startswith(second)
