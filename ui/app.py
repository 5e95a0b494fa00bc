"""The Gradio page: layout and event wiring. Handlers live in chat.py, kb.py, batch_tab.py, eval_tab.py."""

from __future__ import annotations

import json
import logging
import os
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import gradio as gr

from planqa.ui import batch_tab, chat, eval_tab, kb, render
from planqa.ui.backend import Backend

if TYPE_CHECKING:
    from planqa.settings import Settings


CSS_PATH = Path(__file__).with_name("styles.css")

EXAMPLES = [
    "济源市2025年高技能人才目标是多少？",
    "晋城和忻州在职业教育上各有什么举措？",
    "忻州市的规划文号是什么？",
]

# Chip clicks are handled in the browser: each answer carries its rendered source cards (hidden), and a
# click copies the matching card into the source panel. No round trip, nothing to race with.
HEAD_JS = """
<script>
(() => {
  if (window.__planqaChips) return;
  window.__planqaChips = true;
  document.addEventListener('click', (ev) => {
    const chip = ev.target.closest ? ev.target.closest('.cite-chip[data-n]') : null;
    if (!chip) return;
    const turn = chip.closest('.qa-turn');
    const body = document.querySelector('#source-panel .src-body');
    if (!turn || !body) return;
    const n = chip.getAttribute('data-n');
    const card = turn.querySelector('.src-store .src-card[data-n="' + n + '"]');
    if (!card) return;
    body.replaceChildren(card.cloneNode(true));
    document.querySelectorAll('.cite-chip.active').forEach((c) => c.classList.remove('active'));
    turn.querySelectorAll('.cite-chip[data-n="' + n + '"]').forEach((c) => c.classList.add('active'));
    const mark = body.querySelector('mark');
    body.scrollTop = mark ? Math.max(0, mark.offsetTop - body.offsetTop - 80) : 0;
    if (window.innerWidth < 900) body.scrollIntoView({behavior: 'smooth', block: 'start'});
  });
  // Keep the newest answer in view: scroll the conversation when its content (not a chip's class) changes.
  const follow = new MutationObserver((mutations) => {
    const chat = document.getElementById('chat');
    if (chat && mutations.some((m) => m.type === 'childList' && chat.contains(m.target))) {
      chat.scrollTop = chat.scrollHeight;
    }
  });
  const watch = () => follow.observe(document.body, {childList: true, subtree: true});
  if (document.body) watch(); else document.addEventListener('DOMContentLoaded', watch);
})();
</script>
"""

# Runs in the browser before kb.delete and fills its hidden "confirmed" input; API callers skip it.
CONFIRM_DELETE_JS = ("(doc, ok) => [doc, doc && !window.confirm('确定从知识库中删除该文件吗？删除后需重新上传才能恢复。')"
                     " ? 'no' : 'yes']")

HEADER = ('<div id="pq-header"><span class="pq-logo">PlanQA 规划问答</span>'
          '<span class="pq-sub">“十四五”规划文件智能检索与有据问答 · 每个结论都可追溯到原文</span></div>')

log = logging.getLogger("planqa.ui")


def _status_outputs(backend: Backend) -> tuple:
    """Start-up progress (or the encoder banner once ready), timer state, and KB table/filter choices."""
    st = backend.status
    if st.ready:
        status = render.render_encoder_banner(backend.encoder_note)
    elif st.stage == "error":
        status = render.render_notice(st.text(), "error")
    else:
        status = render.render_progress(st.text(), st.done, st.total)
    return (status, gr.Timer(active=not st.ready and st.stage != "error"), *kb.refresh(backend))


