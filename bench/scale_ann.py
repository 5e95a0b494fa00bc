"""Dense-index measurements for the scale benchmark: exact top-k, recall/latency of one FAISS structure,
and the HNSW/IVF parameter sweep whose results choose the embedded store's parameters."""

from __future__ import annotations

import time

import numpy as np
from scale_corpus import recall_at_k

from planqa.eval.stats import percentile

K = 10


def ms_summary(samples: list[float]) -> dict:
    return {"p50": round(percentile(samples, 0.5), 2), "p95": round(percentile(samples, 0.95), 2)}


def exact_topk(vectors: np.ndarray, qvecs: np.ndarray, k: int = K) -> np.ndarray:
    """Exact top-k inner-product scores per query (batched numpy), best first."""
    best = np.full((len(qvecs), k), -np.inf, dtype=np.float32)
    for start in range(0, len(vectors), 200_000):
        s = qvecs @ vectors[start : start + 200_000].T
        both = np.concatenate([best, s], axis=1)
        part = np.partition(-both, k - 1, axis=1)[:, :k]
        best = -np.sort(part, axis=1)
    return best


def dense_probe(index, qvecs: np.ndarray, exact: np.ndarray) -> dict:
    """Single-query latency (as the product searches: one query at a time) and tie-aware recall@10."""
    scores, ms = [], []
    for q in qvecs:
        t = time.perf_counter()
        s, rows = index.search(q.reshape(1, -1), K)
        ms.append((time.perf_counter() - t) * 1000)
        scores.append(np.where(rows[0] >= 0, s[0], -np.inf))
    return {"recall10": round(recall_at_k(np.array(scores), exact), 4), **ms_summary(ms)}


def sweep(vectors: np.ndarray, qvecs: np.ndarray, exact: np.ndarray, log=print) -> list[dict]:
    """Flat, HNSW (M × efSearch) and IVF (nlist × nprobe) over the same vectors: build s, latency, recall."""
    import faiss

    n, dim = vectors.shape
    rows: list[dict] = []
    flat = faiss.IndexFlatIP(dim)
    flat.add(vectors)
    rows.append({"kind": "flat", "build_s": 0.0, **dense_probe(flat, qvecs[:100], exact[:100])})
    log(rows[-1])
    del flat
    for m in (16, 32):
        t = time.perf_counter()
        idx = faiss.IndexHNSWFlat(dim, m, faiss.METRIC_INNER_PRODUCT)
        idx.hnsw.efConstruction = 80
        idx.add(vectors)
        build = round(time.perf_counter() - t, 1)
        for ef in (32, 64, 128, 256):
            idx.hnsw.efSearch = ef
            rows.append({"kind": "hnsw", "M": m, "efConstruction": 80, "efSearch": ef, "build_s": build,
                         **dense_probe(idx, qvecs, exact)})
            log(rows[-1])
        del idx
    for mult in (1, 4):
        nlist = int(mult * np.sqrt(n))
        t = time.perf_counter()
        ivf = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
        ivf.train(vectors[np.random.default_rng(0).permutation(n)[: 64 * nlist]])
        ivf.add(vectors)
        build = round(time.perf_counter() - t, 1)
        for nprobe in (8, 16, 32, 64, 128):
            ivf.nprobe = nprobe
            rows.append({"kind": "ivf", "nlist": nlist, "nprobe": nprobe, "build_s": build,
                         **dense_probe(ivf, qvecs, exact)})
            log(rows[-1])
        del ivf
    return rows
