"""Figure-level checks: inconsistent, late, disagreeing, duplicated and outlying figures, as flag rows.

Each check is a plain function of the `figures`, `dates` and `documents` tables (DataFrames as read from
the warehouse) that returns flags: (figure_id, doc_id, check_name, severity, reason, other_figure_id). The
`figure_flags` asset writes them; each check_name is also a WARN asset check. Thresholds an analyst sets
live in `expectations/figure_checks.yaml` (`load_config`), not here.

Conventions (what each check compares):
- A figure's bounds: lower = low (0 for "at most N" without one), upper = high (unbounded for "at least N"
  without one), else the value; point = value, else low, else high. So "more than 50" never contradicts a
  larger number, and "as many as 300" never a smaller one.
- Repeats (`repeat_of_figure_id` set) restate a claim already counted: never summed, compared or flagged.
- part/whole: `part_of_figure_id` links a part to its whole in the same document.
- Day of a claim: its date's `date_start`, or the publication date when the figure has no resolved date; a
  claim with neither is not compared.
- Source of a claim: who claims it (`source_entity_id`, else its `source_surface`); an unattributed claim is
  its outlet's (else its document's). Two claims are compared only when their sources differ - within one
  document ("the Observatory said 16 ... state media said 300") as well as across documents.
- The same event: the same category, and the same actor (non-null) with the same place (both null counts),
  or the same place (non-null) with the same actor (both null counts); and close days: within
  `event_window_days` for events (killed, wounded ...), the same calendar year for stocks (fighters,
  population: a group's strength is claimed for a period, not a day).
- Same actor for outliers: equal, non-null `actor_entity_id` (a claim about nobody in particular is not
  compared against history).
- Parts (figures with `part_of_figure_id`) are sub-counts of their document's total; they are not compared
  across sources or against history, and neither are syndicated copies (counted once, as the first copy).
"""

from __future__ import annotations

import bisect
import functools
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

log = logging.getLogger(__name__)

SEVERITY = "WARN"
FLAG_COLUMNS = ["figure_id", "doc_id", "check_name", "severity", "reason", "other_figure_id"]

PART_EXCEEDS_WHOLE = "no_part_exceeds_its_whole"
BREAKDOWN_EXCEEDS_TOTAL = "no_breakdown_exceeds_its_total"
DATED_AFTER_PUBLICATION = "no_figure_dated_after_publication"
CROSS_SOURCE = "sources_agree_within_factor"
SYNDICATED = "syndicated_copies_counted_once"
OUTLIER = "no_outlier_against_actor_history"

CHECKS: dict[str, str] = {
    PART_EXCEEDS_WHOLE: "no part of a figure (part_of_figure_id) is larger than its whole",
    BREAKDOWN_EXCEEDS_TOTAL: "the parts of a total, added up (lower bounds), do not exceed the total",
    DATED_AFTER_PUBLICATION: "no figure's date starts after its document's publication date",
    CROSS_SOURCE: "claims of different sources (in one document or across documents) about the same event "
    "(category, actor or place, close dates) are within the disagreement factor of each other (both sides "
    "flagged, each pointing at the other, the reason naming both claims and both sources)",
    SYNDICATED: "a claim repeated by the same outlet in a copied report is flagged as a copy of the first, "
    "so it is counted once",
    OUTLIER: "no claim is an outlier (by the outlier factor) against the median of earlier claims about the "
    "same actor and category",
}


class FigureCheckConfigError(ValueError):
    """The figure-check thresholds file cannot be used as written (names the file and the key)."""


@dataclass(frozen=True)
class FigureCheckConfig:
    disagreement_factor: float = 10.0
    outlier_factor: float = 10.0
    outlier_min_history: int = 3
    syndication_text_similarity: float = 0.8
    incomparable_categories: tuple[str, ...] = ("other",)
    event_window_days: int = 7
    stock_categories: tuple[str, ...] = ("fighters", "population")


