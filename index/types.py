"""What a search hands on: a chunk with its scores."""

from __future__ import annotations

from dataclasses import dataclass

from planqa.corpus.models import Chunk


@dataclass
class Hit:
    chunk: Chunk
    score: float  # the fused score used for ranking (higher is better)
    rank: int = 0  # 1-based
    bm25: float | None = None
    dense: float | None = None
    doc_title: str = ""
