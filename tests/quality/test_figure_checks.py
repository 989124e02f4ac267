"""Each figure-level check with data that makes it fail and data that makes it pass."""

import datetime as dt

import pandas as pd
import pytest

from pipelines import settings
from pipelines.quality import figure_checks as fc
from pipelines.storage.contracts import validate
from pipelines.storage.warehouse import frame

CONFIG = fc.FigureCheckConfig()  # factor 10, outlier 10x with 3 earlier claims, similarity 0.8


def fig(fid, doc="d1", value=100.0, low="same", high="same", qualifier="exact", category="fighters", **kw):
    surface = kw.pop("surface", f"{int(value)} fighters" if value is not None else "some fighters")
    start = kw.pop("start", 0)
    return {
        "figure_id": fid,
        "doc_id": doc,
        "char_start": start,
        "char_end": start + len(surface),
        "surface": surface,
        "value": value,
        "low": value if low == "same" else low,
        "high": value if high == "same" else high,
        "qualifier": qualifier,
        "category": category,
        **kw,
    }


def figures(*rows) -> pd.DataFrame:
    return frame("figures", list(rows))


def docs(*rows) -> pd.DataFrame:
    return frame(
        "documents",
        [{"clean_text": "x", "outlet": None, "published_date": None, **r} for r in rows],
    )


def dates(*rows) -> pd.DataFrame:
    return frame("dates", list(rows))


def day(date_id, doc, start):
    return {"date_id": date_id, "doc_id": doc, "surface": str(start), "date_start": start, "date_end": start}


def pairs(df: pd.DataFrame) -> set[tuple[str, str | None]]:
    return {
        (r.figure_id, r.other_figure_id if isinstance(r.other_figure_id, str) else None)
        for r in df.itertuples()
    }


# --- parts and breakdowns -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("part", "flagged"),
    [
        (fig("p", value=150.0, part_of_figure_id="w"), True),  # a part larger than its whole
        (fig("p", value=100.0, part_of_figure_id="w"), False),  # equal is fine
        (fig("p", value=None, low=130.0, high=200.0, qualifier="range", part_of_figure_id="w"), True),
        (fig("p", value=None, low=None, high=500.0, qualifier="at_most", part_of_figure_id="w"), False),
        (fig("p", value=150.0, part_of_figure_id="w", repeat_of_figure_id="x"), False),  # a repeat
        (fig("p", value=150.0), False),  # not a part of anything
    ],
)
def test_part_larger_than_its_whole(part, flagged):
    whole = fig("w", value=120.0)
    out = fc.parts_exceeding_whole(figures(whole, part))
    assert (pairs(out) == {("p", "w")}) is flagged
    if flagged:
        assert "larger than its whole 120" in out["reason"][0]


def test_a_whole_without_an_upper_bound_holds_any_part():
    whole = fig("w", value=100.0, high=None, qualifier="at_least")  # "more than 100"
    assert fc.parts_exceeding_whole(figures(whole, fig("p", value=150.0, part_of_figure_id="w"))).empty


@pytest.mark.parametrize(
    ("values", "flagged"),
    [((60.0, 50.0), True), ((60.0, 40.0), False), ((500.0, 300.0, 390.0, 130.0), False)],
)
def test_breakdown_against_its_total(values, flagged):
    whole = fig("w", value=100.0 if len(values) == 2 else 1490.0)
    parts = [fig(f"p{i}", value=v, start=10 * (i + 1), part_of_figure_id="w") for i, v in enumerate(values)]
    out = fc.breakdowns_exceeding_total(figures(whole, *parts))
    assert (pairs(out) == {("w", None)}) is flagged
    if flagged:
        assert "= 110 exceeds the total 100" in out["reason"][0]


def test_breakdown_ignores_repeats_and_nested_parts():
    rows = [
        fig("w", value=100.0),
        fig("a", value=60.0, start=10, part_of_figure_id="w"),
        fig("b", value=30.0, start=20, part_of_figure_id="w"),
        fig("b2", value=30.0, start=30, part_of_figure_id="w", repeat_of_figure_id="b"),  # restated
        fig("c", value=25.0, start=40, part_of_figure_id="a"),  # a part of a part
    ]
    assert fc.breakdowns_exceeding_total(figures(*rows)).empty


