"""The embedded store (default): FAISS + bm25s arrays in this process, one immutable version folder per write
(`versions.py`: temp folder → fsync → rename → `CURRENT` via os.replace). Files: see `store.py`, plus
`sentences.npz` (`sentvecs.py`)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from planqa.corpus.models import Chunk
from planqa.index.base import Batch, DocChunks, Progress, Query, Scored, Store, StoreView
from planqa.index.bm25 import Tokenizer, default_tokenizer
from planqa.index.builder import build_state
from planqa.index.expansion import Lexicon
from planqa.index.fusion import fuse
from planqa.index.ingest import group_by_doc
from planqa.index.store import IndexState, load_state, save_state
from planqa.index.types import SentenceVectors
from planqa.index.versions import current_version, write_version, writer_lock


def top_rows(scores: np.ndarray, k: int, mask: np.ndarray | None) -> np.ndarray:
    """Rows of the k best positive scores (BM25: a zero score means no query term matched)."""
    ok = scores > 0
    if mask is not None:
        ok &= mask
    rows = np.flatnonzero(ok)
    if rows.size == 0:
        return rows
    s = scores[rows]
    if rows.size > k > 0:  # at 1 M chunks a common term matches most rows: keep only those reaching the
        kth = np.partition(s, rows.size - k)[rows.size - k]  # k-th best, then sort those (same order as a
        keep = s >= kth  # full stable argsort, ties included, at a fraction of its cost)
        rows, s = rows[keep], s[keep]
    order = np.argsort(-s, kind="stable")[:k]
    return rows[order]


class EmbeddedView(StoreView):
    def __init__(self, state: IndexState, folder: Path | None, tokenizer: Tokenizer) -> None:
        self.state = state
        self.manifest = state.manifest
        self._folder = folder
        self.version = folder.name if folder is not None else ""
        self.tokenizer = tokenizer

    @property
    def folder(self) -> Path | None:
        return self._folder

    def __len__(self) -> int:
        return len(self.state.chunks)

    def documents(self) -> dict[str, dict]:
        return self.state.documents

    def chunk(self, chunk_id: str) -> Chunk | None:
        row = self.state.row_of.get(chunk_id)
        return self.state.chunks[row] if row is not None else None

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        return [c for c in self.state.chunks if c.doc_id == doc_id]

    def all_documents(self) -> list[DocChunks]:
        return group_by_doc(self.state.documents, self.state.chunks)

    def chunk_kinds(self) -> dict[str, int]:
        kinds, counts = np.unique(self.state.row_kind.astype(str), return_counts=True)
        return {str(k): int(n) for k, n in zip(kinds, counts, strict=True)}

    def stored_vectors(self, chunk_ids: Sequence[str]) -> dict[str, tuple[str, np.ndarray]]:
        st, out = self.state, {}
        for cid in chunk_ids:
            row = st.row_of.get(cid)
            if row is not None:
                out[cid] = (st.texts[row], st.vectors.vectors[row])
        return out

    def sentence_vectors(self, chunk_ids: Sequence[str]) -> dict[str, SentenceVectors]:
        stored = self.state.sentences
        return {cid: stored[cid] for cid in chunk_ids if cid in stored}

    def search(self, query: Query, k: int, mode: str, doc_ids: set[str] | None = None,
               kinds: set[str] | None = None) -> list[Scored]:
        st = self.state
        mask = None
        if doc_ids is not None:
            mask = st.doc_rows(doc_ids)
        if kinds:
            kind_mask = st.kind_rows(kinds)
            mask = kind_mask if mask is None else mask & kind_mask
        if mask is not None and not mask.any():
            return []
        rows, scores, bms, dens = self._rank(query, k, mode, mask)
        return [Scored(st.chunks[r], s, b, d) for r, s, b, d in zip(rows, scores, bms, dens, strict=True)]

    def lexicon(self) -> Lexicon:
        if self.state.lexicon is None:  # a version folder written before lexicon.txt existed
            self.state.lexicon = Lexicon.build(self.state.tokens)
        return self.state.lexicon

    def _bm25(self, query: Query) -> np.ndarray:
        if "bm25" not in query.cache:
            own = self.tokenizer.tokenize(query.bm25_text)
            # expansion tokens the question already has are not counted twice (bm25s sums repeated tokens)
            extra = [t for t in self.tokenizer.tokenize(" ".join(query.expansion)) if t not in own]
            query.cache["bm25"] = self.state.bm25.scores(own + list(dict.fromkeys(extra)))
        return query.cache["bm25"]

    def _rank(self, q: Query, k: int, mode: str, mask: np.ndarray | None):
        st = self.state
        if mode == "bm25":
            bm = self._bm25(q)
            rows = top_rows(bm, k, mask)
            return [int(r) for r in rows], [float(bm[r]) for r in rows], [float(bm[r]) for r in rows], [None] * len(rows)
        if mode == "dense":
            rows, scores = st.vectors.search(q.vector, k, mask)
            return [int(r) for r in rows], [float(s) for s in scores], [None] * len(rows), [float(s) for s in scores]
        pool_n = max(50, 3 * k)  # candidates from each retriever before fusion
        bm = self._bm25(q)
        dense_rows, _ = st.vectors.search(q.vector, pool_n, mask)
        pool = np.unique(np.concatenate([top_rows(bm, pool_n, mask), dense_rows]).astype(np.int64))
        if pool.size == 0:
            return [], [], [], []
        bm_pool = bm[pool]
        dense_pool = st.vectors.scores_of(q.vector, pool)
        fused = fuse(bm_pool, dense_pool, q.fusion, q.bm25_weight)
        order = np.argsort(-fused, kind="stable")[:k]
        return ([int(pool[i]) for i in order], [float(fused[i]) for i in order],
                [float(bm_pool[i]) for i in order], [float(dense_pool[i]) for i in order])


class EmbeddedStore(Store):
    name = "embedded"

    def __init__(self, index_dir: Path, index_kind: str = "auto", tokenizer: Tokenizer | None = None) -> None:
        self.index_dir = Path(index_dir)
        self.index_kind = index_kind
        self.tokenizer = tokenizer or default_tokenizer()

    def _view(self, state: IndexState, folder: Path | None) -> EmbeddedView:
        return EmbeddedView(state, folder, self.tokenizer)

    def current(self) -> EmbeddedView | None:
        folder = current_version(self.index_dir)
        return self._view(load_state(folder), folder) if folder is not None else None

    def current_version(self) -> str | None:
        folder = current_version(self.index_dir)
        return folder.name if folder is not None else None

    def write(self, batch: Batch, progress: Progress | None = None) -> EmbeddedView:
        reuse = batch.reuse.state if isinstance(batch.reuse, EmbeddedView) else None
        state = build_state(batch, self.tokenizer, self.index_kind, reuse, progress)
        return self._view(state, write_version(self.index_dir, lambda folder: save_state(state, folder)))

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        with writer_lock(self.index_dir):
            yield

    def location(self) -> dict:
        return {"store": self.name, "uri": str(self.index_dir)}
