"""The five sample pages (raw/*.txt) against the gold boilerplate annotations in seeds.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipelines.cleaning import clean_page

REPO = Path(__file__).resolve().parents[2]
RAW = REPO / "raw"
GOLD_CANDIDATES = (REPO.parent / "shared" / "gold" / "seeds.yaml", REPO / "gold" / "seeds.yaml")


def _gold_documents() -> list[dict]:
    for path in GOLD_CANDIDATES:
        if path.is_file():
            return yaml.safe_load(path.read_text(encoding="utf-8"))["documents"]
    return []


DOCS = _gold_documents()


def _fold(text: str) -> str:
    return text.replace("\u00a0", " ")


@pytest.fixture(scope="module", params=DOCS, ids=[d["doc"] for d in DOCS])
def sample(request):
    doc = request.param
    raw = (RAW / f"{doc['doc']}.txt").read_text(encoding="utf-8")
    return doc, clean_page(raw, kind="text")


def test_gold_is_present():
    assert len(DOCS) == 5, "gold/seeds.yaml with 5 documents is needed for these tests"


def test_must_remove_is_gone(sample):
    doc, page = sample
    left = [line for line in doc["must_remove"] if _fold(line) in page.clean_text]
    assert left == []


def test_must_keep_is_kept(sample):
    doc, page = sample
    lost = [line for line in doc["must_keep"] if _fold(line) not in page.clean_text]
    assert lost == []


def test_title_found_and_at_most_once_in_body(sample):
    doc, page = sample
    assert page.title == _fold(doc["title"])
    assert page.clean_text.count(_fold(doc["title"])) <= 1


def test_paywall_flag(sample):
    doc, page = sample
    assert page.paywall_truncated is doc["paywall_truncated"]
    if not doc["paywall_truncated"]:
        assert page.unread_share is None


def test_every_removal_is_recorded(sample):
    doc, page = sample
    removed_text = " ".join(r.text for r in page.removed)
    for line in doc["must_remove"]:
        assert _fold(line) in removed_text


def test_stated_unread_share_is_parsed():
    paywalled = [d for d in DOCS if d["paywall_truncated"]]
    assert paywalled
    for doc in paywalled:
        page = clean_page((RAW / f"{doc['doc']}.txt").read_text(encoding="utf-8"), kind="text")
        assert page.unread_share is not None and 0 < page.unread_share < 1


def test_clean_text_is_normalised(sample):
    _, page = sample
    assert "\u00a0" not in page.clean_text
    assert "\n\n\n" not in page.clean_text
    assert page.clean_text == page.clean_text.strip()
