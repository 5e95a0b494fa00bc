"""`Index`: search (bm25 / dense / hybrid, filters, per-place diversification) and safe updates, over any
`Store` (`base.py`; embedded FAISS + bm25s or Milvus, chosen by `factory.create_store`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

from planqa.corpus.models import Chunk
from planqa.index import filters, fusion
from planqa.index.base import Batch, EmptyView, Progress, Query, Scored, Store, StoreView
from planqa.index.bm25 import default_tokenizer
from planqa.index.builder import make_manifest, prepare_batch
from planqa.index.encoders import Encoder, create_encoder
from planqa.index.errors import IndexMissingError, PlanIndexError
from planqa.index.factory import create_store
from planqa.index.ingest import DocChunks, IngestReport, load_files
from planqa.index.manifest import Manifest
from planqa.index.types import Hit, SentenceVectors
from planqa.settings import DEMO_CORPUS, Settings

MODES = ("hybrid", "bm25", "dense")


class Index:
    def __init__(self, settings: Settings, store: Store, view: StoreView | None, encoder: Encoder) -> None:
        self.settings = settings
        self.store = store
        self.encoder = encoder
        self._view = view if view is not None else EmptyView(
            make_manifest([], 0, encoder.encoder_id, encoder.name, encoder.dim, settings.index_kind, "",
                          encoder.fallback, encoder.note))
        self.last_report: IngestReport | None = None  # of the last update (the CLI shows its errors)
        self._of_version: tuple[str, dict] = ("", {})  # (version, what is computed once per version)

    # ---------- what the index holds ----------
    @property
    def manifest(self) -> Manifest:
        return self._view.manifest

    @property
    def version(self) -> str:
        """Names the live version ("" before the first write); changes with every update."""
        return self._view.version

    @property
    def version_dir(self) -> Path | None:
        """The embedded store's version folder (None for stores without one; use `version`)."""
        return self._view.folder

    @property
    def fallback(self) -> bool:
        return self.encoder.fallback

    @property
    def encoder_note(self) -> str:
        """Plain-language note for the page/CLI; "" when the configured model is in use."""
        return self.encoder.note if self.encoder.fallback else ""

    def __len__(self) -> int:
        return len(self._view)

    def documents(self) -> list[dict]:
        return [dict(rec) for rec in self._view.documents().values()]

    def document(self, doc_id: str) -> dict | None:
        rec = self._view.documents().get(doc_id)
        return dict(rec) if rec is not None else None

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        return self._view.chunks_of(doc_id)

    def chunk(self, chunk_id: str) -> Chunk | None:
        return self._view.chunk(chunk_id)

    def sentence_vectors(self, chunk_ids: Iterable[str]) -> dict[str, SentenceVectors]:
        """Sentence vectors stored at ingest, by chunk id (ids without them are left out)."""
        return self._view.sentence_vectors(list(chunk_ids))

    def info(self) -> dict:
        view = self._view
        docs = view.documents()
        return {
            **self.store.location(),
            "index_dir": str(self.settings.index_dir),
            "version": view.version,
            **view.manifest.to_dict(),
            "configured_model": self.settings.model,
            "encoder_note": self.encoder_note,
            "chunk_kinds": view.chunk_kinds(),
            "documents": [
                {"doc_id": d["doc_id"], "title": d.get("title", ""), "region": d.get("region", ""),
                 "n_chunks": d.get("n_chunks", 0)}
                for d in docs.values()
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
        view = self._view  # one consistent version for the whole search, even if an update lands meanwhile
        if not query.strip() or not len(view) or k <= 0:
            return []
        docs = view.documents()
        doc_ids = list(doc_ids) if doc_ids else None
        regions = list(regions) if regions else None
        allowed: set[str] | None = None  # filters combine with AND
        if doc_ids:
            allowed = set(doc_ids)
        if regions:
            in_regions = filters.docs_in_regions(docs, regions)
            allowed = in_regions if allowed is None else allowed & in_regions
        kind_set = set(kinds) if kinds else None
        q = Query(query, lambda text: self.encoder.encode_queries([text])[0], self.settings.fusion,
                  self.settings.bm25_weight)
        groups = (filters.named_groups(query, docs, self._names(view))
                  if diversify and not doc_ids and not regions else [])
        if not groups:
            if allowed is not None:  # an explicit filter enforces its documents' names just the same
                q.lexical_text = filters.without_names(query, self._names(view), allowed)
            self._expand(q, view, mode)
            return self._hits(docs, self._ranked(view, q, k, mode, allowed, kind_set))
        q.lexical_text = filters.without_names(query, self._names(view))
        self._expand(q, view, mode)
        lists = [self._ranked(view, q, k, mode, g, kind_set) for g in groups]
        by_id = {s.chunk.chunk_id: s for lst in lists for s in lst}
        ids = filters.round_robin([[s.chunk.chunk_id for s in lst] for lst in lists], k)
        if len(ids) < k:  # the named documents ran out: fill with the best of the rest
            for s in self._ranked(view, q, k + len(ids), mode, allowed, kind_set):
                if s.chunk.chunk_id not in by_id and len(ids) < k:
                    by_id[s.chunk.chunk_id] = s
                    ids.append(s.chunk.chunk_id)
        return self._hits(docs, [by_id[i] for i in ids])

    def _ranked(self, view: StoreView, q: Query, k: int, mode: str, allowed: set[str] | None,
                kinds: set[str] | None) -> list[Scored]:
        """The store's top k; in hybrid mode its top `rerank_pool` re-ordered by best sentence first (the
        sentence vectors stored at ingest: nothing is encoded here but the question, already encoded).
        `Hit.rank` is the second stage's order, `Hit.score` stays the first stage's fused score."""
        pool, weight = self.settings.rerank_pool, self.settings.rerank_weight
        if mode != "hybrid" or weight <= 0 or pool <= 0:
            return view.search(q, k, mode, allowed, kinds)
        found = view.search(q, max(k, pool), mode, allowed, kinds)
        vecs = view.sentence_vectors([s.chunk.chunk_id for s in found])
        best = np.array([float((v.vectors @ q.vector).max()) if (v := vecs.get(s.chunk.chunk_id)) is not None
                         and len(v.vectors) else 0.0 for s in found], dtype=np.float32)
        # Each keeps its first-stage score: the answer model reads it as the passage's relevance (LODO with the
        # mixed score instead: keyword acc. 0.708 -> 0.694, correct refusals 0.899 -> 0.886).
        order = fusion.rerank_by_sentences(np.array([s.score for s in found]), best, weight)
        return [found[i] for i in order[:k]]

    def _per_version(self, view: StoreView, key: str, make: Callable[[], object]):
        """`make()` computed once per version and kept until the next one (unnamed versions: every call)."""
        if not view.version:  # an unnamed (in-memory) version: nothing to key a cache on
            return make()
        if self._of_version[0] != view.version:
            self._of_version = (view.version, {})
        cache = self._of_version[1]
        if key not in cache:
            cache[key] = make()
        return cache[key]

    def _names(self, view: StoreView) -> dict:
        """The names questions can use for documents (see filters)."""
        return self._per_version(view, "names", lambda: filters.document_names(view.documents()))

    def _expand(self, q: Query, view: StoreView, mode: str) -> None:
        """The plans' forms of the question's rare words, for the lexical route (index/expansion.py); the
        view's lexicon is read once per version."""
        if mode == "dense":
            return
        lexicon = self._per_version(view, "lexicon", view.lexicon)
        q.expansion = lexicon.expand(default_tokenizer().tokenize(q.bm25_text))

    @staticmethod
    def _hits(docs: dict[str, dict], scored: Sequence[Scored]) -> list[Hit]:
        return [Hit(chunk=s.chunk, score=s.score, rank=rank, bm25=s.bm25, dense=s.dense,
                    doc_title=docs.get(s.chunk.doc_id, {}).get("title", ""))
                for rank, s in enumerate(scored, start=1)]

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
        with self.store.lock():
            self._refresh()
            new = {rec["doc_id"]: (rec, list(cs)) for rec, cs in loaded}
            pairs: list[DocChunks] = []
            for rec, cs in self._view.all_documents():
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
        with self.store.lock():
            self._refresh()
            if doc_id not in self._view.documents():
                raise PlanIndexError(f"索引中没有文档 {doc_id} / no document {doc_id} in the index")
            pairs = [p for p in self._view.all_documents() if p[0]["doc_id"] != doc_id]
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
        with self.store.lock():
            if paths is None:
                pairs = self._view.all_documents()
                report.replaced = [rec["doc_id"] for rec, _ in pairs]
            self._commit(pairs, progress, report, reuse=False)
        return report

    def write_batch(self, batch: Batch, progress: Progress | None = None) -> IngestReport:
        """Bulk entry point: store a prepared `Batch` (e.g. `Batch.from_vectors`, nothing encoded) as the
        whole new version."""
        with self.store.lock():
            self._view = self.store.write(batch, progress)
        report = IngestReport(added=[rec["doc_id"] for rec, _ in batch.documents], chunks_total=len(self._view),
                              chunks_encoded=batch.encoded, version=self._view.version)
        self.last_report = report
        return report

    def _refresh(self) -> None:
        """Another process may have written a newer version since we opened: build on top of that one."""
        latest = self.store.current_version()
        if latest is not None and latest != self._view.version:
            view = self.store.current()
            if view is not None:
                view.manifest.check_encoder(self.encoder.encoder_id, self.encoder.dim)
                self._view = view

    def _commit(self, pairs: Sequence[DocChunks], progress: Progress | None, report: IngestReport,
                reuse: bool = True) -> None:
        batch = prepare_batch(pairs, self.encoder, self.settings.index_kind, progress,
                              reuse=self._view if reuse else None, workers=self.settings.encode_workers)
        self._view = self.store.write(batch, progress)
        report.chunks_total = len(self._view)
        report.chunks_encoded = batch.encoded
        report.version = self._view.version
        self.last_report = report


def index_exists(settings: Settings) -> bool:
    """Whether the configured store holds an index (cheap: no encoder is loaded)."""
    store = create_store(settings)
    try:
        return store.current_version() is not None
    finally:
        store.close()


def read_manifest(settings: Settings) -> Manifest | None:
    """The live version's manifest without loading an encoder (for `planqa index info`)."""
    store = create_store(settings)
    try:
        view = store.current()
        return view.manifest if view is not None else None
    finally:
        store.close()


def store_info(settings: Settings) -> dict:
    """Which store and URI the settings select, and the live version's name (no encoder loaded)."""
    store = create_store(settings)
    try:
        return {**store.location(), "version": store.current_version() or ""}
    finally:
        store.close()


def open_index(
    settings: Settings,
    build_demo_if_missing: bool = True,
    encoder: Encoder | None = None,
    progress: Progress | None = None,
    check_encoder: bool = True,
    store: Store | None = None,
) -> Index:
    """Open the live index of the configured store; build the demo corpus index first if there is none.

    Raises EncoderMismatchError when the index was built with another encoder (unless check_encoder=False,
    which only `rebuild` should use).
    """
    encoder = encoder or create_encoder(settings)
    store = store or create_store(settings)
    view = store.current()
    if view is None:
        if not build_demo_if_missing:
            raise IndexMissingError(store.location()["uri"])
        return build_index(settings, [DEMO_CORPUS], encoder=encoder, progress=progress, store=store)
    if check_encoder:
        view.manifest.check_encoder(encoder.encoder_id, encoder.dim)
    return Index(settings, store, view, encoder)


def build_index(
    settings: Settings,
    paths: Iterable[str | Path],
    encoder: Encoder | None = None,
    progress: Progress | None = None,
    store: Store | None = None,
) -> Index:
    """A fresh index from files/folders, replacing whatever index is live (atomically)."""
    encoder = encoder or create_encoder(settings)
    index = Index(settings, store or create_store(settings), None, encoder)
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
    store = create_store(settings)
    if paths is None and store.current_version() is None:
        paths = [DEMO_CORPUS]
    if paths is not None:
        index = build_index(settings, paths, encoder=encoder, progress=progress, store=store)
        return index, index.last_report or IngestReport()
    index = open_index(settings, build_demo_if_missing=False, encoder=encoder, check_encoder=False, store=store)
    return index, index.rebuild(progress=progress)
