"""问答 tab handlers: streaming ask, clear. They call the engine and render; nothing more."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from planqa.qa.models import Answer
from planqa.ui import render
from planqa.ui.backend import Backend, NotReady

MODE_CHOICES = [("摘录作答（直接引用原文）", "extractive"), ("大模型作答", "llm")]


def history_of(turns: list[render.Turn]) -> list[tuple[str, str]]:
    """What the engine gets as conversation context: earlier (question, answer) pairs."""
    return [(t.question, t.answer.answer) for t in turns if t.answer is not None and not t.pending]


def ask(backend: Backend, question: str, doc_ids: list[str] | None, regions: list[str] | None,
        mode: str, top_k: float | None, turns: list[render.Turn] | None
        ) -> Iterator[tuple[str, list[render.Turn], dict | None, str]]:
    """Yield (conversation html, turns, last answer dict, new question box value) while streaming."""
    turns = list(turns or [])
    question = (question or "").strip()
    if not question:
        yield render.render_conversation(turns), turns, None, ""
        return
    turn = render.Turn(question=question)
    turns.append(turn)
    yield render.render_conversation(turns), turns, None, ""
    history = history_of(turns[:-1])
    k = int(top_k) if top_k else None
    t0 = time.perf_counter()
    last: Answer | None = None
    try:
        for partial in backend.stream_ask(question, history=history, doc_ids=doc_ids, regions=regions,
                                          mode=mode or "extractive", top_k=k):
            last = partial
            turn.answer = partial
            yield render.render_conversation(turns), turns, None, ""
    except NotReady as exc:
        last = Answer(question=question, answer="", refused=True, refusal_reason=str(exc))
    except Exception as exc:  # the page must show something, not hang on a spinner
        last = Answer(question=question, answer="", refused=True,
                      refusal_reason=f"系统错误：{type(exc).__name__}: {exc}")
    if last is None:
        last = Answer(question=question, answer="", refused=True, refusal_reason="没有得到回答")
    if not last.latency_ms:
        last.latency_ms = (time.perf_counter() - t0) * 1000
    turn.answer, turn.pending = last, False
    turn.sources = backend.sources(last) if last.citations else []
    yield render.render_conversation(turns), turns, last.to_dict(), ""


def clear(nonce: int) -> tuple[str, list[render.Turn], str, dict | None, int]:
    """Empty conversation, reset source panel (the nonce forces a re-render), no last answer."""
    nonce = int(nonce or 0) + 1
    return render.render_conversation([]), [], render.source_panel_placeholder(nonce), None, nonce


def status(backend: Backend) -> dict[str, Any]:
    s = backend.status
    return {"stage": s.stage, "ready": s.ready, "done": s.done, "total": s.total, "message": s.text()}
