"""Property test: whatever the text, mentions are exact, typed, sorted and disjoint."""

from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.entities import find_mentions, load_kb

KB = load_kb()
WORDS = [
    "IS", "Is", "is", "ISIS", "Islamic", "State", "al-", "Qaeda", "Mr", "Dr.", "Abu", "in", "near", "Idlib",
    "province", "city", "Deir", "ez-Zor", "Azzour", "HTS'", "Hay’at", "Tahrir", "al-Sham", "Brigade", "the",
    "of", "Army", ",", ".", "(", ")", "\n", "said", "Kafr", "Zardana", "and", "Ministry", "HTC", "’s", "Omar",
]  # fmt: skip


@settings(max_examples=60, deadline=None)  # each example is a spaCy parse
@given(
    st.lists(st.sampled_from(WORDS), max_size=40),
    st.lists(st.sampled_from([" ", "", "  ", "-"]), max_size=40),
)
def test_mentions_are_exact_sorted_and_disjoint(words: list[str], gaps: list[str]) -> None:
    text = "".join(w + (gaps[i] if i < len(gaps) else " ") for i, w in enumerate(words))
    ms = find_mentions(text, KB)
    for m in ms:
        assert text[m.start : m.end] == m.surface
        assert m.surface == m.surface.strip() and m.surface
        assert m.entity_type in ("armed_group", "person", "location", "organisation")
        # what found a mention says whether it links: the knowledge base always, spaCy or a pattern never
        if m.method in ("kb_alias", "kb_acronym", "ner+kb"):
            assert m.entity_id is not None
        elif m.method.startswith(("ner:", "rule:")):
            assert m.entity_id is None and m.cluster
        else:
            assert m.method == "coreference"
    for a, b in zip(ms, ms[1:], strict=False):
        assert a.end <= b.start


def test_empty_and_punctuation_only_texts() -> None:
    assert find_mentions("", KB) == []
    assert find_mentions(" ,.;\n\n", KB) == []


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=200))
def test_any_unicode_text_gives_exact_spans(text: str) -> None:
    for m in find_mentions(text, KB):
        assert text[m.start : m.end] == m.surface