def build_app(backend: Backend) -> gr.Blocks:
    settings = backend.settings
    with gr.Blocks(title="PlanQA 规划问答", analytics_enabled=False, fill_width=True) as demo:
        gr.HTML(HEADER, js_on_load=None)
        status_html = gr.HTML(render.render_notice(backend.status.text(), "info"), js_on_load=None,
                              elem_id="pq-status")
        timer = gr.Timer(1.0)
        turns = gr.State([])
        nonce = gr.State(0)

        with gr.Tabs():
            # ------------------------------------------------------------------ 问答
            with gr.Tab("问答", id="qa"), gr.Row(equal_height=False):
                with gr.Column(scale=3):
                    chat_html = gr.HTML(render.render_conversation([]), elem_id="chat", js_on_load=None)
                    with gr.Row():
                        question = gr.Textbox(placeholder="输入问题，例如：济源市2025年高技能人才目标是多少？",
                                              show_label=False, lines=1, max_lines=4, scale=6,
                                              elem_id="question", autofocus=True)
                        ask_btn = gr.Button("提问", variant="primary", scale=1, min_width=80, elem_id="ask-btn")
                        clear_btn = gr.Button("清空对话", scale=1, min_width=80, elem_id="clear-btn")
                    with gr.Row(elem_id="examples"):
                        gr.HTML('<span class="pq-examples-label">试一试：</span>', js_on_load=None, scale=0,
                                min_width=60)
                        example_btns = [gr.Button(q, size="sm", variant="secondary", scale=0, elem_classes="pq-example")
                                        for q in EXAMPLES]
                    with gr.Accordion("检索范围与作答方式", open=False):
                        with gr.Row():
                            # Choices arrive once the index is loaded; custom values keep API callers (who
                            # never see the page load) from tripping Gradio's choice check.
                            doc_filter = gr.Dropdown([], multiselect=True, label="限定文件", allow_custom_value=True,
                                                     info="不选则检索全部文件")
                            region_filter = gr.Dropdown([], multiselect=True, label="限定地区",
                                                        allow_custom_value=True)
                        with gr.Row():
                            llm_ok = settings.llm_configured
                            mode = gr.Radio(chat.MODE_CHOICES if llm_ok else chat.MODE_CHOICES[:1],
                                            value="extractive", label="作答方式", interactive=llm_ok,
                                            info=None if llm_ok else "未配置大模型（PLANQA_LLM_BASE_URL、PLANQA_LLM_MODEL），仅可摘录作答")
                            top_k = gr.Slider(1, 20, value=settings.top_k, step=1, label="检索段落数（top-k）")
                    last_answer = gr.JSON(visible=False)
                with gr.Column(scale=2, min_width=320):
                    gr.HTML('<div style="font-weight:600;margin:2px 0 6px">出处原文</div>', js_on_load=None)
                    source_panel = gr.HTML(render.source_panel_placeholder(), elem_id="source-panel",
                                           js_on_load=None)

            # ------------------------------------------------------------------ 知识库
            with gr.Tab("知识库", id="kb"):
                kb_notice = gr.HTML("", js_on_load=None, elem_id="kb-notice")
                kb_table = gr.Dataframe(headers=render.DOC_COLUMNS, datatype="str", interactive=False,
                                        wrap=True, label="已收录文件", elem_id="kb-table")
                with gr.Row():
                    kb_refresh = gr.Button("刷新列表", size="sm")
                    kb_reindex = gr.Button("重建索引", size="sm")
                with gr.Row(equal_height=False):
                    with gr.Column():
                        kb_files = gr.File(file_count="multiple", elem_id="kb-upload",  # types checked in uploads.py (Chinese messages)
                                           label=f"上传文件（TXT、MD、DOCX、PDF、HTML；单个不超过 {settings.max_upload_mb} MB）")
                        kb_upload = gr.Button("上传并索引", variant="primary")
                    with gr.Column():
                        kb_pick = gr.Dropdown([], label="选择文件", info="查看章节结构，或删除该文件", elem_id="kb-pick",
                                              allow_custom_value=True)
                        with gr.Row():
                            kb_browse_btn = gr.Button("查看章节与段落", size="sm")
                            kb_delete = gr.Button("删除该文件", size="sm", variant="stop")
                        kb_confirm = gr.Textbox("yes", visible=False)
                kb_tree = gr.HTML(render.render_notice("选择一个文件查看其章节结构与段落", "info"), js_on_load=None,
                                  elem_id="kb-tree")

            # ------------------------------------------------------------------ 批量问答
            with gr.Tab("批量问答", id="batch"):
                gr.Markdown("上传问题文件（CSV、XLSX 需有“question”或“问题”列；JSONL 每行一个含 question 的对象），"
                            "逐条作答后下载结果。")
                with gr.Row():
                    batch_file = gr.File(label="问题文件（CSV、XLSX、JSONL）")
                    with gr.Column():
                        batch_fmt = gr.Radio([("Excel（XLSX）", "xlsx"), ("CSV", "csv"), ("JSONL", "jsonl")],
                                             value="xlsx", label="结果格式")
                        batch_btn = gr.Button("开始批量问答", variant="primary")
                batch_notice = gr.HTML("", js_on_load=None)
                batch_out = gr.File(label="下载结果", interactive=False)
                batch_preview = gr.Dataframe(label="结果预览（前 20 条）", interactive=False, wrap=True)

            # ------------------------------------------------------------------ 评估
            with gr.Tab("评估", id="eval"):
                with gr.Row():
                    eval_set = gr.Dropdown(eval_tab.dataset_choices(), value=eval_tab.default_dataset(),
                                           label="评估集", allow_custom_value=False)
                    eval_file = gr.File(label="或上传评估集（JSONL）")
                eval_btn = gr.Button("运行评估", variant="primary")
                eval_notice = gr.HTML("", js_on_load=None)
                with gr.Row():
                    eval_table = gr.Dataframe(headers=["类别", "指标", "数值"], interactive=False, label="指标", scale=1)
                    eval_plot = gr.BarPlot(x="指标", y="数值", y_lim=[0, 1], label="主要指标（0–1）",
                                           x_label_angle=-30, height=360, scale=1)

        # ---------------------------------------------------------------------- wiring
        ask_inputs = [question, doc_filter, region_filter, mode, top_k, turns]
        ask_outputs = [chat_html, turns, last_answer, question]
        ask_fn = partial(chat.ask, backend)
        ask_btn.click(ask_fn, ask_inputs, ask_outputs, api_name="ask", show_progress="hidden")
        question.submit(ask_fn, ask_inputs, ask_outputs, api_visibility="private", show_progress="hidden")
        for btn, q in zip(example_btns, EXAMPLES, strict=True):
            btn.click(None, None, question, js=f"() => {json.dumps(q, ensure_ascii=False)}",
                      api_visibility="private").then(
                ask_fn, ask_inputs, ask_outputs, api_visibility="private", show_progress="hidden")
        clear_btn.click(chat.clear, [nonce], [chat_html, turns, source_panel, last_answer, nonce],
                        api_name="clear", queue=False)

        refreshed = [kb_table, kb_pick, doc_filter, region_filter]
        status_outs = [status_html, timer, *refreshed]
        timer.tick(partial(_status_outputs, backend), None, status_outs, api_visibility="private",
                   show_progress="hidden", queue=False)
        demo.load(partial(_status_outputs, backend), None, status_outs, api_visibility="private", queue=False)
        gr.api(partial(chat.status, backend), api_name="status")

        kb_refresh.click(partial(kb.refresh, backend), None, refreshed, api_name="kb_list")
        kb_upload.click(partial(kb.upload, backend), [kb_files], [kb_notice, *refreshed], api_name="kb_upload")
        kb_delete.click(partial(kb.delete, backend), [kb_pick, kb_confirm], [kb_notice, *refreshed, kb_tree],
                        api_name="kb_delete", js=CONFIRM_DELETE_JS)
        kb_reindex.click(partial(kb.reindex, backend), None, [kb_notice, *refreshed], api_name="kb_reindex")
        kb_browse_btn.click(partial(kb.browse, backend), [kb_pick], [kb_tree], api_name="kb_browse")
        kb_pick.change(partial(kb.browse, backend), [kb_pick], [kb_tree], api_visibility="private")

        batch_btn.click(partial(batch_tab.run, backend), [batch_file, batch_fmt],
                        [batch_notice, batch_out, batch_preview], api_name="batch")
        eval_btn.click(partial(eval_tab.run, backend), [eval_set, eval_file],
                       [eval_notice, eval_table, eval_plot], api_name="evaluate")
    return demo


