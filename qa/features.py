"""Named features of one (ask, candidate sentence) pair: what the answerability model reads.

Every candidate is a sentence of a retrieved chunk (its span and vector stored at ingest). Features are
generic: retrieval scores and rank agreement, soft term coverage (`match`), dense sentence similarity,
answer-type fit, period/year fit and place fit. The table in qa/README.md says where each is computed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from planqa.corpus.headings import match_heading
from planqa.corpus.models import Chunk
from planqa.corpus.sentences import split_sentences
from planqa.index.types import Hit
from planqa.qa.asks import Ask
from planqa.qa.catalog import Catalog
from planqa.qa.match import Matcher
from planqa.qa.terms import bigrams

FEATURES = ("chunk_score", "chunk_rank", "rank_agree", "cov_exact", "cov_soft", "cov_context", "bigram",
            "missing_idf", "dense_sim", "dense_margin", "dense_rank", "type_fit", "unit_fit", "year_fit",
            "tense_fit", "place_fit", "is_heading", "title_like", "front_matter",
            "cov_best", "cov_gap")

# A figure: a number with a unit (years and list enumerators are no figures).
FIGURE = re.compile(r"(\d+(?:\.\d+)?)\s*((?:[万亿])?(?:人次|人|元|所|个|家|项|名|套|次|张|件|位|平方米)|%|‰|倍|小时|万|亿|年限?)")
_YEAR_ONLY = re.compile(r"^(?:19|20)\d{2}$")
_ENUM = re.compile(r"^\s*(?:\d+[.．、]|[（(]\d+[)）])")
# Statements of the past period (review of achievements, base-year values).
PAST_CUE = re.compile(r"截至|截止|十三五|2020年(?:底|末)?|累计|以来|已(?:经)?|基数|基期|期间(?:共|累计)")
TARGET_CUE = re.compile(r"到20[2-9]\d|十四五|力争|达到|提高到|提升到|增加到|目标|预期性|约束性|不低于|超过")
_DOC_NUMBER = re.compile(r"[〔\[【(（]\s*(?:19|20)\d{2}\s*[〕\]】)）]\s*\d+\s*号")
_DATE = re.compile(r"(?:19|20)\d{2}年\d{1,2}月\d{1,2}日")
_PERIOD_OF = {"十三五": ("2016", "2020"), "十四五": ("2021", "2025"), "十五五": ("2026", "2030")}
_RANGE = re.compile(r"((?:19|20)\d{2})\s*[—\-–~至到]\s*((?:19|20)\d{2})")
_NAMED_PERIOD = {"2020": "十三五", "2025": "十四五", "2030": "十五五"}


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

    def vector(self) -> list[float]:
        return [self.features[name] for name in FEATURES]


def figures(text: str) -> list[tuple[str, str]]:
    """(value, unit) of every figure in `text`, years and enumerators left out."""
    body = _ENUM.sub("", text)
    return [(v, u) for v, u in FIGURE.findall(body) if not (u.startswith("年") and _YEAR_ONLY.match(v))]


def figure_for(text: str, tense: str) -> tuple[str, str] | None:
    """The figure a past / target ask wants from a sentence stating both ("2020年基数8.5万人；目标12万人"): the first
    one whose nearest preceding cue is of that tense; else the first figure."""
    body = _ENUM.sub("", text)
    cues = sorted([(m.end(), "past") for m in PAST_CUE.finditer(body)] + [(m.end(), "target") for m in TARGET_CUE.finditer(body)])
    want = "past" if tense == "past" else "target"
    found = []
    for m in FIGURE.finditer(body):
        v, u = m.group(1), m.group(2)
        if u.startswith("年") and _YEAR_ONLY.match(v):
            continue
        before = [kind for end, kind in cues if end <= m.start()]
        found.append(((before[-1] if before else ""), v, u))
    for kind, v, u in found:
        if kind == want:
            return v, u
    return (found[0][1], found[0][2]) if found else None


_CLAUSE = re.compile(r"[，,；;。：:、]")


def clause_figures(text: str, tense: str) -> list[tuple[str, str, str, str, float]]:
    """Every figure of a sentence with the text that names it: (own clause up to the figure, the clause
    before it, value, unit, tense fit) — "…，高新技术企业达到150家" → ("高新技术企业达到", "…")."""
    body = _ENUM.sub("", text)
    want = "past" if tense == "past" else "target"
    out = []
    for m in FIGURE.finditer(body):
        v, u = m.group(1), m.group(2)
        if u.startswith("年") and _YEAR_ONLY.match(v):
            continue
        head = body[: m.start()]
        cuts = [c.end() for c in _CLAUSE.finditer(head)]
        own = head[cuts[-1] if cuts else 0:]
        prev = head[cuts[-2] if len(cuts) >= 2 else 0: cuts[-1]] if cuts else ""
        cues = [(c.end(), "past") for c in PAST_CUE.finditer(head)] + [(c.end(), "target") for c in TARGET_CUE.finditer(head)]
        kind = max(cues)[1] if cues else ""
        out.append((own, prev, v, u, 1.0 if kind == want else 0.5 if not kind else 0.0))
    return out


def doc_period(title: str) -> tuple[str, str] | None:
    """The years a plan covers, from its title (“十四五” → 2021–2025, “2021—2025年” …); None: unknown."""
    m = _RANGE.search(title)
    if m:
        return m.group(1), m.group(2)
    return next((span for name, span in _PERIOD_OF.items() if name in title), None)


def _year_fit(ask: Ask, context: str, period: tuple[str, str] | None) -> float:
    """1: the sentence or its headings state the years asked; 0.7: the plan's period covers them; 0: neither."""
    if not ask.years:
        return 1.0
    fits = []
    for y in ask.years:
        if y in context or (_NAMED_PERIOD.get(y, "#") in context):
            fits.append(1.0)
        elif period and period[0] <= y <= period[1]:
            fits.append(0.7)
        elif period and ask.tense == "past" and y < period[0]:
            fits.append(0.5)  # a base year before the plan period: reviews and tables state it
        else:
            fits.append(0.0)
    return min(fits)


