"""Retrieval metrics: a hand-computed example, and agreement with ranx on the same run."""

from __future__ import annotations

import math
import random

import pytest

from planqa.eval.retrieval import novel_gains, retrieval_metrics

RANKED = [
    ["无关", "到2025年高技能人才达到10.3万人", "其他"],  # quote at rank 2
    ["甲 乙 丙 丁", "无关"],  # whitespace-split quote at rank 1
    ["无关", "无关", "无关"],  # not found
    ["晋城 目标A", "忻州 目标B", "晋城 目标A 重复"],  # two quotes, both found, then a duplicate
]
GOLD = [["高技能人才达到10.3万人"], ["甲乙丙丁"], ["找不到的引文"], ["目标A", "目标B"]]


def test_hand_computed_example():
    m = retrieval_metrics(RANKED, GOLD, ks=(1, 2, 10))
    # recall@1: q1 0, q2 1, q3 0, q4 1/2
    assert m["recall@1"] == pytest.approx((0 + 1 + 0 + 0.5) / 4)
    assert m["recall@2"] == pytest.approx((1 + 1 + 0 + 1) / 4)
    assert m["recall@10"] == pytest.approx(3 / 4)
    assert m["mrr@10"] == pytest.approx((0.5 + 1 + 0 + 1) / 4)
    ndcg_q1 = (1 / math.log2(3)) / 1
    ndcg_q4 = 1.0  # both quotes in the first two ranks; the duplicate earns nothing
    assert m["ndcg@10"] == pytest.approx((ndcg_q1 + 1 + 0 + ndcg_q4) / 4)
    assert m["n"] == 4


def test_one_paragraph_holding_both_asks_answers_both():
    # a question with two asks whose gold sentences stand in one paragraph: that paragraph finds both
    texts = [["无关", "到2025年持证率达到55%以上，中高级技能人才占比达85%以上", "持证率达到55%以上"]]
    gold = [["持证率达到55%以上", "中高级技能人才占比达85%以上"]]
    m = retrieval_metrics(texts, gold, ks=(1, 2, 10))
    assert m["recall@1"] == 0 and m["recall@2"] == 1 and m["mrr@10"] == 0.5
    assert m["ndcg@10"] == pytest.approx(2 / math.log2(3) / (1 + 1 / math.log2(3)))
    assert novel_gains(texts[0], gold[0]) == [[], [0, 1], []]  # the later repeat earns nothing
    top = retrieval_metrics([texts[0][1:]], gold, ks=(1,))
    assert top["recall@1"] == 1 and top["ndcg@1"] == 1.0  # all quotes at rank 1 is the ideal ranking


def test_doc_ids_restrict_relevance():
    texts = [["高技能人才总量 12", "高技能人才总量 16.57"]]
    gold = [["高技能人才总量"]]
    m = retrieval_metrics(texts, gold, ranked_doc_ids=[["jc", "xz"]], gold_doc_ids=[["xz"]], ks=(1, 2))
    assert m["recall@1"] == 0 and m["recall@2"] == 1 and m["mrr@2"] == 0.5


def test_questions_without_quotes_are_skipped():
    m = retrieval_metrics([["a"], ["b"]], [[], ["b 的引文很长"]], ks=(1,))
    assert m["n"] == 1 and m["per_question"][0] is None


def _random_run(rng: random.Random, n_questions: int = 40):
    vocab = [f"片段{i}" for i in range(30)]
    ranked, gold, rdocs, gdocs = [], [], [], []
    for _ in range(n_questions):
        n_q = rng.choice([1, 1, 1, 2])
        quotes = rng.sample(vocab, n_q)
        docs = [rng.choice("ab") for _ in quotes]
        texts, tdocs, n_texts = [], [], rng.randint(0, 12)
        while len(texts) < n_texts:
            words = rng.sample(vocab, 3)
            if sum(q in words for q in quotes) > 1:  # ranx cannot express one result holding two quotes
                continue
            texts.append(" ".join(words))
            tdocs.append(rng.choice("ab"))
        ranked.append(texts)
        rdocs.append(tdocs)
        gold.append(quotes)
        gdocs.append(docs)
    return ranked, gold, rdocs, gdocs


def test_agrees_with_ranx():
    ranx = pytest.importorskip("ranx")
    ranked, gold, rdocs, gdocs = _random_run(random.Random(7))
    ours = retrieval_metrics(ranked, gold, ks=(1, 5, 10), ranked_doc_ids=rdocs, gold_doc_ids=gdocs)

    # The same judgements in ranx terms: a result that newly covers quote j is document "g{j}",
    # every other result is a non-relevant document of its own; qrels hold one document per quote.
    qrels, run = {}, {}
    for qi, (texts, quotes) in enumerate(zip(ranked, gold, strict=True)):
        gains = novel_gains(texts[:10], quotes, rdocs[qi][:10], gdocs[qi])
        qid = f"q{qi}"
        qrels[qid] = {f"g{j}": 1 for j in range(len(quotes))}
        run[qid] = {(f"g{g[0]}" if g else f"r{r}"): float(100 - r) for r, g in enumerate(gains)}
        if not run[qid]:
            run[qid] = {"empty": 0.0}  # ranx needs at least one result per query
    theirs = ranx.evaluate(ranx.Qrels(qrels), ranx.Run(run), ["recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10"])
    for key in ("recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10"):
        assert ours[key] == pytest.approx(theirs[key], abs=1e-9), key


def test_doc_recall():
    from planqa.eval.retrieval import doc_recall_metrics

    m = doc_recall_metrics([["x", "a", "b"], ["x"], ["b"]], [["a"], ["a"], ["a", "b"]], ks=(1, 2))
    assert m["doc_recall@1"] == pytest.approx((0 + 0 + 0.5) / 3)
    assert m["doc_recall@2"] == pytest.approx((1 + 0 + 0.5) / 3)
