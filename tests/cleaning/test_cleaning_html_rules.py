"""HTML-level cleaning: prune tokens and their guard, link-only blocks, standfirsts, repeated runs,
metadata and the audit trail."""

from __future__ import annotations

from pipelines.cleaning import UnparseablePage, clean_page
from pipelines.cleaning.html import parse_fragment, prune
from pipelines.cleaning.lines import clean_lines

PARAS = [
    "Rebel factions in the north-west said on Monday that they had repelled an attack near Saraqeb.",
    "The group, whose membership is estimated at several thousand, joined the coalition in 2017.",
    "An official, commenting on the clashes, told reporters that 25 people had been killed in the fighting.",
    "Analysts said the group's members were wary of infiltration by rival militants from the east.",
    "Residents described long queues at bakeries and fuel stations as the fighting moved closer to the city.",
]


def _page(body: str, head: str = "", before: str = "", after: str = "") -> str:
    paras = "\n".join(f"<p>{p}</p>" for p in PARAS)
    return (
        "<html lang='en'><head><title>Rebels repel attack near Saraqeb | The Daily Example</title>"
        f"{head}</head>"
        f"<body>{before}<article><h1>Rebels repel attack near Saraqeb</h1>{body}"
        f"<div class='content'>{paras}</div>{after}</article></body></html>"
    )


def test_prune_tokens_remove_boxes_and_record_them():
    html = _page(
        "",
        after="<div class='newsletterSignup-box'><p>Get our morning briefing in your inbox.</p></div>"
        "<div class='related-stories'><p>Other story about something else entirely here</p></div>",
    )
    page = clean_page(html, kind="html")
    assert "morning briefing" not in page.clean_text and "Other story" not in page.clean_text
    rules = {r.rule for r in page.removed}
    assert {"prune:newsletter", "prune:related"} <= rules
    assert all(p in page.clean_text for p in PARAS)


def test_body_wrapped_in_a_paywall_class_survives():
    paras = "".join(f"<p>{p}</p>" for p in PARAS)
    html = (
        "<html><head><title>Rebels repel attack</title></head><body><article><h1>Rebels repel attack</h1>"
        f"<div class='paywall-content subscriber-only'>{paras}</div></article></body></html>"
    )
    page = clean_page(html, kind="html")
    assert all(p in page.clean_text for p in PARAS)


def test_token_matching_uses_whole_parts():
    html = _page(
        "",
        after="<div class='shareholder-report'><p>Shareholders approved the plan.</p></div>"
        "<div class='socialShare'><a href='#'>Share</a></div>",
    )
    removed, _ = prune(parse_fragment(html))
    assert [r.rule for r in removed] == ["prune:share"]


def test_link_only_teasers_go_but_linked_sentences_stay():
    body_link = (
        "<p><a href='/report'>The full report was published by the monitoring group on Monday.</a></p>"
    )
    teaser = "<p><a href='/other'><strong>SEPARATE STORY ABOUT AN ELECTION RESULT</strong></a></p>"
    html = _page("", after=body_link + teaser)
    page = clean_page(html, kind="html")
    assert "SEPARATE STORY" not in page.clean_text
    assert "The full report was published by the monitoring group on Monday." in page.clean_text
    assert any(r.rule == "link_block" and r.kind == "teaser" for r in page.removed)


def test_standfirst_in_the_headline_header_goes():
    html = (
        "<html><head><title>Rebels repel attack near Saraqeb</title></head><body><article>"
        "<header class='article-header'><h1>Rebels repel attack near Saraqeb</h1>"
        "<h2 class='sub'>Fighting moved closer to the city as residents queued for bread</h2></header>"
        + "".join(f"<p>{p}</p>" for p in PARAS)
        + "</article></body></html>"
    )
    page = clean_page(html, kind="html")
    assert "queued for bread" not in page.clean_text
    assert any(r.rule == "standfirst" for r in page.removed)
    # The headline opens clean_text as its own paragraph; the body starts right after it.
    assert page.clean_text.startswith("Rebels repel attack near Saraqeb\n\n" + PARAS[0])
    assert page.body.startswith(PARAS[0])


