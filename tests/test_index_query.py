"""The BM25 query of a question naming a document leaves that name out (the filter already enforces it)."""

from planqa.index import filters
from planqa.index.base import Query


def test_names_the_filter_enforces_are_removed_longest_first(demo_index):
    names = filters.document_names({d["doc_id"]: d for d in demo_index.documents()})
    text = filters.without_names("青海省和青海的外国人才目标是多少？", names)
    assert "青海" not in text and "外国人才目标是多少" in text
    assert filters.without_names("外国人才目标是多少？", names) == "外国人才目标是多少？"


def test_place_name_no_longer_outranks_the_answering_passage(demo_index):
    question = "青海的外国人才目标是多少？"
    hits = demo_index.search(question, k=3, mode="bm25")
    assert hits[0].doc_title.startswith("青海") and "外国人才达150人" in hits[0].chunk.text
    doc = {hits[0].chunk.doc_id}
    # An explicit filter on that document leaves the name out just the same (the answerer searches so).
    assert "外国人才达150人" in demo_index.search(question, k=3, mode="bm25", doc_ids=doc)[0].chunk.text
    # The store scoring the whole question inside the same filter: the overview repeating 青海 comes first.
    kept = demo_index.store.current().search(Query(question, lambda _text: None), 3, "bm25", doc)
    assert "外国人才达150人" not in kept[0].chunk.text


# --- second stage: the hybrid pool re-ordered by each chunk's best stored sentence -------------------


def test_rerank_mixes_first_stage_and_best_sentence():
    import numpy as np

    from planqa.index.fusion import rerank_by_sentences

    fused = np.array([1.0, 0.9, 0.2])
    best = np.array([0.1, 0.5, 0.9])  # the third chunk holds one sentence saying what was asked
    assert list(rerank_by_sentences(fused, best, 0.0)) == [0, 1, 2]  # weight 0: the first stage as it was
    assert list(rerank_by_sentences(fused, best, 0.3)) == [1, 0, 2]  # 0.7 vs 0.875·0.7 + 0.5·0.3
    assert list(rerank_by_sentences(fused, best, 0.8)) == [2, 1, 0]
    assert list(rerank_by_sentences(fused, np.zeros(3), 0.5)) == [0, 1, 2]  # no sentence vectors: unchanged


def test_a_paraphrased_question_finds_the_paragraph_whose_sentence_says_it(demo_index):
    from planqa.index import Index

    # "本地特色的劳务牌子" is the user's wording for 地方特色劳务品牌: one sentence of a long paragraph
    question = "忻州十四五打算培育多少个有本地特色的劳务牌子？"
    first_stage = Index(demo_index.settings.with_(rerank_weight=0.0), demo_index.store, demo_index.store.current(),
                        demo_index.encoder)
    before = [h.chunk.text for h in first_stage.search(question, k=5)]
    after = [h.chunk.text for h in demo_index.search(question, k=5)]
    assert "培育地方特色劳务品牌14个以上" not in before[0]
    assert "培育地方特色劳务品牌14个以上" in after[0]
