"""Recognise a quantity at a token position: digits with separators and scales ("4 million", "1.5m"),
spelled-out numbers ("twenty-five", "a couple of thousand"), vague quantities ("hundreds of"),
ranges ("between 100 and 150", "100-150", "two or three") and qualifiers ("more than", "as many as").
`parse_quantity` is the public phrase parser."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from pipelines.figures.lexicon import Lexicon, load_lexicon
from pipelines.figures.view import NUMBER_RE, Token, match_any, match_phrase, parse, view

_GLUED_SCALE = re.compile(r"^(\d+(?:[.,]\d+)?)([a-zA-Z]{1,2})$")
_THOUSANDS_GROUP = re.compile(r"^\d{3}(?:\.\d+)?$")


@dataclass(frozen=True)
class Core:
    """A bare number: tokens [start, end), value, bounds and how it was written."""

    start: int
    end: int
    value: float
    low: float
    high: float
    kind: str  # digits | words | vague | couple | dozen | range
    number_tokens: tuple[int, ...]  # indices of tokens that are digits


@dataclass(frozen=True)
class Quantity:
    start: int  # first token (hedge / qualifier included)
    end: int  # exclusive
    value: float | None
    low: float | None
    high: float | None
    qualifier: str
    kind: str
    core_start: int
    number_tokens: tuple[int, ...]
    single_value: float | None  # the number when it is one plain number (for year / "one" checks)


def _range(start: int, a: Quantity, b: Quantity) -> Quantity:
    """The range "a to b" (value unknown, bounds from both ends), its span starting at token `start`."""
    return Quantity(
        start, b.end, None, a.low, b.high, "range", "range", a.start, a.number_tokens + b.number_tokens, None
    )


def _digits_value(text: str) -> float:
    return float(text.replace(",", ""))  # "7,000" and "7000" are 7000.0


def _word_number(tokens: Sequence[Token], i: int, lex: Lexicon) -> tuple[int, float] | None:
    """Spelled-out cardinal from i: 'five', 'twenty-five', 'one hundred and fifty', 'a thousand'."""
    total = 0.0
    current = 0.0
    j = i
    seen = False
    n = len(tokens)
    if j < n and tokens[j].lower == "a" and j + 1 < n and tokens[j + 1].lower in lex.scales:
        current = 1.0
        j += 1
        seen = True
    while j < n:
        w = tokens[j].lower
        if tokens[j].sent != tokens[i].sent:
            break
        val = float(lex.number_words[w]) if w in lex.number_words else None
        if val is not None:
            current += val
            seen = True
            j += 1
            # "twenty-five" is three tokens: tens, a hyphen with no space around it, a unit
            if (
                val >= 20
                and val % 10 == 0
                and j + 1 < n
                and tokens[j].text in ("-", "‐")
                and not tokens[j].space_before
                and not tokens[j + 1].space_before
                and 0 < (lex.number_words.get(tokens[j + 1].lower) or 0) < 10
            ):
                current += lex.number_words[tokens[j + 1].lower]
                j += 2
            continue
        if w in lex.scales and seen:
            scale = lex.scales[w]
            if scale == 100:
                current = (current or 1.0) * 100
            else:
                total += (current or 1.0) * scale
                current = 0.0
            j += 1
            continue
        if (
            w == "and"
            and seen
            and j + 1 < n
            and tokens[j + 1].lower in lex.number_words
            and tokens[j - 1].lower in lex.scales
        ):
            j += 1
            continue
        break
    if not seen:
        return None
    return j, total + current


def _core(tokens: Sequence[Token], i: int, lex: Lexicon) -> Core | None:
    n = len(tokens)
    if i >= n:
        return None
    tok = tokens[i]
    # vague quantities: "hundreds of thousands of", "dozens of", "several"
    for entry in lex.vague:
        end = match_phrase(tokens, i, entry.phrase) if entry.phrase[0] == tok.lower else -1
        if end >= 0:
            low, high = entry.low, entry.high
            multipliers = {**lex.scales, **lex.dozen_words}
            if high < 10 and end < n and tokens[end].lower in multipliers and tokens[end].sent == tok.sent:
                # "several hundred", "a few thousand", "a few dozen": both bounds of the vague digit
                # times the scale (3-9 x 100 = 300-900), the multiplication SPEC §3's table applies to
                # "a couple of (N)" (2 x N); reading it up to the scale's order of magnitude (999) would
                # credit a count the words do not allow
                scale = 1
                while end < n and tokens[end].lower in multipliers and tokens[end].sent == tok.sent:
                    scale *= multipliers[tokens[end].lower]  # "several hundred thousand"
                    end += 1
                low, high = low * scale, float(high * scale)
            if end < n and tokens[end].lower == "of" and tokens[end].sent == tok.sent:
                end += 1
            elif entry.needs_of and low == entry.low:
                continue
            return Core(i, end, low, low, high, "vague", ())
    # "a couple of (thousand)"
    end, _ = match_any(tokens, i, lex.phrases["couple_phrases"])
    if end >= 0:
        scale = 1
        if end < n and tokens[end].lower in lex.scales:
            scale = lex.scales[tokens[end].lower]
            end += 1
            if end < n and tokens[end].lower == "of":
                end += 1
        return Core(i, end, 2.0 * scale, 2.0 * scale, 2.0 * scale, "couple", ())
    # "a dozen", "dozen"
    j = i + 1 if tok.lower == "a" else i
    if j < n and tokens[j].lower in lex.dozen_words:
        v = float(lex.dozen_words[tokens[j].lower])
        return Core(i, j + 1, v, v, v, "dozen", ())
    # "half a dozen", "half a million"
    if tok.lower == "half" and match_phrase(tokens, i + 1, ("a",)) >= 0 and i + 2 < n:
        w = tokens[i + 2].lower
        if w in lex.dozen_words and tokens[i + 2].sent == tok.sent:
            v = lex.dozen_words[w] / 2
            return Core(i, i + 3, v, v, v, "dozen", ())
        if lex.scales.get(w, 0) >= 1000:
            v = lex.scales[w] / 2
            return Core(i, i + 3, v, v, v, "words", ())
    # a digit range in one token: "350–375" (a scale after it multiplies both ends: "350–375 million")
    if any(d in tok.text for d in "-‐–"):
        parts = tok.text.replace("‐", "-").replace("–", "-").split("-")
        if len(parts) == 2 and all(NUMBER_RE.match(p) for p in parts):
            a, b = _digits_value(parts[0]), _digits_value(parts[1])
            end, scale = i + 1, 1
            if end < n and tokens[end].lower in lex.scales and lex.scales[tokens[end].lower] >= 1000:
                end, scale = end + 1, lex.scales[tokens[end].lower]
            if a < b:
                return Core(i, end, a * scale, a * scale, b * scale, "range", (i,))
        if not tok.is_alpha:
            return None
    glued = _GLUED_SCALE.match(tok.text)
    if glued and glued.group(2).lower() in lex.scale_suffixes:  # "2.5bn", "1.5m" as one token
        v = _digits_value(glued.group(1)) * lex.scale_suffixes[glued.group(2).lower()]
        return Core(i, i + 1, v, v, v, "digits", (i,))
    if tok.is_number:
        value = _digits_value(tok.text)
        end = i + 1
        # thousands separated by a space ("7 000", "1 250 000"): a head of 1-3 digits, then groups of
        # exactly three digits one space apart. FP risk: two numbers side by side ("on March 5 200 people").
        if len(tok.text) <= 3 and tok.text.isdigit():
            while (
                end < n
                and _THOUSANDS_GROUP.match(tokens[end].text)
                and tokens[end].start == tokens[end - 1].end + 1
                and tokens[end].sent == tok.sent
                and "." not in tokens[end - 1].text
            ):
                value = value * 1000 + _digits_value(tokens[end].text)
                end += 1
        if end < n and tokens[end].sent == tok.sent:
            nxt = tokens[end]
            if nxt.lower in lex.scales and lex.scales[nxt.lower] >= 1000:
                value *= lex.scales[nxt.lower]
                end += 1
            elif not nxt.space_before and nxt.lower in lex.scale_suffixes:
                value *= lex.scale_suffixes[nxt.lower]
                end += 1
        return Core(i, end, value, value, value, "digits", (i,))
    words = _word_number(tokens, i, lex)
    if words is not None:
        end, value = words
        if end < n and tokens[end].lower in lex.dozen_words and tokens[end].sent == tok.sent and value < 20:
            # "three dozen" = 36, as approximate as "a dozen"
            v = value * lex.dozen_words[tokens[end].lower]
            return Core(i, end + 1, v, v, v, "dozen", ())
        return Core(i, end, value, value, value, "words", ())
    return None


def match_quantity(tokens: Sequence[Token], i: int, lex: Lexicon | None = None) -> Quantity | None:
    """The quantity starting at token i, or None."""
    lex = lex or load_lexicon()
    n = len(tokens)
    j = i
    if j < n and tokens[j].lower in lex.words["hedges"]:
        j += 1
    qualifier = None
    first = tokens[j].lower if j < n else None
    for phrase, kind in lex.qualifiers:  # the first that matches, in the lexicon's order
        if phrase[0] == first and (end := match_phrase(tokens, j, phrase)) >= 0:
            qualifier, j = kind, end
            break
    if j >= n:
        return None
    # "between X and Y", "from X to Y"
    if tokens[j].lower in ("between", "from"):
        joiner = "and" if tokens[j].lower == "between" else "to"
        a = _core(tokens, j + 1, lex)
        if a is not None and a.end < n and tokens[a.end].lower == joiner:
            b = _core(tokens, a.end + 1, lex)
            if b is not None and a.kind in ("digits", "words"):
                a = _shared_scale(tokens, a, b, lex)
            if b is not None and b.high > a.low:
                if tokens[j].lower == "from" and i > 0 and tokens[i - 1].lower in lex.words["change_verbs"]:
                    return _single(b, b.start, lex, None)
                return _range(i, a, b)
        return None
    a = _core(tokens, j, lex)
    if a is None:
        return None
    start = i  # hedge and qualifier belong to the quantity's span
    # "X to Y", "X-Y", "X or Y"
    if (
        a.end + 1 < n
        and tokens[a.end].lower in lex.words["range_joiners"]
        and tokens[a.end].sent == tokens[j].sent
    ):
        b = _core(tokens, a.end + 1, lex)
        if b is not None and a.kind in ("digits", "words"):
            a = _shared_scale(tokens, a, b, lex)
        if b is not None and b.kind != "vague" and a.kind != "vague" and b.low > a.high:
            joiner = tokens[a.end].lower
            same_kind = (a.kind == "words") == (b.kind == "words")
            tight = not tokens[a.end].space_before and not tokens[a.end + 1].space_before
            if (
                (joiner == "to" and same_kind)
                or (joiner in ("-", "–") and (tight or same_kind))
                or (joiner == "or" and same_kind)
            ):
                return _range(start, a, b)
    if qualifier is None and a.kind in ("digits", "words", "couple", "dozen"):
        # "a million or more", "200 or so": a qualifier after the number
        end, k = match_any(tokens, a.end, [p for p, _ in lex.post_qualifiers])
        if end >= 0 and tokens[end - 1].sent == tokens[a.start].sent:
            return replace(_single(a, start, lex, lex.post_qualifiers[k][1]), end=end)
    return _single(a, start, lex, qualifier)


def _scale_of(tokens: Sequence[Token], c: Core, lex: Lexicon) -> int:
    """The scale word or glued suffix closing a number ("375 million", "1.5m"), 1 when there is none."""
    last = tokens[c.end - 1].lower
    if c.end - 1 > c.start:
        if last in lex.scales:
            return lex.scales[last]
        if last in lex.scale_suffixes and not tokens[c.end - 1].space_before:
            return lex.scale_suffixes[last]
    return 1


def _shared_scale(tokens: Sequence[Token], a: Core, b: Core, lex: Lexicon) -> Core:
    """ "350 to 375 million", "between 2 and 3 million": the scale written once applies to both ends
    when the first number alone is smaller than the second one's digits."""
    scale = _scale_of(tokens, b, lex)
    if scale == 1 or _scale_of(tokens, a, lex) != 1 or not a.value < b.value / scale:
        return a
    v = a.value * scale
    return Core(a.start, a.end, v, v, v, a.kind, a.number_tokens)


