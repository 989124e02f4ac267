"""What a refused page or manifest carries: the reason, the check or cap that refused it, a short sample.

`PageRefused` is raised where a page cannot be taken (a symlink leaving raw/, a cap, bytes that are no
text); `Refusal` is the record of it that becomes a quarantine row.
"""

from __future__ import annotations

from dataclasses import dataclass

SAMPLE_CHARS = 200  # a quarantine sample is short: the offending line or value, not the page


def short(text: str | None, limit: int = SAMPLE_CHARS) -> str | None:
    """`text` cut to `limit` characters (with an ellipsis), or None."""
    if text is None:
        return None
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


class PageRefused(ValueError):
    """A page (or manifest) that is not taken, with the check or cap that refused it and a short sample."""

    def __init__(self, reason: str, check_name: str, sample: str | None = None):
        super().__init__(reason)
        self.check_name = check_name
        self.sample = short(sample)


@dataclass(frozen=True)
class Refusal:
    """One quarantine record about an entry of the raw directory (its path relative to the raw directory)."""

    raw_path: str
    reason: str
    check_name: str
    sample: str | None = None
    doc_id: str | None = None
    sha256: str | None = None

    def quarantine_row(self, stage: str) -> dict:
        return {
            "raw_path": self.raw_path,
            "reason": self.reason,
            "stage": stage,
            "doc_id": self.doc_id,
            "raw_sha256": self.sha256,
            "check_name": self.check_name,
            "sample": short(self.sample),
        }


def merged(refusals: list[Refusal]) -> list[Refusal]:
    """One refusal per raw_path (reasons joined in order, the first check name and sample), sorted by path."""
    by_path: dict[str, Refusal] = {}
    for r in refusals:
        first = by_path.get(r.raw_path)
        if first is None:
            by_path[r.raw_path] = r
            continue
        by_path[r.raw_path] = Refusal(
            raw_path=r.raw_path,
            reason=f"{first.reason}; {r.reason}",
            check_name=first.check_name,
            sample=first.sample or r.sample,
            doc_id=first.doc_id or r.doc_id,
            sha256=first.sha256 or r.sha256,
        )
    return [by_path[p] for p in sorted(by_path)]
