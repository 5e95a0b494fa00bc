"""Thin adapters over the batch and eval APIs, so the tab handlers stay one call deep."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from planqa.ui.backend import Backend


def batch_answer_fn(backend: Backend) -> Callable[..., Any]:
    def answer(question: Any) -> Any:
        return backend.ask(str(question))

    return answer


def run_eval(backend: Backend, path: Path, k: int = 10) -> dict:
    """Answer and retrieve every question of the dataset with the live engine/index, then score both.

    Progress comes from the runner's tqdm bars (the tab tracks them with gr.Progress(track_tqdm=True)).
    """
    from planqa.eval.dataset import load_dataset
    from planqa.eval.runner import evaluate, run_answers, run_retrieval

    items = load_dataset(path)
    if not items:
        raise ValueError("评估集中没有题目")
    backend.engine  # noqa: B018 - raises NotReady while the index is still loading
    answers = run_answers(items, lambda q: backend.ask(q), progress=True)
    with backend.lock.read():
        index = backend.index
        retrieved = run_retrieval(items, lambda q, kk: index.search(q, k=kk), k=k, progress=True)
    return evaluate(items, answers, retrieved).metrics
