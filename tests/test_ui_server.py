"""The page through gradio_client against a real `planqa serve` (one server for the module, with auth)."""

from __future__ import annotations

import re
import shutil
import statistics
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from planqa.ui.devserver import running_server

gradio_client = pytest.importorskip("gradio_client")
Client, handle_file = gradio_client.Client, gradio_client.handle_file

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

AUTH = ("planqa", "测试-secret")
EVIL = '<script>alert(1)</script><img src=x onerror="alert(2)">'
NEW_DOC = f"""测试市人民政府关于印发测试市“十四五”数字农业发展规划的通知
测市政发〔2022〕9号
第一章 发展目标
第一节 主要目标
到2025年，测试市智慧大棚面积达到8888亩，{EVIL}农产品网络零售额年均增长15%。
第二节 保障措施
建立数字农业联席会议制度，统筹推进智慧大棚建设和农产品电商发展。
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory, demo_index):
    home = tmp_path_factory.mktemp("ui_server_home")
    shutil.copytree(demo_index.settings.index_dir, home / "index")  # no re-encoding
    with running_server(home, auth=AUTH) as srv:
        yield srv


@pytest.fixture()
def client(server):
    return Client(server.url, auth=AUTH, verbose=False)


def _ask(client, question: str, doc_ids=None, regions=None):
    html, answer, box = client.predict(question, doc_ids or [], regions or [], "extractive", 8, api_name="/ask")
    assert box == ""
    return html, answer


def _no_raw_markup(html: str) -> None:
    assert "<script" not in html.lower() and "<img" not in html.lower()
    assert not re.search(r"<[^>]*\son\w+=", html)


def test_requires_login(server):
    with pytest.raises(Exception):  # noqa: B017 - gradio_client raises its own ValueError subclass
        Client(server.url, auth=("planqa", "wrong"), verbose=False)


def test_ask_renders_chips_and_sources(client):
    html, answer = _ask(client, "济源市2025年高技能人才目标是多少？")
    assert not answer["refused"] and answer["citations"]
    assert "高技能人才" in answer["answer"] and "济源" in answer["citations"][0]["doc_title"]
    assert html.count('class="qa-turn"') == 1
    assert 'class="cite-chip" data-n="1"' in html and 'class="src-card" data-n="1"' in html
    assert "<mark>" in html  # the quoted sentence is highlighted in the hidden source card


def test_follow_up_keeps_context_and_clear_resets(client):
    _ask(client, "济源市2025年高技能人才目标是多少？")
    html, answer = _ask(client, "晋城呢？")
    assert "晋城" in answer["rewritten_question"]
    assert html.count('class="qa-turn"') == 2
    cleared = client.predict(api_name="/clear")
    assert "chat-empty" in cleared[0]
    html, _ = _ask(client, "忻州市的规划文号是什么？")
    assert html.count('class="qa-turn"') == 1


def test_refusal_has_its_own_look(client):
    html, answer = _ask(client, "拉萨市“十四五”的人才规划里氧气站建设目标是多少？")  # no plan of that place
    assert answer["refused"]
    assert "bot-card refusal" in html and "未能作答" in html


def test_filters_restrict_documents(client):
    rows = client.predict(api_name="/kb_list")[0]["data"]
    xinzhou = next(r[-1] for r in rows if "忻州" in r[0])
    _, answer = _ask(client, "职业教育有什么举措？", doc_ids=[xinzhou])
    assert answer["citations"] and {c["doc_id"] for c in answer["citations"]} == {xinzhou}
    _, answer = _ask(client, "职业教育有什么举措？", regions=["晋城市"])
    assert answer["citations"] and all("晋城" in c["doc_title"] for c in answer["citations"])


def test_upload_ask_browse_delete(client, tmp_path):
    doc = tmp_path / "测试市数字农业规划.txt"
    doc.write_text(NEW_DOC, encoding="utf-8")
    notice, table, *_ = client.predict([handle_file(str(doc))], api_name="/kb_upload")
    assert "已索引 1 个文件" in notice
    row = next(r for r in table["data"] if "数字农业" in r[0])
    doc_id = row[-1]

    html, answer = _ask(client, "测试市智慧大棚面积目标是多少？")
    assert "8888" in answer["answer"] and answer["citations"][0]["doc_id"] == doc_id
    assert "&lt;script&gt;" in html  # the hostile text is shown, as text
    _no_raw_markup(html)

    tree = client.predict(doc_id, api_name="/kb_browse")
    assert "第一章 发展目标" in tree and "8888" in tree
    _no_raw_markup(tree)

    notice, table, *_ = client.predict(doc_id, api_name="/kb_delete")
    assert "已删除" in notice and all(r[-1] != doc_id for r in table["data"])
    _, answer = _ask(client, "测试市智慧大棚面积目标是多少？")
    assert "8888" not in answer["answer"]


def test_upload_rejects_wrong_type(client, tmp_path):
    bad = tmp_path / "payload.exe"
    bad.write_bytes(b"MZ\x00\x01")
    notice, *_ = client.predict([handle_file(str(bad))], api_name="/kb_upload")
    assert "不支持的文件类型" in notice


def test_uploads_stay_in_uploads_dir(server):
    uploads = Path(server.home) / "uploads"
    for p in server.home.rglob("*数字农业*"):
        assert p.resolve().parent == uploads.resolve()


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "jsonl"])
def test_batch_download(client, tmp_path, fmt):
    questions = tmp_path / "questions.csv"
    pd.DataFrame({"question": ["济源市2025年高技能人才目标是多少？", "忻州市的规划文号是什么？"]}).to_csv(
        questions, index=False, encoding="utf-8-sig")
    notice, out_file, preview = client.predict(handle_file(str(questions)), fmt, api_name="/batch")
    assert "已完成 2 个问题" in notice
    assert Path(out_file).suffix == f".{fmt}"
    frame = {"xlsx": pd.read_excel, "csv": pd.read_csv,
             "jsonl": lambda p: pd.read_json(p, lines=True)}[fmt](out_file)
    assert len(frame) == 2 and "济源" in str(frame["answer"].iloc[0])
    assert "忻政发" in str(frame["answer"].iloc[1])
    assert len(preview["data"]) == 2


def test_eval_smoke_set(client):
    from planqa.eval.dataset import SMOKE_SET

    notice, table, chart = client.predict(str(SMOKE_SET), None, api_name="/evaluate")
    assert "评估完成" in notice
    names = [r[1] for r in table["data"]]
    assert "引用精确率" in names and any(n.startswith("召回率@") for n in names)


CONCURRENT = [
    ("济源市2025年高技能人才目标是多少？", "济源"),
    ("忻州市的规划文号是什么？", "忻政发〔2021〕22号"),
    ("晋城到“十四五”期末，全市从业人员持证率要达到多少？", "55%"),
    ("济源市2025年高技能人才目标是多少？", "济源"),
    ("忻州市的规划文号是什么？", "忻政发〔2021〕22号"),
    ("晋城到“十四五”期末，全市从业人员持证率要达到多少？", "55%"),
    ("济源市2025年高技能人才目标是多少？", "济源"),
    ("忻州市的规划文号是什么？", "忻政发〔2021〕22号"),
]


def test_eight_concurrent_chats(server):
    """Eight sessions ask at once; each gets its own right answer (latency is reported, not asserted)."""
    clients = [Client(server.url, auth=AUTH, verbose=False) for _ in CONCURRENT]
    results: dict[int, tuple[dict, float]] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(len(CONCURRENT))

    def chat(i: int) -> None:
        try:
            start.wait()
            t0 = time.perf_counter()
            _, answer = _ask(clients[i], CONCURRENT[i][0])
            results[i] = (answer, time.perf_counter() - t0)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=chat, args=(i,)) for i in range(len(CONCURRENT))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    for i, (question, expected) in enumerate(CONCURRENT):
        answer, _ = results[i]
        assert answer["question"] == question and expected in answer["answer"], (question, answer["answer"])
    lat = sorted(s for _, s in results.values())
    print(f"\n8 concurrent chats: p50 {statistics.median(lat):.2f}s, max {lat[-1]:.2f}s")
