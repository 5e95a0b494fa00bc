"""The store contract: every store (`index/base.py`) must pass these, on the same real demo data.

The reference is the session's embedded demo index. Each store gets the same documents, vectors and sentence
vectors (`Batch.from_vectors`: nothing re-encoded), once per module; the write tests use two small real
documents in a fresh knowledge base. Milvus runs as Milvus Lite on a temporary file.
"""

from __future__ import annotations

import numpy as np
import pytest

from planqa.index import open_index
from planqa.index.base import Batch
from planqa.index.builder import prepare_batch
from planqa.index.factory import create_store
from planqa.index.index import Index, index_exists, store_info
from planqa.settings import Settings
from tests.docids import COMPILATION, GP, JC, JY

pytestmark = pytest.mark.slow

STORES = ["embedded", "milvus"]
QUESTIONS = ["技能大师工作室", "晋城市高技能人才培养目标", "产教融合", "职业院校双师型教师比例",
             "人才发展体制机制改革", "青海省科技人才", "就业困难人员帮扶", "2025年新增技能人才多少"]
SMALL = [GP, f"{COMPILATION}-p5"]  # 35 + 6 real chunks: the write tests stay quick


def settings_for(store: str, home) -> Settings:
    return Settings(home=home, store=store, milvus_uri=str(home / "kb.db") if store == "milvus" else "")


def docs_of(index, doc_ids=None):
    ids = doc_ids or [d["doc_id"] for d in index.documents()]
    return [(index.document(d), index.chunks_of(d)) for d in ids]


@pytest.fixture(scope="module", params=STORES)
def kb(request, tmp_path_factory, demo_index, use_encoder) -> Index:
    """The demo corpus in this store, from the reference's vectors and sentence vectors."""
    settings = settings_for(request.param, tmp_path_factory.mktemp(f"kb_{request.param}"))
    docs = docs_of(demo_index)
    ids = [c.chunk_id for _rec, cs in docs for c in cs]
    stored = demo_index._view.stored_vectors(ids)
    sents = demo_index.sentence_vectors(ids)
    batch = Batch.from_vectors(docs, np.stack([stored[i][1] for i in ids]), use_encoder.encoder_id,
                               use_encoder.name, sentences=[sents[i] for i in ids])
    index = Index(settings, create_store(settings), None, use_encoder)
    report = index.write_batch(batch)
    assert report.chunks_total == len(ids) and report.chunks_encoded == 0
    return index


@pytest.fixture(params=STORES)
def small(request, tmp_path, demo_index, use_encoder) -> Index:
    """A fresh knowledge base holding two small real documents, ingested (and encoded) normally."""
    settings = settings_for(request.param, tmp_path / "home")
    index = Index(settings, create_store(settings), None, use_encoder)
    index.add_documents(docs_of(demo_index, SMALL))
    return index


def ids(hits) -> list[str]:
    return [h.chunk.chunk_id for h in hits]


def test_ingest_holds_every_document_and_chunk(kb, demo_index):
    assert len(kb) == len(demo_index) and kb.version
    assert kb.documents() == demo_index.documents()  # records (title, region, 文号…) in ingest order
    assert kb.info()["chunk_kinds"] == demo_index.info()["chunk_kinds"]
    where = store_info(kb.settings)
    assert where["store"] == kb.store.name and where["uri"] and where["version"] == kb.version
    assert index_exists(kb.settings)


def test_a_chunk_comes_back_by_id_with_its_citation_metadata(kb, demo_index):
    for doc in (JC, f"{COMPILATION}-p1"):
        assert kb.chunks_of(doc) == demo_index.chunks_of(doc)  # reading order, headings, pages, labels
    sample = [c for _rec, cs in docs_of(demo_index) for c in cs][::37]
    assert all(kb.chunk(c.chunk_id) == c for c in sample)
    assert kb.chunk("no-such-chunk") is None
    hit = kb.search("技能大师工作室", k=1)[0]
    assert hit.chunk == demo_index.chunk(hit.chunk.chunk_id) and hit.doc_title


def first_stage(index: Index) -> Index:
    """The same index with the second stage (Index-level sentence rerank, above any store) switched off."""
    return Index(index.settings.with_(rerank_weight=0.0), index.store, index.store.current(), index.encoder)


@pytest.mark.parametrize("mode", ["hybrid", "bm25", "dense"])
def test_each_mode_ranks_like_the_reference(kb, demo_index, mode):
    # The stores are compared on their own ranking: the rerank above them would amplify the BM25 differences.
    store, reference = first_stage(kb), first_stage(demo_index)
    for q in QUESTIONS:
        got, ref = store.search(q, k=5, mode=mode), reference.search(q, k=5, mode=mode)
        assert len(got) == 5 and [h.rank for h in got] == [1, 2, 3, 4, 5]
        if mode == "dense":  # exact cosine in both: the same passages
            assert ids(got) == ids(ref), q
        else:  # BM25 implementations differ in tokenisation details: most passages agree
            assert len(set(ids(got)) & set(ids(ref))) >= 3, (q, ids(got), ids(ref))
            assert got[0].chunk.chunk_id in ids(ref), q


