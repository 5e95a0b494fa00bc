"""评估 tab handler: run the evaluation on a dataset and show the metrics table and a chart."""

from __future__ import annotations

from pathlib import Path

import gradio as gr
import pandas as pd

from planqa.ui import render
from planqa.ui.backend import Backend, NotReady
from planqa.ui.uploads import EVAL_EXTENSIONS, UploadRejected, check_upload

# The runner reports through tqdm; Gradio turns those bars into the page's progress bar.
PROGRESS = gr.Progress(track_tqdm=True)
CHART_KEYS = ["recall@5", "citation_precision", "citation_recall", "supported_sentence_ratio",
              "numeric_accuracy", "keyword_recall", "doc_accuracy", "correct_refusal_rate", "false_refusal_rate"]


def _data_dir() -> Path:
    from planqa.eval.dataset import DATA_DIR

    return Path(DATA_DIR)


def dataset_choices() -> list[tuple[str, str]]:
    names = {"dev.jsonl": "开发集（dev）", "smoke.jsonl": "冒烟测试集（smoke）"}
    return [(names.get(p.name, p.stem), str(p)) for p in sorted(_data_dir().glob("*.jsonl"))]


def default_dataset() -> str | None:
    dev = _data_dir() / "dev.jsonl"
    return str(dev) if dev.exists() else None


def summary(metrics: dict) -> dict[str, dict]:
    """The blocks worth a table row: overall answer and retrieval scores, latency."""
    answers = metrics.get("answers") or {}
    return {"回答": answers.get("overall") or {}, "检索": (metrics.get("retrieval") or {}).get("overall") or {},
            "延迟": answers.get("latency") or {}}


def run(backend: Backend, dataset: str | None, upload: str | None, progress: gr.Progress = PROGRESS) -> tuple:
    """Returns (notice html, metrics rows, chart dataframe)."""
    from planqa.ui.adapters import run_eval

    path = Path(upload or dataset or "")
    if upload:
        try:
            check_upload(path, path.name, backend.settings.max_upload_mb, EVAL_EXTENSIONS)
        except UploadRejected as exc:
            return render.render_notice(str(exc), "error"), None, None
    elif not path.is_file() or path.resolve().parent != _data_dir().resolve():
        return render.render_notice("请选择评估集", "warn"), None, None
    try:
        metrics = run_eval(backend, path)
    except NotReady as exc:
        return render.render_notice(str(exc), "warn"), None, None
    except (ValueError, KeyError, TypeError) as exc:
        return render.render_notice(f"评估失败：{exc}", "error"), None, None
    rows = render.metric_table(summary(metrics))
    chart = pd.DataFrame([[render.metric_label(k), v] for k, v in summary(metrics)["回答"].items()
                          if k in CHART_KEYS and isinstance(v, int | float)]
                         + [[render.metric_label(k), v] for k, v in summary(metrics)["检索"].items()
                            if k in CHART_KEYS and isinstance(v, int | float)], columns=["指标", "数值"])
    n = metrics.get("n_questions", 0)
    plot = gr.BarPlot(value=chart, sort=list(chart["指标"]))  # keep our order, not alphabetical
    return render.render_notice(f"评估完成：{path.name}，共 {n} 题", "ok"), rows, plot