def _single(a: Core, start: int, lex: Lexicon, qualifier: str | None) -> Quantity:
    def make(value: float | None, low: float | None, high: float | None, qual: str) -> Quantity:
        single = a.value if a.kind in ("digits", "words") else None
        return Quantity(start, a.end, value, low, high, qual, a.kind, a.start, a.number_tokens, single)

    if a.kind == "range":
        return make(None, a.low, a.high, "range")
    if a.kind == "vague":
        if qualifier == "at_least":
            return make(a.low, a.low, None, "at_least")
        if qualifier == "at_most":
            return make(a.high, None, a.high, "at_most")
        return make(a.low, a.low, a.high, "vague")
    if a.kind in ("couple", "dozen") and qualifier in (None, "exact"):
        qualifier = "approx"
    qualifier = qualifier or "exact"
    if qualifier == "at_least":
        return make(a.value, a.value, None, qualifier)
    if qualifier == "at_most":
        return make(a.value, None, a.value, qualifier)
    return make(a.value, a.value, a.value, qualifier)


def parse_quantity(phrase: str) -> tuple[float | None, float | None, float | None, str] | None:
    """Parse a quantity phrase ("more than 50,000", "a couple of thousand", "between 100 and 150",
    "hundreds of") into (value, low, high, qualifier); None when the phrase is not one whole quantity."""
    if not isinstance(phrase, str):
        return None
    tokens = view(parse(phrase.strip()))
    if not tokens:
        return None
    q = match_quantity(tokens, 0)
    if q is None or q.end != len(tokens):
        return None
    return q.value, q.low, q.high, q.qualifier
