"""Deep and large HTML trees: nesting past the parser's limit keeps its text, a tree past the element
cap is refused with a reason naming the cap."""

from __future__ import annotations

import pytest

from pipelines.cleaning import UnparseablePage, clean_page
from pipelines.cleaning.htmltree import MAX_NESTING, limit_nesting, load_tree
from pipelines.cleaning.limits import DEFAULT_MAX_TREE_ELEMENTS, TreeTooLarge

PARAS = [
    "Government forces shelled the village of Kafr Nabl on Monday, killing two civilians and wounding "
    "five others, local sources said.",
    "The attack followed a week of clashes in the south of the province, where rebel factions said they "
    "had repelled an advance.",
    "A spokesman for the coalition said on Tuesday that talks would resume next month in the capital.",
]
DEPTH = 100_000


def _paragraphs(html: str) -> list[str]:
    page = clean_page(html, kind="html")
    assert 0 <= page.body_start < len(page.clean_text)
    return page.body.split("\n\n")


def test_a_hundred_thousand_nested_tags_keep_the_article():
    body = "".join(f"<p>{p}</p>" for p in PARAS)
    html = f"<html><body>{'<div>' * DEPTH}{body}{'</div>' * DEPTH}</body></html>"
    assert _paragraphs(html) == PARAS


def test_text_after_a_deep_tree_is_kept_too():
    deep = f"{'<div>' * DEPTH}<p>{PARAS[1]}</p>{'</div>' * DEPTH}"
    html = f"<html><body><p>{PARAS[0]}</p>{deep}<p>{PARAS[2]}</p></body></html>"
    assert _paragraphs(html) == PARAS


def test_unclosed_inline_tags_nested_deep_keep_the_text():
    html = f"<html><body><article>{'<span>' * DEPTH}" + "".join(f"<p>{p}</p>" for p in PARAS) + "</article>"
    assert _paragraphs(html) == PARAS


def test_a_cut_tree_is_parsed_again_within_the_parser_limit():
    html = f"<html><body>{'<div>' * 5000}<p>{PARAS[0]}</p>{'</div>' * 5000}<p>{PARAS[1]}</p></body></html>"
    tree = load_tree(html, max_elements=DEFAULT_MAX_TREE_ELEMENTS)
    assert max(len(list(el.iterancestors())) for el in tree.iter()) <= MAX_NESTING + 3
    assert PARAS[0] in tree.text_content() and PARAS[1] in tree.text_content()


def test_limit_nesting_leaves_a_shallow_page_as_it_is():
    html = (
        "<html><head><script>if (a<b) { x('<div>') }</script></head>"
        "<body><div><p>One<br>two</p></div></body></html>"
    )
    assert limit_nesting(html, MAX_NESTING) == html


def test_limit_nesting_takes_out_deep_tags_but_not_their_text():
    html = "<div><div><div><span class='x'>deep</span> text<script>var a = '<p>';</script></div></div></div>"
    assert limit_nesting(html, 1) == "<div><br>deep text<br></div>"


def test_limit_nesting_keeps_deep_paragraphs_apart():
    html = "<div><div><p>one</p><p>two<div>three</div></p></div></div>"
    assert limit_nesting(html, 1) == "<div><br><p>one</p><p>two</p><br>three<br></div>"


def test_a_tree_past_the_element_cap_is_refused_naming_the_cap():
    html = "<html><body>" + "".join(f"<p>{p}</p>" for p in PARAS) + "<b>x</b>" * 100 + "</body></html>"
    assert _paragraphs(html)  # under the default cap the page cleans
    with pytest.raises(TreeTooLarge, match="more than 50 elements, the cap on tree size") as caught:
        clean_page(html, kind="html", max_tree_elements=50)
    assert isinstance(caught.value, UnparseablePage)


def test_the_default_cap_refuses_a_tree_of_more_than_200000_elements():
    assert DEFAULT_MAX_TREE_ELEMENTS == 200_000
    html = f"<html><body><p>{PARAS[0]}</p><div>{'<b>a</b>' * DEFAULT_MAX_TREE_ELEMENTS}</div></body></html>"
    with pytest.raises(TreeTooLarge, match="200000 elements"):
        clean_page(html, kind="html")
