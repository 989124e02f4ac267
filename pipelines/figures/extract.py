"""Extract figures (counts of people) from clean text: find each quantity, decide what it counts from its
noun phrase and the predicate around it, attach the armed group and place it is about from the
sentence's syntax, link parts to totals and mark repeated claims."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pipelines.figures import layout
from pipelines.figures.layout import Line
from pipelines.figures.lexicon import CATEGORIES, Lexicon, load_lexicon
from pipelines.figures.quantity import Quantity, match_quantity
from pipelines.figures.tokens import DASHES, QUOTES, Token, match_any, match_ending_at, match_phrase, tokenize

logger = logging.getLogger(__name__)


@dataclass
class Figure:
    start: int
    end: int
    surface: str
    value: float | None
    low: float | None
    high: float | None
    qualifier: str  # exact|approx|at_least|at_most|range|vague
    category: str  # fighters|killed|wounded|detained|missing|displaced|returned|population|other
    unit: str | None
    actor_entity_id: str | None
    location_entity_id: str | None
    part_of: int | None
    repeat_of: int | None


# Function words that end a noun phrase. FP risk: none - they only stop the scan for the head noun.
_NP_STOPS = frozenset(
    "in at on to from for by with of into across near over under after before during since until about "
    "and or but nor so yet are were is was be been being have has had will would could should may might "
    "can must do does did who whom whose which that this these those the a an there here it they them he "
    "she we you i his her their its our than as while when where if because also still once".split()
)
# Words that open an object after a transitive participle ("fighters killed 12 civilians" is active).
_OBJECT_STARTERS = frozenset("the a an his her their its them him us our this that these those".split())
# Words skipped between a pre-verb and the number ("killing another 12", "freed a further 50").
_TOTAL_OF = (("a", "total", "of"), ("the", "total", "of"), ("total", "of"))
_PRE_FILLERS = frozenset("another a further an additional the all some only just around nearly".split())
# Partitive determiners after "N of": "25 of them", "five of the fighters".
_PARTITIVE = frozenset("the its their these those his her our them whom us".split())
_PRONOUN_PARTITIVE = frozenset("them whom us".split())
_NP_SKIP_FIRST = frozenset("more other additional further extra new fresh".split())
# Participles used as adjectives inside a noun phrase ("6 suspected IS members", "41 reported fatalities"):
# skipped, not read as the clause's verb. FP risk: "41 reported killed" - the next word is a predicate and
# ends the phrase anyway.
_NP_NEUTRAL_PARTICIPLES = frozenset(
    "suspected alleged reported presumed confirmed armed trained unidentified unnamed so-called "
    "registered documented recorded estimated".split()
)
# Words that are predicative after a person noun ("left one fighter dead"), not a compound's head.
_PREDICATIVE = frozenset("dead wounded injured missing displaced".split())
_CLOCK = frozenset("am pm a.m p.m gmt utc".split())
# Words before a number that make it a label, not a count ("page 2", "Resolution 2254").
_LABEL_WORDS = frozenset(
    "page p no number # vol volume chapter photo image picture part article resolution route flight "
    "episode season room tel phone fax ext section paragraph item slide figure table grade level".split()
)
_MODALS = frozenset("may might could would will can to now still probably".split())
_ORDINAL_SUFFIXES = frozenset("st nd rd th".split())
_YEAR_RE = re.compile(r"^(1[89]\d\d|20\d\d|2100)$")
_DIGIT_RANGE_RE = re.compile(r"^\d[\d,.]*[-‐–]\d[\d,.]*$")


def _unit_words(lex: Lexicon) -> frozenset[str]:
    """First words of the unit phrases ("km", "percent"): letters that may follow a number glued to it."""
    return frozenset(p[0] for p, _ in lex.units)


@dataclass
class _NP:
    head: int | None = None  # token index of the head noun
    head_class: str | None = None  # a category, generic, nonfig, thing, unknown, pronoun
    end: int = 0  # exclusive token index of the noun phrase
    modifier_cat: str | None = None
    actor: Any = None
    location: Any = None
    unit: str | None = None
    scare: bool = False


@dataclass
class _Cand:
    q: Quantity
    start: int  # surface token range
    end: int
    category: str
    unit: str | None
    np: _NP
    strong: bool
    own_specific: bool
    actor: Any = None
    location: Any = None
    location_after: bool = False
    pre_start: int | None = None  # first token of a category cue before the quantity ("repatriated 17")
    blocked: set[int] = field(default_factory=set)  # ids of places that own the figure, not locate it
    part_of: int | None = None
    repeat_of: int | None = None
    sentence_words: frozenset[str] = field(default_factory=frozenset)
    pending: bool = False  # a bare number whose category comes from an antecedent figure
    case: bool = False  # counts "cases" (one person each): the category is the report's topic
    list_item: bool = False  # a count in a report's list (a bullet line or a "Place N, Place N" run)
    topic: bool = False  # the category came from a label, a heading or the report's topic, not the clause
    default: bool = False  # generic people with no cue: `population` only for want of a better reading


_PENDING = "?"
_CASE = "?case"


def _mention_index(tokens: Sequence[Token], mentions: Sequence[Any]) -> dict[int, Any]:
    """Token index -> the mention covering it (first by start)."""
    out: dict[int, Any] = {}
    spans = []
    for m in mentions:
        try:
            s, e = int(m.start), int(m.end)
        except (AttributeError, TypeError, ValueError):
            continue
        if e > s:
            spans.append((s, e, m))
    spans.sort(key=lambda x: (x[0], -x[1]))
    if not spans:
        return out
    import bisect

    starts = [s for s, _, _ in spans]
    for tok in tokens:
        k = bisect.bisect_right(starts, tok.end) - 1
        while k >= 0:
            s, e, m = spans[k]
            if s < tok.end and tok.start < e:
                out[tok.idx] = m
                break
            if tok.start - s > 200:
                break
            k -= 1
    return out


def _etype(m: Any) -> str | None:
    return getattr(m, "entity_type", None)


def _eid(m: Any) -> str | None:
    eid = getattr(m, "entity_id", None)
    return eid if isinstance(eid, str) else None


def _after_mention(tokens: Sequence[Token], j: int, mi: dict[int, Any]) -> int:
    m = mi[j]
    while j < len(tokens) and mi.get(j) is m:
        j += 1
    return j


def _person_class(tok: Token, lex: Lexicon) -> str | None:
    w = tok.lower
    if w in lex.person_nouns:
        return lex.person_nouns[w]
    if w in lex.generic_person_nouns:
        return "generic"
    if w in lex.non_figure_person_nouns:
        return "nonfig"
    if tok.is_capitalised and len(w) > 4 and (w.endswith("men") or w.endswith("ians") or w.endswith("ans")):
        return "generic"  # demonyms: "Frenchmen", "Syrians"
    return None


def _is_predicate_word(w: str, lex: Lexicon) -> bool:
    return (
        w in lex.transitive_predicates
        or w in lex.passive_auxiliaries
        or any(p[0] == w for p, _ in lex.post_strong)
        or any(p[0] == w for p, _ in lex.post_weak)
    )


def _noun_phrase(tokens: Sequence[Token], q: Quantity, lex: Lexicon, mi: dict[int, Any]) -> _NP:
    n = len(tokens)
    sent = tokens[q.core_start].sent
    np = _NP(end=q.end)
    k = q.end
    if k < n and tokens[k].text in QUOTES and q.start > 0 and tokens[q.start - 1].text in QUOTES:
        k += 1
    for _ in range(2):
        if k < n and tokens[k].sent == sent:
            end, idx = match_any(tokens, k, [u for u, _ in lex.units])
            if end >= 0:
                np.unit = lex.units[idx][1]
                np.end = end
                return np
        if k < n and tokens[k].lower in _NP_SKIP_FIRST:
            k += 1
    if k + 1 < n and tokens[k].lower == "of" and tokens[k + 1].lower in _PARTITIVE:
        if tokens[k + 1].lower in _PRONOUN_PARTITIVE:
            np.head_class = "pronoun"
            np.end = k + 2
            return np
        k += 2
        if k < n and tokens[k].is_number and tokens[k].sent == sent:
            k += 1  # "six of the 20 staffers": the noun is the whole's
    elif k < n and tokens[k - 1].lower == "of" and tokens[k].lower in _PARTITIVE:
        k += 1
    last_alpha = None
    j = k
    limit = k + 7
    while j < n and j < limit and tokens[j].sent == sent:
        t = tokens[j]
        w = t.lower
        m = mi.get(j)
        if m is not None:
            if _etype(m) == "armed_group":
                np.actor = m
            elif _etype(m) == "location":
                np.location = m
            e = _after_mention(tokens, j, mi)
            cls = _person_class(tokens[e - 1], lex)
            if _etype(m) == "armed_group" and cls in CATEGORIES and e - 1 > j:
                # "900 US troops" where the name holds the counted noun ("US troops"): it is the head
                np.head, np.head_class = e - 1, cls
                np.end = _coordination(tokens, e, lex)
                break
            j = e
            continue
        if t.text in QUOTES:
            if t.text not in ("'", "’") or not t.space_before or j == k:
                np.scare = True
            j += 1
            continue
        cls = _person_class(t, lex)
        if (
            cls is not None
            and last_alpha is not None
            and last_alpha == j - 1
            and _plural_noun(tokens[last_alpha])
        ):
            break  # "two reasons investors should worry": the plural before the person noun is the head
        if (
            w in lex.np_modifiers
            and j + 1 < n
            and tokens[j + 1].is_alpha
            and (_person_class(tokens[j + 1], lex) is not None or tokens[j + 1].lower not in _NP_STOPS)
        ):
            if not (cls is not None and _person_class(tokens[j + 1], lex) is None):
                np.modifier_cat = lex.np_modifiers[w]
                j += 1
                continue
        if cls is not None:
            np.head, np.head_class = j, cls
            # compounds: "rebel troops"
            while (
                j + 1 < n
                and tokens[j + 1].sent == sent
                and _person_class(tokens[j + 1], lex) is not None
                and tokens[j + 1].lower not in _PREDICATIVE
            ):
                j += 1
                np.head, np.head_class = j, _person_class(tokens[j], lex)
            # a person noun used as a modifier of a thing: "a dozen rebel factions"
            if j + 1 < n and tokens[j + 1].sent == sent and tokens[j + 1].lower in lex.thing_nouns:
                np.head, np.head_class, np.end = j + 1, "thing", j + 2
                break
            np.end = _coordination(tokens, j + 1, lex)
            break
        if w in lex.thing_nouns:
            np.head, np.head_class, np.end = j, "thing", j + 1
            break
        if (
            w in _NP_NEUTRAL_PARTICIPLES
            and j + 1 < n
            and tokens[j + 1].sent == sent
            and (
                mi.get(j + 1) is not None
                or (
                    tokens[j + 1].is_alpha
                    and not _is_predicate_word(tokens[j + 1].lower, lex)
                    and tokens[j + 1].lower not in _NP_STOPS
                )
            )
        ):
            j += 1
            continue
        if w in _NP_STOPS or not t.is_alpha or _is_predicate_word(w, lex):
            break
        if w.endswith("ed") and w not in lex.np_modifiers:
            break  # a past-tense verb ("about 2,000 gathered"), not a noun
        last_alpha = j
        j += 1
    if np.head is None and last_alpha is not None:
        np.head, np.head_class, np.end = last_alpha, "unknown", last_alpha + 1
    if np.head is not None:
        # "<people> of/from/loyal to <group>", "<people> of <place>"
        end, _ = match_any(tokens, np.end, lex.actor_links)
        if end >= 0:
            if end < n and tokens[end].lower == "the":
                end += 1
            m = mi.get(end)
            if m is not None and _etype(m) == "armed_group" and np.actor is None:
                np.actor = m
            elif m is not None and _etype(m) == "location" and np.location is None:
                np.location = m
    return np


def _plural_noun(tok: Token) -> bool:
    """A lower-case word that looks like a plural noun ("reasons"), not an adjective or a name."""
    w = tok.text
    return w.islower() and len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "ous", "us", "is"))


def _coordination(tokens: Sequence[Token], j: int, lex: Lexicon) -> int:
    """End of "men, women, and children": extend over coordinated person nouns."""
    end = j
    n = len(tokens)
    for _ in range(3):
        k = end
        if k < n and tokens[k].text == ",":
            k += 1
        if k < n and tokens[k].lower in ("and", "or"):
            k += 1
        if k == end or k >= n:
            break
        w = tokens[k].lower
        if (
            _person_class(tokens[k], lex) is not None
            and tokens[k].sent == tokens[j - 1].sent
            and w not in lex.transitive_predicates
            and w not in lex.np_modifiers
        ):
            end = k + 1
        else:
            break
    return end


def _skip_parenthetical(tokens: Sequence[Token], j: int) -> int:
    n = len(tokens)
    if j >= n:
        return j
    opener = tokens[j].text
    if opener == "," and _is_part_aside(tokens, j + 1):
        # "33 people, among them 12 soldiers and 4 farmers, were killed last week"
        for k in range(j + 1, min(n, j + 16)):
            if tokens[k].sent != tokens[j].sent:
                break
            if tokens[k].text == ",":
                return k + 1
        return j
    if opener in DASHES or opener == "(":
        closer = ")" if opener == "(" else opener
        for k in range(j + 1, min(n, j + 14)):
            if tokens[k].sent != tokens[j].sent:
                break
            if tokens[k].text == closer or (closer in DASHES and tokens[k].text in DASHES):
                return k + 1
    return j


def _is_part_aside(tokens: Sequence[Token], j: int) -> bool:
    end, _ = match_any(tokens, j, load_lexicon().part_of_cues)
    return end >= 0


def _post_predicate(
    tokens: Sequence[Token], start: int, q_starts: Sequence[int], lex: Lexicon, mi: dict[int, Any]
) -> tuple[tuple[str, int, int] | None, tuple[str, int, int] | None]:
    """(strong, weak) predicate cues after a noun phrase: (category, first token, end token).
    The window ends at the clause's end or the next quantity (after skipping a "– including M –" aside)."""
    n = len(tokens)
    if start >= n:
        return None, None
    sent = tokens[min(start, n - 1)].sent
    j = _skip_parenthetical(tokens, start)
    stop = _next_start(q_starts, j, n)
    for _ in range(2):
        # "106 protesters in 21 cities have been killed": a number of places inside a locative phrase
        # does not end the window
        if (
            j < stop < n - 1
            and tokens[stop - 1].lower in ("in", "across", "at", "from")
            and tokens[stop].is_number
            and tokens[stop + 1].lower in lex.thing_nouns
        ):
            stop = _next_start(q_starts, stop + 2, n)
    aux = False
    weak = None
    steps = 0
    while j < n and j < stop and steps < 10:
        t = tokens[j]
        if t.sent != sent or t.text in (";", ":", "!", "?", ".") or (t.text in QUOTES and t.space_before):
            break
        if steps == 0 and t.lower in ("and", "with") and j + 1 < n:
            # "1,000 fighters and their families were evacuated": skip the coordinated noun phrase
            k = j + 1
            while k < min(n, j + 4) and tokens[k].is_alpha and not _is_predicate_word(tokens[k].lower, lex):
                k += 1
            if k > j + 1 and k < n and tokens[k].lower in lex.passive_auxiliaries:
                j = k
                steps += 1
                continue
        compound = not t.space_before and j > 0 and tokens[j - 1].text in DASHES  # "(IS)-held areas"
        end, k = match_any(tokens, j, [p for p, _ in lex.post_strong])
        if end >= 0 and not compound:
            phrase, cat = lex.post_strong[k]
            if weak is not None and not aux:
                break  # the clause's verb was the weak one; a later participle belongs to another noun
            if len(phrase) == 1 and phrase[0] in lex.transitive_predicates:
                passive = aux or steps == 0
                obj = (
                    end < n
                    and tokens[end].sent == sent
                    and (
                        tokens[end].lower in _OBJECT_STARTERS
                        or tokens[end].is_number
                        or _person_class(tokens[end], lex) is not None
                        or (mi.get(end) is not None and _etype(mi[end]) != "location")
                    )
                )
                if passive and not obj:
                    return (cat, j, end), weak
                break  # an active verb: this noun phrase is its agent
            return (cat, j, end), weak
        end, k = match_any(tokens, j, [p for p, _ in lex.post_weak])
        if end >= 0 and lex.post_weak[k][1] == "fighters" and _unarmed_object(tokens, end, lex, mi):
            end = -1  # "the two will fight the charges": a verb of fighting with an unarmed object
        if end >= 0 and weak is None and not compound:
            weak = (lex.post_weak[k][1], j, end)
            aux = False
        elif t.lower in lex.passive_auxiliaries:
            aux = True
        elif t.lower in lex.clause_stops:
            break
        steps += 1
        j += 1
    return None, weak


