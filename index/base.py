"""The store interface: what `Index` needs from wherever the chunks, vectors and BM25 statistics live.

Two implementations, chosen in one place (`planqa.index.factory.create_store`) from `Settings.store`:
`embedded` (FAISS + bm25s version folders, `embedded.py`) and `milvus` (Milvus Lite file or server URI,
`milvus_store.py`). Everything store-neutral — encoding, reuse of unchanged chunks' vectors, named-place
diversification, Hit assembly — stays in `Index`/`builder`, so a store only stores and searches.

Contract (tests/test_store_contract.py runs it against every store):
- `Store.current()` is the live `StoreView` or None; a view is one immutable, consistent version.
- `Store.write(batch)` makes a complete new version from a `Batch` and switches to it atomically;
  if it raises, `current()` is unchanged and still searchable. Call it under `Store.lock()`.
- `StoreView.search(query, k, mode, doc_ids, kinds)` returns at most k `Scored`, best first; `doc_ids`
  and `kinds` are already-resolved filters (an empty set means "nothing allowed").
"""

from __future__ import annotations

import contextlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from planqa.corpus.models import Chunk
from planqa.index.expansion import Lexicon
from planqa.index.manifest import Manifest
from planqa.index.types import SentenceVectors

DocChunks = tuple[dict, list[Chunk]]
Progress = Callable[[int, int, str], None]


def no_progress(done: int, total: int, message: str) -> None:
    pass


@dataclass
class Query:
    """One question as the stores see it. The vector is computed on first use (BM25-only searches never
    encode), and `cache` lets a store keep per-question work (BM25 scores) across per-place sub-searches."""

    text: str
    encode: Callable[[str], np.ndarray]
    fusion: str = "weighted"  # hybrid mode: weighted | rrf (Settings.fusion)
    bm25_weight: float = 0.9  # Settings.bm25_weight
    cache: dict = field(default_factory=dict)
    # The text BM25 scores: the question without the place/title names its document filter already enforces
    # (filters.without_names); None = `text`. The dense route always encodes `text`.
    lexical_text: str | None = None
    # Words the lexical route adds to `bm25_text`: the plans' forms of the question's rare words
    # (`expansion.Lexicon.expand`), scored like the question's own words.
    expansion: list[str] = field(default_factory=list)

    @property
    def bm25_text(self) -> str:
        return self.text if self.lexical_text is None else self.lexical_text

    @property
    def expanded_text(self) -> str:
        """`bm25_text` with the expansion words, for stores that score one lexical text."""
        return " ".join([self.bm25_text, *self.expansion])

    @property
    def vector(self) -> np.ndarray:
        if "vector" not in self.cache:
            self.cache["vector"] = np.asarray(self.encode(self.text), dtype=np.float32).reshape(-1)
        return self.cache["vector"]


@dataclass
class Scored:
    """One search result from a store. bm25/dense are the retrievers' own scores when the store has them
    (engine-side fusion, as in Milvus, may report only the fused score)."""

    chunk: Chunk
    score: float
    bm25: float | None = None
    dense: float | None = None


@dataclass
class Batch:
    """A complete index version, ready to store: every (record, chunks) pair in document order, the text each
    chunk is indexed under (`texts.index_text`), its L2-normalised vector and its sentence vectors.

    `builder.prepare_batch` makes one with an encoder; `Batch.from_vectors` takes precomputed vectors
    (bulk loads, benchmarks) without encoding anything."""

    manifest: Manifest
    documents: list[DocChunks]
    texts: list[str]  # one per chunk, in chunk order
    vectors: np.ndarray  # float32 (n_chunks, dim)
    sentences: list[SentenceVectors] | None = None  # one per chunk, or None (the answerer then does without)
    encoded: int = 0  # chunks whose vectors were computed for this batch (the rest were reused)
    reuse: StoreView | None = None  # the version this batch was built on (stores may reuse its tokens)

    @property
    def chunks(self) -> list[Chunk]:
        return [c for _rec, cs in self.documents for c in cs]

    @classmethod
    def from_vectors(cls, documents: Sequence[DocChunks], vectors: np.ndarray, encoder_id: str,
                     encoder_name: str = "", index_kind: str = "auto", tokenizer: str = "",
                     sentences: list[SentenceVectors] | None = None) -> Batch:
        """Bulk entry point: precomputed (n_chunks, dim) vectors in chunk order; nothing is encoded."""
        from planqa.index.builder import make_manifest
        from planqa.index.texts import index_text

        docs = [(rec, list(cs)) for rec, cs in documents]
        chunks = [c for _rec, cs in docs for c in cs]
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.shape[0] != len(chunks):
            raise ValueError(f"向量数 {vectors.shape[0]} 与段落数 {len(chunks)} 不符 / "
                             f"{vectors.shape[0]} vectors for {len(chunks)} chunks")
        records = {rec["doc_id"]: rec for rec, _cs in docs}
        texts = [index_text(c, records.get(c.doc_id, {})) for c in chunks]
        manifest = make_manifest(chunks, len(records), encoder_id, encoder_name or encoder_id,
                                 int(vectors.shape[1]), index_kind, tokenizer)
        return cls(manifest, docs, texts, vectors, sentences)


