"""Extract figures (counts of people, and `other` quantities with a unit) from a document's one spaCy parse:
find each quantity, read its category from the counted noun and the predicate around it (category.py),
then attach the place (places.py), the armed group (actors.py) and the claimant (sources.py), link parts
to totals and mark repeated claims (parts.py). Every figure says which patterns decided it (`rule`)."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pipelines.entities.mention import NATIONALITY_METHOD
from pipelines.figures import actors, layout, parts, places, sources
from pipelines.figures.category import Reading, predicate, read
from pipelines.figures.lexicon import CATEGORIES, Lexicon, load_lexicon
from pipelines.figures.quantity import Quantity, match_quantity
from pipelines.figures.view import (
    Token,
    eid,
    is_group,
    match_any,
    match_ending_at,
    mention_index,
    parse,
    subtree,
    view,
    word_in,
)

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
    source_entity_id: str | None = None  # who claims the figure, linked ("according to X", "X said")
    source_surface: str | None = None  # the claimant as the text names it
    rule: str | None = None  # the patterns that decided the category and the actor


@dataclass
class Cand:
    """A figure being built: its quantity (None for "a man was killed"), token span and readings."""

    q: Quantity | None
    start: int
    end: int
    value: float | None
    low: float | None
    high: float | None
    qualifier: str
    category: str | None
    unit: str | None
    reading: Reading
    rule: str
    actor: str | None = None  # entity id
    actor_rule: str = ""
    location: Any = None  # a location mention
    location_after: bool = False
    list_item: bool = False  # a count in a report's list (a bullet line, a label, a "Place N, Place N" run)
    topic: bool = False  # the category came from a label, a heading or an opener, not the clause
    source_id: str | None = None
    source_surface: str | None = None
    part_of: int | None = None
    repeat_of: int | None = None
    sentence_words: frozenset[str] = field(default_factory=frozenset)

    @property
    def anchor(self) -> int:
        return self.q.start if self.q is not None else self.start

    @property
    def people(self) -> bool:
        return self.category in CATEGORIES

    def size(self) -> float:
        """Its value, else its low bound, else its high bound (for sums and comparisons)."""
        return next((float(v) for v in (self.value, self.low, self.high) if v is not None), 0.0)


_YEAR_RE = re.compile(r"^(1[89]\d\d|20\d\d|2100)$")


def extract_figures(
    text: str,
    mentions: Sequence[Any] = (),
    *,
    excluded_spans: Sequence[tuple[int, int]] = (),
    doc: Any = None,
) -> list[Figure]:
    """Every count of people in text (and `other` quantities with a unit), sorted by start. `doc` is the
    text's spaCy parse (pipelines/nlp); without one the text is parsed here."""
    if not isinstance(text, str) or not text:
        return []
    lex = load_lexicon()  # a broken lexicon file is a configuration error: let it raise
    if doc is None:
        doc = parse(text)
    if doc.text != text:
        raise ValueError("the parse is of another text than the one given (offsets would not match)")
    # An error on a document raises: the figures asset quarantines that document with the error.
    # A nationality word ("Turkish", "Syrians") is a mention but never a figure's place: where it modifies a
    # noun it says where someone is from, not where something happened; actors read it from the parse.
    places_and_actors = [m for m in mentions or () if getattr(m, "method", None) != NATIONALITY_METHOD]
    return _extract(text, view(doc), places_and_actors, excluded_spans or (), lex)


