"""The word lists of `cues.yaml` (which spaCy labels are mentions, group head nouns, titles, acronym
context), loaded and validated once per process."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from pipelines.entities.kb import ENTITY_TYPES, KnowledgeBaseError

CUES_PATH = Path(__file__).parent / "cues.yaml"
LISTS = (
    "group_nouns", "group_prefixes", "title_words", "name_suffixes", "kunya_prefixes",
    "group_context_after", "group_context_before", "back_reference_heads", "organisation_nouns",
    "facility_nouns", "unit_nouns", "place_nouns", "place_nouns_in_name", "place_prepositions",
    "place_class_nouns", "movement_verbs", "place_nouns_named_after_people",
    "honorifics",
)  # fmt: skip


@dataclass(frozen=True)
class Cues:
    ner_labels: dict[str, str]
    lists: dict[str, frozenset[str]]

    def has(self, key: str, word: str) -> bool:
        return word in self.lists[key]


def load_cues(path: str | Path = CUES_PATH) -> Cues:
    """Load and validate the cue lists; raises KnowledgeBaseError naming the file and the list."""
    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise KnowledgeBaseError(f"{p.name}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise KnowledgeBaseError(f"{p.name}: top level must be a mapping of cue lists")
    unknown = set(data) - {"ner_labels", *LISTS}
    if unknown:
        raise KnowledgeBaseError(f"{p.name}: unknown cue lists {sorted(unknown)}")
    labels = data.get("ner_labels")
    if not isinstance(labels, dict) or not labels or not all(v in ENTITY_TYPES for v in labels.values()):
        raise KnowledgeBaseError(f"{p.name}: 'ner_labels' must map spaCy labels to one of {ENTITY_TYPES}")
    lists = {}
    for key in LISTS:
        val = data.get(key)
        if not isinstance(val, list) or not val or not all(isinstance(v, str) and v for v in val):
            raise KnowledgeBaseError(f"{p.name}: {key!r} must be a non-empty list of strings")
        lists[key] = frozenset(val)
    return Cues({str(k): v for k, v in labels.items()}, lists)


@lru_cache(maxsize=1)
def default_cues() -> Cues:
    return load_cues()
