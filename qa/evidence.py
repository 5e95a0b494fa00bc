"""Sentence-level evidence: every sentence of the retrieved chunks scored against the question."""

from __future__ import annotations

import re
from dataclasses import dataclass

from planqa.corpus.models import Chunk
from planqa.index.types import Hit
from planqa.qa.analysis import Analysis
from planqa.qa.catalog import Catalog
from planqa.qa.sentences import Sentence, split_sentences
from planqa.qa.terms import bigram_overlap, bigrams

_DIGIT = re.compile(r"\d")
_HEADING = re.compile(r"^(?:第[一二三四五六七八九十百\d]+[章节篇部分]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|"
                      r"\d+[.、．]|专栏)")


@dataclass
class Evidence:
    chunk: Chunk
    sentence: Sentence
    score: float  # ranking score (relevance + priors)
    strength: float  # weighted share of question terms found in sentence + headings (for refusals)
    missing: tuple[str, ...]  # question terms found neither in the sentence nor its headings
    hit_score: float = 0.0

    @property
    def text(self) -> str:
        return self.sentence.text

    @property
    def has_number(self) -> bool:
        return bool(_DIGIT.search(self.sentence.text))


def context_of(chunk: Chunk, title: str) -> str:
    """The headings a sentence sits under; they tell what it is about."""
    return " ".join([title, chunk.chapter, chunk.section, chunk.label, *chunk.heading_path])


def is_heading(text: str, chunk: Chunk) -> bool:
    t = text.strip()
    return bool(_HEADING.match(t)) and len(t) <= 40 or t in (chunk.chapter, chunk.section, chunk.label)


def score_sentences(a: Analysis, hits: list[Hit], catalog: Catalog, anchors: list[str] = ()) -> list[Evidence]:
    """All sentences of the hits, best first. Anchors (years, sub-places) must occur in the chunk."""
    weights = catalog.weights(a.terms)
    total = sum(weights.values()) or 1.0
    qb = bigrams("".join(a.terms))
    top = max((h.score for h in hits), default=1.0) or 1.0
    out: list[Evidence] = []
    for rank, hit in enumerate(hits):
        chunk = hit.chunk
        ctx = context_of(chunk, catalog.title(chunk.doc_id))
        if anchors and not all(x in chunk.text or x in ctx for x in anchors):
            continue
        prior = 0.15 * (hit.score / top if top > 0 else 0.0) + 0.1 / (rank + 1)
        ctx_hit = {t for t in a.terms if t in ctx}
        for s in split_sentences(chunk.text):
            if is_heading(s.text, chunk):
                continue
            in_sent = {t for t in a.terms if t in s.text}
            sent_cov = sum(weights[t] for t in in_sent) / total
            covered = in_sent | ctx_hit
            strength = sum(weights[t] for t in covered) / total if a.terms else 0.0
            score = 0.55 * sent_cov + 0.2 * strength + 0.2 * bigram_overlap(qb, s.text) + prior
            if a.qtype == "number":
                score += 0.15 if _DIGIT.search(s.text) else -0.1
                if chunk.kind == "table":
                    score += 0.05
            if a.years and any(y in s.text for y in a.years):
                score += 0.1
            if len(s.text) < 8:
                score -= 0.1
            missing = tuple(t for t in a.terms if t not in covered)
            out.append(Evidence(chunk, s, score, strength, missing, hit.score))
    out.sort(key=lambda e: -e.score)
    return out
