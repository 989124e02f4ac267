"""The evaluator itself, on a tiny hand-made warehouse: matches, misses, repeats and attribute accuracy."""

import duckdb
import yaml

from pipelines.evaluation import evaluate
from pipelines.storage.warehouse import ensure_schema

TEXT = "Some 300 IS fighters are in Idlib. Another 300 IS fighters came. Yesterday about 40 died."


def _warehouse(tmp_path, figures, dates=(), mentions=()):
    path = tmp_path / "w.duckdb"
    con = duckdb.connect(str(path))
    ensure_schema(con)
    con.execute(
        "insert into documents (doc_id, clean_text, title, paywall_truncated, raw_path) values "
        "('d', ?, 'Title', false, 'd.txt')",
        [TEXT],
    )
    for f in figures:
        con.execute(
            "insert into figures (figure_id, doc_id, char_start, char_end, surface, value, low, high, "
            "qualifier, category, actor_entity_id, repeat_of_figure_id) values (?,?,?,?,?,?,?,?,?,?,?,?)",
            f,
        )
    for d in dates:
        con.execute(
            "insert into dates (date_id, doc_id, char_start, char_end, surface, date_start, date_end, "
            "granularity) values (?,?,?,?,?,?,?,?)",
            d,
        )
    for m in mentions:
        con.execute(
            "insert into mentions (mention_id, doc_id, char_start, char_end, surface, entity_type, entity_id)"
            " "
            "values (?,?,?,?,?,?,?)",
            m,
        )
    con.close()
    return path


def _gold(tmp_path):
    gold = {
        "documents": [
            {
                "doc": "d",
                "title": "Title",
                "paywall_truncated": False,
                "must_remove": ["Subscribe"],
                "must_keep": ["Another 300 IS fighters came."],
            }
        ],
        "figures": {
            "d": [
                {
                    "surface": "300 IS fighters",
                    "value": 300,
                    "low": 300,
                    "high": 300,
                    "qualifier": "exact",
                    "category": ["fighters"],
                    "actor": ["Islamic State"],
                    "location": [None],
                },
                {
                    "surface": "about 40 died",
                    "value": 40,
                    "low": 40,
                    "high": 40,
                    "qualifier": "approx",
                    "category": ["killed"],
                    "actor": [None],
                    "location": [None],
                },
            ]
        },
        "dates": {
            "d": [{"surface": "Yesterday", "start": "2020-01-01", "end": "2020-01-01", "granularity": "day"}]
        },
        "entities": [
            {"name": "Islamic State", "type": "armed_group", "surfaces": {"d": ["IS"]}},
            {"name": "Idlib", "type": "location", "surfaces": {"d": ["Idlib"]}},
        ],
    }
    path = tmp_path / "gold.yaml"
    path.write_text(yaml.safe_dump(gold))
    return path


def test_scores_match_miss_and_attributes(tmp_path):
    figures = [
        ("f1", "d", 5, 20, "300 IS fighters", 300, 300, 300, "exact", "fighters", "grp:is", None),
        (
            "f2",
            "d",
            43,
            58,
            "300 IS fighters",
            300,
            300,
            300,
            "exact",
            "fighters",
            "grp:is",
            "f1",
        ),  # a repeat
        ("f3", "d", 75, 83, "about 40", 40, 50, 50, "approx", "killed", None, None),  # wrong bounds
    ]
    dates = [("x", "d", 65, 74, "Yesterday", "2020-01-01", "2020-01-01", "day")]
    mentions = [
        ("m1", "d", 9, 11, "IS", "armed_group", "grp:is"),
        ("m2", "d", 47, 49, "IS", "armed_group", "grp:is"),
    ]
    result = evaluate(_gold(tmp_path), _warehouse(tmp_path, figures, dates, mentions))
    fig = result["figures"]
    assert (fig["tp"], fig["predicted"], fig["gold"]) == (1, 2, 2)  # the repeat is not counted
    assert fig["actor_accuracy"] == 1.0 and fig["qualifier_accuracy"] == 1.0
    assert result["dates"]["f1"] == 1.0
    ent = result["entities"]
    assert ent["recall"] == 0.5 and ent["linking_consistency"] == 1.0
    assert result["boilerplate"]["must_remove_gone"] == 1.0 and result["boilerplate"]["must_keep_kept"] == 1.0


def test_a_wrong_interval_is_a_miss_and_a_spurious_date(tmp_path):
    dates = [("x", "d", 65, 74, "Yesterday", "2020-01-02", "2020-01-02", "day")]
    result = evaluate(_gold(tmp_path), _warehouse(tmp_path, [], dates))
    assert result["dates"]["tp"] == 0 and result["dates"]["predicted"] == 1


def test_a_not_mention_counts_whole_words_only(tmp_path):
    """A not_mentions name ('Is') flags a mention standing on it as a word, not one that merely
    contains its letters ('Idlib' does not contain the word 'Id')."""
    gold = yaml.safe_load(_gold(tmp_path).read_text())
    gold["not_mentions"] = {"d": ["Id", "Idlib"]}
    path = tmp_path / "gold_nm.yaml"
    path.write_text(yaml.safe_dump(gold))
    mentions = [("m1", "d", TEXT.index("Idlib"), TEXT.index("Idlib") + 5, "Idlib", "location", "loc:idlib")]
    scores = evaluate(path, _warehouse(tmp_path, [], mentions=mentions))
    assert scores["entities"]["not_mentions_extracted"] == 1  # 'Idlib' itself, not 'Id' inside it


def test_scoring_a_warehouse_that_does_not_exist_says_how_to_build_it(tmp_path, capsys):
    from pipelines.evaluation.__main__ import main

    assert main(["--warehouse", str(tmp_path / "none.duckdb")]) == 2
    err = capsys.readouterr().err
    assert "no warehouse at" in err and "make run" in err
    assert not (tmp_path / "none.duckdb").exists()  # nothing created on the way
