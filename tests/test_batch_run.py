"""Batch runs: round trips for every format, resume, crash recovery, bad rows, workers, progress."""

from __future__ import annotations

import json
import time

import pytest
from docids import JY
from openpyxl import load_workbook

from planqa.batch import read_questions, run_batch, sidecar_path
from planqa.batch_io import OUTPUT_COLUMNS, read_rows
from planqa.qa.models import Answer, Citation

QUESTIONS = [
    {"id": "a", "question": "济源市到2025年高技能人才要达到多少?"},
    {"id": "b", "question": "忻州打算怎么推进技能富民?"},
    {"id": "c", "question": "太原的规划?"},
]


def fake_answer(question: str) -> Answer:
    """Deterministic stand-in for the engine: refuses 太原, raises on 炸, cites one chunk otherwise."""
    if "炸" in question:
        raise RuntimeError("boom")
    if "太原" in question:
        return Answer(question=question, answer="", refused=True, refusal_reason="语料中没有太原的规划。")
    cite = Citation(n=1, chunk_id="003:0001-ab", doc_id=JY, doc_title="济源市“十四五”人才发展规划",
                    doc_number="", chapter="第一章 发展基础与主要目标", section="第四节 主要目标",
                    quote=f"引文:{question[:6]}", text="整段文字")
    return Answer(question=question, answer=f"答:{question[:4]}[1]", citations=[cite], latency_ms=12.5)


class Counting:
    def __init__(self, fn=fake_answer):
        self.fn, self.calls = fn, []

    def __call__(self, q: str):
        self.calls.append(q)
        return self.fn(q)


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "xlsx", "md"])
def test_round_trip(tmp_path, fmt):
    out = tmp_path / f"answers.{fmt}"
    report = run_batch(QUESTIONS, fake_answer, out, progress=False)
    assert report.fmt == fmt and report.rows_written == 3 and report.refused == 1 and report.errors == 0
    assert not sidecar_path(out).exists()
    rows = read_rows(out)
    assert [r["id"] for r in rows] == ["a", "b", "c"]
    assert rows[0]["answer"] == "答:济源市到[1]" and rows[2]["refused"] is True
    assert rows[2]["refusal_reason"] == "语料中没有太原的规划。"
    cites = rows[0]["citations"]
    if fmt == "csv":  # readable lines only
        assert cites == "[1]《济源市“十四五”人才发展规划》第一章 发展基础与主要目标 › 第四节 主要目标：引文:济源市到20"
    else:  # structured Citation dicts survive
        assert cites[0]["chunk_id"] == "003:0001-ab" and cites[0]["n"] == 1
    assert report.answers[0]["id"] == "a" and report.path == out


def test_jsonl_rows_have_the_output_columns(tmp_path):
    out = tmp_path / "a.jsonl"
    run_batch(QUESTIONS, fake_answer, out, progress=False)
    first = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert list(first) == OUTPUT_COLUMNS
    assert first["citations"][0]["doc_title"].startswith("济源市") and first["latency_ms"] == 12.5


def test_xlsx_layout(tmp_path):
    out = tmp_path / "a.xlsx"
    run_batch(QUESTIONS, fake_answer, out, progress=False)
    wb = load_workbook(out)
    ws = wb["answers"]
    assert [c.value for c in ws[1]] == OUTPUT_COLUMNS
    assert all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws["C2"].alignment.wrap_text and ws.column_dimensions["C"].width >= 60
    assert ws["F2"].value.startswith("[1]《济源市") and "› 第四节 主要目标：" in ws["F2"].value
    assert wb["_planqa"].sheet_state == "hidden"


def test_resume_skips_answered_ids(tmp_path):
    out = tmp_path / "a.xlsx"
    run_batch(QUESTIONS[:2], fake_answer, out, progress=False)
    more = [*QUESTIONS, {"id": "d", "question": "高平职教计划的文号?"}]
    counting = Counting()
    report = run_batch(more, counting, out, progress=False)
    assert counting.calls == [QUESTIONS[2]["question"], "高平职教计划的文号?"]
    assert report.skipped == 2 and report.answered == 2
    rows = read_rows(out)
    assert [r["id"] for r in rows] == ["a", "b", "c", "d"]
    assert rows[0]["citations"][0]["chunk_id"] == "003:0001-ab"  # kept through the hidden sheet


def test_interrupt_keeps_finished_rows(tmp_path):
    out = tmp_path / "a.jsonl"

    def dies_on_third(q: str):
        if q == QUESTIONS[2]["question"]:
            raise KeyboardInterrupt
        return fake_answer(q)

    with pytest.raises(KeyboardInterrupt):
        run_batch(QUESTIONS, dies_on_third, out, progress=False)
    assert [r["id"] for r in read_rows(out)] == ["a", "b"]
    assert not sidecar_path(out).exists()
    counting = Counting()
    run_batch(QUESTIONS, counting, out, progress=False)
    assert counting.calls == [QUESTIONS[2]["question"]]
    assert [r["id"] for r in read_rows(out)] == ["a", "b", "c"]


def test_sidecar_from_a_hard_crash_is_folded_in(tmp_path):
    out = tmp_path / "a.csv"
    row = {"id": "b", "question": QUESTIONS[1]["question"], "answer": "早先的答案", "refused": False,
           "refusal_reason": "", "citations": [], "latency_ms": 3.0}
    sidecar_path(out).write_text(json.dumps(row, ensure_ascii=False) + "\n" + '{"id": "c", "quest', encoding="utf-8")
    counting = Counting()
    run_batch(QUESTIONS, counting, out, progress=False)
    assert counting.calls == [QUESTIONS[0]["question"], QUESTIONS[2]["question"]]  # torn line re-asked
    rows = read_rows(out)
    assert [r["id"] for r in rows] == ["a", "b", "c"] and rows[1]["answer"] == "早先的答案"
    assert not sidecar_path(out).exists()


