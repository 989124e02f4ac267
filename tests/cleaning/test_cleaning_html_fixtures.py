"""HTML fixture pages (the sample texts inside realistic page furniture): what must go, what must stay,
and the metadata read from the markup."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
import yaml

from pipelines.cleaning import clean_page

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
REPO = HERE.parents[1]
GOLD_CANDIDATES = (REPO.parent / "shared" / "gold" / "seeds.yaml", REPO / "gold" / "seeds.yaml")

PAGES = yaml.safe_load((FIXTURES / "expectations.yaml").read_text(encoding="utf-8"))["pages"]


def _gold() -> dict[str, dict]:
    for path in GOLD_CANDIDATES:
        if path.is_file():
            docs = yaml.safe_load(path.read_text(encoding="utf-8"))["documents"]
            return {d["doc"]: d for d in docs}
    return {}


GOLD = _gold()


def _fold(text: str) -> str:
    return text.replace("\u00a0", " ")


@pytest.fixture(scope="module", params=PAGES, ids=[p["file"] for p in PAGES])
def case(request):
    spec = request.param
    page = clean_page((FIXTURES / spec["file"]).read_text(encoding="utf-8"), kind="html")
    return spec, GOLD[spec["doc"]], page


def test_fixtures_and_gold_are_present():
    assert len(PAGES) == 5 and all(p["doc"] in GOLD for p in PAGES)


def test_gold_must_remove_is_gone(case):
    _, gold, page = case
    assert [line for line in gold["must_remove"] if _fold(line) in page.clean_text] == []


def test_gold_must_keep_is_kept(case):
    _, gold, page = case
    assert [line for line in gold["must_keep"] if _fold(line) not in page.clean_text] == []


def test_page_furniture_is_gone_and_recorded(case):
    spec, _, page = case
    paragraphs = page.clean_text.split("\n\n")
    removed = " ".join(" ".join(r.text.split()) for r in page.removed)
    for text in spec["furniture"]:
        assert text not in paragraphs and (len(text.split()) < 3 or text not in page.clean_text), text
        assert text in removed, f"not recorded: {text}"


def test_title_once_at_most_and_paywall(case):
    spec, gold, page = case
    assert page.title == _fold(gold["title"])
    assert page.clean_text.count(_fold(gold["title"])) <= 1
    assert page.paywall_truncated is gold["paywall_truncated"]
    assert page.unread_share == spec.get("unread_share")


def test_metadata_from_markup(case):
    spec, _, page = case
    assert page.author == spec["author"]
    assert page.sitename == spec["sitename"]
    assert page.url == spec["url"]
    assert page.language == spec["language"]
    assert page.published_date == spec["published_date"]
    assert isinstance(page.published_date, datetime.date)


def test_removals_carry_rule_and_kind(case):
    _, _, page = case
    assert page.removed
    for r in page.removed:
        assert r.rule and r.kind and r.text.strip()


def test_no_date_without_markup():
    html = (FIXTURES / "002_redtop.html").read_text(encoding="utf-8")
    html = html.replace('<meta name="date" content="2017-09-10">', "")
    assert clean_page(html, kind="html").published_date is None
