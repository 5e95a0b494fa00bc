"""The page's handle on the lower layers: opens the index once, shares one engine, guards writes.

Thin glue only: it calls `planqa.index` / `planqa.qa` and adapts their results for rendering.
"""

from __future__ import annotations

import inspect
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planqa.qa.models import Answer
from planqa.ui.render import SourceView, field_of

if TYPE_CHECKING:
    from planqa.settings import Settings


log = logging.getLogger("planqa.ui")

Progress = Callable[[int, int, str], None]


class RWLock:
    """Many readers (questions) or one writer (upload, delete, re-index) at a time."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writer = False

    @contextmanager
    def read(self) -> Iterator[None]:
        with self._cond:
            while self._writer:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def write(self) -> Iterator[None]:
        with self._cond:
            while self._writer or self._readers:
                self._cond.wait()
            self._writer = True
        try:
            yield
        finally:
            with self._cond:
                self._writer = False
                self._cond.notify_all()


@dataclass
class LoadStatus:
    stage: str = "waiting"  # waiting | loading | ready | error
    done: int = 0
    total: int = 0
    message: str = "等待启动"
    error: str = ""

    @property
    def ready(self) -> bool:
        return self.stage == "ready"

    def text(self) -> str:
        if self.stage == "error":
            return f"知识库加载失败：{self.error}"
        if self.stage == "ready":
            return "知识库已就绪"
        pct = f"（{self.done}/{self.total}）" if self.total else ""
        return f"正在准备知识库{pct}：{self.message}"


class NotReady(RuntimeError):
    pass


def _accepts(fn: Callable, name: str) -> bool:
    try:
        return name in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


class Backend:
    def __init__(self, settings: Settings, index: Any = None, engine: Any = None) -> None:
        self.settings = settings
        self._index = index
        self._engine = engine
        self.lock = RWLock()
        self.status = LoadStatus(stage="ready", message="") if index is not None else LoadStatus()
        self._thread: threading.Thread | None = None

    # ---- start-up

    def _progress(self, done: int, total: int, msg: str = "") -> None:
        zh = (msg or "").split(" / ")[0].strip()  # the index reports "中文 / English"; the page is Chinese
        self.status.done, self.status.total, self.status.message = done, total, zh or self.status.message
        log.info("索引构建 %s/%s %s", done, total, msg)

    def load(self) -> None:
        """Open the index (building the demo index on first start) and create the engine."""
        from planqa.index import open_index

        self.status.stage, self.status.message = "loading", "打开索引（首次启动会构建示例索引，约需一两分钟）"
        log.info(self.status.message)
        t0 = time.perf_counter()
        try:
            kwargs: dict[str, Any] = {"build_demo_if_missing": True}
            if _accepts(open_index, "progress"):
                kwargs["progress"] = self._progress
            index = open_index(self.settings, **kwargs)
            self._index = index
            self._engine = self._make_engine(index)
        except Exception as exc:  # surface on the page rather than dying in a thread
            log.exception("index load failed")
            self.status.stage, self.status.error = "error", f"{type(exc).__name__}: {exc}"
            return
        self.status.stage, self.status.message = "ready", ""
        log.info("知识库已就绪（%.1f 秒）", time.perf_counter() - t0)

    def _make_engine(self, index: Any) -> Any:
        from planqa.qa.engine import Engine

        engine = Engine(self.settings, index)
        engine.warm_up()  # load jieba and corpus statistics now, not on the first question
        return engine

    def start(self, background: bool = True) -> None:
        if self.status.stage in {"loading", "ready"}:
            return
        if not background:
            self.load()
            return
        self.status.stage = "loading"
        self._thread = threading.Thread(target=self.load, name="planqa-index-load", daemon=True)
        self._thread.start()

    def wait_ready(self, timeout: float | None = None) -> bool:
        if self._thread is not None:
            self._thread.join(timeout)
        return self.status.ready

    @property
    def index(self) -> Any:
        if self._index is None or not self.status.ready:
            raise NotReady(f"知识库尚未就绪，请稍候再试。{self.status.text()}")
        return self._index

    @property
    def engine(self) -> Any:
        if self._engine is None or not self.status.ready:
            raise NotReady(f"知识库尚未就绪，请稍候再试。{self.status.text()}")
        return self._engine

    @property
    def encoder_note(self) -> str:
        return str(getattr(self._index, "encoder_note", "") or "") if self._index is not None else ""

    # ---- questions

    def stream_ask(self, question: str, history: list | None = None, doc_ids: list[str] | None = None,
                   regions: list[str] | None = None, mode: str = "extractive",
                   top_k: int | None = None) -> Iterator[Answer]:
        engine = self.engine
        with self.lock.read():
            stream = getattr(engine, "stream_ask", None)
            kwargs = dict(history=history or None, doc_ids=doc_ids or None, regions=regions or None,
                          mode=mode, top_k=top_k)
            if stream is None:
                yield engine.ask(question, **kwargs)
                return
            yield from stream(question, **kwargs)

    def ask(self, question: str, **kwargs: Any) -> Answer:
        last: Answer | None = None
        for last in self.stream_ask(question, **kwargs):  # noqa: B007 - the final one is the answer
            pass
        assert last is not None
        return last

    def sources(self, answer: Answer) -> list[SourceView]:
        """Source-panel views for the answer's citations, with the neighbouring chunks."""
        views = []
        with self.lock.read():
            index = self._index
            for c in answer.citations:
                doc = chunk = None
                prev_text = next_text = ""
                try:
                    doc = index.document(c.doc_id)
                    chunks = list(index.chunks_of(c.doc_id))
                    pos = next((i for i, ch in enumerate(chunks) if field_of(ch, "chunk_id") == c.chunk_id), -1)
                    if pos >= 0:
                        chunk = chunks[pos]
                        prev_text = field_of(chunks[pos - 1], "text") if pos > 0 else ""
                        next_text = field_of(chunks[pos + 1], "text") if pos + 1 < len(chunks) else ""
                except (KeyError, LookupError, AttributeError):
                    pass  # a deleted document still shows the cited passage itself
                views.append(SourceView.from_citation(c, doc, chunk, prev_text, next_text))
        return views

    # ---- knowledge base

    def documents(self) -> list[Any]:
        with self.lock.read():
            return list(self.index.documents())

    def document(self, doc_id: str) -> Any:
        with self.lock.read():
            return self.index.document(doc_id)

    def chunks_of(self, doc_id: str) -> list[Any]:
        with self.lock.read():
            return list(self.index.chunks_of(doc_id))

    def regions(self) -> list[str]:
        return sorted({r for d in self.documents() if (r := field_of(d, "region"))})

    def add_files(self, paths: list[Path], progress: Progress | None = None) -> Any:
        index = self.index
        with self.lock.write():
            try:
                return index.add_files([Path(p) for p in paths], progress=progress)
            finally:
                self._refresh_engine()

    def remove(self, doc_id: str) -> Any:
        index = self.index
        with self.lock.write():
            try:
                return index.remove(doc_id)
            finally:
                self._refresh_engine()

    def rebuild(self, progress: Progress | None = None) -> Any:
        index = self.index
        with self.lock.write():
            try:
                if progress is not None and _accepts(index.rebuild, "progress"):
                    return index.rebuild(progress=progress)
                return index.rebuild()
            finally:
                self._refresh_engine()

    def _refresh_engine(self) -> None:
        refresh = getattr(self._engine, "refresh", None)  # the engine caches corpus statistics
        if callable(refresh):
            refresh()

    def info(self) -> dict:
        with self.lock.read():
            info = self.index.info()
        return info if isinstance(info, dict) else dict(getattr(info, "__dict__", {}))