def load_config(path: Path) -> FigureCheckConfig:
    """The thresholds in `path` (YAML), validated; missing keys take the defaults."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise FigureCheckConfigError(f"{path}: cannot read: {exc}") from exc
    if not isinstance(raw, dict):
        raise FigureCheckConfigError(f"{path}: must be a mapping of threshold names to values")
    known = set(FigureCheckConfig.__dataclass_fields__)
    unknown = set(raw) - known
    if unknown:
        raise FigureCheckConfigError(f"{path}: unknown keys {sorted(unknown)} (known: {sorted(known)})")

    def number(key: str, minimum: float, exclusive: bool = False) -> float:
        value = raw.get(key, getattr(FigureCheckConfig, key))
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise FigureCheckConfigError(f"{path}: {key} must be a number (got {value!r})")
        if value < minimum or (exclusive and value == minimum):
            raise FigureCheckConfigError(f"{path}: {key} must be {'>' if exclusive else '>='} {minimum}")
        return float(value)

    similarity = number("syndication_text_similarity", 0.0, exclusive=True)
    if similarity > 1:
        raise FigureCheckConfigError(f"{path}: syndication_text_similarity must be <= 1")
    history = number("outlier_min_history", 1)
    if history != int(history):
        raise FigureCheckConfigError(f"{path}: outlier_min_history must be a whole number")
    window = number("event_window_days", 0)
    if window != int(window):
        raise FigureCheckConfigError(f"{path}: event_window_days must be a whole number")

    def names(key: str) -> tuple[str, ...]:
        value = raw.get(key, list(getattr(FigureCheckConfig, key)))
        if not isinstance(value, list) or not all(isinstance(c, str) for c in value):
            raise FigureCheckConfigError(f"{path}: {key} must be a list of category names")
        return tuple(value)

    return FigureCheckConfig(
        disagreement_factor=number("disagreement_factor", 1.0, exclusive=True),
        outlier_factor=number("outlier_factor", 1.0, exclusive=True),
        outlier_min_history=int(history),
        syndication_text_similarity=similarity,
        incomparable_categories=names("incomparable_categories"),
        event_window_days=int(window),
        stock_categories=names("stock_categories"),
    )


# --- reading rows -----------------------------------------------------------------------------------


def _none(value: object) -> object:
    if value is None:
        return None
    try:
        return None if pd.isna(value) else value
    except (TypeError, ValueError):
        return value


Rows = pd.DataFrame | list[dict]  # a table, or its rows already made by _records (figure_flags does it once)


def _records(df: Rows) -> list[dict]:
    """The rows as dicts, missing values (NaN, NaT, NA) as None: in one pass of pandas, not per value. Rows
    given as a list are handed back as they are (the checks read them, never change them)."""
    if isinstance(df, list):
        return df
    return df.astype(object).where(df.notna(), None).to_dict("records") if len(df) else []


def _day(value: object):
    value = _none(value)
    if value is None:
        return None
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def lower(f: dict) -> float | None:
    """The least the figure claims: low; 0 for "at most N" without a low; else its value."""
    if f.get("low") is not None:
        return f["low"]
    return 0.0 if f.get("qualifier") == "at_most" else f.get("value")


def upper(f: dict) -> float | None:
    """The most the figure claims: high; None (unbounded) for "at least N" without a high; else its value."""
    if f.get("high") is not None:
        return f["high"]
    return None if f.get("qualifier") == "at_least" else f.get("value")


def point(f: dict) -> float | None:
    return next((f[k] for k in ("value", "low", "high") if f.get(k) is not None), None)


def _fmt(x: float | None) -> str:
    return "?" if x is None else (f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}")


def _flag(f: dict, check: str, reason: str, other: str | None = None) -> dict:
    return {
        "figure_id": f["figure_id"],
        "doc_id": f["doc_id"],
        "check_name": check,
        "severity": SEVERITY,
        "reason": reason,
        "other_figure_id": other,
    }


def _frame(flags: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(flags, columns=FLAG_COLUMNS)
    return df.drop_duplicates(["figure_id", "check_name", "other_figure_id"]).reset_index(drop=True)


# Sentence ends: a full stop, ! or ? (optionally closed by a quote or bracket) before a space, or a line
# break. Risk: abbreviations ("Gen. Smith") cut a sentence short; the report only shows it, nothing counts it.
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+|\n+")


def sentence_of(text: str, start: int, end: int) -> str:
    """The sentence of `text` around [start, end) (whitespace folded)."""
    if not isinstance(text, str):
        return ""
    begin = _sentence_start(text, start)
    m = _SENTENCE_END.search(text, end)
    stop = m.end() if m else len(text)  # the end mark and its closing quote; trailing space is folded away
    return " ".join(text[begin:stop].split())


@functools.lru_cache(maxsize=1024)
def _sentence_ends(text: str) -> tuple[list[int], list[int]]:
    """(starts, ends) of every sentence end mark in `text`, in order (found once per text)."""
    marks = [(m.start(), m.end()) for m in _SENTENCE_END.finditer(text)]
    return [a for a, _ in marks], [b for _, b in marks]


def _sentence_start(text: str, start: int) -> int:
    """Where the sentence holding `start` begins: the end of the last end mark before `start`, as a scan of
    text[:start] finds it (a mark running past `start` is read as the scan would, cut at `start`)."""
    starts, ends = _sentence_ends(text)
    k = bisect.bisect_left(starts, start) - 1  # the last mark that begins before `start`
    if k < 0:
        return 0
    if ends[k] <= start:
        return ends[k]
    begin = ends[k - 1] if k > 0 else 0
    for m in _SENTENCE_END.finditer(text, starts[k], start):
        begin = m.end()
    return begin


def _counted(figures: Rows) -> list[dict]:
    """Figures that make a claim of their own (repeats restate one)."""
    return [f for f in _records(figures) if f.get("repeat_of_figure_id") is None]


# --- the checks ---------------------------------------------------------------------------------------


def parts_exceeding_whole(figures: Rows) -> pd.DataFrame:
    """A part whose lower bound is larger than its whole's upper bound (flagged on the part)."""
    rows = _counted(figures)
    by_id = {f["figure_id"]: f for f in _records(figures)}
    flags = []
    for part in rows:
        whole = by_id.get(part.get("part_of_figure_id"))
        if whole is None:
            continue
        lo, hi = lower(part), upper(whole)
        if lo is not None and hi is not None and lo > hi:
            flags.append(
                _flag(
                    part,
                    PART_EXCEEDS_WHOLE,
                    f"part {_fmt(lo)} ({part['category']}) is larger than its whole {_fmt(hi)} "
                    f"({whole['category']}, {whole['figure_id']})",
                    whole["figure_id"],
                )
            )
    return _frame(flags)


