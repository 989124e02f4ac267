import pandas as pd

from pipelines.quality.provenance import spans_in_removed_text, surface_mismatches

DOCS = pd.DataFrame(
    {"doc_id": ["d"], "clean_text": ["Some 300 fighters came. Join over 50,000 readers today."]}
)


def _spans(*rows):
    return pd.DataFrame([{"doc_id": "d", "char_start": s, "char_end": e, "surface": t} for s, e, t in rows])


def test_surface_mismatch_found_and_passes_when_right():
    assert surface_mismatches(_spans((5, 17, "300 fighters")), DOCS).empty
    assert len(surface_mismatches(_spans((4, 16, "300 fighters")), DOCS)) == 1


def test_span_standing_on_removed_text_is_flagged():
    removed = pd.DataFrame(
        [
            {
                "doc_id": "d",
                "text": "Join over 50,000 readers today.",
                "rule": "newsletter",
                "kind": "newsletter",
            }
        ]
    )
    spans = _spans((5, 17, "300 fighters"), (34, 40, "50,000"))
    bad = spans_in_removed_text(spans, DOCS, removed)
    assert bad["surface"].tolist() == ["50,000"]


def test_repeated_line_removals_do_not_count():
    removed = pd.DataFrame(
        [{"doc_id": "d", "text": "Join over 50,000 readers today.", "rule": "dup", "kind": "repeated"}]
    )
    assert spans_in_removed_text(_spans((34, 40, "50,000")), DOCS, removed).empty
