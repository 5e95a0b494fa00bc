"""Comparisons of several plans: each plan answers with the figure of the indicator asked, and "哪个更高" is
computed from those cited figures only when they count the same indicator in the same unit.

Questions here are written for these tests (not taken from the eval sets)."""

from __future__ import annotations

from planqa.qa.answerer import Figure
from planqa.qa.asks import asks_of


def test_the_asks_a_which_compares_ask_for_figures():
    # "要做到多大" alone is no number form; followed by "谁更多" it asks for the figures compared
    assert [a.qtype for a in asks_of("济源和忻州的专业技术人才分别要做到多大？谁更多？", [])] == ["number", "which"]
    assert asks_of("平均受教育年限要提高到几年？", [])[0].qtype == "number"
    assert asks_of("近几年做了哪些工作？", [])[0].qtype != "number"


def test_a_figure_from_a_respectively_list_is_the_one_whose_name_is_asked(engine):
    ans = engine.ask("济源和忻州到2025年专业技术人才总量分别要达到多大规模？哪个更多？")
    last = ans.answer.split("\n")[-1]
    # 济源's sentence lists five indicators "分别达到□万人、3.4万人、10.3万人…": 专业技术人才 is the second
    assert last.startswith("比较：济源为3.4万人") and "忻州为10.7万人" in last and last.endswith("忻州更多。")
    assert not ans.warnings


def test_a_plan_is_asked_again_in_the_words_another_plan_names_the_indicator_with(engine):
    ans = engine.ask("济源和浙江到2025年科技进步贡献率各要达到多少？哪个高？")
    last = ans.answer.split("\n")[-1]
    assert last.startswith("比较：济源为65%") and "浙江为70%" in last and last.endswith("浙江更高。")


def test_figures_of_different_indicators_are_not_compared(engine):
    which = engine.answerer()._which
    r_and_d = {"d1": [Figure("40", "家", 1, 3.0, "新型研发机构等省级各类研发机构", 0.3)],
               "d2": [Figure("2", "个", 2, 3.0, "全市博士后科研流动站、工作站", 0.3)]}
    assert which("哪个多", r_and_d) == ""  # 家 and 个 count alike, but 研发机构 are no 博士后工作站
    unnamed = {"d1": [Figure("35.4", "万人", 1, 3.0, "持证人员总量达到", 0.0)],
               "d2": [Figure("20", "万名", 2, 3.0, "每年培养技能人才", 0.0)]}
    assert which("谁更高", unnamed) == ""  # neither is named by the ask, and their names differ


def test_a_bare_ten_thousand_counts_what_the_other_plan_counts(engine):
    which = engine.answerer()._which
    social = {"d1": [Figure("12", "万人", 1, 3.0, "社会工作专业人才", 0.5)],
              "d2": [Figure("5", "万", 2, 3.0, "河南省社会?作专业?才", 0.3)]}  # the counter lost in extraction
    assert which("哪边多", social).endswith("更多。")
    years = {"d1": [Figure("13", "年", 1, 3.0, "劳动年龄人口平均受教育年限", 0.5)],
             "d2": [Figure("5", "万", 2, 3.0, "劳动年龄人口平均受教育年限", 0.5)]}
    assert which("哪个高", years) == ""  # a count is never compared with years
