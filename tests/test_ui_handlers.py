"""Page handlers against a fake index and engine: streaming, history, sources, KB actions, start-up."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from planqa.corpus.models import Chunk
from planqa.qa.models import Answer, Citation
from planqa.settings import Settings
from planqa.ui import chat, kb
from planqa.ui.app import parse_auth
from planqa.ui.backend import Backend, NotReady, RWLock


class FakeIndex:
    encoder_note = ""

    def __init__(self) -> None:
        self.docs = {"d1": {"doc_id": "d1", "title": "济源市规划", "doc_number": "济政〔2021〕1号",
                            "date": "2021-05-01", "region": "济源市", "n_chunks": 3}}
        self.chunks = [Chunk(chunk_id=f"d1:000{i}-x", doc_id="d1", text=f"第{i}段。", chapter="第一章 目标",
                             section="第一节", order=i) for i in range(3)]
        self.added: list[Path] = []

    def documents(self):
        return list(self.docs.values())

    def document(self, doc_id):
        return self.docs.get(doc_id)

    def chunks_of(self, doc_id):
        return [c for c in self.chunks if c.doc_id == doc_id]

    def add_files(self, paths, progress=None):
        self.added += list(paths)
        if progress:
            progress(1, 1, "编码 / encoding")
        return type("Report", (), {"added": [p.stem for p in paths], "replaced": [], "errors": []})()

    def remove(self, doc_id):
        if doc_id not in self.docs:
            raise RuntimeError("no such document")
        del self.docs[doc_id]


class FakeEngine:
    def __init__(self) -> None:
        self.histories: list = []
        self.refreshed = 0

    def refresh(self) -> None:
        self.refreshed += 1

    def stream_ask(self, question, history=None, doc_ids=None, regions=None, mode="extractive", top_k=None):
        self.histories.append(history)
        yield Answer(question=question, answer="第1段")
        c = Citation(n=1, chunk_id="d1:0001-x", doc_id="d1", doc_title="济源市规划", doc_number="",
                     chapter="第一章 目标", section="第一节", quote="第1段", text="第1段。", quote_start=0, quote_end=3)
        yield Answer(question=question, answer="第1段。[1]", citations=[c], latency_ms=5)


@pytest.fixture()
def backend(tmp_path):
    return Backend(Settings(home=tmp_path / "home", max_upload_mb=1), index=FakeIndex(), engine=FakeEngine())


def test_ask_streams_then_renders_sources_with_neighbours(backend):
    steps = list(chat.ask(backend, "济源市目标？", [], [], "extractive", 8, []))
    assert "正在检索与作答" in steps[0][0]
    html, turns, answer, box = steps[-1]
    assert answer["citations"][0]["chunk_id"] == "d1:0001-x" and box == ""
    view = turns[0].sources[0]
    assert (view.prev_text, view.next_text, view.doc_number) == ("第0段。", "第2段。", "济政〔2021〕1号")
    assert 'data-n="1"' in html and "<mark>第1段</mark>" in html


def test_follow_up_passes_history_pairs(backend):
    *_, (_, turns, _, _) = chat.ask(backend, "第一问", None, None, "extractive", 8, [])
    list(chat.ask(backend, "那第二问呢？", None, None, "extractive", 8, turns))
    assert backend.engine.histories[-1] == [("第一问", "第1段。[1]")]


def test_empty_question_does_nothing(backend):
    (html, turns, answer, _), = list(chat.ask(backend, "  ", None, None, "extractive", 8, []))
    assert turns == [] and answer is None


def test_not_ready_becomes_a_refusal(tmp_path):
    b = Backend(Settings(home=tmp_path))
    *_, (html, _, answer, _) = chat.ask(b, "问题", None, None, "extractive", 8, [])
    assert answer["refused"] and "知识库尚未就绪" in answer["refusal_reason"]
    assert "bot-card refusal" in html
    with pytest.raises(NotReady):
        b.documents()


def test_engine_crash_is_shown_not_raised(backend):
    def boom(*a, **k):
        raise ValueError("坏了")
        yield  # pragma: no cover

    backend.engine.stream_ask = boom
    *_, (html, _, answer, _) = chat.ask(backend, "问题", None, None, "extractive", 8, [])
    assert answer["refused"] and "坏了" in html


def test_clear_bumps_nonce():
    html, turns, panel, answer, nonce = chat.clear(3)
    assert turns == [] and nonce == 4 and 'data-v="4"' in panel and "chat-empty" in html


def test_kb_upload_sanitises_and_refreshes_engine(backend, tmp_path):
    src = tmp_path / "新文件.txt"
    src.write_text("正文内容", encoding="utf-8")
    bad = tmp_path / "x.exe"
    bad.write_text("x", encoding="utf-8")
    notice, rows, *_ = kb.upload(backend, [str(src), str(bad)], progress=lambda *a, **k: None)
    assert "已索引 1 个文件" in notice and "不支持的文件类型" in notice
    stored = backend.index.added[0]
    assert stored.parent == backend.settings.uploads_dir.resolve()
    assert backend.engine.refreshed == 1


def test_kb_delete_and_browse(backend):
    assert "第一章 目标" in kb.browse(backend, "d1")
    notice, *_ = kb.delete(backend, "d1", confirmed="no")
    assert "已取消" in notice and backend.document("d1") is not None
    notice, *_ = kb.delete(backend, "d1")
    assert "已删除" in notice
    notice, *_ = kb.delete(backend, "d1")
    assert "不在知识库" in notice
    assert "不在知识库" in kb.browse(backend, "d1")


def test_refresh_lists_documents_and_regions(backend):
    rows, picker, docs, regions = kb.refresh(backend)
    assert rows[0][0] == "济源市规划" and rows[0][-1] == "d1"
    assert docs["choices"] == [("济源市规划（济政〔2021〕1号）", "d1")] and regions["choices"] == ["济源市"]


def test_parse_auth():
    assert parse_auth("") is None
    assert parse_auth("user:pa:ss") == ("user", "pa:ss")
    with pytest.raises(ValueError):
        parse_auth("nopassword")


def test_background_load_reports_progress_and_errors(tmp_path, monkeypatch):
    import planqa.index

    def fake_open(settings, build_demo_if_missing=True, progress=None):
        progress(1, 2, "编码 / encoding")
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(planqa.index, "open_index", fake_open)
    b = Backend(Settings(home=tmp_path))
    b.start(background=True)
    assert not b.wait_ready(timeout=30)
    assert b.status.stage == "error" and "磁盘已满" in b.status.text()
    assert (b.status.done, b.status.total, b.status.message) == (1, 2, "编码")


def test_rwlock_writer_waits_for_readers():
    lock, order = RWLock(), []

    def writer():
        with lock.write():
            order.append("write")

    with lock.read():
        t = threading.Thread(target=writer)
        t.start()
        time.sleep(0.1)
        order.append("read done")
    t.join(5)
    assert order == ["read done", "write"]