def breakdowns_exceeding_total(figures: Rows) -> pd.DataFrame:
    """A whole with two or more parts whose lower bounds add up to more than its upper bound."""
    parts: dict[str, list[dict]] = {}
    for f in _counted(figures):
        if f.get("part_of_figure_id") is not None:
            parts.setdefault(f["part_of_figure_id"], []).append(f)
    flags = []
    for whole in _records(figures):
        mine = parts.get(whole["figure_id"], [])
        lows = [lower(p) for p in mine]
        hi = upper(whole)
        if len(mine) < 2 or hi is None or any(x is None for x in lows):
            continue
        total = sum(lows)
        if total > hi:
            listed = " + ".join(f"{_fmt(lower(p))} {p['category']}" for p in mine)
            flags.append(
                _flag(
                    whole,
                    BREAKDOWN_EXCEEDS_TOTAL,
                    f"breakdown {listed} = {_fmt(total)} exceeds the total {_fmt(hi)}",
                )
            )
    return _frame(flags)


def figures_dated_after_publication(figures: Rows, dates: Rows, documents: Rows) -> pd.DataFrame:
    """A figure whose date starts after its document was published."""
    starts = {d["date_id"]: d for d in _records(dates)}
    published = {d["doc_id"]: _day(d.get("published_date")) for d in _records(documents)}
    flags = []
    for f in _counted(figures):
        date = starts.get(f.get("date_id"))
        pub = published.get(f["doc_id"])
        start = _day(date.get("date_start")) if date else None
        if start is None or pub is None or start <= pub:
            continue
        flags.append(
            _flag(
                f,
                DATED_AFTER_PUBLICATION,
                f"dated {start.isoformat()} ('{date.get('surface')}'), after publication {pub.isoformat()}",
                None,
            )
        )
    return _frame(flags)


