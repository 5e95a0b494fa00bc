"""Decode text files: UTF-8 (with or without BOM) or GB18030/GBK, never a silent wrong guess."""

from __future__ import annotations

from pathlib import Path

from planqa.corpus.errors import CorpusError

_CONTROL_OK = {"\n", "\r", "\t", "\f", "\v"}


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and chr(b) not in _CONTROL_OK)
    return controls > len(sample) * 0.02


def decode_text(data: bytes, path: Path | str = "<bytes>") -> tuple[str, str]:
    """Return (text, encoding used). Raises CorpusError for binary, empty or undecodable input."""
    if not data.strip():
        raise CorpusError(path, "文件为空", "the file is empty")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    if _looks_binary(data):
        raise CorpusError(path, "不是文本文件（含二进制内容）", "not a text file (binary content)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        # GB18030 is a superset of GBK and GB2312: one strict decode covers all three.
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and _mostly_chinese_or_ascii(text):
        return text, "gb18030"
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise CorpusError(path, "无法识别文件编码", "cannot detect the text encoding")
    return str(best), best.encoding


def _mostly_chinese_or_ascii(text: str) -> bool:
    """A GB18030 decode of non-GB bytes succeeds but yields rare symbols; check the result reads."""
    if not text:
        return False
    good = sum(1 for ch in text if ch.isascii() or "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f"
               or "\uff00" <= ch <= "\uffef" or ch in "“”‘’…—·")
    return good / len(text) > 0.9
