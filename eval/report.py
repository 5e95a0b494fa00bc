"""Write an eval run to a folder: metrics.json, per_question.jsonl, report.md and chart.png."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from planqa.eval.runner import EvalResult

ANSWER_COLUMNS = [
    ("keyword_accuracy", "kw all"),
    ("keyword_recall", "kw recall"),
    ("numeric_accuracy", "numbers"),
    ("citation_precision", "cite P"),
    ("citation_recall", "cite R"),
    ("supported_sentence_ratio", "supported"),
    ("chapter_accuracy", "chapter"),
    ("false_refusal_rate", "false refusal"),
    ("correct_refusal_rate", "correct refusal"),
]
# Chart labels stay in English: the machine has no CJK font (fc-list :lang=zh is empty).
CHART_METRICS = [
    ("retrieval", "recall@5", "Recall@5"),
    ("retrieval", "mrr@10", "MRR@10"),
    ("answers", "keyword_accuracy", "Keyword acc."),
    ("answers", "citation_precision", "Citation P"),
    ("answers", "supported_sentence_ratio", "Supported sent."),
]


def _fmt(v) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.3f}"
    return str(v)


def _table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_fmt(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def _retrieval_md(block: dict) -> str:
    if not block:
        return ""
    keys = [k for k in block["overall"] if k != "n"]
    rows = [["all", block["overall"]["n"], *[block["overall"][k] for k in keys]]]
    rows += [[t, m["n"], *[m[k] for k in keys]] for t, m in block["by_type"].items()]
    return "## Retrieval\n\n" + _table(["type", "n", *keys], rows) + "\n"


def _answers_md(block: dict) -> str:
    if not block:
        return ""
    cols = [c for c, _ in ANSWER_COLUMNS]
    rows = [["all", block["overall"]["n"], *[block["overall"].get(c) for c in cols]]]
    rows += [[t, m["n"], *[m.get(c) for c in cols]] for t, m in block["by_type"].items()]
    out = "## Answers\n\n" + _table(["type", "n", *[h for _, h in ANSWER_COLUMNS]], rows) + "\n"
    lat = block.get("latency")
    if lat:
        out += (f"\nLatency over {lat['n']} answers: mean {lat['mean_ms']:.0f} ms, "
                f"p50 {lat['p50_ms']:.0f} ms, p95 {lat['p95_ms']:.0f} ms.\n")
    if block.get("n_missing"):
        out += f"\n{block['n_missing']} questions had no answer in the answers file.\n"
    return out


def _ragas_md(block: dict | None) -> str:
    if not block:
        return ""
    rows = [[k, v] for k, v in block.items() if k != "note"]
    note = f"\n{block['note']}\n" if block.get("note") else ""
    return "## ragas (non-LLM metrics, same run)\n\n" + _table(["metric", "value"], rows) + "\n" + note


def _failures_md(rows: list[dict], limit: int = 25) -> str:
    bad = []
    for r in rows:
        if "refused" not in r:
            continue
        if r["answerable"] and (r["refused"] or not r.get("keywords_all")):
            why = "refused: " + (r.get("refusal_reason") or "") if r["refused"] else "missing keywords"
            bad.append([r["id"], r["type"], r["question"], why[:60]])
        elif not r["answerable"] and not r["refused"]:
            bad.append([r["id"], r["type"], r["question"], "answered an unanswerable question"])
    if not bad:
        return ""
    more = f"\n… and {len(bad) - limit} more (see per_question.jsonl).\n" if len(bad) > limit else "\n"
    return ("## Misses\n\n" + _table(["id", "type", "question", "why"], bad[:limit]) + "\n" + more)


def _retrieval_misses_md(rows: list[dict], k: int = 10, limit: int = 25) -> str:
    key = f"recall@{k}"
    bad = [[r["id"], r["type"], r["question"], r[key], r.get(f"doc_recall@{k}")]
           for r in rows if r.get(key) is not None and r[key] < 1]
    if not bad:
        return ""
    more = f"\n… and {len(bad) - limit} more.\n" if len(bad) > limit else "\n"
    return (f"## Retrieval misses (gold quote not in the top {k})\n\n"
            + _table(["id", "type", "question", key, f"doc_recall@{k}"], bad[:limit]) + "\n" + more)


# Overall figures compared with a baseline run (--baseline metrics.json).
BASELINE_KEYS = [("retrieval", "recall@1"), ("retrieval", "recall@5"), ("retrieval", "mrr@10"),
                 ("answers", "keyword_accuracy"), ("answers", "numeric_accuracy"),
                 ("answers", "citation_precision"), ("answers", "citation_recall"),
                 ("answers", "supported_sentence_ratio"), ("answers", "correct_refusal_rate"),
                 ("answers", "false_refusal_rate")]


def baseline_deltas(metrics: dict, baseline: dict) -> list[tuple[str, float | None, float | None]]:
    """(metric, baseline value, current value) for the overall figures both runs have."""
    out = []
    for section, key in BASELINE_KEYS:
        cur = ((metrics.get(section) or {}).get("overall") or {}).get(key)
        old = ((baseline.get(section) or {}).get("overall") or {}).get(key)
        if cur is not None or old is not None:
            out.append((f"{section}.{key}", old, cur))
    return out


def _baseline_md(metrics: dict) -> str:
    base = metrics.get("baseline")
    if not base:
        return ""
    rows = [[name, old, cur, (cur - old) if cur is not None and old is not None else None]
            for name, old, cur in base["deltas"]]
    note = f" (dataset `{base['dataset']}`)" if base.get("dataset") else ""
    return (f"## Change vs baseline\n\nBaseline: `{base['path']}`{note}\n\n"
            + _table(["metric", "baseline", "now", "Δ"], rows) + "\n")


DEFINITIONS = """## Definitions

