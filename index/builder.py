"""Store-neutral half of a write: (record, chunks) pairs → a `Batch` with vectors and sentence vectors,
reusing what the previous version stored for unchanged chunks (adding one document never re-encodes the
others). `build_state` is the embedded store's other half: a `Batch` → in-memory `IndexState`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from planqa.corpus.models import Chunk
from planqa.index import sentvecs
from planqa.index.base import Batch, DocChunks, Progress, StoreView, no_progress
from planqa.index.bm25 import BM25Index, Tokenizer
from planqa.index.encoders import Encoder
from planqa.index.expansion import Lexicon
from planqa.index.faiss_store import VectorStore, choose_kind
from planqa.index.manifest import Manifest, corpus_fingerprint
from planqa.index.pool import pooled
from planqa.index.store import IndexState
from planqa.index.texts import index_text

ENCODE_BATCH = 32
POOL_MIN = 64  # chunks to encode below which worker processes are not worth starting (adding one document)


def make_manifest(chunks: Sequence[Chunk], doc_count: int, encoder_id: str, encoder_name: str, dim: int,
                  index_kind: str, tokenizer: str, fallback: bool = False, note: str = "") -> Manifest:
    return Manifest(
        encoder_id=encoder_id, encoder_name=encoder_name, dim=dim, fallback=fallback, encoder_note=note,
        chunk_count=len(chunks), doc_count=doc_count,
        corpus_fingerprint=corpus_fingerprint([(c.chunk_id, c.text) for c in chunks]),
        index_kind=index_kind, tokenizer=tokenizer,
    )


def prepare_batch(
    documents: Sequence[DocChunks],
    encoder: Encoder,
    index_kind: str = "auto",
    progress: Progress | None = None,
    reuse: StoreView | None = None,
    workers: int = 1,
) -> Batch:
    """Encode what is new. A chunk whose id and indexed text are stored in `reuse` (same encoder) keeps its
    vector and its sentence vectors. `index_kind` is the requested kind; the store records what it built."""
    progress = progress or no_progress
    docs = [(rec, list(cs)) for rec, cs in documents]
    chunks = [c for _rec, cs in docs for c in cs]
    records = {rec["doc_id"]: rec for rec, _cs in docs}
    texts = [index_text(c, records.get(c.doc_id, {})) for c in chunks]
    vectors = np.zeros((len(chunks), encoder.dim), dtype=np.float32)
    same_encoder = (reuse is not None and reuse.manifest.encoder_id == encoder.encoder_id
                    and reuse.manifest.dim == encoder.dim)
    stored = reuse.stored_vectors([c.chunk_id for c in chunks]) if same_encoder else {}
    todo: list[int] = []
    for i, c in enumerate(chunks):
        old = stored.get(c.chunk_id)
        if old is not None and old[0] == texts[i]:
            vectors[i] = old[1]
        else:
            todo.append(i)
    total = len(todo)
    progress(0, total, f"编码 {total} 个段落 / encoding {total} chunks")
    kept = {chunks[i].chunk_id for i in range(len(chunks))} - {chunks[i].chunk_id for i in todo}
    old_sents = reuse.sentence_vectors(sorted(kept)) if same_encoder and kept else {}
    with pooled(encoder, workers if total >= POOL_MIN else 1) as enc:
        for start in range(0, total, ENCODE_BATCH):
            rows = todo[start : start + ENCODE_BATCH]
            vectors[rows] = enc.encode_documents([texts[i] for i in rows])
            progress(min(start + ENCODE_BATCH, total), total, f"编码 / encoding {encoder.name}")
        progress(total, total, "句向量 / sentence vectors")
        sentences = sentvecs.encode_sentences(chunks, enc, reuse=old_sents)
    manifest = make_manifest(chunks, len(records), encoder.encoder_id, encoder.name, encoder.dim, index_kind,
                             "", encoder.fallback, encoder.note)
    return Batch(manifest, docs, texts, vectors, sentences, encoded=total, reuse=reuse)


def build_state(batch: Batch, tokenizer: Tokenizer, index_kind: str = "auto",
                reuse: IndexState | None = None, progress: Progress | None = None) -> IndexState:
    """The embedded store's in-memory version: BM25 over jieba tokens (reused for unchanged chunks indexed
    with the same tokenizer) and a FAISS structure chosen for the corpus size."""
    progress = progress or no_progress
    chunks = batch.chunks
    tokens: list[list[str]] = []
    same_tokenizer = reuse is not None and reuse.manifest.tokenizer == tokenizer.config_hash
    for c, text in zip(chunks, batch.texts, strict=True):
        row = reuse.row_of.get(c.chunk_id) if same_tokenizer else None
        if row is not None and reuse.texts[row] == text:
            tokens.append(reuse.tokens[row])
        else:
            tokens.append(tokenizer.tokenize(text))
    progress(len(chunks), len(chunks), "建立 BM25 与 FAISS 索引 / building BM25 and FAISS")
    kind = choose_kind(len(chunks), index_kind)
    manifest = replace(batch.manifest, index_kind=kind, tokenizer=tokenizer.config_hash)
    return IndexState(
        manifest=manifest,
        chunks=chunks,
        documents={rec["doc_id"]: rec for rec, _cs in batch.documents},
        tokens=tokens,
        vectors=VectorStore(batch.vectors, kind),
        bm25=BM25Index.build(tokens),
        texts=list(batch.texts),
        sentences={s.chunk_id: s for s in batch.sentences or []},
        lexicon=Lexicon.build(tokens),
    )
