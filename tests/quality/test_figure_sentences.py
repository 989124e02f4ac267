"""A figure's sentence, found through the text's end marks read once, is the sentence a scan of the text up to
the figure finds (the definition the flags report has always used), wherever the figure starts: inside a
run of spaces and line breaks after a full stop, right after a quote, at the text's edges."""

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.quality.figure_checks import _SENTENCE_END, sentence_of


def _scanned(text: str, start: int, end: int) -> str:
    begin = 0
    for m in _SENTENCE_END.finditer(text, 0, start):
        begin = m.end()
    m = _SENTENCE_END.search(text, end)
    return " ".join(text[begin : m.end() if m else len(text)].split())


PIECES = ["Nine died", ".", "!", "?", '"', "”", ")", " ", "  ", "\n", "\n\n", "said X", "Gen", "12 were hurt"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=30), st.data())
def test_sentence_of_is_the_scanned_sentence(pieces, data):
    text = "".join(pieces)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    assert sentence_of(text, start, end) == _scanned(text, start, end)


def test_a_figure_starting_inside_the_space_after_a_full_stop():
    text = "Five were killed.  \n\n  Twelve were wounded."
    for start in range(len(text)):
        assert sentence_of(text, start, start) == _scanned(text, start, start)
    assert sentence_of(text, text.index("Twelve"), len(text)) == "Twelve were wounded."


def test_many_figures_of_one_long_text():
    rng = random.Random(7)
    words = ["Ten died.", "A man was shot", "in Idlib!", "\n", '"Yes."']
    text = " ".join(rng.choice(words) for _ in range(3000))
    for _ in range(300):
        a = rng.randrange(len(text))
        assert sentence_of(text, a, a + 5) == _scanned(text, a, a + 5)
