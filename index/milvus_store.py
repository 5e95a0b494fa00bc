"""The Milvus store: the same index in Milvus, through `pymilvus`. A local file URI runs Milvus Lite in this
process (`milvus-lite`), `http://host:19530` a Milvus standalone server or cluster; the code is the same.

One version of a knowledge base `kb` (Settings.milvus_collection) is four collections named
`{kb}_{version}_{part}`:
    chunks  chunk id (primary key), doc id, region, kind, reading position, the indexed text (jieba analyzer,
            text match), the dense vector, a BM25 sparse vector computed by Milvus' own BM25 function from
            the text, and the Chunk as JSON (headings, chapter, section, page…) so a citation is rebuilt by id
    docs    the document records (title, region, period, 文号…), in ingest order
    sents   one row per sentence of a chunk: span and vector (`index.sentvecs`)
    meta    the manifest and the chunk counts per kind; the query-expansion lexicon in rows lexicon0, …
(every Milvus collection needs a vector field: docs and meta carry a 2-dim dummy; the rows are built by
`milvus_rows.py`). The alias `kb` names the live chunks collection; a write builds and loads a complete new version first and then switches the alias in
one call, so a failed or interrupted ingest leaves the previous version live and searchable. Older versions
are dropped afterwards; the previous one stays loaded, so a process still reading it (a page server opened
before this ingest) keeps answering until the next write, then gets a clear "reopen" error.
Hybrid search runs inside the engine (`hybrid_search`: dense + BM25 requests, one ranker) with the document
and kind filters as scalar expressions of the same query.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from planqa.corpus.models import Chunk
from planqa.index.base import Batch, DocChunks, Progress, Query, Scored, Store, StoreView, no_progress
from planqa.index.errors import IndexFormatError, PlanIndexError
from planqa.index.expansion import Lexicon
from planqa.index.faiss_store import choose_kind
from planqa.index.ingest import group_by_doc
from planqa.index.manifest import Manifest
from planqa.index.milvus_rows import (
    DUMMY,
    MAX_TEXT,
    analyzer_params,
    chunk_rows,
    dense_index,
    lexicon_rows,
    params_hash,
    sentence_rows,
)
from planqa.index.types import SentenceVectors
from planqa.settings import Settings

PARTS = ("chunks", "docs", "sents", "meta")
INSERT_ROWS = 500  # rows per insert call (well under the gRPC message limit at 1024-dim vectors)
QUERY_ROWS = 4000  # rows per paged query (Milvus caps one query window at 16384)
ID_BATCH = 500  # ids per `id in [...]` lookup
# The engine's BM25 uses the embedded store's k1/b (bench/RESULTS.md), so the two stores rank alike.
BM25_K1, BM25_B = 1.2, 0.75
_VERSION = re.compile(r"^v\d{14}[0-9a-f]{8}$")
_KB_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,100}$")


def _lit(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a Milvus string literal: "…" with \" and \\ escaped


def _in(field: str, values: Sequence[str]) -> str:
    return f"{field} in [{', '.join(_lit(v) for v in values)}]"


class MilvusView(StoreView):
    """One version: its four collections, the manifest and the document records (read once)."""

    def __init__(self, client, kb: str, version: str, manifest: Manifest, documents: dict[str, dict],
                 kinds: dict[str, int], lexicon_rows: int = 0) -> None:
        self.client = client
        self._lexicon_rows = lexicon_rows  # 0: a version written before the lexicon was stored
        self.version = version
        self.manifest = manifest
        self._docs = documents
        self._kinds = kinds
        self.names = {p: f"{kb}_{version}_{p}" for p in PARTS}

    def __len__(self) -> int:
        return self.manifest.chunk_count

    def documents(self) -> dict[str, dict]:
        return self._docs

    def chunk_kinds(self) -> dict[str, int]:
        return dict(self._kinds)

    def _query(self, part: str, expr: str, fields: list[str], limit: int = QUERY_ROWS) -> list[dict]:
        with self._live():
            return list(self.client.query(self.names[part], filter=expr, output_fields=fields, limit=limit))

    @contextlib.contextmanager
    def _live(self) -> Iterator[None]:
        """Turn "collection not found" for a version another process has since dropped into a clear error."""
        try:
            yield
        except Exception as exc:
            from pymilvus import MilvusException

            if isinstance(exc, MilvusException) and not self.client.has_collection(self.names["chunks"]):
                raise PlanIndexError(f"索引版本 {self.version} 已被更新的版本取代，请重新打开 / index version "
                                     f"{self.version} was replaced by a newer one; reopen the index") from exc
            raise

    def _by_ids(self, part: str, field: str, ids: Sequence[str], fields: list[str]) -> list[dict]:
        rows: list[dict] = []
        for start in range(0, len(ids), ID_BATCH):
            part_ids = list(ids[start : start + ID_BATCH])
            rows += self._query(part, _in(field, part_ids), fields, limit=16384)
        return rows

    def chunk(self, chunk_id: str) -> Chunk | None:
        rows = self._query("chunks", f"id == {_lit(chunk_id)}", ["meta"], limit=1)
        return Chunk.from_dict(rows[0]["meta"]) if rows else None

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        rows = self._query("chunks", f"doc_id == {_lit(doc_id)}", ["pos", "meta"], limit=16384)
        return [Chunk.from_dict(r["meta"]) for r in sorted(rows, key=lambda r: r["pos"])]

    def all_documents(self) -> list[DocChunks]:
        chunks: list[Chunk] = []
        for start in range(0, len(self), QUERY_ROWS):  # paged by reading position: no query window limit
            rows = self._query("chunks", f"pos >= {start} and pos < {start + QUERY_ROWS}", ["pos", "meta"])
            chunks += [Chunk.from_dict(r["meta"]) for r in sorted(rows, key=lambda r: r["pos"])]
        return group_by_doc(self._docs, chunks)

    def lexicon(self) -> Lexicon:
        if not self._lexicon_rows:
            return super().lexicon()
        keys = [f"lexicon{i}" for i in range(self._lexicon_rows)]
        rows = {r["key"]: r["data"]["text"] for r in self._query("meta", _in("key", keys), ["key", "data"])}
        return Lexicon.from_pieces(rows[k] for k in keys)

    def stored_vectors(self, chunk_ids: Sequence[str]) -> dict[str, tuple[str, np.ndarray]]:
        rows = self._by_ids("chunks", "id", chunk_ids, ["id", "text", "dense"])
        return {r["id"]: (r["text"], np.asarray(r["dense"], dtype=np.float32)) for r in rows}

    def sentence_vectors(self, chunk_ids: Sequence[str]) -> dict[str, SentenceVectors]:
        rows = self._by_ids("sents", "chunk_id", chunk_ids, ["chunk_id", "n", "start", "end", "vec"])
        by_chunk: dict[str, list[dict]] = {}
        for r in rows:
            by_chunk.setdefault(r["chunk_id"], []).append(r)
        out = {}
        for cid, rs in by_chunk.items():
            rs.sort(key=lambda r: r["n"])
            out[cid] = SentenceVectors(cid, [(int(r["start"]), int(r["end"])) for r in rs],
                                       np.asarray([r["vec"] for r in rs], dtype=np.float32))
        return out

    def search(self, query: Query, k: int, mode: str, doc_ids: set[str] | None = None,
               kinds: set[str] | None = None) -> list[Scored]:
        if doc_ids is not None and not doc_ids:
            return []
        clauses = []
        if doc_ids is not None:
            clauses.append(_in("doc_id", sorted(doc_ids)))
        if kinds:
            clauses.append(_in("kind", sorted(kinds)))
        expr = " and ".join(clauses)
        with self._live():
            return self._search(query, k, mode, expr)

    def _search(self, query: Query, k: int, mode: str, expr: str) -> list[Scored]:
        name, out = self.names["chunks"], ["meta"]
        bm25 = {"metric_type": "BM25"}
        dense = {"metric_type": "IP", "params": {"ef": max(64, 3 * k), "nprobe": 32}}
        if mode == "bm25":
            hits = self.client.search(name, data=[query.expanded_text], anns_field="sparse", limit=k, filter=expr,
                                      search_params=bm25, output_fields=out)[0]
            # BM25 scores are positive; Milvus Lite reports them negated (its distances sort ascending)
            return [Scored(Chunk.from_dict(h["entity"]["meta"]), abs(h["distance"]), abs(h["distance"]))
                    for h in hits]
        if mode == "dense":
            hits = self.client.search(name, data=[query.vector.tolist()], anns_field="dense", limit=k,
                                      filter=expr, search_params=dense, output_fields=out)[0]
            return [Scored(Chunk.from_dict(h["entity"]["meta"]), h["distance"], None, h["distance"]) for h in hits]
        from pymilvus import AnnSearchRequest

        pool = max(50, 3 * k)  # candidates from each retriever before fusion, as in the embedded store
        requests = [
            AnnSearchRequest(data=[query.expanded_text], anns_field="sparse", param=bm25, limit=pool, expr=expr or None),
            AnnSearchRequest(data=[query.vector.tolist()], anns_field="dense", param=dense, limit=pool,
                             expr=expr or None),
        ]
        hits = self.client.hybrid_search(name, requests, _ranker(query), limit=k, output_fields=out)[0]
        return [Scored(Chunk.from_dict(h["entity"]["meta"]), float(h["distance"])) for h in hits]


def _ranker(query: Query):
    """`weighted` → WeightedRanker(w, 1-w), `rrf` → RRFRanker(60), as Settings.fusion says.

    Measured against the embedded store (bench/RESULTS.md, `bench/retrieval.py --stores`): WeightedRanker
    with bm25_weight 0.9 stays within 0.02 of the embedded hybrid on the dev set (hit@5 0.947 vs 0.966,
    MRR@10 0.860 vs 0.871) and within 0.03 on paraphrase_2, because Milvus Lite min-max normalises each
    route as `fusion.weighted` does. RRFRanker cannot weight the routes, so the weak USE dense route counts
    as much as BM25: MRR@10 0.763 on the dev set. Hence weighted, the default. (A Milvus server normalises
    weighted scores with arctan; re-measure there before relying on the exact figures.)"""
    from pymilvus import RRFRanker, WeightedRanker

    if query.fusion == "rrf":
        return RRFRanker(60)
    return WeightedRanker(query.bm25_weight, 1.0 - query.bm25_weight)


class MilvusStore(Store):
    name = "milvus"

    def __init__(self, client, uri: str, kb: str, index_kind: str = "auto") -> None:
        if not _KB_NAME.match(kb):
            raise ValueError(f"知识库名只能含字母、数字、下划线 / PLANQA_MILVUS_COLLECTION={kb!r}: letters, digits, _")
        self.client, self.uri, self.kb, self.index_kind = client, uri, kb, index_kind

    @property
    def local(self) -> bool:
        return "://" not in self.uri

    @classmethod
    def connect(cls, settings: Settings) -> MilvusStore:
        from pymilvus import MilvusClient

        uri = settings.milvus_location
        if "://" not in uri:
            uri = str(Path(uri).expanduser().resolve())
            Path(uri).parent.mkdir(parents=True, exist_ok=True)
            # Milvus Lite serves in this process over gRPC; pymilvus probes RPCs Lite does not implement and
            # the server side logs each probe as an ERROR with a traceback on stderr. Nothing fails.
            logging.getLogger("grpc._server").setLevel(logging.CRITICAL)
        try:
            client = MilvusClient(uri=uri, token=settings.milvus_token)
        except Exception as exc:  # pymilvus raises MilvusException or connection errors of several kinds
            hint = ("" if "://" in uri else " (Milvus Lite 文件只能由一个进程打开 / a Milvus Lite file is open in one "
                    "process at a time: stop the other planqa process, or use a Milvus server URI)")
            raise PlanIndexError(f"无法连接 Milvus {uri} / cannot connect to Milvus at {uri}: {exc}{hint}") from exc
        return cls(client, uri, settings.milvus_collection, settings.index_kind)

    # ---------- reading ----------
    def _versions(self) -> list[str]:
        """Versions present in the engine (complete or not), oldest first (names sort by time)."""
        prefix = f"{self.kb}_"
        found = set()
        for name in self.client.list_collections():
            if name.startswith(prefix) and name.rsplit("_", 1)[-1] in PARTS:
                ver = name[len(prefix):].rsplit("_", 1)[0]
                if _VERSION.match(ver):
                    found.add(ver)
        return sorted(found)

    def current_version(self) -> str | None:
        if self.kb not in self.client.list_aliases().get("aliases", []):
            return None
        target = self.client.describe_alias(self.kb)["collection_name"]
        return target[len(self.kb) + 1 : -len("_chunks")]

    def current(self) -> MilvusView | None:
        version = self.current_version()
        if version is None:
            return None
        names = {p: f"{self.kb}_{version}_{p}" for p in PARTS}
        for name in names.values():
            self.client.load_collection(name)  # a reopened collection is released until loaded
        meta = self.client.query(names["meta"], filter="key == 'manifest'", output_fields=["data"], limit=1)
        if not meta:
            raise IndexFormatError(f"{self.uri} {names['meta']}", "no manifest row")
        try:
            manifest = Manifest(**meta[0]["data"]["manifest"])
        except TypeError as exc:
            raise IndexFormatError(f"{self.uri} {names['meta']}", str(exc)) from exc
        rows: list[dict] = []
        for start in range(0, manifest.doc_count, QUERY_ROWS):  # paged: a province holds tens of thousands
            rows += self.client.query(names["docs"], filter=f"pos >= {start} and pos < {start + QUERY_ROWS}",
                                      output_fields=["record", "pos"], limit=QUERY_ROWS)
        documents = {r["record"]["doc_id"]: r["record"] for r in sorted(rows, key=lambda r: r["pos"])}
        return MilvusView(self.client, self.kb, version, manifest, documents, meta[0]["data"]["kinds"],
                          meta[0]["data"].get("lexicon_rows", 0))

    # ---------- writing ----------
    def write(self, batch: Batch, progress: Progress | None = None) -> MilvusView:
        progress = progress or no_progress
        previous = self.current_version()
        version = f"v{datetime.now(UTC).strftime('%Y%m%d%H%M%S')}{uuid.uuid4().hex[:8]}"
        names = {p: f"{self.kb}_{version}_{p}" for p in PARTS}
        chunks = batch.chunks
        kind = choose_kind(len(chunks), self.index_kind)
        manifest = replace(batch.manifest, index_kind=kind, tokenizer="milvus:" + params_hash())
        kinds: dict[str, int] = {}
        for c in chunks:
            kinds[c.kind] = kinds.get(c.kind, 0) + 1
        documents = {rec["doc_id"]: rec for rec, _cs in batch.documents}
        try:
            self._create(names, manifest.dim, kind)
            self._insert(names["docs"], [{"doc_id": d, "pos": i, "region": (rec.get("region") or "")[:500],
                                          "record": rec, "vec": DUMMY}
                                         for i, (d, rec) in enumerate(documents.items())], progress)
            self._insert(names["sents"], sentence_rows(batch.sentences or []), progress)
            self._insert(names["chunks"], chunk_rows(batch, documents), progress)
            lex = lexicon_rows(batch)
            meta = {"manifest": manifest.to_dict(), "kinds": kinds, "lexicon_rows": len(lex)}
            self._insert(names["meta"], [{"key": "manifest", "vec": DUMMY, "data": meta}, *lex], progress)
            for name in names.values():
                self.client.flush(name)
            stored = self.client.query(names["chunks"], filter="", output_fields=["count(*)"])[0]["count(*)"]
            if stored != len(chunks):
                raise PlanIndexError(f"Milvus 只写入 {stored}/{len(chunks)} 个段落 / stored {stored} of "
                                     f"{len(chunks)} chunks; the previous version stays live")
            if previous is None:  # the switch: one alias call makes the new version live
                self.client.create_alias(names["chunks"], self.kb)
            else:
                self.client.alter_alias(names["chunks"], self.kb)
        except BaseException:
            self._drop(version)
            raise
        for old in self._versions():
            if old not in (version, previous):
                self._drop(old)
        return MilvusView(self.client, self.kb, version, manifest, documents, kinds, len(lex))

    def _create(self, names: dict[str, str], dim: int, kind: str) -> None:
        from pymilvus import DataType, Function, FunctionType

        c = self.client

        def make(name, fields, indexes, functions=()):
            schema = c.create_schema(auto_id=False, enable_dynamic_field=False)
            for fname, ftype, kw in fields:
                schema.add_field(fname, ftype, **kw)
            for fn in functions:
                schema.add_function(fn)
            params = c.prepare_index_params()
            for fname, kw in indexes:
                params.add_index(fname, **kw)
            c.create_collection(name, schema=schema, index_params=params, consistency_level="Strong")

        dummy_index = [("vec", {"index_type": "FLAT", "metric_type": "L2"})]
        make(names["docs"], [("doc_id", DataType.VARCHAR, {"is_primary": True, "max_length": 512}),
                             ("pos", DataType.INT64, {}), ("region", DataType.VARCHAR, {"max_length": 512}),
                             ("record", DataType.JSON, {}), ("vec", DataType.FLOAT_VECTOR, {"dim": 2})],
             dummy_index)
        make(names["meta"], [("key", DataType.VARCHAR, {"is_primary": True, "max_length": 64}),
                             ("data", DataType.JSON, {}), ("vec", DataType.FLOAT_VECTOR, {"dim": 2})], dummy_index)
        make(names["sents"], [("id", DataType.VARCHAR, {"is_primary": True, "max_length": 1100}),
                              ("chunk_id", DataType.VARCHAR, {"max_length": 1024}), ("n", DataType.INT64, {}),
                              ("start", DataType.INT64, {}), ("end", DataType.INT64, {}),
                              ("vec", DataType.FLOAT_VECTOR, {"dim": dim})],
             [("vec", {"index_type": "FLAT", "metric_type": "IP"}), ("chunk_id", {"index_type": "INVERTED"})])
        make(names["chunks"], [
            ("id", DataType.VARCHAR, {"is_primary": True, "max_length": 1024}),
            ("doc_id", DataType.VARCHAR, {"max_length": 512}),
            ("region", DataType.VARCHAR, {"max_length": 512}),
            ("kind", DataType.VARCHAR, {"max_length": 16}),
            ("pos", DataType.INT64, {}),
            ("text", DataType.VARCHAR, {"max_length": MAX_TEXT, "enable_analyzer": True, "enable_match": True,
                                        "analyzer_params": analyzer_params()}),
            ("dense", DataType.FLOAT_VECTOR, {"dim": dim}),
            ("sparse", DataType.SPARSE_FLOAT_VECTOR, {}),
            ("meta", DataType.JSON, {}),
        ], [
            ("dense", dense_index(kind)),
            ("sparse", {"index_type": "SPARSE_INVERTED_INDEX", "metric_type": "BM25",
                        "params": {"bm25_k1": BM25_K1, "bm25_b": BM25_B}}),
            ("doc_id", {"index_type": "INVERTED"}),
        ], [Function(name="text_bm25", function_type=FunctionType.BM25, input_field_names=["text"],
                     output_field_names=["sparse"])])

    def _insert(self, name: str, rows: list[dict], progress: Progress) -> None:
        for start in range(0, len(rows), INSERT_ROWS):
            self.client.insert(name, rows[start : start + INSERT_ROWS])
            progress(min(start + INSERT_ROWS, len(rows)), len(rows), f"写入 Milvus / writing {name}")

    def _drop(self, version: str) -> None:
        for p in PARTS:
            with contextlib.suppress(Exception):  # best effort: a missing collection is already gone
                self.client.drop_collection(f"{self.kb}_{version}_{p}")

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Milvus Lite opens a file in one process only (it locks the file itself), so writers there are
        already serialised. A server has no writer lock: run one ingest at a time per knowledge base (two
        concurrent writers cannot corrupt it, each switches the alias to a complete version, but the
        update of the first is lost)."""
        yield

    def location(self) -> dict:
        return {"store": self.name, "uri": self.uri, "collection": self.kb,
                "mode": "milvus-lite" if self.local else "server"}

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.client.close()
