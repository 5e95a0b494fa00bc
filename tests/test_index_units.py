"""Index building blocks on small hand-made inputs: tokenizer, fusion, filters, FAISS kinds, versions."""

from __future__ import annotations

import numpy as np
import pytest

from planqa.index import filters, fusion
from planqa.index.bm25 import BM25Index, Tokenizer
from planqa.index.faiss_store import VectorStore, choose_kind
from planqa.index.versions import current_version, write_version, writer_lock


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    return Tokenizer()


def test_domain_dictionary_keeps_terms_whole(tokenizer):
    toks = tokenizer.tokenize("实施技能富民工程，推进人人持证，培养高技能人才，推行1+X证书制度，深化产教融合")
    for term in ["技能富民", "人人持证", "高技能人才", "1+x", "产教融合"]:
        assert term in toks
    # search mode also yields the parts, so a query for 技能 still matches 高技能人才
    assert "技能" in toks and "人才" in toks


def test_domain_dictionary_size_and_stopwords(tokenizer):
    assert len(tokenizer.domain_words) >= 60
    toks = tokenizer.tokenize("晋城和忻州在职业教育上各有什么举措？")
    assert "的" not in toks and "什么" not in toks and "？" not in toks and "和" not in toks
    assert {"晋城", "忻州", "职业教育"} <= set(toks)


def test_private_jieba_instance_leaves_global_dictionary_alone(tokenizer):
    import jieba

    assert "人人持证" in tokenizer.tokenize("人人持证")
    assert "人人持证" not in list(jieba.cut("人人持证"))


def test_bm25_ranks_matching_chunk_first_and_round_trips(tokenizer, tmp_path):
    texts = ["深化产教融合、校企合作", "培养高技能人才，建设技能大师工作室", "推进学前教育普惠发展", ""]
    bm = BM25Index.build(tokenizer.tokenize_many(texts))
    scores = bm.scores(tokenizer.tokenize("高技能人才培养"))
    assert scores.shape == (4,) and int(np.argmax(scores)) == 1
    assert bm.scores(tokenizer.tokenize("完全无关的外星词汇")).max() == 0
    bm.save(tmp_path / "bm25")
    again = BM25Index.load(tmp_path / "bm25")
    np.testing.assert_allclose(again.scores(tokenizer.tokenize("产教融合")), bm.scores(tokenizer.tokenize("产教融合")))


def test_weighted_fusion_normalises_both_lists():
    bm = np.array([10.0, 5.0, 0.0])
    dense = np.array([0.50, 0.52, 0.60])
    np.testing.assert_allclose(fusion.weighted(bm, dense, 1.0), [1.0, 0.5, 0.0])
    np.testing.assert_allclose(fusion.weighted(bm, dense, 0.0), [0.0, 0.2, 1.0], atol=1e-6)
    fused = fusion.fuse(bm, dense, "weighted", 0.5)
    assert fused.argmax() == 0
    with pytest.raises(ValueError, match="unknown fusion"):
        fusion.fuse(bm, dense, "max")


def test_rrf_ignores_zero_bm25_and_rewards_agreement():
    bm = np.array([3.0, 0.0, 1.0])
    dense = np.array([0.9, 0.8, 0.7])
    rrf = fusion.rrf(bm, dense)
    assert rrf.argmax() == 0 and rrf[2] > rrf[1]


@pytest.mark.parametrize("kind", ["flat", "hnsw", "ivf"])
def test_vector_store_kinds_find_the_nearest(kind, tmp_path):
    rng = np.random.default_rng(0)
    vecs = rng.normal(size=(300, 16)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    store = VectorStore.build(vecs, kind)
    rows, scores = store.search(vecs[42], 5)
    assert rows[0] == 42 and scores[0] == pytest.approx(1.0, abs=1e-5)
    mask = np.zeros(300, dtype=bool)
    mask[[1, 2, 3]] = True
    rows, _ = store.search(vecs[42], 5, mask)
    assert set(rows) == {1, 2, 3}
    store.save(tmp_path)
    again = VectorStore.load(tmp_path, kind)
    assert again.search(vecs[7], 1)[0][0] == 7


def test_auto_kind_is_exact_for_small_and_approximate_for_large():
    assert choose_kind(1_000) == "flat"
    assert choose_kind(1_000_000) == "hnsw"
    assert choose_kind(10, "ivf") == "ivf"
    with pytest.raises(ValueError):
        choose_kind(10, "annoy")


DOCS = {
    "jc": {"doc_id": "jc", "title": "晋城市“十四五”人力资源开发、教育改革发展规划", "region": "晋城市"},
    "xz": {"doc_id": "xz", "title": "忻州市“十四五”人力资源开发、教育改革发展规划", "region": ""},
    "gp": {"doc_id": "gp", "title": "高平市推进职业教育改革发展行动计划", "region": "高平市"},
    "qh": {"doc_id": "qh", "title": "青海省“十四五”科技人才发展规划", "region": "青海省"},
    "gj": {"doc_id": "gj", "title": "国家十四五期间人才发展规划纲要", "region": "全国"},
}


def test_region_names_include_short_forms_and_title_fallback():
    assert filters.region_names(DOCS["jc"]) == {"晋城市", "晋城"}
    assert filters.region_names(DOCS["xz"]) == {"忻州市", "忻州"}  # region empty: taken from the title
    assert filters.region_names(DOCS["gj"]) == set()  # generic names never count


def test_named_groups_in_question_order():
    assert filters.named_groups("晋城和忻州在职业教育上各有什么举措?", DOCS) == [{"jc"}, {"xz"}]
    assert filters.named_groups("忻州、晋城、青海省的人才政策", DOCS) == [{"xz"}, {"jc"}, {"qh"}]
    assert filters.named_groups("国家人才发展有哪些目标", DOCS) == []


def test_allowed_mask_combines_filters():
    row_doc = np.array(["jc", "jc", "xz"], dtype=object)
    row_kind = np.array(["text", "table", "text"], dtype=object)
    assert filters.allowed_mask(row_doc, row_kind, DOCS) is None
    assert filters.allowed_mask(row_doc, row_kind, DOCS, doc_ids=["xz"]).tolist() == [False, False, True]
    assert filters.allowed_mask(row_doc, row_kind, DOCS, regions=["晋城"]).tolist() == [True, True, False]
    mask = filters.allowed_mask(row_doc, row_kind, DOCS, regions=["晋城市"], kinds=["table"])
    assert mask.tolist() == [False, True, False]
    assert not filters.allowed_mask(row_doc, row_kind, DOCS, regions=["火星"]).any()


def test_round_robin_interleaves_and_skips_duplicates():
    assert filters.round_robin([[1, 2, 3], [4, 2, 5]], 5) == [1, 4, 2, 3, 5]
    assert filters.round_robin([[1], [2, 3, 4]], 10) == [1, 2, 3, 4]


def test_write_version_failure_keeps_current(tmp_path):
    index_dir = tmp_path / "index"
    with writer_lock(index_dir):
        first = write_version(index_dir, lambda d: (d / "data.txt").write_text("v1"))
    assert current_version(index_dir) == first

    def broken(folder):
        (folder / "data.txt").write_text("half")
        raise OSError("disk full")

    with writer_lock(index_dir), pytest.raises(OSError):
        write_version(index_dir, broken)
    assert current_version(index_dir) == first
    assert (first / "data.txt").read_text() == "v1"
    assert not list((index_dir / "versions").glob(".tmp-*"))
