"""`python -m pipelines.evaluation [--gold FILE] [--warehouse FILE] [--json] [--problems]`: print scores."""

import argparse
import json
import sys
from pathlib import Path

from pipelines import settings
from pipelines.evaluation.score import evaluate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score the warehouse against a gold file (gold/README.md).")
    parser.add_argument("--gold", default=str(settings.PROJECT_ROOT / "gold" / "seeds.yaml"))
    parser.add_argument("--warehouse", default=str(settings.warehouse_path()))
    parser.add_argument("--json", action="store_true", help="print the full result as JSON")
    parser.add_argument("--problems", action="store_true", help="list every miss and spurious row")
    args = parser.parse_args(argv)
    if not Path(args.warehouse).exists():
        print(
            f"no warehouse at {args.warehouse}: build it first (`make run`, or `make eval-<set>`)",
            file=sys.stderr,
        )
        return 2
    result = evaluate(args.gold, args.warehouse)
    if args.json:
        print(json.dumps(result, indent=2, default=str))
        return 0
    for part, scores in result.items():
        numbers = "  ".join(
            f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}"
            for k, v in scores.items()
            if k != "problems"
        )
        print(f"{part:24s} {numbers}")
        if args.problems:
            for p in scores.get("problems", []):
                print(f"    - {p}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
