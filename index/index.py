"""`Index`: search (bm25 / dense / hybrid, filters, per-place diversification) and safe updates."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from planqa.corpus.models import Chunk
from planqa.index import filters
from planqa.index.bm25 import Tokenizer, default_tokenizer
from planqa.index.builder import Progress, build_state
from planqa.index.encoders import Encoder, create_encoder
from planqa.index.errors import IndexMissingError, PlanIndexError
from planqa.index.fusion import fuse
from planqa.index.ingest import DocChunks, IngestReport, group_by_doc, load_files
from planqa.index.manifest import Manifest
from planqa.index.store import IndexState, load_state, save_state
from planqa.index.types import Hit, SentenceVectors
from planqa.index.versions import current_version, write_version, writer_lock
from planqa.settings import DEMO_CORPUS, Settings

MODES = ("hybrid", "bm25", "dense")


@dataclass
class _Scored:
    row: int
    score: float
    bm25: float | None
    dense: float | None


class _Query:
    """One question's BM25 scores and vector, computed once and shared by every per-place sub-search."""

    def __init__(self, text: str, index: Index, state: IndexState) -> None:
        self.text = text
        self._index = index
        self._state = state
        self._bm25: np.ndarray | None = None
        self._vec: np.ndarray | None = None

    @property
    def bm25(self) -> np.ndarray:
        if self._bm25 is None:
            self._bm25 = self._state.bm25.scores(self._index.tokenizer.tokenize(self.text))
        return self._bm25

    @property
    def vec(self) -> np.ndarray:
        if self._vec is None:
            self._vec = self._index.encoder.encode_queries([self.text])[0]
        return self._vec


def _top_rows(scores: np.ndarray, k: int, mask: np.ndarray | None) -> np.ndarray:
    """Rows of the k best positive scores (BM25: a zero score means no query term matched)."""
    ok = scores > 0
    if mask is not None:
        ok &= mask
    rows = np.flatnonzero(ok)
    if rows.size == 0:
        return rows
    order = np.argsort(-scores[rows], kind="stable")[:k]
    return rows[order]


