"""Figures in the layout of reports, on invented texts: "cases of <topic>", "Label: N" lines, bullet lists
under a heading, runs of place-number pairs, and the totals such lists break down."""

import re
from dataclasses import dataclass

from pipelines.figures import extract_figures


@dataclass
class Mention:
    start: int
    end: int
    surface: str
    entity_type: str
    entity_id: str | None
    entity_kind: str | None = None


PLACES = ["Kafrun", "Tell Sabil", "Darat", "Hama", "Norland", "Rawda", "Marj"]


def mentions(text: str) -> list[Mention]:
    out = []
    for name in PLACES:
        for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text):
            out.append(Mention(m.start(), m.end(), name, "location", "loc:" + name.lower(), "town"))
    return sorted(out, key=lambda m: m.start)


def figs(text: str):
    return extract_figures(text, mentions(text))


def at(found, surface_part: str):
    hits = [f for f in found if surface_part in f.surface]
    assert len(hits) == 1, [(f.surface, f.category) for f in found]
    return hits[0]


def test_cases_of_a_topic_count_people_and_later_cases_share_the_topic():
    text = (
        "The monitor documented 120 cases of arbitrary detention in Norland in May. "
        "This compares with 95 cases in April.\n\nAnother 40 cases of cholera were reported."
    )
    found = figs(text)
    assert at(found, "120 cases").category == "detained"
    assert at(found, "95 cases").category == "detained"
    # a disease is no topic: cases stay a count of things
    assert at(found, "40 cases").category == "other"


def test_cases_without_any_topic_are_things():
    found = figs("The court heard 14 cases this week.")
    assert at(found, "14 cases").category == "other"


def test_parts_of_a_cases_total_take_its_category():
    found = figs("The group recorded 60 cases of abduction, including 8 children and 5 women.")
    total = found.index(at(found, "60 cases"))
    for part in ("8 children", "5 women"):
        f = at(found, part)
        assert (f.category, f.part_of) == ("detained", total)


def test_label_line_takes_the_category_its_label_names():
    text = "Key figures\n\n- Events recorded: 310\n\n- Reported fatalities: 204\n\nThe month was calm."
    found = figs(text)
    people = [f for f in found if f.category != "other"]
    assert [(f.surface, f.category) for f in people] == [("204", "killed")]


def test_a_bare_label_number_without_a_topic_is_no_figure():
    found = figs("Contact\n\n- Office hours: 9\n\n- Staff on duty: 12")
    assert [f for f in found if f.category != "other"] == []


def test_place_run_breaks_down_the_total_it_adds_up_to():
    text = (
        "The network recorded at least 100 arrests in Norland in June.\n\n"
        "Breakdown by governorate\n\n"
        "Hama 40, Kafrun 30, Darat 20, other governorates 10."
    )
    found = figs(text)
    total = found.index(at(found, "100 arrests"))
    parts = [f for f in found if f.part_of == total]
    assert [(f.value, f.category) for f in parts] == [(v, "detained") for v in (40, 30, 20, 10)]
    assert at(found, "Hama 40").location_entity_id == "loc:hama"


def test_place_run_that_adds_up_to_nothing_is_dropped():
    found = figs("Scores by town\n\nHama 40, Kafrun 30, Darat 20.")
    assert [f for f in found if f.category != "other"] == []


def test_place_run_under_a_label_takes_its_topic_and_the_first_larger_total():
    text = (
        "- Reported fatalities: 500\n\n"
        "- Governorates with most fatalities: Hama (120), Kafrun (90), Darat (60)\n\n"
        "Fighting continued."
    )
    found = figs(text)
    total = found.index(at(found, "500"))
    for part in ("Hama (120)", "Kafrun (90)", "Darat (60)"):
        f = at(found, part)
        assert (f.category, f.part_of) == ("killed", total)


def test_bullets_under_a_topic_heading_are_parts_of_the_first_larger_figure_of_that_topic():
    text = (
        "Some 50,000 people were uprooted from the valley since Monday.\n\n"
        "DISPLACEMENT BY AREA\n\n"
        "- Kafrun district: about 12,000 people, including 5,000 children\n\n"
        "- Marj district: 7,500\n\n"
        "- Darat district: several thousand, unverified\n\n"
        "Aid has been delivered."
    )
    found = figs(text)
    total = found.index(at(found, "50,000"))
    assert at(found, "12,000").category == "displaced"
    assert at(found, "12,000").part_of == total
    assert at(found, "7,500").category == "displaced"
    assert at(found, "7,500").part_of == total
    assert at(found, "7,500").location_entity_id == "loc:marj"
    assert at(found, "several thousand").part_of == total
    children = at(found, "5,000 children")
    assert (children.category, children.part_of) == ("displaced", found.index(at(found, "12,000")))


def test_bullet_counts_adding_up_to_a_stated_total_are_its_parts():
    text = (
        "The office documented 90 cases of arrest in total.\n\n"
        "By perpetrator\n\n"
        "- Government forces: 50 cases, including 3 women.\n\n"
        "- Armed opposition groups: 40 cases."
    )
    found = figs(text)
    total = found.index(at(found, "90 cases"))
    assert at(found, "50 cases").part_of == total
    assert at(found, "40 cases").part_of == total


def test_list_of_years_is_no_place_run():
    found = figs("Hama 2019, Kafrun 2020, Darat 2021.")
    assert [f for f in found if f.category != "other"] == []


