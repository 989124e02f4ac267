"""Text-level rules: what each kind of boilerplate line looks like, what body text must survive, and the
validation of the rule files."""

from __future__ import annotations

import pytest

from pipelines.cleaning import UnparseablePage, clean_page
from pipelines.cleaning.lines import clean_lines
from pipelines.cleaning.rules import RuleFileError, parse_prune_rules, parse_text_rules, split_name
from pipelines.cleaning.textnorm import normalize_text

BODY = [
    "Rebel factions in the north-west said on Monday that they had repelled an attack near the town.",
    "The group, whose membership is estimated at several thousand, joined the coalition in 2017.",
    "An official, commenting on the clashes, told reporters that 25 people had been killed.",
    "Analysts said the group's members were wary of infiltration by rival militants.",
]


def _clean(lines: list[str]) -> tuple[list[str], dict[str, str]]:
    result = clean_lines(lines)
    return result.lines, {r.text: r.rule for r in result.removed}


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Skip to main content", "navigation"),
        ("Scroll down for video", "media_prompt"),
        ("Read also: Ceasefire talks stall as shelling resumes", "teaser"),
        ("Read the story also: The material is reserved for our subscribers Talks stall", "teaser"),
        ("More in Middle East", "teaser"),
        ("News | Analysis | Features | Podcasts", "navigation"),
        ("Home • World • Middle East", "navigation"),
        ("About us – Legal notice – Terms of sale – Privacy", "navigation"),
        ("$12.99 / month", "subscription"),
        ("€9 per month", "subscription"),
        ("billed annually", "subscription"),
        ("Start your 14-day free trial", "subscription"),
        ("Already a subscriber? Log in", "subscription"),
        ("Sign in", "subscription"),
        ("Subscribe now for unlimited access", "subscription"),
        ("Sign up for our daily briefing newsletter", "newsletter"),
        ("Delivered straight to your inbox.", "newsletter"),
        ("Leave a Reply", "comments"),
        ("Your email address will not be published. Required fields are marked *", "comments"),
        ("Please let us know if you're having issues with commenting.", "comments"),
        ("IMG_20190223_1234.jpg", "photo_credit"),
        ("Photo: Jane Doe", "photo_credit"),
        ("Reuters/File Jane Doe", "photo_credit"),
        ("Jane Doe/Getty Images", "photo_credit"),
        ("By AFP", "navigation"),
        ("We use cookies to improve your experience on our site.", "other"),
        ("Get access to the real stories first with the digital edition", "promo"),
    ],
)
def test_boilerplate_line_is_removed_with_its_kind(line, kind):
    kept, _ = _clean([*BODY, line, "Officials gave no figure for the wounded on Tuesday evening."])
    assert line not in kept
    assert "Officials gave no figure for the wounded on Tuesday evening." in kept
    result = clean_lines([*BODY, line])
    assert [r.kind for r in result.removed if r.text == line] == [kind]


@pytest.mark.parametrize(
    "line",
    [
        *BODY,
        "Join the fight, he urged, in a recording circulated among fighters.",
        "The rest of the convoy reached the city before dawn, officials said.",
        "More than 300 fighters are thought to be trapped there.",
        "Subscribers to the group's channel were told to move to the province in small numbers.",
        "Sign language interpreters were not present at the hearing, the lawyer said.",
        "The photo, taken in 2014, shows the commander in the city of Raqqa.",
        "Read more broadly, the statement signals a shift in the group's strategy.",
        "Some 1/3 of the fighters are foreigners.",
        "Free Syrian Army units withdrew from the area.",
        "Topics discussed included the ceasefire.",
        "Updated figures show 300 killed.",
        "The photo agency said the image was taken in 2014 by a local freelancer.",
        "Aleppo, Hama and Homs / Idlib were all hit, the monitor said.",
        "Syria – the long war",
    ],
)
def test_body_sentence_survives(line):
    context = [
        "Sign in",
        "Officials gave no figure for the wounded on Tuesday evening.",
        line,
        "Subscribe now",
    ]
    kept, removed = _clean(context)
    assert line in kept, removed


def test_trailing_credit_is_cut_from_caption_and_recorded():
    caption = "Displaced families wait at the border crossing. Photo: Jane Doe"
    result = clean_lines([caption, *BODY])
    assert result.lines[0] == "Displaced families wait at the border crossing."
    assert [(r.text, r.kind) for r in result.removed] == [("Photo: Jane Doe", "photo_credit")]


def test_identical_repeated_line_is_removed_once():
    line = "Displaced families wait at the border crossing near the town of Atmeh."
    result = clean_lines([line, line, *BODY])
    assert result.lines.count(line) == 1
    assert [r.rule for r in result.removed] == ["repeated_line"]


