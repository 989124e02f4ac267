"""Load and validate the token lists of pipelines/dates/tokens.yaml (months, weekdays, part words, ...)."""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

logger = logging.getLogger(__name__)

DEFAULT_PATH = Path(__file__).with_name("tokens.yaml")

# The flat word lists and the word -> integer maps of tokens.yaml (each key is required).
_WORD_LISTS = tuple(
    "times_of_day month_triggers earlier_words later_words duration_preps strict_duration_preps window_preps"
    " season_triggers game_words weekday_name_words era_bc era_ad future_lemmas deadline_preps lasting_lemmas"
    " quantity_lemmas comparison_words open_end_words clock_words set_words event_nouns".split()
)
_INT_MAPS = tuple(
    "halves quarters seasons relative text_relative number_words day_words century_ordinals".split()
)
# The values a map may hold, where they are restricted.
_ALLOWED = {
    "seasons": ((3, 6, 9, 12), "the first month of the season: 3, 6, 9 or 12"),
    "halves": ((1, 2), "1 or 2"),
    "quarters": ((1, 2, 3, 4), "1..4"),
    "century_ordinals": (range(1, 101), "1..100"),
}
_UNIT_VALUES = ("day", "week", "month", "year", "decade")
_PARTS = ("early", "mid", "late")


class LexiconError(ValueError):
    """tokens.yaml is missing a list or holds a value of the wrong shape."""


@dataclass(frozen=True)
class Lexicon:
    """Validated token lists; every word lower case. Phrases are tuples of words."""

    months: dict[str, int]
    weekdays: dict[str, int]
    part_words: dict[tuple[str, ...], str]
    units: dict[str, str]
    words: dict[str, frozenset[str]]
    maps: dict[str, dict[str, int]]
    # derived once: every word of every table, and the part phrases by their first word (in file order)
    vocabulary: frozenset[str] = field(init=False, repr=False, compare=False)
    part_words_by_first: dict[str, list[tuple[tuple[str, ...], str]]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        words: set[str] = set()
        for table in (self.months, self.weekdays, self.units, *self.words.values(), *self.maps.values()):
            for entry in table:
                words.update(entry.split())
        by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for phrase, part in self.part_words.items():
            words.update(phrase)
            by_first.setdefault(phrase[0], []).append((phrase, part))
        object.__setattr__(self, "vocabulary", frozenset(words))
        object.__setattr__(self, "part_words_by_first", by_first)


def _fail(path: Path, msg: str) -> LexiconError:
    return LexiconError(f"{path}: {msg}")


def _str_list(path: Path, key: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise _fail(path, f"'{key}' must be a non-empty list of strings")
    return [v.strip().lower() for v in value]


def _numbered(path: Path, key: str, raw: Any, lo: int, hi: int) -> dict[str, int]:
    if not isinstance(raw, dict):
        raise _fail(path, f"'{key}' must map numbers {lo}..{hi} to lists of words")
    out: dict[str, int] = {}
    if sorted(raw) != list(range(lo, hi + 1)):
        raise _fail(path, f"'{key}' must have exactly the keys {lo}..{hi}, got {sorted(raw)}")
    for num, forms in raw.items():
        for form in _str_list(path, f"{key}.{num}", forms):
            if form in out:
                raise _fail(path, f"'{key}': '{form}' listed twice")
            out[form] = int(num)
    return out


def _int_map(path: Path, key: str, raw: Any) -> dict[str, int]:
    if not isinstance(raw, dict) or not raw:
        raise _fail(path, f"'{key}' must be a non-empty mapping of word -> integer")
    out = {}
    for word, val in raw.items():
        if not isinstance(word, str) or not isinstance(val, int) or isinstance(val, bool):
            raise _fail(path, f"'{key}': entry {word!r}: {val!r} must be word: integer")
        out[word.lower()] = val
    return out


def parse_lexicon(raw: Any, path: Path = DEFAULT_PATH) -> Lexicon:
    """Validate the parsed YAML document `raw` and build a Lexicon; raise LexiconError on any defect."""
    if not isinstance(raw, dict):
        raise _fail(path, "top level must be a mapping")
    required = ("months", "weekdays", "part_words", "units", *_WORD_LISTS, *_INT_MAPS)
    missing = [k for k in required if k not in raw]
    if missing:
        raise _fail(path, f"missing keys: {', '.join(missing)}")
    months = _numbered(path, "months", raw["months"], 1, 12)
    weekdays = _numbered(path, "weekdays", raw["weekdays"], 1, 7)
    parts_raw = raw["part_words"]
    if not isinstance(parts_raw, dict) or sorted(parts_raw) != sorted(_PARTS):
        raise _fail(path, f"'part_words' must have exactly the keys {', '.join(_PARTS)}")
    part_words = {
        tuple(phrase.split()): part
        for part, phrases in parts_raw.items()
        for phrase in _str_list(path, f"part_words.{part}", phrases)
    }
    units_raw = raw["units"]
    if not isinstance(units_raw, dict) or not all(v in _UNIT_VALUES for v in units_raw.values()):
        raise _fail(path, f"'units' must map words to one of {', '.join(_UNIT_VALUES)}")
    units = {str(k).lower(): v for k, v in units_raw.items()}
    words = {k: frozenset(_str_list(path, k, raw[k])) for k in _WORD_LISTS}
    maps = {k: _int_map(path, k, raw[k]) for k in _INT_MAPS}
    for key, (allowed, say) in _ALLOWED.items():
        if any(v not in allowed for v in maps[key].values()):
            raise _fail(path, f"'{key}' values must be {say}")
    return Lexicon(months, weekdays, part_words, units, words, maps)


def load_lexicon(path: Path | str = DEFAULT_PATH) -> Lexicon:
    """Read and validate a tokens YAML file."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise _fail(path, f"not valid YAML: {exc}") from exc
    lex = parse_lexicon(raw, path)
    logger.debug("loaded date lexicon from %s (%d month forms)", path, len(lex.months))
    return lex


@functools.cache
def default_lexicon() -> Lexicon:
    """The packaged tokens.yaml, loaded once."""
    return load_lexicon(DEFAULT_PATH)
