"""A plan page saved from a government site: the article is found, the site around it is dropped.

The page is built like a provincial CMS page (header with search, nav menu, breadcrumb, sidebar of
related links, share/print bar, footer with 版权/ICP/联系我们, scripts and styles), the article in a
plain <div> (no <article>/<main> to lean on) holding a demo plan's text, and saved the way a browser
saves it: loaded in Chromium and written from `page.content()`.
"""

from __future__ import annotations

import html
import os
from pathlib import Path

import pytest

from planqa.corpus import build_corpus
from planqa.corpus.outline import outline
from planqa.settings import DEMO_CORPUS

CHROMIUM = Path("/usr/bin/chromium")
PLAN = DEMO_CORPUS / "000_1221f6b6c08d843d.txt"
NAV = ["首页", "政务公开", "政策文件", "政策解读", "互动交流", "办事服务", "数据开放"]
SIDEBAR = [f"关于做好第{i}季度高校毕业生就业服务工作的通知" for i in range(1, 9)]
SITE_LINES = ["当前位置", "版权所有", "ICP备", "联系我们", "分享到", "打印本页", "浏览次数", "网站地图", "请输入关键词"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists() and os.environ.get("CI") != "true",
                       reason="Debian chromium not installed"),
]


def _article(doc) -> str:
    out = []
    for b in doc.blocks:
        if b.kind == "table":
            t = b.table
            rows = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>"
                           for r in [t.header, *t.rows])
            out.append(f"<p style='text-align:center'>{html.escape(t.title)}</p><table border='1'>{rows}</table>")
        elif b.kind == "heading" and b.heading.kind == "chapter":
            out.append(f"<h2>{html.escape(b.text)}</h2>")
        elif b.kind == "heading":
            out.append(f"<p><strong>{html.escape(b.text)}</strong></p>")
        else:
            out.append(f"<p style='text-indent:2em'>{html.escape(b.text)}</p>")
    return "".join(out)


def gov_page(doc) -> str:
    nav = "".join(f"<li><a href='/c{i}/'>{x}</a></li>" for i, x in enumerate(NAV))
    side = "".join(f"<li><a href='/art/{i}.html'>{x}</a></li>" for i, x in enumerate(SIDEBAR))
    title = html.escape(doc.title)
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}_政策文件_市人民政府</title>
<style>body{{font:14px sans-serif}} .nav li{{display:inline;margin:0 8px}}</style>
<script>var _hmt = _hmt || []; function share(to) {{ return to; }}</script></head><body>
<div class="header"><div class="logo">市人民政府</div>
  <div class="search"><input placeholder="请输入关键词"><button>搜索</button></div></div>
<div class="nav" id="menu"><ul>{nav}</ul></div>
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/c1/">政务公开</a> &gt; 政策文件</div>
<div class="wrap">
  <div class="sidebar"><h3>相关文件</h3><ul>{side}</ul></div>
  <div class="detail"><h1 class="title">{title}</h1>
    <div class="info">发布时间：2022-09-20 来源：市人民政府办公室 浏览次数：1234</div>
    <div class="TRS_Editor">{_article(doc)}</div>
    <div class="share">分享到：<a onclick="share('wx')">微信</a><a onclick="share('wb')">微博</a>
      <a onclick="print()">打印本页</a></div></div></div>
<div class="footer"><p><a href="/map">网站地图</a> | <a href="/contact">联系我们</a></p>
  <p>版权所有：市人民政府办公室</p><p>晋ICP备05001234号</p></div>
<script>document.title = document.title;</script></body></html>"""


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    sync_api = pytest.importorskip("playwright.sync_api")
    (doc,) = build_corpus([PLAN]).documents
    out = tmp_path_factory.mktemp("html")
    raw, saved = out / "page.html", out / "plan.html"
    raw.write_text(gov_page(doc), encoding="utf-8")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox"])
        page = browser.new_page()
        page.goto(raw.as_uri())
        saved.write_text(page.content(), encoding="utf-8")
        browser.close()
    return doc, saved


def test_saved_page_keeps_the_plan_and_drops_the_site(saved):
    txt, path = saved
    corpus = build_corpus([path])
    assert corpus.errors == []
    (doc,) = corpus.documents
    assert doc.title == txt.title
    assert [(c["title"], c["sections"]) for c in outline(doc)] == [(c["title"], c["sections"]) for c in outline(txt)]
    lines = {line.strip() for line in doc.text.split("\n")}
    assert not lines & set(NAV)  # menu words can occur in the plan's sentences, not as lines
    for site_text in SIDEBAR + SITE_LINES:
        assert site_text not in doc.text, site_text


def test_saved_page_tables_are_rows(saved):
    txt, path = saved
    want = sorted(c.text for c in build_corpus([PLAN]).chunks if c.kind == "table")
    got = sorted(c.text for c in build_corpus([path]).chunks if c.kind == "table")
    assert want and got == want


def test_lines_broken_by_br_inside_one_paragraph(tmp_path):
    # many CMS articles are one <p> with <br> between the plan's lines
    (txt,) = build_corpus([PLAN]).documents
    lines = [b.text for b in txt.blocks if b.kind in {"para", "heading"}]
    page = tmp_path / "br.html"
    page.write_text("<html><body><div class='content'><p>" + "<br/>".join(html.escape(x) for x in lines)
                    + "</p></div></body></html>", encoding="utf-8")
    (doc,) = build_corpus([page]).documents
    assert [c["title"] for c in outline(doc)] == [c["title"] for c in outline(txt)]