def _shingles(text: str, n: int = 5) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", (text or "").lower())
    return {tuple(words[i : i + n]) for i in range(max(len(words) - n + 1, 1))} if words else set()


def text_similarity(a: str, b: str) -> float:
    """Jaccard similarity of the 5-word shingles of two texts (1.0 = the same words in the same order)."""
    sa, sb = _shingles(a), _shingles(b)
    return len(sa & sb) / len(sa | sb) if sa and sb else 0.0


def _pub_order(doc: dict) -> tuple:
    pub = _day(doc.get("published_date"))
    return (pub is None, pub.isoformat() if pub else "", doc["doc_id"])


TextLoader = Callable[[set[str]], Mapping[str, str]]  # doc_ids -> their clean texts


@dataclass(frozen=True)
class Previous:
    """What the last check found, for an incremental one: `copies` (figure_id -> its syndicated-copy flag
    row) over the figures of the documents not in `dirty`, whose rows are the same as then. `dirty`: the
    documents whose figures, dates or document row changed, came or went since."""

    copies: Mapping[str, dict]
    dirty: set[str]


def _scan(
    i: int, claims: list[dict], previous: Previous | None, position: dict[str, int]
) -> tuple[list[int], dict | None]:
    """(the positions of the claims before claims[i] that may be its first copy match, in order; the flag
    found last time, which stands when none of them matches, or None).

    With no `previous`, or for a changed claim: every earlier claim. For an unchanged claim, only an earlier
    changed claim can change its answer: one before the claim it was a copy of (an unchanged pair compares
    as it did), or any earlier one when it was no copy. When the claim it was a copy of is gone or changed,
    every earlier claim again."""
    later = claims[i]
    if previous is None or later["doc_id"] in previous.dirty:
        return list(range(i)), None
    flag = previous.copies.get(later["figure_id"])
    if flag is None:
        return [k for k in range(i) if claims[k]["doc_id"] in previous.dirty], None
    k0 = position.get(flag["other_figure_id"])
    if k0 is None or k0 >= i or claims[k0]["doc_id"] in previous.dirty:
        return list(range(i)), None
    return [k for k in range(k0) if claims[k]["doc_id"] in previous.dirty], flag


