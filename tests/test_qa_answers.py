"""Specifications of how extractive answers read (real demo corpus): number questions lead with the asked
indicator, multi-field metadata answers every field, comparisons are balanced, measures are condensed
exact quotes, colloquial wording still finds the answer, and absent facts are refused.

Questions here are written for these tests (not taken from the dev or test sets)."""

from __future__ import annotations

import re

import pytest

from planqa.qa import Engine
from planqa.qa.citations import MARKER, check_answer, quote_supported
from planqa.qa.extractive import condense
from planqa.qa.indicators import (
    indicator_phrase,
    label_match,
    parse_row,
    row_sentence,
    sentence_match,
)

JC = "000_1221f6b6c08d843d"
XZ = "001_f97572b67bbbe106"
GP = "002_4a039f29fe96f132"
JY = "003_80320cefd6c75378"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def engine(demo_index):
    return Engine(demo_index.settings, demo_index)


def _first_sentence(answer: str) -> str:
    return re.split(r"(?<=。)", answer, maxsplit=1)[0]


def _valid(ans):
    assert ans.citations, ans.answer
    for c in ans.citations:
        assert quote_supported(c), c
        assert f"[{c.n}]" in ans.answer
    _, _, warnings = check_answer(ans.answer, ans.citations)
    assert not warnings, warnings  # every figure of the answer is in a cited passage


# --- units: indicators ------------------------------------------------------------------------------


def test_indicator_phrase_drops_place_year_and_ask():
    assert indicator_phrase(" 2025年高技能人才  ?") == "高技能人才"
    assert indicator_phrase("学前教育毛入园率“十四五”目标是多少?") == "学前教育毛入园率"


def test_label_match_tells_other_indicators_apart():
    assert label_match("高技能人才", "高技能人才") == 1.0
    assert label_match("高技能人才", "高技能人才总量") == 1.0
    assert label_match("技工总量", "技能劳动者总量") == 1.0  # colloquial 技工
    assert label_match("高技能人才", "新增高技能人才") < 0.5
    assert label_match("技能人才", "高技能人才总量") < 0.5  # a narrower indicator
    assert label_match("技能人才", "技能人才占从业人员的比例") < 0.5  # a ratio, not the count


def test_sentence_match_needs_the_indicator_next_to_its_figure():
    assert sentence_match("高技能人才", "高技能人才达到10.3万人") == 1.0
    assert sentence_match("高技能人才", "新增高技能人才4.9万人次") < 0.5
    assert sentence_match("技能人才", "技能人才占从业人员比重达到60%") < 0.5


def test_table_row_reads_as_a_sentence():
    row = parse_row("表1 · 一、人才发展 · 3. 高技能人才（万人）：2020年 4.5；2025年 10.3；预期性")
    assert row_sentence(row) == "到2025年，高技能人才达到10.3万人（2020年为4.5万人，预期性指标）"
    row = parse_row("主要指标 · 技能人才 · 其中：高技能人才总量：2020年基数 8.5 万人；“十四五”目标 12 万人；预期性")
    assert row_sentence(row) == "高技能人才总量“十四五”目标为12万人（2020年基数为8.5万人，预期性指标）"
    assert row_sentence(row, "2020").startswith("2020年高技能人才总量为8.5万人")


def test_condense_keeps_an_exact_prefix():
    s = "提升县级职教中心社会服务能力，建成面向县域各类学习群体，兼具技术技能人才培养、农村劳动力转移培训等综合功能的办学实体；更好服务县域经济社会发展。"
    out = condense(s, 60)
    assert s.startswith(out) and len(out) <= 60
    assert condense("短句。", 60) == "短句。"


# --- number questions ----------------------------------------------------------------------------


def test_jiyuan_high_skill_target_leads_with_the_indicator(engine):
    ans = engine.ask("济源市2025年高技能人才目标是多少?")
    assert not ans.refused
    first = _first_sentence(ans.answer)
    assert "10.3" in first and "高技能人才" in first
    assert "4.9" not in ans.answer and "16.1" not in ans.answer  # other indicators stay out
    n = int(MARKER.search(first).group(1))
    cited = next(c for c in ans.citations if c.n == n)
    assert cited.doc_id == JY and "10.3" in cited.quote
    assert len(ans.citations) <= 2  # the fact and at most one supporting sentence
    _valid(ans)


