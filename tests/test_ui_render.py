"""Pure rendering: chips, highlighting, refusals, escaping of hostile document and user text."""

from __future__ import annotations

import re

from planqa.qa.models import Answer, Citation
from planqa.ui import render
from planqa.ui.render import SourceView, Turn

EVIL = '<script>alert(1)</script><img src=x onerror="alert(2)">'


def _cite(n: int = 1, text: str = "到2025年，高技能人才达到5万人。其他内容。", quote: str = "高技能人才达到5万人") -> Citation:
    start = text.find(quote)
    return Citation(n=n, chunk_id=f"d1:000{n}-ab", doc_id="d1", doc_title="济源市人才发展规划",
                    doc_number="济政〔2021〕3号", chapter="第二章 目标", section="第一节 主要目标",
                    quote=quote, text=text, quote_start=start, quote_end=start + len(quote))


def test_markers_become_chips_only_for_known_citations():
    html = render.render_answer_text("目标是5万人[1]，另见[7]。", cited=[1])
    assert '<button type="button" class="cite-chip" data-n="1"' in html
    assert "[7]" in html and 'data-n="7"' not in html


def test_highlight_marks_exact_quote_and_escapes():
    text = "前文<b>。到2025年，高技能人才达到5万人。"
    start = text.find("高技能")
    out = render.highlight(text, start, start + len("高技能人才达到5万人"))
    assert "<mark>高技能人才达到5万人</mark>" in out
    assert "&lt;b&gt;" in out and "<b>" not in out


def test_highlight_ignores_bad_offsets():
    assert "<mark>" not in render.highlight("abc", -1, -1)
    assert "<mark>" not in render.highlight("abc", 2, 10)


def test_source_card_has_metadata_path_and_neighbours():
    c = _cite()
    view = SourceView.from_citation(c, doc={"date": "2021-05-01", "issuer": "济源市人民政府"},
                                    prev_text="上一段内容", next_text="下一段内容")
    html = render.render_source(view)
    for part in ("济源市人才发展规划", "济政〔2021〕3号", "2021-05-01", "第二章 目标 › 第一节 主要目标",
                 "<mark>高技能人才达到5万人</mark>", "上一段内容", "下一段内容"):
        assert part in html


def test_answer_with_sources_carries_hidden_cards():
    a = Answer(question="q", answer="5万人[1]。", citations=[_cite()], latency_ms=120)
    views = [SourceView.from_citation(c) for c in a.citations]
    html = render.render_conversation([Turn("q", a, views, pending=False)])
    assert 'class="src-store" hidden' in html and 'class="src-card" data-n="1"' in html
    assert "摘录作答" in html


def test_refusal_looks_different_and_says_why():
    a = Answer(question="q", answer="", refused=True, refusal_reason="知识库中没有相关内容。")
    html = render.render_assistant(a, [])
    assert "bot-card refusal" in html and "未能作答" in html and "知识库中没有相关内容" in html
    assert "bot-card answer" not in html


def test_pending_turn_shows_spinner_text():
    html = render.render_conversation([Turn("问题")])
    assert "正在检索与作答" in html


def test_hostile_text_is_escaped_everywhere():
    c = _cite(text=f"正文{EVIL}高技能人才达到5万人。", quote="高技能人才达到5万人")
    c.doc_title = EVIL
    c.chapter = EVIL
    a = Answer(question=EVIL, answer=f"{EVIL}[1]", citations=[c], warnings=[EVIL], rewritten_question=EVIL)
    views = [SourceView.from_citation(c, doc={"issuer": EVIL}, prev_text=EVIL, next_text=EVIL)]
    refused = Answer(question=EVIL, answer=EVIL, refused=True, refusal_reason=EVIL)
    html = render.render_conversation([Turn(EVIL, a, views, False), Turn(EVIL, refused, [], False)])
    tree = render.render_doc_tree({"title": EVIL, "doc_number": EVIL},
                                  [{"chapter": EVIL, "section": EVIL, "text": EVIL, "chunk_id": EVIL, "label": EVIL}])
    for out in (html, tree, render.render_notice(EVIL), render.render_encoder_banner(EVIL)):
        assert "<script" not in out.lower()
        assert "<img" not in out.lower()
        assert not re.search(r"<[^>]*\sonerror=", out)
        assert "&lt;script&gt;" in out


def test_doc_rows_and_quality_summary():
    rows = render.doc_rows([{"doc_id": "d1", "title": "T", "doc_number": "N", "issuer": "I", "date": "2022-01-01",
                             "region": "晋城市", "n_chunks": 12,
                             "quality": {"lost_chars": 0, "joined_lines": 3, "warnings": ["x"]}}])
    assert rows == [["T", "N", "I", "2022-01-01", "晋城市", 12, "修复断行 3；提示 1 条", "d1"]]
    assert render.quality_summary({"lost_chars": 0}) == "良好"


def test_doc_tree_groups_by_chapter():
    chunks = [{"chapter": "第一章 A", "text": "a1", "chunk_id": "c1"}, {"chapter": "第一章 A", "text": "a2", "chunk_id": "c2"},
              {"chapter": "第二章 B", "text": "b1", "chunk_id": "c3", "kind": "table"}]
    html = render.render_doc_tree({"title": "T", "quality": {"warnings": ["页眉残留"]}}, chunks)
    assert html.count("<details") == 2 and "2 段" in html and "表格" in html and "页眉残留" in html


def test_metric_rows_flatten_nested_numbers():
    rows = render.metric_rows({"recall@5": 0.81234, "n": 10, "by_type": {"number": {"acc": 1.0}}, "name": "x"})
    assert rows == [["recall@5", 0.8123], ["n", 10.0], ["by_type.number.acc", 1.0]]


def test_placeholder_changes_with_nonce():
    assert render.source_panel_placeholder(1) != render.source_panel_placeholder(2)