def syndicated_copies(
    figures: Rows,
    documents: Rows,
    config: FigureCheckConfig,
    previous: Previous | None = None,
    texts: TextLoader | None = None,
) -> pd.DataFrame:
    """The later copy of the same claim (same outlet, category, bounds and actor) in a copied report: each
    claim is a copy of the first earlier claim of another document (publication order) with the same
    sentence, or whose document is `syndication_text_similarity` the same text.

    `previous` (an incremental check) limits the comparisons to those a changed document can decide (see
    `_scan`); the answer is the one a full check gives. `texts` loads the clean texts of the documents
    compared (default: the documents' `clean_text`), once, for all of them."""
    docs = {d["doc_id"]: d for d in _records(documents)}
    groups: dict[tuple, list[dict]] = {}
    for f in _counted(figures):
        doc = docs.get(f["doc_id"])
        if doc is None or not doc.get("outlet"):
            continue
        key = (
            doc["outlet"],
            f["category"],
            f.get("value"),
            f.get("low"),
            f.get("high"),
            f.get("actor_entity_id"),
        )
        groups.setdefault(key, []).append(f)
    work: list[tuple[list[dict], int, list[int], dict | None]] = []  # (claims, i, _scan's answer)
    for claims in groups.values():
        if len({c["doc_id"] for c in claims}) < 2:
            continue
        claims.sort(key=lambda c: (_pub_order(docs[c["doc_id"]]), c["char_start"]))
        position = {c["figure_id"]: k for k, c in enumerate(claims)}
        for i in range(1, len(claims)):
            scan, kept = _scan(i, claims, previous, position)
            if scan or kept:
                work.append((claims, i, scan, kept))
    # The texts: loaded in one go for every claim's first pair (most claims stop there), then, for a claim
    # that goes on, in doubling steps (so at most twice the texts its comparisons read, in few queries).
    text: dict[str, str] = {}

    def load(doc_ids: set[str]) -> None:
        doc_ids = {d for d in doc_ids if d not in text}
        if not doc_ids:
            return
        found = {d: docs[d].get("clean_text") for d in doc_ids} if texts is None else dict(texts(doc_ids))
        text.update({d: found.get(d) or "" for d in doc_ids})

    load({claims[k]["doc_id"] for claims, i, scan, _ in work for k in (i, *scan[:1]) if scan})

    def text_of(doc_id: str) -> str:
        if doc_id not in text:
            load({doc_id})
        return text[doc_id]

    shingles: dict[str, set] = {}  # doc_id -> its shingles, made once however many pairs it is in
    similarity: dict[tuple[str, str], float] = {}
    sentences: dict[str, str] = {}  # figure_id -> its sentence, found once however many pairs it is in

    def similar(a: str, b: str) -> float:
        if (a, b) not in similarity:
            for d in (a, b):
                if d not in shingles:
                    shingles[d] = _shingles(text_of(d))
            sa, sb = shingles[a], shingles[b]
            shared = len(sa & sb)  # Jaccard, as text_similarity, without making the union
            similarity[(a, b)] = shared / (len(sa) + len(sb) - shared) if sa and sb else 0.0
        return similarity[(a, b)]

    def sentence(f: dict) -> str:
        if f["figure_id"] not in sentences:
            sentences[f["figure_id"]] = sentence_of(text_of(f["doc_id"]), f["char_start"], f["char_end"])
        return sentences[f["figure_id"]]

    flags = []
    for claims, i, scan, kept in work:
        later = claims[i]
        for n, k in enumerate(scan):
            first = claims[k]
            if n and n & (n + 1) == 0:  # at the 2nd, 4th, 8th ... pair: the texts of as many pairs again
                load({claims[j]["doc_id"] for j in scan[n : 2 * n + 1]})
            if first["doc_id"] == later["doc_id"]:
                continue
            pair = (first["doc_id"], later["doc_id"])
            if sentence(first) == sentence(later):
                flags.append(_copy_flag(later, first, "the same sentence", docs))
                break
            if similar(*pair) >= config.syndication_text_similarity:  # only when the sentence does not decide
                flags.append(_copy_flag(later, first, f"{similarity[pair]:.0%} the same text", docs))
                break
        else:
            if kept is not None:  # no changed claim comes first: the same pair as last time, the same flag
                flags.append(dict(kept))
    return _frame(flags)


def _copy_flag(later: dict, first: dict, why: str, docs: dict[str, dict]) -> dict:
    return _flag(
        later,
        SYNDICATED,
        f"copy of {first['figure_id']} from the same outlet ({docs[later['doc_id']]['outlet']}, {why}): "
        "count once",
        first["figure_id"],
    )


@dataclass
class _Claim:
    figure: dict
    day: object  # the date that orders claims: the figure's date_start, else the publication date
    year: int


def _claims(
    figures: Rows,
    dates: Rows,
    documents: Rows,
    config: FigureCheckConfig,
    need_actor: bool = True,
    copies: set[str] | None = None,
) -> list[_Claim]:
    """Comparable claims: not repeats, not parts, not syndicated copies (`copies`, found when not given), a
    comparable category, a day, and an actor (or, without `need_actor`, an actor or a place)."""
    if copies is None:
        copies = set(syndicated_copies(figures, documents, config)["figure_id"])
    starts = {d["date_id"]: _day(d.get("date_start")) for d in _records(dates)}
    published = {d["doc_id"]: _day(d.get("published_date")) for d in _records(documents)}
    out = []
    for f in _counted(figures):
        about = f.get("actor_entity_id") is not None or (
            not need_actor and f.get("location_entity_id") is not None
        )
        if (
            f.get("part_of_figure_id") is not None
            or f["figure_id"] in copies
            or f["category"] in config.incomparable_categories
            or not about
            or point(f) is None
        ):
            continue
        day = starts.get(f.get("date_id")) or published.get(f["doc_id"])
        if day is not None:
            out.append(_Claim(f, day, day.year))
    return out


