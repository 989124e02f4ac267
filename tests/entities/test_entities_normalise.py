"""Each transliteration-folding rule, shown on real spelling pairs, and pairs that must stay apart."""

import pytest

from pipelines.entities.normalise import fold_phrase, token_keys
from pipelines.nlp import load_nlp


@pytest.mark.parametrize(
    ("rule", "a", "b"),
    [
        ("diacritics", "Ḥayʾat Taḥrīr al-Shām", "Hayat Tahrir al-Sham"),
        ("apostrophe", "Hay’at Tahrir al-Sham", "Hayat Tahrir al-Sham"),
        ("ayn", "Daʿish", "Da'ish"),
        ("ayn", "Jamaʿat", "Jamaat"),
        ("article el", "Deir el-Zor", "Deir al-Zor"),
        ("article ez", "Deir ez-Zor", "Deir al-Zor"),
        ("article as", "Ahrar as-Sham", "Ahrar al-Sham"),
        ("article ad", "Hurras ad-Din", "Hurras al-Din"),
        ("fused article", "Deir Azzour", "Deir az-Zour"),
        ("hyphen", "Jabhat Fatah al Sham", "Jabhat Fatah al-Sham"),
        ("doubled letters", "Raqqa", "Raqa"),
        ("doubled letters", "Tanzim Huras al-Din", "Tanzim Hurras al-Din"),
        ("ou/u", "Deir al-Zour", "Deir al-Zur"),
        ("ou/u", "Nour al-Din", "Nur al-Din"),
        ("q/k", "al-Qaeda", "al-Kaeda"),
        ("ei/ay", "Jeish al-Fatah", "Jaysh al-Fatah"),
        ("ei/ay", "Khan Sheikhoun", "Khan Shaykhun"),
        ("ah/a", "Raqqah", "Raqqa"),
        ("ah/a", "Hamah", "Hama"),
        ("ee/i", "Muhajireen", "Muhajirin"),
        ("aw/au", "Dawood", "Daoud"),
        ("french ch", "Hayat Tahrir al-Cham", "Hayat Tahrir al-Sham"),
        ("case", "AL-QAEDA", "al-Qaeda"),
        ("din compound", "Nureddin", "Nur al-Din"),
        ("article written apart", "Maarrat An Nu'man", "Maarrat al-Numan"),
        ("article written apart", "Deir Ez Zor", "Deir ez-Zor"),
        ("kunya genitive", "Ibn Abi Talib", "Ibn Abu Talib"),
        ("kunya genitive", "Abi Mohammed al-Adnani", "Abu Muhammad al-Adnani"),
    ],
)
def test_folding_rule_joins_spellings(rule: str, a: str, b: str) -> None:
    assert fold_phrase(a) == fold_phrase(b), rule


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Hama", "Homs"),
        ("Idlib", "Aleppo"),
        ("Jund al-Aqsa", "Liwa al-Aqsa"),
        ("Manbij", "Minbij"),
        ("Abid", "Abu"),  # only the whole word "Abi" is the kunya's genitive
    ],
)
def test_different_names_stay_apart(a: str, b: str) -> None:
    assert fold_phrase(a) != fold_phrase(b)


def test_english_as_is_not_an_article_without_hyphen() -> None:
    assert fold_phrase("as Sham") == ("as", "sham")
    assert fold_phrase("as-Sham") == ("al", "sham")


def test_capitalised_article_only_inside_a_name() -> None:
    assert fold_phrase("An Islamic State commander")[0] == "an"
    assert fold_phrase("As Turkey advanced")[0] == "as"


def test_possessives_and_joining_hyphens_leave_no_key() -> None:
    doc = load_nlp().make_doc("HTS's rivals and Isis’ centres in al-Bab")
    assert [k for keys in token_keys(doc) for k in keys] == [
        "hts",
        "rivals",
        "and",
        "isis",
        "cantras",
        "in",
        "al",
        "bab",
    ]


def test_a_fused_article_gives_one_token_two_keys() -> None:
    doc = load_nlp().make_doc("Deir Azzour")
    assert token_keys(doc) == [("dair",), ("al", "zur")]


def test_a_line_break_and_punctuation_are_keys_that_stop_a_name() -> None:
    doc = load_nlp().make_doc("Deir\n\nez-Zor, Idlib – Aleppo")
    keys = token_keys(doc)
    assert ("\n",) in keys and (",",) in keys and ("-",) in keys


def test_a_bad_transliteration_file_is_rejected(tmp_path) -> None:
    from pipelines.entities import KnowledgeBaseError
    from pipelines.entities.normalise import DATA_PATH, _load

    bad = tmp_path / "transliteration.yaml"
    bad.write_text(
        DATA_PATH.read_text(encoding="utf-8").replace("pattern: dj", "pattern: '(dj'"), encoding="utf-8"
    )
    with pytest.raises(KnowledgeBaseError, match="transliteration.yaml"):
        _load(bad)