def _extract(
    text: str, tokens: list[Token], mentions: list[Any], excluded: Sequence[tuple[int, int]], lex: Lexicon
) -> list[Figure]:
    mi = mention_index(tokens, mentions)
    spans = [(int(s), int(e)) for s, e in excluded]
    cands: list[Cand] = []
    taken: set[int] = set()
    run_numbers = {num for run in layout.place_runs(tokens, mi, lex) for _, num, _ in run}
    i, n = 0, len(tokens)
    while i < n:
        q = match_quantity(tokens, i, lex)
        if q is None:
            i += 1
            continue
        inside = any(mi.get(k) is not None for k in range(q.core_start, q.end))
        if not inside and not any(s < tokens[q.end - 1].end and tokens[q.start].start < e for s, e in spans):
            c = _candidate(tokens, q, lex, mi, q.core_start in run_numbers)
            if c is not None:
                cands.append(c)
                taken.update(range(c.start, c.end))
        i = q.end
    cands += _singulars(tokens, taken, lex, mi, spans)
    cands.sort(key=lambda c: c.start)
    words: dict[int, set[str]] = {}
    for t in tokens:
        if t.is_alpha:
            words.setdefault(t.sent, set()).add(t.lower)
    for c in cands:
        c.sentence_words = frozenset(words.get(tokens[c.anchor].sent, ()))
    _far_predicates(tokens, cands)
    _resolve_cases(cands)
    layout.resolve(tokens, cands, lex, mi)
    parts.topic_openers(tokens, cands, lex)
    _resolve_pending(tokens, cands, lex)
    cands = [c for c in cands if c.category != "drop"]
    places.places(tokens, cands, lex, mi)
    parts.link(tokens, cands, lex, mi)
    actors.actors(tokens, cands, lex, mi, mentions)
    parts.inherit(cands)
    parts.mark_repeats(tokens, cands, text)
    sources.sources(tokens, cands, lex, mi)
    return _to_figures(text, tokens, cands)


def _candidate(
    tokens: Sequence[Token], q: Quantity, lex: Lexicon, mi: dict[int, Any], in_run: bool
) -> Cand | None:
    if not in_run and _not_a_figure(tokens, q, lex):
        return None
    is_one = q.single_value == 1 and q.qualifier == "exact"
    unit, end = _unit(tokens, q, lex)
    base = dict(value=q.value, low=q.low, high=q.high, qualifier=q.qualifier)
    if unit is not None:
        r = Reading("other", "unit")
        return (
            None
            if is_one
            else Cand(
                q,
                q.start,
                max(end, q.end),
                category="other",
                unit=unit,
                reading=r,
                rule=f"unit:{unit}",
                **base,
            )
        )
    r = read(tokens, q, lex, mi)
    fatal = r.category in (None, "wounded") and _fatal_part(tokens, q, lex)
    if fatal:
        r.category, r.rule, r.strong = "killed", f"{r.rule}+fatal" if r.rule else "fatal-part", True
    end = q.end
    if r.noun is not None and q.end <= r.noun < q.end + 7:
        end = r.noun + 1
    elif r.noun is None and r.predicate is not None and q.end <= r.predicate < q.end + 4:
        end = r.predicate + 1  # "12 killed": the surface holds the predicate
    if r.category == "other" and r.noun is not None and is_group(mi.get(r.noun)):
        r.category, r.rule = None, "of-a-group"  # "11 of the National Defence Forces": its people
    frame = _frame_unit(tokens, q, r if r.noun is None or r.noun > q.start else Reading(None, ""), lex)
    if frame is not None and not r.strong:
        r.category, r.rule, r.unit = "other", f"frame:{frame}", frame
    if (
        is_one
        and not fatal
        and (
            (r.category is None and not (r.pronoun and end < len(tokens)))
            or (r.category is not None and (not r.strong or r.category == "other"))
            or (r.category is not None and r.whole is not None and not (r.own or r.generic))
        )
    ):
        return None  # "one of its most senior figures": one of some things; a single victim needs a cue
    # no category of its own (a pronoun, no noun): it may continue an earlier figure (_resolve_pending)
    return Cand(q, q.start, end, category=r.category, unit=r.unit, reading=r, rule=r.rule, **base)


def _unit(tokens: Sequence[Token], q: Quantity, lex: Lexicon) -> tuple[str | None, int]:
    """A unit after the quantity ("10 days", "3,000 square kilometers", "82.99 %") or money before it."""
    n = len(tokens)
    prev = tokens[q.start - 1] if q.start > 0 else None
    if prev is not None and (prev.text in lex.money_symbols or prev.text.endswith("$")):
        return "money", q.end
    k = q.end
    for _ in range(2):
        if k < n and tokens[k].sent == tokens[q.start].sent:
            end, idx = match_any(tokens, k, [u for u, _ in lex.units])
            if end >= 0:
                return lex.units[idx][1], end
        k += k < n and tokens[k].lower in lex.words["quantity_extenders"]
    last, nxt = tokens[q.end - 1], tokens[q.end] if q.end < n else None
    if nxt is not None and nxt.is_alpha and not nxt.space_before and last.text[-1:].isdigit():
        if nxt.lower not in lex.scales and nxt.lower not in lex.scale_suffixes:
            return "measure", q.end + 1  # "2GB", "10km": a number glued to its unit
    return None, q.end


