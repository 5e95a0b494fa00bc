"""Answer metrics on tiny hand-built answers whose scores are computed by hand."""

from __future__ import annotations

import pytest
from docids import JC, JY

from planqa.eval.dataset import EvalItem
from planqa.eval.grounding import (
    aggregate,
    aggregate_by_type,
    score_answer,
    sentence_support,
    split_sentences,
)

ITEM = EvalItem(
    id="jy-1", question="济源市到2025年高技能人才要达到多少?", type="number", answerable=True,
    docs=[JY], chapters=["第一章 发展基础与主要目标"], quotes=["高技能人才(万人)"],
    keywords=["10.3", "万人"], answer="10.3万人",
)
GOOD_CITE = {"n": 1, "doc_id": JY, "chapter": "第一章 发展基础与主要目标", "section": "第四节 主要目标",
             "quote": "3. 高技能人才(万人) | 4.5 | 10.3 | 预期性 |",
             "text": "表1 主要指标 3. 高技能人才(万人) | 4.5 | 10.3 | 预期性 |"}
WRONG_CITE = {"n": 1, "doc_id": JC, "chapter": "第二章 总体思路和目标要求", "section": "",
              "quote": "其中:高技能人才总量 万人 8.5 12", "text": "其中:高技能人才总量 万人 8.5 12 预期性"}


def answer(text: str, cites: list[dict], refused: bool = False) -> dict:
    return {"answer": text, "refused": refused, "refusal_reason": "", "citations": cites}


def test_correct_answer_scores_full():
    s = score_answer(ITEM, answer("济源到2025年高技能人才达到10.3万人[1]。", [GOOD_CITE]))
    assert s.citation_precision == 1 and s.citation_recall == 1
    assert s.keyword_recall == 1 and s.keywords_all and s.numeric_ok
    assert s.chapter_ok and s.doc_ok
    # "2025" is not in the cited row, so the one sentence is not supported.
    assert s.supported_ratio == 0


def test_wrong_citation_scores_lower():
    text = "高技能人才(万人)达到10.3万人[1]。"
    good = score_answer(ITEM, answer(text, [GOOD_CITE]))
    bad = score_answer(ITEM, answer(text, [WRONG_CITE]))
    assert good.supported_ratio == 1 and bad.supported_ratio == 0
    assert bad.citation_precision == 0 and bad.citation_recall == 0 and not bad.doc_ok
    assert bad.keyword_recall == good.keyword_recall  # same words, worse evidence
    agg_good, agg_bad = aggregate([good]), aggregate([bad])
    for key in ("citation_precision", "citation_recall", "supported_sentence_ratio", "doc_accuracy"):
        assert agg_bad[key] < agg_good[key], key


def test_hand_computed_mix():
    two = score_answer(ITEM, answer("高技能人才目标10.3[1][2]。另有说明。", [GOOD_CITE, {**WRONG_CITE, "n": 2}]))
    assert two.citation_precision == pytest.approx(0.5)
    assert two.citation_recall == 1
    # sentence 1 supported ("10.3" and its bigrams are in [1]+[2]); "另有说明" has no marker -> unsupported
    assert two.n_sentences == 2 and two.supported_ratio == pytest.approx(0.5)
    assert two.keyword_recall == pytest.approx(0.5) and two.keywords_all is False


def test_marker_inherited_within_paragraph():
    cite = {"n": 1, "doc_id": JY, "text": "到2025年,城镇新增就业7.5万人以上。城镇调查失业率控制在5.5%以内。"}
    sup, tot = sentence_support("城镇新增就业7.5万人以上。城镇调查失业率控制在5.5%以内[1]。", [cite])
    assert (sup, tot) == (2, 2)
    assert split_sentences("甲。乙[1]!\n丙") == ["甲。", "乙[1]!", "丙"]


def test_refusals():
    neg = EvalItem(id="neg-1", question="太原?", type="unanswerable", answerable=False)
    scores = [
        score_answer(neg, answer("", [], refused=True)),
        score_answer(neg, answer("太原是……", [])),
        score_answer(ITEM, answer("", [], refused=True)),
        score_answer(ITEM, answer("10.3万人[1]", [GOOD_CITE])),
    ]
    agg = aggregate(scores)
    assert agg["correct_refusal_rate"] == 0.5
    assert agg["false_refusal_rate"] == 0.5
    assert agg["refusal_precision"] == 0.5
    # a refused answerable question earns nothing
    assert scores[2].keyword_recall == 0 and scores[2].citation_recall == 0
    by_type = aggregate_by_type(scores)
    assert set(by_type) == {"number", "unanswerable"}
    assert by_type["unanswerable"]["correct_refusal_rate"] == 0.5


def test_comparison_needs_both_documents():
    cmp_item = EvalItem(id="c", question="?", type="comparison", answerable=True, docs=["a", "b"],
                        chapters=["", ""], quotes=["甲地目标十二万人", "乙地目标十六万人"], keywords=["12", "16"])
    only_a = score_answer(cmp_item, answer("甲地12万人[1]", [{"n": 1, "doc_id": "a", "text": "甲地目标十二万人"}]))
    assert only_a.citation_recall == 0.5 and only_a.doc_ok is False and only_a.chapter_ok is None


def test_lists_with_lead_in_and_trailing_markers():
    cites = [{"n": 1, "doc_id": JY, "doc_title": "济源市规划", "chapter": "第二章 建设人才队伍",
              "text": "完善人才评价机制,推行代表作评价制度。"},
             {"n": 2, "doc_id": JY, "text": "全面落实班主任津贴、10%绩效总量等政策。"}]
    text = "济源市规划在第二章 建设人才队伍中提出:\n1. 完善人才评价机制,推行代表作评价制度。[1]\n2. 全面落实班主任津贴、10%绩效总量等政策。[2]"
    assert sentence_support(text, cites) == (3, 3)


def test_keyword_alternatives():
    item = EvalItem(id="k", question="?", type="number", answerable=True, docs=[JY], quotes=["中等职业教育在校生达到5000人"],
                    keywords=["5000人|0.5万人"])
    s = score_answer(item, answer("到2025年达到0.5万人[1]", [{"n": 1, "doc_id": JY, "text": "中等职业教育在校生达到5000人"}]))
    assert s.keywords_all and s.numeric_ok and s.citation_precision == 1


def test_enumerators_are_no_claims_but_decimals_are():
    cite = {"n": 1, "doc_id": JY, "text": "每年开展1.5万人次职业技能培训。"}
    assert sentence_support("（一）每年开展1.5万人次职业技能培训[1]。", [cite]) == (1, 1)
    assert sentence_support("每年开展2.5万人次职业技能培训[1]。", [cite]) == (0, 1)
