"""Quality floor on the five sample articles (gold/seeds.yaml `figures`), with the gold README's matching
rule. Boilerplate lines (`must_remove`) are dropped first, as the cleaning stage does, and entity
mentions are found by exact match of the gold surfaces (the entities module is tested on its own).
The floors may only go up."""

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from pipelines.figures import extract_figures

ROOT = Path(__file__).resolve().parents[2]
GOLD = yaml.safe_load((ROOT / "gold" / "seeds.yaml").read_text(encoding="utf-8"))


@dataclass
class Mention:
    start: int
    end: int
    surface: str
    entity_type: str
    entity_id: str | None


def _clean(doc: dict) -> str:
    text = (ROOT / "raw" / f"{doc['doc']}.txt").read_text(encoding="utf-8").replace("\u00a0", " ")
    for line in doc.get("must_remove") or []:
        text = text.replace(line, "")
    return "\n".join(ln for ln in text.split("\n") if ln.strip() != doc["title"])


def _mentions(did: str, text: str) -> list[Mention]:
    found = []
    for ent in GOLD["entities"]:
        for surface in (ent.get("surfaces") or {}).get(did, []):
            for m in re.finditer(rf"(?<!\w){re.escape(surface)}(?!\w)", text):
                found.append(Mention(m.start(), m.end(), surface, ent["type"], ent["name"]))
    found.sort(key=lambda m: (m.start, -m.end))
    out, last = [], -1
    for m in found:
        if m.start >= last:
            out.append(m)
            last = m.end
    return out


def _score() -> dict:
    tp = n_pred = n_gold = 0
    right = {k: 0 for k in ("qualifier", "category", "actor", "location", "part_of")}
    not_figures = 0
    problems = []
    for doc in GOLD["documents"]:
        did = doc["doc"]
        text = _clean(doc)
        figs = extract_figures(text, _mentions(did, text))
        preds = [i for i, f in enumerate(figs) if f.category != "other" and f.repeat_of is None]
        golds = GOLD["figures"].get(did, [])
        places = [[(m.start(), m.end()) for m in re.finditer(re.escape(g["surface"]), text)] for g in golds]
        matched: dict[int, int] = {}
        for gi, g in enumerate(golds):
            for i in preds:
                f = figs[i]
                if i in matched.values() or (f.low, f.high) != (g["low"], g["high"]):
                    continue
                if any(f.start < e and s < f.end for s, e in places[gi]):
                    matched[gi] = i
                    break
        n_gold += len(golds)
        n_pred += len(preds)
        tp += len(matched)
        problems += [f"{did} missed {g['surface']!r}" for gi, g in enumerate(golds) if gi not in matched]
        problems += [f"{did} spurious {figs[i].surface!r}" for i in preds if i not in matched.values()]
        surface_of = {gi: g["surface"] for gi, g in enumerate(golds)}
        for gi, i in matched.items():
            g, f = golds[gi], figs[i]
            whole = next((matched.get(k) for k, s in surface_of.items() if s == g.get("part_of")), None)
            checks = {
                "qualifier": f.qualifier == g["qualifier"],
                "category": f.category in g["category"],
                "actor": f.actor_entity_id in g["actor"],
                "location": f.location_entity_id in g["location"],
                "part_of": f.part_of == whole,
            }
            for k, ok in checks.items():
                right[k] += ok
                if not ok:
                    problems.append(f"{did} {g['surface']!r} wrong {k}")
        for phrase in (GOLD.get("not_figures") or {}).get(did, []):
            for m in re.finditer(re.escape(phrase), text):
                not_figures += sum(1 for f in figs if f.start < m.end() and m.start() < f.end)
    return {
        "precision": tp / n_pred if n_pred else 0.0,
        "recall": tp / n_gold if n_gold else 0.0,
        **{k: v / tp for k, v in right.items()},
        "not_figures": not_figures,
        "problems": problems,
    }


@pytest.fixture(scope="module")
def score() -> dict:
    return _score()


def test_precision_and_recall_floor(score):
    assert score["precision"] >= 0.90, score["problems"]
    assert score["recall"] >= 0.90, score["problems"]


def test_attribute_floors(score):
    assert score["qualifier"] >= 0.90, score["problems"]
    assert score["category"] >= 0.90, score["problems"]
    assert score["actor"] >= 0.80, score["problems"]
    assert score["location"] >= 0.80, score["problems"]
    assert score["part_of"] == 1.0, score["problems"]


def test_nothing_from_boilerplate_numbers(score):
    assert score["not_figures"] == 0
