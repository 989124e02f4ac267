"""Rule-based discovery of names the knowledge base does not know, typed by the cues around them.

A name is a run of capitalised words (with inner articles and connectors: "al-", "bin", "of"). A run
is kept only when a cue types it (cue lists in `cues.yaml`, each with its false-positive risk):
  - armed_group: it ends in a group noun ("the Hamza Brigade") or starts with an Arabic group word
    ("Liwa al-X", "Jaysh X");
  - organisation: it ends in an organisation noun ("... Institute", "... Observatory");
  - person: an honorific ("Mr X": kept in the mention before a lone surname, left out before a full
    name: "Dr. X Y" is "X Y"), a title or role noun before it ("analyst X Y"), a speech verb next to
    it ("said X Y", "X Y said"), an appositive role ("X Y, a commander", "X Y, head of"), "led by X Y",
    a kunya ("Abu X") or a common given name ("Omar X", "Abdul-Hakim X");
  - location: a place preposition or "town of" before it ("in X", "near X") or a place noun after it.
Runs without a cue are not recorded: an untyped name is noise to an analyst.
"""

from __future__ import annotations

import bisect
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from pipelines.entities.kb import KnowledgeBaseError

logger = logging.getLogger(__name__)

CUES_PATH = Path(__file__).parent / "cues.yaml"

# A word: letters (with inner apostrophes, dots of initials and hyphenated parts), or a whole number
# or ordinal ("4th", "313"; not a piece of "1,000" or "3.5"), which only joins a unit's name.
_WORD = re.compile(
    r"[^\W\d_](?:[\w’'ʿ]|\.(?=\w))*(?:-[\w’'ʿ]+)*\.?|(?<![\w.,])\d+(?:st|nd|rd|th)?(?![\w]|[.,]\d)"
)
_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)")
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
    "group_context_before", "facility_nouns", "facility_nouns_after", "ordinal_words",
    "weak_location_preps", "movement_words", "name_suffixes", "weak_org_suffixes", "agency_heads",
    "agency_modifiers", "back_reference_heads", "location_at_nouns",
)  # fmt: skip


@dataclass(frozen=True)
class Cues:
    lists: dict[str, frozenset[str]]

    def has(self, key: str, word: str) -> bool:
        return word in self.lists[key]

    @property
    def abbreviations(self) -> frozenset[str]:
        """Dotted titles and honorifics ("Gen.", "Sgt.", "Mr.") whose dot belongs to the word."""
        keys = ("honorifics", "person_titles", "title_modifiers")
        return frozenset(w for k in keys for w in self.lists[k] if w.endswith("."))


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


