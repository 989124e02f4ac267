"""Score `find_mentions` on the sample pages against the gold `entities` section.

Run: `uv run python tests/entities/score_samples.py [--problems]`. Each page in raw/ is cleaned with the
project's cleaning stage (as the pipeline does), then linked; scoring follows gold/README.md the way
pipelines/evaluation does it (exact spans on whole-word occurrences of each gold surface; an unlinked
mention on a gold surface breaks that entity's consistency).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import sys
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "raw"
GOLD = ROOT / "gold" / "seeds.yaml"


def _places(text: str, surface: str, words: bool = False) -> list[tuple[int, int]]:
    pattern = re.escape(surface.replace("\u00a0", " "))
    if words:
        pattern = rf"(?<![\w]){pattern}(?![\w])"
    return [(m.start(), m.end()) for m in re.finditer(pattern, text)]


def load_documents() -> dict[str, tuple[str, dt.date | None]]:
    from pipelines.cleaning import clean_page

    published = {}
    with open(RAW / "manifest.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            published[row["file"].removesuffix(".txt")] = dt.date.fromisoformat(row["published"])
    docs = {}
    for path in sorted(RAW.glob("*.txt")):
        did = path.stem
        page = clean_page(path.read_text(encoding="utf-8"), kind="text")
        docs[did] = (page.clean_text, published.get(did))
    return docs


def score(problems: bool = False) -> dict:
    from pipelines.entities import find_mentions, load_kb

    gold = yaml.safe_load(GOLD.read_text(encoding="utf-8"))
    kb = load_kb()
    docs = load_documents()
    mentions = {did: find_mentions(text, kb, pub) for did, (text, pub) in docs.items()}
    found = total = 0
    issues: list[str] = []
    ids: dict[str, Counter] = {}
    for ent in gold["entities"]:
        counter: Counter = Counter()
        for did, surfaces in (ent.get("surfaces") or {}).items():
            text = docs[did][0]
            spans = {(m.start, m.end): m for m in mentions[did]}
            for s in surfaces:
                total += 1
                hits = [spans.get(p) for p in _places(text, s, words=True)]
                if any(h is not None and h.entity_type == ent["type"] for h in hits):
                    found += 1
                else:
                    issues.append(f"missed {did}: {s!r} ({ent['type']})")
                for h in hits:
                    if h is not None:
                        counter[h.entity_id] += 1
        ids[ent["name"]] = counter
    consistent, owners = 0, {}
    for name, counter in ids.items():
        linked = {i for i in counter if i}
        if len(linked) == 1 and None not in counter:
            consistent += 1
        elif counter:
            issues.append(f"split ids {name}: {dict(counter)}")
        for i in linked:
            owners.setdefault(i, []).append(name)
    shared = {i: n for i, n in owners.items() if len(n) > 1}
    issues += [f"one id for {n}: {i}" for i, n in shared.items()]
    bad = 0
    for did, names in (gold.get("not_mentions") or {}).items():
        text = docs[did][0]
        for name in names:
            for a, b in _places(text, name):
                for m in mentions[did]:
                    if m.start < b and a < m.end:
                        bad += 1
                        issues.append(f"boilerplate name {did}: {m.surface!r}")
    with_ids = sum(1 for c in ids.values() if c)
    result = {
        "recall": found / total if total else 1.0,
        "found": found,
        "gold_surfaces": total,
        "linking_consistency": consistent / with_ids if with_ids else 1.0,
        "entities_sharing_an_id": len(shared),
        "not_mentions_extracted": bad,
    }
    if problems:
        result["problems"] = issues
    return result


if __name__ == "__main__":
    res = score(problems="--problems" in sys.argv)
    for k, v in res.items():
        if k == "problems":
            for p in v:
                print("   -", p)
        else:
            print(f"{k:26s} {v:.3f}" if isinstance(v, float) else f"{k:26s} {v}")
