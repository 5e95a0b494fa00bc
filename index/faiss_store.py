"""Dense search: FAISS inner product over L2-normalised vectors (= cosine similarity).

The vectors themselves are kept too (vectors.npy): filtered searches score the allowed rows exactly
with numpy, and incremental updates rebuild the FAISS structure from stored vectors instead of
re-encoding text.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

# Chosen by measurement (bench/SCALE.md, 2 shared cores): an exact scan costs ~15 ms per query at 10 k
# vectors and ~26 ms at 100 k (linear in n), while HNSW M=32 answers in ~1 ms at 100 k; so exact search
# up to 10 k vectors (recall 1.0 at a cost that is still small), HNSW above.
AUTO_EXACT_MAX = 10_000
# HNSW parameters from the 100 k sweep: M=32 beat M=16 at every efSearch (recall and p95); efSearch 256
# gave recall@10 0.89 at 1.1 ms p50 (64: 0.76 at 0.3 ms), confirmed at 1 M in bench/SCALE.md.
HNSW_M, HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH = 32, 80, 256
KINDS = ("auto", "flat", "hnsw", "ivf")


def choose_kind(n: int, requested: str = "auto") -> str:
    if requested not in KINDS:
        raise ValueError(f"未知的索引类型 {requested!r} / unknown index kind {requested!r}; choose one of {KINDS}")
    if requested != "auto":
        return requested
    return "flat" if n <= AUTO_EXACT_MAX else "hnsw"


class VectorStore:
    def __init__(self, vectors: np.ndarray, kind: str, faiss_index=None) -> None:
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.kind = kind
        self._index = faiss_index if faiss_index is not None else _build(self.vectors, kind)

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    def __len__(self) -> int:
        return int(self.vectors.shape[0])

    @classmethod
    def build(cls, vectors: np.ndarray, requested_kind: str = "auto") -> VectorStore:
        return cls(vectors, choose_kind(len(vectors), requested_kind))

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (rows, scores). `allowed` is a boolean row mask; filtered searches are exact."""
        n = len(self)
        if n == 0 or k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        q = np.ascontiguousarray(query, dtype=np.float32).reshape(1, -1)
        if allowed is not None:
            rows = np.flatnonzero(allowed)
            if rows.size == 0:
                return rows.astype(np.int64), np.zeros(0, dtype=np.float32)
            scores = self.vectors[rows] @ q[0]
            top = _top(scores, k)
            return rows[top].astype(np.int64), scores[top]
        scores, rows = self._index.search(q, min(k, n))
        keep = rows[0] >= 0
        return rows[0][keep].astype(np.int64), scores[0][keep].astype(np.float32)

    def scores_of(self, query: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Exact cosine of given rows (fusion needs dense scores for BM25-only candidates too)."""
        return self.vectors[rows] @ np.asarray(query, dtype=np.float32).reshape(-1)

    def save(self, folder: Path) -> None:
        import faiss

        np.save(folder / "vectors.npy", self.vectors)
        faiss.write_index(self._index, str(folder / "faiss.index"))

    @classmethod
    def load(cls, folder: Path, kind: str) -> VectorStore:
        import faiss

        vectors = np.load(folder / "vectors.npy")
        return cls(vectors, kind, faiss.read_index(str(folder / "faiss.index")))


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    k = min(k, scores.size)
    part = np.argpartition(-scores, k - 1)[:k]
    return part[np.argsort(-scores[part], kind="stable")]


def _build(vectors: np.ndarray, kind: str):
    import faiss

    n, dim = vectors.shape if vectors.ndim == 2 else (0, 0)
    if kind == "hnsw":
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
    elif kind == "ivf":
        # sqrt(n) lists (the 100 k sweep's best IVF recall: 0.92 at nprobe 128 of 316), never fewer than ~39
        # training points per list (FAISS's minimum). k-means runs on a sample of 64 points per list: on all
        # rows it would cost n·nlist·dim per iteration (an hour at 1 M on 2 cores) for no measured gain.
        nlist = max(1, min(int(math.sqrt(max(n, 1))), n // 39 or 1))
        quantizer = faiss.IndexFlatIP(dim)
        index = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
        if n:
            sample = np.random.default_rng(0).permutation(n)[: 64 * nlist] if n > 64 * nlist else slice(None)
            index.train(np.ascontiguousarray(vectors[sample]))
        index.nprobe = max(1, min(nlist, max(16, nlist // 8)))  # an eighth of the lists (SCALE.md)
    else:
        index = faiss.IndexFlatIP(dim)
    if n:
        index.add(vectors)
    return index
