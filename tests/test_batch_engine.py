"""planqa batch with the real engine: the CLI end to end on the demo index."""

from __future__ import annotations

import pytest
from docids import JY
from openpyxl import load_workbook

from planqa.batch import run_batch
from planqa.batch_io import read_rows


@pytest.mark.slow
def test_engine_batch_to_xlsx(tmp_path, demo_index):
    from planqa.qa.engine import Engine

    engine = Engine(demo_index.settings, demo_index)
    qs = [{"id": "1", "question": "济源“十四五”期间城镇新增就业目标是多少?"},
          {"id": "2", "question": "深圳市对新引进博士后的生活补贴标准是多少?"},
          {"id": "3", "question": ""}]
    out = tmp_path / "answers.xlsx"
    report = run_batch(qs, engine.ask, out, progress=False)
    assert report.rows_written == 3
    rows = {r["id"]: r for r in read_rows(out)}
    assert not rows["1"]["refused"] and "7.5" in rows["1"]["answer"]
    assert rows["1"]["citations"] and rows["1"]["citations"][0]["doc_id"] == JY
    assert rows["2"]["refused"] and rows["3"]["refused"]
    cell = load_workbook(out)["answers"]["F2"].value
    assert cell.startswith("[1]《") and "：" in cell


@pytest.mark.slow
def test_cli_batch(tmp_path, demo_index, monkeypatch):
    """`planqa batch` through the CLI, reusing the session index via --home."""
    from planqa.cli import main

    src = tmp_path / "q.csv"
    src.write_text("question,备注\n忻州这份规划的文号是?,x\n", encoding="utf-8")
    out = tmp_path / "out.md"
    rc = main(["--home", str(demo_index.settings.home), "batch", str(src), "-o", str(out), "--no-progress"])
    assert rc == 0
    rows = read_rows(out)
    assert len(rows) == 1 and "22号" in rows[0]["answer"]