# --- dates ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "published", "flagged"),
    [
        (dt.date(2019, 8, 1), dt.date(2019, 3, 4), True),
        (dt.date(2019, 3, 1), dt.date(2019, 3, 4), False),
        (dt.date(2019, 3, 4), dt.date(2019, 3, 4), False),  # the same day is not after
        (dt.date(2019, 8, 1), None, False),  # no publication date: nothing to compare
    ],
)
def test_figure_dated_after_publication(start, published, flagged):
    f = figures(fig("f", date_id="d"))
    out = fc.figures_dated_after_publication(
        f, dates(day("d", "d1", start)), docs({"doc_id": "d1", "published_date": published})
    )
    assert (pairs(out) == {("f", None)}) is flagged
    if flagged:
        assert "after publication 2019-03-04" in out["reason"][0]


# --- cross-source ---------------------------------------------------------------------------------

TWO_DOCS = docs(
    {"doc_id": "d1", "published_date": dt.date(2019, 3, 1), "outlet": "A"},
    {"doc_id": "d2", "published_date": dt.date(2019, 5, 1), "outlet": "B"},
)


def claim(fid, doc, value, actor="grp:x", place="loc:y", **kw):
    return fig(fid, doc=doc, value=value, actor_entity_id=actor, location_entity_id=place, **kw)


@pytest.mark.parametrize(
    ("b", "flagged"),
    [
        (claim("b", "d2", 3000.0), True),  # 10x apart
        (claim("b", "d2", 30.0), True),  # 10x apart the other way
        (claim("b", "d2", 2000.0), False),  # within the factor
        (claim("b", "d1", 3000.0, start=50), False),  # the same document
        (claim("b", "d2", 3000.0, actor="grp:z"), False),  # another actor
        (claim("b", "d2", 3000.0, place=None), False),  # a claim without a place vs one with
        (claim("b", "d2", 3000.0, category="killed"), False),  # another category
        (claim("b", "d2", 3000.0, part_of_figure_id="w"), False),  # a part of a total
        (claim("b", "d2", 3000.0, low=None, qualifier="at_most"), False),  # "as many as": may be far fewer
    ],
)
def test_cross_source_disagreement(b, flagged):
    rows = [claim("a", "d1", 300.0), b]
    if b.get("part_of_figure_id"):
        rows.append(claim("w", "d2", 9000.0, start=99))
    out = fc.cross_source_disagreements(figures(*rows), dates(), TWO_DOCS, CONFIG)
    out = out[out["figure_id"].isin(["a", "b"]) & out["other_figure_id"].isin(["a", "b"])]
    assert (pairs(out) == {("a", "b"), ("b", "a")}) is flagged


def test_cross_source_uses_the_factor_the_analyst_sets():
    rows = figures(claim("a", "d1", 300.0), claim("b", "d2", 2000.0))
    assert fc.cross_source_disagreements(rows, dates(), TWO_DOCS, CONFIG).empty
    loose = fc.FigureCheckConfig(disagreement_factor=5)
    assert pairs(fc.cross_source_disagreements(rows, dates(), TWO_DOCS, loose)) == {("a", "b"), ("b", "a")}


def test_cross_source_compares_claims_of_one_year_only():
    rows = figures(claim("a", "d1", 300.0, date_id="t"), claim("b", "d2", 3000.0))  # d2 published 2019
    old = dates(day("t", "d1", dt.date(2017, 6, 1)))
    assert fc.cross_source_disagreements(rows, old, TWO_DOCS, CONFIG).empty
    same = dates(day("t", "d1", dt.date(2019, 1, 10)))
    assert len(fc.cross_source_disagreements(rows, same, TWO_DOCS, CONFIG)) == 2


def test_claims_without_a_place_are_comparable_with_each_other():
    rows = figures(claim("a", "d1", 300.0, place=None), claim("b", "d2", 3000.0, place=None))
    assert len(fc.cross_source_disagreements(rows, dates(), TWO_DOCS, CONFIG)) == 2
    # the same event is the same actor or the same place (issue 15): claims about one place without an actor
    # are compared, claims about neither are not
    no_actor = figures(claim("a", "d1", 300.0, actor=None), claim("b", "d2", 3000.0, actor=None))
    assert len(fc.cross_source_disagreements(no_actor, dates(), TWO_DOCS, CONFIG)) == 2
    nothing = figures(
        claim("a", "d1", 300.0, actor=None, place=None), claim("b", "d2", 3000.0, actor=None, place=None)
    )
    assert fc.cross_source_disagreements(nothing, dates(), TWO_DOCS, CONFIG).empty


