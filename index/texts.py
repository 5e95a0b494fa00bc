"""The text that is embedded and BM25-indexed for a chunk (the cited text stays `Chunk.text`).

1. The heading path comes first: chunk text holds no heading lines, yet "哪一章讲教师队伍建设" or
   "技能富民的举措" are answered by the chunks under such a heading.
2. Metadata tags: a chunk that carries the document's 文号, date or issuer gets the words people use
   to ask for them (文号, 印发日期, 印发机关 …). Otherwise "规划的文号是什么?" matches the notice
   paragraph that repeats the title, not the line holding the number.
"""

from __future__ import annotations

import re

from planqa.corpus.models import Chunk

TAGS = {
    "doc_number": "文号 发文字号",
    "date": "印发日期 印发时间 发布日期",
    "issuer": "印发机关 制定机关 发文部门",
}
_BRACKETS = str.maketrans("〔〕【】［］()（）", "[][][][][]")
_SPACE = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _SPACE.sub("", text).translate(_BRACKETS)


def date_forms(iso: str) -> list[str]:
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", iso or "")
    if not m:
        return []
    y, mo, d = m.groups()
    return [f"{y}年{int(mo)}月{int(d)}日", f"{y}年{mo}月{d}日", f"{y}.{mo}.{d}", f"{y}.{int(mo)}.{int(d)}"]


def metadata_tags(text: str, record: dict) -> list[str]:
    body = _norm(text)
    tags = []
    number = _norm(record.get("doc_number") or "")
    if number and number in body:
        tags.append(TAGS["doc_number"])
    if any(form in body for form in date_forms(record.get("date") or "")):
        tags.append(TAGS["date"])
    issuers = [p for p in re.split(r"[，,、\s]+", record.get("issuer") or "") if len(p) >= 4]
    if issuers and any(_norm(p) in body for p in issuers):
        tags.append(TAGS["issuer"])
    return tags


def context_of(chunk: Chunk) -> str:
    parts = [h for h in (chunk.heading_path or [chunk.chapter, chunk.section]) if h]
    if chunk.label and chunk.label not in parts:
        parts.append(chunk.label)
    return " ".join(parts)


def index_text(chunk: Chunk, record: dict) -> str:
    lines = [context_of(chunk), " ".join(metadata_tags(chunk.text, record)), chunk.text]
    return "\n".join(line for line in lines if line)