def test_base_year_question_leads_with_the_base_figure(engine):
    ans = engine.ask("济源2020年高技能人才有多少?")
    assert not ans.refused
    assert "4.5" in _first_sentence(ans.answer)
    assert _first_sentence(ans.answer).index("4.5") < _first_sentence(ans.answer).index("10.3")
    _valid(ans)


def test_colloquial_indicator_finds_the_table_row(engine):
    ans = engine.ask("晋城技工总量到2025年达到多少?")
    assert not ans.refused
    first = _first_sentence(ans.answer)
    assert "技能劳动者总量" in first and "40万人" in first
    _valid(ans)


def test_question_without_place_when_one_plan_answers(engine):
    ans = engine.ask("劳动人事争议仲裁结案率的目标是多少?")
    assert not ans.refused
    assert "90%" in ans.answer and ans.citations[0].doc_id == JY
    _valid(ans)


def test_follow_up_swaps_the_place(engine):
    q = "晋城高技能人才总量目标是多少?"
    first = engine.ask(q)
    assert "12万人" in first.answer
    ans = engine.ask("那忻州呢?", history=[(q, first.answer)])
    assert "忻州" in ans.rewritten_question
    assert "16.57" in _first_sentence(ans.answer) and ans.citations[0].doc_id == XZ


# --- metadata ------------------------------------------------------------------------------------


def test_issuer_and_date_both_answered(engine):
    ans = engine.ask("高平的行动计划是哪个部门发的？什么时候？")
    assert not ans.refused
    assert "高平市人民政府办公室" in ans.answer and "2021年9月10日" in ans.answer
    assert len(MARKER.findall(ans.answer)) >= 2  # each field cited
    _valid(ans)


def test_doc_number_and_date_both_answered(engine):
    ans = engine.ask("晋城规划的发文字号和印发日期分别是什么?")
    assert not ans.refused
    assert "晋市政发〔2022〕24号" in ans.answer and "2022年9月17日" in ans.answer


def test_missing_field_is_said_missing(engine):
    ans = engine.ask("济源的文号和发布日期是什么?")
    assert not ans.refused
    assert "2023年4月7日" in ans.answer
    assert "文件中未找到文号" in ans.answer


# --- comparisons and measures --------------------------------------------------------------------


def test_comparison_is_balanced(engine):
    ans = engine.ask("晋城和忻州在职业教育上各有什么举措?")
    assert not ans.refused
    parts = ans.answer.split("\n《")
    assert ans.answer.startswith("《晋城市") and any(p.startswith("忻州市") for p in parts)
    docs = [c.doc_id for c in ans.citations]
    assert JC in docs and XZ in docs
    for d in (JC, XZ):
        n_items = len(re.findall(r"^\d+\. ", ans.answer.split("忻州市“十四五”")[0 if d == JC else 1], re.M))
        assert 2 <= n_items <= 3
    _valid(ans)


def test_comparison_follows_question_order(engine):
    ans = engine.ask("忻州和晋城的规划分别是什么时候印发的?")
    assert ans.answer.startswith("《忻州市")
    assert "2021年10月21日" in ans.answer and "2022年9月17日" in ans.answer


def test_measure_items_are_exact_quotes_from_one_section(engine):
    ans = engine.ask("晋城在特殊教育方面准备干什么?")
    assert not ans.refused
    items = re.findall(r"^\d+\. (.+)$", ans.answer, re.M)
    assert items
    _valid(ans)
    sections = {(c.chapter, c.section) for c in ans.citations}
    assert len(sections) <= 2
    assert all(len(MARKER.sub("", i)) <= 112 for i in items)


# --- refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize("q", [
    "大同市“十四五”技能人才总量目标是多少?",  # a city with no plan in the corpus
    "晋城到2035年高技能人才总量要达到多少?",  # a year the plans do not cover
    "济源养老床位到2025年要达到多少张?",  # a topic the plans do not cover
    "浙江到2025年要新建多少个养老服务中心?",  # a plausible figure that is absent
])
def test_absent_facts_are_refused_with_a_reason(engine, q):
    ans = engine.ask(q)
    assert ans.refused, ans.answer
    assert ans.answer.startswith("文件中未找到") and ans.refusal_reason