def _tense_fit(ask: Ask, text: str) -> float:
    past, target = bool(PAST_CUE.search(text)), bool(TARGET_CUE.search(text))
    if ask.tense == "past":
        return 1.0 if past else 0.0
    if ask.tense == "target" or ask.qtype == "number":
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
        return (1.0 if _DOC_NUMBER.search(text) or _DATE.search(text) else 0.0), 0.0
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
    out: list[Candidate] = []
    sims: list[float] = []
    for i, h in enumerate(hits):
        c = h.chunk
        sv = stored.get(c.chunk_id)
        spans = sentences(c, sv.spans if sv else None)
        vec_sims = (sv.vectors @ qvec).tolist() if sv is not None and len(sv.spans) == len(spans) else None
        heads = " ".join(x for x in (c.chapter, c.section) if x)
        period = doc_period(catalog.title(c.doc_id))
        title_bigrams = bigrams(catalog.title(c.doc_id))
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
                "year_fit": _year_fit(ask, context, period),
                "tense_fit": _tense_fit(ask, text),
                "place_fit": 1.0 if not subplaces or any(p in context for p in subplaces) else 0.0,
                "is_heading": 1.0 if match_heading(text) is not None and len(text) <= 40 else 0.0,
                # the title line, the notice and the metadata block restate the plan, they answer nothing
                "title_like": len(bigrams(text) & title_bigrams) / max(len(bigrams(text)), 1),
                "front_matter": 0.0 if c.chapter or c.section else 1.0,
            }
            out.append(Candidate(c, text, s, s + len(c.text[s:e].rstrip()), h.score, f))
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


def _ranks(values: list[float | None]) -> list[int]:
    """Rank of each hit under one retriever (absent scores rank last)."""
    keyed = sorted(range(len(values)), key=lambda i: -(values[i] if values[i] is not None else -1e9))
    ranks = [0] * len(values)
    for r, i in enumerate(keyed):
        ranks[i] = r
    return ranks