def test_the_sentence_rerank_runs_on_every_store(kb):
    # the user's wording for one sentence of a long paragraph (培育地方特色劳务品牌14个以上)
    question = "忻州十四五打算培育多少个有本地特色的劳务牌子？"
    assert "劳务品牌14个以上" not in first_stage(kb).search(question, k=5)[0].chunk.text
    assert "劳务品牌14个以上" in kb.search(question, k=5)[0].chunk.text


@pytest.mark.parametrize("mode", ["hybrid", "bm25", "dense"])
def test_document_region_and_kind_filters_hold(kb, mode):
    assert {h.chunk.doc_id for h in kb.search("人才培养", k=8, mode=mode, doc_ids=[JY])} == {JY}
    assert {h.chunk.doc_id for h in kb.search("人才培养", k=8, mode=mode, regions=["晋城"])} == {JC}
    tables = kb.search("人才培养", k=8, mode=mode, kinds=["table"])
    assert tables and {h.chunk.kind for h in tables} == {"table"}
    both = kb.search("目标", k=8, mode=mode, doc_ids=[JC], kinds=["table"])
    assert both and all(h.chunk.doc_id == JC and h.chunk.kind == "table" for h in both)
    assert kb.search("人才培养", k=8, mode=mode, regions=["没有这个地方"]) == []


@pytest.mark.parametrize("mode", ["bm25", "hybrid"])
def test_a_short_form_finds_the_plans_spelled_out_term(kb, mode):
    # 社工 → 社会工作 from the version's own vocabulary (index/expansion.py), whichever store holds it
    hits = kb.search("社工人才规模", k=3, mode=mode)
    assert "社会工作" in hits[0].chunk.text


def test_the_expansion_lexicon_is_stored_with_the_version(kb, demo_index):
    lexicon = kb.store.current().lexicon()  # reopened: read from the store, not rebuilt from the chunks
    assert lexicon.df == demo_index._view.lexicon().df
    assert lexicon.abbreviated("中职") == ("中等职业教育",)


def test_sentence_vectors_survive_reopen(kb, demo_index, use_encoder):
    reopened = open_index(kb.settings, build_demo_if_missing=False, encoder=use_encoder)
    assert reopened.version == kb.version and len(reopened) == len(kb)
    chunk_ids = [c.chunk_id for c in demo_index.chunks_of(GP)]
    ref = demo_index.sentence_vectors(chunk_ids)
    got = reopened.sentence_vectors(chunk_ids + ["no-such-chunk"])
    assert set(got) == set(ref) == set(chunk_ids)
    for cid in chunk_ids:
        assert got[cid].spans == ref[cid].spans
        np.testing.assert_allclose(got[cid].vectors, ref[cid].vectors, atol=2e-3)  # float16 on disk is fine


def test_replace_delete_and_rebuild(small, demo_index):
    gp_rec, gp_chunks = docs_of(demo_index, [GP])[0]
    changed = type(gp_chunks[1])(**{**gp_chunks[1].to_dict(), "chunk_id": f"{GP}:9999-new",
                                    "text": "高平市新建一所智能制造产业学院，年培养技师八百名。"})
    report = small.add_documents([(gp_rec, [gp_chunks[0], changed, *gp_chunks[2:-1]])])
    assert report.replaced == [GP] and report.chunks_encoded == 1  # unchanged chunks keep their vectors
    assert small.chunk(gp_chunks[1].chunk_id) is None and small.chunk(gp_chunks[-1].chunk_id) is None
    assert ids(small.search("智能制造产业学院 技师", k=3))[0] == changed.chunk_id
    assert changed.chunk_id in small.sentence_vectors([changed.chunk_id])

    report = small.remove(SMALL[1])
    assert report.removed == [SMALL[1]] and [d["doc_id"] for d in small.documents()] == [GP]
    assert all(h.chunk.doc_id == GP for h in small.search("集团 发展规划", k=10))

    before = ids(small.search("职业教育 产教融合", k=5))
    report = small.rebuild()
    assert report.chunks_encoded == len(gp_chunks) - 1 == len(small)
    assert ids(small.search("职业教育 产教融合", k=5)) == before


def test_a_failed_write_leaves_the_previous_version_searchable(small, demo_index, use_encoder):
    live = small.version
    expected = ids(small.search("职业教育 产教融合", k=5))
    extra = f"{COMPILATION}-p2"  # a two-chunk document
    batch = prepare_batch(docs_of(demo_index, [*SMALL, extra]), use_encoder, reuse=small._view)

    def interrupted(done, total, message):  # the writer dies while the store is writing
        raise KeyboardInterrupt("simulated interruption")

    with pytest.raises(KeyboardInterrupt):
        small.store.write(batch, interrupted)
    store = create_store(small.settings)
    assert store.current_version() == live
    reopened = open_index(small.settings, build_demo_if_missing=False, encoder=use_encoder)
    assert ids(reopened.search("职业教育 产教融合", k=5)) == expected and reopened.document(extra) is None
    if store.name == "milvus":  # the half-written collections were dropped
        assert store._versions() == [live]
    report = reopened.add_documents(docs_of(demo_index, [extra]))  # and the next write succeeds
    assert report.added == [extra] and reopened.version != live