# --- syndicated copies ----------------------------------------------------------------------------

STORY = "Fighters massed near the town. The group has 300 fighters in the area, a monitor said. Talks failed."
OTHER = "A different report entirely. Officials said 300 fighters were seen, and little else was known."


@pytest.mark.parametrize(
    ("outlet2", "text2", "flagged"),
    [
        ("Wire", STORY, True),  # the same report from the same outlet
        ("Wire", "New intro. " + STORY[STORY.index("The group") :], True),  # the same sentence
        ("Other", STORY, False),  # another outlet: an independent claim
        ("Wire", OTHER, False),  # same outlet, different report and sentence
    ],
)
def test_syndicated_copy_is_flagged_on_the_later_copy(outlet2, text2, flagged):
    d = docs(
        {"doc_id": "d1", "published_date": dt.date(2019, 3, 1), "outlet": "Wire", "clean_text": STORY},
        {"doc_id": "d2", "published_date": dt.date(2019, 3, 2), "outlet": outlet2, "clean_text": text2},
    )
    s1, s2 = STORY.index("300"), text2.index("300")
    rows = figures(
        fig("a", doc="d1", value=300.0, start=s1, surface="300 fighters"),
        fig("b", doc="d2", value=300.0, start=s2, surface="300 fighters"),
    )
    out = fc.syndicated_copies(rows, d, CONFIG)
    assert (pairs(out) == {("b", "a")}) is flagged


def test_text_similarity():
    assert fc.text_similarity(STORY, STORY) == 1.0
    assert fc.text_similarity(STORY, OTHER) < 0.2


# --- outliers -------------------------------------------------------------------------------------


def history(*values, then: float, min_history: int = 3):
    rows, ds, ds_dates = [], [], []
    for i, v in enumerate([*values, then]):
        doc = f"h{i}"
        ds.append({"doc_id": doc, "published_date": dt.date(2018, 1, 1) + dt.timedelta(days=30 * i)})
        rows.append(claim(f"c{i}", doc, v, place=None))
    config = fc.FigureCheckConfig(outlier_min_history=min_history)
    return fc.outliers_against_history(figures(*rows), dates(*ds_dates), docs(*ds), config), f"c{len(values)}"


@pytest.mark.parametrize(
    ("earlier", "latest", "flagged"),
    [
        ((100.0, 120.0, 80.0), 5000.0, True),  # 50x the median
        ((100.0, 120.0, 80.0), 5.0, True),  # a twentieth of it
        ((100.0, 120.0, 80.0), 150.0, False),
        ((100.0, 120.0), 5000.0, False),  # too little history
    ],
)
def test_outlier_against_history(earlier, latest, flagged):
    out, last = history(*earlier, then=latest)
    assert (last in set(out["figure_id"])) is flagged
    if flagged:
        assert "median 100 of 3 earlier claims" in out.loc[out["figure_id"] == last, "reason"].iloc[0]


# --- the whole table, config, sentences ----------------------------------------------------------


def test_figure_flags_meet_the_table_contract():
    rows = figures(
        fig("w", value=120.0),
        fig("p", value=150.0, start=10, part_of_figure_id="w"),
        fig("q", value=40.0, start=20, part_of_figure_id="w"),
        claim("a", "d1", 300.0, start=30),
        claim("b", "d2", 3000.0),
    )
    out = fc.figure_flags(rows, dates(), TWO_DOCS, CONFIG)
    assert set(out["check_name"]) == {fc.PART_EXCEEDS_WHOLE, fc.BREAKDOWN_EXCEEDS_TOTAL, fc.CROSS_SOURCE}
    assert set(out["check_name"]) <= set(fc.CHECKS)
    validate("figure_flags", out)
    assert fc.figure_flags(figures(fig("w")), dates(), TWO_DOCS, CONFIG).empty


