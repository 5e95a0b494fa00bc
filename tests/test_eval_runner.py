"""The runner and report on the smoke set: answers files, fake engines/indexes, the CLI, the real engine."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from planqa.eval.dataset import SMOKE_SET, load_dataset
from planqa.eval.report import write_report
from planqa.eval.runner import evaluate, load_answers, run_answers, run_retrieval


def gold_answer(item, wrong_doc: bool = False) -> dict:
    """The reference answer, citing the gold quote (or, with wrong_doc, a passage from elsewhere)."""
    if not item.answerable:
        return {"id": item.id, "question": item.question, "answer": "", "refused": True,
                "refusal_reason": "无依据", "citations": [], "latency_ms": 5.0}
    cites = []
    for n, (doc, quote) in enumerate(zip(item.docs, item.quotes, strict=True), 1):
        if wrong_doc:
            cites.append({"n": n, "doc_id": "elsewhere", "chapter": "第一章 其他", "quote": "无关的段落内容",
                          "text": "无关的段落内容,讲的是别的事情"})
        else:
            cites.append({"n": n, "doc_id": doc, "chapter": item.chapters[n - 1] if item.chapters else "",
                          "quote": quote, "text": f"{quote}。{item.answer}"})
    marks = "".join(f"[{c['n']}]" for c in cites)
    return {"id": item.id, "question": item.question, "answer": f"{item.answer}{marks}", "refused": False,
            "refusal_reason": "", "citations": cites, "latency_ms": 10.0}


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


@pytest.fixture(scope="module")
def smoke():
    return load_dataset(SMOKE_SET)


def test_answers_file_with_wrong_citations_scores_lower(tmp_path, smoke):
    good, bad = tmp_path / "good.jsonl", tmp_path / "bad.jsonl"
    write_jsonl(good, [gold_answer(it) for it in smoke])
    write_jsonl(bad, [gold_answer(it, wrong_doc=True) for it in smoke])
    g = evaluate(smoke, load_answers(good)).metrics["answers"]["overall"]
    b = evaluate(smoke, load_answers(bad)).metrics["answers"]["overall"]
    assert g["citation_precision"] == 1 and g["citation_recall"] == 1 and g["doc_accuracy"] == 1
    assert g["keyword_accuracy"] == 1 and g["correct_refusal_rate"] == 1 and g["false_refusal_rate"] == 0
    assert g["supported_sentence_ratio"] > 0.9
    for key in ("citation_precision", "citation_recall", "supported_sentence_ratio", "doc_accuracy"):
        assert b[key] < g[key], key
    assert b["keyword_accuracy"] == g["keyword_accuracy"]


def test_answers_are_matched_by_question_when_ids_differ(tmp_path, smoke):
    rows = [{**gold_answer(it), "id": f"other-{i}"} for i, it in enumerate(smoke)]
    path = tmp_path / "a.jsonl"
    write_jsonl(path, rows)
    m = evaluate(smoke, load_answers(path)).metrics["answers"]
    assert m["n_missing"] == 0 and m["overall"]["keyword_accuracy"] == 1


def fake_hit(text: str, doc_id: str):
    return SimpleNamespace(chunk=SimpleNamespace(text=text, doc_id=doc_id))


def test_fake_engine_and_index_end_to_end(tmp_path, smoke):
    by_q = {it.question: it for it in smoke}

    def ask(q):
        if q.startswith("太原"):
            raise RuntimeError("engine crashed")
        return gold_answer(by_q[q])

    def search(q, k):  # gold evidence at rank 2, behind a distractor
        it = by_q[q]
        hits = [fake_hit("无关段落", "x")]
        hits += [fake_hit(f"前文{quote}后文", doc) for doc, quote in zip(it.docs, it.quotes, strict=True)]
        return hits[:k]

    answers = run_answers(smoke, ask, progress=False)
    assert answers["neg-unanswerable-01"]["refused"] and "engine crashed" in answers["neg-unanswerable-01"]["refusal_reason"]
    retrieved = run_retrieval(smoke, search, k=10, progress=False)
    result = evaluate(smoke, answers, retrieved)
    ret = result.metrics["retrieval"]["overall"]
    assert ret["n"] == 9 and ret["recall@1"] == 0 and ret["recall@5"] == 1 and ret["mrr@10"] == 0.5
    assert set(result.metrics["retrieval"]["by_type"]) == {"number", "metadata", "measure", "chapter", "comparison"}
    paths = write_report(result, tmp_path / "rep", command="planqa eval --dataset smoke", dataset="smoke.jsonl",
                         setup={"mode": "extractive"})
    saved = json.loads(paths["metrics"].read_text(encoding="utf-8"))
    assert saved["command"] == "planqa eval --dataset smoke" and saved["retrieval"]["overall"]["recall@5"] == 1
    md = paths["report"].read_text(encoding="utf-8")
    assert "planqa eval --dataset smoke" in md and "## Retrieval" in md and "## Answers" in md
    assert paths["chart"].read_bytes()[:4] == b"\x89PNG"
    assert len(paths["per_question"].read_text(encoding="utf-8").splitlines()) == len(smoke)


def test_cli_scores_an_answers_file_without_an_index(tmp_path, smoke, settings):
    from planqa.cli import main

    answers = tmp_path / "answers.jsonl"
    write_jsonl(answers, [gold_answer(it) for it in smoke])
    out = tmp_path / "report"
    rc = main(["--home", str(settings.home), "eval", "--dataset", str(SMOKE_SET), "--answers", str(answers),
               "--no-retrieval", "--out", str(out), "--no-progress"])
    assert rc == 0
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["answers"]["overall"]["keyword_accuracy"] == 1
    assert "--answers" in metrics["command"] and "retrieval" not in metrics


@pytest.mark.slow
def test_real_engine_on_the_smoke_set(smoke, demo_index):
    """End to end with the real index and engine (the session's demo index)."""
    from planqa.qa.engine import Engine

    engine = Engine(demo_index.settings, demo_index)
    answers = run_answers(smoke, lambda q: engine.ask(q), progress=False)
    retrieved = run_retrieval(smoke, lambda q, k: demo_index.search(q, k=k), progress=False)
    m = evaluate(smoke, answers, retrieved).metrics
    assert m["retrieval"]["overall"]["recall@10"] > 0.3
    assert m["answers"]["overall"]["keyword_recall"] > 0.2
    assert m["answers"]["overall"]["correct_refusal_rate"] == 1  # 太原 is not in the corpus


def test_cli_scores_an_xlsx_batch_output(tmp_path, smoke, settings):
    from planqa.batch_io import write_rows
    from planqa.cli import main

    answers = write_rows([gold_answer(it) for it in smoke], tmp_path / "answers.xlsx")
    out = tmp_path / "report"
    rc = main(["--home", str(settings.home), "eval", "--dataset", str(SMOKE_SET), "--answers", str(answers),
               "--no-retrieval", "--out", str(out), "--no-progress"])
    assert rc == 0
    overall = json.loads((out / "metrics.json").read_text(encoding="utf-8"))["answers"]["overall"]
    assert overall["keyword_accuracy"] == 1 and overall["citation_precision"] == 1


def test_cli_baseline_deltas(tmp_path, smoke, settings):
    from planqa.cli import main

    good, bad = tmp_path / "good.jsonl", tmp_path / "bad.jsonl"
    write_jsonl(good, [gold_answer(it) for it in smoke])
    write_jsonl(bad, [gold_answer(it, wrong_doc=True) for it in smoke])
    common = ["--home", str(settings.home), "eval", "--dataset", str(SMOKE_SET), "--no-retrieval", "--no-progress"]
    assert main([*common, "--answers", str(good), "--out", str(tmp_path / "a")]) == 0
    assert main([*common, "--answers", str(bad), "--out", str(tmp_path / "b"),
                 "--baseline", str(tmp_path / "a" / "metrics.json")]) == 0
    metrics = json.loads((tmp_path / "b" / "metrics.json").read_text(encoding="utf-8"))
    deltas = {name: (old, cur) for name, old, cur in metrics["baseline"]["deltas"]}
    assert deltas["answers.citation_precision"] == (1.0, 0.0)
    assert "## Change vs baseline" in (tmp_path / "b" / "report.md").read_text(encoding="utf-8")
