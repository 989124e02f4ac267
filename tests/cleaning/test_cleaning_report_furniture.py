"""Header furniture of report and press-release pages: the outlet-and-section line and the tool bar
(SPEC §2, navigation). Invented lines."""

from __future__ import annotations

import pytest

from pipelines.cleaning.lines import clean_lines

BODY = [
    "Rebel factions in the north-west said on Monday that they had repelled an attack near the town.",
    "The group, whose membership is estimated at several thousand, joined the coalition in 2017.",
    "An official, commenting on the clashes, told reporters that 25 people had been killed.",
]
LAST = "Officials gave no figure for the wounded on Tuesday evening."


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("Euphrates Watch | Reports", "section_breadcrumb"),
        ("Centre for Desert Studies | Analysis", "section_breadcrumb"),
        ("Ministry of Justice › Press releases", "section_breadcrumb"),
        ("News | Northern Front Observer", "section_breadcrumb"),
        ("Print | Share this report", "share_tools_line"),
        ("Share • Print • Download PDF", "share_tools_line"),
        ("Email this release | Print | Comments", "share_tools_line"),
        ("Print this report", "share_prompt"),
        ("Institute for Frontier Studies | Group Profiles", "section_breadcrumb"),
        ("Northern Press Review | Translated from the Arabic", "section_breadcrumb"),
        ("Download PDF | Cite this paper", "share_tools_line"),
        ("Share on Facebook | Share on X", "share_tools_line"),
        ("Comments (3) | Leave a Reply", "share_tools_line"),
        ("Related reports: Desert cells | The border crossings", "teaser_read_also"),
        ("[Translated by Northern Press Review from the Arabic original.]", "reporting_credit"),
        ("Download the data (XLSX) | Press enquiries: office@example.org", "press_contact"),
        ("Refresh this page for the latest updates.", "navigation_line"),
        ("4 March 2024 · 9 min read", "navigation_line"),
        ("Donations can be made at relief.example.org/appeal.", "donation_prompt"),
        ("Share this post: X · Facebook · Telegram · Email", "share_label_line"),
    ],
)
def test_header_furniture_goes(line, rule):
    result = clean_lines([line, *BODY, LAST])
    assert line not in result.lines
    assert [r.rule for r in result.removed if r.text == line] == [rule]
    assert result.lines[-1] == LAST


@pytest.mark.parametrize(
    "line",
    [
        "Reports of shelling near the town continued overnight, residents said.",
        "Print and broadcast outlets in the province were shut by the authorities.",
        "Share prices of the state telecom operator fell after the strike.",
        "Analysis of the satellite images showed the depot had been destroyed.",
        "Shelling resumes as ceasefire collapses in the north-west | The Valley Post",
        "Fighters from three factions | some of them foreigners | were seen in the town.",
        "He translated from the Arabic the letters the commander had left behind in the town.",
        "Residents said they could not refresh their supplies for the third week running.",
        "The report, released by the press office on Monday, cited 40 deaths in the camp.",
    ],
)
def test_body_lines_with_the_same_words_stay(line):
    result = clean_lines([*BODY, line, LAST])
    assert line in result.lines, [(r.text, r.rule) for r in result.removed]


@pytest.mark.parametrize("mark", ["ENDS", "-ENDS-", "- 30 -", "Notes to editors:"])
def test_a_press_release_end_mark_takes_the_furniture_after_it(mark):
    after = [
        "- Spokespeople are available in English and Arabic in Gaziantep.",
        "- The Relief Alliance is a registered charity (no. 1234567) working in Syria since 2012.",
    ]
    result = clean_lines([*BODY, LAST, mark, *after])
    assert result.lines == [*BODY, LAST]
    assert [r.rule for r in result.removed] == ["press_release_end"] + ["after_body_end"] * len(after)


def test_an_end_mark_before_any_body_takes_nothing_along():
    result = clean_lines(["ENDS", *BODY, LAST])
    assert result.lines == [*BODY, LAST]