def _css() -> str:
    try:
        return CSS_PATH.read_text(encoding="utf-8")
    except OSError:  # an install without package data: plain Gradio look, still usable
        log.warning("styles.css not found next to %s", __file__)
        return ""


def parse_auth(auth: str) -> tuple[str, str] | None:
    if not auth:
        return None
    user, sep, password = auth.partition(":")
    if not sep or not user or not password:
        raise ValueError("--auth 的格式应为 用户名:密码")
    return user, password


def launch(settings: Settings, backend: Backend | None = None, block: bool = True,
           concurrency: int = 8) -> tuple[gr.Blocks, Backend, str]:
    """Start the page (localhost by default, never a share link); the index loads in the background."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    backend = backend or Backend(settings)
    backend.start(background=True)
    exports = Path(settings.home) / "exports"
    exports.mkdir(parents=True, exist_ok=True)
    demo = build_app(backend)
    demo.queue(default_concurrency_limit=concurrency)
    _, url, _ = demo.launch(
        server_name=settings.host, server_port=settings.port, share=False, auth=parse_auth(settings.auth),
        auth_message="请输入 PlanQA 的用户名和密码", prevent_thread_lock=True, show_error=True,
        max_file_size=f"{settings.max_upload_mb}mb", allowed_paths=[str(exports)], footer_links=[],
        css=_css(), head=HEAD_JS, quiet=True,
        theme=gr.themes.Default(primary_hue="red", neutral_hue="slate"),
    )
    log.info("PlanQA 规划问答已启动：%s （Ctrl+C 退出）", url)
    if block:
        demo.block_thread()
    return demo, backend, url