def test_bad_rows_do_not_stop_the_batch(tmp_path):
    out = tmp_path / "a.jsonl"
    qs = [{"id": "1", "question": ""}, {"id": "2", "question": "长" * 100_000},
          {"id": "3", "question": "炸了吗"}, {"id": "4", "question": "忻州怎么推进技能富民?"}]
    report = run_batch(qs, fake_answer, out, progress=False)
    rows = {r["id"]: r for r in read_rows(out)}
    assert rows["1"]["refused"] and "empty" in rows["1"]["refusal_reason"]
    assert rows["2"]["refused"] and "too long" in rows["2"]["refusal_reason"] and len(rows["2"]["question"]) < 300
    assert rows["3"]["refused"] and "RuntimeError: boom" in rows["3"]["refusal_reason"]
    assert not rows["4"]["refused"] and rows["4"]["answer"]
    assert report.errors == 3 and report.refused == 3


def test_workers_keep_input_order_and_report_progress(tmp_path):
    out = tmp_path / "a.md"
    qs = [{"question": f"第{i}个问题:济源的目标?"} for i in range(12)]
    seen = []
    report = run_batch(qs, fake_answer, out, workers=3, progress=lambda done, total: seen.append((done, total)))
    assert [r["id"] for r in read_rows(out)] == [str(i) for i in range(1, 13)]
    assert seen[-1] == (12, 12) and len(seen) == 12
    assert report.total == 12
    text = out.read_text(encoding="utf-8")
    assert "## 1. 第0个问题:济源的目标?" in text and "- [1]《济源市" in text


def test_read_questions_formats(tmp_path):
    import pandas as pd

    csv = tmp_path / "q.csv"
    csv.write_text("编号,问题,备注\n7,济源的目标?,忽略\n,忻州呢?,x\n7,重复的编号?,\n", encoding="gb18030")
    assert read_questions(csv) == [{"id": "7", "question": "济源的目标?"}, {"id": "2", "question": "忻州呢?"},
                                   {"id": "7-2", "question": "重复的编号?"}]
    xlsx = tmp_path / "q.xlsx"
    pd.DataFrame({"Question": ["甲?", "乙?"], "other": [1, 2]}).to_excel(xlsx, index=False)
    assert read_questions(xlsx) == [{"id": "1", "question": "甲?"}, {"id": "2", "question": "乙?"}]
    jl = tmp_path / "q.jsonl"
    jl.write_text('{"id": 5, "question": "丙?", "answer": "不用"}\n\n{"question": "丁?"}\n', encoding="utf-8")
    assert read_questions(jl) == [{"id": "5", "question": "丙?"}, {"id": "2", "question": "丁?"}]
    bad = tmp_path / "b.csv"
    bad.write_text("text\nhello\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no 'question' column"):
        read_questions(bad)


def test_xlsx_survives_control_characters_and_huge_cells(tmp_path):
    def weird(q: str) -> dict:
        return {"answer": "第一段\x0c第二段\x00" + "长" * 40_000, "refused": False, "citations": [
            {"n": 1, "doc_id": "d", "doc_title": "标题\x0b", "chapter": "", "section": "", "quote": "引文\x01"}]}

    out = tmp_path / "a.xlsx"
    run_batch([{"question": "q?"}], weird, out, progress=False)
    row = read_rows(out)[0]
    assert row["answer"].startswith("第一段第二段") and len(row["answer"]) <= 32_767
    assert row["citations"][0]["quote"] == "引文\x01"  # JSON escapes it: the hidden sheet is lossless


def test_same_id_with_a_different_question_is_asked_again(tmp_path):
    out = tmp_path / "a.jsonl"
    run_batch([{"question": "济源的目标?"}, {"question": "忻州的目标?"}], fake_answer, out, progress=False)
    counting = Counting()
    report = run_batch([{"question": "济源的目标?"}, {"question": "晋城的目标?"}], counting, out, progress=False)
    assert counting.calls == ["晋城的目标?"] and report.skipped == 1 and report.answered == 1
    rows = read_rows(out)
    assert [(r["id"], r["question"]) for r in rows] == [("1", "济源的目标?"), ("2", "晋城的目标?")]


def test_missing_output_folder_is_created(tmp_path):
    out = tmp_path / "new" / "dir" / "a.csv"
    run_batch(QUESTIONS[:1], fake_answer, out, progress=False)
    assert len(read_rows(out)) == 1


def test_interrupt_with_workers_stops_queued_questions(tmp_path):
    out = tmp_path / "a.jsonl"
    calls = []

    def answer(q: str):
        calls.append(q)
        time.sleep(0.02)
        return fake_answer(q)

    def stop_after_two(done: int, total: int) -> None:
        if done == 2:
            raise KeyboardInterrupt

    qs = [{"question": f"问题{i}?"} for i in range(40)]
    with pytest.raises(KeyboardInterrupt):
        run_batch(qs, answer, out, workers=2, progress=stop_after_two)
    assert len(calls) < 40  # queued questions were cancelled
    assert len(read_rows(out)) >= 2 and not sidecar_path(out).exists()
