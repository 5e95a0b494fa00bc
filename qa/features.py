"""Named features of one (ask, candidate sentence) pair: what the answerability model reads.

Every candidate is a sentence of a retrieved chunk (its span and vector stored at ingest). Features are
generic: retrieval scores and rank agreement, soft term coverage (`match`), dense sentence similarity,
answer-type fit, period/year fit and place fit. The table in qa/README.md says where each is computed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from planqa.corpus.figures import Fig, figure_labels, figures
from planqa.corpus.metadata import DATE_CN, DOC_NUMBER
from planqa.corpus.models import Chunk
from planqa.corpus.periods import Period, cues, doc_period, frame, ordinal_name
from planqa.corpus.sentences import split_sentences
from planqa.corpus.terms import bigrams
from planqa.index.catalog import Catalog
from planqa.index.types import Hit
from planqa.qa.asks import Ask
from planqa.qa.match import Matcher
from planqa.qa.sentences import is_title

FEATURES = ("chunk_score", "chunk_rank", "rank_agree", "cov_exact", "cov_soft", "cov_context", "bigram",
            "missing_idf", "dense_sim", "dense_margin", "dense_rank", "type_fit", "unit_fit", "year_fit",
            "tense_fit", "place_fit", "is_heading", "title_like", "front_matter",
            "cov_best", "cov_gap")


@dataclass
class Candidate:
    """One sentence of a retrieved chunk, with the features the model reads and (later) its probability."""

    chunk: Chunk
    text: str
    start: int
    end: int
    hit_score: float
    features: dict[str, float] = field(default_factory=dict)
    p: float = 0.0
    tense: str = ""  # the ask's tense in this document's period (2025 is past in a 十五五 plan)
    frame: Period | None = None  # the period this document's past and targets are relative to
    figs: list[tuple[Fig, float]] = field(default_factory=list)  # number asks: its figures, how well each is named

    def vector(self) -> list[float]:
        return [self.features[name] for name in FEATURES]


def tense_in(tense: str, years: list[str], period: Period | None) -> str:
    """An ask's tense in a plan of `period` (resolved per candidate document): past when it says so or asks a
    year before the period."""
    if tense == "past" or (period and any(y < period[0] for y in years)):
        return "past"
    return tense


def _year_fit(ask: Ask, tense: str, context: str, period: Period | None) -> float:
    """1: the sentence or its headings state the years asked; 0.7: the plan's period covers them; 0: neither."""
    if not ask.years:
        return 1.0
    fits = []
    for y in ask.years:
        if y in context or (ordinal_name(int(y)) or "#") in context:
            fits.append(1.0)
        elif period and period[0] <= y <= period[1]:
            fits.append(0.7)
        elif period and tense == "past" and y < period[0]:
            fits.append(0.5)  # a base year before the plan period: reviews and tables state it
        else:
            fits.append(0.0)
    return min(fits)


def _tense_fit(ask: Ask, tense: str, text: str, frame: Period | None, lead: str = "") -> float:
    past_cue, target_cue = cues(frame)
    past, target = bool(past_cue.search(text)), bool(target_cue.search(text))
    if not (past or target) and lead:  # a statement without a cue of its own continues the passage's last one
        marks = [(m.end(), "past") for m in past_cue.finditer(lead)] + [(m.end(), "target") for m in target_cue.finditer(lead)]
        kind = max(marks)[1] if marks else ""
        past, target = kind == "past", kind == "target"
    if tense == "past":
        return 1.0 if past else 0.0
    if tense == "target" or ask.qtype == "number":
        return 0.0 if past and not target else 1.0
    return 1.0


# Units that answer the same measure word: "多少人" is answered in 名/位/人次 too, "几个" in 家/项/所.
UNIT_FAMILY = {"人": ("人", "名", "位"), "个": ("个", "家", "项", "所", "套", "次"), "所": ("所", "个"),
               "%": ("%", "‰"), "元": ("元",), "张": ("张",)}


STRICT_UNITS = ("%", "元")  # measure words that name their unit unambiguously (比例 → %, 多少钱 → 元)


def unit_fits(unit: str, units: list[str]) -> bool:
    return any(f in u for u in units for f in UNIT_FAMILY.get(unit, (unit,)))


def _type_fit(ask: Ask, text: str, chunk: Chunk) -> tuple[float, float]:
    """(does the sentence have the kind of content asked, does a figure carry the expected unit)."""
    figs = figures(text)
    if ask.qtype in ("number", "which"):
        unit = 1.0 if ask.unit and unit_fits(ask.unit, [u for _, u in figs]) else (0.5 if figs and not ask.unit else 0.0)
        return (1.0 if figs else 0.0), unit
    if ask.qtype == "metadata":
        return (1.0 if DOC_NUMBER.search(text) or DATE_CN.search(text) else 0.0), 0.0
    if ask.qtype == "chapter":
        return (1.0 if chunk.chapter else 0.0), 0.0
    return (1.0 if len(text) >= 12 and not figs else 0.5), 0.0


def sentences(chunk: Chunk, spans: list[tuple[int, int]] | None) -> list[tuple[int, int]]:
    if spans:
        return list(spans)
    return [(s.start, s.end) for s in split_sentences(chunk.text)]