class Index:
    def __init__(self, settings: Settings, state: IndexState, version_dir: Path | None, encoder: Encoder,
                 tokenizer: Tokenizer | None = None) -> None:
        self.settings = settings
        self._state = state
        self.version_dir = version_dir
        self.encoder = encoder
        self.tokenizer = tokenizer or default_tokenizer()
        self.last_report: IngestReport | None = None  # of the last update (the CLI shows its errors)

    # ---------- what the index holds ----------
    @property
    def manifest(self) -> Manifest:
        return self._state.manifest

    @property
    def fallback(self) -> bool:
        return self.encoder.fallback

    @property
    def encoder_note(self) -> str:
        """Plain-language note for the page/CLI; "" when the configured model is in use."""
        return self.encoder.note if self.encoder.fallback else ""

    def __len__(self) -> int:
        return len(self._state.chunks)

    def documents(self) -> list[dict]:
        return [dict(rec) for rec in self._state.documents.values()]

    def document(self, doc_id: str) -> dict | None:
        rec = self._state.documents.get(doc_id)
        return dict(rec) if rec is not None else None

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        return [c for c in self._state.chunks if c.doc_id == doc_id]

    def chunk(self, chunk_id: str) -> Chunk | None:
        row = self._state.row_of.get(chunk_id)
        return self._state.chunks[row] if row is not None else None

    def sentence_vectors(self, chunk_ids: Sequence[str]) -> dict[str, SentenceVectors]:
        """The stored sentence spans + vectors of these chunks (computed at ingest; absent ids are left out)."""
        stored = self._state.sentences
        return {cid: stored[cid] for cid in chunk_ids if cid in stored}

    def info(self) -> dict:
        st = self._state
        kinds: dict[str, int] = {}
        for c in st.chunks:
            kinds[c.kind] = kinds.get(c.kind, 0) + 1
        return {
            "index_dir": str(self.settings.index_dir),
            "version": self.version_dir.name if self.version_dir else "",
            **st.manifest.to_dict(),
            "configured_model": self.settings.model,
            "encoder_note": self.encoder_note,
            "chunk_kinds": kinds,
            "documents": [
                {"doc_id": d["doc_id"], "title": d.get("title", ""), "region": d.get("region", ""),
                 "n_chunks": d.get("n_chunks", 0)}
                for d in st.documents.values()
            ],
        }

    # ---------- search ----------
    def search(
        self,
        query: str,
        k: int = 10,
        mode: str = "hybrid",
        doc_ids: Iterable[str] | None = None,
        regions: Iterable[str] | None = None,
        kinds: Iterable[str] | None = None,
        diversify: bool = True,
    ) -> list[Hit]:
        """Top-k chunks. A question naming several places/documents gets passages from each (round-robin);
        naming one puts that document's passages first. Explicit doc_ids/regions filters switch that off."""
        if mode not in MODES:
            raise ValueError(f"未知的检索模式 {mode!r} / unknown search mode {mode!r}; choose one of {MODES}")
        st = self._state  # one consistent version for the whole search, even if an update lands meanwhile
        if not query.strip() or not st.chunks or k <= 0:
            return []
        doc_ids = list(doc_ids) if doc_ids else None
        regions = list(regions) if regions else None
        mask = filters.allowed_mask(st.row_doc, st.row_kind, st.documents, doc_ids, regions, kinds)
        q = _Query(query, self, st)
        groups = filters.named_groups(query, st.documents) if diversify and not doc_ids and not regions else []
        if not groups:
            return self._hits(st, self._rank(st, q, k, mode, mask))
        lists = [self._rank(st, q, k, mode, _and(mask, filters.doc_mask(st.row_doc, g))) for g in groups]
        by_row = {s.row: s for lst in lists for s in lst}
        rows = filters.round_robin([[s.row for s in lst] for lst in lists], k)
        if len(rows) < k:  # the named documents ran out: fill with the best of the rest
            for s in self._rank(st, q, k + len(rows), mode, mask):
                if s.row not in by_row and len(rows) < k:
                    by_row[s.row] = s
                    rows.append(s.row)
        return self._hits(st, [by_row[r] for r in rows])

    def _rank(self, st: IndexState, q: _Query, k: int, mode: str, mask: np.ndarray | None) -> list[_Scored]:
        if mask is not None and not mask.any():
            return []
        if mode == "bm25":
            scores = q.bm25
            return [_Scored(int(r), float(scores[r]), float(scores[r]), None) for r in _top_rows(scores, k, mask)]
        if mode == "dense":
            rows, scores = st.vectors.search(q.vec, k, mask)
            return [_Scored(int(r), float(s), None, float(s)) for r, s in zip(rows, scores, strict=True)]
        pool_n = max(50, 3 * k)  # candidates from each retriever before fusion
        bm = q.bm25
        dense_rows, _ = st.vectors.search(q.vec, pool_n, mask)
        pool = np.unique(np.concatenate([_top_rows(bm, pool_n, mask), dense_rows]).astype(np.int64))
        if pool.size == 0:
            return []
        bm_pool = bm[pool]
        dense_pool = st.vectors.scores_of(q.vec, pool)
        fused = fuse(bm_pool, dense_pool, self.settings.fusion, self.settings.bm25_weight)
        order = np.argsort(-fused, kind="stable")[:k]
        return [_Scored(int(pool[i]), float(fused[i]), float(bm_pool[i]), float(dense_pool[i])) for i in order]

    @staticmethod
    def _hits(st: IndexState, scored: Sequence[_Scored]) -> list[Hit]:
        hits = []
        for rank, s in enumerate(scored, start=1):
            chunk = st.chunks[s.row]
            title = st.documents.get(chunk.doc_id, {}).get("title", "")
            hits.append(Hit(chunk=chunk, score=s.score, rank=rank, bm25=s.bm25, dense=s.dense, doc_title=title))
        return hits

    # ---------- updates (each one writes a complete new version, then switches atomically) ----------
    def add_files(self, paths: Iterable[str | Path], progress: Progress | None = None) -> IngestReport:
        """Add or replace documents from files/folders. Unchanged chunks keep their stored vectors."""
        loaded, errors = load_files(paths, self.settings)
        report = IngestReport(errors=errors)
        if not loaded:
            report.chunks_total = len(self)
            return report
        return self.add_documents(loaded, progress, report)

    def add_documents(self, loaded: Sequence[DocChunks], progress: Progress | None = None,
                      report: IngestReport | None = None) -> IngestReport:
        """Add or replace already chunked documents (record, chunks)."""
        report = report or IngestReport()
        with writer_lock(self.settings.index_dir):
            self._refresh()
            new = {rec["doc_id"]: (rec, list(cs)) for rec, cs in loaded}
            pairs: list[DocChunks] = []
            for rec, cs in group_by_doc(self._state.documents, self._state.chunks):
                if rec["doc_id"] in new:  # replaced in place, so document order stays stable
                    pairs.append(new.pop(rec["doc_id"]))
                    report.replaced.append(rec["doc_id"])
                else:
                    pairs.append((rec, cs))
            pairs += list(new.values())
            report.added += list(new)
            self._commit(pairs, progress, report)
        return report

    def remove(self, doc_id: str, progress: Progress | None = None) -> IngestReport:
        with writer_lock(self.settings.index_dir):
            self._refresh()
            if doc_id not in self._state.documents:
                raise PlanIndexError(f"索引中没有文档 {doc_id} / no document {doc_id} in the index")
            pairs = [p for p in group_by_doc(self._state.documents, self._state.chunks) if p[0]["doc_id"] != doc_id]
            report = IngestReport(removed=[doc_id])
            self._commit(pairs, progress, report)
        return report

    def rebuild(self, paths: Iterable[str | Path] | None = None, progress: Progress | None = None) -> IngestReport:
        """Re-encode everything with the current encoder. Without paths the stored chunks are used
        (no source files needed); with paths the index is rebuilt from those files only."""
        report = IngestReport()
        if paths is not None:
            pairs, report.errors = load_files(paths, self.settings)
            if not pairs:
                raise PlanIndexError(
                    "没有可索引的文件，原索引保持不变 / nothing indexable; the index is unchanged\n" + report.summary()
                )
            report.added = [rec["doc_id"] for rec, _ in pairs]
        with writer_lock(self.settings.index_dir):
            if paths is None:
                pairs = group_by_doc(self._state.documents, self._state.chunks)
                report.replaced = [rec["doc_id"] for rec, _ in pairs]
            self._commit(pairs, progress, report, reuse=False)
        return report

    def _refresh(self) -> None:
        """Another process may have written a newer version since we opened: build on top of that one."""
        latest = current_version(self.settings.index_dir)
        if latest is not None and latest != self.version_dir:
            state = load_state(latest)
            state.manifest.check_encoder(self.encoder.encoder_id, self.encoder.dim)
            self._state, self.version_dir = state, latest

    def _commit(self, pairs: Sequence[DocChunks], progress: Progress | None, report: IngestReport,
                reuse: bool = True) -> None:
        state, encoded = build_state(
            pairs, self.encoder, self.tokenizer, self.settings.index_kind, progress,
            reuse=self._state if reuse else None,
        )
        self.version_dir = write_version(self.settings.index_dir, lambda folder: save_state(state, folder))
        self._state = state
        report.chunks_total = len(state.chunks)
        report.chunks_encoded = encoded
        report.version = self.version_dir.name
        self.last_report = report


