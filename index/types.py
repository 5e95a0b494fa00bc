"""What a search hands on: a chunk with its scores."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from planqa.corpus.models import Chunk


@dataclass
class Hit:
    chunk: Chunk
    score: float  # the fused score used for ranking (higher is better)
    rank: int = 0  # 1-based
    bm25: float | None = None
    dense: float | None = None
    doc_title: str = ""


@dataclass
class SentenceVectors:
    """The sentences of one chunk (`planqa.corpus.sentences.split_sentences` of `Chunk.text`) and their
    L2-normalised passage vectors, computed once at ingest so questions never encode passages."""

    chunk_id: str
    spans: list[tuple[int, int]]  # (start, end) offsets into Chunk.text, one per row of `vectors`
    vectors: np.ndarray  # float32, shape (len(spans), dim)