def test_the_shipped_thresholds_load():
    config = fc.load_config(settings.expectations_dir() / "figure_checks.yaml")
    assert config.disagreement_factor > 1 and config.outlier_min_history >= 1
    assert "other" in config.incomparable_categories


@pytest.mark.parametrize(
    "text",
    [
        "disagreement_factor: 1\n",
        "disagreement_factor: ten\n",
        "outlier_factor: -3\n",
        "outlier_min_history: 2.5\n",
        "syndication_text_similarity: 1.5\n",
        "disagreement_factr: 10\n",
        "incomparable_categories: other\n",
        "- 10\n",
    ],
)
def test_bad_thresholds_are_refused_with_the_key(tmp_path, text):
    path = tmp_path / "figure_checks.yaml"
    path.write_text(text)
    with pytest.raises(fc.FigureCheckConfigError, match="figure_checks.yaml"):
        fc.load_config(path)


@pytest.mark.parametrize(
    ("text", "needle", "sentence"),
    [
        ("First one. The group has 300 men. Last.", "300", "The group has 300 men."),
        ("Heading\nThey said 40 died\nNext", "40", "They said 40 died"),
        ('He said "12 fled." Then left.', "12", 'He said "12 fled."'),
    ],
)
def test_sentence_of(text, needle, sentence):
    at = text.index(needle)
    assert fc.sentence_of(text, at, at + len(needle)) == sentence


# --- sources within one document (issue 15) ---------------------------------------------------------

ONE_DOC = docs({"doc_id": "d1", "published_date": dt.date(2019, 5, 1), "outlet": "A"})


def said(fid, value, source_surface, source_id=None, place="loc:jisr", start=0, **kw):
    return fig(
        fid,
        value=value,
        category="killed",
        location_entity_id=place,
        source_surface=source_surface,
        source_entity_id=source_id,
        start=start,
        surface=f"{int(value)} were killed",
        **kw,
    )


def test_two_sources_in_one_document_ten_times_apart_are_flagged_with_both_claims_and_sources():
    # "the Observatory said 16 were killed in X ... state media said 300 were killed in X"
    rows = figures(said("a", 16.0, "the Observatory", "org:sohr"), said("b", 300.0, "state media", start=80))
    out = fc.cross_source_disagreements(rows, dates(), ONE_DOC, CONFIG)
    assert pairs(out) == {("a", "b"), ("b", "a")}
    reason = out.loc[out["figure_id"] == "a", "reason"].iloc[0]
    assert "16 (claimed by the Observatory, d1) vs 300 (claimed by state media, d1)" in reason
    assert "killed in loc:jisr" in reason and "18.8x apart" in reason


@pytest.mark.parametrize(
    ("b", "flagged"),
    [
        (said("b", 300.0, "The observatory ", start=80), False),  # the same claimant, written alike
        (said("b", 300.0, "a monitor", "org:sohr", start=80), False),  # the same linked claimant
        (said("b", 300.0, None, start=80), True),  # the report's own figure against the Observatory's
        (said("b", 300.0, "state media", place="loc:other", start=80), False),  # another place
        (said("b", 100.0, "state media", start=80), False),  # within the factor
        (said("b", 300.0, "state media", start=80, part_of_figure_id="w"), False),  # a part of a total
    ],
)
def test_within_document_claims_compare_only_across_sources(b, flagged):
    rows = [said("a", 16.0, "the Observatory", "org:sohr"), b]
    if b.get("part_of_figure_id"):
        rows.append(said("w", 9000.0, None, start=200))
    out = fc.cross_source_disagreements(figures(*rows), dates(), ONE_DOC, CONFIG)
    assert (("a", "b") in pairs(out)) is flagged


def test_events_are_compared_within_the_event_window_only():
    rows = figures(
        said("a", 16.0, "the Observatory", date_id="t1"),
        said("b", 300.0, "state media", start=80, date_id="t2"),
    )
    near = dates(day("t1", "d1", dt.date(2019, 4, 20)), day("t2", "d1", dt.date(2019, 4, 24)))
    far = dates(day("t1", "d1", dt.date(2019, 1, 20)), day("t2", "d1", dt.date(2019, 4, 24)))
    assert len(fc.cross_source_disagreements(rows, near, ONE_DOC, CONFIG)) == 2
    assert fc.cross_source_disagreements(rows, far, ONE_DOC, CONFIG).empty
    wide = fc.FigureCheckConfig(event_window_days=120)
    assert len(fc.cross_source_disagreements(rows, far, ONE_DOC, wide)) == 2


