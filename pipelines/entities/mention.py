"""The Mention record: one span of clean_text naming an armed group, person, place or organisation."""

from __future__ import annotations

from dataclasses import dataclass

# The method of a mention of a nationality, religious or political group ("German", "Syrians", "Sunni"),
# spaCy's NORP: a place where the word modifies a noun, a group of people where it heads one.
NATIONALITY_METHOD = "ner:NORP"


@dataclass
class Mention:
    """One span of the text naming an entity; `entity_id` is None for a name the KB does not know."""

    start: int
    end: int
    surface: str
    entity_type: str
    entity_id: str | None
    method: str  # kb_alias | kb_acronym | ner+kb | ner:<spaCy label> | coreference
    cluster: str | None = None  # for unlinked mentions: a key shared by the forms of one unknown name

    @property
    def key(self) -> str | None:
        """The entity id, or for an unknown name its provisional cluster key ('new:person:...')."""
        return self.entity_id or self.cluster
