"""One index version in memory (`IndexState`) and its files on disk.

Files of a version folder:
    manifest.json     encoder, dimension, fallback flag, counts, fingerprint, format version
    documents.json    per document: Document.meta() + headings + quality + chunk count + chapters
    chunks.jsonl      one Chunk.to_dict() per line, row order = vector/BM25 row order
    tokens.jsonl      BM25 tokens per chunk row (reused by incremental updates)
    vectors.npy       L2-normalised chunk vectors (reused by incremental updates)
    sentences.npz     sentence spans + vectors per chunk (`index.sentvecs`; absent in older versions)
    lexicon.txt       query-expansion vocabulary: "word df [t]" lines (`index.expansion`; absent in older versions)
    faiss.index       the FAISS structure over vectors.npy
    bm25/             the bm25s model
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from planqa.corpus.models import Chunk, Document
from planqa.index import sentvecs
from planqa.index.bm25 import BM25Index
from planqa.index.errors import IndexFormatError
from planqa.index.expansion import Lexicon
from planqa.index.faiss_store import VectorStore
from planqa.index.manifest import Manifest
from planqa.index.texts import index_text
from planqa.index.types import SentenceVectors


def document_record(doc: Document, chunks: list[Chunk]) -> dict:
    """What the page needs to list a document and its chapters without the source file."""
    chapters: list[str] = []
    for c in chunks:
        if c.chapter and c.chapter not in chapters:
            chapters.append(c.chapter)
    return {
        **doc.meta(),
        "headings": [asdict(h) for h in doc.headings],
        "quality": doc.quality.to_dict() if hasattr(doc.quality, "to_dict") else asdict(doc.quality),
        "n_chars": len(doc.text),
        "n_chunks": len(chunks),
        "chapters": chapters,
    }


@dataclass
class IndexState:
    manifest: Manifest
    chunks: list[Chunk]
    documents: dict[str, dict]  # doc_id -> document_record(), in ingest order
    tokens: list[list[str]]
    vectors: VectorStore
    bm25: BM25Index
    row_of: dict[str, int] = field(default_factory=dict)  # chunk_id -> row
    # Per-row doc_id and kind as arrays, so filters are one vectorised comparison, not a Python loop.
    row_doc: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))
    row_kind: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))
    texts: list[str] = field(default_factory=list)  # the indexed text per row (texts.index_text)
    sentences: dict[str, SentenceVectors] = field(default_factory=dict)  # chunk_id -> its sentence vectors
    lexicon: Lexicon | None = None  # query-expansion vocabulary (expansion.py), built at ingest

    def __post_init__(self) -> None:
        if len(self.texts) != len(self.chunks):
            self.texts = [index_text(c, self.documents.get(c.doc_id, {})) for c in self.chunks]
        if not self.row_of:
            self.row_of = {c.chunk_id: i for i, c in enumerate(self.chunks)}
        self.row_doc = np.array([c.doc_id for c in self.chunks], dtype=object)
        self.row_kind = np.array([c.kind for c in self.chunks], dtype=object)
        # The same as small integer codes: np.isin over an object array of 1 M rows costs ~100 ms per
        # filtered search; a lookup table indexed by code is one gather (bench/SCALE.md).
        self._doc_code = {d: i for i, d in enumerate(dict.fromkeys(self.row_doc.tolist()))}
        self._row_doc_code = np.fromiter((self._doc_code[d] for d in self.row_doc), np.int32, len(self.row_doc))
        self._kind_code = {k: i for i, k in enumerate(dict.fromkeys(self.row_kind.tolist()))}
        self._row_kind_code = np.fromiter((self._kind_code[k] for k in self.row_kind), np.int32,
                                          len(self.row_kind))

    @staticmethod
    def _rows_in(codes: dict[str, int], row_codes: np.ndarray, wanted) -> np.ndarray:
        table = np.zeros(len(codes) + 1, dtype=bool)
        table[[codes[w] for w in wanted if w in codes]] = True
        return table[row_codes]

    def doc_rows(self, doc_ids) -> np.ndarray:
        """Boolean row mask of the given documents' chunks."""
        return self._rows_in(self._doc_code, self._row_doc_code, doc_ids)

    def kind_rows(self, kinds) -> np.ndarray:
        """Boolean row mask of the chunks of the given kinds."""
        return self._rows_in(self._kind_code, self._row_kind_code, kinds)


def save_state(state: IndexState, folder: Path) -> None:
    with open(folder / "chunks.jsonl", "w", encoding="utf-8") as fh:
        for c in state.chunks:
            fh.write(json.dumps(c.to_dict(), ensure_ascii=False) + "\n")
    with open(folder / "tokens.jsonl", "w", encoding="utf-8") as fh:
        for toks in state.tokens:
            fh.write(json.dumps(toks, ensure_ascii=False) + "\n")
    (folder / "documents.json").write_text(
        json.dumps(list(state.documents.values()), ensure_ascii=False, indent=1), encoding="utf-8"
    )
    if state.lexicon is not None:
        (folder / "lexicon.txt").write_text("".join(state.lexicon.pieces(1 << 30)), encoding="utf-8")
    state.vectors.save(folder)
    state.bm25.save(folder / "bm25")
    if state.sentences:
        sentvecs.save(folder, [state.sentences[c.chunk_id] for c in state.chunks if c.chunk_id in state.sentences],
                      state.manifest.dim)
    state.manifest.save(folder)  # last: a folder with a manifest is complete (belt and braces)


def _jsonl(path: Path) -> list:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load_state(folder: Path) -> IndexState:
    manifest = Manifest.load(folder)
    try:
        chunks = [Chunk.from_dict(d) for d in _jsonl(folder / "chunks.jsonl")]
        tokens = [[sys.intern(t) for t in toks] for toks in _jsonl(folder / "tokens.jsonl")]  # see bm25.py
        docs = json.loads((folder / "documents.json").read_text(encoding="utf-8"))
        vectors = VectorStore.load(folder, manifest.index_kind)
        bm25 = BM25Index.load(folder / "bm25")
        sentences = sentvecs.load(folder)
        lex = folder / "lexicon.txt"
        lexicon = Lexicon.from_pieces([lex.read_text(encoding="utf-8")]) if lex.exists() else None
    except (OSError, ValueError, KeyError, RuntimeError) as exc:
        raise IndexFormatError(str(folder), f"{type(exc).__name__}: {exc}") from exc
    if not (len(chunks) == len(tokens) == len(vectors) == manifest.chunk_count):
        raise IndexFormatError(
            str(folder), f"row counts differ: chunks {len(chunks)}, tokens {len(tokens)}, vectors {len(vectors)}"
        )
    return IndexState(manifest, chunks, {d["doc_id"]: d for d in docs}, tokens, vectors, bm25,
                      sentences=sentences, lexicon=lexicon)
