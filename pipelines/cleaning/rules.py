"""Load and validate the analyst-editable rule files: rules.yaml (text rules), prune.yaml (HTML tokens)."""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .model import KINDS

logger = logging.getLogger(__name__)

RULES_PATH = Path(__file__).with_name("rules.yaml")
PRUNE_PATH = Path(__file__).with_name("prune.yaml")

MATCH_MODES = ("full", "start", "search", "cut")
STRENGTHS = ("strong", "weak")
WHERE = ("anywhere", "edges")
# Characters ignored at the edges of a line when a `full` rule is tried: bullets, pipes, arrows, punctuation.
_EDGE = r"[\s•·*▪►▸›»«>|–—\-:.!?…,;()\[\]]*"


class RuleFileError(ValueError):
    """A rule file is malformed; the message names the file, the entry and the problem."""


@dataclass(frozen=True)
class TextRule:
    """One text-level boilerplate rule (see the header of rules.yaml for the fields)."""

    id: str
    kind: str
    match: str
    regex: re.Pattern[str]
    max_words: int
    min_words: int
    edges_only: bool
    strength: str
    paywall: bool
    risk: str
    ends_body: bool = False  # the line closes the article: it and every line after it go

    def applies(self, line: str, n_words: int) -> re.Match[str] | None:
        """The match of this rule on `line` (a `cut` rule returns the span to cut), or None."""
        if n_words > self.max_words or n_words < self.min_words:
            return None
        if self.match == "full":
            return self.regex.fullmatch(line)
        if self.match == "start":
            return self.regex.match(line)
        return self.regex.search(line)


@dataclass(frozen=True)
class PruneRule:
    """A class/id token whose HTML elements are removed before extraction."""

    token: str
    parts: tuple[str, ...]
    kind: str
    risk: str


def _require(entry: dict[str, Any], key: str, where: str) -> Any:
    if key not in entry or entry[key] in (None, ""):
        raise RuleFileError(f"{where}: missing field '{key}'")
    return entry[key]


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise RuleFileError(f"{path.name}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise RuleFileError(f"{path.name}: expected a mapping at the top level")
    return data


def parse_text_rules(data: dict[str, Any], source: str = "rules.yaml") -> tuple[TextRule, ...]:
    """Validate the `rules` list of a rules file and compile each pattern."""
    entries = data.get("rules")
    if not isinstance(entries, list) or not entries:
        raise RuleFileError(f"{source}: expected a non-empty list under 'rules'")
    rules: list[TextRule] = []
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        where = f"{source} rule #{i + 1}"
        if not isinstance(entry, dict):
            raise RuleFileError(f"{where}: expected a mapping")
        rule_id = str(_require(entry, "id", where))
        where = f"{source} rule '{rule_id}'"
        if rule_id in seen:
            raise RuleFileError(f"{where}: duplicate id")
        seen.add(rule_id)
        kind = _require(entry, "kind", where)
        if kind not in KINDS:
            raise RuleFileError(f"{where}: kind '{kind}' is not one of {', '.join(KINDS)}")
        match = _require(entry, "match", where)
        if match not in MATCH_MODES:
            raise RuleFileError(f"{where}: match '{match}' is not one of {', '.join(MATCH_MODES)}")
        strength = entry.get("strength", "strong")
        if strength not in STRENGTHS:
            raise RuleFileError(f"{where}: strength '{strength}' is not one of {', '.join(STRENGTHS)}")
        risk = str(_require(entry, "risk", where))
        pattern = _require(entry, "pattern", where)
        if isinstance(pattern, list):
            if not all(isinstance(p, str) and p for p in pattern):
                raise RuleFileError(f"{where}: every pattern alternative must be a non-empty string")
            pattern = "|".join(f"(?:{p})" for p in pattern)
        if not isinstance(pattern, str):
            raise RuleFileError(f"{where}: pattern must be a string or a list of strings")
        if match == "full":
            pattern = f"{_EDGE}(?:{pattern}){_EDGE}"
        elif match == "start":
            pattern = f"{_EDGE}(?:{pattern})"
        try:
            regex = re.compile(pattern, re.IGNORECASE)
        except re.error as exc:
            raise RuleFileError(f"{where}: pattern does not compile: {exc}") from exc
        max_words = entry.get("max_words", 40)
        if not isinstance(max_words, int) or max_words < 1:
            raise RuleFileError(f"{where}: max_words must be a positive integer")
        min_words = entry.get("min_words", 1)
        if not isinstance(min_words, int) or not 1 <= min_words <= max_words:
            raise RuleFileError(f"{where}: min_words must be a positive integer not above max_words")
        position = entry.get("where", "anywhere")
        if position not in WHERE:
            raise RuleFileError(f"{where}: where '{position}' is not one of {', '.join(WHERE)}")
        paywall = entry.get("paywall", False)
        if not isinstance(paywall, bool):
            raise RuleFileError(f"{where}: paywall must be true or false")
        ends_body = entry.get("ends_body", False)
        if not isinstance(ends_body, bool):
            raise RuleFileError(f"{where}: ends_body must be true or false")
        edges = position == "edges"
        rule = TextRule(
            rule_id, kind, match, regex, max_words, min_words, edges, strength, paywall, risk, ends_body
        )
        rules.append(rule)
    return tuple(rules)


_TOKEN_SPLIT = re.compile(r"[-_\s]+|(?<=[a-z])(?=[A-Z])")


def split_name(name: str) -> tuple[str, ...]:
    """Split a class or id value into lowercase parts: "newsletterSignup-box" -> (newsletter, signup, box)."""
    return tuple(p.lower() for p in _TOKEN_SPLIT.split(name) if p)


def parse_prune_rules(data: dict[str, Any], source: str = "prune.yaml") -> tuple[PruneRule, ...]:
    """Validate the `tokens` list of a prune file."""
    entries = data.get("tokens")
    if not isinstance(entries, list) or not entries:
        raise RuleFileError(f"{source}: expected a non-empty list under 'tokens'")
    rules: list[PruneRule] = []
    for i, entry in enumerate(entries):
        where = f"{source} token #{i + 1}"
        if not isinstance(entry, dict):
            raise RuleFileError(f"{where}: expected a mapping")
        token = str(_require(entry, "token", where))
        where = f"{source} token '{token}'"
        kind = _require(entry, "kind", where)
        if kind not in KINDS:
            raise RuleFileError(f"{where}: kind '{kind}' is not one of {', '.join(KINDS)}")
        parts = split_name(token)
        if not parts:
            raise RuleFileError(f"{where}: token has no letters")
        rules.append(PruneRule(token, parts, kind, str(_require(entry, "risk", where))))
    return tuple(rules)


@functools.cache
def text_rules() -> tuple[TextRule, ...]:
    """The text rules shipped in rules.yaml (loaded once)."""
    rules = parse_text_rules(_read_yaml(RULES_PATH), RULES_PATH.name)
    logger.debug("loaded %d text rules", len(rules))
    return rules


@functools.cache
def prune_rules() -> tuple[PruneRule, ...]:
    """The HTML prune tokens shipped in prune.yaml (loaded once)."""
    return parse_prune_rules(_read_yaml(PRUNE_PATH), PRUNE_PATH.name)
