"""`planqa docs` / `planqa chunks` describe what the index holds; `--corpus` or paths parse files instead."""

from __future__ import annotations

import argparse
import json

import pytest

from planqa.cli_corpus import cmd_chunks, cmd_docs
from planqa.settings import DEMO_CORPUS
from tests.docids import JC

pytestmark = pytest.mark.slow

UPLOAD = """某县“十四五”职业技能提升计划

第一章 总体目标
到2025年，全县新增高技能人才3000人，职业技能培训覆盖城乡全体劳动者。
第二章 主要任务
第一节 扩大培训规模
围绕主导产业开展订单式、定岗式培训，每年培训城乡劳动者5000人次以上。
"""


def _args(**kw) -> argparse.Namespace:
    return argparse.Namespace(**{"paths": [], "corpus": None, "json": True, **kw})


def _docs(capsys, settings, **kw) -> list[dict]:
    assert cmd_docs(_args(**kw), settings) == 0
    return json.loads(capsys.readouterr().out)


def test_docs_lists_an_ingested_file_with_its_chapters(demo_index_copy, tmp_path, capsys):
    upload = tmp_path / "某县技能提升计划.txt"
    upload.write_text(UPLOAD, encoding="utf-8")
    demo_index_copy.add_files([upload])
    entries = _docs(capsys, demo_index_copy.settings)
    by_title = {e["title"]: e for e in entries}
    assert len(entries) == 11  # ten demo documents + the upload
    new = next(e for t, e in by_title.items() if "职业技能提升计划" in t)
    assert [c["title"] for c in new["chapters"]] == ["第一章 总体目标", "第二章 主要任务"]
    assert new["chapters"][1]["sections"] == ["第一节 扩大培训规模"]
    assert new["n_chunks"] >= 1

    assert cmd_chunks(_args(doc_id=new["doc_id"]), demo_index_copy.settings) == 0
    chunks = json.loads(capsys.readouterr().out)
    assert any("3000人" in c["text"] for c in chunks)


def test_corpus_flag_parses_the_demo_files_not_the_index(demo_index_copy, capsys):
    demo = _docs(capsys, demo_index_copy.settings, corpus=str(DEMO_CORPUS))
    assert len(demo) == 10 and JC in {e["doc_id"] for e in demo}
    jc = next(e for e in demo if e["doc_id"] == JC)
    assert jc["chapters"] and "sections" in jc["chapters"][0]
