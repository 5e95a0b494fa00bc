"""HTML rendering for the page: answers, citation chips, the source panel, the document tree.

Pure functions over plain data. Every piece of text that comes from a document or a user goes
through `esc()` before it reaches the page; nothing here trusts its input to be markup.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from planqa.corpus.models import page_label
from planqa.qa.models import Answer, Citation

_MARKER = re.compile(r"\[(\d{1,3})\]")

# Refusal reasons the engine may give as short codes; anything else is shown as written.
REFUSAL_LABELS = {
    "no_evidence": "知识库中没有找到足以支持回答的依据",
    "no_hits": "知识库中没有找到相关内容",
    "low_score": "检索到的内容与问题相关度过低",
    "out_of_scope": "问题超出了已收录规划文件的范围",
    "empty_question": "问题为空",
    "no_documents": "知识库中还没有文件",
}

MODE_LABELS = {"extractive": "摘录作答", "llm": "大模型作答", "llm-fallback": "大模型不可用，已改为摘录作答"}


def esc(value: Any) -> str:
    """Escape anything for HTML text and attribute context (quotes included)."""
    return html.escape("" if value is None else str(value), quote=True)


def field_of(obj: Any, name: str, default: Any = "") -> Any:
    """Read `name` from a dataclass-like object or a dict (the index hands on either)."""
    if obj is None:
        return default
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


# --------------------------------------------------------------------------- source panel


@dataclass
class SourceView:
    """Everything the source panel shows for one citation."""

    n: int
    doc_id: str
    doc_title: str
    text: str
    quote_start: int = -1
    quote_end: int = -1
    doc_number: str = ""
    date: str = ""
    issuer: str = ""
    region: str = ""
    path: list[str] = field(default_factory=list)  # chapter › section …
    label: str = ""  # 专栏 / table title
    prev_text: str = ""
    next_text: str = ""
    chunk_id: str = ""
    page: str = ""  # "第5页" / "第5–6页" in the source file; "" when it has no pages

    @classmethod
    def from_citation(cls, c: Citation, doc: Any = None, chunk: Any = None,
                      prev_text: str = "", next_text: str = "") -> SourceView:
        path = [p for p in (c.chapter, c.section) if p]
        path += [h for h in field_of(chunk, "heading_path", []) or [] if h not in path]  # deeper headings
        return cls(
            n=c.n, doc_id=c.doc_id, chunk_id=c.chunk_id,
            doc_title=c.doc_title or field_of(doc, "title"),
            doc_number=c.doc_number or field_of(doc, "doc_number"),
            date=field_of(doc, "date"), issuer=field_of(doc, "issuer"), region=field_of(doc, "region"),
            text=c.text, quote_start=c.quote_start, quote_end=c.quote_end,
            path=path, label=field_of(chunk, "label"), prev_text=prev_text, next_text=next_text,
            page=page_label(c.page, c.page_end),
        )


def highlight(text: str, start: int, end: int) -> str:
    """Escape `text` and wrap text[start:end] in <mark>; offsets outside the text mean no highlight."""
    if not (0 <= start < end <= len(text)):
        return esc(text)
    return f"{esc(text[:start])}<mark>{esc(text[start:end])}</mark>{esc(text[end:])}"


def _paragraphs(escaped: str) -> str:
    return escaped.replace("\n", "<br>")


def render_source(view: SourceView) -> str:
    """One source card: title, 文号, date, heading path, the passage with the quote marked, neighbours."""
    meta = [m for m in (view.doc_number, view.issuer, view.date, view.region) if m]
    meta_html = "".join(f'<span class="src-meta-item">{esc(m)}</span>' for m in meta)
    path = " › ".join(esc(p) for p in view.path) or "（正文开头）"
    if view.page:
        path += f' <span class="src-page">{esc(view.page)}</span>'
    label = f'<div class="src-label">{esc(view.label)}</div>' if view.label else ""
    prev_html = (f'<div class="src-neighbour src-prev"><span class="src-tag">上一段</span>'
                 f"{_paragraphs(esc(view.prev_text))}</div>") if view.prev_text else ""
    next_html = (f'<div class="src-neighbour src-next"><span class="src-tag">下一段</span>'
                 f"{_paragraphs(esc(view.next_text))}</div>") if view.next_text else ""
    return (
        f'<div class="src-card" data-n="{view.n}" data-chunk="{esc(view.chunk_id)}">'
        f'<div class="src-head"><span class="src-num">{view.n}</span>'
        f'<span class="src-title">{esc(view.doc_title)}</span></div>'
        f'<div class="src-meta">{meta_html}</div>'
        f'<div class="src-path">{path}</div>{label}'
        f"{prev_html}"
        f'<div class="src-passage">{_paragraphs(highlight(view.text, view.quote_start, view.quote_end))}</div>'
        f"{next_html}</div>"
    )


def source_panel_placeholder(nonce: int = 0) -> str:
    # The nonce changes the value so Gradio re-renders the panel even after the page's script edited it.
    return (f'<div class="src-body" data-v="{int(nonce)}"><div class="src-empty">'
            "点击答案中的编号 <span class=\"cite-chip demo\">1</span> 查看出处原文</div></div>")


# --------------------------------------------------------------------------- answers


def render_answer_text(text: str, cited: Iterable[int]) -> str:
    """Escape the answer and turn markers [n] that have a citation into clickable chips."""
    known = set(cited)

    def chip(m: re.Match) -> str:
        n = int(m.group(1))
        if n not in known:
            return m.group(0)
        return f'<button type="button" class="cite-chip" data-n="{n}" title="查看出处 {n}">{n}</button>'

    return _paragraphs(_MARKER.sub(chip, esc(text)))


def refusal_text(answer: Answer) -> str:
    reason = answer.refusal_reason.strip()
    return REFUSAL_LABELS.get(reason, reason) or "没有找到可靠的依据"


def _source_list(views: Sequence[SourceView]) -> str:
    items = []
    for v in views:
        path = " › ".join(esc(p) for p in v.path[:2])
        if v.page:
            path += f' <span class="src-page">{esc(v.page)}</span>'
        items.append(
            f'<li><button type="button" class="cite-chip" data-n="{v.n}">{v.n}</button>'
            f'<span class="src-li-title">{esc(v.doc_title)}</span>'
            f'<span class="src-li-path">{path}</span></li>'
        )
    if not items:
        return ""
    is_open = " open" if len(items) <= 3 else ""  # long lists fold away; the chips in the text still work
    return (f'<details class="src-details"{is_open}><summary>出处 {len(items)} 条</summary>'
            f'<ol class="src-list">{"".join(items)}</ol></details>')


def render_assistant(answer: Answer | None, views: Sequence[SourceView], pending: bool = False) -> str:
    if answer is None:
        return '<div class="bot-card pending"><span class="dots">正在检索与作答…</span></div>'
    if answer.refused:
        reason, text = refusal_text(answer), answer.answer.strip()
        body = '<div class="bot-card refusal"><div class="refusal-title">未能作答</div>'
        if text:
            body += f'<div class="refusal-text">{_paragraphs(esc(text))}</div>'
        if reason not in text:  # the engine often writes the reason into the answer already
            body += f'<div class="refusal-reason">原因：{esc(reason)}</div>'
    else:
        cls = "bot-card answer pending" if pending else "bot-card answer"
        body = f'<div class="{cls}"><div class="answer-text">{render_answer_text(answer.answer, [v.n for v in views])}</div>'
    if answer.rewritten_question:
        body += f'<div class="rewritten">按上下文理解为：{esc(answer.rewritten_question)}</div>'
    for w in answer.warnings:
        body += f'<div class="warn">⚠ {esc(w)}</div>'
    if not pending:
        body += _source_list(views)
        mode = MODE_LABELS.get(answer.mode, answer.mode)
        body += f'<div class="answer-foot">{esc(mode)} · {answer.latency_ms / 1000:.1f} 秒</div>'
    body += "</div>"
    store = "".join(render_source(v) for v in views)
    return body + f'<div class="src-store" hidden>{store}</div>'


@dataclass
class Turn:
    """One question and (once it exists) its answer with the sources the panel can show."""

    question: str
    answer: Answer | None = None
    sources: list[SourceView] = field(default_factory=list)
    pending: bool = True


def render_conversation(turns: Sequence[Turn]) -> str:
    if not turns:
        return ('<div class="chat-empty"><div class="chat-empty-title">向规划文件提问</div>'
                "<div>答案中的每个数字和表述都标注出处，点击编号即可查看原文。</div></div>")
    parts = []
    for i, t in enumerate(turns):
        parts.append(
            f'<div class="qa-turn" data-turn="{i}">'
            f'<div class="user-msg"><div class="user-bubble">{esc(t.question)}</div></div>'
            f"{render_assistant(t.answer, t.sources, pending=t.pending)}</div>"
        )
    return f'<div class="chat-log">{"".join(parts)}</div>'


# --------------------------------------------------------------------------- banners and status


def render_notice(text: str, kind: str = "info") -> str:
    """A one-line banner; kind: info | warn | error | ok."""
    if not text:
        return ""
    return f'<div class="notice notice-{esc(kind)}">{esc(text)}</div>'


def render_progress(text: str, done: int, total: int) -> str:
    """A notice with a progress bar (start-up index build)."""
    bar = f'<progress max="{max(int(total), 1)}" value="{int(done)}"></progress>' if total else ""
    return f'<div class="notice notice-info pq-progress">{esc(text)}{bar}</div>'


def render_encoder_banner(note: str) -> str:
    if not note:
        return ""
    # The index gives a bilingual note ("中文 / English"); the page is Chinese.
    zh = note.split(" / ")[0].strip()
    return render_notice(f"⚠ {zh}。语义检索效果可能略差，关键词检索不受影响。", "warn")


# --------------------------------------------------------------------------- knowledge base


def ocr_summary(quality: Any) -> str:
    """"OCR 识别 3 页（第1–3页），平均置信度 0.98" for a scanned PDF; "" when no page was OCRed."""
    pages = field_of(quality, "ocr_pages", []) or []
    if not pages:
        return ""
    span = f"第{pages[0]}页" if len(pages) == 1 else f"第{pages[0]}–{pages[-1]}页"
    return f"OCR 识别 {len(pages)} 页（{span}），平均置信度 {field_of(quality, 'ocr_confidence', 0.0):.2f}"


def quality_summary(quality: Any) -> str:
    """A short Chinese summary of a QualityReport (object or dict)."""
    if not quality:
        return ""
    bits = []
    if field_of(quality, "lost_chars", 0):
        bits.append(f"缺失字符 {field_of(quality, 'lost_chars')}")
    if field_of(quality, "joined_lines", 0):
        bits.append(f"修复断行 {field_of(quality, 'joined_lines')}")
    if field_of(quality, "toc_lines_removed", 0):
        bits.append(f"去除目录 {field_of(quality, 'toc_lines_removed')} 行")
    if field_of(quality, "repaired_headings", 0):
        bits.append(f"修复标题 {field_of(quality, 'repaired_headings')}")
    if field_of(quality, "header_footer_lines_removed", 0):
        bits.append(f"去除页眉页脚 {field_of(quality, 'header_footer_lines_removed')} 行")
    if field_of(quality, "ocr_pages", []):
        bits.append(ocr_summary(quality))
    warnings = field_of(quality, "warnings", []) or []
    if warnings:
        bits.append(f"提示 {len(warnings)} 条")
    return "；".join(bits) or "良好"


DOC_COLUMNS = ["标题", "文号", "发文机关", "日期", "地区", "段落数", "质量", "编号"]


def doc_rows(docs: Iterable[Any]) -> list[list[Any]]:
    """Rows for the document table (shown as plain text cells, so no escaping here)."""
    rows = []
    for d in docs:
        rows.append([
            field_of(d, "title"), field_of(d, "doc_number"), field_of(d, "issuer"), field_of(d, "date"),
            field_of(d, "region"), field_of(d, "n_chunks", field_of(d, "chunk_count", "")),
            quality_summary(field_of(d, "quality", None)), field_of(d, "doc_id"),
        ])
    return rows


def doc_choice_label(d: Any) -> str:
    title = field_of(d, "title") or field_of(d, "doc_id")
    number = field_of(d, "doc_number")
    return f"{title}（{number}）" if number else str(title)


def render_doc_tree(doc: Any, chunks: Sequence[Any]) -> str:
    """A document's chapters (collapsible) with their chunks."""
    if doc is None:
        return render_notice("请选择一个文件", "info")
    head = (f'<div class="tree-head"><div class="tree-title">{esc(field_of(doc, "title"))}</div>'
            f'<div class="src-meta">'
            + "".join(f'<span class="src-meta-item">{esc(m)}</span>'
                      for m in (field_of(doc, "doc_number"), field_of(doc, "issuer"),
                                field_of(doc, "date"), field_of(doc, "region"), field_of(doc, "source")) if m)
            + f"</div><div class=\"tree-count\">共 {len(chunks)} 段 · 文本质量：{esc(quality_summary(field_of(doc, 'quality', None)))}</div>"
            + "".join(f'<div class="warn">⚠ {esc(w)}</div>'
                      for w in field_of(field_of(doc, "quality", None), "warnings", []) or [])
            + "</div>")
    groups: list[tuple[str, list[Any]]] = []
    for ch in chunks:
        chapter = field_of(ch, "chapter") or "（正文开头）"
        if not groups or groups[-1][0] != chapter:
            groups.append((chapter, []))
        groups[-1][1].append(ch)
    body = []
    for chapter, items in groups:
        rows = []
        for ch in items:
            where = " › ".join(esc(p) for p in [field_of(ch, "section"), field_of(ch, "label")] if p)
            kind = {"table": "表格", "box": "专栏"}.get(field_of(ch, "kind"), "")
            kind_html = f'<span class="kind-tag">{kind}</span>' if kind else ""
            rows.append(f'<div class="tree-chunk"><div class="tree-chunk-head">{kind_html}{where}'
                        f'<span class="chunk-id">{esc(field_of(ch, "chunk_id"))}</span></div>'
                        f'<div class="tree-chunk-text">{_paragraphs(esc(field_of(ch, "text")))}</div></div>')
        body.append(f'<details class="tree-chapter"><summary>{esc(chapter)}'
                    f'<span class="tree-n">{len(items)} 段</span></summary>{"".join(rows)}</details>')
    return f'<div class="doc-tree">{head}{"".join(body)}</div>'


