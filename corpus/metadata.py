"""Title, issuer, 文号, date and region of one document, read from its own header.

Fields the text does not state stay empty: nothing here guesses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from planqa.corpus.models import Chunk
from planqa.corpus.normalize import normalize_line
from planqa.corpus.sentences import split_sentences

DOC_NUMBER = re.compile(r"([\u4e00-\u9fff]{1,10})\s*[〔\[［【(（]\s*((?:19|20)\d{2})\s*[〕\]］】)）]\s*(\d{1,4})\s*号")
# 月/日 may be a character the extraction lost ("?" or U+FFFD between the digits, see cleaning._LOST).
DATE_CN = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*(?:月|[?\ufffd])\s*(\d{1,2})\s*(?:日|[?\ufffd])")
_DATE_DOT = re.compile(r"((?:19|20)\d{2})[.\-/](\d{1,2})[.\-/](\d{1,2})")
_FIELD = re.compile(r"^【\s*(制定机关|公布日期|字\s*号|发文字号|发布机关|发文机关)\s*】\s*(.*)$")
_NOTICE = re.compile(r"关于印发\s*《?(.+?)》?\s*的通知")
_PLAN_WORD = re.compile(r"(规划纲要|规划|行动计划|计划|纲要|方案)")
_ISSUER = re.compile(r"([\u4e00-\u9fff]{2,30}?(人民政府办公室|人民政府办公厅|人民政府|委员会|厅|局|办公室|组织部))")
_REGION = re.compile(r"^(国家|全国|[\u4e00-\u9fff]{2,7}?(省|自治区|市|县|区|州|盟))")
HEADER_LINES = 40


@dataclass
class Metadata:
    title: str = ""
    issuer: str = ""
    doc_number: str = ""
    date: str = ""
    region: str = ""


def _iso(y: str, m: str, d: str) -> str:
    return f"{int(y):04d}-{int(m):02d}-{int(d):02d}"


def date_cn(iso: str) -> str:
    """2022-03-01 → 2022年3月1日 (anything else unchanged)."""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", iso)
    return f"{int(m.group(1))}年{int(m.group(2))}月{int(m.group(3))}日" if m else iso


_BRACKETS = re.compile(r"[〔〕\[\]()（）【】\s]")  # 文号 brackets vary ([2022] vs 〔2022〕)


_ISSUED = re.compile(r"印发|发布|颁布|出台|下发")


def issued_at(chunks: list[Chunk]) -> tuple[Chunk, str, str] | None:
    """For a record without a signature date: the first sentence dating an issue ("2021年12月31日，…印发了《…》"),
    as (chunk, sentence, the date written out)."""
    for c in chunks:
        for s in split_sentences(c.text):
            m = DATE_CN.search(s.text)
            if m and _ISSUED.search(s.text, m.end(), m.end() + 40):
                return c, s.text, f"{int(m.group(1))}年{int(m.group(2))}月{int(m.group(3))}日"
    return None


def printed_at(chunks: list[Chunk], name: str, value: str) -> tuple[Chunk | None, str]:
    """Where a document prints a field of its record (`Metadata` attribute `name` = `value`): the first
    chunk and sentence holding it — a date in any of its written forms, a 文号 with any brackets; a title
    not found is printed by the first sentence. (None, "") when the text never prints it."""
    variants = [date_cn(value), value, value.replace("-", ".")] if name == "date" else [value]
    core = _BRACKETS.sub("", value)
    for c in chunks:
        sentences = split_sentences(c.text)
        for v in (v for v in variants if v and v in c.text):
            return c, next((s.text for s in sentences if v in s.text), v)
        if name == "doc_number" and core:
            found = next((s.text for s in sentences if core in _BRACKETS.sub("", s.text)), None)
            if found:
                return c, found
    if name == "title" and chunks:
        return chunks[0], next((s.text for s in split_sentences(chunks[0].text)), "")
    return None, ""


def join_broken_fields(lines: list[str], kept: list[int] | None = None) -> list[str]:
    """Law-database attribute labels broken over lines ("【字" / "号】青科发外…") are rejoined.
    `kept`, when given, receives the input index of every output line (to carry line pages along)."""
    out: list[str] = []
    for i, line in enumerate(lines):
        s = line.strip()
        if out and out[-1].strip().startswith("【") and "】" not in out[-1] and s and "】" in s:
            out[-1] = out[-1].strip() + s
            continue
        if out and not s and out[-1].strip().startswith("【") and "】" not in out[-1]:
            continue  # the blank line inside the broken label
        out.append(line)
        if kept is not None:
            kept.append(i)
    return out


def extract_metadata(lines: list[str]) -> Metadata:
    """Read metadata from the first lines of a document (raw lines, boilerplate still present)."""
    meta = Metadata()
    head = [normalize_line(x) for x in lines[:HEADER_LINES]]
    head = [x for x in head if x]
    fields: dict[str, str] = {}
    for line in head:
        m = _FIELD.match(line)
        if m:
            fields[re.sub(r"\s", "", m.group(1))] = m.group(2).rstrip("?？ ")
    # 文号: from the attribute field, or a header line that is the number itself.
    number_src = fields.get("字号") or fields.get("发文字号") or ""
    if not number_src:
        for line in head[:12]:
            m = DOC_NUMBER.search(line)
            if m and len(line) <= len(m.group(0)) + 12 and "《" not in line:
                number_src = line
                break
    m = DOC_NUMBER.search(number_src)
    if m:
        meta.doc_number = f"{m.group(1)}〔{m.group(2)}〕{m.group(3)}号"
    meta.title = _find_title(head)
    meta.issuer = _find_issuer(head, fields)
    meta.date = _find_date(head, fields)
    meta.region = _find_region(meta.title)
    return meta


def _find_title(head: list[str]) -> str:
    # "关于印发《X》的通知" names the plan; the notice line may be split across two lines.
    for i, line in enumerate(head[:15]):
        joined = line + (head[i + 1] if i + 1 < len(head) else "")
        m = _NOTICE.search(line) or (_NOTICE.search(joined) if "关于印发" in line else None)
        if m:
            title = m.group(1).strip("《》 ")
            if _PLAN_WORD.search(title):
                return title
    for line in head[:25]:  # a standalone title line
        if (len(line) <= 50 and _PLAN_WORD.search(line) and not line.endswith(("。", "，", "：", "；"))
                and not line.startswith(("附件", "根据", "依据", "为", "现将", "【")) and "《" not in line):
            m = _PLAN_WORD.search(line)
            if line.endswith(m.group(0)) or re.search(r"[)）]$", line):
                return line
    for line in head[:3]:  # a title that runs into the first sentence: "…发展规划2021年12月…"
        m = re.match(r"^(.{4,40}?(规划纲要|规划|行动计划|纲要))", line)
        if m:
            return m.group(1)
    return ""


def _find_issuer(head: list[str], fields: dict[str, str]) -> str:
    if fields.get("制定机关") or fields.get("发布机关") or fields.get("发文机关"):
        return (fields.get("制定机关") or fields.get("发布机关") or fields.get("发文机关") or "").strip()
    for line in head[:6]:  # "晋城市人民政府文件" letterhead
        m = re.match(r"^(.{2,30}?)文件$", line)
        if m and _ISSUER.fullmatch(m.group(1)):
            return m.group(1)
    for i, line in enumerate(head[:30]):  # the signature just before the date line
        if DATE_CN.search(line) and len(line) <= 30:
            before = DATE_CN.split(line)[0].strip()
            if before and _ISSUER.fullmatch(before):
                return before
            if i and _ISSUER.fullmatch(head[i - 1]):
                return head[i - 1]
    return ""


def _find_date(head: list[str], fields: dict[str, str]) -> str:
    for key in ("公布日期",):
        m = _DATE_DOT.search(fields.get(key, "")) or DATE_CN.search(fields.get(key, ""))
        if m:
            return _iso(*m.groups())
    for line in head[:30]:  # the signature date: a short line that is (issuer +) a date
        m = DATE_CN.search(line)
        if m and len(line) <= 30 and line.endswith("日"):
            return _iso(*m.groups())
    return ""


def _find_region(title: str) -> str:
    t = re.sub(r"^[“\"]", "", title)
    m = _REGION.match(t)
    if not m:
        return ""
    return "全国" if m.group(1) in {"国家", "全国"} else m.group(1)