def test_headline_repeated_in_body_is_removed():
    title = "Rebels brace for new offensive in the north-west"
    result = clean_lines([title, BODY[0], title, *BODY[1:]], title=title)
    assert title not in result.lines
    assert {r.rule for r in result.removed} == {"repeated_title"}


def test_plain_text_title_is_first_substantial_non_boilerplate_line():
    page = clean_page(
        "Skip to main content\nHome\n\nRebels brace for a new offensive\n\n" + "\n".join(BODY), kind="text"
    )
    assert page.title == "Rebels brace for a new offensive"
    assert "Home" not in page.clean_text
    # The title line becomes the first paragraph, once; the body follows it.
    assert page.clean_text.startswith("Rebels brace for a new offensive\n\n" + BODY[0])
    assert page.clean_text.count("Rebels brace for a new offensive") == 1
    assert page.body.startswith(BODY[0])
    # The line kept as the headline is not a removal.
    assert "Rebels brace for a new offensive" not in [r.text for r in page.removed]


def test_title_hint_wins_for_plain_text():
    page = clean_page(
        "Some other first line here\n\n" + "\n\n".join(BODY), kind="text", title_hint="My headline"
    )
    assert page.title == "My headline"
    assert "Some other first line here" in page.clean_text


def test_membership_box_after_body_goes_whole_but_body_stays():
    box = [
        "Join thousands of professionals with our premium service.",
        "Free",
        "Exclusive insights and expert memos every week.",
        "Capital Markets",
        "Oil & Gas",
        "Banking",
        "$25.00 / month",
        "billed annually",
        "Already a member? Sign in",
        "Energy",
    ]
    kept, removed = _clean([*BODY, *box])
    assert kept == BODY
    assert set(removed) == set(box)


def test_short_final_paragraph_after_a_lone_teaser_survives():
    last = "The group's members have denied the claims."
    kept, _ = _clean([*BODY, "Read also: Talks stall as shelling resumes", last])
    assert kept[-1] == last


def test_body_between_two_distant_boxes_survives():
    lines = ["Sign up for our newsletter", *BODY, *BODY[::-1], "Subscribe now for unlimited access"]
    kept, _ = _clean(lines)
    assert kept[: len(BODY)] == BODY


def test_short_body_line_between_two_photo_credits_survives():
    lines = [BODY[0], "Photo: Jane Doe", "Free at last.", "Smoke rises", "Photo: John Roe", BODY[1]]
    kept, _ = _clean(lines)
    assert "Smoke rises" in kept and "Free at last." in kept


def test_paywall_notice_sets_flag_and_share():
    result = clean_lines([*BODY, "You have 64,5% of this article left to read. The rest is for subscribers."])
    assert result.paywall_truncated
    assert result.unread_share == pytest.approx(0.645)


@pytest.mark.parametrize(
    "notice",
    [
        "This content is for subscribers only.",
        "The rest of this story is locked.",
        "There is 70% left to read.",
        "62% of this article remains to be read.",
        "To read the full article, please subscribe.",
        "Subscribe to read the full story",
        "Log in to keep reading",
        "Unlock this article",
        "You have reached your free article limit for this month.",
        "Continue reading with a digital subscription",
    ],
)
def test_paywall_vocabulary_sets_flag(notice):
    assert clean_lines([*BODY, notice]).paywall_truncated


@pytest.mark.parametrize(
    "line",
    [
        "Already a subscriber? Log in",
        "Subscribe for 1 euro",
        "The group said 40% of its fighters were left to guard the road.",
        "'You have read the articles about him,' the judge told the defendant on Monday.",
    ],
)
def test_offers_and_body_percentages_do_not_set_paywall(line):
    assert not clean_lines([*BODY, line]).paywall_truncated


def test_teaser_with_subscriber_badge_does_not_set_paywall():
    result = clean_lines([*BODY, "Read also: Subscribers only Ceasefire talks stall", BODY[0] + " More."])
    assert not result.paywall_truncated


def test_normalisation_folds_spaces_and_composes():
    text = normalize_text("Caf\u0065\u0301\u00a0in\u2009Idlib\u202fnow")
    assert text == "Café in Idlib now"


def test_unicode_spaces_folded_in_clean_text():
    page = clean_page(
        "Headline of the story\n\nThe\u00a0fighters\u2002left \u201cquietly\u201d \u2014 officials said.",
        kind="text",
    )
    assert page.body == "The fighters left \u201cquietly\u201d \u2014 officials said."
    assert page.clean_text == "Headline of the story\n\n" + page.body


def test_empty_page_is_unparseable():
    with pytest.raises(UnparseablePage, match="empty"):
        clean_page("  \n ", kind="text")


def test_all_boilerplate_page_is_unparseable():
    with pytest.raises(UnparseablePage, match="nothing is left"):
        clean_page("Skip to main content\nSign in\nSubscribe now for unlimited access", kind="text")


