"""The store contract every store must pass (today: the embedded store; Milvus is to be added to STORES)."""

from __future__ import annotations

import numpy as np
import pytest

from planqa.index import open_index
from planqa.index.base import Batch
from planqa.index.factory import create_store
from planqa.index.index import Index, index_exists, store_info
from planqa.settings import Settings

STORES = ["embedded"]


@pytest.fixture(params=STORES)
def store_settings(request, tmp_path) -> Settings:
    return Settings(home=tmp_path / "home", store=request.param)


def test_sentence_vectors_survive_reopen_and_are_reused(store_settings, demo_index, use_encoder):
    docs = [(demo_index.document(d["doc_id"]), demo_index.chunks_of(d["doc_id"])) for d in demo_index.documents()[:2]]
    index = Index(store_settings, create_store(store_settings), None, use_encoder)
    index.add_documents(docs)
    ids = [c.chunk_id for _rec, cs in docs for c in cs]
    first = index.sentence_vectors(ids)
    assert set(first) == set(ids)
    some = first[ids[0]]
    assert some.vectors.shape == (len(some.spans), use_encoder.dim)
    again = open_index(store_settings, build_demo_if_missing=False, encoder=use_encoder)
    np.testing.assert_allclose(again.sentence_vectors([ids[0]])[ids[0]].vectors, some.vectors, atol=1e-3)
    assert again.sentence_vectors(["no-such-chunk"]) == {}
    assert store_info(store_settings)["store"] == store_settings.store and index_exists(store_settings)


def test_bulk_batch_from_precomputed_vectors(store_settings, demo_index, use_encoder):
    docs = [(demo_index.document(d["doc_id"]), demo_index.chunks_of(d["doc_id"])) for d in demo_index.documents()]
    chunks = [c for _rec, cs in docs for c in cs]
    vectors = np.stack([demo_index._view.stored_vectors([c.chunk_id])[c.chunk_id][1] for c in chunks])
    index = Index(store_settings, create_store(store_settings), None, use_encoder)
    report = index.write_batch(Batch.from_vectors(docs, vectors, use_encoder.encoder_id))
    assert report.chunks_total == len(chunks) and report.chunks_encoded == 0
    q = "技能大师工作室"
    assert [h.chunk.chunk_id for h in index.search(q, k=5)] == [h.chunk.chunk_id for h in demo_index.search(q, k=5)]
