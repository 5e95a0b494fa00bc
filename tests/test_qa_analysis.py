"""The analyse stage: places from the gazetteer (not jieba's ns tag), one table of question forms, asks split
only where a question word is (real questions of the paraphrase sets, real demo index)."""

from __future__ import annotations

import pytest

from planqa.corpus.places import named_places, place_alias
from planqa.qa.analysis import analyse
from planqa.qa.asks import ask_type, question_type, split_asks


# --- places -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(("question", "places"), [
    ("忻州对回国的留学生来创业有什么扶持？打算重点支持几个项目？", ["忻州"]),  # jieba: 回国 ns
    ("博士毕业来济源工作安家，每年能领多少生活费补助？", ["济源"]),  # 安家 ns
    ("晋城前几年新开了多少个像养蜂、刺绣这样的特色工种？在全省排第几？", ["晋城"]),
    ("济源规划里讲职业中介、招聘市场管理的是哪一章？", ["济源"]),  # not 招聘市
    ("有证上岗的人在所有干活的人里占比，济源和晋城的目标分别是多少？", ["济源", "晋城"]),  # 上岗 ns
    ("校企合作和乡村振兴有哪些措施？", []),  # 合作市, 振兴区: their short forms are ordinary words
])
def test_ordinary_words_are_no_places(question, places):
    assert named_places(question) == places


@pytest.mark.parametrize(("question", "places"), [
    ("原平市到2025年读中职的在校生要多少？", ["原平市"]),
    ("宁波一个市到2025年要聚拢多少位搞科研的领头人物？", ["宁波"]),
    ("玉树州计划培育多少本地的科技人员？", ["玉树州"]),
    ("内蒙古自治区和广西壮族自治区的目标", ["内蒙古自治区", "广西壮族自治区"]),
    ("那大连呢？", ["大连"]),  # a city's short form counts even though jieba's dictionary tags it d
])
def test_divisions_are_found_in_full_or_short_form(question, places):
    assert named_places(question) == places


def test_short_forms():
    assert [place_alias(p) for p in ("忻州市", "内蒙古自治区", "玉树藏族自治州", "浦东新区", "城区")] == \
        ["忻州", "内蒙古", "玉树", "浦东", "城区"]


def test_the_catalog_places_are_the_documents_regions_and_title_places(engine):
    # 河南 comes from the damaged title “?四五”河南省社会?作?才发展规划; 全国 and the 集团 are no places
    assert set(engine.catalog.places) == {"晋城", "忻州", "高平", "济源", "青海", "河南", "邵阳", "浙江"}


def test_a_question_with_an_ordinary_word_jieba_tags_as_a_place_is_not_refused_as_a_sub_region(engine):
    ans = engine.ask("忻州对回国的留学生来创业有什么扶持？")
    assert "没有单独给出" not in ans.refusal_reason and "回国" not in ans.refusal_reason


def test_sub_regions_and_places_outside_the_corpus_are_still_refused(engine):
    ans = engine.ask("原平市到2025年读中职的在校生要多少？")
    assert ans.refused and "没有单独给出原平市" in ans.refusal_reason
    ans = engine.ask("洛阳市的“十四五”就业规划提出五年城镇新增就业多少万人？")
    assert ans.refused and "语料库中没有洛阳市的规划" in ans.refusal_reason


# --- question forms ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "qtype"), [
    ("晋城规划里关于留人引才的环境和政策放在哪章", "chapter"),
    ("第七章讲什么", "chapter"),
    ("这份规划由哪个部门印发", "metadata"),
    ("法官由哪家单位统一招录", "general"),  # a unit doing something is no field
    ("济源和邵阳的目标分别是多少，哪边多", "which"),
    ("忻州职校给企业做服务挣的钱，能拿出几成发绩效", "number"),
    ("忻州怎么培养乡村工匠", "measure"),
    ("济源打零工的人社保上有什么新政策", "general"),
])
def test_one_table_of_question_forms(text, qtype):
    assert ask_type(text) == qtype


def test_the_question_type_is_the_ask_table_s_unless_several_documents_are_named(engine):
    q = "晋城和忻州的高技能人才总量目标分别是多少？"
    assert question_type(q, 2) == "comparison" and question_type(q, 1) == ask_type(q) == "number"
    assert analyse(q, engine.catalog).qtype == "comparison"
    one = "晋城培养企业老板有啥计划？"
    assert analyse(one, engine.catalog).qtype == ask_type(one)


@pytest.mark.parametrize("question", [
    "济源这份规划的印发通知里，联系人和联系电话是什么？",  # 印发 names the notice, asks nothing
    "忻州技工里中级和高级的占比，规划要从16%提到多少？",  # 占比 is what is asked, 多少 asks it
])
def test_a_clause_with_only_a_topic_word_joins_its_ask(question):
    assert split_asks(question) == [question.rstrip("？")]


def test_clauses_with_their_own_question_words_stay_apart():
    assert split_asks("有证上岗的人里占比，济源和晋城的目标分别是多少？哪个更高？") == \
        ["有证上岗的人里占比，济源和晋城的目标分别是多少", "哪个更高"]
