"""Sentence-level evidence: every sentence of the retrieved chunks scored against the question."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from planqa.corpus.models import Chunk
from planqa.index.types import Hit
from planqa.qa.analysis import Analysis
from planqa.qa.catalog import Catalog
from planqa.qa.sentences import Sentence, split_sentences
from planqa.qa.terms import SYNONYMS, bigram_overlap, bigrams

# A figure: digits, or a Chinese numeral with a measure word (三次, 两所, 十万人).
_DIGIT = re.compile(r"\d|[一二两三四五六七八九十百千]+[个所家项名条次门套万亿]")
_HEADING = re.compile(r"^(?:第[一二三四五六七八九十百\d]+[章节篇部分]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|"
                      r"\d+[.、．]|专栏)")


_DOC_NUMBER = re.compile(r"[\u4e00-\u9fa5]{1,10}[〔\[【(（]\s*(?:19|20)\d{2}\s*[〕\]】)）]\s*\d+\s*号")


_LOST = "?\ufffd"  # placeholders the extraction left for characters it could not decode


@lru_cache(maxsize=2048)
def _lossy_pattern(term: str) -> re.Pattern:
    return re.compile("".join(f"[{re.escape(ch)}{_LOST}]" for ch in term))


def _lossy_match(term: str, text: str) -> bool:
    """The term with at most one character lost per four (社会?作 ~ 社会工作; 社会?作? is too little of 社会工作者)."""
    allowed = max(1, len(term) // 4)
    return any(sum(ch in _LOST for ch in m.group(0)) <= allowed for m in _lossy_pattern(term).finditer(text))


def term_match(term: str, text: str) -> float:
    """1 when the term occurs (lost characters "?" match anything); partial credit when most of its
    characters do (宽容失败 ~ 包容失败)."""
    if term in text or any(syn in text for syn in SYNONYMS.get(term, ())):
        return 1.0
    if ("?" in text or "\ufffd" in text) and any(
            len(t) >= 2 and _lossy_match(t, text) for t in (term, *SYNONYMS.get(term, ()))):
        return 1.0
    if len(term) < 3:
        return 0.0
    if len(term) >= 4 and (term[: len(term) // 2] in text or term[len(term) // 2 :] in text):
        return 0.5  # one word of a compound (保障措施 ~ 保障机制)
    share = sum(ch in text for ch in term) / len(term)
    return 0.5 * share if share >= 0.6 else 0.0


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


def context_of(chunk: Chunk) -> str:
    """The headings a sentence sits under; they tell what it is about."""
    return " ".join([chunk.chapter, chunk.section, chunk.label, *chunk.heading_path])


def is_heading(text: str, chunk: Chunk) -> bool:
    t = text.strip()
    return bool(_HEADING.match(t)) and len(t) <= 40 or t in (chunk.chapter, chunk.section, chunk.label)


_DIGITS = re.compile(r"\d")
_FLATTENED = re.compile(r"[\d.]{12,}")
_BACKGROUND = re.compile(r"发展基础|面临的?形势|发展环境|发展背景|回顾|现状|成就")
_TARGET_CUE = re.compile(r"到20\d\d|目标|力争|以上|达到|“十四五”|十四五|期末|预期性|约束性")
_PAST_CUE = re.compile(r"截至|截止|十三五|20[12]\d年底|累计|已|基数")


# A plan period names its end year: "十四五" targets are 2025 targets, "十三五" results are 2020 figures.
_PERIOD_OF_YEAR = {"2025": "十四五", "2020": "十三五"}


def _anchored(anchor: str, text: str) -> bool:
    return anchor in text or (anchor in _PERIOD_OF_YEAR and _PERIOD_OF_YEAR[anchor] in text)


def sentences_of(chunk: Chunk) -> list[Sentence]:
    """A table row is one statement (indicator, base, target); other chunks split into sentences."""
    if chunk.kind == "table":
        body = chunk.text.strip()
        start = chunk.text.find(body)
        return [Sentence(body, start, start + len(body), 0, True)] if body else []
    return split_sentences(chunk.text)


def score_sentences(a: Analysis, hits: list[Hit], catalog: Catalog, anchors: list[str] = ()) -> list[Evidence]:
    """All sentences of the hits, best first. Anchors (years, sub-places) must occur in the chunk."""
    # Verbs weigh half: plans say 搭建/构建/建立 for the same act, nouns name the thing asked about.
    weights = {t: w * (0.5 if t in a.soft else 1.0) for t, w in catalog.weights(a.terms).items()}
    total = sum(weights.values()) or 1.0
    qb = bigrams("".join(a.terms))
    top = max((h.score for h in hits), default=1.0) or 1.0
    out: list[Evidence] = []
    for rank, hit in enumerate(hits):
        chunk = hit.chunk
        ctx = context_of(chunk)
        title = catalog.title(chunk.doc_id)
        if anchors and not all(_anchored(x, chunk.text + ctx + title) for x in anchors):
            continue
        # Terms that only restate the document's title identify it; they are no evidence of the content.
        content = [t for t in a.terms if term_match(t, title) < 1.0] or list(a.terms)
        content_total = sum(weights[t] for t in content) or 1.0
        prior = 0.15 * (hit.score / top if top > 0 else 0.0) + 0.1 / (rank + 1)
        ctx_cov = {t: term_match(t, ctx) for t in a.terms}
        background = bool(_BACKGROUND.search(chunk.chapter + chunk.section))
        for s in sentences_of(chunk):
            if is_heading(s.text, chunk):
                continue
            sent_cov_t = {t: term_match(t, s.text) for t in a.terms}
            sent_cov = sum(weights[t] * v for t, v in sent_cov_t.items()) / total
            covered = {t: max(v, 0.8 * ctx_cov[t]) for t, v in sent_cov_t.items()}
            strength = sum(weights[t] * covered[t] for t in content) / content_total if a.terms else 0.0
            score = 0.55 * sent_cov + 0.2 * strength + 0.2 * bigram_overlap(qb, s.text) + prior
            if a.qtype == "number":
                score += 0.15 if _DIGIT.search(s.text) else -0.1
                if chunk.kind == "table":
                    score += 0.05
            if a.tense and a.qtype in ("number", "comparison", "general"):
                score += 0.08 if (_PAST_CUE if a.tense == "past" else _TARGET_CUE).search(s.text) else 0.0
            if background and (a.qtype == "measure" or a.tense == "target"):
                score -= 0.08  # plans review the past before they plan: measures and targets come later
            if a.years and any(y in s.text for y in a.years):
                score += 0.1
            if a.field == "doc_number" and _DOC_NUMBER.search(s.text):
                score += 0.3
            if len(s.text) < 8:
                score -= 0.1
            if _FLATTENED.search(s.text) or len(_DIGITS.findall(s.text)) > 0.35 * len(s.text):
                score -= 0.3  # a table the extraction flattened into a run of figures: unreadable
            missing = tuple(t for t in content if covered[t] < 0.5)
            out.append(Evidence(chunk, s, score, strength, missing, hit.score))
    out.sort(key=lambda e: -e.score)
    return out
