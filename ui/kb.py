"""知识库 tab handlers: list, upload (with progress), delete, re-index, browse a document."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr

from planqa.ui import render
from planqa.ui.backend import Backend, NotReady
from planqa.ui.uploads import DOC_EXTENSIONS, UploadRejected, store_upload

# Gradio gives every call its own tracker; the default only marks the parameter.
PROGRESS = gr.Progress()


def _gr_progress(progress: gr.Progress):
    def report(done: int, total: int, msg: str = "") -> None:
        progress((done, max(total, 1)), desc=msg or "正在索引", unit="步")

    return report


def refresh(backend: Backend) -> tuple[list[list[Any]], Any, Any, Any]:
    """Table rows plus fresh choices for the KB picker and the question tab's document/region filters."""
    try:
        docs = backend.documents()
    except NotReady:
        docs = []
    choices = [(render.doc_choice_label(d), render.field_of(d, "doc_id")) for d in docs]
    regions = sorted({r for d in docs if (r := render.field_of(d, "region"))})
    return render.doc_rows(docs), gr.update(choices=choices), gr.update(choices=choices), gr.update(choices=regions)


def _errors_of(report: Any) -> list[str]:
    out = []
    for e in render.field_of(report, "errors", []) or []:
        path, reason = e if isinstance(e, tuple | list) else (render.field_of(e, "path"), render.field_of(e, "reason"))
        out.append(f"{Path(str(path)).name}：{reason}" if path else str(reason))
    return out


def upload(backend: Backend, files: list[str] | None, progress: gr.Progress = PROGRESS) -> tuple:
    """Validate and store the uploads, then index them; returns (notice, rows, picker, filter)."""
    if not files:
        return (render.render_notice("请先选择要上传的文件", "warn"), *refresh(backend))
    stored: list[Path] = []
    problems: list[str] = []
    for f in files:
        path = Path(f if isinstance(f, str) else getattr(f, "name", str(f)))
        try:
            stored.append(store_upload(path, path.name, backend.settings.uploads_dir,
                                       backend.settings.max_upload_mb, DOC_EXTENSIONS))
        except UploadRejected as exc:
            problems.append(f"{path.name}：{exc}")
    done: list[str] = []
    if stored:
        try:
            report = backend.add_files(stored, progress=_gr_progress(progress))
        except (NotReady, RuntimeError) as exc:  # PlanIndexError is a RuntimeError
            return (render.render_notice(str(exc), "error"), *refresh(backend))
        done = [*render.field_of(report, "added", []), *render.field_of(report, "replaced", [])]
        problems += _errors_of(report)
    parts = [f"已索引 {len(done)} 个文件"] if done else []
    kind = "ok" if done and not problems else ("warn" if done else "error")
    return (render.render_notice("；".join(parts + problems) or "没有可索引的文件", kind), *refresh(backend))


def delete(backend: Backend, doc_id: str | None, confirmed: str = "yes") -> tuple:
    """`confirmed` is "no" when the user cancelled the page's confirm dialog."""
    if confirmed == "no":
        return (render.render_notice("已取消删除", "info"), *refresh(backend), gr.update())
    if not doc_id:
        return (render.render_notice("请先在下拉框中选择要删除的文件", "warn"), *refresh(backend), "")
    try:
        doc = backend.document(doc_id)
        if doc is None:
            raise LookupError(doc_id)
        title = render.doc_choice_label(doc)
        backend.remove(doc_id)
    except NotReady as exc:
        return (render.render_notice(str(exc), "warn"), *refresh(backend), "")
    except (KeyError, LookupError, RuntimeError):  # PlanIndexError: already gone
        return (render.render_notice("该文件已不在知识库中", "warn"), *refresh(backend), "")
    return (render.render_notice(f"已删除：{title}", "ok"), *refresh(backend), "")


def reindex(backend: Backend, progress: gr.Progress = PROGRESS) -> tuple:
    try:
        backend.rebuild(progress=_gr_progress(progress))
    except NotReady as exc:
        return (render.render_notice(str(exc), "warn"), *refresh(backend))
    return (render.render_notice("索引已重建", "ok"), *refresh(backend))


def browse(backend: Backend, doc_id: str | None) -> str:
    if not doc_id:
        return render.render_notice("选择一个文件查看其章节结构与段落", "info")
    try:
        doc = backend.document(doc_id)
        if doc is None:
            raise LookupError(doc_id)
        return render.render_doc_tree(doc, backend.chunks_of(doc_id))
    except (KeyError, LookupError):
        return render.render_notice("该文件已不在知识库中", "warn")
    except NotReady as exc:
        return render.render_notice(str(exc), "warn")
