"""The knowledge base of armed groups, people, places and organisations: load, validate, export rows.

The knowledge base lives in YAML files under `kb/` that analysts edit and review in pull requests.
`load_kb` validates every entry (unique ids, known types and relations, no dangling references, ISO
dates) and raises `KnowledgeBaseError` naming the file and the entry at fault.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

logger = logging.getLogger(__name__)

ENTITY_TYPES = ("armed_group", "person", "location", "organisation")
ID_PREFIX = {"armed_group": "grp:", "person": "per:", "location": "loc:", "organisation": "org:"}

# Lineage relations, read "from_entity <relation> to_entity".
LINEAGE_RELATIONS = {
    "renamed_to": "the group took a new name and became the target (same organisation, new entity)",
    "merged_into": "the group dissolved itself into the target",
    "splinter_of": "the group broke away from the target",
    "member_of": "the group is a faction of the umbrella or coalition target",
    "affiliate_of": "the group pledged allegiance to the target",
}
# Relations that continue one organisation through time: they define the lineage an entity belongs to.
CONTINUITY_RELATIONS = ("renamed_to", "merged_into")

# Location suffixes generated for governorates: "Idlib province", "Idlib governorate".
GOVERNORATE_SUFFIXES = ("province", "governorate")

_KNOWN_KEYS = {
    "id", "name", "type", "kind", "aliases", "translations", "acronyms", "former_names", "valid_from",
    "valid_to", "lineage", "parent", "lat", "lon", "source", "note", "capital_of",
}  # fmt: skip


class KnowledgeBaseError(ValueError):
    """An entry of the knowledge base is invalid; the message names the file and the entry."""


@dataclass(frozen=True)
class Acronym:
    """A case-sensitive short form; `needs_support` forms link only where the text supports them."""

    form: str
    needs_support: bool = False


@dataclass(frozen=True)
class Entity:
    """One real-world armed group, person, place or organisation."""

    entity_id: str
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    translations: tuple[str, ...] = ()
    acronyms: tuple[Acronym, ...] = ()
    former_names: tuple[tuple[str, dt.date | None, dt.date | None], ...] = ()
    kind: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    parent: str | None = None
    lat: float | None = None
    lon: float | None = None
    source: str = ""
    note: str | None = None
    capital_of: str | None = None  # places: the country whose government this capital can stand for

    def valid_on(self, day: dt.date) -> bool:
        """True when the entity existed on `day` (open ends count as valid)."""
        if self.valid_from and day < self.valid_from:
            return False
        return not (self.valid_to and day > self.valid_to)

    def names(self) -> list[tuple[str, str]]:
        """Every case-insensitive name of the entity with its kind, canonical name first."""
        out = [(self.name, "canonical")]
        out += [(a, "alias") for a in self.aliases]
        out += [(t, "translation") for t in self.translations]
        out += [(n, "former_name") for n, _, _ in self.former_names]
        if self.kind == "governorate":
            for base in [self.name, *self.aliases]:
                out += [(f"{base} {suffix}", "generated") for suffix in GOVERNORATE_SUFFIXES]
        return out


@dataclass(frozen=True)
class LineageEdge:
    from_entity_id: str
    to_entity_id: str
    relation: str
    date: dt.date | None


@dataclass
class KnowledgeBase:
    """All entities and lineage edges; the compiled matcher is cached on it by `find_mentions`."""

    entities: list[Entity]
    lineage: list[LineageEdge] = field(default_factory=list)
    _by_id: dict[str, Entity] = field(default_factory=dict, repr=False)
    _matcher: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self._by_id = {e.entity_id: e for e in self.entities}

    def get(self, entity_id: str) -> Entity | None:
        return self._by_id.get(entity_id)

    def lineage_ids(self) -> dict[str, str]:
        """Map every entity to its lineage id: the earliest entity of its renamed/merged chain."""
        parent = {e.entity_id: e.entity_id for e in self.entities}

        def root(x: str) -> str:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for edge in self.lineage:
            if edge.relation in CONTINUITY_RELATIONS:
                a, b = root(edge.from_entity_id), root(edge.to_entity_id)
                if a != b:
                    parent[b] = a
        out = {}
        for e in self.entities:
            r = root(e.entity_id)
            out[e.entity_id] = "lin:" + r.split(":", 1)[1]
        return out

    def entity_rows(self) -> list[dict]:
        """Rows for the `entities` table."""
        lineage = self.lineage_ids()
        cols = ("entity_id", "name", "type", "kind", "lat", "lon", "valid_from", "valid_to", "source")
        return [
            {**{c: getattr(e, c) for c in cols}, "parent_id": e.parent, "lineage_id": lineage[e.entity_id]}
            for e in self.entities
        ]

    def alias_rows(self) -> list[dict]:
        """Rows for the `entity_aliases` table (one per written form)."""
        rows = []
        for e in self.entities:
            seen = set()
            for alias, kind in e.names():
                if alias in seen:
                    continue
                seen.add(alias)
                rows.append({"entity_id": e.entity_id, "alias": alias, "kind": kind, "case_sensitive": False})
            for ac in e.acronyms:
                rows.append(
                    {"entity_id": e.entity_id, "alias": ac.form, "kind": "acronym", "case_sensitive": True}
                )
        return rows

    def lineage_rows(self) -> list[dict]:
        """Rows for the `entity_lineage` table."""
        lineage = self.lineage_ids()
        cols = ("from_entity_id", "to_entity_id", "relation", "date")
        return [
            {**{c: getattr(x, c) for c in cols}, "lineage_id": lineage[x.from_entity_id]}
            for x in self.lineage
        ]


DEFAULT_KB_DIR = Path(__file__).parent / "kb"


def _fail(path: Path, entry: Any, msg: str) -> KnowledgeBaseError:
    ident = entry.get("id") if isinstance(entry, dict) else repr(entry)[:60]
    return KnowledgeBaseError(f"{path.name}: entry {ident!r}: {msg}")


def _date(value: Any, path: Path, entry: dict, key: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise _fail(path, entry, f"{key} {value!r} is not an ISO date (YYYY-MM-DD)") from exc


def _str_list(value: Any, path: Path, entry: dict, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(path, entry, f"{key} must be a list of non-empty strings")
    for v in value:
        if v.strip().casefold().startswith("the "):
            # the article is not part of a name: "the Kremlin" would make every mention start at "The"
            raise _fail(path, entry, f"{key}: {v!r} must not start with 'the'")
    return tuple(v.strip() for v in value)


def _parse_entry(path: Path, entry: Any) -> tuple[Entity, list[tuple[str, str, Any]]]:
    if not isinstance(entry, dict):
        raise _fail(path, entry, "each entry must be a mapping")
    unknown = set(entry) - _KNOWN_KEYS
    if unknown:
        raise _fail(path, entry, f"unknown keys {sorted(unknown)}")
    for key in ("id", "name", "type", "source"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise _fail(path, entry, f"missing or empty {key!r}")
    etype = entry["type"]
    if etype not in ENTITY_TYPES:
        raise _fail(path, entry, f"type {etype!r} is not one of {ENTITY_TYPES}")
    if not entry["id"].startswith(ID_PREFIX[etype]):
        raise _fail(path, entry, f"id of a {etype} must start with {ID_PREFIX[etype]!r}")
    acronyms = []
    for ac in entry.get("acronyms") or []:
        if isinstance(ac, str):
            acronyms.append(Acronym(ac))
        elif (
            isinstance(ac, dict) and isinstance(ac.get("form"), str) and set(ac) <= {"form", "needs_support"}
        ):
            acronyms.append(Acronym(ac["form"], bool(ac.get("needs_support", False))))
        else:
            raise _fail(path, entry, f"acronym {ac!r} must be a string or {{form, needs_support}}")
    former = []
    for fn in entry.get("former_names") or []:
        if not isinstance(fn, dict) or not isinstance(fn.get("name"), str):
            raise _fail(path, entry, f"former name {fn!r} must be {{name, from?, until?}}")
        dates = [_date(fn.get(k), path, entry, k) for k in ("from", "until")]
        former.append((fn["name"], *dates))
    lat, lon = entry.get("lat"), entry.get("lon")
    for key, val, lim in (("lat", lat, 90), ("lon", lon, 180)):
        if val is not None and (not isinstance(val, int | float) or abs(val) > lim):
            raise _fail(path, entry, f"{key} {val!r} is not a coordinate")
    refs: list[tuple[str, str, Any]] = []
    if entry.get("parent") is not None:
        refs.append(("parent", entry["parent"], None))
    if entry.get("capital_of") is not None:
        if etype != "location":
            raise _fail(path, entry, "only a location can be capital_of a country")
        refs.append(("capital_of", entry["capital_of"], None))
    for edge in entry.get("lineage") or []:
        if not isinstance(edge, dict) or set(edge) - {"relation", "target", "date"}:
            raise _fail(path, entry, f"lineage edge {edge!r} must be {{relation, target, date?}}")
        if edge.get("relation") not in LINEAGE_RELATIONS:
            raise _fail(
                path, entry, f"lineage relation {edge.get('relation')!r} not in {sorted(LINEAGE_RELATIONS)}"
            )
        refs.append(
            (edge["relation"], edge.get("target"), _date(edge.get("date"), path, entry, "lineage date"))
        )
    entity = Entity(
        entity_id=entry["id"],
        name=entry["name"].strip(),
        type=etype,
        aliases=_str_list(entry.get("aliases"), path, entry, "aliases"),
        translations=_str_list(entry.get("translations"), path, entry, "translations"),
        acronyms=tuple(acronyms),
        former_names=tuple(former),
        kind=entry.get("kind"),
        valid_from=_date(entry.get("valid_from"), path, entry, "valid_from"),
        valid_to=_date(entry.get("valid_to"), path, entry, "valid_to"),
        parent=entry.get("parent"),
        lat=float(lat) if lat is not None else None,
        lon=float(lon) if lon is not None else None,
        source=entry["source"].strip(),
        note=entry.get("note"),
        capital_of=entry.get("capital_of"),
    )
    if entity.valid_from and entity.valid_to and entity.valid_from > entity.valid_to:
        raise _fail(path, entry, "valid_from is after valid_to")
    return entity, refs


def load_kb(path: str | Path | None = None) -> KnowledgeBase:
    """Load and validate every `*.yaml` file of a knowledge-base folder (or one file)."""
    root = Path(path) if path is not None else DEFAULT_KB_DIR
    files = sorted(root.glob("*.yaml")) if root.is_dir() else [root]
    if not files:
        raise KnowledgeBaseError(f"{root}: no *.yaml knowledge-base files")
    entities: list[Entity] = []
    pending: list[tuple[Path, str, str, str, Any]] = []
    where: dict[str, Path] = {}
    for file in files:
        try:
            data = yaml.safe_load(file.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise KnowledgeBaseError(f"{file.name}: not valid YAML: {exc}") from exc
        except ValueError as exc:  # PyYAML builds dates while parsing: "2019-13-01" fails here
            raise KnowledgeBaseError(f"{file.name}: {exc}; dates must be ISO dates (YYYY-MM-DD)") from exc
        if data is None:
            continue
        if not isinstance(data, list):
            raise KnowledgeBaseError(f"{file.name}: top level must be a list of entries")
        for entry in data:
            entity, refs = _parse_entry(file, entry)
            if entity.entity_id in where:
                raise _fail(file, entry, f"duplicate id (first defined in {where[entity.entity_id].name})")
            where[entity.entity_id] = file
            entities.append(entity)
            pending += [(file, entity.entity_id, rel, target, date) for rel, target, date in refs]
    lineage = []
    for file, eid, rel, target, date in pending:
        if target not in where:
            raise KnowledgeBaseError(f"{file.name}: entry {eid!r}: {rel} refers to unknown id {target!r}")
        if rel not in ("parent", "capital_of"):
            lineage.append(LineageEdge(eid, target, rel, date))
    logger.info(
        "knowledge base: %d entities, %d lineage edges from %d files", len(entities), len(lineage), len(files)
    )
    return KnowledgeBase(entities=entities, lineage=lineage)


_SHARED: dict[str, tuple[tuple, KnowledgeBase]] = {}


def shared_kb(path: str | Path | None = None) -> KnowledgeBase:
    """`load_kb(path)`, loaded once per process and again only when a file of the folder changed (name,
    size or modification time): what per-document extractors use, in the run's process and in workers, so
    the matcher compiled on the KB is built once, not once per document."""
    root = Path(path) if path is not None else DEFAULT_KB_DIR
    files = sorted(root.glob("*.yaml")) if root.is_dir() else [root]
    signature = tuple((f.name, f.stat().st_mtime_ns, f.stat().st_size) for f in files)
    key = str(root.resolve())
    cached = _SHARED.get(key)
    if cached is None or cached[0] != signature:
        cached = _SHARED[key] = (signature, load_kb(root))
    return cached[1]
