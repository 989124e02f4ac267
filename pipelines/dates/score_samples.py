"""`python -m pipelines.dates.score_samples`: score extract_dates on the sample articles against gold.

Matches as the project evaluator does (gold/README.md): a resolved prediction matches a gold date when
its span overlaps an occurrence of the gold surface and start/end are equal; each gold date matches once.
Also prints a repeat-tolerant precision, where a further mention of an already matched gold date
(the same surface and interval, e.g. a second "in July") is not counted as spurious.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import re
import sys
from pathlib import Path

import yaml

from pipelines.dates.recognise import extract_dates

ROOT = Path(__file__).resolve().parents[2]


def _clean(raw: str) -> str:
    try:
        from pipelines.cleaning import clean_page

        return clean_page(raw, kind="text").clean_text
    except Exception:  # the cleaner is another stage; fall back to NBSP folding only
        return raw.replace("\u00a0", " ")


def score(raw_dir: Path, gold_path: Path, show: bool = False, include_stretch: bool = True) -> dict:
    gold = yaml.safe_load(gold_path.read_text(encoding="utf-8"))["dates"]
    with (raw_dir / "manifest.csv").open(encoding="utf-8") as fh:
        published = {
            Path(r["file"]).stem: datetime.date.fromisoformat(r["published"]) if r["published"] else None
            for r in csv.DictReader(fh)
        }
    tp = n_pred = n_gold = repeats = 0
    for did, items in gold.items():
        items = [g for g in items if include_stretch or not g.get("stretch")]
        text = _clean((raw_dir / f"{did}.txt").read_text(encoding="utf-8"))
        preds = [m for m in extract_dates(text, published.get(did)) if m.resolved]
        n_gold += len(items)
        n_pred += len(preds)
        used: set[int] = set()
        for g in items:
            places = [(m.start(), m.end()) for m in re.finditer(re.escape(g["surface"]), text)]
            want = (datetime.date.fromisoformat(str(g["start"])), datetime.date.fromisoformat(str(g["end"])))
            hit = next(
                (
                    k
                    for k, p in enumerate(preds)
                    if k not in used
                    and (p.date_start, p.date_end) == want
                    and any(p.start < e and s < p.end for s, e in places)
                ),
                None,
            )
            if hit is None:
                if show:
                    print(f"{did}: MISSED {g['surface']!r} {want[0]}..{want[1]}")
            else:
                used.add(hit)
                tp += 1
        matched = {(preds[k].surface.lower(), preds[k].date_start, preds[k].date_end) for k in used}
        for k, p in enumerate(preds):
            if k in used:
                continue
            if (p.surface.lower(), p.date_start, p.date_end) in matched:
                repeats += 1
                kind = "repeat"
            else:
                kind = "SPURIOUS"
            if show:
                print(f"{did}: {kind} {p.surface!r} {p.date_start}..{p.date_end} ({p.granularity})")
    prec = tp / n_pred if n_pred else 1.0
    rec = tp / n_gold if n_gold else 1.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    prec_rep = tp / (n_pred - repeats) if n_pred - repeats else 1.0
    return {
        "precision": prec,
        "recall": rec,
        "f1": f1,
        "tp": tp,
        "predicted": n_pred,
        "gold": n_gold,
        "repeats": repeats,
        "precision_repeats_tolerated": prec_rep,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--raw", default=str(ROOT / "raw"))
    ap.add_argument("--gold", default=str(ROOT / "gold" / "seeds.yaml"))
    ap.add_argument("--show", action="store_true", help="list misses, repeats and spurious dates")
    args = ap.parse_args(argv)
    for label, stretch in (("dates", True), ("dates_without_stretch", False)):
        res = score(Path(args.raw), Path(args.gold), show=args.show and stretch, include_stretch=stretch)
        print(
            label.ljust(24),
            "  ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in res.items()),
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
