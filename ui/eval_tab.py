"""评估 tab handler: run the evaluation on a dataset and show the metrics table and a chart."""

from __future__ import annotations

from pathlib import Path

import gradio as gr
import pandas as pd
from planqa.ui import render
from planqa.ui.backend import Backend, NotReady
from planqa.ui.uploads import EVAL_EXTENSIONS, UploadRejected, check_upload

# Gradio gives every call its own tracker; the default only marks the parameter.
PROGRESS = gr.Progress()


def _data_dir() -> Path:
    from planqa.eval.dataset import DATA_DIR

    return DATA_DIR


def dataset_choices() -> list[tuple[str, str]]:
    names = {"dev.jsonl": "开发集 dev", "smoke.jsonl": "冒烟集 smoke"}
    files = sorted(_data_dir().glob("*.jsonl"))
    return [(names.get(p.name, p.stem), str(p)) for p in files]


def default_dataset() -> str | None:
    from planqa.eval.dataset import DEV_SET

    return str(DEV_SET) if Path(DEV_SET).exists() else None


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
        metrics = run_eval(backend, path, progress=lambda d, t, *_: progress((d, max(t, 1)), desc="正在评估", unit="题"))
    except NotReady as exc:
        return render.render_notice(str(exc), "warn"), None, None
    except (ValueError, KeyError) as exc:
        return render.render_notice(f"评估失败：{exc}", "error"), None, None
    rows = render.metric_rows(metrics)
    chart = pd.DataFrame([r for r in rows if 0 <= r[1] <= 1][:12], columns=["指标", "数值"])
    return render.render_notice(f"评估完成：{path.name}", "ok"), rows, chart