def test_partitive_of_a_category_is_a_part_of_the_paragraphs_first_total_of_it():
    text = (
        "The monitor recorded 80 cases of arrest in June, against 60 cases in May. "
        "At least 25 of those arrested were later released."
    )
    found = figs(text)
    part = at(found, "25")
    assert part.part_of == found.index(at(found, "80 cases"))


def test_partitive_naming_one_place_joins_that_places_total_and_several_places_the_document_total():
    text = (
        "- Reported fatalities: 400\n\n"
        "- Provinces with most fatalities: Hama (150), Kafrun (120), Darat (60)\n\n"
        "In Kafrun, at least 30 of the dead were farmers.\n\n"
        "Unknown gunmen were responsible for 170 of the deaths recorded in Hama and Darat together."
    )
    found = figs(text)
    assert at(found, "30 of the dead").part_of == found.index(at(found, "Kafrun (120)"))
    assert at(found, "170 of the deaths").part_of == found.index(at(found, "400"))


def test_a_share_of_a_total_is_its_part():
    text = (
        "Monitors recorded 500 deaths in March.\n\n"
        "Armed groups accounted for 210 fatalities, mostly in the east."
    )
    found = figs(text)
    assert at(found, "210 fatalities").part_of == found.index(at(found, "500 deaths"))


def test_opening_that_names_a_category_gives_a_bare_count_its_category_and_whole():
    text = (
        "- Reported fatalities: 300\n\n"
        "- Provinces with most fatalities: Hama (90), Kafrun (70)\n\n"
        "Of the fatalities recorded in Hama, 40 were civilians, including 12 children."
    )
    found = figs(text)
    forty = at(found, "40")
    assert (forty.category, forty.part_of) == ("killed", found.index(at(found, "Hama (90)")))
    children = at(found, "12 children")
    assert (children.category, children.part_of) == ("killed", found.index(forty))


def test_the_dead_include_breaks_down_the_previous_total():
    text = "At least 40 people were killed in the fighting. The dead include 15 soldiers and 20 rebels."
    found = figs(text)
    total = found.index(at(found, "40 people"))
    for part in ("15 soldiers", "20 rebels"):
        f = at(found, part)
        assert (f.category, f.part_of) == ("killed", total)


def test_coordinated_count_after_a_part_is_a_part_too():
    text = (
        "Eleven detainees died in custody in May. "
        "Eight of the deaths occurred in state prisons and three in camps."
    )
    found = figs(text)
    total = found.index(at(found, "Eleven detainees"))
    assert at(found, "Eight of the deaths").part_of == total
    three = at(found, "three")
    assert (three.category, three.part_of) == ("killed", total)


def test_bare_count_opening_a_clause_is_a_part_of_its_paragraphs_total():
    text = (
        "- Police: 30 cases of arrest, including 4 minors. Officers detained traders in the market; "
        "several were taken to an unknown location."
    )
    found = figs(text)
    several = at(found, "several")
    assert several.part_of == found.index(at(found, "30 cases"))


def test_partitive_of_a_generic_noun_in_a_news_story_keeps_its_own_reading():
    found = figs("Three people were killed in Hama on Monday. One of the men was a teacher.")
    assert all(f.part_of is None or f.category == "killed" for f in found)


def test_a_count_in_brackets_after_a_count_is_its_part():
    text = (
        "The monitor recorded the deaths of 300 civilians in the quarter.\n\n"
        "Deaths by province\n- Hama: 120 (14 children)\n- Darat: 80 (9 children)"
    )
    found = figs(text)
    for total, part in (("120", "14 children"), ("80", "9 children")):
        whole, child = at(found, total), at(found, part)
        assert child.part_of == found.index(whole)
        assert (child.category, child.location_entity_id) == (whole.category, whole.location_entity_id)


def test_including_in_brackets_is_a_part():
    found = figs("Shelling of Kafrun killed 41 people (including 12 children) on Monday.")
    assert at(found, "12 children").part_of == found.index(at(found, "41 people"))
    assert at(found, "12 children").category == "killed"


def test_a_breakdown_that_names_an_earlier_total_again_repeats_it():
    text = (
        "The monitor documented the deaths of 412 civilians in Hama during the quarter.\n\n"
        "Of the 412 victims, 118 were killed by shelling, 39 by air strikes and 22 by gunmen."
    )
    found = figs(text)
    total, again = at(found, "412 civilians"), at(found, "412 victims")
    assert again.repeat_of == found.index(total)
    for part in ("118", "39", "22"):
        got = next(f for f in found if f.surface.startswith(part))
        assert got.part_of == found.index(total)
        assert got.location_entity_id == "loc:hama"  # the total's place, through the repeat


def test_a_new_total_after_of_the_is_no_repeat():
    text = (
        "The monitor documented the deaths of 412 civilians in Hama.\n\nOf the 300 wounded, 40 were children."
    )
    found = figs(text)
    assert at(found, "300 wounded").repeat_of is None


def test_a_breakdown_may_name_a_qualified_total_again():
    text = (
        "Clashes near Rawda left at least 17 people dead on Sunday.\n\n"
        "Of the 17 dead, 12 were members of the garrison and two were civilians."
    )
    found = figs(text)
    total = at(found, "at least 17 people")
    assert at(found, "17 dead").repeat_of == found.index(total)
    assert next(f for f in found if f.surface.startswith("12")).part_of == found.index(total)


def test_together_with_shares_the_clause_verb_across_a_time_phrase():
    found = figs("He was killed on Monday evening, together with three of his bodyguards, near Hama.")
    assert at(found, "three of his bodyguards").category == "killed"
