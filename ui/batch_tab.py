"""批量问答 tab handler: read a question file, answer every question, offer the results for download."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from planqa.ui import render
from planqa.ui.backend import Backend, NotReady
from planqa.ui.uploads import QUESTION_EXTENSIONS, UploadRejected, check_upload, safe_filename

# Gradio gives every call its own tracker; the default only marks the parameter.
PROGRESS = gr.Progress()

PREVIEW_ROWS = 20


def run(backend: Backend, file: str | None, fmt: str, progress: gr.Progress = PROGRESS) -> tuple:
    """Returns (notice html, result file path, preview rows)."""
    from planqa import batch
    from planqa.ui.adapters import batch_answer_fn

    if not file:
        return render.render_notice("请先上传问题文件", "warn"), None, None
    path = Path(file)
    try:
        check_upload(path, path.name, backend.settings.max_upload_mb, QUESTION_EXTENSIONS)
        questions = batch.read_questions(path)
    except UploadRejected as exc:
        return render.render_notice(str(exc), "error"), None, None
    except (ValueError, KeyError) as exc:
        return render.render_notice(f"无法读取问题文件：{exc}", "error"), None, None
    if not questions:
        return render.render_notice("问题文件中没有问题", "warn"), None, None
    fmt = fmt if fmt in {"xlsx", "csv", "jsonl"} else "xlsx"
    out_dir = Path(backend.settings.home) / "exports"
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = Path(safe_filename(path.name)).stem
    # A fresh name per run: run_batch resumes into an existing file, which must never be another user's.
    out_path = out_dir / f"{stem}-答案-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}.{fmt}"

    def report(done: int, total: int, *_: Any) -> None:  # called from the batch's worker threads
        progress((done, max(total, 1)), desc="正在作答", unit="题")

    try:
        backend.engine  # noqa: B018 - raises NotReady while the index is still loading
        result = batch.run_batch(questions, batch_answer_fn(backend), out_path, fmt, workers=2, progress=report)
    except NotReady as exc:
        return render.render_notice(str(exc), "warn"), None, None
    preview = pd.DataFrame([[a.get("question", ""), a.get("answer", ""), "是" if a.get("refused") else ""]
                            for a in result.answers[:PREVIEW_ROWS]], columns=["问题", "答案", "拒答"])
    refused, errors, elapsed = result.refused, result.errors, result.elapsed_s
    text = f"已完成 {len(questions)} 个问题（拒答 {refused}，出错 {errors}，用时 {elapsed:.1f} 秒），可在下方下载结果"
    return render.render_notice(text, "warn" if errors else "ok"), str(result.path), preview
