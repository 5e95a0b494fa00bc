"""Safe handling of uploaded files: allowed types, size limit, and names that stay in the data folder."""

from __future__ import annotations

import os
import re
import shutil
import unicodedata
from pathlib import Path

DOC_EXTENSIONS = (".txt", ".md", ".docx", ".pdf", ".html", ".htm")
QUESTION_EXTENSIONS = (".csv", ".xlsx", ".jsonl")
EVAL_EXTENSIONS = (".jsonl",)

_UNSAFE = re.compile(r'[<>:"|?*\x00-\x1f\x7f]')
_MAX_NAME = 120


class UploadRejected(ValueError):
    """An upload we refuse; the message is shown to the user as is (Chinese)."""


def safe_filename(name: str) -> str:
    """Reduce an uploaded name to a harmless basename (no separators, no '..', no control chars)."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[\\/]", name)[-1]  # basename under both Windows and POSIX rules
    name = "".join(ch for ch in name if unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Zl", "Zp"})
    name = _UNSAFE.sub("_", name)
    name = name.replace("..", "_").strip(" .")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    stem = stem.strip(" .") or "upload"
    ext = ext[:10]
    stem = stem[: _MAX_NAME - len(ext) - 1]
    return f"{stem}.{ext}" if ext else stem


def check_upload(path: Path, name: str, max_mb: int, allowed: tuple[str, ...] = DOC_EXTENSIONS) -> None:
    """Raise UploadRejected with a Chinese message when the file is of a wrong type or too large."""
    ext = Path(safe_filename(name)).suffix.lower()
    if ext not in allowed:
        shown = ext or "（无扩展名）"
        raise UploadRejected(f"不支持的文件类型 {shown}：只能上传 {'、'.join(e.lstrip('.').upper() for e in allowed)} 文件")
    size = Path(path).stat().st_size
    if size > max_mb * 1024 * 1024:
        raise UploadRejected(f"文件过大：{size / 1024 / 1024:.1f} MB，单个文件不能超过 {max_mb} MB")
    if size == 0:
        raise UploadRejected("文件是空的")


def target_path(uploads_dir: Path, name: str) -> Path:
    """The final path for an upload; guaranteed to be directly inside `uploads_dir`."""
    root = Path(uploads_dir).resolve()
    # Resolve only the folder: the last component may be a planted link, which store_upload replaces.
    target = root / safe_filename(name)
    if target.parent != root or Path(os.path.normpath(target)) != target:
        raise UploadRejected("文件名不合法")
    return target


def store_upload(src: Path, name: str, uploads_dir: Path, max_mb: int,
                 allowed: tuple[str, ...] = DOC_EXTENSIONS) -> Path:
    """Validate one upload and copy it into `uploads_dir` (same name replaces the earlier upload)."""
    src = Path(src)
    check_upload(src, name, max_mb, allowed)
    Path(uploads_dir).mkdir(parents=True, exist_ok=True)
    target = target_path(uploads_dir, name)
    if target.is_symlink():
        target.unlink()  # never write through a link planted in the folder
    shutil.copyfile(src, target)
    return target
