"""Parts and repeats. A figure is a part of a total when the text breaks the total down: "N, including M",
"N, among them M", "N (M children)", "five of the 20 fighters", "Of the N prisoners, 500 ... and 300 ...",
"Among them were ..." after a total; a part without a predicate of its own shares what happened to the
whole. A figure repeats another when a headline, standfirst or caption states the body's claim again
(SPEC §2: a claim is counted once)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pipelines.figures.category import topic
from pipelines.figures.lexicon import Lexicon
from pipelines.figures.view import Token, line_start, match_any, match_ending_at, match_phrase, segment_start

_EVENTS = frozenset("killed wounded detained missing displaced returned".split())


def _part_category(part: Any, whole: Any) -> None:
    """ "15 killed, among them six children" (children -> killed); a part with its own predicate keeps it."""
    if part.category == whole.category or not whole.people or whole.reading.default:
        return
    strong = part.reading.strong and not part.reading.far
    if not strong and (not part.reading.own or whole.category in _EVENTS):
        part.category = whole.category
        part.rule = f"{part.rule}; part-of:{whole.category}"


def _make_part(cands: list, bi: int, ai: int) -> None:
    cands[bi].part_of = ai
    _part_category(cands[bi], cands[ai])


def link(tokens: Sequence[Token], cands: list, lex: Lexicon, mi: dict[int, Any]) -> None:
    cues = lex.phrases["part_of_cues"]
    people = [i for i, c in enumerate(cands) if c.people]
    by_noun = {cands[i].reading.noun: i for i in people if cands[i].reading.noun is not None}
    for bi in people:  # "six of the 20 staffers": the whole's noun in the partitive
        b = cands[bi]
        w = by_noun.get(b.reading.whole)
        w = None if w == bi else w
        if b.part_of is None and w is not None:
            _make_part(cands, bi, w)
        elif b.part_of is None and b.reading.whole is not None and w is None and not b.reading.pronoun:
            # "8 wounded men ... one of the men died": the nearest earlier count of the same noun
            lemma = tokens[b.reading.whole].lemma
            for ai in reversed([i for i in people if i < bi]):
                a = cands[ai]
                if tokens[b.anchor].sent - tokens[a.anchor].sent > 3:
                    break
                if a.reading.noun is not None and tokens[a.reading.noun].lemma == lemma:
                    if a.size() > b.size():
                        b.part_of = ai
                    break
    at = {}
    for i in people:
        for k in (cands[i].reading.noun, cands[i].reading.role, cands[i].anchor):
            if k is not None:
                at.setdefault(k, i)
    people_like = [i for i, c in enumerate(cands) if c.people or c.unit == "people"]
    for bi in people_like:  # "71 – including 23 women –", "killed 25 people, including two senior leaders"
        b = cands[bi]
        k = b.reading.noun if b.reading.noun is not None and b.reading.noun >= b.anchor else b.reading.role
        if b.part_of is not None or k is None or tokens[k].dep != "pobj":
            continue
        prep = tokens[tokens[k].head]
        w = at.get(prep.head)
        if prep.lemma in ("include", "among") and w is not None and w != bi:
            _make_part(cands, bi, w)
    for pos in range(1, len(people)):
        ai, bi = people[pos - 1], people[pos]
        a, b = cands[ai], cands[bi]
        if b.part_of is not None or tokens[a.anchor].sent != tokens[b.anchor].sent:
            continue
        gap = range(a.end, b.anchor)
        words = [tokens[k].lower for k in gap]
        if words in (["("], ["(", "including"], ["(", "among", "them"]):
            _make_part(cands, bi, ai)  # "Idlib: 104 (31 children)"
            continue
        cue_before = any(
            match_any(tokens, k, cues)[0] >= 0
            and not (tokens[k].lower == "among" and k + 2 == b.anchor and tokens[k + 1].lower == "the")
            for k in gap
        )
        cue_after = len(gap) <= 3 and match_any(tokens, b.end, cues)[0] >= 0  # "six of them"
        sibling = (
            a.part_of is not None
            and len(gap) <= 6
            and not any(tokens[k].text in (",", ";") for k in gap)
            and any(w in ("and", "or") for w in words)
        )
        if sibling and not cue_before:
            _make_part(cands, bi, a.part_of)  # "four boys and three nurses": the same whole
            continue
        right_before = match_ending_at(tokens, b.anchor, cues)[0] >= 0
        if (len(gap) <= 9 or (right_before and len(gap) <= 20)) and (cue_before or cue_after):
            _make_part(cands, bi, ai)
    _breakdowns(tokens, cands, people, lex)
    _report_parts(tokens, cands, people, lex, mi)
    _anaphoric(tokens, cands, people, lex)
    _among_a_group(cands, people)
    _siblings(tokens, cands, people)
    _named_again(tokens, cands, people, lex)
    _defaults(tokens, cands, people)


def _opener(tokens: Sequence[Token], s0: int, lex: Lexicon) -> tuple[str, int] | None:
    """ "Of the deaths recorded in X, ...", "Among those detained, ...", "Of the total displaced, ...": a
    sentence opening that names the category of a total given earlier. Returns (category, index of the token
    after the opener's comma)."""
    n = len(tokens)
    if (
        s0 + 2 < n
        and tokens[s0].lower in ("of", "among")
        and tokens[s0 + 1].lower in ("the", "these", "those")
    ):
        for k in range(s0 + 2, min(n, s0 + 14)):
            if tokens[k].sent != tokens[s0].sent or tokens[k].is_number:
                return None
            if tokens[k].text == ",":
                cat = next(
                    (topic(tokens[j], lex) for j in range(s0 + 2, min(k, s0 + 6)) if topic(tokens[j], lex)),
                    None,
                )
                return (cat, k + 1) if cat else None
    return None


def topic_openers(tokens: Sequence[Token], cands: list, lex: Lexicon) -> None:
    """A figure with no category of its own (or generic people without a cue) in a sentence opened by a
    topic opener ("Of the fatalities recorded in X, 49 were civilians") counts what the opener names."""
    for c in cands:
        if c.category is not None and not c.reading.default:
            continue
        found = _opener(tokens, segment_start(tokens, c.anchor), lex)
        if found is not None and c.anchor >= found[1]:
            c.category, c.rule, c.reading.default = found[0], f"opener:{found[0]}", False
            c.topic = True


def _whole_for(tokens: Sequence[Token], cands: list, bi: int, cat: str) -> int | None:
    """The earlier total a part of category `cat` belongs to: the first figure of the category in the part's
    line; else the total about the part's place; else the first top-level total. Larger, in another
    sentence."""
    b = cands[bi]
    sent = tokens[b.anchor].sent
    earlier = [
        i
        for i in range(bi)
        if cands[i].category == cat and cands[i].size() > b.size() and tokens[cands[i].anchor].sent != sent
    ]
    if not earlier:
        return None
    line0 = line_start(tokens, b.anchor)
    here = [i for i in earlier if cands[i].anchor >= line0]
    if here:
        return here[0]
    place = getattr(b.location, "entity_id", None)
    same = [i for i in earlier if place and getattr(cands[i].location, "entity_id", None) == place]
    top = [i for i in earlier if cands[i].part_of is None]
    return (same or top or [None])[0]


def _named(tokens: Sequence[Token], w: int, lex: Lexicon) -> str | None:
    """The category the whole of a partitive names: "of the dead", "of those arrested"."""
    for k in [w, *tokens[w].children]:
        if k == w or tokens[k].dep in ("acl", "amod", "relcl"):
            found = topic(tokens[k], lex)
            if found:
                return found
    return None


def _report_parts(
    tokens: Sequence[Token], cands: list, people: list[int], lex: Lexicon, mi: dict[int, Any]
) -> None:
    """Parts of a total stated in an earlier sentence, as reports write them: a sentence opening that names
    the total's category ("Of the deaths in X, 20 were ..."), a partitive naming it ("20 of the deaths
    recorded in X", "12 of those arrested")."""
    for bi in people:
        b = cands[bi]
        if b.part_of is not None:
            continue
        s0 = segment_start(tokens, b.anchor)
        found = _opener(tokens, s0, lex)
        whole, named = None, None
        if b.q is not None and match_ending_at(tokens, b.q.start, lex.phrases["share_cues"])[0] >= 0:
            earlier = [
                i
                for i in range(bi)
                if cands[i].category == b.category
                and cands[i].part_of is None
                and cands[i].size() > b.size()
                and tokens[cands[i].anchor].sent != tokens[b.anchor].sent
            ]
            whole = earlier[0] if earlier else None
        elif found is not None and b.anchor >= found[1]:
            named = found[0]
            if any(tokens[k].lower == "total" for k in range(s0, found[1])):  # "Of the total displaced, ..."
                tops = [
                    i
                    for i in range(bi)
                    if cands[i].category == named and cands[i].part_of is None and cands[i].size() > b.size()
                ]
                whole = max(tops, key=lambda i: cands[i].size()) if tops else None
            else:
                whole = _whole_for(tokens, cands, bi, named)
        elif b.reading.whole is not None or b.reading.pronoun is False and b.q is not None:
            w = b.reading.whole
            named = _named(tokens, w, lex) if w is not None else None
            if named:
                whole = _whole_for(tokens, cands, bi, named)
        if whole is None:
            continue
        b.part_of = whole
        if named and not b.reading.strong:
            b.category = named


def _defaults(tokens: Sequence[Token], cands: list, people: list[int]) -> None:
    """ "40,000 new arrivals reached X; about 9,000 people sleep in schools": generic people with no cue,
    later in the sentence of a larger count of an event (displaced, killed, detained ...), are its part."""
    for bi in people:
        b = cands[bi]
        if not b.reading.default or b.part_of is not None:
            continue
        first = next(
            (i for i in people if i < bi and tokens[cands[i].anchor].sent == tokens[b.anchor].sent), None
        )
        if (
            first is not None
            and cands[first].category in _EVENTS
            and cands[first].part_of is None
            and cands[first].size() > b.size()
        ):
            b.part_of, b.category, b.reading.default = first, cands[first].category, False
            b.rule = f"{b.rule}; part-of:{b.category}"


def _siblings(tokens: Sequence[Token], cands: list, people: list[int]) -> None:
    """ "Eight of the dead were held in X and three in Y", "Some 40 have come back, and at least 12 have been
    killed": a count coordinated right after a part is a part of the same whole, and shares its category
    unless it has its own (a bare count may stand in a clause of its own after a comma)."""
    for pos in range(1, len(people)):
        a, b = cands[people[pos - 1]], cands[people[pos]]
        if a.part_of is None or b.part_of is not None or people[pos] == a.part_of:
            continue
        gap = range(a.end, b.anchor)
        bare = b.reading.noun is None and not b.reading.pronoun
        if (
            tokens[a.anchor].sent == tokens[b.anchor].sent
            and len(gap) <= (8 if bare else 6)
            and not any(tokens[k].text in ((";", ":") if bare else (",", ";", ":")) for k in gap)
            and any(tokens[k].lower in ("and", "or") for k in gap)
            and (b.reading.noun is None or not b.reading.own)
            # "20 dead, among them four children ..., and 30 wounded": another event's count is a total of
            # its own; the fates of a group ("160 travelled ... 30 have returned, and 18 have been killed")
            # are its parts
            and (
                cands[a.part_of].category not in _EVENTS
                or b.category == cands[a.part_of].category
                or not b.reading.strong
            )
        ):
            b.part_of = a.part_of


def _named_again(tokens: Sequence[Token], cands: list, people: list[int], lex: Lexicon) -> None:
    """ "The monitor counted 230 deaths ... Of the 230 victims, 61 were ...": a breakdown that opens by
    naming an earlier total again (same bounds and category, an earlier sentence) repeats it, and its parts
    are parts of the earlier one (SPEC §3: a claim is counted once)."""
    for bi in people:
        b = cands[bi]
        if b.q is None or b.repeat_of is not None:
            continue
        start, _ = match_ending_at(tokens, b.q.start, lex.phrases["breakdown_openers"])
        if start < 0 or tokens[start].lower != "of" or segment_start(tokens, b.q.start) != start:
            continue
        earlier = [
            a
            for a in people
            if a < bi
            and cands[a].category == b.category
            and cands[a].low == b.low
            and cands[a].high in (b.high, None)
            and tokens[cands[a].anchor].sent != tokens[b.anchor].sent
        ]
        if earlier:
            b.repeat_of = earlier[-1]
            for c in cands:
                if c.part_of == bi:
                    c.part_of = earlier[-1]


def _breakdowns(tokens: Sequence[Token], cands: list, people: list[int], lex: Lexicon) -> None:
    """ "Of the 1,490 X, 500 are ..., 300 are ...": every later count of the sentence, after the comma."""
    for ai in people:
        a = cands[ai]
        start, _ = match_ending_at(tokens, a.anchor, lex.phrases["breakdown_openers"])
        if start < 0 or (
            start > 0
            and tokens[start - 1].sent == tokens[start].sent
            and tokens[start - 1].text not in (":", ";", "–", "—")
        ):
            continue
        sent = tokens[a.anchor].sent
        comma = False
        for bi in people:
            b = cands[bi]
            if b.anchor <= a.anchor or tokens[b.anchor].sent != sent:
                continue
            comma = comma or any(tokens[x].text == "," for x in range(a.end, b.anchor))
            if comma and b.part_of is None:
                _make_part(cands, bi, ai)


def _anaphoric(tokens: Sequence[Token], cands: list, people: list[int], lex: Lexicon) -> None:
    """ "Among them were ...", "Of these, ...": the sentence breaks down the previous sentence's total."""
    for bi in people:
        b = cands[bi]
        if b.part_of is not None:
            continue
        if b.reading.noun is None and b.q is not None and b.q.start > 0 and tokens[b.q.start - 1].text == ";":
            # "...; several were taken to an unknown location": a bare count opening a clause is a part of
            # its line's first larger total
            line0 = line_start(tokens, b.anchor)
            here = [
                i
                for i in people
                if line0 <= cands[i].anchor < b.anchor
                and cands[i].size() > b.size()
                and tokens[cands[i].anchor].sent != tokens[b.anchor].sent
            ]
            if here:
                b.part_of = here[0]
                continue
        sent = tokens[b.anchor].sent
        s0 = segment_start(tokens, b.anchor)
        opener = next((p for p in lex.phrases["anaphoric_openers"] if match_phrase(tokens, s0, p) >= 0), None)
        prev = [i for i in people if i < bi and tokens[cands[i].anchor].sent < sent]
        if not prev:
            continue
        prev_sent = tokens[cands[prev[-1]].anchor].sent
        tops = [i for i in prev if tokens[cands[i].anchor].sent == prev_sent and cands[i].part_of is None]
        if not tops or sent - prev_sent > 1:
            continue
        new_paragraph = any(tokens[k].newline_before for k in range(cands[tops[0]].anchor + 1, b.anchor + 1))
        if opener is None and not new_paragraph:
            # "Some 60 villagers were abducted. Eleven were later found dead": a bare count opening the next
            # sentence of the paragraph, smaller than its total, is a subset of it
            if (
                b.anchor == s0
                and b.reading.noun is None
                and not b.reading.pronoun
                and b.size() < cands[tops[0]].size()
            ):
                b.part_of = tops[0]
            continue
        if opener is None or b.anchor - s0 > len(opener) + 5:
            continue
        for ci in people:
            c = cands[ci]
            if tokens[c.anchor].sent == sent and c.part_of is None and c.size() <= cands[tops[0]].size():
                _make_part(cands, ci, tops[0])


def _among_a_group(cands: list, people: list[int]) -> None:
    """ "whose brother was among the dead", "three nurses were among those killed": the group is a total
    counted before, so the figure is a part of the nearest earlier larger figure of its category."""
    for bi in people:
        b = cands[bi]
        if b.part_of is not None or "among" not in b.rule:
            continue
        before = people[: people.index(bi)]
        earlier = [i for i in before if cands[i].category == b.category and cands[i].size() > b.size()]
        if earlier:
            b.part_of = earlier[-1] if cands[earlier[-1]].part_of is None else cands[earlier[-1]].part_of


def inherit(cands: list) -> None:
    """A part without its own armed group or place is about the whole's."""
    for c in cands:
        if c.part_of is None:
            continue
        whole = cands[c.part_of]
        if c.actor is None and whole.actor is not None:
            c.actor, c.actor_rule = whole.actor, f"whole:{whole.actor_rule}"
        if c.location is None:
            c.location = whole.location


# --- repeats ------------------------------------------------------------------------------------------


def _head(tokens: Sequence[Token], c: Any) -> str | None:
    """The counted noun's lemma, a capitalised headline word folded alike ("Operatives" - "operatives")."""
    if c.reading.noun is None:
        return None
    t = tokens[c.reading.noun]
    return (t.lemma if t.pos == "NOUN" else t.lower).removesuffix("s")


def _compatible(x: Any, y: Any) -> bool:
    if x is None or y is None:
        return True
    ex, ey = getattr(x, "entity_id", x), getattr(y, "entity_id", y)
    return ex == ey and (ex is not None or x is y)


def _in_body_line(text: str, pos: int) -> bool:
    """Does the line holding pos end like body prose (". ! ? ” ...") rather than a headline or caption?"""
    end = text.find("\n", pos)
    line = text[pos : end if end >= 0 else len(text)].rstrip()
    return bool(line) and line[-1] in ".!?\"'”’»)…"


def _within(inner: tuple[Any, Any], outer: tuple[Any, Any]) -> bool:
    (ilo, ihi), (olo, ohi) = inner, outer
    if ilo is None and ihi is None:
        return olo is None and ohi is None
    return (olo is None or (ilo is not None and ilo >= olo)) and (
        ohi is None or (ihi is not None and ihi <= ohi)
    )


def mark_repeats(tokens: Sequence[Token], cands: list, text: str) -> None:
    """Figures stating one claim form a group (same category, bounds, head noun, compatible group and
    place, sentences sharing half their words or the same noun phrase); the first in body text stands for
    it. A headline or caption figure no other repeats then joins the body figure it summarises: same
    category and head noun, compatible attachments, the body's bounds inside its own ("Dozens freed" holds
    47)."""
    group = list(range(len(cands)))
    for bi, b in enumerate(cands):
        if not b.people:
            continue
        for ai in range(bi):
            a = cands[ai]
            if group[ai] != ai or a.category != b.category or (a.low, a.high) != (b.low, b.high):
                continue
            if tokens[a.anchor].sent == tokens[b.anchor].sent or _head(tokens, a) != _head(tokens, b):
                continue
            if not _compatible(a.actor, b.actor) or not _compatible(a.location, b.location):
                continue
            small = min(len(a.sentence_words), len(b.sentence_words)) or 1
            same_np = _np(tokens, a) == _np(tokens, b) and a.end - a.start >= 3
            if len(a.sentence_words & b.sentence_words) / small >= 0.5 or same_np:
                group[bi] = ai
                break
    members: dict[int, list[int]] = {}
    for i, g in enumerate(group):
        members.setdefault(g, []).append(i)
    for idxs in members.values():
        if len(idxs) > 1:
            body = [i for i in idxs if _in_body_line(text, tokens[cands[i].start].start)]
            primary = body[0] if body else idxs[0]
            for i in idxs:
                cands[i].repeat_of = None if i == primary else primary
    in_body = [_in_body_line(text, tokens[c.start].start) for c in cands]
    for si, s in enumerate(cands):
        copies = [c for c in cands if c.repeat_of == si]
        if in_body[si] or not s.people or s.repeat_of is not None:
            continue
        if any(in_body[i] for i, c in enumerate(cands) if c.repeat_of == si):
            continue
        best = None
        for bi, b in enumerate(cands):
            if not in_body[bi] or b.repeat_of is not None or b.category != s.category:
                continue
            hs, hb = _head(tokens, s), _head(tokens, b)
            if hs is not None and hb is not None and hs != hb:
                continue
            if not _compatible(s.actor, b.actor) or not _compatible(s.location, b.location):
                continue
            if not _within((b.low, b.high), (s.low, s.high)):
                continue
            shared = len(s.sentence_words & b.sentence_words)
            if best is None or shared > best[0]:
                best = (shared, bi)
        if best is not None:
            s.repeat_of = best[1]
            for c in copies:
                c.repeat_of = best[1]


def _np(tokens: Sequence[Token], c: Any) -> str:
    return " ".join(t.lower for t in tokens[c.start : c.end])