def source_of(f: dict, doc: dict | None) -> tuple[set[str], str]:
    """(keys, label) of who claims a figure: its linked claimant and the claimant's words, else (an
    unattributed claim) its outlet, else its document. Two claims share a source when they share a key."""
    keys = set()
    if f.get("source_entity_id"):
        keys.add(f"entity:{f['source_entity_id']}")
    if f.get("source_surface"):
        keys.add("text:" + " ".join(str(f["source_surface"]).lower().removeprefix("the ").split()))
    if keys:
        return keys, str(f.get("source_surface") or f["source_entity_id"])
    outlet = (doc or {}).get("outlet")
    if outlet:
        return {f"outlet:{outlet}"}, f"{outlet} (unattributed)"
    return {f"doc:{f['doc_id']}"}, f"{f['doc_id']} (unattributed)"


def _same_event(a: _Claim, b: _Claim, config: FigureCheckConfig) -> bool:
    fa, fb = a.figure, b.figure
    if fa["category"] != fb["category"]:
        return False
    actor_a, actor_b = fa.get("actor_entity_id"), fb.get("actor_entity_id")
    place_a, place_b = fa.get("location_entity_id"), fb.get("location_entity_id")
    same_actor = actor_a is not None and actor_a == actor_b and place_a == place_b
    same_place = place_a is not None and place_a == place_b and actor_a == actor_b
    if not (same_actor or same_place):
        return False
    if fa["category"] in config.stock_categories:
        return a.year == b.year
    return abs((a.day - b.day).days) <= config.event_window_days


def _event_pairs(group: list[_Claim], stock: bool, window: int) -> list[tuple[int, int]]:
    """The index pairs (i < j, in order) of claims of one category that may be about the same event: the
    same actor and place (not both unknown) and, for a stock, the same year, else days at most `window`
    apart. Claims are bucketed and swept by day, so the cost follows the pairs, not the square of the
    claims; `_same_event` then decides each pair."""
    buckets: dict[tuple, list[int]] = {}
    for i, c in enumerate(group):
        actor, place = c.figure.get("actor_entity_id"), c.figure.get("location_entity_id")
        if actor is None and place is None:
            continue
        buckets.setdefault((actor, place, c.year) if stock else (actor, place), []).append(i)
    pairs = []
    for members in buckets.values():
        if stock:
            pairs += [(i, j) for k, i in enumerate(members) for j in members[k + 1 :]]
            continue
        by_day = sorted(members, key=lambda i: group[i].day)
        for k, i in enumerate(by_day):
            for j in by_day[k + 1 :]:
                if (group[j].day - group[i].day).days > window:
                    break
                pairs.append((min(i, j), max(i, j)))
    return sorted(pairs)


def cross_source_disagreements(
    figures: Rows,
    dates: Rows,
    documents: Rows,
    config: FigureCheckConfig,
    copies: set[str] | None = None,
) -> pd.DataFrame:
    """Both claims of every pair from different sources (in one document or across documents) about the same
    event whose larger lower bound is at least `disagreement_factor` times the smaller upper bound. The
    reason names both claims, both sources and the documents."""
    docs = {d["doc_id"]: d for d in _records(documents)}
    claims = _claims(figures, dates, documents, config, need_actor=False, copies=copies)
    sources = {c.figure["figure_id"]: source_of(c.figure, docs.get(c.figure["doc_id"])) for c in claims}
    by_category: dict[str, list[_Claim]] = {}
    for c in claims:
        by_category.setdefault(c.figure["category"], []).append(c)
    flags = []
    for category, group in by_category.items():
        stock = category in config.stock_categories
        for i, j in _event_pairs(group, stock, config.event_window_days):
            a, b = group[i], group[j]
            fa, fb = a.figure, b.figure
            if sources[fa["figure_id"]][0] & sources[fb["figure_id"]][0] or not _same_event(a, b, config):
                continue
            small, big = sorted((fa, fb), key=point)
            hi, lo = upper(small), lower(big)
            if not hi or lo is None or lo / hi < config.disagreement_factor:
                continue
            actor = fa.get("actor_entity_id")
            place = fa.get("location_entity_id")
            about = (f" of {actor}" if actor else "") + (f" in {place}" if place else "")
            when = str(a.year) if category in config.stock_categories else a.day.isoformat()
            for f, other in ((fa, fb), (fb, fa)):
                flags.append(
                    _flag(
                        f,
                        CROSS_SOURCE,
                        f"{_fmt(point(f))} (claimed by {sources[f['figure_id']][1]}, {f['doc_id']}) "
                        f"vs {_fmt(point(other))} (claimed by {sources[other['figure_id']][1]}, "
                        f"{other['doc_id']}) "
                        f"{category}{about} in {when}: {lo / hi:.1f}x apart "
                        f"(factor {config.disagreement_factor:g})",
                        other["figure_id"],
                    )
                )
    return _frame(flags)


