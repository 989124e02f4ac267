"""Rule-based discovery of names the knowledge base does not know, typed by the cues around them.

A name is a run of capitalised words (with inner articles and connectors: "al-", "bin", "of"). A run
is kept only when a cue types it (cue lists in `cues.yaml`, each with its false-positive risk):
  - armed_group: it ends in a group noun ("the Hamza Brigade") or starts with an Arabic group word
    ("Liwa al-X", "Jaysh X");
  - organisation: it ends in an organisation noun ("... Institute", "... Observatory");
  - person: an honorific ("Mr X", kept in the mention), a title or role noun before it ("analyst X Y"),
    a speech verb next to it ("said X Y", "X Y said"), an appositive role ("X Y, a commander"),
    a kunya ("Abu X") or a common given name ("Omar X");
  - location: a place preposition or "town of" before it ("in X", "near X") or a place noun after it.
Runs without a cue are not recorded: an untyped name is noise to an analyst.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from pipelines.entities.kb import KnowledgeBaseError

logger = logging.getLogger(__name__)

CUES_PATH = Path(__file__).parent / "cues.yaml"

# A word: letters (with inner apostrophes, dots of initials and hyphenated parts).
_WORD = re.compile(r"[^\W\d_](?:[\w’'ʿ]|\.(?=\w))*(?:-[\w’'ʿ]+)*\.?")
# Lower-case words allowed inside a name run when a capitalised word follows.
PARTICLES = frozenset({"al", "el", "bin", "ibn", "bint", "de", "du", "la", "le", "van", "von", "wal", "ul"})
ENGLISH_CONNECTORS = frozenset({"of", "for", "the"})
CONNECTORS = PARTICLES | ENGLISH_CONNECTORS
# Article prefixes written with a hyphen before a capitalised part ("al-Golani", "ez-Zor").
_ARTICLE_HYPHEN = re.compile(r"^(?:al|el|ad|ed|as|es|an|at|ar|az|ez|ash|ul|wal|bin|ibn|abu)-", re.I)
_POSSESSIVE = re.compile(r"['’]s?$")
_CUE_KEYS = (
    "honorifics", "person_titles", "person_roles", "speech_verbs", "speech_verbs_before",
    "apposition_roles", "kunya_prefixes", "given_names", "title_modifiers", "stop_words", "generic_words",
    "group_suffixes", "group_prefixes", "org_suffixes", "place_prefixes", "location_preps",
    "location_of_nouns", "location_suffix_nouns", "location_continuations", "group_context_after",
    "group_context_before", "facility_nouns", "facility_nouns_after",
)  # fmt: skip


@dataclass(frozen=True)
class Cues:
    lists: dict[str, frozenset[str]]

    def has(self, key: str, word: str) -> bool:
        return word in self.lists[key]


def load_cues(path: str | Path = CUES_PATH) -> Cues:
    """Load and validate the cue lists; raises KnowledgeBaseError naming the file and list."""
    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise KnowledgeBaseError(f"{p.name}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise KnowledgeBaseError(f"{p.name}: top level must be a mapping of cue lists")
    lists = {}
    for key in _CUE_KEYS:
        val = data.get(key)
        if not isinstance(val, list) or not val or not all(isinstance(v, str) and v for v in val):
            raise KnowledgeBaseError(f"{p.name}: {key!r} must be a non-empty list of strings")
        lists[key] = frozenset(val)
    unknown = set(data) - set(_CUE_KEYS)
    if unknown:
        raise KnowledgeBaseError(f"{p.name}: unknown cue lists {sorted(unknown)}")
    return Cues(lists)


@lru_cache(maxsize=1)
def default_cues() -> Cues:
    return load_cues()


@dataclass(frozen=True)
class Word:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Discovered:
    start: int
    end: int
    entity_type: str
    cue: str


def words_of(text: str) -> list[Word]:
    out = []
    for m in _WORD.finditer(text):
        w = m.group(0)
        s, e = m.start(), m.end()
        if w.endswith(".") and not re.fullmatch(
            r"(?:[A-Z]\.)+|Mr\.|Mrs\.|Ms\.|Dr\.|Gen\.|Col\.|Lt\.|St\.", w
        ):
            w, e = w[:-1], e - 1
        pm = _POSSESSIVE.search(w)
        if pm and len(w) > 2:
            w, e = w[: pm.start()], e - (len(w) - pm.start())
        if w:
            out.append(Word(s, e, w))
    return out


def _is_name_word(w: str) -> bool:
    core = _ARTICLE_HYPHEN.sub("", w)
    if not core or not core[0].isupper():
        return False
    parts = core.split("-")
    # "Iran-backed", "IS-linked": a compound ending in a lower-case part is an adjective
    return all(
        p[:1].isupper() or p.lower() in ("al", "el", "ad", "as", "ez", "ash", "ar", "an", "az") for p in parts
    )


def _gap_ok(text: str, a: Word, b: Word) -> bool:
    """Two words belong to one name only when a single space separates them."""
    return text[a.end : b.start] == " "


def _runs(text: str, words: list[Word], c: Cues | None = None) -> list[tuple[int, int]]:
    """Index ranges [i, j) of runs of name words, inner connectors allowed."""
    runs = []
    i, n = 0, len(words)
    while i < n:
        if not _is_name_word(words[i].text):
            i += 1
            continue
        j = i + 1
        while j < n and _gap_ok(text, words[j - 1], words[j]):
            if _is_name_word(words[j].text):
                j += 1
                continue
            # connectors join two name words: particles always ("Osama bin Laden"), English "of the"
            # only after a head noun ("Army of the Free Coast", not "Fighters of the X Brigade")
            k = j
            head = c is not None and (
                c.has("group_suffixes", words[j - 1].text) or c.has("org_suffixes", words[j - 1].text)
            )
            while (
                k < n
                and (words[k].text in PARTICLES or (head and words[k].text in ENGLISH_CONNECTORS))
                and _gap_ok(text, words[k - 1], words[k])
            ):
                k += 1
            if k > j and k < n and _gap_ok(text, words[k - 1], words[k]) and _is_name_word(words[k].text):
                j = k + 1
            else:
                break
            if text[words[j - 1].end : words[j - 1].end + 1] in ("’", "'"):
                break  # a possessive ends the name
        runs.append((i, j))
        i = j
    return runs


def _prev_word(words: list[Word], i: int, text: str) -> str | None:
    if i == 0:
        return None
    gap = text[words[i - 1].end : words[i].start]
    if gap.strip() not in ("", ",") or "\n" in gap:
        return None
    return words[i - 1].text


def discover(text: str, cues: Cues | None = None) -> list[Discovered]:
    """Typed spans of capitalised names found by cue rules (overlaps with KB matches are resolved later)."""
    c = cues or default_cues()
    words = words_of(text)
    out: list[Discovered] = []
    typed: list[tuple[int, int, str | None]] = []  # every run with its type, for lists of places
    for i, j in _runs(text, words, c):
        # strip sentence openers and calendar words from the start; the last stripped word is a cue
        lead: str | None = _prev_word(words, i, text)
        honorific = False
        i, lead = _strip_lead(words, i, j, lead, c)
        if i < j and c.has("honorifics", words[i].text):
            honorific = True
        # strip trailing connectors
        while j > i and words[j - 1].text in CONNECTORS:
            j -= 1
        if i >= j:
            continue
        names = [w.text for w in words[i:j]]
        core = names[1:] if honorific else names
        parts = [p for w in core for p in w.split("-")]
        generic = all(c.has("generic_words", p) or c.has("stop_words", p) for p in parts)
        if not core or (generic and len(core) == 1):
            continue
        etype, cue = _classify(text, words, i, j, names, lead, honorific, c)
        if generic and cue not in ("org_suffix", "org_prefix"):
            etype = None  # "Syrian Army" is not a name of its own; "Russian Defence Ministry" is
        if (
            etype is None
            and typed
            and typed[-1][2] == "location"
            and _in_list(text, typed[-1][1], words, i, j)
        ):
            etype, cue = "location", "place_list"
        typed.append((words[i].start, words[j - 1].end, etype))
        if etype is None:
            continue
        out.append(Discovered(words[i].start, words[j - 1].end, etype, cue))
    return out


_LIST_BEFORE = re.compile(r"(?:, ?| and | or |, and |, or )")
_LIST_AFTER = re.compile(r"(?:,| and | or )")


def _in_list(text: str, prev_end: int, words: list[Word], i: int, j: int) -> bool:
    """A run continues a list of places: 'in Sarmin, Sarmada, X and Y'."""
    gap = text[prev_end : words[i].start]
    if not _LIST_BEFORE.fullmatch(gap):
        return False
    if gap.strip(" ,") in ("and", "or"):
        return True  # the last item of the list
    return bool(_LIST_AFTER.match(text, words[j - 1].end))


def _strip_lead(words: list[Word], i: int, j: int, lead: str | None, c: Cues) -> tuple[int, str | None]:
    """Drop sentence openers and titles from the start of a run; the last dropped word is the cue.

    "Syrian Foreign Minister Faisal Mekdad" -> "Faisal Mekdad" (lead "Minister"); "The Russian
    Defence Ministry" -> "Russian Defence Ministry" (no title: only "The" goes).
    """
    k = i
    while k < j and not c.has("honorifics", words[k].text):
        w = words[k].text
        if not any(
            c.has(key, w) for key in ("stop_words", "generic_words", "title_modifiers", "person_titles")
        ):
            break
        k += 1
    titles = [x for x in range(i, k) if c.has("person_titles", words[x].text)]
    if titles and titles[-1] + 1 < j:
        return titles[-1] + 1, words[titles[-1]].text
    while i < j and c.has("stop_words", words[i].text) and not c.has("honorifics", words[i].text):
        lead = words[i].text
        i += 1
    return i, lead


def _classify(
    text: str, words: list[Word], i: int, j: int, names: list[str], lead: str | None, honorific: bool, c: Cues
) -> tuple[str | None, str]:
    last, first = names[-1], names[0]
    nxt = words[j].text if j < len(words) and _gap_ok(text, words[j - 1], words[j]) else None
    after = text[words[j - 1].end : words[j - 1].end + 40]
    if c.has("group_suffixes", last) and len(names) >= 2:
        return "armed_group", "group_suffix"
    if c.has("group_prefixes", first) and len(names) >= 2:
        return "armed_group", "group_prefix"
    if c.has("org_suffixes", last) and len(names) >= 2:
        return "organisation", "org_suffix"
    if any(c.has("org_suffixes", w) and nx in ("of", "for") for w, nx in zip(names, names[1:], strict=False)):
        return "organisation", "org_prefix"  # "Ministry of Defence", "Office for the Coordination of ..."
    if any(c.has("group_suffixes", w) and nx == "of" for w, nx in zip(names, names[1:], strict=False)):
        return "armed_group", "group_prefix"  # "Army of Conquest", "Brigade of the Martyrs"
    if honorific and len(names) >= 2:
        return "person", "honorific"
    lead_l = lead.lower() if lead else None
    if (
        lead
        and (c.has("person_titles", lead) or (lead_l and c.has("person_roles", lead_l)))
        and len(names) >= 2
    ):
        return "person", "title"
    if c.has("place_prefixes", first) and len(names) >= 2:
        return "location", "place_prefix"
    if _of_place(text, words, i, c):
        return "location", "place_of"
    if c.has("kunya_prefixes", first) and len(names) >= 2:
        return "person", "kunya"
    if (c.has("facility_nouns", last) and len(names) >= 2) or (nxt and c.has("facility_nouns_after", nxt)):
        return "location", "facility"  # "Victoria Hospital", "the Walter Reed hospital"
    if c.has("given_names", first) and 2 <= len(names) <= 4 and not c.has("location_suffix_nouns", nxt or ""):
        return "person", "given_name"
    if len(names) >= 2 and (
        (lead_l and c.has("speech_verbs_before", lead_l)) or (nxt and c.has("speech_verbs", nxt))
    ):
        return "person", "speech"
    m = re.match(r",\s+(?:a|an|the)\s+(\S+)", after)
    if m and len(names) >= 2 and c.has("apposition_roles", m.group(1).strip(",.").lower()):
        return "person", "apposition"
    if nxt and c.has("location_suffix_nouns", nxt):
        return "location", "place_noun"
    if (
        lead_l
        and c.has("location_preps", lead_l)
        and _location_follow_ok(text, words, j, c)
        and not _possessive_after(text, words[j - 1])
    ):
        return "location", "place_prep"
    return None, ""


def _possessive_after(text: str, w: Word) -> bool:
    """The name is a possessor ("in Acme's new plan"): the preposition governs the noun after it,
    so it says nothing about the name. Risk: "in Idlib's countryside" loses its place cue here; the
    knowledge base or another occurrence of the name still types it."""
    return text[w.end : w.end + 1] in ("'", "’")


def _of_place(text: str, words: list[Word], i: int, c: Cues) -> bool:
    """'town of X', 'outskirts of X'."""
    if i < 2 or words[i - 1].text != "of":
        return False
    return c.has("location_of_nouns", words[i - 2].text.lower())


# Endings of nationality adjectives ("Kurdish", "Iraqi", "Lebanese", "Syrian", "Afghan").
_ADJECTIVE_END = re.compile(r"(?:ish|ese|ian|ean|i|an)$")


def _location_follow_ok(text: str, words: list[Word], j: int, c: Cues) -> bool:
    """'in X camps' with X an adjective ('in Kurdish camps') is not a place; 'near Tarmala continued' is."""
    if j >= len(words) or not _gap_ok(text, words[j - 1], words[j]):
        return True
    w = words[j].text
    if w[:1].isupper() or c.has("location_continuations", w) or c.has("location_suffix_nouns", w):
        return True
    return not _ADJECTIVE_END.search(words[j - 1].text)