def _frame_unit(tokens: Sequence[Token], q: Quantity, r: Reading, lex: Lexicon) -> str | None:
    """A capacity ("a hall seating 500") or the size of a family ("a father of three", "her two sons")."""
    if match_ending_at(tokens, q.start, lex.phrases["capacity_cues"])[0] >= 0:
        return "capacity"
    start, k = match_ending_at(tokens, q.start, lex.phrases["kinship_cues"])
    if start >= 0:
        possessive = len(lex.phrases["kinship_cues"][k]) == 1
        noun = tokens[r.noun] if r.noun is not None else None
        if (noun is not None and word_in(noun, lex.words["kinship_nouns"])) or (
            not possessive and noun is None
        ):
            return "people"
    return None


def _not_a_figure(tokens: Sequence[Token], q: Quantity, lex: Lexicon) -> bool:
    """Years, dates, clock times, ordinals, ages, labels, codes and page furniture."""
    n, cs, ce, w = len(tokens), q.core_start, q.end, lex.words
    first = tokens[cs]
    nums = [tokens[i] for i in q.number_tokens]
    prev = tokens[cs - 1] if cs > 0 and tokens[cs - 1].sent == first.sent else None
    nxt = tokens[ce] if ce < n and tokens[ce].sent == first.sent else None
    person_after = nxt is not None and (
        word_in(nxt, lex.categories["nouns"]) or word_in(nxt, w["generic_nouns"])
    )
    if nums and all(_YEAR_RE.match(t.text) for t in nums) and not person_after:
        return True
    if any(sum(ch.isdigit() for ch in t.text.split(".")[0]) > 9 for t in nums) or first.ent == "ORDINAL":
        return True
    if first.text[:1].isdigit() and prev is not None:
        if prev.is_alpha and not first.space_before:
            return True  # "F16", "i9": a code or a model name
        if prev.text in ("(", "[") and nxt is not None and nxt.text in (")", "]") and not person_after:
            return True  # a citation or footnote mark "(3)"
    if (
        first.text[:1].isdigit()
        and nxt is not None
        and nxt.is_number
        and q.kind == "digits"
        and nxt.space_before
    ):
        if not (len(nxt.text) == 3 and first.end + 1 == nxt.start):
            return True  # "400 737 jets": a model name after a count
    if first.is_number and prev is not None:
        if prev.lower.rstrip(".") in w["month_names"] and prev.is_capitalised:
            return True
        if prev.text in (":", "/", "#", "№") and not first.space_before:
            return True
        if prev.lower.rstrip(".") in w["label_words"] and q.start == cs and prev.pos != "VERB":
            return True  # "page 2", "Resolution 2254"
        if (
            q.start == cs
            and prev.is_capitalised
            and prev.is_alpha
            and prev.idx > 0
            and tokens[prev.idx - 1].sent == prev.sent
            and prev.lower not in w["hedges"]
            and prev.pos == "PROPN"
            and not person_after
        ):
            return True  # "Kurdistan 24", "Route 66": a name labels the number
    if first.is_number and nxt is not None:
        if nxt.lower in w["month_names"] and nxt.is_capitalised or nxt.lower in w["clock_words"]:
            return True
        if not nxt.space_before and (nxt.lower in w["ordinal_suffixes"] or nxt.text in (":", "/")):
            return True
    if (
        q.single_value == 1
        and first.lower == "one"
        and prev is not None
        and prev.lower in w["one_determiners"]
    ):
        return True  # "the one on which", "every one of"
    # ages: "he was 19", "aged 26", "over the age of 13", "26 years old", "a 26-year-old"
    if (
        cs >= 2
        and tokens[cs - 1].lower in w["copulas"]
        and tokens[cs - 2].lower in w["age_pronouns"]
        and not person_after
    ):
        return True
    if match_ending_at(tokens, cs, lex.age_before)[0] >= 0:
        return True
    if (
        nxt is not None
        and nxt.text in ("-", "‐")
        and ce + 1 < n
        and tokens[ce + 1].lower in ("year", "years")
    ):
        return True
    if nxt is not None and nxt.lower in ("years", "year") and ce + 1 < n and tokens[ce + 1].lower == "old":
        return True
    if prev is not None and prev.text == "," and nxt is not None and nxt.text == "," and q.kind == "digits":
        before = tokens[cs - 2] if cs >= 2 else None
        if before is not None and (before.ent == "PERSON" or word_in(before, w["generic_nouns"])):
            return True  # "Barra, 51, will lead", "the man, 34, was found": an age in apposition to a person
    return False


