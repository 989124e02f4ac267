"""The syndication check given what it found last time (`Previous`) answers as a full check does, and reads
the texts of fewer documents: many copies of a few reports, then documents added, changed and removed."""

import datetime as dt
import random

from pipelines.quality import figure_checks as fc

CONFIG = fc.FigureCheckConfig()
REPORTS = [
    "Officials said {n} fighters joined the group in the north. The clashes went on for days.",
    "A spokesman said {n} fighters had surrendered near the border. Talks are planned next week.",
    "Residents said at least {n} fighters were seen in the town. Shops stayed shut.",
]


def corpus(seed: int, n_docs: int) -> dict[str, dict]:
    """doc_id -> {document, figures}: copies of three reports from two outlets, some rewritten so that only
    the sentence, or nothing, is shared."""
    rng = random.Random(seed)
    out = {}
    for i in range(n_docs):
        k = rng.randrange(len(REPORTS))
        n = rng.choice([300, 300, 300, 450])
        text = REPORTS[k].format(n=n)
        if rng.random() < 0.3:  # a rewrite that keeps the sentence of the figure
            text = "A new opening line about the region. " + text.split(". ", 1)[0] + ". Nothing else."
        doc = f"d{seed}-{i:03d}"
        start = text.index(str(n))
        out[doc] = {
            "document": {
                "doc_id": doc,
                "published_date": dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(30)),
                "outlet": rng.choice(["Wire", "Wire", "Daily"]),
                "clean_text": text,
            },
            "figures": [
                {
                    "figure_id": f"{doc}:figure:{start}",
                    "doc_id": doc,
                    "char_start": start,
                    "char_end": start + len(str(n)) + 9,
                    "value": float(n),
                    "low": float(n),
                    "high": float(n),
                    "qualifier": "exact",
                    "category": "fighters",
                    "actor_entity_id": None,
                    "repeat_of_figure_id": None,
                }
            ],
        }
    return out


def tables(state: dict[str, dict]) -> tuple[list[dict], list[dict]]:
    figures = [f for d in sorted(state) for f in state[d]["figures"]]
    return figures, [state[d]["document"] for d in sorted(state)]


def check(state, previous=None):
    loaded: set[str] = set()

    def texts(doc_ids):
        loaded.update(doc_ids)
        return {d: state[d]["document"]["clean_text"] for d in doc_ids}

    figures, documents = tables(state)
    out = fc.syndicated_copies(figures, documents, CONFIG, previous, texts)
    return {tuple(r) for r in out[fc.FLAG_COLUMNS].itertuples(index=False)}, loaded


def test_the_check_given_its_last_findings_answers_as_a_full_check():
    before = corpus(1, 120)
    found, _ = check(before)
    assert len(found) > 50  # the corpus has many copies
    after = dict(before)
    rng = random.Random(7)
    docs = sorted(after)
    for doc in rng.sample(docs, 4):  # removed
        del after[doc]
    for doc in rng.sample(sorted(after), 4):  # changed: another publication day, another text
        changed = {**after[doc]["document"], "published_date": dt.date(2019, 12, 1 + rng.randrange(20))}
        if rng.random() < 0.5:
            changed["clean_text"] = "Rewritten. " + changed["clean_text"]
        after[doc] = {**after[doc], "document": changed}
    added = corpus(2, 6)  # new documents, some published before the ones they copy
    after.update(added)
    dirty = {d for d in set(before) | set(after) if before.get(d) != after.get(d)}
    copies = {f[0]: dict(zip(fc.FLAG_COLUMNS, f, strict=True)) for f in found if f[1] not in dirty}

    full, loaded_full = check(after)
    incremental, loaded = check(after, fc.Previous(copies, dirty))

    assert incremental == full
    assert full != found  # the changes changed findings
    assert loaded < loaded_full


def test_a_new_days_pages_read_few_texts():
    """New pages published after the corpus (a day's news): only they and what they are compared with."""
    before = corpus(4, 150)
    found, _ = check(before)
    added = corpus(5, 5)
    for doc in added.values():
        doc["document"]["published_date"] = dt.date(2020, 3, 1)
    after = {**before, **added}
    copies = {f[0]: dict(zip(fc.FLAG_COLUMNS, f, strict=True)) for f in found}
    full, loaded_full = check(after)
    incremental, loaded = check(after, fc.Previous(copies, set(added)))
    assert incremental == full
    assert len(full) > len(found)
    assert set(added) <= loaded
    assert len(loaded) < len(loaded_full) / 4


def test_with_nothing_changed_no_text_is_read_and_every_finding_stands():
    state = corpus(3, 60)
    found, _ = check(state)
    copies = {f[0]: dict(zip(fc.FLAG_COLUMNS, f, strict=True)) for f in found}
    again, loaded = check(state, fc.Previous(copies, set()))
    assert again == found
    assert loaded == set()
