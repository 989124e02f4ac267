"""Score the real-text development sets (../shared/realtext/: MEANTIME and re3d_dev) with their own scorer
and print the figures issue 15 gates on; the scorer's whole JSON goes to warehouse/realtext-<set>/scores.json.

    python -m pipelines.evaluation.realtext [--set meantime|re3d_dev ...] [--warehouse-root DIR]
                                            [--problems N]

The warehouses are built first (`make eval-realtext` does both); the shared folder is read-only and its
scorer is imported from its path, never copied.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

from pipelines import settings

REALTEXT = settings.PROJECT_ROOT.parent / "shared" / "realtext"
SETS = ("meantime", "re3d_dev")
# The scorer's entity types each set's headline figures are given for (issue 15, "Done when").
HEADLINE_TYPES = {"meantime": ("PER", "ORG", "LOC"), "re3d_dev": ("Organisation", "Person", "Location")}


def warehouse_for(name: str, root: Path | None = None) -> Path:
    """warehouse/realtext-<set>/ledger.duckdb: a folder per set, as a run writes .snapshots/ and reports/
    beside its warehouse."""
    return (root or settings.PROJECT_ROOT / "warehouse") / f"realtext-{name}" / "ledger.duckdb"


def load_scorer(realtext: Path = REALTEXT) -> ModuleType:
    """The shared score_realtext.py as a module."""
    path = realtext / "score_realtext.py"
    if not path.is_file():
        raise FileNotFoundError(
            f"{path}: the real-text scorer is not there (../shared/realtext beside main/)"
        )
    spec = importlib.util.spec_from_file_location("score_realtext", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def headline(result: dict) -> dict[str, float | None]:
    """The figures issue 15 names, flat: <type>.recall / <type>.precision (and typed_recall, typed
    precision) per headline type, mentions.precision; MEANTIME also dates.value_F1; quantities.recall."""
    name = result["set"]
    per_type = result["mentions"]["per_type"]
    figures: dict[str, float | None] = {}
    for kind in HEADLINE_TYPES[name]:
        for metric in ("recall", "precision", "typed_recall", "typed_precision"):
            figures[f"{kind}.{metric}"] = per_type[kind][metric]
    figures["mentions.precision"] = result["mentions"]["all"]["precision"]
    if "dates" in result:
        figures["dates.value_F1"] = result["dates"]["value_F1"]
    figures["quantities.recall"] = result["quantities"]["recall"]
    return figures


def score_set(name: str, warehouse: Path, problems: int = 0, scorer: ModuleType | None = None) -> dict:
    """The scorer's result for one set on one warehouse."""
    return (scorer or load_scorer()).score(name, str(warehouse), problems)


def table(result: dict) -> str:
    """A few lines: per headline type recall, precision, typed recall and typed precision; then the rest."""
    name, figures = result["set"], headline(result)
    missing = len(result["gold_docs_missing_from_warehouse"])
    lines = [
        f"{name}: {result['scored_docs']} of {result['gold_docs']} gold documents scored"
        + (f", {missing} missing from the warehouse" if missing else ""),
        f"  {'type':13s} {'recall':>9s} {'precision':>9s} {'typed_R':>9s} {'typed_P':>9s}",
    ]
    for kind in HEADLINE_TYPES[name]:
        values = (figures[f"{kind}.{m}"] for m in ("recall", "precision", "typed_recall", "typed_precision"))
        lines.append(f"  {kind:13s} " + " ".join(f"{_fmt(v):>9s}" for v in values))
    rest = {k: v for k, v in figures.items() if k.split(".")[0] not in HEADLINE_TYPES[name]}
    lines.append("  " + "   ".join(f"{k} {_fmt(v)}" for k, v in rest.items()))
    return "\n".join(lines)


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", dest="sets", choices=SETS, action="append", help="default: both")
    parser.add_argument("--warehouse-root", type=Path, default=settings.PROJECT_ROOT / "warehouse")
    parser.add_argument(
        "--problems", type=int, default=0, metavar="N", help="examples per error kind, in the JSON"
    )
    args = parser.parse_args(argv)
    scorer = load_scorer()
    for name in args.sets or SETS:
        warehouse = warehouse_for(name, args.warehouse_root)
        if not warehouse.is_file():
            print(f"{warehouse}: no warehouse; build it first (make eval-realtext)", file=sys.stderr)
            return 1
        result = score_set(name, warehouse, args.problems, scorer)
        out = warehouse.parent / "scores.json"
        out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(table(result))
        print(f"  full scores: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
