"""The CLI on Milvus: with PLANQA_STORE=milvus and PLANQA_MILVUS_URI=<file>, ingest, search, ask, batch and
index info work as on the embedded store (Milvus Lite runs the file in-process)."""

from __future__ import annotations

import json

import pytest

from planqa.cli import main
from planqa.settings import DEMO_CORPUS
from tests.docids import GP, JC

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def milvus_env(tmp_path_factory):
    """A Milvus Lite knowledge base with two demo files, ingested through `planqa ingest`."""
    home = tmp_path_factory.mktemp("cli_milvus")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PLANQA_HOME", str(home))
        mp.setenv("PLANQA_STORE", "milvus")
        mp.setenv("PLANQA_MILVUS_URI", str(home / "kb.db"))
        rc = main(["ingest", str(DEMO_CORPUS / f"{JC}.txt"), str(DEMO_CORPUS / f"{GP}.txt"), "--json"])
        assert rc == 0
        yield home


def test_ingest_search_and_info_use_the_milvus_file(milvus_env, capsys):
    capsys.readouterr()
    assert main(["index", "info", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["store"] == "milvus" and info["uri"] == str(milvus_env / "kb.db") and info["mode"] == "milvus-lite"
    assert info["doc_count"] == 2 and (milvus_env / "kb.db").exists() and not (milvus_env / "index").exists()

    assert main(["search", "高平 职业教育 产教融合", "-k", "3", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)["results"]
    assert len(hits) == 3 and all(h["doc_id"] == GP for h in hits)
    assert main(["search", "人才", "--region", "晋城", "--kind", "table", "-k", "4", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)["results"]
    assert hits and all(h["doc_id"] == JC and h["kind"] == "table" for h in hits)


def test_ask_and_batch_answer_with_citations_from_milvus(milvus_env, tmp_path, capsys):
    capsys.readouterr()
    assert main(["ask", "晋城市到2025年高技能人才总量目标是多少？", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert not answer["refused"] and answer["citations"]
    assert all(c["doc_id"] == JC for c in answer["citations"])

    src = tmp_path / "q.csv"
    src.write_text("id,question\n1,高平市职业教育改革的主要任务有哪些？\n2,拉萨市的“十四五”规划是什么？\n",
                   encoding="utf-8")
    out = tmp_path / "answers.jsonl"
    assert main(["batch", str(src), "-o", str(out), "--no-progress"]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["1", "2"]
    assert rows[0]["citations"] and not rows[0]["refused"] and rows[1]["refused"]
