"""Compiled alias and acronym matcher of a knowledge base, built once and cached on the KB object.

Aliases are matched on folded token sequences (see `normalise`), acronyms on exact, case-sensitive,
whole-word text. The matcher returns candidate spans; `linking` decides overlaps and which entity wins.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from dataclasses import dataclass

from pipelines.entities.kb import KnowledgeBase
from pipelines.entities.normalise import ARTICLE, Token, fold_phrase

logger = logging.getLogger(__name__)

# An alias that starts with the article also matches without it ("al-Nusra" -> "Nusra") when the word
# left is at least this long once folded. Risk: short bare words ("Bab", "Dana") are everyday words or
# given names; those keep their article.
MIN_BARE_AFTER_ARTICLE = 5


@dataclass(frozen=True)
class AliasCandidate:
    entity_id: str
    kind: str  # canonical | alias | translation | former_name | generated | bare


@dataclass(frozen=True)
class RawMatch:
    start: int
    end: int
    candidates: tuple[AliasCandidate, ...]
    method: str  # alias | acronym


class Matcher:
    """Alias index (folded key tuple -> candidates) and one acronym regex."""

    def __init__(self, kb: KnowledgeBase) -> None:
        index: dict[tuple[str, ...], dict[str, AliasCandidate]] = defaultdict(dict)
        for e in kb.entities:
            for alias, kind in e.names():
                key = fold_phrase(alias)
                if not key:
                    continue
                variants = [(key, kind)]
                if key[0] == ARTICLE and len(key) > 1 and len(key[1]) >= MIN_BARE_AFTER_ARTICLE:
                    variants.append((key[1:], "bare"))
                if key[0] != ARTICLE:
                    variants.append(((ARTICLE, *key), "article"))
                for k, kd in variants:
                    # the first kind registered for an entity (the most specific) is kept
                    index[k].setdefault(e.entity_id, AliasCandidate(e.entity_id, kd))
        self.index = {k: tuple(v.values()) for k, v in index.items()}
        self.max_len = max((len(k) for k in self.index), default=0)
        acr: dict[str, list[tuple[str, bool]]] = defaultdict(list)
        for e in kb.entities:
            for ac in e.acronyms:
                acr[ac.form].append((e.entity_id, ac.needs_support))
        self.acronyms = dict(acr)
        forms = sorted(self.acronyms, key=len, reverse=True)
        self.acronym_rx = (
            re.compile(r"(?<![^\W_])(?:" + "|".join(re.escape(f) for f in forms) + r")(?![^\W_])")
            if forms
            else None
        )
        self.support_required = {
            (form, eid) for form, lst in self.acronyms.items() for eid, needs in lst if needs
        }
        logger.debug("matcher: %d alias keys, %d acronyms", len(self.index), len(self.acronyms))

    def alias_matches(self, text: str, tokens: list[Token]) -> list[RawMatch]:
        """Longest alias match starting at each word; a match covers whole words only."""
        out: list[RawMatch] = []
        n = len(tokens)
        keys = [t.key for t in tokens]
        for i in range(n):
            if i > 0 and tokens[i - 1].start == tokens[i].start:
                continue  # second half of a fused word
            for length in range(min(self.max_len, n - i), 0, -1):
                j = i + length - 1
                if j + 1 < n and tokens[j + 1].start == tokens[j].start:
                    continue  # would end inside a fused word
                cands = self.index.get(tuple(keys[i : j + 1]))
                if not cands or not _capitalised(tokens[i : j + 1]) or not _joined(text, tokens[i : j + 1]):
                    continue
                out.append(RawMatch(tokens[i].start, tokens[j].end, cands, "alias"))
                break
        return out

    def acronym_matches(self, text: str) -> list[RawMatch]:
        if self.acronym_rx is None:
            return []
        out = []
        for m in self.acronym_rx.finditer(text):
            cands = tuple(AliasCandidate(eid, "acronym") for eid, _ in self.acronyms[m.group(0)])
            out.append(RawMatch(m.start(), m.end(), cands, "acronym"))
        return out


# What may stand between two words of one name: a space or hyphen, the dot of an initial ("U.S.-led"),
# a possessive ("Assad's forces", "Kurdistan Workers' Party"). Anything else (brackets, commas, line
# breaks) ends the name.
# A dash with spaces around it joins the parts of a long official name ("Combined Joint Task Force –
# Operation Inherent Resolve"); it only counts where the whole span is a knowledge-base name.
_NAME_GAP = re.compile(r"(?:['’]s?)?\.?[ \u00a0\-‐‑]?|[ \u00a0][–—-][ \u00a0]")


def _joined(text: str, tokens: list[Token]) -> bool:
    return all(_NAME_GAP.fullmatch(text[a.end : b.start]) for a, b in zip(tokens, tokens[1:], strict=False))


# Articles written as a separate lower-case word before the capitalised name ("al-Qaeda", "ez-Zor").
_WRITTEN_ARTICLES = frozenset({"al", "el", "ad", "as", "an", "at", "ar", "az", "ez", "ash"})


def _capitalised(tokens: list[Token]) -> bool:
    """A proper name: its first word that is not an article starts with a capital letter, or is a
    number or ordinal followed by a capitalised word ("4th Division", "25th Special Mission Forces
    Division"). Risk: "3 Brigades" would need a knowledge-base alias "3 Brigades" to match at all."""
    for k, t in enumerate(tokens):
        if t.key == ARTICLE and t.text.casefold() in _WRITTEN_ARTICLES:
            continue
        if t.text[:1].isdigit():
            return k + 1 < len(tokens) and tokens[k + 1].text[:1].isupper()
        return t.text[:1].isupper()
    return False


def shared_names(kb: KnowledgeBase) -> dict[tuple[str, ...], tuple[str, ...]]:
    """Written forms (folded) that name more than one entity, most specific kind only.

    Such a form is linked by the document's other names, then by the publication date, so the entities
    sharing it should not be valid over the same period (see tests/entities).
    """
    m = get_matcher(kb)
    out = {}
    for key, cands in m.index.items():
        best = [c for c in cands if c.kind not in ("article", "bare", "generated")]
        if len(best) > 1:
            out[key] = tuple(c.entity_id for c in best)
    return out


def get_matcher(kb: KnowledgeBase) -> Matcher:
    """The KB's compiled matcher, built on first use and cached on the KB object."""
    if kb._matcher is None:
        kb._matcher = Matcher(kb)
    return kb._matcher