def candidates(ask: Ask, terms: list[str], subplaces: list[str], hits: list[Hit], qvec: np.ndarray | None,
               index, catalog: Catalog, matcher: Matcher) -> list[Candidate]:
    """Every sentence of the hits with its features (the question is encoded once; passages never)."""
    if not hits:
        return []
    has_vectors = qvec is not None and hasattr(index, "sentence_vectors")
    stored = index.sentence_vectors([h.chunk.chunk_id for h in hits]) if has_vectors else {}
    top = max(h.score for h in hits) or 1.0
    n = len(hits)
    bm_rank = _ranks([h.bm25 for h in hits])
    de_rank = _ranks([h.dense for h in hits])
    weights = catalog.weights(terms)
    in_corpus = {t: catalog.df(t) > 0 for t in terms}
    total = sum(weights.values()) or 1.0
    q_bigrams = bigrams("".join(terms))

    def cover(label: str) -> float:  # how much of the ask a figure's label names (IDF-weighted, soft)
        return sum(weights[t] * matcher.term(t, label) for t in terms) / total if label else 0.0
    out: list[Candidate] = []
    sims: list[float] = []
    for i, h in enumerate(hits):
        c = h.chunk
        sv = stored.get(c.chunk_id)
        spans = sentences(c, sv.spans if sv else None)
        vec_sims = (sv.vectors @ qvec).tolist() if sv is not None and len(sv.spans) == len(spans) else None
        heads = " ".join(x for x in (c.chapter, c.section) if x)
        period = doc_period(catalog.title(c.doc_id))
        base = frame(catalog.title(c.doc_id), catalog.meta(c.doc_id).get("date") or "")
        tense = tense_in(ask.tense, ask.years, base)
        title_bigrams = bigrams(catalog.title(c.doc_id))
        front = front_matter(c, catalog.meta(c.doc_id))
        for j, (s, e) in enumerate(spans):
            text = c.text[s:e].strip()
            if len(text) < 4:
                continue
            context = f"{heads} {text}"
            soft = {t: matcher.term(t, text) for t in terms}
            soft_ctx = {t: max(v, matcher.term(t, heads) if heads else 0.0) for t, v in soft.items()}
            # a word the corpus has but this sentence lacks points at another topic; the user's own
            # vocabulary (no chunk has it) says nothing either way
            missing = [weights[t] for t, v in soft_ctx.items() if v == 0.0 and in_corpus[t]]
            type_fit, unit_fit = _type_fit(ask, text, c)
            sim = float(vec_sims[j]) if vec_sims is not None else 0.0
            sims.append(sim)
            f = {
                "chunk_score": h.score / top,
                "chunk_rank": 1.0 / (i + 1),
                "rank_agree": 1.0 - abs(bm_rank[i] - de_rank[i]) / n,
                "cov_exact": sum(weights[t] for t in terms if t in text) / total,
                "cov_soft": sum(weights[t] * v for t, v in soft.items()) / total,
                "cov_context": sum(weights[t] * v for t, v in soft_ctx.items()) / total,
                "bigram": len(q_bigrams & bigrams(text)) / len(q_bigrams) if q_bigrams else 0.0,
                "missing_idf": max(missing, default=0.0) / 10.0,
                "dense_sim": sim,
                "type_fit": type_fit,
                "unit_fit": unit_fit,
                "year_fit": _year_fit(ask, tense, context, period),
                "tense_fit": _tense_fit(ask, tense, text, base, c.text[:s]),
                "place_fit": 1.0 if not subplaces or any(p in context for p in subplaces) else 0.0,
                "is_heading": 1.0 if is_title(text) else 0.0,
                # the title line, the notice and the metadata block restate the plan, they answer nothing
                "title_like": len(bigrams(text) & title_bigrams) / max(len(bigrams(text)), 1),
                "front_matter": front,
            }
            figs = [(g, cover(g.label or heads)) for g in figure_labels(text, base)] if ask.qtype in ("number", "which") else []
            out.append(Candidate(c, text, s, s + len(c.text[s:e].rstrip()), h.score, f, tense=tense, frame=base, figs=figs))
    if not out:
        return out
    best_cov = max(c.features["cov_context"] for c in out)
    for cand in out:  # how well the ask is covered at all: answerability is a property of the ask
        cand.features["cov_best"] = best_cov
        cand.features["cov_gap"] = cand.features["cov_context"] - best_cov
    order = np.argsort(-np.asarray(sims), kind="stable")
    best, second = (sims[order[0]], sims[order[1]] if len(order) > 1 else sims[order[0]])
    for r, k in enumerate(order):
        cand = out[k]
        cand.features["dense_rank"] = 1.0 / (r + 1)
        cand.features["dense_margin"] = sims[k] - (second if r == 0 else best)
    return out


def front_matter(chunk: Chunk, meta: dict) -> float:
    """1 for a chunk before the document's first heading (the notice, its record block and the preface:
    they describe the document, not its content); a document without headings has no front matter."""
    starts = [h["start"] for h in meta.get("headings") or [] if "start" in h]
    return 1.0 if starts and chunk.start < min(starts) and not (chunk.chapter or chunk.section) else 0.0


def _ranks(values: list[float | None]) -> list[int]:
    """Rank of each hit under one retriever (absent scores rank last)."""
    keyed = sorted(range(len(values)), key=lambda i: -(values[i] if values[i] is not None else -1e9))
    ranks = [0] * len(values)
    for r, i in enumerate(keyed):
        ranks[i] = r
    return ranks
