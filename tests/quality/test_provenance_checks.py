import pandas as pd

from pipelines.quality.provenance import spans_across_removals, surface_mismatches

DOCS = pd.DataFrame({"doc_id": ["d"], "clean_text": ["Some 300 fighters came.\n\nThey left on Monday."]})


def _spans(*rows):
    return pd.DataFrame([{"doc_id": "d", "char_start": s, "char_end": e, "surface": t} for s, e, t in rows])


def _removed(*cuts):
    return pd.DataFrame(
        [
            {
                "doc_id": "d",
                "text": "Join over 50,000 readers",
                "rule": "r",
                "kind": "newsletter",
                "char_at": c,
            }
            for c in cuts
        ]
    )


def test_surface_mismatch_found_and_passes_when_right():
    assert surface_mismatches(_spans((5, 17, "300 fighters")), DOCS).empty
    assert len(surface_mismatches(_spans((4, 16, "300 fighters")), DOCS)) == 1


def test_a_span_across_a_cut_is_flagged_by_offset():
    # a newsletter box was cut out between the two paragraphs (offset 25)
    spans = _spans((5, 17, "300 fighters"), (18, 31, "came.\n\nThey "), (25, 29, "They"))
    bad = spans_across_removals(spans, _removed(25))
    assert bad["surface"].tolist() == ["came.\n\nThey "]


def test_the_same_words_elsewhere_are_not_flagged_and_unknown_cuts_prove_nothing():
    # the removed box's text also occurs in the body: by offsets, that is no finding (strings would say so)
    spans = _spans((5, 17, "300 fighters"))
    assert spans_across_removals(spans, _removed(25)).empty
    assert spans_across_removals(_spans((18, 31, "came.\n\nThey ")), _removed(None)).empty