- Retrieval: a result is relevant when it comes from the gold document and contains a gold quote
  (whitespace/punctuation-variant insensitive) not already found higher up; Recall@k is the share of
  gold quotes in the top k (comparisons have one quote per document); MRR and nDCG use the same
  binary gains. Unanswerable questions are not scored for retrieval.
- kw all / kw recall: the answer contains all / the share of the gold keywords; numbers: every gold
  number is in the answer.
- cite P / cite R: share of citations that carry gold evidence / share of gold quotes cited
  (gold document + gold quote, or all gold keywords for single-document questions). "What
  measures…" questions have more valid passages than the one gold quote, so cite P is a lower
  bound there.
- supported: share of answer sentences whose cited passages contain ≥60% of their character
  bigrams and every number they state.
- chapter: some citation lies under the gold chapter. Refused answers count as empty answers.
"""


def render_markdown(result: EvalResult, command: str = "", dataset: str = "", chart: bool = True) -> str:
    m = result.metrics
    head = ["# PlanQA evaluation", ""]
    if command:
        head += ["Produced by:", "", "```", command, "```", ""]
    head.append(f"Dataset: `{dataset}` ({m['n_questions']} questions). "
                f"Generated {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}.")
    if chart:
        head += ["", "![metrics by question type](chart.png)"]
    ci = m.get("ci95") or {}
    if ci:
        head += ["", "95% bootstrap intervals: " + "; ".join(
            f"{k.split('.', 1)[1]} [{lo:.2f}, {hi:.2f}]" for k, (lo, hi) in ci.items()) + "."]
    parts = ["\n".join(head), _baseline_md(m), _retrieval_md(m.get("retrieval", {})),
             _answers_md(m.get("answers", {})), _ragas_md(m.get("retrieval_ragas")), _failures_md(result.rows),
             _retrieval_misses_md(result.rows), DEFINITIONS]
    return "\n\n".join(p.strip() + "\n" for p in parts if p)


def write_chart(result: EvalResult, path: Path) -> bool:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    m = result.metrics
    types = sorted(set(m.get("retrieval", {}).get("by_type", {})) | set(m.get("answers", {}).get("by_type", {})))
    types = [t for t in types if t != "unanswerable"]
    series = []
    for section, key, label in CHART_METRICS:
        by_type = m.get(section, {}).get("by_type", {})
        if not by_type:
            continue
        series.append((label, [by_type.get(t, {}).get(key) or 0.0 for t in types]))
    if not series or not types:
        return False
    fig, ax = plt.subplots(figsize=(10, 4.5), dpi=110)
    width = 0.8 / len(series)
    for i, (label, values) in enumerate(series):
        xs = [x + i * width - 0.4 + width / 2 for x in range(len(types))]
        ax.bar(xs, values, width, label=label)
    ax.set_xticks(range(len(types)), types)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("score")
    title = "PlanQA dev set by question type"
    ans = m.get("answers", {}).get("overall", {})
    if ans.get("correct_refusal_rate") is not None:
        title += f" (correct refusals {ans['correct_refusal_rate']:.0%}, false refusals {ans['false_refusal_rate']:.0%})"
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8, ncols=len(series), loc="upper center", bbox_to_anchor=(0.5, -0.08))
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return True


def write_report(result: EvalResult, out_dir: str | Path, command: str = "", dataset: str = "",
                 setup: dict | None = None) -> dict[str, Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"metrics": out / "metrics.json", "report": out / "report.md",
             "per_question": out / "per_question.jsonl", "chart": out / "chart.png"}
    meta = {"command": command, "dataset": dataset, "setup": setup or {}}
    paths["metrics"].write_text(json.dumps({**meta, **result.metrics}, ensure_ascii=False, indent=2, default=str) + "\n",
                                encoding="utf-8")
    paths["per_question"].write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in result.rows), encoding="utf-8")
    has_chart = write_chart(result, paths["chart"])
    if not has_chart:
        paths.pop("chart")
    md = render_markdown(result, command, dataset, has_chart)
    if setup:
        md += "\n## Setup\n\n```json\n" + json.dumps(setup, ensure_ascii=False, indent=2, default=str) + "\n```\n"
    paths["report"].write_text(md, encoding="utf-8")
    return paths
