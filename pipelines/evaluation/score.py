"""Scores a warehouse against gold annotations (gold/README.md): boilerplate, figures, dates, entities.

Matching follows the gold README: a prediction matches a gold item in the same document when its span
overlaps one of the places the gold surface stands in clean_text and its values are equal; each gold item
matches once. Figures marked as repeats (`repeat_of_figure_id`) are not counted.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

import duckdb
import pandas as pd
import yaml


def load_gold(path: Path) -> dict:
    gold = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    for key in ("documents", "figures", "dates", "entities"):
        gold.setdefault(key, [] if key in ("documents", "entities") else {})
    return gold


def _fold(text: str) -> str:
    return re.sub(r"[^\S\n]", " ", text).replace("\u00a0", " ")


def _places(text: str, surface: str, words: bool = False) -> list[tuple[int, int]]:
    """Every [start, end) where `surface` stands in `text` (whole words only when `words`)."""
    if not surface:
        return []
    pattern = re.escape(_fold(surface))
    if words:
        pattern = rf"(?<![\w]){pattern}(?![\w])"
    return [(m.start(), m.end()) for m in re.finditer(pattern, text)]


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _prf(tp: int, n_pred: int, n_gold: int) -> dict:
    p = tp / n_pred if n_pred else (1.0 if not n_gold else 0.0)
    r = tp / n_gold if n_gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "tp": tp, "predicted": n_pred, "gold": n_gold}


def _num(x) -> float | None:
    return None if x is None or (isinstance(x, float) and pd.isna(x)) else float(x)


def _day(x) -> dt.date | None:
    if x is None or (not isinstance(x, str) and pd.isna(x)):
        return None
    if isinstance(x, str):
        return dt.date.fromisoformat(x)
    return x.date() if hasattr(x, "date") and callable(x.date) else x


class _Warehouse:
    def __init__(self, path: Path):
        con = duckdb.connect(str(path), read_only=True)
        try:
            self.docs = con.execute("select * from documents").df()
            self.tables = {
                t: con.execute(f"select * from {t}").df() for t in ("figures", "dates", "mentions")
            }
        finally:
            con.close()
        self.text: dict[str, str] = {}
        for d in self.docs.to_dict("records"):
            self.text[d["doc_id"]] = d["clean_text"]
            stem = Path(str(d["raw_path"])).name.split(".")[0]
            self.text.setdefault(stem, d["clean_text"])
        self.by_doc = {t: {k: g for k, g in df.groupby("doc_id")} for t, df in self.tables.items()}
        self.titles = dict(zip(self.docs["doc_id"], self.docs["title"], strict=True))
        self.paywall = dict(zip(self.docs["doc_id"], self.docs["paywall_truncated"], strict=True))

    def rows(self, table: str, doc: str) -> list[dict]:
        df = self.by_doc[table].get(doc)
        return [] if df is None else df.to_dict("records")


def score_boilerplate(gold: dict, wh: _Warehouse) -> dict:
    removed = kept = n_remove = n_keep = titles_ok = paywall_ok = missing_docs = 0
    problems = []
    for doc in gold["documents"]:
        did = doc["doc"]
        text = wh.text.get(did)
        if text is None:
            missing_docs += 1
            problems.append(f"{did}: not in the warehouse")
            continue
        for line in doc.get("must_remove") or []:
            n_remove += 1
            if _fold(line) in text:
                problems.append(f"{did}: kept boilerplate {line!r}")
            else:
                removed += 1
        for line in doc.get("must_keep") or []:
            n_keep += 1
            if _fold(line) in text:
                kept += 1
            else:
                problems.append(f"{did}: lost body text {line!r}")
        title = _fold(doc.get("title") or "")
        if not title or text.count(title) <= 1:
            titles_ok += 1
        else:
            problems.append(f"{did}: title {text.count(title)} times in the body")
        if bool(wh.paywall.get(did)) == bool(doc.get("paywall_truncated")):
            paywall_ok += 1
        else:
            problems.append(f"{did}: paywall_truncated should be {doc.get('paywall_truncated')}")
    n = len(gold["documents"])
    return {
        "must_remove_gone": removed / n_remove if n_remove else 1.0,
        "must_keep_kept": kept / n_keep if n_keep else 1.0,
        "title_at_most_once": titles_ok / n if n else 1.0,
        "paywall_flag_right": paywall_ok / n if n else 1.0,
        "missing_documents": missing_docs,
        "problems": problems,
    }


def _key(m: dict, column: str) -> str | None:
    value = m.get(column)
    return value if isinstance(value, str) else None


def entity_ids(gold: dict, wh: _Warehouse, with_clusters: bool = False) -> dict[str, Counter]:
    """For each gold entity name, the pipeline's entity ids on mentions standing exactly on its surfaces.

    With `with_clusters`, an unlinked mention counts by its provisional cluster key instead of None.
    """
    ids: dict[str, Counter] = {}
    for ent in gold["entities"]:
        counter: Counter = Counter()
        for did, surfaces in (ent.get("surfaces") or {}).items():
            spans = {(m["char_start"], m["char_end"]): m for m in wh.rows("mentions", did)}
            for s in surfaces:
                for place in _places(wh.text.get(did, ""), s, words=True):
                    m = spans.get(place)
                    if m is not None:
                        key = _key(m, "entity_id") or (_key(m, "cluster_id") if with_clusters else None)
                        counter[key] += 1
        ids[ent["name"]] = counter
    return ids


def score_entities(gold: dict, wh: _Warehouse) -> dict:
    found = total = 0
    misses = []
    for ent in gold["entities"]:
        for did, surfaces in (ent.get("surfaces") or {}).items():
            text = wh.text.get(did, "")
            spans = {(m["char_start"], m["char_end"]): m["entity_type"] for m in wh.rows("mentions", did)}
            for s in surfaces:
                total += 1
                if any(spans.get(p) == ent["type"] for p in _places(text, s, words=True)):
                    found += 1
                else:
                    misses.append(f"{did}: {s!r} ({ent['type']})")
    # Linking consistency. An unlinked mention (a name the knowledge base lacks: `entity_id` NULL by
    # the contract) is identified by its provisional key `cluster_id`; a mention with neither splits.
    ids = entity_ids(gold, wh, with_clusters=True)
    strict = entity_ids(gold, wh)
    consistent_strict = sum(1 for c in strict.values() if len(c) == 1 and None not in c)
    consistent, owners, split, unlinked = 0, {}, [], []
    for name, counter in ids.items():
        keys = {i for i in counter if i}
        if len(keys) == 1 and None not in counter:
            consistent += 1
        elif counter:
            split.append(f"{name}: {dict(counter)}")
        for i in keys:
            owners.setdefault(i, []).append(name)
        if counter and None in strict[name]:
            unlinked.append(name)
    shared = {i: names for i, names in owners.items() if len(names) > 1}
    not_mentions = []
    for did, names in (gold.get("not_mentions") or {}).items():
        for name in names:
            # whole words: "Syria" in a page's boilerplate says nothing of "Syrian army" in its body
            for place in _places(wh.text.get(did, ""), name, words=True):
                for m in wh.rows("mentions", did):
                    if _overlaps(place, (m["char_start"], m["char_end"])):
                        not_mentions.append(f"{did}: {m['surface']!r}")
    with_ids = sum(1 for c in ids.values() if c)
    return {
        "recall": found / total if total else 1.0,
        "found": found,
        "gold_surfaces": total,
        "linking_consistency": consistent / with_ids if with_ids else 1.0,
        "linking_consistency_kb_only": consistent_strict / with_ids if with_ids else 1.0,
        "unlinked_entities": len(unlinked),
        "entities_sharing_an_id": len(shared),
        "not_mentions_extracted": len(not_mentions),
        "problems": [f"missed {m}" for m in misses]
        + [f"split ids {s}" for s in split]
        + [f"one id for {names}: {i}" for i, names in shared.items()]
        + [f"boilerplate name {n}" for n in not_mentions]
        + [f"not in the knowledge base (linked by cluster key only): {n}" for n in unlinked],
    }


def _gold_places(text: str, surface: str) -> list[tuple[int, int]]:
    return _places(text, surface)


def score_figures(gold: dict, wh: _Warehouse) -> dict:
    ids = {name: {i for i in c if i} for name, c in entity_ids(gold, wh).items()}
    tp = n_pred = n_gold = 0
    attrs = Counter()
    attr_n = Counter()
    problems = []
    not_figures = 0
    for did, items in (gold.get("figures") or {}).items():
        text = wh.text.get(did, "")
        preds = [p for p in wh.rows("figures", did) if not isinstance(p.get("repeat_of_figure_id"), str)]
        gold_items = [g for g in items if [c for c in g["category"] if c != "other"]]
        n_gold += len(gold_items)
        matched: dict[int, dict] = {}  # gold index -> pred
        used: set[str] = set()
        for gi, g in enumerate(gold_items):
            places = _gold_places(text, g["surface"])
            for p in preds:
                if p["figure_id"] in used:
                    continue
                span = (p["char_start"], p["char_end"])
                if (
                    any(_overlaps(span, pl) for pl in places)
                    and _num(p["low"]) == _num(g["low"])
                    and _num(p["high"]) == _num(g["high"])
                ):
                    matched[gi] = p
                    used.add(p["figure_id"])
                    break
        counted = [p for p in preds if p["category"] != "other" or p["figure_id"] in used]
        n_pred += len(counted)
        tp += len(matched)
        for gi, g in enumerate(gold_items):
            if gi not in matched:
                problems.append(f"{did}: missed {g['surface']!r} [{g['low']}, {g['high']}]")
        for p in counted:
            if p["figure_id"] not in used:
                problems.append(f"{did}: spurious {p['surface']!r} [{p['low']}, {p['high']}] {p['category']}")
        gold_pred = {g["surface"]: matched.get(gi) for gi, g in enumerate(gold_items)}
        for gi, p in matched.items():
            g = gold_items[gi]
            checks = {
                "qualifier": p["qualifier"] == g["qualifier"],
                "category": p["category"] in g["category"],
            }
            for key, col in (("actor", "actor_entity_id"), ("location", "location_entity_id")):
                accepted = g.get(key) or [None]
                value = p[col] if isinstance(p[col], str) else None
                checks[key] = (value is None and None in accepted) or (
                    value is not None and any(value in ids.get(name, set()) for name in accepted if name)
                )
            if g.get("part_of"):
                whole = gold_pred.get(g["part_of"])
                checks["part_of"] = whole is not None and p["part_of_figure_id"] == whole["figure_id"]
            for key, ok in checks.items():
                attr_n[key] += 1
                attrs[key] += ok
                if not ok:
                    problems.append(f"{did}: {g['surface']!r} wrong {key}")
        for phrase in (gold.get("not_figures") or {}).get(did, []):
            for place in _places(text, phrase):
                not_figures += sum(
                    1 for p in wh.rows("figures", did) if _overlaps(place, (p["char_start"], p["char_end"]))
                )
    out = _prf(tp, n_pred, n_gold)
    out.update(
        {
            f"{k}_accuracy": attrs[k] / attr_n[k]
            for k in ("qualifier", "category", "actor", "location", "part_of")
            if attr_n[k]
        }
    )
    out["not_figures_extracted"] = not_figures
    out["problems"] = problems
    return out


def score_dates(gold: dict, wh: _Warehouse, include_stretch: bool = True) -> dict:
    tp = n_pred = n_gold = n_stretch = stretch_tp = n_unresolved = unresolved_right = 0
    problems = []
    for did, items in (gold.get("dates") or {}).items():
        text = wh.text.get(did, "")
        unresolved_gold = [g for g in items if g.get("start") is None]
        n_unresolved += len(unresolved_gold)
        all_preds = wh.rows("dates", did)
        for g in unresolved_gold:  # must be found, and left unresolved (no publication date to anchor it)
            places = _places(text, g["surface"])
            if any(
                _day(p["date_start"]) is None
                and any(_overlaps((p["char_start"], p["char_end"]), pl) for pl in places)
                for p in all_preds
            ):
                unresolved_right += 1
            else:
                problems.append(f"{did}: {g['surface']!r} should be found and left unresolved")
        items = [g for g in items if g.get("start") is not None and (include_stretch or not g.get("stretch"))]
        n_stretch += sum(1 for g in items if g.get("stretch"))
        preds = [p for p in wh.rows("dates", did) if _day(p["date_start"]) is not None]
        n_gold += len(items)
        n_pred += len(preds)
        used = set()
        for g in items:
            places = _places(text, g["surface"])
            hit = None
            for p in preds:
                if p["date_id"] in used:
                    continue
                if any(_overlaps((p["char_start"], p["char_end"]), pl) for pl in places) and (
                    _day(p["date_start"]),
                    _day(p["date_end"]),
                ) == (_day(g["start"]), _day(g["end"])):
                    hit = p
                    break
            if hit:
                used.add(hit["date_id"])
                tp += 1
                stretch_tp += bool(g.get("stretch"))
            else:
                problems.append(f"{did}: missed {g['surface']!r} {g['start']}..{g['end']}")
        # A date the text repeats (same words, same interval) is the gold date again, not a false positive.
        seen = {
            (p["surface"], _day(p["date_start"]), _day(p["date_end"])) for p in preds if p["date_id"] in used
        }
        repeats = {
            p["date_id"]
            for p in preds
            if p["date_id"] not in used and (p["surface"], _day(p["date_start"]), _day(p["date_end"])) in seen
        }
        n_pred -= len(repeats)
        problems += [
            f"{did}: spurious {p['surface']!r} {_day(p['date_start'])}..{_day(p['date_end'])}"
            for p in preds
            if p["date_id"] not in used | repeats
        ]
    out = _prf(tp, n_pred, n_gold)
    out["stretch_gold"] = n_stretch
    out["stretch_matched"] = stretch_tp
    out["unresolved_gold"] = n_unresolved
    out["unresolved_right"] = unresolved_right
    out["problems"] = problems
    return out


def evaluate(gold_path: Path, warehouse: Path) -> dict:
    gold = load_gold(gold_path)
    wh = _Warehouse(warehouse)
    return {
        "boilerplate": score_boilerplate(gold, wh),
        "figures": score_figures(gold, wh),
        "dates": score_dates(gold, wh),
        "entities": score_entities(gold, wh),
    }
