"""Run a dataset through a QA system and an index, and score both.

Everything the runner needs is injected, so any system can be scored:
- `answer_fn(question) -> Answer | dict` (the engine's `ask`), or answers loaded from a file in the
  batch JSONL shape (`id, question, answer, refused, refusal_reason, citations, latency_ms`);
- `search_fn(question, k) -> list[Hit-like]` for retrieval metrics (objects with `.chunk.text` and
  `.chunk.doc_id`, or dicts with `text` and `doc_id`).
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from planqa.eval.dataset import EvalItem
from planqa.eval.grounding import GroundingScore, aggregate, aggregate_by_type, score_answer
from planqa.eval.retrieval import doc_recall_metrics, retrieval_metrics
from planqa.eval.stats import bootstrap_ci, percentile

AnswerFn = Callable[[str], object]
SearchFn = Callable[[str, int], Sequence[object]]


@dataclass
class Retrieved:
    texts: list[str]
    doc_ids: list[str]


@dataclass
class EvalResult:
    metrics: dict
    rows: list[dict] = field(default_factory=list)  # one per question, for the report


def _as_dict(answer: object) -> dict:
    if isinstance(answer, dict):
        return answer
    to_dict = getattr(answer, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    raise TypeError(f"cannot read an answer from {type(answer).__name__}")


def index_answers(rows: list[dict]) -> dict[str, dict]:
    """Answer rows keyed by id and, as a fallback, by question text (`q:<question>`)."""
    out: dict[str, dict] = {}
    for row in rows:
        if row.get("id") not in (None, ""):
            out[str(row["id"])] = row
        if row.get("question"):
            out.setdefault(f"q:{row['question']}", row)
    return out


def load_answers(path: str | Path) -> dict[str, dict]:
    """Answers file (JSONL, batch shape) keyed by id and by question text."""
    with Path(path).open(encoding="utf-8") as fh:
        return index_answers([json.loads(line) for line in fh if line.strip()])


def answer_for(item: EvalItem, answers: dict[str, dict]) -> dict | None:
    return answers.get(item.id) or answers.get(f"q:{item.question}")


def run_answers(items: list[EvalItem], answer_fn: AnswerFn, progress: bool = True) -> dict[str, dict]:
    """Ask every question; a crash on one question becomes a refused answer, not a crashed eval."""
    from tqdm import tqdm

    out: dict[str, dict] = {}
    for item in tqdm(items, desc="answering", disable=not progress):
        t0 = time.perf_counter()
        try:
            d = _as_dict(answer_fn(item.question))
        except Exception as exc:  # noqa: BLE001 - scored as a failure, reported in the row
            d = {"question": item.question, "answer": "", "refused": True,
                 "refusal_reason": f"error: {type(exc).__name__}: {exc}", "citations": []}
        if not d.get("latency_ms"):
            d["latency_ms"] = (time.perf_counter() - t0) * 1000
        d["id"] = item.id
        out[item.id] = d
    return out


def _hit_fields(hit: object) -> tuple[str, str]:
    """(text to match quotes against, doc_id). The chunk's headings are prepended: chunk text
    holds no heading lines, and "which chapter covers X" is answered by any chunk under it."""
    chunk = hit.get("chunk", hit) if isinstance(hit, dict) else getattr(hit, "chunk", hit)

    def get(name: str, default):
        return chunk.get(name, default) if isinstance(chunk, dict) else getattr(chunk, name, default)

    headings = list(get("heading_path", None) or [h for h in (get("chapter", ""), get("section", "")) if h])
    return "\n".join([*headings, get("text", "")]), get("doc_id", "")


def run_retrieval(items: list[EvalItem], search_fn: SearchFn, k: int = 10,
                  progress: bool = True) -> dict[str, Retrieved]:
    from tqdm import tqdm

    out = {}
    for item in tqdm(items, desc="retrieving", disable=not progress):
        fields = [_hit_fields(h) for h in search_fn(item.question, k)][:k]
        out[item.id] = Retrieved([t for t, _ in fields], [d for _, d in fields])
    return out


def _retrieval_block(items: list[EvalItem], retrieved: dict[str, Retrieved], ks: Sequence[int]) -> dict:
    scored = [it for it in items if it.answerable and it.quotes and it.id in retrieved]
    if not scored:
        return {}

    def metrics_for(subset: list[EvalItem]) -> dict:
        m = retrieval_metrics(
            [retrieved[it.id].texts for it in subset],
            [it.quotes for it in subset],
            ks=ks,
            ranked_doc_ids=[retrieved[it.id].doc_ids for it in subset],
            gold_doc_ids=[it.docs for it in subset],
        )
        docs = doc_recall_metrics([retrieved[it.id].doc_ids for it in subset], [it.docs for it in subset], ks)
        n = m.pop("n")
        return {**m, **docs, "n": n}

    overall = metrics_for(scored)
    per_q = dict(zip((it.id for it in scored), overall.pop("per_question"), strict=True))
    for it in scored:  # per-question document recall, for the misses table
        per_q[it.id].update(doc_recall_metrics([retrieved[it.id].doc_ids], [it.docs], ks))
    by_type = {}
    for t in sorted({it.type for it in scored}):
        m = metrics_for([it for it in scored if it.type == t])
        m.pop("per_question")
        by_type[t] = m
    return {"overall": overall, "by_type": by_type, "per_question": per_q}


def _latency(answers: dict[str, dict], items: list[EvalItem]) -> dict:
    vals = [float(a["latency_ms"]) for it in items if (a := answers.get(it.id)) and a.get("latency_ms")]
    if not vals:
        return {}
    return {"n": len(vals), "mean_ms": statistics.fmean(vals), "p50_ms": statistics.median(vals),
            "p95_ms": percentile(vals, 0.95)}


def evaluate(
    items: list[EvalItem],
    answers: dict[str, dict] | None = None,
    retrieved: dict[str, Retrieved] | None = None,
    ks: Sequence[int] = (1, 5, 10),
    extra_retrieval: Callable[[list[EvalItem], dict[str, Retrieved]], dict | None] | None = None,
) -> EvalResult:
    """Score answers (matched by id, then by question) and/or retrieval runs for `items`."""
    metrics: dict = {"n_questions": len(items)}
    rows = [{"id": it.id, "type": it.type, "question": it.question} for it in items]
    by_id = {r["id"]: r for r in rows}

    if answers is not None:
        matched = {it.id: a for it in items if (a := answer_for(it, answers)) is not None}
        scores: list[GroundingScore] = []
        for it in items:
            a = matched.get(it.id)
            if a is None:
                continue
            s = score_answer(it, a)
            scores.append(s)
            by_id[it.id].update({k: v for k, v in s.to_dict().items() if k not in ("id", "type")})
            by_id[it.id]["answer"] = a.get("answer", "")
            by_id[it.id]["refusal_reason"] = a.get("refusal_reason", "")
        metrics["answers"] = {
            "n_missing": len(items) - len(matched),
            "overall": aggregate(scores),
            "by_type": aggregate_by_type(scores),
            "latency": _latency({it.id: matched[it.id] for it in items if it.id in matched}, items),
        }

    if retrieved is not None:
        block = _retrieval_block(items, retrieved, ks)
        for qid, m in block.pop("per_question", {}).items():
            by_id[qid].update(m)
        metrics["retrieval"] = block
        if extra_retrieval is not None:
            extra = extra_retrieval(items, retrieved)
            if extra:
                metrics["retrieval_ragas"] = extra
    metrics["ci95"] = _intervals(rows)
    return EvalResult(metrics=metrics, rows=rows)


# Per-question fields whose mean is an overall metric, and the metric's name.
CI_FIELDS = [("keywords_all", "answers.keyword_accuracy"), ("citation_precision", "answers.citation_precision"),
             ("supported_ratio", "answers.supported_sentence_ratio"), ("recall@5", "retrieval.recall@5"),
             ("mrr@10", "retrieval.mrr@10")]


def _intervals(rows: list[dict]) -> dict[str, list[float]]:
    out = {}
    for field_name, metric in CI_FIELDS:
        vals = [float(r[field_name]) for r in rows if r.get("answerable", True) and r.get(field_name) is not None]
        ci = bootstrap_ci(vals)
        if ci:
            out[metric] = [round(ci[0], 4), round(ci[1], 4)]
    return out