def test_unknown_kind_is_rejected():
    with pytest.raises(ValueError):
        clean_page("text", kind="pdf")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"id": "x", "kind": "nope", "match": "full", "pattern": "a", "risk": "r"}, "kind"),
        ({"id": "x", "kind": "promo", "match": "any", "pattern": "a", "risk": "r"}, "match"),
        ({"id": "x", "kind": "promo", "match": "full", "pattern": "(", "risk": "r"}, "compile"),
        ({"id": "x", "kind": "promo", "match": "full", "pattern": "a"}, "risk"),
        (
            {"id": "x", "kind": "promo", "match": "full", "pattern": "a", "risk": "r", "max_words": 0},
            "max_words",
        ),
    ],
)
def test_malformed_text_rule_is_reported(entry, message):
    with pytest.raises(RuleFileError, match=message):
        parse_text_rules({"rules": [entry]})


def test_duplicate_rule_id_is_reported():
    entry = {"id": "x", "kind": "promo", "match": "full", "pattern": "a", "risk": "r"}
    with pytest.raises(RuleFileError, match="duplicate"):
        parse_text_rules({"rules": [entry, entry]})


def test_malformed_prune_token_is_reported():
    with pytest.raises(RuleFileError, match="kind"):
        parse_prune_rules({"tokens": [{"token": "share", "kind": "bad", "risk": "r"}]})


def test_class_names_split_into_parts():
    assert split_name("newsletterSignup-box") == ("newsletter", "signup", "box")
    assert split_name("shareholder") == ("shareholder",)


TEASERS = [
    "Militia leader shot dead at checkpoint outside Daraa",
    "Aid convoy reaches besieged camp after weeks of talks",
    "Why 3,000 families are still waiting to go home",
]


@pytest.mark.parametrize(
    "label",
    [
        "Related stories",
        "More on this story",
        "Read more:",
        "Most read",
        "See also",
        "Further reading",
        "Related",
    ],
)
def test_headlines_after_a_teaser_label_go_until_the_next_paragraph(label):
    kept, removed = _clean([*BODY[:2], label, *TEASERS, *BODY[2:]])
    assert kept == BODY
    assert all(removed[t] == "teaser_lead_in_run" for t in TEASERS)


def test_label_carrying_its_own_teaser_does_not_take_the_next_subheading():
    kept, _ = _clean([BODY[0], "Related post: Ceasefire talks stall", "What the fighters want", *BODY[1:]])
    assert "What the fighters want" in kept


def test_trailing_headlines_without_a_label_go_on_text_pages():
    result = clean_lines([*BODY, *TEASERS[:2], "Share this article"], headline_runs=True)
    assert result.lines == BODY
    assert not any("3,000" in line for line in result.lines)


def test_headline_run_between_paragraphs_needs_three_lines():
    three = clean_lines([*BODY[:2], *TEASERS, *BODY[2:]], headline_runs=True)
    assert three.lines == BODY
    # A subheading and a caption between two paragraphs stay.
    two = ["Fighting resumes in the south", "Smoke rises over the town of Ariha"]
    assert clean_lines([*BODY[:2], *two, *BODY[2:]], headline_runs=True).lines == [*BODY[:2], *two, *BODY[2:]]


@pytest.mark.parametrize(
    "tail",
    [
        # a timeline or schedule
        ["Key dates", "March 2011 – Protests begin in Deraa", "January 2017 – The coalition is renamed"],
        # a list the body introduces
        ["The council listed its demands:", "Release of all detainees", "A return of displaced families"],
        # items sharing one separator
        ["Abu Ahmad: commander of the northern sector", "Abu Khaled: head of the security office"],
        # bulleted items
        ["• Release of all detainees held since the spring", "• Safe return for displaced families"],
        # a single closing subheading-like line
        ["Reporting from the front line near Idlib"],
    ],
)
def test_body_lists_and_single_lines_at_the_end_stay(tail):
    assert clean_lines([*BODY, *tail], headline_runs=True).lines == [*BODY, *tail]


def test_headline_and_standfirst_on_top_are_not_a_teaser_run():
    page = clean_page(
        "\n".join(
            [
                "Rebels repel attack near the town of Saraqeb",
                "Fighting continues as government forces regroup on the edge of the province",
                *BODY,
            ]
        ),
        kind="text",
    )
    assert page.title == "Rebels repel attack near the town of Saraqeb"
    assert page.body.startswith("Fighting continues")
    assert page.headline == "Rebels repel attack near the town of Saraqeb"


def test_section_menu_is_not_taken_as_the_title_of_a_text_page():
    page = clean_page(
        "\n".join(["Site Name", "News | Analysis | Podcasts", "Rebels repel attack near Saraqeb", *BODY]),
        kind="text",
    )
    assert page.title == "Rebels repel attack near Saraqeb"
    assert "Podcasts" not in page.clean_text and "Rebels repel" not in page.body
    assert page.headline == "Rebels repel attack near Saraqeb"