def _and(a: np.ndarray | None, b: np.ndarray) -> np.ndarray:
    return b if a is None else a & b


def _empty_state(encoder: Encoder, tokenizer: Tokenizer, settings: Settings) -> IndexState:
    state, _ = build_state([], encoder, tokenizer, settings.index_kind)
    return state


def read_manifest(settings: Settings) -> Manifest | None:
    """The live version's manifest without loading an encoder (cheap; for `planqa index info`)."""
    folder = current_version(settings.index_dir)
    return Manifest.load(folder) if folder else None


def open_index(
    settings: Settings,
    build_demo_if_missing: bool = True,
    encoder: Encoder | None = None,
    progress: Progress | None = None,
    check_encoder: bool = True,
) -> Index:
    """Open the live index under settings.index_dir; build the demo corpus index first if there is none.

    Raises EncoderMismatchError when the index was built with another encoder (unless check_encoder=False,
    which only `rebuild` should use).
    """
    encoder = encoder or create_encoder(settings)
    tokenizer = default_tokenizer()
    folder = current_version(settings.index_dir)
    if folder is None:
        if not build_demo_if_missing:
            raise IndexMissingError(str(settings.index_dir))
        return build_index(settings, [DEMO_CORPUS], encoder=encoder, progress=progress, tokenizer=tokenizer)
    state = load_state(folder)
    if check_encoder:
        state.manifest.check_encoder(encoder.encoder_id, encoder.dim)
    return Index(settings, state, folder, encoder, tokenizer)


def build_index(
    settings: Settings,
    paths: Iterable[str | Path],
    encoder: Encoder | None = None,
    progress: Progress | None = None,
    tokenizer: Tokenizer | None = None,
) -> Index:
    """A fresh index from files/folders, replacing whatever index is live (atomically)."""
    encoder = encoder or create_encoder(settings)
    tokenizer = tokenizer or default_tokenizer()
    index = Index(settings, _empty_state(encoder, tokenizer, settings), None, encoder, tokenizer)
    index.rebuild(paths, progress)
    return index


def rebuild_index(
    settings: Settings,
    paths: Iterable[str | Path] | None = None,
    encoder: Encoder | None = None,
    progress: Progress | None = None,
) -> tuple[Index, IngestReport]:
    """`planqa index rebuild`: re-encode with the current encoder (works after an encoder change)."""
    encoder = encoder or create_encoder(settings)
    if paths is None and current_version(settings.index_dir) is None:
        paths = [DEMO_CORPUS]
    if paths is not None:
        index = build_index(settings, paths, encoder=encoder, progress=progress)
        return index, index.last_report or IngestReport()
    index = open_index(settings, build_demo_if_missing=False, encoder=encoder, check_encoder=False)
    return index, index.rebuild(progress=progress)
