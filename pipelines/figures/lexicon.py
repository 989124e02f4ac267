"""Load and validate the figures lexicon (lexicon.yaml): number words, vague quantities, qualifiers, units,
category cue words and attachment cues. Phrases are stored as tuples of lower-cased tokens so the
extractor matches them token by token."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from pipelines.figures.tokens import phrase_tokens

logger = logging.getLogger(__name__)

LEXICON_PATH = Path(__file__).with_name("lexicon.yaml")

CATEGORIES = ("fighters", "killed", "wounded", "detained", "missing", "displaced", "returned", "population")
QUALIFIERS = ("exact", "approx", "at_least", "at_most", "range", "vague")

Phrase = tuple[str, ...]


class LexiconError(ValueError):
    """The lexicon file is malformed; the message says which key and why."""


@dataclass(frozen=True)
class VagueEntry:
    phrase: Phrase
    low: float
    high: float
    needs_of: bool = False  # only a quantity when "of" follows ("scores of people", not "test scores")


@dataclass(frozen=True)
class Lexicon:
    number_words: dict[str, int]
    scales: dict[str, int]
    scale_suffixes: dict[str, int]
    dozen_words: dict[str, int]
    vague: tuple[VagueEntry, ...]
    couple_phrases: tuple[Phrase, ...]
    qualifiers: tuple[tuple[Phrase, str], ...]
    post_qualifiers: tuple[tuple[Phrase, str], ...]
    hedges: frozenset[str]
    range_joiners: frozenset[str]
    units: tuple[tuple[Phrase, str], ...]
    money_symbols: frozenset[str]
    age_before: tuple[Phrase, ...]
    age_after: tuple[Phrase, ...]
    month_names: frozenset[str]
    person_nouns: dict[str, str]  # noun -> category
    generic_person_nouns: frozenset[str]
    non_figure_person_nouns: frozenset[str]
    source_phrases: tuple[Phrase, ...]
    capacity_cues: tuple[Phrase, ...]
    kinship_cues: tuple[Phrase, ...]
    kinship_nouns: frozenset[str]
    thing_nouns: frozenset[str]
    person_suffixes: tuple[str, ...]
    np_modifiers: dict[str, str]
    post_strong: tuple[tuple[Phrase, str], ...]
    post_weak: tuple[tuple[Phrase, str], ...]
    passive_auxiliaries: frozenset[str]
    transitive_predicates: frozenset[str]
    pre_predicates: tuple[tuple[Phrase, str], ...]
    actor_links: tuple[Phrase, ...]
    actor_join_verbs: tuple[Phrase, ...]
    actor_possession_verbs: tuple[Phrase, ...]
    locative_prepositions: frozenset[str]
    location_fillers: frozenset[str]
    part_of_cues: tuple[Phrase, ...]
    breakdown_openers: tuple[Phrase, ...]
    clause_stops: frozenset[str]
    change_verbs: frozenset[str]
    source_place_cues: tuple[Phrase, ...]
    attachment_stops: frozenset[str]
    armed_context_nouns: frozenset[str]
    military_unit_words: frozenset[str]
    place_class_nouns: dict[str, frozenset[str]]
    place_pronouns: frozenset[str]
    place_owner_nouns: frozenset[str]
    repatriating_kinds: frozenset[str]
    own_loss_reporting_verbs: frozenset[str]
    own_loss_state_nouns: frozenset[str]
    own_loss_nonstate_nouns: frozenset[str]
    state_force_kinds: frozenset[str]
    state_force_name_words: tuple[Phrase, ...]
    strength_nouns: frozenset[str]
    membership_links: frozenset[str]
    group_anaphors: frozenset[str]
    hostile_cues: frozenset[str]
    contrast_cues: frozenset[str]
    case_nouns: frozenset[str]
    topic_words: dict[str, str]  # event noun ("arrests", "fatalities", "displacement") -> category
    share_cues: tuple[Phrase, ...]
    loss_verbs: frozenset[str]
    arrival_verbs: tuple[Phrase, ...]
    list_markers: frozenset[str]


def _need(data: dict[str, Any], key: str, kind: type) -> Any:
    if key not in data:
        raise LexiconError(f"lexicon.yaml: missing key {key!r}")
    value = data[key]
    if not isinstance(value, kind):
        raise LexiconError(f"lexicon.yaml: {key!r} must be a {kind.__name__}, got {type(value).__name__}")
    return value


def _strings(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise LexiconError(f"lexicon.yaml: {where} must be a list of non-empty strings")
    return value


def _int_map(value: Any, where: str) -> dict[str, int]:
    if not isinstance(value, dict):
        raise LexiconError(f"lexicon.yaml: {where} must be a mapping")
    out: dict[str, int] = {}
    for k, v in value.items():
        if not isinstance(k, str) or not isinstance(v, int | float) or v < 0:
            raise LexiconError(f"lexicon.yaml: {where}[{k!r}] must map a word to a non-negative number")
        out[k.lower()] = int(v)
    return out


def _phrases(values: list[str]) -> tuple[Phrase, ...]:
    out = tuple(phrase_tokens(v) for v in values)
    # longest first, so that matching takes the longest phrase
    return tuple(sorted(set(out), key=lambda p: (-len(p), p)))


def _categorised(value: Any, where: str, allowed: tuple[str, ...] = CATEGORIES) -> dict[str, list[str]]:
    if not isinstance(value, dict):
        raise LexiconError(f"lexicon.yaml: {where} must be a mapping of category to words")
    for cat in value:
        if cat not in allowed:
            raise LexiconError(f"lexicon.yaml: {where} has unknown category {cat!r}")
    return value


def build_lexicon(data: dict[str, Any]) -> Lexicon:
    """Validate a parsed lexicon mapping and compile it."""
    if not isinstance(data, dict):
        raise LexiconError("lexicon.yaml: top level must be a mapping")
    vague = []
    for entry in _need(data, "vague", list):
        if not isinstance(entry, dict) or {"phrase", "low", "high"} - set(entry):
            raise LexiconError(f"lexicon.yaml: vague entry {entry!r} needs phrase, low, high")
        if not entry["low"] <= entry["high"]:
            raise LexiconError(f"lexicon.yaml: vague entry {entry['phrase']!r} has low > high")
        if not isinstance(entry.get("needs_of", False), bool):
            raise LexiconError(f"lexicon.yaml: vague entry {entry['phrase']!r}: needs_of must be a boolean")
        vague.append(
            VagueEntry(
                phrase_tokens(entry["phrase"]),
                float(entry["low"]),
                float(entry["high"]),
                bool(entry.get("needs_of", False)),
            )
        )
    vague.sort(key=lambda v: -len(v.phrase))

    qualifiers = []
    for entry in _need(data, "qualifiers", list):
        if not isinstance(entry, dict) or entry.get("qualifier") not in QUALIFIERS or "phrase" not in entry:
            raise LexiconError(f"lexicon.yaml: qualifier entry {entry!r} needs phrase and a known qualifier")
        qualifiers.append((phrase_tokens(entry["phrase"]), entry["qualifier"]))
    qualifiers.sort(key=lambda q: -len(q[0]))
    post_qualifiers = []
    for entry in _need(data, "post_qualifiers", list):
        if (
            not isinstance(entry, dict)
            or entry.get("qualifier") not in ("at_least", "at_most", "approx")
            or "phrase" not in entry
        ):
            raise LexiconError(
                f"lexicon.yaml: post_qualifier entry {entry!r} needs phrase and at_least, at_most or approx"
            )
        post_qualifiers.append((phrase_tokens(entry["phrase"]), entry["qualifier"]))
    post_qualifiers.sort(key=lambda q: -len(q[0]))

    units = []
    for unit, words in _need(data, "units", dict).items():
        units.extend((p, unit) for p in _phrases(_strings(words, f"units.{unit}")))
    units.sort(key=lambda u: -len(u[0]))

    person_nouns: dict[str, str] = {}
    for cat, words in _categorised(_need(data, "person_nouns", dict), "person_nouns").items():
        for w in _strings(words, f"person_nouns.{cat}"):
            person_nouns[w.lower()] = cat
    np_modifiers: dict[str, str] = {}
    for cat, words in _categorised(_need(data, "np_modifiers", dict), "np_modifiers").items():
        for w in _strings(words, f"np_modifiers.{cat}"):
            np_modifiers[w.lower()] = cat

    post_strong: list[tuple[Phrase, str]] = []
    post_weak: list[tuple[Phrase, str]] = []
    for cat, strengths in _categorised(_need(data, "post_predicates", dict), "post_predicates").items():
        if not isinstance(strengths, dict) or set(strengths) - {"strong", "weak"}:
            raise LexiconError(f"lexicon.yaml: post_predicates.{cat} must have strong/weak lists")
        for strength, target in (("strong", post_strong), ("weak", post_weak)):
            for p in _phrases(_strings(strengths.get(strength, []) or [], f"post_predicates.{cat}")):
                target.append((p, cat))
    post_strong.sort(key=lambda x: -len(x[0]))
    post_weak.sort(key=lambda x: -len(x[0]))

    pre: list[tuple[Phrase, str]] = []
    for cat, words in _categorised(_need(data, "pre_predicates", dict), "pre_predicates").items():
        pre.extend((p, cat) for p in _phrases(_strings(words, f"pre_predicates.{cat}")))
    pre.sort(key=lambda x: -len(x[0]))

    age = _need(data, "age_cues", dict)
    place_class_nouns: dict[str, frozenset[str]] = {}
    for noun, kinds in _need(data, "place_class_nouns", dict).items():
        place_class_nouns[str(noun).lower()] = frozenset(
            k.lower() for k in _strings(kinds, f"place_class_nouns.{noun}")
        )
    topic_words: dict[str, str] = {}
    for cat, words in _categorised(_need(data, "topic_words", dict), "topic_words").items():
        for w in _strings(words, f"topic_words.{cat}"):
            topic_words[w.lower()] = cat
    own_loss = _need(data, "own_loss_nouns", dict)
    if set(own_loss) != {"state", "nonstate"}:
        raise LexiconError("lexicon.yaml: own_loss_nouns must have exactly the keys state and nonstate")
    lower = lambda key: frozenset(w.lower() for w in _strings(_need(data, key, list), key))  # noqa: E731
    lex = Lexicon(
        number_words=_int_map(_need(data, "number_words", dict), "number_words"),
        scales=_int_map(_need(data, "scales", dict), "scales"),
        scale_suffixes=_int_map(_need(data, "scale_suffixes", dict), "scale_suffixes"),
        dozen_words=_int_map(_need(data, "dozen_words", dict), "dozen_words"),
        vague=tuple(vague),
        couple_phrases=_phrases(_strings(_need(data, "couple_phrases", list), "couple_phrases")),
        qualifiers=tuple(qualifiers),
        post_qualifiers=tuple(post_qualifiers),
        hedges=lower("hedges"),
        range_joiners=lower("range_joiners"),
        units=tuple(units),
        money_symbols=frozenset(_strings(_need(data, "money_symbols", list), "money_symbols")),
        age_before=_phrases(_strings(age.get("before"), "age_cues.before")),
        age_after=_phrases(_strings(age.get("after"), "age_cues.after")),
        month_names=lower("month_names"),
        person_nouns=person_nouns,
        generic_person_nouns=lower("generic_person_nouns"),
        non_figure_person_nouns=lower("non_figure_person_nouns"),
        source_phrases=_phrases(_strings(_need(data, "source_phrases", list), "source_phrases")),
        capacity_cues=_phrases(_strings(_need(data, "capacity_cues", list), "capacity_cues")),
        kinship_cues=_phrases(_strings(_need(data, "kinship_cues", list), "kinship_cues")),
        kinship_nouns=lower("kinship_nouns"),
        thing_nouns=lower("thing_nouns"),
        person_suffixes=tuple(_strings(_need(data, "person_suffixes", list), "person_suffixes")),
        np_modifiers=np_modifiers,
        post_strong=tuple(post_strong),
        post_weak=tuple(post_weak),
        passive_auxiliaries=lower("passive_auxiliaries"),
        transitive_predicates=lower("transitive_predicates"),
        pre_predicates=tuple(pre),
        actor_links=_phrases(_strings(_need(data, "actor_links", list), "actor_links")),
        actor_join_verbs=_phrases(_strings(_need(data, "actor_join_verbs", list), "actor_join_verbs")),
        actor_possession_verbs=_phrases(
            _strings(_need(data, "actor_possession_verbs", list), "actor_possession_verbs")
        ),
        locative_prepositions=lower("locative_prepositions"),
        location_fillers=lower("location_fillers"),
        part_of_cues=_phrases(_strings(_need(data, "part_of_cues", list), "part_of_cues")),
        breakdown_openers=_phrases(_strings(_need(data, "breakdown_openers", list), "breakdown_openers")),
        clause_stops=lower("clause_stops"),
        change_verbs=lower("change_verbs"),
        source_place_cues=_phrases(_strings(_need(data, "source_place_cues", list), "source_place_cues")),
        attachment_stops=lower("attachment_stops"),
        armed_context_nouns=lower("armed_context_nouns"),
        military_unit_words=lower("military_unit_words"),
        place_class_nouns=place_class_nouns,
        place_pronouns=lower("place_pronouns"),
        place_owner_nouns=lower("place_owner_nouns"),
        repatriating_kinds=lower("repatriating_kinds"),
        own_loss_reporting_verbs=lower("own_loss_reporting_verbs"),
        own_loss_state_nouns=frozenset(
            w.lower() for w in _strings(own_loss["state"], "own_loss_nouns.state")
        ),
        own_loss_nonstate_nouns=frozenset(
            w.lower() for w in _strings(own_loss["nonstate"], "own_loss_nouns.nonstate")
        ),
        state_force_kinds=lower("state_force_kinds"),
        state_force_name_words=_phrases(
            _strings(_need(data, "state_force_name_words", list), "state_force_name_words")
        ),
        strength_nouns=lower("strength_nouns"),
        membership_links=lower("membership_links"),
        group_anaphors=lower("group_anaphors"),
        hostile_cues=lower("hostile_cues"),
        contrast_cues=lower("contrast_cues"),
        case_nouns=lower("case_nouns"),
        topic_words=topic_words,
        share_cues=_phrases(_strings(_need(data, "share_cues", list), "share_cues")),
        loss_verbs=lower("loss_verbs"),
        arrival_verbs=_phrases(_strings(_need(data, "arrival_verbs", list), "arrival_verbs")),
        list_markers=frozenset(_strings(_need(data, "list_markers", list), "list_markers")),
    )
    overlap = set(lex.person_nouns) & lex.thing_nouns
    if overlap:
        raise LexiconError(f"lexicon.yaml: words both person and thing nouns: {sorted(overlap)}")
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