class StoreView(ABC):
    """One immutable version of the index, as a store serves it."""

    manifest: Manifest
    version: str  # names the version (folder name, collection name); changes with every write

    @abstractmethod
    def __len__(self) -> int: ...

    @abstractmethod
    def documents(self) -> dict[str, dict]:
        """doc_id -> document record, in ingest order (the caller must not mutate it)."""

    @abstractmethod
    def chunk(self, chunk_id: str) -> Chunk | None: ...

    @abstractmethod
    def chunks_of(self, doc_id: str) -> list[Chunk]:
        """A document's chunks in reading order."""

    @abstractmethod
    def all_documents(self) -> list[DocChunks]:
        """Every (record, chunks) pair in document order (remove/rebuild start from this)."""

    @abstractmethod
    def stored_vectors(self, chunk_ids: Sequence[str]) -> dict[str, tuple[str, np.ndarray]]:
        """chunk_id -> (indexed text, vector) for the ids present: unchanged chunks are never re-encoded."""

    @abstractmethod
    def sentence_vectors(self, chunk_ids: Sequence[str]) -> dict[str, SentenceVectors]:
        """Sentence vectors of the given chunks; ids without stored sentences are left out."""

    @abstractmethod
    def search(self, query: Query, k: int, mode: str, doc_ids: set[str] | None = None,
               kinds: set[str] | None = None) -> list[Scored]: ...

    def lexicon(self) -> Lexicon:
        """The version's vocabulary for query expansion; stores keep the one built at ingest. This fallback
        (versions written before it was stored) tokenises every chunk: seconds per thousand chunks."""
        from planqa.index.bm25 import default_tokenizer
        from planqa.index.texts import index_text

        tok = default_tokenizer()
        return Lexicon.build(tok.tokenize(index_text(c, rec)) for rec, cs in self.all_documents() for c in cs)

    def chunk_kinds(self) -> dict[str, int]:
        """How many chunks of each kind (text / table / box); stores may count cheaper."""
        kinds: dict[str, int] = {}
        for _rec, chunks in self.all_documents():
            for c in chunks:
                kinds[c.kind] = kinds.get(c.kind, 0) + 1
        return kinds

    @property
    def folder(self):
        """The version folder for stores that have one (embedded), else None."""
        return None


class Store(ABC):
    """Where index versions live. One instance per knowledge base and process."""

    name: str  # "embedded" | "milvus"

    @abstractmethod
    def current(self) -> StoreView | None:
        """The live version, or None when nothing was written yet."""

    def current_version(self) -> str | None:
        """Cheap name of the live version (to notice another process's write); override when cheaper."""
        view = self.current()
        return view.version if view is not None else None

    @abstractmethod
    def write(self, batch: Batch, progress: Progress | None = None) -> StoreView:
        """Store a complete new version and switch to it atomically; on failure nothing changes."""

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Serialises writers (readers never lock)."""
        yield

    @abstractmethod
    def location(self) -> dict:
        """What `planqa index info` shows: {"store": name, "uri": …, …}."""

    def close(self) -> None:  # noqa: B027 - optional hook: the embedded store holds no connection
        """Release connections."""


class EmptyView(StoreView):
    """The version of an index before its first write: nothing to find."""

    def __init__(self, manifest: Manifest) -> None:
        self.manifest = manifest
        self.version = ""

    def __len__(self) -> int:
        return 0

    def documents(self) -> dict[str, dict]:
        return {}

    def chunk(self, chunk_id: str) -> Chunk | None:
        return None

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        return []

    def all_documents(self) -> list[DocChunks]:
        return []

    def stored_vectors(self, chunk_ids: Sequence[str]) -> dict[str, tuple[str, np.ndarray]]:
        return {}

    def sentence_vectors(self, chunk_ids: Sequence[str]) -> dict[str, SentenceVectors]:
        return {}

    def search(self, query: Query, k: int, mode: str, doc_ids: set[str] | None = None,
               kinds: set[str] | None = None) -> list[Scored]:
        return []
