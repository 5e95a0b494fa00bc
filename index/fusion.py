"""Fusing BM25 and dense results into one ranking.

- `weighted`: each score list is min-max normalised over the candidate pool, then
  `w·bm25 + (1-w)·dense`. BM25 scores are unbounded and query-dependent, cosine scores live in a
  narrow band; normalising puts both on [0, 1] before weighting.
- `rrf`: reciprocal rank fusion, `Σ 1/(60 + rank)`; needs no score calibration.
- `rerank_by_sentences`: the second stage over a hybrid pool: a chunk is as relevant as its best sentence
  (a paraphrased question matches one sentence of a paragraph far better than the whole paragraph).
"""

from __future__ import annotations

import numpy as np

RRF_K = 60
# Chosen on eval/data/dev.jsonl with the bundled USE encoder (bench/retrieval.py --sweep): at 0.8 and 0.9
# hybrid matches or beats BM25 alone on every metric; 0.9 also did so with bm25s' default k1 (0.8 lost
# Recall@5 there), so it is the more robust choice. Settings.bm25_weight should default to it; a stronger
# encoder (BGE) may deserve a lower weight, to be measured when it is available.
DEV_TUNED_BM25_WEIGHT = 0.9


def minmax(x: np.ndarray) -> np.ndarray:
    if x.size == 0:
        return x
    lo, hi = float(x.min()), float(x.max())
    if hi - lo < 1e-12:
        return np.where(x > 0, 1.0, 0.0).astype(np.float32) if hi > 0 else np.zeros_like(x)
    return ((x - lo) / (hi - lo)).astype(np.float32)


def weighted(bm25: np.ndarray, dense: np.ndarray, bm25_weight: float) -> np.ndarray:
    """Fused scores for a candidate pool given both raw score arrays (same order)."""
    return bm25_weight * minmax(bm25) + (1.0 - bm25_weight) * minmax(dense)


def rrf(bm25: np.ndarray, dense: np.ndarray, bm25_weight: float = 0.5, k: int = RRF_K) -> np.ndarray:
    """Weighted RRF over the candidate pool; a zero BM25 score counts as "not retrieved"."""

    def ranks(x: np.ndarray) -> np.ndarray:
        order = np.argsort(-x, kind="stable")
        r = np.empty_like(order)
        r[order] = np.arange(1, x.size + 1)
        return r

    rb = np.where(bm25 > 0, 1.0 / (k + ranks(bm25)), 0.0)
    rd = 1.0 / (k + ranks(dense))
    return (2 * bm25_weight * rb + 2 * (1.0 - bm25_weight) * rd).astype(np.float32)


def fuse(bm25: np.ndarray, dense: np.ndarray, method: str = "weighted", bm25_weight: float = 0.5) -> np.ndarray:
    if method == "rrf":
        return rrf(bm25, dense, bm25_weight)
    if method == "weighted":
        return weighted(bm25, dense, bm25_weight)
    raise ValueError(f"未知的融合方式 {method!r} / unknown fusion method {method!r} (weighted | rrf)")


def rerank_by_sentences(fused: np.ndarray, best_sentence: np.ndarray, weight: float) -> np.ndarray:
    """Order (indices) of a candidate pool by `(1-w)·fused + w·best sentence similarity`, both min-max
    normalised over the pool; ties keep the first stage's order."""
    score = (1.0 - weight) * minmax(np.asarray(fused, dtype=np.float32)) + weight * minmax(
        np.asarray(best_sentence, dtype=np.float32))
    return np.argsort(-score, kind="stable")
