"""Near misses are refused in the user's terms (real demo index, real Engine.ask), never answered with a
passage about something else."""

from __future__ import annotations


def test_a_field_the_document_never_prints_is_refused_not_answered_by_a_passage(engine):
    ans = engine.ask("高平这份行动计划是谁签发的？")
    assert ans.refused
    assert "签发人" in ans.refusal_reason and "元数据未注明" in ans.refusal_reason


def test_a_field_the_document_prints_is_answered_with_the_sentence_printing_it(engine):
    ans = engine.ask("忻州这份规划一共印了多少份？")
    assert not ans.refused
    assert "160份" in ans.answer and ans.citations


def test_the_issue_date_asked_with_another_verb_is_read_off_the_record(engine):
    ans = engine.ask("晋城那份规划是哪年哪月下发的？")
    assert not ans.refused
    assert "2022年9月17日" in ans.answer


def test_a_record_field_the_record_lacks_is_refused(engine):
    ans = engine.ask("国家人才发展规划纲要是哪年哪月下发的？")
    assert ans.refused and "元数据未注明印发日期" in ans.refusal_reason


def test_a_town_the_corpus_never_mentions_is_a_sub_region_the_plan_does_not_cover(engine):
    ans = engine.ask("济源克井镇到2025年要培训多少技能人才？")
    assert ans.refused
    assert "克井镇" in ans.refusal_reason and "没有单独给出" in ans.refusal_reason


def test_a_site_no_document_mentions_is_not_in_the_corpus(engine):
    ans = engine.ask("火星基地2025年的氧气产量目标是多少？")
    assert ans.refused
    assert "语料库中没有关于火星基地的内容" in ans.refusal_reason


def test_a_target_ask_is_not_answered_by_a_review_of_the_past(engine):
    ans = engine.ask("到2025年邵阳的最低工资标准要调到多少钱？")
    assert ans.refused or "1220元" not in ans.answer


def test_a_figure_answers_only_for_an_indicator_the_ask_names(engine):
    # the nearest sentences count 劳务品牌 (14个) and 高新技术企业 (22232家), not what is asked
    for question in ("忻州十四五期间城里要新增多少就业？", "杭州单独一个市五年要请来多少位世界级大牛？"):
        ans = engine.ask(question)
        assert ans.refused and not ans.citations, ans.answer
    # the user's words name the indicator (劳务牌子 ~ 劳务品牌): answered with its figure
    ans = engine.ask("忻州十四五打算培育多少个有本地特色的劳务牌子？")
    assert not ans.refused and "14个" in ans.answer