def _unarmed_object(tokens: Sequence[Token], j: int, lex: Lexicon, mi: dict[int, Any]) -> bool:
    """Does a determiner and a plain noun follow a fighting verb ("fight the charges", "fought a
    lawsuit"), rather than a group, a force or an armed person ("fought the army", "fight the rebels")?"""
    n = len(tokens)
    if j + 1 >= n or tokens[j].lower not in ("the", "a", "an", "this", "that", "these", "those", "their"):
        return False
    nxt = tokens[j + 1]
    if nxt.sent != tokens[j].sent or mi.get(j + 1) is not None or nxt.is_capitalised:
        return False
    w = nxt.lower
    return not (
        w in lex.person_nouns
        or w in lex.group_anaphors
        or w in lex.military_unit_words
        or w in lex.strength_nouns
        or w in ("regime", "government", "enemy", "occupation", "invaders", "war")
    )


def _next_start(q_starts: Sequence[int], j: int, n: int) -> int:
    import bisect

    k = bisect.bisect_left(q_starts, j)
    return q_starts[k] if k < len(q_starts) else n


_COMPANY = (("together", "with"), ("along", "with"))


def _pre_predicate(
    tokens: Sequence[Token], q: Quantity, lex: Lexicon, mi: dict[int, Any] | None = None
) -> tuple[str, int] | None:
    """Category cue right before the quantity ("killing 25", "released 50", "the deaths of 12"), also
    across "together with" and across a named person coordinated before the count ("killed the group's
    commander Abu X and four of his aides")."""
    end = q.start
    start, _ = match_ending_at(tokens, end, _TOTAL_OF)
    if start >= 0:
        end = start  # "killed a total of 346 people"
    start, _ = match_ending_at(tokens, end, _COMPANY)
    if start >= 0:
        end = start  # "was repatriated together with 12 women"
        # "He was killed on Monday evening, together with three of his bodyguards": the clause's verb
        # may stand a few words before, with only a time phrase and a comma between
        for k in range(start - 1, max(-1, start - 8), -1):
            if tokens[k].sent != tokens[q.start].sent or tokens[k].text in (";", ":", "."):
                break
            hit, idx = match_ending_at(tokens, k + 1, [p for p, _ in lex.pre_predicates])
            if hit >= 0:
                return lex.pre_predicates[idx][1], hit
    elif mi is not None and end >= 2 and tokens[end - 1].lower == "and" and mi.get(end - 2) is not None:
        k = _mention_start(end - 2, mi)
        pres = [p for p, _ in lex.pre_predicates]
        for _ in range(4):  # the person's title: "senior official", "<group> commander"
            if match_ending_at(tokens, k, pres)[0] >= 0:
                break
            if k > 0 and mi.get(k - 1) is not None:
                k = _mention_start(k - 1, mi)
            elif k > 0 and tokens[k - 1].is_alpha and tokens[k - 1].lower not in _NP_STOPS:
                k -= 1
            else:
                break
        if match_ending_at(tokens, k, pres)[0] >= 0:
            end = k
    for _ in range(3):
        start, k = match_ending_at(tokens, end, [p for p, _ in lex.pre_predicates])
        if start >= 0 and tokens[start].sent == tokens[q.start].sent:
            return lex.pre_predicates[k][1], start
        if end - 1 >= 0 and tokens[end - 1].lower in _PRE_FILLERS:
            end -= 1
            continue
        break
    # "the death toll from the attack rose to 45"
    if q.start > 0 and tokens[q.start - 1].lower in ("to", "at", "of", "reached", "hit", "is", "was"):
        for k in range(q.start - 2, max(-1, q.start - 10), -1):
            t = tokens[k]
            if t.sent != tokens[q.start].sent or t.text in (",", ";", ":"):
                break
            if t.lower in ("toll", "tolls"):
                return "killed", k
    return None


def _back_noun(
    tokens: Sequence[Token], q: Quantity, lex: Lexicon, mi: dict[int, Any]
) -> tuple[str, Any] | None:
    """For a number with no noun ("estimates of X fighters ... between 100 and 2,000"): the person noun
    earlier in the same clause, and the armed group right before it."""
    sent = tokens[q.start].sent
    for k in range(q.start - 1, max(-1, q.start - 12), -1):
        t = tokens[k]
        if t.sent != sent or t.text in (",", ";", ":", "(", ")") or t.text in DASHES:
            return None
        if mi.get(k) is not None:
            continue
        cls = _person_class(t, lex)
        if cls in CATEGORIES or cls == "generic":
            actor = None
            if k > 0 and mi.get(k - 1) is not None and _etype(mi[k - 1]) == "armed_group":
                actor = mi[k - 1]
            return cls, actor
    return None


def _not_a_figure(tokens: Sequence[Token], q: Quantity, np: _NP, lex: Lexicon) -> bool:
    """Years, dates, clock times, ordinals, ages, labels and page furniture."""
    n = len(tokens)
    cs, ce = q.core_start, q.end
    first = tokens[cs]
    nums = [tokens[i] for i in q.number_tokens]
    head_person = np.head_class not in (None, "thing", "unknown", "pronoun")
    if nums and all(_YEAR_RE.match(t.text) for t in nums) and not head_person:
        return True
    if any(sum(ch.isdigit() for ch in t.text.split(".")[0]) > 9 for t in nums):
        return True
    prev = tokens[cs - 1] if cs > 0 else None
    nxt = tokens[ce] if ce < n else None
    if first.text[:1].isdigit():
        # a number glued to letters is a code, a model name or a handle ("i9", "64GB", "3440x1440",
        # "the 1990s"), unless the letters are a scale or a unit ("1.5m", "10km")
        if prev is not None and prev.is_alpha and not first.space_before:
            return True
        if (
            nxt is not None
            and nxt.is_alpha
            and not nxt.space_before
            and nxt.lower not in _ORDINAL_SUFFIXES
            and nxt.lower not in lex.scales
            and nxt.lower not in lex.scale_suffixes
            and nxt.lower not in _unit_words(lex)
        ):
            return True
        # a bare number in parentheses or brackets is a citation or a footnote mark ("... overeating (3).")
        if (
            np.head is None
            and prev is not None
            and prev.text in ("(", "[")
            and nxt is not None
            and nxt.text in (")", "]")
            and q.start == cs
        ):
            return True
        # a number right before another number names a model ("400 737 jets"), not a count
        if nxt is not None and nxt.is_number and nxt.sent == first.sent and q.kind == "digits":
            return True
    if (
        first.is_number
        and nxt is not None
        and nxt.lower in ("and", "or", "to", "-", "–")
        and ce + 2 < n
        and tokens[ce + 1].is_number
        and tokens[ce + 2].lower in lex.month_names
        and tokens[ce + 2].is_capitalised
    ):
        return True  # "on 8 and 12 November": a day listed before its month
    if _DIGIT_RANGE_RE.match(first.text) and not first.is_number:
        # "18-24 November": a range of days
        if nxt is not None and nxt.lower in lex.month_names and nxt.is_capitalised:
            return True
    # "the one on which ...", "every one of": the pronoun, not a number
    if (
        q.single_value == 1
        and first.lower == "one"
        and prev is not None
        and prev.lower in ("the", "this", "that", "every", "any", "each", "no", "which", "another")
    ):
        return True
    if first.is_number:
        if prev is not None and prev.lower in lex.month_names and prev.is_capitalised:
            return True
        if (
            cs > 1
            and prev is not None
            and prev.text == "."
            and tokens[cs - 2].lower in lex.month_names
            and tokens[cs - 2].is_capitalised
        ):
            return True
        if nxt is not None and nxt.lower in lex.month_names and nxt.is_capitalised:
            return True
        if nxt is not None and not nxt.space_before and nxt.lower in _ORDINAL_SUFFIXES:
            return True
        if nxt is not None and nxt.text in (":", "/") and not nxt.space_before:
            return True
        if prev is not None and prev.text in (":", "/", "#", "№") and not first.space_before:
            return True
        if nxt is not None and nxt.lower.rstrip(".") in _CLOCK:
            return True
        if (
            prev is not None
            and prev.lower.rstrip(".") in _LABEL_WORDS
            and not (cs > 1 and tokens[cs - 2].lower in _MODALS)  # "they may number 4,000"
        ):
            return True
        # "iPhone 11", "PlayStation 4": a word with a capital inside it names a product and its version
        if (
            prev is not None
            and q.start == cs
            and prev.is_alpha
            and prev.sent == first.sent
            and any(ch.isupper() for ch in prev.text[1:])
            and not prev.text.isupper()
            and not prev.lower.endswith(("'s", "’s"))  # "WeWork's 12,000 employees": a possessive
            and not any(ch in prev.text for ch in "-‐'’")  # "al-Qaeda", "Hay'at": names, not products
        ):
            return True
        # "Kurdistan 24", "Route 66": a capitalised word labels the number
        if (
            prev is not None
            and q.start == cs
            and prev.is_capitalised
            and prev.is_alpha
            and prev.sent == first.sent
            and tokens[prev.idx - 1].sent == prev.sent
            and prev.idx > 0
            and prev.lower not in lex.hedges
            and not head_person
        ):
            return True
    # ages: "He was 19", "she is 52" - a bare number after a pronoun and a copula
    if (
        np.head is None
        and cs >= 2
        and tokens[cs - 1].lower in ("is", "was", "'s", "am", "’s")
        and tokens[cs - 2].lower in ("he", "she", "i", "you", "who")
    ):
        return True
    # ages: "aged 26", "over the age of 13", "26 years old"
    start, _ = match_ending_at(tokens, cs, lex.age_before)
    if start >= 0:
        return True
    if np.unit == "duration" and np.end < n and tokens[np.end].lower == "old":
        return True
    if first.text.endswith("-old") or "-year" in first.lower:
        return True
    return False