def _median_sorted(values: list[float]) -> float:
    n = len(values)
    return values[n // 2] if n % 2 else (values[n // 2 - 1] + values[n // 2]) / 2


def _earlier_points(claims: list[_Claim]) -> list[list[float]]:
    """For each claim, the sorted points of the claims strictly earlier than it from other documents. One
    sweep by day keeps the earlier points sorted (and each document's apart), so a claim costs a copy of
    that list rather than a pass over every claim."""
    order = sorted(range(len(claims)), key=lambda i: claims[i].day)
    earlier: list[float] = []
    own: dict[str, list[float]] = {}
    out: list[list[float]] = [[] for _ in claims]
    k = 0
    while k < len(order):
        day = claims[order[k]].day
        today = []
        while k < len(order) and claims[order[k]].day == day:
            today.append(order[k])
            k += 1
        for i in today:
            history = list(earlier)
            for value in own.get(claims[i].figure["doc_id"], []):
                del history[bisect.bisect_left(history, value)]
            out[i] = history
        for i in today:
            value = point(claims[i].figure)
            bisect.insort(earlier, value)
            own.setdefault(claims[i].figure["doc_id"], []).append(value)
    return out


def outliers_against_history(
    figures: Rows,
    dates: Rows,
    documents: Rows,
    config: FigureCheckConfig,
    copies: set[str] | None = None,
) -> pd.DataFrame:
    """Claims `outlier_factor` times above or below the median of the earlier claims (other documents,
    strictly earlier dates) about the same actor and category, given `outlier_min_history` of them."""
    groups: dict[tuple, list[_Claim]] = {}
    for c in _claims(figures, dates, documents, config, copies=copies):
        groups.setdefault((c.figure["actor_entity_id"], c.figure["category"]), []).append(c)
    flags = []
    for (actor, category), claims in groups.items():
        histories = _earlier_points(claims)
        for c, history in zip(claims, histories, strict=True):
            if len(history) < config.outlier_min_history:
                continue
            median, value = _median_sorted(history), point(c.figure)
            if median <= 0:
                continue
            ratio = value / median
            if ratio >= config.outlier_factor or ratio <= 1 / config.outlier_factor:
                flags.append(
                    _flag(
                        c.figure,
                        OUTLIER,
                        f"{_fmt(value)} {category} of {actor} is {ratio:.2g}x the median {_fmt(median)} of "
                        f"{len(history)} earlier claims",
                    )
                )
    return _frame(flags)


def figure_flags(
    figures: Rows,
    dates: Rows,
    documents: Rows,
    config: FigureCheckConfig,
    previous: Previous | None = None,
    texts: TextLoader | None = None,
) -> pd.DataFrame:
    """Every flag of every figure check, one row per (figure, check, other figure).

    Only the syndication check reads the documents' texts: `texts` loads them for the documents it compares
    (default: `documents`' clean_text); `previous` makes it compare only what changed (`syndicated_copies`).
    The other checks are cheap and read every figure."""
    figures, dates, documents = _records(figures), _records(dates), _records(documents)  # once for all checks
    syndicated = syndicated_copies(figures, documents, config, previous, texts)
    copies = set(syndicated["figure_id"])  # found once, left out of the claims the last two compare
    parts = [
        parts_exceeding_whole(figures),
        breakdowns_exceeding_total(figures),
        figures_dated_after_publication(figures, dates, documents),
        cross_source_disagreements(figures, dates, documents, config, copies),
        syndicated,
        outliers_against_history(figures, dates, documents, config, copies),
    ]
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=FLAG_COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    log.info("figure flags: %s", out["check_name"].value_counts().to_dict())
    return out
