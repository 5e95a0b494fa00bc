"""The extractive engine on the real demo corpus: each question type, refusals, follow-ups, the CLI.

Questions here are written for these tests (not taken from the dev set)."""

from __future__ import annotations

import json

import pytest
from docids import COMPILATION, JC, QH, SY, XZ, ZJ

from planqa.qa import Engine
from planqa.qa.citations import quote_supported

pytestmark = pytest.mark.slow


def _check_citations(ans):
    assert ans.citations, ans.answer
    for c in ans.citations:
        assert quote_supported(c), c
        assert f"[{c.n}]" in ans.answer
    assert [c.n for c in ans.citations] == list(range(1, len(ans.citations) + 1))


def test_number_from_text(engine):
    ans = engine.ask("晋城市普惠性幼儿占比是多少？")
    assert not ans.refused and "81.6%" in ans.answer
    assert ans.answer.startswith("《晋城市")
    assert ans.citations[0].doc_id == JC
    _check_citations(ans)


def test_number_from_table_row_states_base_and_target(engine):
    ans = engine.ask("晋城的学前教育毛入园率“十四五”要达到多少？")
    assert "99%" in ans.answer and "97.8%" in ans.answer  # target and base year figure
    assert "2020年" in ans.answer
    assert ans.citations[0].chapter.startswith("第二章")
    _check_citations(ans)


def test_measures_are_listed_with_markers(engine):
    ans = engine.ask("忻州市有哪些措施加强教师队伍建设？")
    assert not ans.refused and "1. " in ans.answer and "2. " in ans.answer
    assert all(c.doc_id == XZ for c in ans.citations)
    assert any("教师" in c.quote for c in ans.citations)
    _check_citations(ans)


def test_metadata_doc_number_issuer_date(engine):
    ans = engine.ask("邵阳市人社事业发展规划的文号是什么？")
    assert "邵市政办发〔2021〕33号" in ans.answer and ans.citations[0].doc_id == SY
    assert "33号" in ans.citations[0].quote
    ans = engine.ask("邵阳市规划是哪个部门印发的？")
    assert "邵阳市人民政府办公室" in ans.answer
    ans = engine.ask("晋城这份规划是哪天印发的？")
    assert "2022年9月17日" in ans.answer
    _check_citations(ans)


def test_chapter_question_names_the_path(engine):
    ans = engine.ask("青海科技人才规划哪一部分讲人才培育？")
    assert not ans.refused and ans.citations[0].doc_id == QH
    assert "›" in ans.answer or "、" in ans.answer
    assert ans.citations[0].chapter in ans.answer


def test_comparison_answers_each_document(engine):
    ans = engine.ask("晋城和忻州的高技能人才总量目标分别是多少？")
    assert "《晋城市" in ans.answer and "《忻州市" in ans.answer
    assert {c.doc_id for c in ans.citations} == {JC, XZ}
    _check_citations(ans)


@pytest.mark.parametrize("question", [
    "上海市人才发展规划提出了哪些目标？",  # a place the corpus does not cover
    "浙江省2030年人才资源总量目标是多少？",  # a year no passage states
    "这份规划的文号是什么？",  # no document named
])
def test_refusals(engine, question):
    ans = engine.ask(question)
    assert ans.refused and ans.answer.startswith("文件中未找到") and ans.refusal_reason
    assert not ans.citations


def test_followups(engine):
    first = engine.ask("晋城市普惠性幼儿占比是多少？")
    ans = engine.ask("那忻州呢？", history=[(first.question, first.answer)])
    assert ans.rewritten_question.startswith("忻州")
    assert ans.citations and all(c.doc_id == XZ for c in ans.citations)

    measures = engine.ask("忻州市有哪些措施加强教师队伍建设？")
    hist = [{"role": "user", "content": measures.question}, {"role": "assistant", "content": measures.answer}]
    second = engine.ask("第二条具体怎么做？", history=hist)
    assert second.rewritten_question.startswith("忻州")
    assert not second.refused

    hist += [{"role": "user", "content": "第二条具体怎么做？"}, {"role": "assistant", "content": second.answer}]
    ans = engine.ask("它的文号是什么？", history=hist)
    assert "忻政发〔2021〕22号" in ans.answer


def test_doc_filter(engine):
    ans = engine.ask("高技能人才的目标是多少？", doc_ids=[ZJ])
    assert ans.citations and all(c.doc_id == ZJ for c in ans.citations)


def test_stream_ask_extractive_yields_final(engine):
    answers = list(engine.stream_ask("晋城市普惠性幼儿占比是多少？"))
    assert answers[-1].citations and "81.6%" in answers[-1].answer


def test_latency_is_small(engine):
    engine.ask("预热")
    ans = engine.ask("忻州“十四五”高技能人才总量目标是多少？")
    assert ans.latency_ms < 1000  # generous here; bench/answer_latency.py measures the p50


def test_cli_ask_json(demo_index, monkeypatch, capsys):
    from planqa import cli

    monkeypatch.setenv("PLANQA_HOME", str(demo_index.settings.home))
    monkeypatch.setattr("planqa.index.open_index", lambda settings, **kw: demo_index)
    assert cli.main(["ask", "晋城市普惠性幼儿占比是多少？", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert set(d) >= {"question", "answer", "refused", "refusal_reason", "mode", "citations", "latency_ms"}
    assert d["citations"][0]["doc_title"].startswith("晋城市") and "81.6%" in d["answer"]
    assert cli.main(["ask", "晋城市普惠性幼儿占比是多少？"]) == 0
    out = capsys.readouterr().out
    assert "来源：" in out and "[1]《晋城市" in out


def test_engine_sees_documents_added_to_a_live_index(demo_index_copy, tmp_path):
    engine = Engine(demo_index_copy.settings, demo_index_copy)
    question = "太原市到2025年技能人才总量要达到多少？"
    assert engine.ask(question).refused  # no plan about 太原 yet
    doc = tmp_path / "taiyuan.txt"
    doc.write_text(
        "太原市“十四五”技能人才发展规划\n\n第一章 主要目标\n\n"
        "到2025年，全市技能人才总量达到120万人，高技能人才占技能人才比例达到30%以上。\n\n"
        "第二章 主要措施\n\n实施技能提升行动，每年开展补贴性职业技能培训10万人次。\n",
        encoding="utf-8",
    )
    demo_index_copy.add_files([doc])
    ans = engine.ask(question)
    assert not ans.refused and "120万人" in ans.answer
    assert ans.citations[0].doc_title.startswith("太原市")


def test_named_heading(engine):
    ans = engine.ask("忻州规划的第七章讲什么？")
    assert "第七章 加快和扩大教育对外开放" in ans.answer and ans.citations[0].chapter.startswith("第七章")
    assert engine.ask("晋城规划第十五章讲什么？").refused


def test_national_plan_is_targeted_by_name(engine):
    ans = engine.ask("国家人才规划提出了哪些人才发展的主要任务？")
    assert not ans.refused
    assert {c.doc_id for c in ans.citations} == {f"{COMPILATION}-p4"}