def _fatal_part(tokens: Sequence[Token], q: Quantity, lex: Lexicon) -> bool:
    """The number itself is said to be fatal ("two men were shot, one fatally", "two of them fatally"):
    those it counts were killed."""
    kids = (c for k in range(q.core_start, q.end) for c in tokens[k].children)
    return any(tokens[c].lower in lex.words["fatal_adverbs"] for c in kids)


AGE_NOUN_ROLES = ("nsubj", "nsubjpass", "dobj")  # an age standing for the person: subject or object


def _age_noun(tokens: Sequence[Token], t: Token) -> bool:
    """ "a 19-year-old" as the subject or object of its clause, not a modifier ("a 19-year-old man"): the
    parse heads the compound with "old", whose "year" carries the number. Such an age is a person."""
    return (
        t.lower == "old"
        and t.dep in AGE_NOUN_ROLES
        and any(
            tokens[c].lower in ("year", "years") and any(tokens[g].is_number for g in tokens[c].children)
            for c in t.children
        )
    )


def _singulars(
    tokens: Sequence[Token],
    taken: set[int],
    lex: Lexicon,
    mi: dict[int, Any],
    spans: Sequence[tuple[int, int]],
) -> list[Cand]:
    """One victim without a numeral ("a man was killed", "a soldier was wounded", "a 19-year-old was shot"):
    a figure of 1 when a person noun, or an age standing for a person, is the patient or subject of a
    killing or wounding predicate and is introduced as someone new: with "a"/"an"/"another", or as the
    relative of someone ("his son", "the victim's brother": a possessor and a singular person noun).
    "another" alone ("two were killed and another wounded") stands for one more person. "the man" is a
    victim named before: no new count."""
    out = []
    for t in tokens:
        age = _age_noun(tokens, t)
        alone = t.lower == "another" and t.dep in _SINGLE_ROLES  # "another was wounded"
        if (t.pos != "NOUN" and not age and not alone) or t.idx in taken or mi.get(t.idx) is not None:
            continue
        det, possessor = (t.idx, False) if alone else _introduced(tokens, t)
        generic = word_in(t, lex.words["generic_nouns"])
        person = alone or age or generic or word_in(t, lex.categories["nouns"])
        if det is None or not person or (possessor and not (generic and t.tag == "NN")):
            continue
        if word_in(t, lex.words["thing_nouns"]) or any(s < t.end and tokens[det].start < e for s, e in spans):
            continue
        found = predicate(tokens, t.idx, t.idx, lex)
        if found is None or not found[3] or found[0] not in ("killed", "wounded"):
            continue
        r = Reading(found[0], "singular-" + found[1], noun=t.idx, role=t.idx, predicate=found[2], strong=True)
        out.append(Cand(None, det, t.idx + 1, 1.0, 1.0, 1.0, "exact", found[0], None, r, r.rule))
    return out


_SINGLE_ROLES = ("nsubj", "nsubjpass", "dobj", "conj")
_SINGLE_DETERMINERS = ("a", "an", "another")


def _introduced(tokens: Sequence[Token], t: Token) -> tuple[int | None, bool]:
    """(first token, by a possessor) of what introduces person noun t as someone new: its "a"/"an"/
    "another", or its possessor's phrase ("his", "the victim's"); (None, False) for "the man", "those men"."""
    for c in t.children:
        ct = tokens[c]
        if ct.dep == "det" and ct.lower in _SINGLE_DETERMINERS:
            return c, False
        if ct.dep == "poss":
            return subtree(tokens, c)[0], True
    return None, False


