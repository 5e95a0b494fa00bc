"""How well a question term is matched by a passage, surviving paraphrase.

Four ways a term can be present, best first: the word itself; a thesaurus synonym (`thesaurus`); an
abbreviation (a 2–3 character term whose characters appear in order inside one longer passage word:
职教 ~ 职业教育, 高职 ~ 高等职业); and character bigrams (segmentation errors and compounds that are
worded a little differently: 宽容失败 ~ 包容失败 share 失败).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from planqa.corpus.terms import bigrams
from planqa.corpus.thesaurus import synonyms

EXACT, SYNONYM, ABBREVIATION = 1.0, 0.85, 0.8
_LOST = "?\ufffd"  # characters the extraction could not decode; each may stand for any one character


@lru_cache(maxsize=4096)
def _abbrev_pattern(term: str) -> re.Pattern:
    # In order, inside one run of CJK characters, at most two characters between two of them.
    return re.compile("[\u4e00-\u9fff]{0,2}".join(re.escape(ch) for ch in term))


@lru_cache(maxsize=4096)
def _lossy_pattern(term: str) -> re.Pattern:
    return re.compile("".join(f"[{re.escape(ch)}{_LOST}]" for ch in term))


@dataclass(frozen=True)
class Matcher:
    thesaurus: str = "cilin"  # cilin | cnsyn | none

    def term(self, term: str, text: str) -> float:
        """1 the word; 0.85 a synonym; 0.8 an abbreviation of a passage word; else the share of its
        bigrams (or characters, for two-character terms) present, halved."""
        if term in text:
            return EXACT
        if any(s in text for s in synonyms(term, self.thesaurus)):
            return SYNONYM
        if 2 <= len(term) <= 3 and _abbrev_pattern(term).search(text):
            return ABBREVIATION
        if len(term) >= 3 and any(c in text for c in _LOST):
            allowed = max(1, len(term) // 4)  # one lost character in four at most
            for m in _lossy_pattern(term).finditer(text):
                if sum(c in _LOST for c in m.group(0)) <= allowed:
                    return EXACT
        if len(term) < 3:
            return 0.0
        tb = bigrams(term)
        share = sum(b in text for b in tb) / len(tb) if tb else 0.0
        return 0.5 * share if share >= 0.5 else 0.0

    def expand(self, terms: list[str]) -> list[str]:
        """Terms and their synonyms, for a keyword retrieval pass that finds the plan's own wording."""
        out: dict[str, None] = {}
        for t in terms:
            out.setdefault(t, None)
            for s in sorted(synonyms(t, self.thesaurus))[:6]:
                out.setdefault(s, None)
        return list(out)
