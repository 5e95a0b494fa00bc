"""Sentence vectors of every chunk, computed once at ingest and stored beside the chunk vectors, so the
answerer can compare a question with single sentences without encoding any passage at question time.

Store-neutral: `encode_sentences` makes them, `pack`/`unpack` turn them into flat arrays that any store can
persist (the embedded store as `sentences.npz` in its version folder, others in their own format).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from planqa.corpus.models import Chunk
from planqa.corpus.sentences import split_sentences
from planqa.index.encoders import Encoder
from planqa.index.types import SentenceVectors

FILE = "sentences.npz"
BATCH = 128


def sentence_spans(chunk: Chunk) -> list[tuple[int, int]]:
    """A table row is one statement; other chunks split into sentences (the answerer's own split)."""
    if chunk.kind == "table" or not chunk.text.strip():
        return [(0, len(chunk.text))] if chunk.text.strip() else []
    return [(s.start, s.end) for s in split_sentences(chunk.text)]


def encode_sentences(
    chunks: Sequence[Chunk],
    encoder: Encoder,
    reuse: dict[str, SentenceVectors] | None = None,
) -> list[SentenceVectors]:
    """One `SentenceVectors` per chunk, in order. A chunk whose id and spans are in `reuse` keeps its vectors."""
    out: list[SentenceVectors | None] = [None] * len(chunks)
    texts: list[str] = []
    spans_of: list[list[tuple[int, int]]] = []
    for i, c in enumerate(chunks):
        spans = sentence_spans(c)
        spans_of.append(spans)
        old = (reuse or {}).get(c.chunk_id)
        if old is not None and old.spans == spans and old.vectors.shape[1] == encoder.dim:
            out[i] = old
            continue
        texts.extend(c.text[a:b] for a, b in spans)
    vecs = np.zeros((len(texts), encoder.dim), dtype=np.float32)
    for start in range(0, len(texts), BATCH):
        vecs[start : start + BATCH] = encoder.encode_documents(texts[start : start + BATCH])
    k = 0  # sentences of the chunks to encode are contiguous and in chunk order
    for i, c in enumerate(chunks):
        if out[i] is None:
            m = len(spans_of[i])
            out[i] = SentenceVectors(c.chunk_id, spans_of[i], vecs[k : k + m])
            k += m
    return out  # type: ignore[return-value]  # every slot filled above


def pack(items: Sequence[SentenceVectors], dim: int) -> dict[str, np.ndarray]:
    """Flat arrays: per sentence its owner row, span and vector (float16 halves the size; cosine keeps)."""
    n = sum(len(s.spans) for s in items)
    owner = np.zeros(n, dtype=np.int32)
    spans = np.zeros((n, 2), dtype=np.int32)
    vectors = np.zeros((n, dim), dtype=np.float16)
    ids = np.array([s.chunk_id for s in items], dtype=str)
    k = 0
    for row, s in enumerate(items):
        m = len(s.spans)
        owner[k : k + m] = row
        if m:
            spans[k : k + m] = s.spans
            vectors[k : k + m] = s.vectors
        k += m
    return {"chunk_ids": ids, "owner": owner, "spans": spans, "vectors": vectors}


def unpack(arrays: dict[str, np.ndarray]) -> dict[str, SentenceVectors]:
    ids = [str(x) for x in arrays["chunk_ids"]]
    owner, spans, vectors = arrays["owner"], arrays["spans"], arrays["vectors"]
    bounds = np.searchsorted(owner, np.arange(len(ids) + 1))
    return {
        cid: SentenceVectors(
            cid,
            [(int(a), int(b)) for a, b in spans[bounds[r] : bounds[r + 1]]],
            vectors[bounds[r] : bounds[r + 1]].astype(np.float32),
        )
        for r, cid in enumerate(ids)
    }


def save(folder: Path, items: Sequence[SentenceVectors], dim: int) -> None:
    np.savez(folder / FILE, **pack(items, dim))


def load(folder: Path) -> dict[str, SentenceVectors]:
    """{} for a version folder written before sentence vectors existed (the answerer then does without)."""
    path = folder / FILE
    if not path.exists():
        return {}
    with np.load(path, allow_pickle=False) as z:
        return unpack({k: z[k] for k in z.files})
