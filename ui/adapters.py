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


def run_eval(backend: Backend, path: Path, progress: Callable[..., None] | None = None) -> dict:
    raise NotImplementedError("评估模块尚未就绪")
