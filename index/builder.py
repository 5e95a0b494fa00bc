"""Turning documents + chunks into an `IndexState`, reusing vectors and tokens of unchanged chunks."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from planqa.corpus.models import Chunk
from planqa.index import sentvecs
from planqa.index.bm25 import BM25Index, Tokenizer
from planqa.index.encoders import Encoder
from planqa.index.faiss_store import VectorStore, choose_kind
from planqa.index.manifest import Manifest, corpus_fingerprint
from planqa.index.store import IndexState
from planqa.index.texts import index_text

Progress = Callable[[int, int, str], None]
ENCODE_BATCH = 32


def _no_progress(done: int, total: int, message: str) -> None:
    pass


def build_state(
    documents: Sequence[tuple[dict, Sequence[Chunk]]],
    encoder: Encoder,
    tokenizer: Tokenizer,
    index_kind: str = "auto",
    progress: Progress | None = None,
    reuse: IndexState | None = None,
) -> tuple[IndexState, int]:
    """Build a complete state from (document_record, chunks) pairs. Returns (state, chunks encoded).

    A chunk whose id and text are already in `reuse` (built with the same encoder) keeps its stored
    vector and tokens: adding one document never re-encodes the others.
    """
    progress = progress or _no_progress
    chunks = [c for _rec, cs in documents for c in cs]
    records = {rec["doc_id"]: rec for rec, _cs in documents}
    n = len(chunks)
    vectors = np.zeros((n, encoder.dim), dtype=np.float32)
    tokens: list[list[str] | None] = [None] * n
    todo: list[int] = []
    reusable = reuse is not None and reuse.manifest.encoder_id == encoder.encoder_id and reuse.vectors.dim == encoder.dim
    same_tokenizer = reuse is not None and reuse.manifest.tokenizer == tokenizer.config_hash
    texts = [index_text(c, records.get(c.doc_id, {})) for c in chunks]
    for i, c in enumerate(chunks):
        row = reuse.row_of.get(c.chunk_id) if reuse is not None else None
        old = reuse.chunks[row] if row is not None else None
        if old is not None and index_text(old, reuse.documents.get(old.doc_id, {})) == texts[i]:
            if reusable:
                vectors[i] = reuse.vectors.vectors[row]
            else:
                todo.append(i)
            if same_tokenizer:
                tokens[i] = reuse.tokens[row]
        else:
            todo.append(i)

    total = len(todo)
    progress(0, total, f"编码 {total} 个段落 / encoding {total} chunks")
    for start in range(0, total, ENCODE_BATCH):
        rows = todo[start : start + ENCODE_BATCH]
        vectors[rows] = encoder.encode_documents([texts[i] for i in rows])
        progress(min(start + ENCODE_BATCH, total), total, f"编码 / encoding {encoder.name}")
    for i, toks in enumerate(tokens):
        if toks is None:
            tokens[i] = tokenizer.tokenize(texts[i])
    # Sentence vectors of unchanged chunks (same id, same spans, same encoder) are kept, the rest encoded.
    progress(total, total, "编码句子 / encoding sentences")
    old_sentences = reuse.sentences if reuse is not None and reusable else None
    sentences = sentvecs.encode_sentences(chunks, encoder, old_sentences)
    progress(total, total, "建立 BM25 与 FAISS 索引 / building BM25 and FAISS")

    kind = choose_kind(n, index_kind)
    manifest = Manifest(
        encoder_id=encoder.encoder_id,
        encoder_name=encoder.name,
        dim=encoder.dim,
        fallback=encoder.fallback,
        encoder_note=encoder.note,
        chunk_count=n,
        doc_count=len(records),
        corpus_fingerprint=corpus_fingerprint([(c.chunk_id, c.text) for c in chunks]),
        index_kind=kind,
        tokenizer=tokenizer.config_hash,
    )
    state = IndexState(
        manifest=manifest,
        chunks=chunks,
        documents=records,
        tokens=tokens,  # type: ignore[arg-type]  # every slot filled above
        vectors=VectorStore(vectors, kind),
        bm25=BM25Index.build(tokens),  # type: ignore[arg-type]
        sentences={s.chunk_id: s for s in sentences},
    )
    return state, total