def _far_predicates(tokens: Sequence[Token], cands: list[Cand]) -> None:
    """A predicate standing after another figure of the segment, when the parse gives it to an earlier one
    ("11 killed, among them four boys and a nurse, and at least 30 wounded"), is weak evidence: a
    part of a total then shares the total's category (parts._part_category)."""
    for i, c in enumerate(cands):
        p = c.reading.predicate
        later = [x.anchor for x in cands[i + 1 :] if tokens[x.anchor].sent == tokens[c.anchor].sent]
        aside = c.end < len(tokens) and tokens[c.end].text in ("–", "—", "-", "(")  # "130 – including 68 –"
        if p is not None and later and p > later[-1] > c.anchor and not aside:
            c.reading.far = True


def _resolve_cases(cands: list[Cand]) -> None:
    """ "45 cases" without a topic counts what the report's earlier "cases of <topic>" counted; with none
    before it, cases are a count of things (`other`)."""
    last = None
    for c in cands:
        if c.reading.case and c.category is None:
            c.category, c.rule = (last, f"cases:{last}") if last else ("other", "cases")
            c.unit = None if last else "count"
        elif c.reading.noun is not None and c.reading.rule.startswith("cases-of:"):
            last = c.category


def _resolve_pending(tokens: Sequence[Token], cands: list[Cand], lex: Lexicon) -> None:
    """A number with no category of its own ("and 12 in Hama", "20 of them") takes the category of the
    people figure it continues: the nearest one before it in its segment, else in the previous segment of
    the paragraph when it opens its own. With none, it is a count of things (`other`)."""
    for bi, b in enumerate(cands):
        personal = (
            b.reading.pronoun
            and b.reading.whole is not None
            and tokens[b.reading.whole].lower in lex.words["partitive_pronouns"]
        )
        if b.category is not None and not (personal and b.people):
            continue
        sent = tokens[b.anchor].sent
        ante = None
        for a in reversed(cands[:bi]):
            if not a.people:
                continue
            a_sent = tokens[a.anchor].sent
            if a_sent == sent or (
                a_sent == sent - 1
                and not any(tokens[k].newline_before for k in range(a.anchor + 1, b.anchor + 1))
            ):
                ante = a
            break
        if b.category is not None:  # "at least 35 of them were fighters": a part of what "them" counts
            if ante is not None and b.size() <= ante.size() and b.part_of is None:
                b.part_of = cands.index(ante)
                if not b.reading.strong and ante.category in ("killed", "wounded", "detained", "missing"):
                    b.category, b.rule = ante.category, f"{b.rule}; part-of:{ante.category}"
            continue
        if ante is None:
            b.category, b.unit, b.rule = "other", "count", "bare-number"
            if b.value == 1 and b.qualifier == "exact":
                b.category = "drop"  # "one of them said": the pronoun, not a count
            continue
        b.category, b.rule = ante.category, f"continues:{ante.rule}"
        b.reading.category = ante.category
        if personal and b.size() <= ante.size():
            b.part_of = cands.index(ante)  # "nine of them": a part of the figure it refers to
        if tokens[ante.anchor].sent == sent:
            b.actor, b.actor_rule = b.actor or ante.actor, "continues"
            if ante.part_of is not None and b.part_of is None:
                b.part_of = ante.part_of


def _to_figures(text: str, tokens: Sequence[Token], cands: list[Cand]) -> list[Figure]:
    order = sorted(range(len(cands)), key=lambda i: (tokens[cands[i].start].start, i))
    new = {old: k for k, old in enumerate(order)}
    out = []
    for c in (cands[old] for old in order):
        s, e = tokens[c.start].start, tokens[c.end - 1].end
        out.append(
            Figure(
                s,
                e,
                text[s:e],
                c.value,
                c.low,
                c.high,
                c.qualifier,
                c.category or "other",
                unit=c.unit if c.category == "other" else None,
                actor_entity_id=c.actor if c.people else None,
                location_entity_id=eid(c.location) if c.people and c.location is not None else None,
                part_of=new.get(c.part_of),
                repeat_of=new.get(c.repeat_of),
                source_entity_id=c.source_id,
                source_surface=c.source_surface,
                rule=c.rule + (f"; actor={c.actor_rule}" if c.actor_rule else ""),
            )
        )
    return out
