"""Specifications of plan periods for any five-year plan, not only 十四五: the period is read from the
document (title, else issue date), the ordinal is turned into years by arithmetic, and "the past" is what
lies before the document's own period — 2025 is the target of a 十四五 plan and the base of a 十五五 plan."""

from __future__ import annotations

import re

import pytest

from planqa.corpus.periods import cues, frame, ordinal_name, ordinal_period
from planqa.qa.features import doc_period, tense_in

PLAN_15 = """安阳市人民政府文件

安政〔2026〕5号

安阳市人民政府关于印发安阳市“十五五”人才发展规划的通知

各县（市、区）人民政府，市人民政府各部门：现将《安阳市“十五五”人才发展规划》印发给你们，请认真贯彻执行。

安阳市人民政府 2026年3月12日

安阳市“十五五”人才发展规划

一、发展基础

“十四五”时期，全市人才工作取得明显成效。截至2025年底，全市技能人才总量为28.5万人，高技能人才8.2万人。人才发展平台建设加快，新建技能大师工作室36个。

二、主要目标

到2030年，全市技能人才总量达到36万人，其中高技能人才达到12万人，每万名劳动力中研发人员达到60人。人才发展体制机制更加完善，人才创新创业活力充分激发。

三、主要任务

（一）实施技能人才培育工程。深化产教融合、校企合作，推行终身职业技能培训制度，建设一批高技能人才培训基地。

（二）优化人才发展环境。完善人才服务保障体系，落实住房、子女入学、医疗等配套服务，营造尊重人才的社会氛围。
"""


def _first_sentence(answer: str) -> str:
    return re.split(r"(?<=。)", answer, maxsplit=1)[0]


def test_plan_ordinals_are_years_by_arithmetic():
    assert ordinal_period("三") == ("2016", "2020")
    assert ordinal_period("五") == ("2026", "2030")
    assert ordinal_period("六") == ("2031", "2035")
    assert [ordinal_name(y) for y in (2020, 2025, 2030, 2035, 2027)] == ["十三五", "十四五", "十五五", "十六五", ""]
    assert doc_period("某市“十五五”人才发展规划") == ("2026", "2030")
    assert doc_period("某市“十六五”教育规划") == ("2031", "2035")
    assert frame("某市推进职业教育行动计划", "2021-09-10") == ("2021", "2025")  # the plan it was issued in
    assert frame("某集团发展纲要") is None


def test_the_past_is_relative_to_the_documents_period():
    assert tense_in("target", ["2025"], ("2026", "2030")) == "past"
    assert tense_in("target", ["2025"], ("2021", "2025")) == "target"
    assert tense_in("target", ["2030"], ("2026", "2030")) == "target"
    past, target = cues(("2026", "2030"))
    assert past.search("“十四五”时期，截至2025年底") and past.search("2025年末全市") and not past.search("十五五")
    assert target.search("“十五五”时期") and not target.search("“十四五”时期")


@pytest.fixture(scope="module")
def engine_15(tmp_path_factory, use_encoder):
    from planqa.index import build_index
    from planqa.qa.engine import Engine
    from planqa.settings import Settings

    corpus = tmp_path_factory.mktemp("plan15")
    (corpus / "anyang_15.txt").write_text(PLAN_15, encoding="utf-8")
    settings = Settings(home=tmp_path_factory.mktemp("plan15_home"))
    index = build_index(settings, [corpus], encoder=use_encoder)
    return Engine(settings, index)


def test_a_15th_plan_answers_its_2030_target(engine_15):
    ans = engine_15.ask("安阳市“十五五”期间，到2030年技能人才总量目标是多少？")
    assert not ans.refused, ans.answer
    assert "36万人" in _first_sentence(ans.answer)  # the answer leads with the target, not the base figure


def test_a_15th_plan_answers_the_past_with_its_base_figure(engine_15):
    for q in ("安阳市“十四五”末技能人才总量是多少？", "安阳市2025年技能人才总量是多少？"):
        ans = engine_15.ask(q)
        assert not ans.refused, ans.answer
        assert "28.5万人" in _first_sentence(ans.answer) and "36万人" not in ans.answer, q


def test_a_15th_plan_gives_no_target_for_a_past_it_does_not_state(engine_15):
    ans = engine_15.ask("安阳市2025年每万名劳动力中研发人员是多少？")  # the plan only sets the 2030 target
    assert ans.refused and "60人" not in ans.answer.split("最接近的段落")[0], ans.answer


def test_a_15th_plan_refuses_a_2035_target_for_its_period(engine_15):
    ans = engine_15.ask("安阳市2035年技能人才总量目标是多少？")
    assert ans.refused, ans.answer
    assert "只写到2030年" in ans.refusal_reason and "2035年" in ans.refusal_reason