def extract_figures(
    text: str,
    mentions: Sequence[Any] = (),
    *,
    excluded_spans: Sequence[tuple[int, int]] = (),
    doc: Any = None,
) -> list[Figure]:
    """Every count of people in text (and `other` quantities with a unit), sorted by start."""
    if not isinstance(text, str) or not text:
        return []
    lex = load_lexicon()  # a broken lexicon file is a configuration error: let it raise
    # An error on a document raises: the figures asset quarantines that document with the error, rather
    # than the document silently losing its figures.
    return _extract(text, mentions or (), excluded_spans or (), lex)


def _excluded(tok_start: int, tok_end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(s < tok_end and tok_start < e for s, e in spans)


def _extract(
    text: str, mentions: Sequence[Any], excluded_spans: Sequence[tuple[int, int]], lex: Lexicon
) -> list[Figure]:
    tokens = tokenize(text)
    mi = _mention_index(tokens, mentions)
    spans = [(int(s), int(e)) for s, e in excluded_spans]
    quantities: list[Quantity] = []
    i = 0
    n = len(tokens)
    while i < n:
        q = match_quantity(tokens, i, lex)
        if q is None:
            i += 1
            continue
        if any(mi.get(k) is not None for k in range(q.core_start, q.end)) or _excluded(
            tokens[q.start].start, tokens[q.end - 1].end, spans
        ):
            i = q.end
            continue
        quantities.append(q)
        i = q.end
    cands: list[_Cand] = []
    q_starts = [q.start for q in quantities]
    line_list = layout.lines(tokens, lex)
    runs = layout.place_runs(tokens, mi)
    run_at = {num: (ri, start, place) for ri, run in enumerate(runs) for start, num, place in run}
    run_groups: list[list[_Cand]] = [[] for _ in runs]
    for q in quantities:
        if q.core_start in run_at and q.start == q.core_start and q.qualifier == "exact":
            ri, start, place = run_at[q.core_start]
            c = _run_item(tokens, q, start, place)
            if c is not None:
                run_groups[ri].append(c)
                cands.append(c)
            continue
        c = _candidate(tokens, q, q_starts, lex, mi)
        if c is not None:
            cands.append(c)
    _resolve_cases(cands)
    _resolve_lists(tokens, cands, line_list, run_groups, lex, mi)
    _resolve_pending(tokens, cands, mi)
    cands = _drop_pending(cands)
    _share_coordinated_verb(tokens, cands)
    _attach_locations(tokens, cands, quantities, lex, mi)
    _link_parts(tokens, cands, lex)
    _link_anaphoric_parts(tokens, cands, lex)
    _link_report_parts(tokens, cands, lex, mi)
    _link_default_parts(tokens, cands)
    _link_siblings(tokens, cands)
    _back_referenced_totals(tokens, cands, lex)
    _attach_actors(tokens, cands, lex, mi)
    _inherit_from_whole(cands)
    _mark_repeats(tokens, cands, text)
    return _to_figures(text, tokens, cands)


def _candidate(
    tokens: Sequence[Token], q: Quantity, q_starts: Sequence[int], lex: Lexicon, mi: dict[int, Any]
) -> _Cand | None:
    np = _noun_phrase(tokens, q, lex, mi)
    if _not_a_figure(tokens, q, np, lex):
        return None
    if (
        q.start > 0
        and tokens[q.start - 1].text in lex.money_symbols
        or (q.start > 1 and tokens[q.start - 1].text == "$" and tokens[q.start - 2].lower == "us")
    ):
        np.unit = "money"
    is_one = q.single_value == 1 and q.qualifier == "exact"
    if np.unit is not None:
        if is_one:
            return None
        return _Cand(q, q.start, np.end, "other", np.unit, np, False, False)
    pre = _pre_predicate(tokens, q, lex, mi)
    post_start = np.end if np.head_class not in (None, "unknown") else q.end
    strong, weak = _post_predicate(tokens, post_start, q_starts, lex, mi)
    cls = np.head_class
    if cls == "generic" and match_any(tokens, np.end, lex.source_phrases)[0] >= 0:
        cls = "nonfig"  # "two people familiar with the matter": the sources of a report
    category: str | None = None
    source = None
    back_actor = None
    default = False
    strong_cat = np.modifier_cat or (pre[0] if pre else None) or (strong[0] if strong else None)
    if cls == "thing" and not np.scare and np.head is not None and tokens[np.head].lower in lex.case_nouns:
        cls = "case"
    if cls == "unknown" and not np.scare and not strong_cat and np.head is not None:
        # "100 arrests", "45 killings": a plural event noun counts the people it happened to
        word = tokens[np.head].lower
        if word.endswith("s") and word in lex.topic_words:
            cls = "event"
    if cls == "thing" or np.scare:
        if is_one:
            return None
        return _Cand(q, q.start, np.end, "other", "count", np, False, False)
    if strong_cat is None and np.head is not None:
        head_cat = lex.person_nouns.get(tokens[np.head].lower)
        if (cls == "generic" or head_cat == "fighters") and _after_word(tokens, q, lex.loss_verbs):
            strong_cat = "killed"  # "<unit> lost nine soldiers"
        elif cls == "generic" and _arrival(tokens, q, lex, mi):
            strong_cat = "displaced"  # "the camp received 4,100 people"
    frame = _frame_unit(tokens, q, np, lex)
    if frame is not None and not strong_cat:
        if is_one:
            return None
        return _Cand(q, q.start, max(np.end, q.end), "other", frame, np, False, False)
    if cls in CATEGORIES:
        category = strong_cat or cls
    elif cls == "event":
        category = lex.topic_words[tokens[np.head].lower]
    elif cls == "case":
        category = strong_cat or _case_topic(tokens, np.end, lex)
        if category is None and not (np.end < len(tokens) and tokens[np.end].lower == "of"):
            category = _CASE  # "60 cases": the report's topic; "40 cases of cholera": no people
    elif cls == "generic":
        category = strong_cat or (weak[0] if weak else None)
        if category is None and np.head is not None and _armed_context(tokens, q, np, lex, mi):
            category = "fighters"  # "the group fields 5,000 men", "his unit was down to 40 men"
        default = category is None
        category = category or "population"
    elif cls == "nonfig":
        category = strong_cat
        if category is None and _after_part_cue(tokens, q, lex):
            category = _PENDING  # "12 killed, including two senior leaders": the whole's people
    elif cls == "unknown":
        word = tokens[np.head].lower if np.head is not None else ""
        if strong_cat in ("killed", "wounded", "missing") or (
            strong_cat not in (None, "population")
            and (
                any(word.endswith(s) for s in lex.person_suffixes)
                or (tokens[np.head].is_capitalised and word.endswith("s"))  # a people: "Uighurs", "Kurds"
            )
        ):
            category = strong_cat
    else:  # no noun, or a pronoun ("25 of them")
        if strong_cat:
            category = strong_cat
        else:
            back = _back_noun(tokens, q, lex, mi) if cls is None else None
            if back is not None:
                bcls, back_actor = back
                category = bcls if bcls in CATEGORIES else (weak[0] if weak else "population")
            elif weak is not None:
                category = weak[0]
    if (
        category is None
        and (not is_one or _one_of_them_a_person(tokens, np, lex))
        and (cls in (None, "pronoun") or (cls == "unknown" and _after_part_cue(tokens, q, lex)))
    ):
        # "and Germany four", "20 of them in Homs and 9 in Idlib", "nine of them children": the category
        # comes from an antecedent figure (resolved in _resolve_pending, dropped when there is none)
        category = _PENDING
    if category is None:
        if is_one or cls is None or cls == "pronoun":
            return None
        unit = "people" if cls == "nonfig" else "count"
        return _Cand(q, q.start, np.end, "other", unit, np, False, False)
    if is_one and (not strong_cat or cls == "unknown") and category != _PENDING:
        return None
    source = "pre" if (pre and strong_cat == pre[0] and not np.modifier_cat) else None
    start = pre[1] if source == "pre" and np.head is None else q.start
    end = np.end if np.head is not None else q.end
    if np.head is None and strong is not None and strong[2] - q.end <= 8:
        end = max(end, strong[2])
    c = _Cand(
        q, start, max(end, q.end), category, None, np, bool(strong_cat), cls in CATEGORIES or bool(strong_cat)
    )
    c.pending = category == _PENDING
    c.default = default
    if cls == "case":
        c.case, c.own_specific = True, True
    if pre is not None and pre[0] == category:
        c.pre_start = pre[1]
    c.actor = np.actor or back_actor or _join_actor(tokens, np.end, q_starts, lex, mi)
    owner = _possessor(tokens, q, lex, mi)
    if owner is not None and _etype(owner) == "location" and category == "fighters":
        c.blocked.add(id(owner))  # "<country>, which keeps 900 soldiers abroad": the owner, not the place
    if c.actor is None and category == "fighters" and owner is not None:
        c.actor = owner
    if c.actor is not None and _etype(c.actor) != "armed_group":
        c.actor = None
    c.location = np.location
    c.sentence_words = _sentence_words(tokens, tokens[q.start].sent, q.start)
    return c


def _run_item(tokens: Sequence[Token], q: Quantity, start: int, place: Any) -> _Cand | None:
    """A count in a run of place-number pairs ("Hama 40, Homs 35"): its category comes from the label,
    the heading or the total the run breaks down (`_resolve_lists`); the place is its location."""
    if q.single_value is None or _YEAR_RE.match(tokens[q.core_start].text):
        return None
    end = q.end + 1 if q.end < len(tokens) and tokens[q.end].text == ")" else q.end
    c = _Cand(q, start, end, _PENDING, None, _NP(end=end), False, False)
    c.pending, c.list_item, c.location = True, True, place
    c.sentence_words = _sentence_words(tokens, tokens[q.start].sent, q.start)
    return c


def _value(c: _Cand) -> float:
    """A figure's size for sums and comparisons: its value, else its low bound, else its high bound."""
    q = c.q
    for v in (q.value, q.low, q.high):
        if v is not None:
            return float(v)
    return 0.0


def _resolve_lists(
    tokens: Sequence[Token],
    cands: list[_Cand],
    line_list: Sequence[Line],
    run_groups: list[list[_Cand]],
    lex: Lexicon,
    mi: dict[int, Any],
) -> None:
    """Counts in a report's lists. A count right after a label's colon ("Deaths recorded: 380",
    "Marj district: some 9,000 people") or in a place run takes the category the label names, else
    (in a bullet list) the one its heading names ("DISPLACED PEOPLE BY AREA"), when it has none of its own
    (a bare number, or generic people with no cue); a label's place is its location. The items of a run or
    of a bullet list are parts of the total they add up to, or - when their category came from a label or
    heading - of the first earlier figure of that category at least as large as their sum."""
    for c in cands:
        li = layout.line_index(line_list, c.q.start)
        line = line_list[li]
        after_label = line.colon is not None and c.start > line.colon
        labelled = after_label and (c.q.start == line.colon + 1 or c.list_item)
        if not labelled and not c.list_item:
            continue
        if labelled and c.location is None:
            c.location = _first_place(line.first, line.colon, mi)
            if c.location is not None:
                c.location_after = True
        if not (c.pending or c.default):
            continue
        topic = layout.label_topic(tokens, line, lex) if after_label else None
        if topic is None and (line.bullet or c.list_item):
            topic = layout.heading_topic(tokens, line_list, li, lex)
        if topic is not None:
            c.category, c.pending, c.default, c.topic = topic, False, False, True
            c.list_item = True
    groups = [g for g in run_groups if len(g) >= 2]
    seen_blocks: set[int] = set()
    for li, line in enumerate(line_list):
        if not line.bullet or li in seen_blocks:
            continue
        block = layout.list_block(line_list, li)
        seen_blocks.update(block)
        items = []
        for bj in block:
            bl = line_list[bj]
            first = bl.colon + 1 if bl.colon is not None else bl.first
            here = [
                c
                for c in cands
                if first <= c.q.start < bl.end
                and c.category != "other"
                and (not c.list_item or c.q.start == first)
            ]
            if here:
                items.append(here[0])
        if len(items) >= 2:
            groups.append(items)
    position = {id(c): i for i, c in enumerate(cands)}
    for group in groups:
        items = [c for c in group if c.part_of is None]
        if len(items) < 2:
            continue
        total = sum(_value(c) for c in items)
        first = min(position[id(c)] for c in items)
        earlier = [
            i
            for i in range(first)
            if cands[i].category not in ("other", _PENDING, _CASE) and cands[i].part_of is None
        ]
        cats = {c.category for c in items if c.category != _PENDING}
        sums = [i for i in earlier if _value(cands[i]) == total and (not cats or cats == {cands[i].category})]
        whole = sums[0] if sums else None
        if whole is None and len(cats) == 1 and all(c.topic for c in items):
            cat = next(iter(cats))
            whole = next((i for i in earlier if cands[i].category == cat and _value(cands[i]) >= total), None)
        if whole is None:
            continue
        for c in items:
            c.part_of = whole
            if c.pending:
                c.category, c.pending = cands[whole].category, False


def _first_place(lo: int, hi: int, mi: dict[int, Any]) -> Any:
    """The first location mention in tokens [lo, hi)."""
    for k in range(lo, hi):
        m = mi.get(k)
        if m is not None and _etype(m) == "location":
            return m
    return None


def _after_word(tokens: Sequence[Token], q: Quantity, words: frozenset[str]) -> bool:
    """Does one of `words` stand right before the quantity (across "another", "a further" ...)?"""
    k = q.start - 1
    while k >= 0 and tokens[k].lower in _PRE_FILLERS and k > q.start - 3:
        k -= 1
    return k >= 0 and tokens[k].lower in words and tokens[k].sent == tokens[q.start].sent


def _arrival(tokens: Sequence[Token], q: Quantity, lex: Lexicon, mi: dict[int, Any]) -> bool:
    """ "<place> received N people", "the camp took in N": a place or a place-class noun right before an
    arrival verb right before the quantity."""
    k = q.start
    while k > 0 and tokens[k - 1].lower in _PRE_FILLERS and k > q.start - 2:
        k -= 1
    start, _ = match_ending_at(tokens, k, lex.arrival_verbs)
    if start <= 0 or tokens[start].sent != tokens[q.start].sent:
        return False
    j = start - 1
    if j > 0 and tokens[j].lower in ("has", "have", "had"):
        j -= 1
    m = mi.get(j)
    return (m is not None and _etype(m) == "location") or tokens[j].lower in lex.place_class_nouns


def _one_of_them_a_person(tokens: Sequence[Token], np: _NP, lex: Lexicon) -> bool:
    """ "one of them a child": a single person singled out of a count in the same sentence."""
    n = len(tokens)
    j = np.end
    return (
        np.head_class == "pronoun"
        and j + 1 < n
        and tokens[j].lower in ("a", "an")
        and _person_class(tokens[j + 1], lex) is not None
        and tokens[j + 1].sent == tokens[j].sent
    )


def _case_topic(tokens: Sequence[Token], j: int, lex: Lexicon) -> str | None:
    """ "cases of (unlawful) arrest or abduction": the category the first topic word after "of" names."""
    n = len(tokens)
    if j >= n or tokens[j].lower != "of":
        return None
    for k in range(j + 1, min(n, j + 5)):
        if tokens[k].sent != tokens[j].sent or not tokens[k].is_alpha:
            break
        cat = lex.topic_words.get(tokens[k].lower)
        if cat is not None:
            return cat
    return None


def _resolve_cases(cands: list[_Cand]) -> None:
    """ "45 cases" without a topic of its own counts what the report's earlier "cases of <topic>" counted;
    with none before it, cases are a count of things (`other`)."""
    topic = None
    for c in cands:
        if not c.case:
            continue
        if c.category != _CASE:
            topic = c.category
        elif topic is not None:
            c.category, c.topic = topic, True
        else:
            c.category, c.unit, c.case = "other", "count", False


def _frame_unit(tokens: Sequence[Token], q: Quantity, np: _NP, lex: Lexicon) -> str | None:
    """A frame before the number that makes it other than a count of people present: a capacity ("a hall
    seating 500") or the size of a family ("a father of three", "her two sons")."""
    if match_ending_at(tokens, q.start, lex.capacity_cues)[0] >= 0:
        return "capacity"
    start, k = match_ending_at(tokens, q.start, lex.kinship_cues)
    if start >= 0 and tokens[start].sent == tokens[q.start].sent:
        possessive = len(lex.kinship_cues[k]) == 1
        head = tokens[np.head].lower if np.head is not None else None
        if (head in lex.kinship_nouns) if possessive else (head is None or head in lex.kinship_nouns):
            return "people"
    return None


def _armed_context(tokens: Sequence[Token], q: Quantity, np: _NP, lex: Lexicon, mi: dict[int, Any]) -> bool:
    """Are generic "men" counted as an armed force: an armed group or a military-unit word earlier in
    the clause ("HTS's strength at 10,000 men", "a faction which now counts 2,000 men")?"""
    if np.head is None or tokens[np.head].lower not in lex.armed_context_nouns:
        return False
    sent = tokens[q.start].sent
    for k in range(q.start - 1, max(-1, q.start - 12), -1):
        t = tokens[k]
        if t.sent != sent or t.text in (";", ":"):
            break
        m = mi.get(k)
        if (m is not None and _etype(m) == "armed_group") or t.lower in lex.military_unit_words:
            return True
    return False


def _after_part_cue(tokens: Sequence[Token], q: Quantity, lex: Lexicon) -> bool:
    """Does a part-of cue ("including", "among them") stand right before the quantity?"""
    start, _ = match_ending_at(tokens, q.start, lex.part_of_cues)
    return start >= 0 and tokens[start].sent == tokens[q.start].sent


def _join_actor(
    tokens: Sequence[Token], start: int, q_starts: Sequence[int], lex: Lexicon, mi: dict[int, Any]
) -> Any:
    """ "<people> joined (the ranks of) <group>"."""
    n = len(tokens)
    if start >= n:
        return None
    sent = tokens[min(start, n - 1)].sent
    j = _skip_parenthetical(tokens, start)
    stop = _next_start(q_starts, j, n)
    steps = 0
    while j < n and j < stop and steps < 12:
        t = tokens[j]
        if t.sent != sent or t.text in (";", ":", ".") or t.lower in ("but", "while", "because", "after"):
            return None
        end, _ = match_any(tokens, j, lex.actor_join_verbs)
        if end >= 0:
            for k in range(end, min(n, end + 3)):
                m = mi.get(k)
                if m is not None:
                    return m if _etype(m) == "armed_group" else None
                if tokens[k].lower not in ("the", "in", "ranks", "of", "up", "with"):
                    return None
            return None
        steps += 1
        j += 1
    return None


def _possessor(tokens: Sequence[Token], q: Quantity, lex: Lexicon, mi: dict[int, Any]) -> Any:
    """ "<group> has (an estimated) 10,000 fighters" / "<group>, which has ..." / "<group>, an al-Qaeda
    faction formed in 2018 which counts 2,000 men": the mention owning the counted people (any type)."""
    start, _ = match_ending_at(tokens, q.start, lex.actor_possession_verbs)
    if start < 0:
        return None
    k = start - 1
    for _ in range(6):
        if k < 0 or tokens[k].sent != tokens[q.start].sent:
            return None
        m = mi.get(k)
        if m is not None:
            return m
        w = tokens[k].lower
        if w in ("which", "that", "who") and k > 0 and mi.get(k - 1) is None:
            if k >= 2 and tokens[k - 1].text == "," and mi.get(k - 2) is not None:
                return mi[k - 2]  # "<name>, which has ..."
            return _relative_antecedent(tokens, k, mi)
        if w not in _POSSESSOR_FILLERS:
            return None
        k -= 1
    return None


# Words between an owner and its possession verb ("X, which between them field ...").
_POSSESSOR_FILLERS = frozenset(
    ", which who that now reportedly still already between them together jointly combined also currently "
    "probably perhaps".split()
)


def _relative_antecedent(tokens: Sequence[Token], k: int, mi: dict[int, Any]) -> Any:
    """The name a relative pronoun at token k refers to when an apposition stands between them:
    "<name> (<alias>), a <description> ... which": the mention right before the apposition's comma."""
    j = k - 1
    sent = tokens[k].sent
    while j > 0 and tokens[j].sent == sent and k - j < 16:
        if tokens[j].text == "," and tokens[j + 1].lower in ("a", "an", "the"):
            e = j - 1
            if e >= 0 and tokens[e].text == ")":
                while e >= 0 and tokens[e].text != "(" and tokens[e].sent == sent:
                    e -= 1
                e -= 1
            m = mi.get(e) if e >= 0 else None
            return m
        if tokens[j].text in (";", ":") or tokens[j].text in QUOTES:
            return None
        j -= 1
    return None


def _kind(m: Any) -> str | None:
    """The knowledge-base kind of a mention's entity (camp, town, country ...), None when unknown."""
    k = getattr(m, "entity_kind", None)
    return k.lower() if isinstance(k, str) and k else None


def _mention_start(j: int, mi: dict[int, Any]) -> int:
    m = mi[j]
    while j > 0 and mi.get(j - 1) is m:
        j -= 1
    return j


def _governing_prep(tokens: Sequence[Token], k: int, lex: Lexicon, mi: dict[int, Any]) -> str | None:
    """The locative preposition the location mention starting at token k is the object of ("in", "near"),
    "" when the mention opens its sentence, None when it is not in a locative phrase. Between the
    preposition and the name: fillers ("the northern countryside of"), other names, and after "of" up to
    three words of a noun phrase ("near the main square of X", "to villages south of X")."""
    j = k - 1
    of_budget = -1
    for _ in range(10):
        if j < 0 or tokens[j].sent != tokens[k].sent:
            return ""
        w = tokens[j].lower
        if w in lex.locative_prepositions:
            return w
        m = mi.get(j)
        if m is not None and _etype(m) == "location":
            j -= 1
            continue
        if w == "of" and of_budget < 0:
            of_budget = 3
            j -= 1
            continue
        if w in lex.location_fillers or (tokens[j].is_capitalised and tokens[j].is_alpha):
            j -= 1
            continue
        if of_budget > 0 and tokens[j].is_alpha and w not in _NP_STOPS and not _is_predicate_word(w, lex):
            of_budget -= 1
            j -= 1
            continue
        return None
    return None


def _located(tokens: Sequence[Token], k: int, lex: Lexicon, mi: dict[int, Any]) -> bool:
    """Is the location mention starting at token k the object of a locative preposition?"""
    return _governing_prep(tokens, k, lex, mi) is not None


def _appositive_head(tokens: Sequence[Token], k: int, lex: Lexicon, mi: dict[int, Any]) -> Any:
    """ "X, a camp in Y" / "X, a border town of Y": for the place Y starting at token k, the place X the
    apposition describes (the figure is about X, Y only locates X); None when Y is not in such a phrase."""
    j = k - 1
    while j >= 0 and tokens[j].lower in lex.location_fillers and tokens[j].lower not in ("of",):
        j -= 1
    if j < 0 or tokens[j].lower not in lex.locative_prepositions and tokens[j].lower != "of":
        return None
    j -= 1
    class_noun = False
    for _ in range(5):
        if j < 0 or tokens[j].sent != tokens[k].sent or not tokens[j].is_alpha or mi.get(j) is not None:
            return None
        w = tokens[j].lower
        if w in ("a", "an"):
            break
        if w in lex.place_class_nouns:
            class_noun = True
        elif w in _NP_STOPS:
            return None
        j -= 1
    else:
        return None
    if not class_noun or j < 2 or tokens[j - 1].text != ",":
        return None
    m = mi.get(j - 2)
    return m if m is not None and _etype(m) == "location" else None


def _source_place(tokens: Sequence[Token], k: int, lex: Lexicon) -> bool:
    """Is the place at token k where a source sits ("a monitor based in Britain"), not where it happened?"""
    start, _ = match_ending_at(tokens, k, lex.source_place_cues)
    if start < 0 and k > 0 and tokens[k - 1].lower == "the":
        start, _ = match_ending_at(tokens, k - 1, lex.source_place_cues)
    return start >= 0


def _possessive_place(tokens: Sequence[Token], q: Quantity, mi: dict[int, Any]) -> Any:
    """ "Idlib's roughly 4 million residents": a place in the possessive right before the quantity."""
    k = q.start - 1
    if k >= 1 and tokens[k].lower in ("'s", "’s", "'", "’"):
        m = mi.get(k - 1)
        if m is not None and _etype(m) == "location":
            return m
    if k >= 0 and tokens[k].lower.endswith(("'s", "’s")):
        m = mi.get(k)
        if m is not None and _etype(m) == "location":
            return m
    return None


_REPATRIATION_SKIP = frozenset(
    "has have had itself themselves also already so far now recently only just , reportedly which that "
    "since then finally".split()
)


def _repatriating_place(tokens: Sequence[Token], c: _Cand, lex: Lexicon, mi: dict[int, Any]) -> Any:
    """ "<country> (has) repatriated/flew home N people": the country the people returned to."""
    if c.pre_start is None or c.category != "returned":
        return None
    k = c.pre_start - 1
    for _ in range(5):
        if k < 0 or tokens[k].sent != tokens[c.q.start].sent:
            return None
        m = mi.get(k)
        if m is not None:
            if _etype(m) == "location" and _kind(m) in lex.repatriating_kinds:
                return m
            c.blocked.add(id(m))  # a city or an agency that repatriates is the agent, not the place
            return None
        if tokens[k].lower not in _REPATRIATION_SKIP:
            return None
        k -= 1
    return None


# Words after a locative "there" that make it existential ("there were 30 fighters").
_EXISTENTIAL_NEXT = frozenset(
    "is are was were 's have has had remain remains remained seem seems seemed appear appears appeared "
    "may might could would will must should can used exist exists existed".split()
)


def _place_anaphor(
    tokens: Sequence[Token], lo: int, hi: int, lex: Lexicon, mi: dict[int, Any]
) -> tuple[int, frozenset[str] | None, bool] | None:
    """A reference to a place named earlier inside tokens [lo, hi): a locative "there", "the town" / "inside
    the camp" (a class noun not followed by its name), "its population". Returns (token index, the kinds it
    may refer to or None for any, whether it reaches back beyond its paragraph)."""
    n = len(tokens)
    for j in range(max(lo, 0), min(hi, n)):
        t = tokens[j]
        w = t.lower
        if mi.get(j) is not None:
            continue
        if w in lex.place_pronouns:
            prev = tokens[j - 1] if j > 0 and tokens[j - 1].sent == t.sent else None
            nxt = tokens[j + 1] if j + 1 < n and tokens[j + 1].sent == t.sent else None
            existential = (
                nxt is not None
                and nxt.lower in _EXISTENTIAL_NEXT
                and (prev is None or not prev.is_alpha or prev.lower in _NP_STOPS)
            )
            if not existential:
                return j, None, False
        if w in ("the", "this", "that") and j + 1 < n and tokens[j + 1].lower in lex.place_class_nouns:
            k = j + 1
            nxt = tokens[k + 1] if k + 1 < n and tokens[k + 1].sent == t.sent else None
            if mi.get(k) is not None or (
                nxt is not None and (mi.get(k + 1) is not None or nxt.lower == "of")
            ):
                continue  # "the town of X", "the camp al-Hol": the name follows
            if nxt is not None and (nxt.is_capitalised or nxt.lower in ("where", "which", "that", "who")):
                continue  # "the camp where ...": a new, not yet named place
            return k, lex.place_class_nouns[tokens[k].lower], True
        if w == "its" and j + 1 < n and tokens[j + 1].lower in lex.place_owner_nouns:
            return j, None, False
    return None


def _resolve_place_anaphor(
    tokens: Sequence[Token],
    at: int,
    kinds: frozenset[str] | None,
    wide: bool,
    lex: Lexicon,
    mi: dict[int, Any],
) -> Any:
    """The most recent place named before token `at` that the reference can mean: of a fitting kind, not
    the parent place inside an apposition ("X, a camp in Y" -> X), in the same paragraph (a class noun
    may reach back two paragraphs)."""
    breaks = 0
    j = at - 1
    steps = 0
    while j >= 0 and steps < 400:
        if tokens[j + 1].newline_before if j + 1 < len(tokens) else False:
            breaks += 1
            if breaks > (2 if wide else 0):
                return None
        m = mi.get(j)
        if m is not None:
            k = _mention_start(j, mi)
            if (
                _etype(m) == "location"
                and (kinds is None or _kind(m) in kinds)
                and _appositive_head(tokens, k, lex, mi) is None
                and not _source_place(tokens, k, lex)
                and (kinds is not None or _kind(m) != "country" or _located(tokens, k, lex, mi))
            ):
                return m
            j = k
        j -= 1
        steps += 1
    return None


def _quote_boundary(tokens: Sequence[Token], j: int) -> bool:
    """Does token j close a quoted sentence ('... in X," he said')? Places inside a quotation are not
    where a figure outside it happened."""
    return tokens[j].text in QUOTES and j > 0 and tokens[j - 1].text in (".", "!", "?", ",")


def _attach_locations(
    tokens: Sequence[Token], cands: list[_Cand], quantities: list[Quantity], lex: Lexicon, mi: dict[int, Any]
) -> None:
    n = len(tokens)
    claimed: set[int] = set()
    q_starts = sorted(q.start for q in quantities)
    at_quantity = {k: c for c in cands for k in range(c.q.start, c.q.end)}
    for c in cands:
        if c.category == "other":
            continue
        if c.location is None:
            c.location = _possessive_place(tokens, c.q, mi)
        if c.location is not None:
            continue
        sent = tokens[c.q.start].sent
        later = [s for s in q_starts if s > c.q.start]
        earlier = [s for s in q_starts if s < c.q.start]
        stop = later[0] if later else n
        repatriating = _repatriating_place(tokens, c, lex, mi)
        j = max(c.end, c.q.end)
        steps = 0
        found = None
        while j < n and j < stop and steps < 30:
            t = tokens[j]
            if t.sent != sent or t.text == ";" or t.lower in lex.attachment_stops:
                break
            m = mi.get(j)
            if m is not None:
                prep = _governing_prep(tokens, j, lex, mi) if _etype(m) == "location" else None
                origin = prep == "from" and c.category == "fighters"  # "fighters, most of them from X"
                if prep is not None and not origin and id(m) not in c.blocked:
                    if found is None:
                        found = (m, j, prep)
                        if not _coarse(m):
                            break
                    elif not _coarse(m) and prep:
                        # "in the north of <country>, in <town>": the finer restatement
                        if any(tokens[x].text == "," for x in range(found[1], j)):
                            found = (m, j, prep)
                        break
                j = _after_mention(tokens, j, mi)
                steps += 1
                continue
            j += 1
            steps += 1
        if found is not None and not (repatriating is not None and found[2] != "to"):
            m, j, _ = found
            c.location = _appositive_head(tokens, _mention_start(j, mi), lex, mi) or m
            c.location_after = True
            claimed.add(id(m))
            continue
        if repatriating is not None:
            c.location = repatriating
            continue
        j = c.q.start - 1
        floor = earlier[-1] if earlier else -1
        while j >= 0 and tokens[j].sent == sent and not _quote_boundary(tokens, j):
            prior = at_quantity.get(j)
            if prior is not None and prior is not c and prior.category != "other":
                # an earlier figure stands between: a place named before it scopes over both ("in X
                # ... the raid left two guards dead and seven hurt"); one in its own trailing phrase ("A
                # returned to X, and B remain detained") does not
                if (
                    prior.location is not None
                    and not prior.location_after
                    and id(prior.location) not in c.blocked
                ):
                    c.location = prior.location
                if prior.location is not None:
                    break  # places further back belong to the earlier figure's clause
            m = mi.get(j)
            if m is not None and _etype(m) == "location" and id(m) not in claimed and id(m) not in c.blocked:
                k = _mention_start(j, mi)
                follows_where = k < n and any(tokens[x].lower == "where" for x in range(j + 1, min(n, j + 3)))
                if (_located(tokens, k, lex, mi) or follows_where) and not _source_place(tokens, k, lex):
                    c.location = _appositive_head(tokens, k, lex, mi) or m
                    break
                j = k
            j -= 1
        if c.location is not None:
            continue
        lo = max(_sentence_start(tokens, c.q.start), floor + 1)
        for x in range(c.q.start - 1, lo - 1, -1):
            if tokens[x].text in (":", ";"):  # "a group with sources in the region gave a toll: 20 dead"
                lo = x + 1
                break
        hi = stop
        while hi > c.q.start and hi - 1 < n and tokens[hi - 1].sent != sent:
            hi -= 1
        ref = _place_anaphor(tokens, lo, hi, lex, mi)
        if ref is not None:
            at, kinds, wide = ref
            c.location = _resolve_place_anaphor(tokens, min(at, lo), kinds, wide, lex, mi)


def _coarse(m: Any) -> bool:
    """A country or a wide region: a finer place restating it in the same phrase is preferred."""
    return _kind(m) in ("country", "region")


_POSSESSIVE_PRONOUNS = frozenset("its their his her".split())
# Words before a group name that leave it in subject position ("after X drove ...", "The X said").
_SUBJECT_OPENERS = frozenset(
    "the and after when while as since but because though although before until if that , ( – — : "
    "then once meanwhile".split()
)
_GENITIVE = frozenset(("'s", "’s", "'", "’"))
_STRENGTH_LINKS = frozenset(
    "at of to is was were stands stood put puts estimated numbered reached around".split()
)


def _is_group(m: Any) -> bool:
    return m is not None and _etype(m) == "armed_group"


def _subject_groups(tokens: Sequence[Token], lo: int, hi: int, lex: Lexicon, mi: dict[int, Any]) -> list[Any]:
    """Armed-group mentions in tokens [lo, hi) in subject position: opening the sentence or a clause
    ("The X said", "after X drove"), or the genitive of a person noun there ("a commander of X was")."""
    out = []
    j = lo
    while j < hi:
        m = mi.get(j)
        if m is None:
            j += 1
            continue
        end = _after_mention(tokens, j, mi)
        if _is_group(m):
            p = j - 1
            prev = tokens[p] if p >= 0 and tokens[p].sent == tokens[j].sent else None
            if prev is None or prev.lower in _SUBJECT_OPENERS or prev.text in QUOTES:
                out.append(m)
            elif prev.lower == "of" and p >= 1 and _person_class(tokens[p - 1], lex) is not None:
                out.append(m)
        j = end
    return out


def _paragraph_subject(tokens: Sequence[Token], before: int, lex: Lexicon, mi: dict[int, Any]) -> Any:
    """The group the text is about just before token `before`: the nearest subject group earlier in the
    sentence, else the first subject group of the previous sentence in the same paragraph."""
    s0 = _sentence_start(tokens, before)
    here = _subject_groups(tokens, s0, before, lex, mi)
    if here:
        return here[-1]
    if s0 == 0 or tokens[s0].newline_before:
        return None
    p0 = _sentence_start(tokens, s0 - 1)
    prev = _subject_groups(tokens, p0, s0, lex, mi)
    return prev[0] if prev else None


def _group_reference(tokens: Sequence[Token], c: _Cand, lex: Lexicon, mi: dict[int, Any]) -> Any:
    """ "three of its fighters", "their 400 members", "the group's 900 men": a pronoun or "the group"
    standing for the group the sentence (or the one before) is about."""
    q = c.q
    n = len(tokens)
    at = None
    if q.end + 1 < n and tokens[q.end].lower == "of" and tokens[q.end + 1].lower in _POSSESSIVE_PRONOUNS:
        at = q.end + 1
    elif q.start > 0 and tokens[q.start - 1].lower in ("its", "their"):
        at = q.start - 1
    elif (
        q.start > 2
        and tokens[q.start - 1].lower in _GENITIVE
        and tokens[q.start - 2].lower in lex.group_anaphors
    ):
        at = q.start - 2
    if at is None:
        return None
    return _paragraph_subject(tokens, at, lex, mi)


def _genitive_strength(tokens: Sequence[Token], c: _Cand, lex: Lexicon, mi: dict[int, Any]) -> Any:
    """ "<group>'s strength at N", "put <group>'s numbers at N", "<group>'s N fighters", "the group's
    strength at N" (the group the paragraph is about)."""
    k = c.q.start - 1
    for _ in range(3):
        if k >= 0 and tokens[k].lower in _STRENGTH_LINKS:
            k -= 1
    if k >= 0 and tokens[k].lower in lex.strength_nouns and k < c.q.start - 1:
        k -= 1
    elif k != c.q.start - 1:
        return None
    if k < 1 or tokens[k].sent != tokens[c.q.start].sent:
        return None
    if tokens[k].lower in _GENITIVE:
        m = mi.get(k - 1)
        if _is_group(m):
            return m
        if tokens[k - 1].lower in lex.group_anaphors and k >= 2 and tokens[k - 2].lower == "the":
            return _paragraph_subject(tokens, k - 2, lex, mi)
        return None
    m = mi.get(k)
    if _is_group(m) and tokens[k].lower.endswith(("'s", "’s")):
        return m
    return None


def _membership(tokens: Sequence[Token], c: _Cand, lex: Lexicon, mi: dict[int, Any]) -> Any:
    """ "N fighters remain in <group>'s ranks", "N in the ranks of <group>", "N fighters within <group>"
    (without "ranks" only for a fighters figure: "killed in <group> attacks" names no member)."""
    n = len(tokens)
    j = max(c.np.end, c.q.end)
    sent = tokens[c.q.start].sent
    for _ in range(3):  # "remain", "still serve", "are now"
        if j < n and tokens[j].sent == sent and tokens[j].lower in lex.membership_links:
            break
        if j < n and tokens[j].sent == sent and tokens[j].is_alpha and mi.get(j) is None:
            j += 1
            continue
        return None
    else:
        return None
    if j >= n or tokens[j].lower not in lex.membership_links:
        return None
    j += 1
    ranks = False
    if match_phrase(tokens, j, ("the", "ranks", "of")) >= 0:
        j += 3
        ranks = True
    elif j < n and tokens[j].lower == "the":
        j += 1
    m = mi.get(j)
    if not _is_group(m):
        return None
    e = _after_mention(tokens, j, mi)
    if e < n and tokens[e].lower in _GENITIVE:
        e += 1
    if e < n and tokens[e].lower == "ranks":
        ranks = True
    return m if ranks or c.category == "fighters" else None


def _for_group(tokens: Sequence[Token], c: _Cand, mi: dict[int, Any]) -> Any:
    """A bare estimate "N for <the factions grouped in> <group>": the group it counts."""
    n = len(tokens)
    if c.np.head is not None or c.q.end >= n or tokens[c.q.end].lower != "for":
        return None
    for j in range(c.q.end + 1, min(n, c.q.end + 7)):
        m = mi.get(j)
        if m is not None:
            return m if _is_group(m) else None
        if not tokens[j].is_alpha or tokens[j].is_capitalised and tokens[j].lower != "the":
            return None
    return None


def _state_force_ids(mi: dict[int, Any], lex: Lexicon) -> set[str]:
    """Entities that are state forces: by knowledge-base kind, else by a name in the text ("... Army")."""
    out = set()
    for m in {id(x): x for x in mi.values()}.values():
        eid = _eid(m)
        if eid is None or not _is_group(m):
            continue
        if _kind(m) in lex.state_force_kinds:
            out.add(eid)
            continue
        words = tuple(str(getattr(m, "surface", "")).lower().replace("-", " ").split())
        if any(words[i : i + len(p)] == p for p in lex.state_force_name_words for i in range(len(words))):
            out.add(eid)
    return out


def _own_losses(tokens: Sequence[Token], c: _Cand, lex: Lexicon, mi: dict[int, Any], state: set[str]) -> Any:
    """ "<group> said/reported N soldiers (were) killed": a group reporting its own losses. A state force
    reports its soldiers and troops, a non-state group its fighters and members; a number after a
    killing verb ("said it killed 30 soldiers") is the other side's."""
    if c.category not in ("killed", "wounded", "missing", "detained") or c.pre_start is not None:
        return None
    if c.np.head is None:
        return None
    noun = tokens[c.np.head].lower
    k = c.q.start - 1
    while k >= 0 and tokens[k].lower in ("that", ","):
        k -= 1
    if (
        k < 1
        or tokens[k].lower not in lex.own_loss_reporting_verbs
        or tokens[k].sent != tokens[c.q.start].sent
    ):
        return None
    k -= 1
    while k >= 0 and tokens[k].lower in ("also", "has", "had", "have", "later", "officially"):
        k -= 1
    m = mi.get(k) if k >= 0 else None
    if not _is_group(m):
        return None
    is_state = _eid(m) in state
    if (is_state and noun in lex.own_loss_state_nouns) or (
        not is_state and noun in lex.own_loss_nonstate_nouns
    ):
        return m
    return None


def _hostile(tokens: Sequence[Token], k: int, lex: Lexicon) -> bool:
    """Is the group mention starting at token k the other side ("against X", "clashes with X")?"""
    for j in range(k - 1, max(-1, k - 4), -1):
        if tokens[j].sent != tokens[k].sent or tokens[j].text in (",", ";", ":"):
            return False
        if tokens[j].lower in lex.hostile_cues:
            return True
    return False


def _contrast_between(tokens: Sequence[Token], a: int, b: int, lex: Lexicon) -> bool:
    """Does a contrast or hostile word stand between tokens a and b ("X attacked ... 40 fighters")?"""
    lo, hi = min(a, b), max(a, b)
    return any(tokens[k].lower in lex.contrast_cues for k in range(lo + 1, hi))


def _same_noun_actor(tokens: Sequence[Token], cands: list[_Cand], c: _Cand) -> Any:
    """The group of the nearest earlier figure counting the same noun in this or the previous sentence
    of the paragraph ("300 X fighters are trapped. A commander said 1,000 fighters remain")."""
    if c.np.head is None:
        return None
    head = tokens[c.np.head].lower
    sent = tokens[c.q.start].sent
    for a in reversed(cands[: cands.index(c)]):
        a_sent = tokens[a.q.start].sent
        if a_sent < sent - 1 or not _same_paragraph(tokens, a.q.start, c.q.start):
            return None
        if a.np.head is not None and tokens[a.np.head].lower == head and a.actor is not None:
            return a.actor
    return None


def _sentence_group(
    tokens: Sequence[Token], cands: list[_Cand], c: _Cand, lex: Lexicon, mi: dict[int, Any]
) -> Any:
    """For a count of fighters with no group of its own, the group its sentence is about: a group in
    subject position before it ("after X took the town, its leader boasted of N fighters"), else the
    group of an earlier count of the same noun, else the one group the sentence names (not as the other
    side), else - when the sentence names none - the group the previous sentence is about."""
    s0 = _sentence_start(tokens, c.q.start)
    sent = tokens[s0].sent
    subjects = [
        m
        for m in _subject_groups(tokens, s0, c.q.start, lex, mi)
        if not _contrast_between(tokens, _mention_at(tokens, m, s0, mi), c.q.start, lex)
        or any(tokens[k].lower in ("its", "their") for k in range(_mention_at(tokens, m, s0, mi), c.q.start))
    ]
    if subjects:
        return subjects[-1]
    same = _same_noun_actor(tokens, cands, c)
    if same is not None:
        return same
    found: dict[str, Any] = {}
    any_group = False
    j = s0
    n = len(tokens)
    while j < n and tokens[j].sent == sent:
        m = mi.get(j)
        if m is None:
            j += 1
            continue
        if _is_group(m):
            any_group = True
            if not _hostile(tokens, j, lex) and not _contrast_between(tokens, j, c.q.start, lex) and _eid(m):
                found.setdefault(_eid(m), m)
        j = _after_mention(tokens, j, mi)
    if len(found) == 1:
        return next(iter(found.values()))
    if any_group or s0 == 0 or tokens[s0].newline_before:
        return None
    p0 = _sentence_start(tokens, s0 - 1)
    prev = _subject_groups(tokens, p0, s0, lex, mi)
    return prev[0] if prev else None


def _mention_at(tokens: Sequence[Token], m: Any, lo: int, mi: dict[int, Any]) -> int:
    """First token of mention m at or after token lo."""
    j = lo
    while j < len(tokens) and mi.get(j) is not m:
        j += 1
    return j


def _attach_actors(tokens: Sequence[Token], cands: list[_Cand], lex: Lexicon, mi: dict[int, Any]) -> None:
    """Groups a figure is about beyond its own noun phrase: genitives and memberships, pronouns, a group
    reporting its own losses, and for counts of fighters the group the sentence is about. Never the
    agent of a casualty or detention verb: those rules only read the counted people's own phrase."""
    state = _state_force_ids(mi, lex)
    for c in cands:
        if c.category == "other" or c.actor is not None:
            continue
        actor = (
            _genitive_strength(tokens, c, lex, mi)
            or _membership(tokens, c, lex, mi)
            or _group_reference(tokens, c, lex, mi)
            or _for_group(tokens, c, mi)
            or _own_losses(tokens, c, lex, mi, state)
        )
        if actor is None and c.category == "fighters" and c.part_of is None:
            actor = _sentence_group(tokens, cands, c, lex, mi)
        if _is_group(actor):
            c.actor = actor


def _sentence_start(tokens: Sequence[Token], i: int) -> int:
    while i > 0 and tokens[i - 1].sent == tokens[i].sent:
        i -= 1
    return i


def _same_paragraph(tokens: Sequence[Token], a: int, b: int) -> bool:
    """No blank-line break between tokens a < b."""
    return not any(tokens[k].newline_before for k in range(a + 1, b + 1))


def _resolve_pending(tokens: Sequence[Token], cands: list[_Cand], mi: dict[int, Any]) -> None:
    """A bare number takes the category of the people figure it continues: the nearest one before it in
    its sentence ("20 of them in Homs and 9 in Idlib", "France took back 17 children, and Germany
    four"), else the one in the previous sentence of the paragraph ("a population of 9,000 before the
    war. Today it hosts nearly 14,000"). A sibling of a part is a part of the same whole; a number
    gapped after a place ("and Germany four") is about that place. A sentence opening that names a
    category ("Of the deaths in X, 20 were civilians") gives it first."""
    lex = load_lexicon()
    for bi, b in enumerate(cands):
        if not b.pending:
            continue
        sent = tokens[b.q.start].sent
        opener = _topic_opener(tokens, _sentence_start(tokens, b.q.start), lex)
        if opener is not None and b.q.start >= opener[1]:
            b.category, b.pending, b.topic = opener[0], False, True
            b.sentence_words = _sentence_words(tokens, sent, b.q.start)
            continue
        ante = None
        for ai in range(bi - 1, -1, -1):
            a = cands[ai]
            if a.category in ("other", _PENDING):
                continue
            a_sent = tokens[a.q.start].sent
            if a_sent == sent:
                ante = a
                break
            if a_sent == sent - 1 and _same_paragraph(tokens, a.q.start, b.q.start):
                ante = a
            break
        if ante is None:
            continue
        b.category = ante.category
        b.pending = False
        b.own_specific = False
        if tokens[ante.q.start].sent == sent:
            if ante.part_of is not None:
                b.part_of = ante.part_of
            elif b.np.head_class == "pronoun":
                b.part_of = cands.index(ante)  # "nine of them": a part of the figure it refers to
            b.actor = b.actor or ante.actor
            prev = mi.get(b.q.start - 1)
            if prev is not None and _etype(prev) == "location" and b.location is None:
                b.location = prev
        b.sentence_words = _sentence_words(tokens, sent, b.q.start)


def _drop_pending(cands: list[_Cand]) -> list[_Cand]:
    keep = [i for i, c in enumerate(cands) if not c.pending]
    new = {old: k for k, old in enumerate(keep)}
    out = []
    for old in keep:
        c = cands[old]
        c.part_of = new.get(c.part_of) if c.part_of is not None else None
        out.append(c)
    return out


def _link_parts(tokens: Sequence[Token], cands: list[_Cand], lex: Lexicon) -> None:
    people = [i for i, c in enumerate(cands) if c.category != "other"]
    for pos, bi in enumerate(people):
        b = cands[bi]
        if pos == 0:
            continue
        ai = people[pos - 1]
        a = cands[ai]
        if tokens[a.q.start].sent != tokens[b.q.start].sent:
            continue
        gap_start = max(a.np.end, a.q.end)
        gap = range(gap_start, b.q.start)
        # "Idlib: 104 (31 children)", "41 people (including 12 children)": a count in brackets right
        # after a count is a part of it
        if [tokens[k].lower for k in gap] in (["("], ["(", "including"], ["(", "among", "them"]):
            b.part_of = ai
            _part_category(b, a)
            continue
        # "he was among the 2,000 evacuated": "among the N" makes N a group someone belongs to, not a part
        cue_before = any(
            match_any(tokens, k, lex.part_of_cues)[0] >= 0
            and not (tokens[k].lower == "among" and k + 2 == b.q.start and tokens[k + 1].lower == "the")
            for k in gap
        )
        cue_after = len(gap) <= 3 and match_any(tokens, b.q.end, lex.part_of_cues)[0] >= 0  # "six of them"
        # "four boys and three nurses": a sibling of a part is a part of the same whole
        sibling = (
            a.part_of is not None
            and b.part_of is None
            and len(gap) <= 6
            and not any(tokens[k].text in (",", ";") for k in gap)
            and any(tokens[k].lower in ("and", "or") for k in gap)
        )
        if sibling and not cue_before:
            b.part_of = a.part_of
            _part_category(b, cands[a.part_of])
        cue_right_before = match_ending_at(tokens, b.q.start, lex.part_of_cues)[0] >= 0
        if sibling and not cue_before:
            pass
        elif (0 <= len(gap) <= 9 or (cue_right_before and len(gap) <= 14)) and (cue_before or cue_after):
            b.part_of = ai
            if b.strong and not a.own_specific and a.np.head_class == "generic":
                a.category = b.category
            else:
                _part_category(b, a)
    # "Of the 1,490 X ..., 500 are ..., 300 are ..."
    for ai in people:
        a = cands[ai]
        s = a.q.start
        start, _ = match_ending_at(tokens, s, lex.breakdown_openers)
        if start < 0:
            continue
        opener = start
        if (
            opener > 0
            and tokens[opener - 1].sent == tokens[opener].sent
            and tokens[opener - 1].text
            not in (
                ":",
                ";",
                "–",
                "—",
            )
        ):
            continue
        comma_seen = False
        k = a.np.end
        sent = tokens[s].sent
        for bi in people:
            b = cands[bi]
            if b.q.start <= s or tokens[b.q.start].sent != sent:
                continue
            if not comma_seen:
                comma_seen = any(tokens[x].text == "," for x in range(k, b.q.start))
                if not comma_seen:
                    continue
            if b.part_of is None:
                b.part_of = ai


_EVENT_CATEGORIES = frozenset("killed wounded detained missing displaced returned".split())


def _part_category(part: _Cand, whole: _Cand) -> None:
    """A part without a predicate of its own shares what happened to the whole: "15 killed, among them six
    children" (children -> killed), "41 dead, among them 17 HTS members" (members -> killed)."""
    if part.category == whole.category or whole.category == "other":
        return
    if not part.own_specific or (not part.strong and whole.category in _EVENT_CATEGORIES):
        part.category = whole.category


_ANAPHORIC_OPENERS = (
    ("among", "those"),
    ("among", "them"),
    ("among", "these"),
    ("of", "these"),
    ("of", "those"),
    ("of", "them"),
    ("of", "the", "total"),
)


def _link_anaphoric_parts(tokens: Sequence[Token], cands: list[_Cand], lex: Lexicon) -> None:
    """Parts of a figure named in an earlier sentence: a sentence opening "Among those detained were ...",
    "Of these, ...", "Of the total displaced, ..." breaks down the previous sentence's total (with "total":
    the largest earlier figure of the category named); "N of the/these <noun>" is a part of the earlier
    figure counting the same noun ("one of the men died" after "11 wounded men")."""
    people = [i for i, c in enumerate(cands) if c.category != "other"]
    for bi in people:
        b = cands[bi]
        if b.part_of is not None:
            continue
        s0 = _sentence_start(tokens, b.q.start)
        sent = tokens[s0].sent
        earlier = [i for i in people if i < bi and tokens[cands[i].q.start].sent < sent]
        if not earlier:
            continue
        opener = None
        for phrase in _ANAPHORIC_OPENERS:
            if match_phrase(tokens, s0, phrase) >= 0:
                opener = phrase
                break
        whole = None
        if opener is not None and b.q.start - s0 <= len(opener) + 5:
            if opener[-1] == "total":
                named = _named_category(tokens, s0 + len(opener), b.q.start, lex)
                same = [i for i in earlier if cands[i].category == named and cands[i].part_of is None]
                if same:
                    whole = max(same, key=lambda i: cands[i].q.value or cands[i].q.low or 0)
            else:
                prev_sent = tokens[cands[earlier[-1]].q.start].sent
                tops = [i for i in earlier if tokens[cands[i].q.start].sent == prev_sent]
                tops = [i for i in tops if cands[i].part_of is None] or tops
                whole = tops[0]
            if whole is not None:
                named = _named_category(tokens, s0 + len(opener), b.q.start, lex)
                # every figure of the sentence is a part ("Among those held were 8 students ..., and 21 ...")
                for ci in people:
                    c = cands[ci]
                    if tokens[c.q.start].sent == sent and c.part_of is None and ci != whole:
                        c.part_of = whole
                        if named and not c.strong:
                            c.category = named
                        else:
                            _part_category(c, cands[whole])
                continue
        q = b.q
        prev_top = [
            i for i in earlier if tokens[cands[i].q.start].sent == sent - 1 and cands[i].part_of is None
        ]
        if (
            b.np.head is None
            and q.start == s0
            and not (q.end < len(tokens) and tokens[q.end].lower == "of")  # partitives: _link_report_parts
            and prev_top
            and _same_paragraph(tokens, cands[prev_top[0]].q.start, q.start)
            and (q.value or q.high or 0) < (cands[prev_top[0]].q.value or cands[prev_top[0]].q.low or 0)
        ):
            # "Some 60 villagers were abducted. Eleven were later found dead": a subset of the earlier total
            b.part_of = prev_top[0]
            continue
        if (
            q.end + 2 < len(tokens)
            and tokens[q.end].lower == "of"
            and tokens[q.end + 1].lower in ("the", "these", "those")
            and b.np.head is not None
        ):
            head = tokens[b.np.head].lower
            for ai in reversed(earlier):
                a = cands[ai]
                if (
                    a.np.head is not None
                    and tokens[a.np.head].lower == head
                    and sent - tokens[a.q.start].sent <= 3
                ):
                    if (a.q.value or a.q.high or 0) > (q.value or 0):
                        b.part_of = ai
                        if not b.strong:
                            b.category = a.category
                    break


_PARTITIVE_DETERMINERS = frozenset("the these those".split())
_INCLUDE_VERBS = frozenset("include included includes".split())
_PREDICATE_VERBS = frozenset("were was are is had have".split())


def _topic_opener(tokens: Sequence[Token], s0: int, lex: Lexicon) -> tuple[str, int] | None:
    """ "Of the deaths recorded in X, ...", "Among those detained, ...", "The dead include ...": a sentence
    opening that names the category of a total given earlier. Returns (category, end of the opener)."""
    n = len(tokens)
    sent = tokens[s0].sent
    if match_any(tokens, s0, (("of",), ("among",)))[0] >= 0 and s0 + 2 < n:
        if tokens[s0 + 1].lower not in _PARTITIVE_DETERMINERS:
            return None
        cat = _partitive_category(tokens, s0 + 2, lex)
        if cat is None:
            return None
        for k in range(s0 + 2, min(n, s0 + 14)):
            if tokens[k].sent != sent or tokens[k].is_number:
                return None
            if tokens[k].text == ",":
                return cat, k + 1
        return None
    if tokens[s0].lower == "the" and s0 + 2 < n and tokens[s0 + 2].lower in _INCLUDE_VERBS:
        cat = lex.topic_words.get(tokens[s0 + 1].lower)
        if cat is not None and tokens[s0 + 2].sent == sent:
            return cat, s0 + 3
    return None


def _partitive_category(tokens: Sequence[Token], j: int, lex: Lexicon) -> str | None:
    """What "of the deaths", "of those arrested", "of the people detained by X" count: the first topic
    word or categorised person noun among the next three words."""
    sent = tokens[j].sent if j < len(tokens) else -1
    for k in range(j, min(len(tokens), j + 3)):
        t = tokens[k]
        if t.sent != sent or not t.is_alpha:
            return None
        cat = lex.topic_words.get(t.lower) or lex.person_nouns.get(t.lower)
        if cat is not None and cat != "fighters":
            return cat
    return None


def _places_after(tokens: Sequence[Token], j: int, mi: dict[int, Any]) -> list[Any]:
    """Location mentions in the phrase restricting a partitive ("of the deaths recorded in X and Y")."""
    out: list[Any] = []
    n = len(tokens)
    k = j
    while k < n and k < j + 10 and tokens[k].sent == tokens[j].sent:
        if tokens[k].text in (",", ";", ":") or tokens[k].lower in _PREDICATE_VERBS:
            break
        m = mi.get(k)
        if m is not None:
            if _etype(m) == "location":
                out.append(m)
            k = _after_mention(tokens, k, mi)
            continue
        k += 1
    return out


def _line_start(tokens: Sequence[Token], i: int) -> int:
    while i > 0 and not tokens[i].newline_before:
        i -= 1
    return i


def _whole_for(
    tokens: Sequence[Token], cands: list[_Cand], bi: int, cat: str, places: list[Any]
) -> int | None:
    """The earlier total a part of category `cat` belongs to: with places named in the part's own phrase,
    the total about that one place (about none of them when it names several: the whole document's);
    else the first figure of the category in the part's paragraph; else the total about the part's place;
    else the first top-level total of the category. Always larger than the part and in another sentence."""
    b = cands[bi]
    size = _value(b)
    sent = tokens[b.q.start].sent
    earlier = [
        i
        for i in range(bi)
        if cands[i].category == cat and _value(cands[i]) > size and tokens[cands[i].q.start].sent != sent
    ]
    if not earlier:
        return None
    ids = {_eid(p) for p in places if _eid(p)}
    if len(ids) == 1:
        same = [i for i in earlier if _eid(cands[i].location) in ids]
        return same[0] if same else None
    if len(ids) > 1:
        top = [i for i in earlier if cands[i].part_of is None and _eid(cands[i].location) not in ids]
        return top[0] if top else None
    line0 = _line_start(tokens, b.q.start)
    here = [i for i in earlier if cands[i].q.start >= line0]
    if here:
        return here[0]
    if b.location is not None and _eid(b.location):
        same = [i for i in earlier if _eid(cands[i].location) == _eid(b.location)]
        if same:
            return same[0]
    top = [i for i in earlier if cands[i].part_of is None]
    return top[0] if top else None


def _link_report_parts(tokens: Sequence[Token], cands: list[_Cand], lex: Lexicon, mi: dict[int, Any]) -> None:
    """Parts of a total stated in an earlier sentence, as reports write them: a share ("<actor> accounted
    for 150 deaths"), a partitive naming the total's category ("20 of the deaths recorded in X", "12 of
    those arrested"), a sentence opening that names it ("Of the deaths in X, 20 were ...", "The dead
    include ..."), and a bare count opening a clause ("; several were later released")."""
    for bi, b in enumerate(cands):
        if b.part_of is not None or b.category == "other":
            continue
        s0 = _sentence_start(tokens, b.q.start)
        whole = None
        named = None
        if match_ending_at(tokens, b.q.start, lex.share_cues)[0] >= 0:
            earlier = [
                i
                for i in range(bi)
                if cands[i].category == b.category
                and cands[i].part_of is None
                and _value(cands[i]) > _value(b)
                and tokens[cands[i].q.start].sent != tokens[b.q.start].sent
            ]
            whole = earlier[0] if earlier else None
        opener = _topic_opener(tokens, s0, lex) if whole is None else None
        if opener is not None and b.q.start >= opener[1]:
            named = opener[0]
            whole = _whole_for(tokens, cands, bi, named, _places_after(tokens, s0 + 2, mi))
        q = b.q
        if (
            whole is None
            and q.end + 1 < len(tokens)
            and tokens[q.end].lower == "of"
            and tokens[q.end + 1].lower in _PARTITIVE_DETERMINERS
        ):
            named = _partitive_category(tokens, q.end + 2, lex)
            if named is not None:
                whole = _whole_for(tokens, cands, bi, named, _places_after(tokens, q.end + 2, mi))
        if (
            whole is None
            and b.np.head is None
            and (q.start == s0 or (q.start > 0 and tokens[q.start - 1].lower in (";", "that")))
        ):
            line0 = _line_start(tokens, b.q.start)
            here = [
                i
                for i in range(bi)
                if cands[i].q.start >= line0
                and cands[i].category != "other"
                and _value(cands[i]) > _value(b)
                and tokens[cands[i].q.start].sent != tokens[b.q.start].sent
            ]
            whole = here[0] if here else None
        if whole is None:
            continue
        b.part_of = whole
        if named is not None and not b.strong:
            b.category = named
        elif not b.strong and not (b.own_specific and b.np.head_class in CATEGORIES):
            b.category = cands[whole].category
        # every later count of an opener's sentence is a part too ("The dead include 9 X and 12 Y")
        if opener is not None and named is not None:
            for c in cands[bi + 1 :]:
                if tokens[c.q.start].sent != tokens[b.q.start].sent:
                    break
                if c.part_of is None and c.category != "other":
                    c.part_of = whole
                    if not c.strong:
                        c.category = named


def _share_coordinated_verb(tokens: Sequence[Token], cands: list[_Cand]) -> None:
    """ "flew home 12 women and 40 children": generic people coordinated right after a count that took
    its category from the verb before it are objects of the same verb."""
    for a, b in zip(cands, cands[1:], strict=False):
        if a.pre_start is None or not b.default or tokens[a.q.start].sent != tokens[b.q.start].sent:
            continue
        gap = [tokens[k].lower for k in range(max(a.np.end, a.q.end, a.end), b.q.start)]
        if gap and len(gap) <= 2 and all(w in (",", "and", "or") for w in gap) and "," != gap[-1]:
            b.category, b.default = a.category, False


_EVENT_TOTALS = frozenset("killed wounded detained missing displaced returned".split())


def _link_default_parts(tokens: Sequence[Token], cands: list[_Cand]) -> None:
    """ "40,000 new arrivals reached X; about 9,000 people sleep in schools": generic people with no
    cue of their own, later in the sentence of a larger count of displaced, killed, detained ... people,
    are a part of it and share its category."""
    for bi, b in enumerate(cands):
        if not b.default or b.part_of is not None or b.category == "other":
            continue
        sent = tokens[b.q.start].sent
        first = next((i for i in range(bi) if tokens[cands[i].q.start].sent == sent), None)
        if first is None:
            continue
        a = cands[first]
        if a.category in _EVENT_TOTALS and a.part_of is None and _value(a) > _value(b):
            b.part_of, b.category, b.default = first, a.category, False


def _link_siblings(tokens: Sequence[Token], cands: list[_Cand]) -> None:
    """ "Eight of the dead were held in X and three in Y": a count coordinated after a part is a part of the
    same whole and shares its category unless it has its own."""
    people = [i for i, c in enumerate(cands) if c.category != "other"]
    for pos in range(1, len(people)):
        a, b = cands[people[pos - 1]], cands[people[pos]]
        if a.part_of is None or b.part_of is not None or people[pos] == a.part_of:
            continue
        if tokens[a.q.start].sent != tokens[b.q.start].sent:
            continue
        gap = range(max(a.np.end, a.q.end, a.end), b.q.start)
        if (
            len(gap) <= 6
            and not any(tokens[k].text in (",", ";", ":") for k in gap)
            and any(tokens[k].lower in ("and", "or") for k in gap)
            and (b.np.head is None or b.pending or not b.own_specific)
        ):
            b.part_of = a.part_of
            if not b.strong:
                b.category = a.category


def _named_category(tokens: Sequence[Token], start: int, end: int, lex: Lexicon) -> str | None:
    """The category a short opener names: "those detained" -> detained, "the total displaced"."""
    for k in range(start, min(end, start + 4)):
        w = tokens[k].lower
        if w in lex.np_modifiers:
            return lex.np_modifiers[w]
        if w in lex.person_nouns:
            return lex.person_nouns[w]
        for phrase, cat in lex.post_strong:
            if phrase[0] == w and len(phrase) == 1:
                return cat
    return None


def _back_referenced_totals(tokens: Sequence[Token], cands: list[_Cand], lex: Lexicon) -> None:
    """ "The Centre documented 412 deaths ... Of the 412 victims, 118 were ...": a breakdown that opens
    by naming an earlier total again ("Of the N ...", same bounds and category, an earlier sentence)
    repeats that total, and its parts are parts of it (SPEC §3: a claim is counted once)."""
    for bi, b in enumerate(cands):
        if b.category == "other" or b.repeat_of is not None:
            continue
        opener, _ = match_ending_at(tokens, b.q.start, lex.breakdown_openers)
        if opener < 0 or tokens[opener].lower != "of" or _sentence_start(tokens, b.q.start) != opener:
            continue
        # "at least 17 people dead ... Of the 17 dead": the earlier total may carry a qualifier
        earlier = [
            ai
            for ai in range(bi)
            if cands[ai].repeat_of is None
            and cands[ai].category == b.category
            and cands[ai].q.low == b.q.low
            and cands[ai].q.high in (b.q.high, None)
            and tokens[cands[ai].q.start].sent != tokens[b.q.start].sent
        ]
        if not earlier:
            continue
        ai = earlier[-1]
        b.repeat_of = ai
        for c in cands:
            if c.part_of == bi:
                c.part_of = ai


def _inherit_from_whole(cands: list[_Cand]) -> None:
    """A part without its own armed group or place is about the whole's."""
    for c in cands:
        if c.part_of is None:
            continue
        whole = cands[c.part_of]
        if c.actor is None:
            c.actor = whole.actor
        if c.location is None:
            c.location = whole.location


def _sentence_words(tokens: Sequence[Token], sent: int, around: int) -> frozenset[str]:
    words = set()
    j = around
    while j >= 0 and tokens[j].sent == sent:
        j -= 1
    j += 1
    while j < len(tokens) and tokens[j].sent == sent:
        if tokens[j].is_alpha or tokens[j].is_number:
            words.add(tokens[j].lower)
        j += 1
    return frozenset(words)


def _mark_repeats(tokens: Sequence[Token], cands: list[_Cand], text: str) -> None:
    """Figures stating one claim (a headline, standfirst or caption repeating a body sentence) form a
    group; one of them stands for the claim and the others are repeats of it. The one that stands is the
    first that sits in body text (a line ending with sentence punctuation), else the first.

    A headline or caption states a claim in fewer words and often rounder numbers ("Dozens freed" over
    "47 prisoners were freed"); `_mark_summary_repeats` then joins it to the body claim it summarises.
    """
    group: list[int] = list(range(len(cands)))
    for bi, b in enumerate(cands):
        if b.category == "other":
            continue
        for ai in range(bi):
            a = cands[ai]
            if group[ai] != ai or a.category != b.category or (a.q.low, a.q.high) != (b.q.low, b.q.high):
                continue
            if tokens[a.q.start].sent == tokens[b.q.start].sent:
                continue
            a_head = tokens[a.np.head].lower if a.np.head is not None else None
            b_head = tokens[b.np.head].lower if b.np.head is not None else None
            if a_head != b_head:
                continue
            if not _compatible(a.actor, b.actor) or not _compatible(a.location, b.location):
                continue
            small = min(len(a.sentence_words), len(b.sentence_words)) or 1
            similar = len(a.sentence_words & b.sentence_words) / small >= 0.5
            same_np = _np_text(tokens, a) == _np_text(tokens, b) and (a.np.end - a.q.start) >= 3
            if similar or same_np:
                group[bi] = ai
                break
    members: dict[int, list[int]] = {}
    for i, g in enumerate(group):
        members.setdefault(g, []).append(i)
    for idxs in members.values():
        if len(idxs) < 2:
            continue
        body = [i for i in idxs if _in_body_line(text, tokens[cands[i].q.start].start)]
        primary = body[0] if body else idxs[0]
        for i in idxs:
            if i != primary:
                cands[i].repeat_of = primary
    _mark_summary_repeats(tokens, cands, text)


def _mark_summary_repeats(tokens: Sequence[Token], cands: list[_Cand], text: str) -> None:
    """A figure in a headline or caption line (no sentence-final punctuation) that no other figure
    repeats is a repeat of the body figure whose claim it summarises (SPEC §2: a claim is counted once):
    same category, compatible actor and place, the same head noun when both have one ("Dozens freed"
    has none), and the body figure's bounds inside the summary's bounds ("dozens" holds 47, "at least
    12" holds "at least 15"; "five" does not hold "more than five"). Of several such body figures the one
    whose sentence shares most words with the summary wins, then the first. A summary whose number no
    body figure fits stays a figure of its own: the body does not state that claim."""
    in_body = [_in_body_line(text, tokens[c.q.start].start) for c in cands]
    for si, s in enumerate(cands):
        # A summary that stands for other summaries (a headline its caption repeats) still summarises
        # a body figure; one that stands for a body figure already states the body claim.
        copies = [c for c in cands if c.repeat_of == si]
        if in_body[si] or s.category == "other" or s.repeat_of is not None:
            continue
        if any(in_body[i] for i, c in enumerate(cands) if c.repeat_of == si):
            continue
        s_head = tokens[s.np.head].lower if s.np.head is not None else None
        best: tuple[int, int] | None = None
        for bi, b in enumerate(cands):
            if not in_body[bi] or b.repeat_of is not None or b.category != s.category:
                continue
            b_head = tokens[b.np.head].lower if b.np.head is not None else None
            if s_head is not None and b_head is not None and s_head != b_head:
                continue
            if not _compatible(s.actor, b.actor) or not _compatible(s.location, b.location):
                continue
            if not _bounds_within((b.q.low, b.q.high), (s.q.low, s.q.high)):
                continue
            shared = len(s.sentence_words & b.sentence_words)
            if best is None or shared > best[0]:
                best = (shared, bi)
        if best is not None:
            s.repeat_of = best[1]
            for c in copies:
                c.repeat_of = best[1]


def _bounds_within(inner: tuple[Any, Any], outer: tuple[Any, Any]) -> bool:
    """Does the interval `inner` lie inside `outer`? None is unbounded on its side."""
    (ilo, ihi), (olo, ohi) = inner, outer
    if ilo is None and ihi is None:
        return olo is None and ohi is None
    low_ok = olo is None or (ilo is not None and ilo >= olo)
    high_ok = ohi is None or (ihi is not None and ihi <= ohi)
    return low_ok and high_ok


def _in_body_line(text: str, pos: int) -> bool:
    """Does the line holding pos end like body prose (". ! ? ” ...") rather than a headline or caption?"""
    end = text.find("\n", pos)
    line = text[pos : end if end >= 0 else len(text)].rstrip()
    return bool(line) and line[-1] in ".!?\"'”’»)…"


def _compatible(x: Any, y: Any) -> bool:
    if x is None or y is None:
        return True
    return _eid(x) == _eid(y) and (_eid(x) is not None or x is y)


def _np_text(tokens: Sequence[Token], c: _Cand) -> str:
    return " ".join(t.lower for t in tokens[c.q.start : max(c.np.end, c.q.end)])


def _to_figures(text: str, tokens: Sequence[Token], cands: list[_Cand]) -> list[Figure]:
    order = sorted(range(len(cands)), key=lambda i: (tokens[cands[i].start].start, i))
    new_index = {old: new for new, old in enumerate(order)}
    out: list[Figure] = []
    for old in order:
        c = cands[old]
        s = tokens[c.start].start
        e = tokens[c.end - 1].end
        q = c.q
        out.append(
            Figure(
                start=s,
                end=e,
                surface=text[s:e],
                value=q.value,
                low=q.low,
                high=q.high,
                qualifier=q.qualifier,
                category=c.category,
                unit=c.unit,
                actor_entity_id=_eid(c.actor) if c.actor is not None else None,
                location_entity_id=_eid(c.location) if c.location is not None else None,
                part_of=new_index[c.part_of] if c.part_of is not None else None,
                repeat_of=new_index[c.repeat_of] if c.repeat_of is not None else None,
            )
        )
    return out