def test_an_extracted_document_with_two_sources_far_apart_is_flagged():
    """From text to flag: the extractor records who claims each figure, and the check compares the two
    claimants' figures about the same event in the same document (invented text)."""
    from dataclasses import dataclass

    from pipelines.figures import extract_figures

    @dataclass
    class Mention:
        start: int
        end: int
        surface: str
        entity_type: str
        entity_id: str | None

    text = (
        "Shelling hit the market of Kafrun on Tuesday. The Observatory said 16 people were killed in Kafrun. "
        "State media said 300 people were killed in Kafrun, blaming the rebels."
    )
    names = {"Kafrun": ("location", "loc:kafrun"), "The Observatory": ("organisation", "org:observatory")}
    mentions = [
        Mention(i, i + len(name), name, etype, eid)
        for name, (etype, eid) in names.items()
        for i in [j for j in range(len(text)) if text.startswith(name, j)]
    ]
    rows = [
        {
            "figure_id": f"d1:f:{f.start}",
            "doc_id": "d1",
            "char_start": f.start,
            "char_end": f.end,
            "surface": f.surface,
            "value": f.value,
            "low": f.low,
            "high": f.high,
            "qualifier": f.qualifier,
            "category": f.category,
            "actor_entity_id": f.actor_entity_id,
            "location_entity_id": f.location_entity_id,
            "source_entity_id": f.source_entity_id,
            "source_surface": f.source_surface,
            "rule": f.rule,
        }
        for f in extract_figures(text, mentions)
    ]
    claims = {r["value"]: r for r in rows}
    assert (claims[16]["source_entity_id"], claims[300]["source_surface"]) == (
        "org:observatory",
        "State media",
    )
    out = fc.cross_source_disagreements(figures(*rows), dates(), ONE_DOC, CONFIG)
    assert pairs(out) == {
        (claims[16]["figure_id"], claims[300]["figure_id"]),
        (claims[300]["figure_id"], claims[16]["figure_id"]),
    }
    reason = out["reason"].iloc[0]
    assert "The Observatory" in reason and "State media" in reason and "18.8x apart" in reason


@pytest.mark.parametrize("category", ["killed", "fighters"])
def test_event_pairs_hold_every_pair_that_may_be_the_same_event(category):
    """The bucketed sweep finds exactly the pairs a comparison of every claim with every other would."""
    import random

    rng = random.Random(7)
    stock = category in CONFIG.stock_categories
    group = []
    for i in range(300):
        actor, place = rng.choice([None, "a1", "a2"]), rng.choice([None, "p1", "p2"])
        day = dt.date(2017, 1, 1) + dt.timedelta(days=rng.randrange(0, 800))
        figure = {"figure_id": f"f{i}", "category": category, "actor_entity_id": actor}
        group.append(fc._Claim({**figure, "location_entity_id": place}, day, day.year))
    pairs = fc._event_pairs(group, stock, CONFIG.event_window_days)
    every = [
        (i, j)
        for i in range(len(group))
        for j in range(i + 1, len(group))
        if fc._same_event(group[i], group[j], CONFIG)
    ]
    assert every and pairs == every


def test_earlier_points_are_the_earlier_claims_of_other_documents():
    """The day sweep gives each claim what a pass over every other claim gives: the points of strictly
    earlier claims from other documents (so the outlier check's medians are unchanged)."""
    import random

    rng = random.Random(3)
    claims = []
    for i in range(200):
        day = dt.date(2018, 1, 1) + dt.timedelta(days=rng.randrange(0, 60))
        figure = {
            "figure_id": f"f{i}",
            "doc_id": f"d{rng.randrange(0, 25)}",
            "value": float(rng.randrange(1, 500)),
        }
        claims.append(fc._Claim({**figure, "low": figure["value"], "high": figure["value"]}, day, day.year))
    every = [
        sorted(
            fc.point(h.figure) for h in claims if h.day < c.day and h.figure["doc_id"] != c.figure["doc_id"]
        )
        for c in claims
    ]
    assert fc._earlier_points(claims) == every
    assert any(len(h) > 50 for h in every)
