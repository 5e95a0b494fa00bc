"""Rows and parameters of the Milvus store's collections (`milvus_store.py`): the text analyzer, chunks,
sentences, the dense index and the query-expansion lexicon (`expansion.Lexicon`, kept in the meta collection)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

import numpy as np

from planqa.index.base import Batch
from planqa.index.bm25 import _read_lines, default_tokenizer
from planqa.index.errors import PlanIndexError
from planqa.index.expansion import Lexicon
from planqa.index.types import SentenceVectors

MAX_TEXT = 65535  # Milvus' VARCHAR limit (bytes); chunks are ≤ 400 tokens, far below it
JSON_BYTES = 60000  # per lexicon row: Milvus caps a JSON field at 65,536 bytes; the rest is the row's JSON
DUMMY = [0.0, 0.0]  # every Milvus collection needs a vector field: docs and meta carry a 2-dim dummy

# Stopwords are the embedded BM25's list plus punctuation (the embedded tokenizer drops punctuation by
# regex; Milvus' stop filter needs them listed). No custom jieba dictionary: Milvus Lite adds dictionary
# words to the process-wide jieba, which the answerer (corpus/terms.py) also uses, and a store must not change
# how answers tokenise. bench/RESULTS.md measures what that costs.
PUNCT = list("，。、；：？！（）《》〈〉“”‘’「」『』【】〔〕［］—…·～,.;:?!()[]{}<>\"'`~@#$%^&*-_=+|/\\ \t\n")


def analyzer_params() -> dict:
    stop = sorted(set(_read_lines("stopwords.txt")) | set(PUNCT))
    return {"tokenizer": "jieba", "filter": ["lowercase", {"type": "stop", "stop_words": stop}]}


def params_hash() -> str:
    return hashlib.sha256(json.dumps(analyzer_params(), ensure_ascii=False).encode()).hexdigest()[:16]


def dense_index(kind: str) -> dict:
    """The embedded store's kinds (chosen by `faiss_store.choose_kind`) mapped to Milvus index types."""
    if kind == "hnsw":
        return {"index_type": "HNSW", "metric_type": "IP", "params": {"M": 32, "efConstruction": 200}}
    if kind == "ivf":
        return {"index_type": "IVF_FLAT", "metric_type": "IP", "params": {"nlist": 1024}}
    return {"index_type": "FLAT", "metric_type": "IP"}


def chunk_rows(batch: Batch, documents: dict[str, dict]) -> list[dict]:
    rows = []
    for pos, (c, text, vec) in enumerate(zip(batch.chunks, batch.texts, batch.vectors, strict=True)):
        if len(text.encode()) > MAX_TEXT:
            raise PlanIndexError(f"段落 {c.chunk_id} 过长 / chunk {c.chunk_id} exceeds {MAX_TEXT} bytes")
        rows.append({"id": c.chunk_id, "doc_id": c.doc_id, "kind": c.kind, "pos": pos, "text": text,
                     "region": (documents.get(c.doc_id, {}).get("region") or "")[:500],
                     "dense": vec.tolist(), "meta": c.to_dict()})
    return rows


def sentence_rows(items: Sequence[SentenceVectors]) -> list[dict]:
    return [{"id": f"{s.chunk_id}#{n}", "chunk_id": s.chunk_id, "n": n, "start": int(a), "end": int(b),
             "vec": np.asarray(v, dtype=np.float32).tolist()}
            for s in items for n, ((a, b), v) in enumerate(zip(s.spans, s.vectors, strict=True))]


def lexicon_rows(batch: Batch) -> list[dict]:
    """The version's query-expansion lexicon as meta rows `lexicon0`, `lexicon1`, … (tokenised here as the
    embedded store does at ingest: Milvus' own analyzer keeps no vocabulary we can read)."""
    lexicon = Lexicon.build(default_tokenizer().tokenize_many(batch.texts))
    return [{"key": f"lexicon{i}", "vec": DUMMY, "data": {"text": p}} for i, p in enumerate(lexicon.pieces(JSON_BYTES))]
