"""Load and validate the figures lexicon (lexicon.yaml): how numbers are written, and the lemma lexicons that
decide a figure's category, actor, place and source over the parse. Word lists become sets of lower-cased
words (matched against a token's lemma or text); phrases become tuples of tokens, longest first."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from pipelines.figures.view import phrase_tokens

logger = logging.getLogger(__name__)

LEXICON_PATH = Path(__file__).with_name("lexicon.yaml")

CATEGORIES = ("fighters", "killed", "wounded", "detained", "missing", "displaced", "returned", "population")
QUALIFIERS = ("exact", "approx", "at_least", "at_most", "range", "vague")
ROLES = ("patient", "subject")

Phrase = tuple[str, ...]
Words = frozenset[str]


class LexiconError(ValueError):
    """The lexicon file is malformed; the message says which key and why."""


@dataclass(frozen=True)
class VagueEntry:
    phrase: Phrase
    low: float
    high: float
    needs_of: bool = False  # only a quantity when "of" follows ("scores of people", not "test scores")


# Keys holding a list of words (sets) or of phrases (token tuples, longest first); `syntax_words` holds more
# named word lists, merged into `words`.
_WORD_KEYS = (
    "hedges range_joiners month_names generic_nouns source_nouns thing_nouns kinship_nouns label_words "
    "raising_verbs possession_verbs join_verbs group_anaphors hostile_cues strength_nouns "
    "locative_prepositions reporting_verbs armed_context_nouns military_unit_words place_owner_nouns "
    "repatriating_kinds list_markers case_nouns attachment_stops according_cues spokesperson_nouns "
    "change_verbs toll_words"
).split()
_PHRASE_KEYS = "couple_phrases capacity_cues kinship_cues actor_preps source_place_cues part_of_cues".split()
_PHRASE_KEYS += ["breakdown_openers", "share_cues", "source_phrases", "anaphoric_openers"]
# Keys mapping a category to words: word -> category.
_CATEGORY_KEYS = "nouns states modifiers event_nouns toll_nouns".split()


@dataclass(frozen=True)
class Lexicon:
    number_words: dict[str, int]
    scales: dict[str, int]
    scale_suffixes: dict[str, int]
    dozen_words: dict[str, int]
    vague: tuple[VagueEntry, ...]
    qualifiers: tuple[tuple[Phrase, str], ...]
    post_qualifiers: tuple[tuple[Phrase, str], ...]
    units: tuple[tuple[Phrase, str], ...]
    money_symbols: frozenset[str]
    age_before: tuple[Phrase, ...]
    words: dict[str, Words]  # _WORD_KEYS and syntax_words
    phrases: dict[str, tuple[Phrase, ...]]  # _PHRASE_KEYS
    categories: dict[str, dict[str, str]]  # _CATEGORY_KEYS: word -> category
    # predicates[(strength, role)]: lemma -> category; strength strong|weak, role patient|subject
    predicates: dict[tuple[str, str], dict[str, str]]
    frames: dict[str, tuple[Words, Words]]  # lemma -> (dependency labels, words) one child must match
    own_loss: dict[str, Words]  # state | nonstate -> nouns
    state_forces: dict[str, Any]  # nouns, cues, heads (sets), aliases (templates), default_nationality
    place_class_nouns: dict[str, Words]  # noun -> knowledge-base kinds it can refer to


def _fail(key: str, why: str) -> LexiconError:
    return LexiconError(f"lexicon.yaml: {key}: {why}")


def _need(data: dict[str, Any], key: str, kind: type) -> Any:
    if key not in data:
        raise _fail(key, "missing key")
    if not isinstance(data[key], kind):
        raise _fail(key, f"must be a {kind.__name__}, got {type(data[key]).__name__}")
    return data[key]


def _strings(value: Any, key: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(key, "must be a list of non-empty strings")
    return value


def _words(value: Any, key: str) -> Words:
    return frozenset(w.lower() for w in _strings(value, key))


def _word_map(value: Any, key: str) -> dict[str, Words]:
    if not isinstance(value, dict):
        raise _fail(key, "must be a mapping of names to word lists")
    return {str(k).lower(): _words(v, f"{key}.{k}") for k, v in value.items()}


def _int_map(value: Any, key: str) -> dict[str, int]:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, int | float) and v >= 0 for k, v in value.items()
    ):
        raise _fail(key, "must map words to non-negative numbers")
    return {k.lower(): int(v) for k, v in value.items()}


def _phrases(values: list[str]) -> tuple[Phrase, ...]:
    return tuple(sorted({phrase_tokens(v) for v in values}, key=lambda p: (-len(p), p)))


def _by_category(value: Any, key: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise _fail(key, "must be a mapping of category to words")
    out: dict[str, str] = {}
    for cat, words in value.items():
        if cat not in CATEGORIES:
            raise _fail(key, f"unknown category {cat!r}")
        for w in _strings(words, f"{key}.{cat}"):
            out.setdefault(w.lower(), cat)
    return out


def _mappings(value: Any, key: str) -> list[dict]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise _fail(key, "must be a list of mappings")
    return value


def _qualified(entries: Any, key: str, allowed: tuple[str, ...]) -> tuple[tuple[Phrase, str], ...]:
    out = []
    for entry in _mappings(entries, key):
        if entry.get("qualifier") not in allowed or "phrase" not in entry:
            raise _fail(key, f"entry {entry!r} needs a phrase and a qualifier among {allowed}")
        out.append((_words_of(entry["phrase"], key), entry["qualifier"]))
    return tuple(sorted(out, key=lambda q: -len(q[0])))


def _predicates(value: Any) -> dict[tuple[str, str], dict[str, str]]:
    out: dict[tuple[str, str], dict[str, str]] = {(s, r): {} for s in ("strong", "weak") for r in ROLES}
    if not isinstance(value, dict):
        raise _fail("predicates", "must be a mapping of category to strong/weak lists")
    for cat, strengths in value.items():
        if cat not in CATEGORIES:
            raise _fail("predicates", f"unknown category {cat!r}")
        if not isinstance(strengths, dict) or set(strengths) - {"strong", "weak"}:
            raise _fail(f"predicates.{cat}", "must have strong and/or weak")
        for strength, roles in strengths.items():
            if not isinstance(roles, dict) or set(roles) - set(ROLES):
                raise _fail(f"predicates.{cat}.{strength}", f"must map roles {ROLES} to lemmas")
            for role, lemmas in roles.items():
                for w in _strings(lemmas, f"predicates.{cat}.{strength}.{role}"):
                    out[(strength, role)].setdefault(w.lower(), cat)
    return out


def _vague(entry: dict) -> VagueEntry:
    if {"phrase", "low", "high"} - set(entry):
        raise _fail("vague", f"entry {entry!r} needs phrase, low, high")
    if not entry["low"] <= entry["high"]:
        raise _fail("vague", f"entry {entry['phrase']!r} has low > high")
    if not isinstance(entry.get("needs_of", False), bool):
        raise _fail("vague", f"entry {entry['phrase']!r}: needs_of must be a boolean")
    low, high = float(entry["low"]), float(entry["high"])
    return VagueEntry(_words_of(entry["phrase"], "vague"), low, high, entry.get("needs_of", False))


def _words_of(phrase: Any, key: str) -> Phrase:
    words = phrase_tokens(str(phrase))
    if not words:
        raise _fail(key, f"phrase {phrase!r} has no words")
    return words


def _frames(value: Any) -> dict[str, tuple[Words, Words]]:
    out = {}
    for e in _mappings(value, "predicate_frames"):
        deps, words = (frozenset(str(w).lower() for w in e.get(k) or ()) for k in ("deps", "words"))
        out.update({lemma: (deps, words) for lemma in _strings(e.get("lemmas"), "predicate_frames.lemmas")})
    return out


def build_lexicon(data: dict[str, Any]) -> Lexicon:
    """Validate a parsed lexicon mapping and compile it."""
    if not isinstance(data, dict):
        raise LexiconError("lexicon.yaml: top level must be a mapping")
    vague = [_vague(entry) for entry in _mappings(_need(data, "vague", list), "vague")]
    units = [(p, u) for u, ws in _need(data, "units", dict).items() for p in _phrases(_strings(ws, "units"))]
    own_loss = _need(data, "own_loss", dict)
    if set(own_loss) != {"state", "nonstate"}:
        raise _fail("own_loss", "must have exactly the keys state and nonstate")
    sf = _need(data, "state_forces", dict)
    for key in ("nouns", "cues", "heads", "aliases"):
        _strings(sf.get(key), f"state_forces.{key}")
    if not all("{nationality}" in a for a in sf["aliases"]):
        raise _fail("state_forces.aliases", "every alias template needs {nationality}")
    if not isinstance(sf.get("default_nationality"), str):
        raise _fail("state_forces.default_nationality", "must be a word")
    words = {k: _words(_need(data, k, list), k) for k in _WORD_KEYS}
    lex = Lexicon(
        number_words=_int_map(_need(data, "number_words", dict), "number_words"),
        scales=_int_map(_need(data, "scales", dict), "scales"),
        scale_suffixes=_int_map(_need(data, "scale_suffixes", dict), "scale_suffixes"),
        dozen_words=_int_map(_need(data, "dozen_words", dict), "dozen_words"),
        vague=tuple(sorted(vague, key=lambda v: -len(v.phrase))),
        qualifiers=_qualified(_need(data, "qualifiers", list), "qualifiers", QUALIFIERS),
        post_qualifiers=_qualified(
            _need(data, "post_qualifiers", list), "post_qualifiers", ("at_least", "at_most", "approx")
        ),
        units=tuple(sorted(units, key=lambda u: -len(u[0]))),
        money_symbols=frozenset(_strings(_need(data, "money_symbols", list), "money_symbols")),
        age_before=_phrases(_strings(_need(data, "age_cues", dict).get("before"), "age_cues.before")),
        words=words | _word_map(_need(data, "syntax_words", dict), "syntax_words"),
        phrases={k: _phrases(_strings(_need(data, k, list), k)) for k in _PHRASE_KEYS},
        categories={k: _by_category(_need(data, k, dict), k) for k in _CATEGORY_KEYS},
        predicates=_predicates(_need(data, "predicates", dict)),
        frames=_frames(_need(data, "predicate_frames", list)),
        own_loss=_word_map(own_loss, "own_loss"),
        state_forces={
            **{k: _words(sf[k], k) for k in ("nouns", "cues", "heads")},
            "aliases": tuple(sf["aliases"]),
            "default_nationality": sf["default_nationality"],
        },
        place_class_nouns=_word_map(_need(data, "place_class_nouns", dict), "place_class_nouns"),
    )
    both = set(lex.categories["nouns"]) & lex.words["thing_nouns"]
    if both:
        raise _fail("thing_nouns", f"words both person and thing nouns: {sorted(both)}")
    return lex


@lru_cache(maxsize=4)
def load_lexicon(path: Path = LEXICON_PATH) -> Lexicon:
    """Read, validate and compile the lexicon file (cached)."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise LexiconError(f"{path}: not valid YAML: {exc}") from exc
    lex = build_lexicon(data)
    logger.debug("figures lexicon loaded from %s", path)
    return lex