def test_subheadings_inside_the_body_stay():
    paras = "".join(f"<p>{p}</p>" for p in PARAS)
    html = _page("", after=f"<h2>What happens next for the displaced</h2>{paras}")
    assert "What happens next for the displaced" in clean_page(html, kind="html").clean_text


def test_headline_with_site_suffix_is_stripped_and_opens_the_text_once():
    page = clean_page(_page("<p>Rebels repel attack near Saraqeb</p>"), kind="html")
    assert page.title == "Rebels repel attack near Saraqeb"
    assert page.clean_text.startswith("Rebels repel attack near Saraqeb\n\n" + PARAS[0])
    assert page.clean_text.count("Rebels repel attack near Saraqeb") == 1
    assert "Rebels repel attack near Saraqeb" not in page.body
    assert "Daily Example" not in page.clean_text


def test_language_and_canonical_url_from_markup():
    head = "<link rel='canonical' href='https://example.org/world/saraqeb'>"
    head += "<meta property='og:locale' content='en_GB'>"
    page = clean_page(_page("", head=head), kind="html")
    assert page.url == "https://example.org/world/saraqeb"
    assert page.language == "en"


def test_paywall_class_without_a_notice_does_not_flag():
    html = _page("", before="<div class='paywall-teaser'><p>Subscribe for 1 euro</p></div>")
    assert not clean_page(html, kind="html").paywall_truncated


def test_pruned_paywall_notice_flags_with_share():
    notice = "<div class='overlay-paywall'><p>You have 40% of this article left to read.</p></div>"
    page = clean_page(_page("", after=notice), kind="html")
    assert page.paywall_truncated and page.unread_share == 0.4


def test_html_without_article_is_unparseable():
    try:
        clean_page("<html><body><nav><a href='/'>Home</a></nav></body></html>", kind="html")
    except UnparseablePage as exc:
        assert str(exc)
    else:
        raise AssertionError("expected UnparseablePage")


def test_repeated_run_of_paragraphs_goes_once():
    result = clean_lines([*PARAS, "Short note", *PARAS[1:4]])
    assert result.lines == [*PARAS, "Short note"]
    assert [r.rule for r in result.removed] == ["repeated_block"] * 3


def test_single_line_recurring_three_times_is_structure():
    question = "What do you think of the new ceasefire arrangement for the province?"
    lines = [question, PARAS[0], question, PARAS[1], question, PARAS[2]]
    assert clean_lines(lines).lines.count(question) == 3


def test_paywall_box_of_many_blocks_flags_from_its_notice_sentence():
    # A whole paywall box (title, meter, offer, price, button) is long; the notice is one of its blocks.
    box = (
        "<div class='paywall'><p>Members only beyond this point.</p>"
        "<p>There is 55% of this story left to read.</p><h2>Keep going with a plan</h2>"
        "<p>Unlimited access to every report: $2 for the first month, then $12 per month. Cancel anytime.</p>"
        "<p>Join more than 80,000 readers who rely on our coverage every single day of the week.</p>"
        "<a class='btn' href='/offer'>Start now</a><p>Already a member? Sign in</p></div>"
    )
    page = clean_page(_page("", after=box), kind="html")
    assert page.paywall_truncated and page.unread_share == 0.55
    assert "80,000" not in page.clean_text and "55%" not in page.clean_text
    assert all(p in page.clean_text for p in PARAS)


def test_subscribe_box_without_a_truncation_notice_does_not_flag():
    box = (
        "<div class='subscribe-box'><p>Unlimited access to every report: $2 for the first month.</p>"
        "<p>Join more than 80,000 readers.</p><p>Already a member? Sign in</p></div>"
    )
    page = clean_page(_page("", after=box), kind="html")
    assert not page.paywall_truncated
