"""Upload safety: names never escape the uploads folder; type and size limits with Chinese messages."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planqa.ui.uploads import UploadRejected, safe_filename, store_upload, target_path


@pytest.mark.parametrize("name", [
    "../../etc/passwd.txt", "..\\..\\windows\\win.ini.txt", "/abs/path/x.txt", "a/../../b.txt",
    "..", ".", "", "\x00evil.txt", "ev\x00il.txt", "a\nb\r.txt", "....txt", "..hidden.txt",
    "con:.txt", "\u202eexe.txt", "x" * 500 + ".txt",
])
def test_safe_filename_is_a_plain_basename(name):
    out = safe_filename(name)
    assert out and "/" not in out and "\\" not in out and ".." not in out and "\x00" not in out
    assert not out.startswith(".") and len(out) <= 120
    assert all(ch.isprintable() for ch in out)


def test_chinese_names_are_kept():
    assert safe_filename("晋城市“十四五”规划.docx") == "晋城市“十四五”规划.docx"
    assert safe_filename("C:\\Users\\张三\\忻州 规划.pdf") == "忻州 规划.pdf"


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=0, max_size=80))
def test_any_name_stays_inside_uploads(tmp_path_factory, name):
    root = tmp_path_factory.getbasetemp() / "uploads"
    target = target_path(root, name)
    assert target.parent == root.resolve()


def test_store_upload_checks_type_size_and_location(tmp_path):
    uploads = tmp_path / "uploads"
    src = tmp_path / "src.txt"
    src.write_text("晋城市规划正文", encoding="utf-8")
    stored = store_upload(src, "../../escape.txt", uploads, max_mb=1)
    assert stored.parent == uploads.resolve() and stored.name == "escape.txt"
    assert stored.read_text(encoding="utf-8") == "晋城市规划正文"

    with pytest.raises(UploadRejected, match="不支持的文件类型"):
        store_upload(src, "evil.exe", uploads, max_mb=1)
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * (1024 * 1024 + 1))
    with pytest.raises(UploadRejected, match="文件过大"):
        store_upload(big, "big.txt", uploads, max_mb=1)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(UploadRejected, match="空"):
        store_upload(empty, "empty.txt", uploads, max_mb=1)


def test_store_upload_does_not_follow_planted_symlink(tmp_path):
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    outside = tmp_path / "outside.txt"
    outside.write_text("keep", encoding="utf-8")
    (uploads / "doc.txt").symlink_to(outside)
    src = tmp_path / "src.txt"
    src.write_text("new", encoding="utf-8")
    store_upload(src, "doc.txt", uploads, max_mb=1)
    assert outside.read_text(encoding="utf-8") == "keep"
    assert not (uploads / "doc.txt").is_symlink()
    assert Path(uploads / "doc.txt").read_text(encoding="utf-8") == "new"