def words_of(text: str, abbreviations: frozenset[str] = frozenset()) -> list[Word]:
    """Words with their spans; a final dot is kept on initials ("U.S.") and on `abbreviations`
    ("Gen.", "Sgt.") so that "Brig. Gen. X Y" stays one run."""
    out = []
    for m in _WORD.finditer(text):
        w = m.group(0)
        s, e = m.start(), m.end()
        if (
            w.endswith(".")
            and w not in abbreviations
            and not re.fullmatch(r"(?:[A-Z]\.)+|Mr\.|Mrs\.|Ms\.|Dr\.|Gen\.|Col\.|Lt\.|St\.", w)
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


def _possessive_head(text: str, a: Word, b: Word, c: Cues | None) -> bool:
    """A plural possessive before a group or organisation noun stays inside the name ("the Raqqa
    Revolutionaries' Brigade", "Workers’ Party"); before any other word it ends the name ("the
    Uighurs’ Turkistan Islamic Party"), as a singular one always does ("Syria's Idlib"). An apostrophe
    before an article-prefixed word transliterates a hamza or ʿayn and stays inside the name."""
    if c is None or text[a.end : b.start] not in ("' ", "’ "):
        return False
    if _ARTICLE_HYPHEN.match(b.text):
        return True  # a transliterated hamza or ʿayn, not a possessive: "Katibat Dir' al-Jabal"
    return a.text.endswith("s") and (c.has("group_suffixes", b.text) or c.has("org_suffixes", b.text))


def _runs(text: str, words: list[Word], c: Cues | None = None) -> list[tuple[int, int]]:
    """Index ranges [i, j) of runs of name words, inner connectors allowed."""
    runs = []
    i, n = 0, len(words)
    while i < n:
        # an ordinal opens a name only before a capitalised word ("the 4th Division")
        ordinal = (
            _ORDINAL.fullmatch(words[i].text)
            and i + 1 < n
            and _gap_ok(text, words[i], words[i + 1])
            and _is_name_word(words[i + 1].text)
        )
        if not ordinal and not _is_name_word(words[i].text):
            i += 1
            continue
        j = i + 1
        while j < n and (
            _gap_ok(text, words[j - 1], words[j]) or _possessive_head(text, words[j - 1], words[j], c)
        ):
            if _is_name_word(words[j].text):
                j += 1
                continue
            if (
                c is not None
                and words[j].text.isdigit()
                and any(c.has(k, words[j - 1].text) for k in ("group_suffixes", "weak_org_suffixes"))
            ):
                j += 1  # a unit's number ends its name: "Brigade 313", "Division 80", "Branch 215"
                break
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
            owner = k < n and words[k].text.isupper() and len(words[k].text) >= 2 and words[j].text == "of"
            # "the Eighth Brigade of Ahmad X": a unit named after its leader; the person is not in the name
            leader = (
                k < n
                and words[j].text == "of"
                and c is not None
                and (c.has("given_names", words[k].text) or c.has("kunya_prefixes", words[k].text))
            )
            if leader:
                break
            more = k + 1 < n and _gap_ok(text, words[k], words[k + 1]) and _is_name_word(words[k + 1].text)
            if owner and not more:
                break  # "Field Police of the XYZ": an acronym after "of" names the owner, not the unit
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


def discover(
    text: str, cues: Cues | None = None, known_places: list[tuple[int, int]] | None = None
) -> list[Discovered]:
    """Typed spans of capitalised names found by cue rules (overlaps with KB matches are resolved later).

    `known_places` are spans the knowledge base knows as places: a list of places continues after one
    ("residents of Afrin and X")."""
    c = cues or default_cues()
    places = sorted(known_places or [])
    words = words_of(text, c.abbreviations)
    out: list[Discovered] = datelines(text)
    typed: list[tuple[int, int, str | None]] = []  # every run with its type, for lists of places
    runs: list[tuple[int, int]] = []
    employers: set[tuple[int, int]] = set()
    for i0, j0 in _runs(text, words, c):
        titled = _split_at_titles(words, i0, j0, c)
        parts = [q for p in titled for q in _split_before_given_name(words, *p, c)]
        # the words before a title name the office holder's employer, never a person ("White House Press")
        employers.update(parts[:-1])
        runs.extend(parts)
    lower_vocab = {w.text for w in words if w.text[:1].islower()}
    for i, j in runs:
        employer = (i, j) in employers
        if _common_opener(text, words, i, j, lower_vocab, c):
            i += 1
        # strip sentence openers and calendar words from the start; the last stripped word is a cue
        lead: str | None = _prev_word(words, i, text)
        honorific = False
        i, lead = _strip_lead(words, i, j, lead, c)
        if i < j and c.has("honorifics", words[i].text):
            honorific = True
        # strip trailing connectors, and sentence or calendar words a run ran into ("X Y Monday")
        while j > i and (
            words[j - 1].text in CONNECTORS or (j - 1 > i and c.has("stop_words", words[j - 1].text))
        ):
            j -= 1
        if i >= j:
            continue
        names = [w.text for w in words[i:j]]
        core = names[1:] if honorific else names
        parts = [p for w in core for p in w.split("-")]
        numbered = any(c.has("ordinal_words", p) or p[:1].isdigit() for p in parts)
        generic = not numbered and all(c.has("generic_words", p) or c.has("stop_words", p) for p in parts)
        if not core or (generic and len(core) == 1):
            continue
        etype, cue = _classify(text, words, i, j, names, lead, honorific, c)
        if honorific and len(core) >= 2:
            i += 1  # "Dr. Fadi X": the person's name; a lone surname keeps it ("Mr Orton")
        if generic and cue not in ("org_suffix", "org_prefix", "agency"):
            etype = None  # "Syrian Army" is not a name of its own; "Russian Defence Ministry" is
        if employer and etype == "person":
            etype = None
        if len(core) == 1 and c.has("name_suffixes", core[0]):
            etype = None  # "Jr", "III" alone
        listed = typed and typed[-1][2] == "location" and _in_list(text, typed[-1][1], words, i, j)
        if listed and (etype is None or (cue == "kunya" and len(core) == 2)):
            # "the towns of X, Y and Abu Z": a two-word kunya in a list of places is a place
            etype, cue = "location", "place_list"
        if etype == "location" and len(core) == 1 and _not_a_place_word(core[0]):
            etype = None
        if etype is None and _known_place(places, words[i].start, words[j - 1].end):
            typed.append((words[i].start, words[j - 1].end, "location"))
            continue  # the knowledge base links it; it only carries a list of places on
        typed.append((words[i].start, words[j - 1].end, etype))
        if etype is None:
            continue
        out.append(Discovered(words[i].start, words[j - 1].end, etype, cue))
    return out


def _known_place(places: list[tuple[int, int]], start: int, end: int) -> bool:
    """The run is exactly a knowledge-base place (an article before it may be left out)."""
    k = bisect.bisect_left(places, (start, -1))
    for s, e in places[max(0, k - 1) : k + 2]:
        if e == end and s <= start <= s + 3:
            return True
    return False


def _common_opener(text: str, words: list[Word], i: int, j: int, lower_vocab: set[str], c: Cues) -> bool:
    """The first word of a run opens a sentence and the document also writes it in lower case
    ("Tonight Ahmad Khalil ...", "Overnight Kafr X ..."): a common word capitalised by position, not
    part of the name. Names ending in a group, organisation or building noun keep their first word
    ("Green Valley Brigade"); so do titles and honorifics, which `_strip_lead` handles."""
    if j - i < 2:
        return False
    first, last = words[i].text, words[j - 1].text
    if first.lower() not in lower_vocab or not first[:1].isupper():
        return False
    if any(c.has(k, last) for k in ("group_suffixes", "org_suffixes", "facility_nouns")):
        return False
    if any(c.has(k, first) for k in ("person_titles", "title_modifiers", "honorifics", "ordinal_words")):
        return False
    before = text[: words[i].start].rstrip(" \t\"“‘'(")
    return before == "" or before[-1] in ".!?\n:"


# Offices named "<Title> General" ("Federal Public Prosecutor General", "State Auditor General"): a
# run ending in one names the office, an organisation, when no personal name follows the title.
OFFICE_TITLES = frozenset({"Prosecutor", "Attorney", "Auditor", "Solicitor", "Inspector", "Comptroller"})
_INITIAL = re.compile(r"[A-Z]\.")


def _office(names: list[str]) -> bool:
    return len(names) >= 3 and names[-1] == "General" and names[-2] in OFFICE_TITLES


def _split_before_given_name(words: list[Word], i: int, j: int, c: Cues) -> list[tuple[int, int]]:
    """Split a run before a personal name inside it: a name with a middle initial at its end
    ("Financial Intelligence Marvin T. Oakes" -> "Marvin T. Oakes"), or a given name after words that
    are all generic or title words ("State Ethan Goldrich"). The name must be 2-4 words long.
    Risk: an Arabic name chain ("Mahmud Salih X") holds given names too; it is split only after an
    initial, or when everything before the given name is a generic word."""
    for k in range(i + 1, j - 1):
        initial = bool(_INITIAL.fullmatch(words[k + 1].text)) and k + 3 == j
        if initial:
            return [(i, k), (k, j)]
        if not c.has("given_names", words[k].text) or not 2 <= j - k <= 4:
            continue
        before_generic = all(
            any(c.has(key, words[x].text) for key in ("generic_words", "stop_words", "title_modifiers"))
            for x in range(i, k)
        )
        if initial or before_generic:
            return [(i, k), (k, j)]
    return [(i, j)]


def _split_at_titles(words: list[Word], i: int, j: int, c: Cues) -> list[tuple[int, int]]:
    """Split a run before a title inside it: "Acme President Dan Smith" -> "Acme" + "President Dan
    Smith"; "UN Special Envoy X Y" -> "UN" + "Special Envoy X Y" (the title's modifiers go with it).
    A title at the start, or one in a chain of titles ("Lt. Gen."), is left to `_strip_lead`.
    Risk: a name with a title word inside ("Army General Command") is split too; its parts are typed
    on their own and a knowledge-base match of the whole name still wins."""
    if _office([w.text for w in words[i:j]]):
        return [(i, j)]
    for k in range(i + 1, j - 1):
        if not c.has("person_titles", words[k].text):
            continue
        if c.has("person_titles", words[k - 1].text) or c.has("title_modifiers", words[k - 1].text):
            if k - 1 > i:
                k0 = k - 1
                while k0 > i and (
                    c.has("title_modifiers", words[k0 - 1].text) or c.has("person_titles", words[k0 - 1].text)
                ):
                    k0 -= 1
                if k0 > i:
                    return [(i, k0), (k0, j)]
            continue
        return [(i, k), (k, j)]
    return [(i, j)]


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
    unit = c.has("group_suffixes", words[j - 1].text) or words[j - 1].text.isdigit()
    while k < j and not c.has("honorifics", words[k].text):
        w = words[k].text
        if unit and c.has("ordinal_words", w):
            break  # "the First Division": the ordinal is part of a unit's name
        if not any(
            c.has(key, w) for key in ("stop_words", "generic_words", "title_modifiers", "person_titles")
        ):
            break
        k += 1
    titles = [x for x in range(i, k) if c.has("person_titles", words[x].text)]
    last = words[j - 1].text
    if c.has("facility_nouns", last) or c.has("org_suffixes", last) or c.has("group_suffixes", last):
        # a building named after its patron keeps the title ("King X Hospital"); so does a body
        # whose name starts with a title word ("General Security Service", "General Command")
        titles = []
    if titles and titles[-1] + 1 < j:
        n = titles[-1] + 1
        # an honorific after a title is part of the title chain: "Judge Dr. X Y" -> "X Y"
        while n + 1 < j and c.has("honorifics", words[n].text):
            n += 1
        return n, words[titles[-1]].text
    while (
        i < j
        and c.has("stop_words", words[i].text)
        and not c.has("honorifics", words[i].text)
        and not (unit and c.has("ordinal_words", words[i].text))
    ):
        lead = words[i].text
        i += 1
    return i, lead


def _classify(
    text: str, words: list[Word], i: int, j: int, names: list[str], lead: str | None, honorific: bool, c: Cues
) -> tuple[str | None, str]:
    last, first = names[-1], names[0]
    if last.isdigit() and len(names) >= 2:
        last = names[-2]  # "Brigade 313": the noun before the unit's number heads the name
    nxt = words[j].text if j < len(words) and _gap_ok(text, words[j - 1], words[j]) else None
    after = text[words[j - 1].end : words[j - 1].end + 40]
    if c.has("group_suffixes", last) and len(names) >= 2:
        return "armed_group", "group_suffix"
    if c.has("group_prefixes", first) and len(names) >= 2:
        return "armed_group", "group_prefix"
    if _office(names):
        return "organisation", "org_suffix"
    agency = all(c.has("agency_modifiers", w) for w in names[:-1])
    if c.has("agency_heads", last) and len(names) >= 2 and agency:
        return "organisation", "agency"  # "Military Intelligence", "State Security"
    if c.has("org_suffixes", last) and len(names) >= 2 and _strong_org_head(text, words, i, j, names, c):
        return "organisation", "org_suffix"
    if any(c.has("org_suffixes", w) and nx in ("of", "for") for w, nx in zip(names, names[1:], strict=False)):
        return "organisation", "org_prefix"  # "Ministry of Defence", "Office for the Coordination of ..."
    if any(c.has("group_suffixes", w) and nx == "of" for w, nx in zip(names, names[1:], strict=False)):
        return "armed_group", "group_prefix"  # "Army of Conquest", "Brigade of the Martyrs"
    if honorific and len(names) >= 2:
        return "person", "honorific"
    # a building before a title cue: "King Fahd Hospital" is a place, not a person "Fahd Hospital"
    facility_name = c.has("facility_nouns", last) and len(names) >= 2 and not _of_name_after(after)
    if facility_name:
        return "location", "facility"
    lead_l = lead.lower() if lead else None
    # an abbreviated rank ("Gen.", "Sgt.") also types a lone surname: "Gen. Kurilla"
    if (
        lead
        and (c.has("person_titles", lead) or (lead_l and c.has("person_roles", lead_l)))
        and (len(names) >= 2 or (lead.endswith(".") and c.has("person_titles", lead)))
    ):
        return "person", "title"
    if c.has("place_prefixes", first) and len(names) >= 2:
        return "location", "place_prefix"
    if _of_place(text, words, i, c):
        return "location", "place_of"
    if c.has("kunya_prefixes", first) and len(names) >= 2:
        return "person", "kunya"
    if _NEWS_AGENCY_AFTER.match(after):
        return "organisation", "org_suffix"  # "its Amaq news agency"
    if nxt and c.has("facility_nouns_after", nxt):
        return "location", "facility"  # "Victoria Hospital", "the Walter Reed hospital"
    given = c.has("given_names", first) or ("-" in first and c.has("given_names", first.split("-")[0]))
    if given and 2 <= len(names) <= 4 and not c.has("location_suffix_nouns", nxt or ""):
        return "person", "given_name"
    if len(names) == 2 and _INITIAL.fullmatch(names[1]) and _AGE_AFTER.match(after):
        return "person", "initial"  # an anonymised name with its age: "Kerstin W., 41, ..."
    if len(names) == 3 and _INITIAL.fullmatch(names[1]) and not _INITIAL.fullmatch(names[2]):
        return "person", "initial"  # a middle initial: "Marvin T. Oakes"
    if len(names) >= 2 and (
        (lead_l and c.has("speech_verbs_before", lead_l)) or (nxt and c.has("speech_verbs", nxt))
    ):
        return "person", "speech"
    if (
        len(names) >= 2
        and _AKA_KUNYA.match(after)
        and c.has("kunya_prefixes", _AKA_KUNYA.match(after).group(1))
    ):
        return "person", "alias"  # "X Y, also known as Abu Z": the real name of a kunya's bearer
    m = re.match(r",\s+(?:a|an|the)\s+(\S+)", after) or re.match(r",\s+(\S+)\s+(?:of|for|at)\s", after)
    if m and len(names) >= 2 and c.has("apposition_roles", m.group(1).strip(",.").lower()):
        return "person", "apposition"
    if len(names) >= 2 and _LED_BY.search(text, max(0, words[i].start - 30), words[i].start):
        return "person", "led_by"
    if nxt and c.has("location_suffix_nouns", nxt):
        return "location", "place_noun"
    if (
        lead_l
        and c.has("location_preps", lead_l)
        and _location_follow_ok(text, words, j, c)
        and not _possessive_after(text, words[j - 1])
        and (len(names) >= 2 or not c.has("weak_location_preps", lead_l) or _movement_before(words, i, c))
    ):
        return "location", "place_prep"
    return None, ""


_NEWS_AGENCY_AFTER = re.compile(r" (?:news|press) agency\b")
# "led by X Y": the leader of a group named just before (a group or organisation name is typed by its
# own noun first, and a knowledge-base name wins over this cue).
_LED_BY = re.compile(r"\b(?:led|headed|commanded|founded|co-founded|chaired) by (?:the )?$")
# A wire dateline opening a line: "CITYNAME, Region (AGENCY) —" or "CITYNAME (AGENCY) -". The city is
# a place, the bracketed agency an organisation. Risk: an all-caps heading followed by a dash.
_DATELINE = re.compile(
    r"^([A-Z][A-Z’'.-]+(?: [A-Z][A-Z’'.-]+){0,2})"
    r"(?:,(?: [A-Z][\w.]*){1,3})?"
    r"(?: \(([A-Z][A-Za-z&]{1,9})\))?"
    r" [—–-] ",
    re.M,
)


def datelines(text: str) -> list[Discovered]:
    """Places and agencies of wire datelines at the start of a line."""
    out = []
    for m in _DATELINE.finditer(text):
        city = m.group(1)
        if len(city.replace(" ", "")) < 3 or not any(ch.isalpha() for ch in city):
            continue
        if m.group(2) is None and "," not in m.group(0):
            continue  # "HEADING - text" without a region or an agency is no dateline
        out.append(Discovered(m.start(1), m.end(1), "location", "dateline"))
        if m.group(2):
            out.append(Discovered(m.start(2), m.end(2), "organisation", "dateline"))
    return out


_AGE_AFTER = re.compile(r",\s*(?:aged\s+)?\d{1,2}\s*[,)]")


def _strong_org_head(text: str, words: list[Word], i: int, j: int, names: list[str], c: Cues) -> bool:
    """A weak head ("Branch", "Exchange") types an organisation only after a number ("Branch 215") or a
    modifier that is no generic word ("Olive Branch" is not one), outside a title-case headline."""
    head = names[-2] if names[-1].isdigit() else names[-1]
    if not c.has("weak_org_suffixes", head):
        return True
    if names[-1].isdigit():
        return True
    mods = names[:-1]
    if all(c.has("generic_words", w) or c.has("stop_words", w) for w in mods):
        return False
    return not _title_case_line(text, words[i].start)


def _title_case_line(text: str, pos: int) -> bool:
    """The line holding `pos` is a title-case headline: four or more words, nearly all capitalised."""
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    line = text[start : end if end != -1 else len(text)]
    ws = re.findall(r"[^\W\d_][\w'’-]*", line)
    if len(ws) < 4:
        return False
    caps = sum(1 for w in ws if w[:1].isupper())
    small = sum(1 for w in ws if w in ("a", "an", "the", "of", "in", "on", "for", "and", "to", "at", "by"))
    return caps + small == len(ws) or caps >= 0.8 * len(ws)


_AKA_KUNYA = re.compile(
    r"\s*[,(]\s*(?:also |better )?(?:known as|aka|a\.k\.a\.?|alias|nicknamed|nom de guerre)"
    r"\s+[“\"'‘]?([A-Z][a-z]+)"
)


def _of_name_after(after: str) -> bool:
    """The noun heads a longer name: "Hall of Fame", "Palace of Justice"."""
    return bool(re.match(r" of (?:the )?[A-Z]", after))


def _movement_before(words: list[Word], i: int, c: Cues) -> bool:
    """'fled from X', 'advanced into X': a movement word before a weak preposition makes X a place.
    Without one, "suggestions from X", "invested into X" say nothing about a one-word X."""
    if i >= 2 and c.has("movement_words", words[i - 2].text.lower()):
        return True
    # "X Y., 34, from Z": a home town after an age in apposition
    return (
        i >= 2 and words[i - 2].text.isdigit() and len(words[i - 2].text) <= 2 and words[i - 1].text == "from"
    )


# A word with a capital after a lower-case letter inside it ("WeWork", "InfoNation") is a brand or a
# company; the prefixes of names written that way (McAllister, MacDonald, DeKalb, LaGuardia) are not.
_CAMEL = re.compile(r"^(?!Mc|Mac|De|La|Le|Di|Da|Van|Al|El)[A-Z][a-z]+[A-Z]")


def _not_a_place_word(w: str) -> bool:
    """A one-word name that is no place whatever the cue: an all-capitals abbreviation ("FL", "TV":
    places written that way are in the knowledge base) or a camel-case brand ("WeWork")."""
    return (w.isupper() and len(w) <= 5) or bool(_CAMEL.match(w))


def _possessive_after(text: str, w: Word) -> bool:
    """The name is a possessor ("in Acme's new plan"): the preposition governs the noun after it,
    so it says nothing about the name. Risk: "in Idlib's countryside" loses its place cue here; the
    knowledge base or another occurrence of the name still types it."""
    return text[w.end : w.end + 1] in ("'", "’")


def _of_place(text: str, words: list[Word], i: int, c: Cues) -> bool:
    """'town of X', 'outskirts of X'; 'observation post at X', 'checkpoint at X'."""
    if i < 2 or words[i - 1].text not in ("of", "at"):
        return False
    key = "location_of_nouns" if words[i - 1].text == "of" else "location_at_nouns"
    return c.has(key, words[i - 2].text.lower())


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