# --------------------------------------------------------------------------- evaluation


def metric_rows(metrics: dict[str, Any], prefix: str = "") -> list[list[Any]]:
    """Flatten a (possibly nested) metrics dict into [name, value] rows."""
    rows: list[list[Any]] = []
    for key, value in metrics.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            rows.extend(metric_rows(value, prefix=f"{name}."))
        elif isinstance(value, bool):
            rows.append([name, str(value)])
        elif isinstance(value, int | float):
            rows.append([name, round(float(value), 4)])
    return rows


METRIC_LABELS = {
    "n": "题数", "n_answerable": "可回答题数", "n_unanswerable": "不可回答题数",
    "citation_precision": "引用精确率", "citation_recall": "引用召回率",
    "supported_sentence_ratio": "有据句子比例", "numeric_accuracy": "数字准确率",
    "keyword_recall": "关键词召回率", "keyword_accuracy": "关键词全中率", "chapter_accuracy": "章节准确率",
    "doc_accuracy": "文件准确率", "correct_refusal_rate": "正确拒答率", "false_refusal_rate": "误拒率",
    "refusal_precision": "拒答精确率", "mean_ms": "平均耗时（毫秒）", "p50_ms": "P50 耗时（毫秒）",
    "p95_ms": "P95 耗时（毫秒）",
}


def metric_label(key: str) -> str:
    if key.startswith("recall@"):
        return f"召回率@{key.split('@', 1)[1]}"
    return METRIC_LABELS.get(key, key.upper() if "@" in key else key)


def metric_table(blocks: dict[str, dict[str, Any]]) -> list[list[Any]]:
    """[类别, 指标, 数值] rows; metrics that do not apply (None) show as “—”."""
    rows = []
    for group, values in blocks.items():
        for key, value in values.items():
            if isinstance(value, dict | list):
                continue
            shown = "—" if value is None else (round(float(value), 4) if isinstance(value, int | float) else value)
            rows.append([group, metric_label(key), shown])
    return rows
