"""The page in headless Debian Chromium: ask, click a citation chip, see the highlighted passage.

Needs /usr/bin/chromium (apt-get install chromium fonts-noto-cjk); never `playwright install`.
Screenshots go to artifacts/ (gitignored) for a human to look at.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from planqa.ui.devserver import running_server

sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
EVIL_DOC = """测试县人民政府关于印发测试县“十四五”文旅发展规划的通知
第一章 发展目标
到2025年，测试县接待游客达到777万人次。<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">
"""

pytestmark = [
    pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(600),
    # CI installs chromium (scripts/bootstrap.sh --test): there a missing browser is a failure, not a skip
    pytest.mark.skipif(not CHROMIUM.exists() and os.environ.get("CI") != "true",
                       reason="Debian chromium not installed"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory, demo_index):
    home = tmp_path_factory.mktemp("ui_browser_home")
    shutil.copytree(demo_index.settings.index_dir, home / "index")
    with running_server(home) as srv:
        yield srv


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 950}, locale="zh-CN")
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.goto(server.url)
    pg.wait_for_selector("#question textarea", timeout=60_000)
    yield pg
    context.close()
    assert not errors, errors


def _ask(page, question: str) -> None:
    turns = page.locator("#chat .qa-turn").count()
    page.fill("#question textarea", question)
    page.click("#ask-btn")
    page.wait_for_selector(f"#chat .qa-turn:nth-child({turns + 1}) .answer-foot", timeout=60_000)


def test_chip_opens_highlighted_source(page):
    ARTIFACTS.mkdir(exist_ok=True)
    _ask(page, "济源市2025年高技能人才目标是多少？")
    chips = page.locator("#chat .bot-card .answer-text .cite-chip")
    assert chips.count() >= 1
    last = chips.nth(chips.count() - 1)
    n = last.get_attribute("data-n")
    last.click()
    card = page.locator(f"#source-panel .src-card[data-n='{n}']")
    card.wait_for(timeout=10_000)
    assert "济源市" in card.locator(".src-title").inner_text()
    mark = card.locator("mark")
    assert mark.count() == 1 and mark.inner_text().strip()
    assert card.locator(".src-path").inner_text().strip()  # chapter › section
    assert "cite-chip active" in (last.get_attribute("class") or "") or last.evaluate(
        "el => el.classList.contains('active')")
    page.screenshot(path=str(ARTIFACTS / "ui_qa.png"), full_page=True)


def test_follow_up_and_clear(page):
    _ask(page, "济源市2025年高技能人才目标是多少？")
    _ask(page, "晋城呢？")
    assert page.locator("#chat .qa-turn").count() == 2
    assert "晋城" in page.locator("#chat .qa-turn").nth(1).inner_text()
    page.click("#clear-btn")
    page.wait_for_selector("#chat .chat-empty", timeout=10_000)
    page.wait_for_selector("#source-panel .src-empty", timeout=10_000)


def test_refusal_card(page):
    _ask(page, "拉萨市“十四五”的人才规划里氧气站建设目标是多少？")  # no plan of that place
    card = page.locator("#chat .bot-card.refusal")
    assert card.count() == 1 and "未能作答" in card.inner_text()
    page.screenshot(path=str(ARTIFACTS / "ui_refusal.png"))


def test_hostile_document_shows_as_text(page, tmp_path):
    doc = tmp_path / "测试县文旅规划.txt"
    doc.write_text(EVIL_DOC, encoding="utf-8")
    page.get_by_role("tab", name="知识库", exact=True).click()
    page.locator("#kb-upload input[type=file]").set_input_files(str(doc))
    page.get_by_role("button", name="上传并索引").click()
    page.wait_for_selector("#kb-notice .notice-ok", timeout=120_000)
    page.screenshot(path=str(ARTIFACTS / "ui_kb.png"), full_page=True)
    page.get_by_role("tab", name="问答", exact=True).click()
    _ask(page, "测试县2025年接待游客目标是多少？")
    page.locator("#chat .bot-card .answer-text .cite-chip").first.click()
    passage = page.locator("#source-panel .src-passage")
    passage.wait_for(timeout=10_000)
    assert "<script>" in passage.inner_text() and "onerror" in passage.inner_text()
    assert page.locator("#source-panel img, #chat img").count() == 0
    assert page.evaluate("() => window.__pwned") is None


def test_delete_asks_for_confirmation(page, tmp_path):
    doc = tmp_path / "待删除规划.txt"
    doc.write_text("待删除市“十四五”规划\n第一章 总则\n到2025年，待删除市公园数量达到321个。\n", encoding="utf-8")
    page.get_by_role("tab", name="知识库", exact=True).click()
    page.locator("#kb-upload input[type=file]").set_input_files(str(doc))
    page.get_by_role("button", name="上传并索引").click()
    page.wait_for_selector("#kb-notice .notice-ok", timeout=120_000)
    page.locator("#kb-pick input").click()
    page.get_by_role("option", name="待删除市“十四五”规划").click()
    page.wait_for_selector("#kb-tree .doc-tree", timeout=10_000)  # choosing a file shows its chapters

    answers = iter([False, True])
    page.on("dialog", lambda d: d.accept() if next(answers) else d.dismiss())
    page.get_by_role("button", name="删除该文件").click()
    page.wait_for_selector("#kb-notice >> text=已取消删除", timeout=10_000)
    page.get_by_role("button", name="删除该文件").click()
    page.wait_for_selector("#kb-notice >> text=已删除", timeout=120_000)
    assert "待删除" not in page.locator("#kb-table").inner_text()


def test_example_button_asks(page):
    page.get_by_role("button", name="忻州市的规划文号是什么？").click()
    page.wait_for_selector("#chat .qa-turn .answer-foot", timeout=60_000)
    assert "忻政发" in page.locator("#chat .qa-turn .answer-text").first.inner_text()
    assert page.input_value("#question textarea") == ""
