"""Knowledge base of Syria's armed groups, people, places and organisations, and mention linking.

`load_kb()` reads and validates the analyst-edited YAML files in `kb/` (`shared_kb()`: the same, once per
process while the files are unchanged); `find_mentions(text, kb, published, doc)` returns exact-span
mentions over the document's spaCy parse: spaCy's entities and the knowledge base's names, linked to
knowledge-base entities (or typed but unlinked, with a cluster key, for names the knowledge base does not
know); `lineage_view_sql()` gives the views that roll mentions up by lineage.
"""

from pipelines.entities.kb import (
    Acronym,
    Entity,
    KnowledgeBase,
    KnowledgeBaseError,
    LineageEdge,
    load_kb,
    shared_kb,
)
from pipelines.entities.linking import find_mentions
from pipelines.entities.mention import Mention
from pipelines.entities.sql import lineage_view_sql

__all__ = [
    "Acronym",
    "Entity",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "LineageEdge",
    "Mention",
    "find_mentions",
    "lineage_view_sql",
    "load_kb",
    "shared_kb",
]
