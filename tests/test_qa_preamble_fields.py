"""A plan's preamble states its basis documents and its period, and a web copy may have lost the 月/日 of a
date: such questions are answered from the sentence that states them (real demo index, real Engine.ask)."""

from __future__ import annotations

from planqa.corpus.metadata import DATE_CN


def test_a_date_whose_month_and_day_characters_were_lost_is_still_a_date():
    m = DATE_CN.search("规划2021年12?31?，河南省?民政府印发了")
    assert m and m.groups() == ("2021", "12", "31")
    assert DATE_CN.search("2021年12月，") is None  # a month alone is no date


def test_the_basis_documents_are_answered_with_the_sentence_naming_them(engine):
    ans = engine.ask("浙江省人才规划是以哪份文件为依据编制的？")
    assert not ans.refused
    assert "编制依据" in ans.answer and "远景目标纲要" in ans.answer
    assert any("制定本规划" in c.quote for c in ans.citations)


def test_the_plan_period_is_answered_with_the_sentence_stating_it(engine):
    ans = engine.ask("邵阳人社规划的规划期是哪几年？")
    assert not ans.refused
    assert "2021-2025" in ans.answer and "2035" in ans.answer


def test_an_issue_date_only_the_text_states_is_answered_from_that_sentence(engine):
    # the 河南 web copy has no signature date; its first sentence dates the issue, with 月/日 lost
    ans = engine.ask("河南省人民政府是哪天印发那份人才发展总规划的？")
    assert not ans.refused
    assert "2021年12月31日" in ans.answer
    assert any("印发" in c.quote for c in ans.citations)
