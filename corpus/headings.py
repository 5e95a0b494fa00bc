"""Heading patterns of Chinese plan texts: 篇, 章, 节, 一、, （一）, 1., （1）."""

from __future__ import annotations

import re
from dataclasses import dataclass

CN = "一二三四五六七八九十百零〇两"

# (kind, rank, pattern). Rank orders the kinds from outermost to innermost.
_PATTERNS: list[tuple[str, int, re.Pattern]] = [
    ("part", 1, re.compile(rf"^第\s*([{CN}]+)\s*篇\s*(.*)$")),
    ("chapter", 2, re.compile(rf"^第\s*([{CN}]+)\s*章\s*(.*)$")),
    ("section", 3, re.compile(rf"^第\s*([{CN}]+)\s*节\s*(.*)$")),
    ("cn_number", 4, re.compile(rf"^([{CN}]{{1,3}})\s*[、]\s*(.+)$")),
    ("paren_number", 5, re.compile(rf"^[（(]\s*([{CN}]{{1,3}})\s*[)）]\s*(.+)$")),
    ("arabic", 6, re.compile(r"^(\d{1,2})\s*[.、．](?![\d%])\s*(.+)$")),
    ("paren_arabic", 7, re.compile(r"^[（(]\s*(\d{1,2})\s*[)）]\s*(.+)$")),
]
RANK = {kind: rank for kind, rank, _ in _PATTERNS}
LABEL_FORMAT = {
    "part": "第{}篇", "chapter": "第{}章", "section": "第{}节", "cn_number": "{}、",
    "paren_number": "（{}）", "arabic": "{}.", "paren_arabic": "（{}）",
}
_SENTENCE = re.compile(r"[。；！？]")
# The enumerator of a list item opening a line: 1. / 1、 / 1) / （1） / （一） / 一、 / 一是. A digit or % right
# after the dot is a decimal ("1.5万人" is a figure, not item 1). Used to find numbered 专栏 items (chunking)
# and to keep enumerators out of the figures an answer states (qa features, eval grounding).
LIST_ITEM = re.compile(r"^\s*(?:[（(]?\d{1,2}[.、．)）](?![\d%])|[（(](?:\d{1,2}|[一二三四五六七八九十]{1,3})[)）]"
                       r"|[一二三四五六七八九十]{1,3}[、是])\s*")


@dataclass
class HeadingMatch:
    kind: str
    rank: int
    number: str  # "三", "2"
    label: str  # "第三章", "（二）"
    title: str  # "第三章 提升人才创新创业平台"
    inline_body: bool = False  # the heading is the lead sentence of a paragraph

    @property
    def numeral(self) -> int:
        return cn_to_int(self.number)


def cn_to_int(s: str) -> int:
    if s.isdigit():
        return int(s)
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")}
    digits.update({"〇": 0, "两": 2})
    total, current = 0, 0
    for ch in s:
        if ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            current = digits.get(ch, 0)
    return total + current


def match_heading(line: str) -> HeadingMatch | None:
    """Classify a whole line as a heading, or as a paragraph led by an inline heading."""
    text = line.strip()
    if not text:
        return None
    for kind, rank, pattern in _PATTERNS:
        m = pattern.match(text)
        if not m:
            continue
        number, rest = m.group(1), m.group(2).strip()
        label = LABEL_FORMAT[kind].format(number)
        if kind in {"part", "chapter", "section"}:
            if len(rest) > 60 or rest.endswith("。") or _SENTENCE.search(rest[:-1] if rest else ""):
                return None
            return HeadingMatch(kind, rank, number, label, f"{label} {rest}".strip())
        if not rest or "|" in rest:
            return None
        first = _SENTENCE.search(rest)
        if first is None:
            if len(rest) > 40 or kind in {"arabic", "paren_arabic"} and len(rest) > 30:
                return None
            return HeadingMatch(kind, rank, number, label, f"{label}{rest}")
        lead = rest[: first.start()]
        # (一)坚持育人导向，注重全面发展。坚持… — the lead sentence names the part.
        if kind in {"cn_number", "paren_number"} and 2 <= len(lead) <= 30 and first.end() < len(rest):
            return HeadingMatch(kind, rank, number, label, f"{label}{lead}", inline_body=True)
        if kind in {"cn_number", "paren_number"} and 2 <= len(lead) <= 30 and first.end() == len(rest):
            return HeadingMatch(kind, rank, number, label, f"{label}{lead}", inline_body=True)
        return None
    return None


_DUP_ACROSS_TAB = re.compile(r"(\S)\t+\1")


def repair_heading_text(raw: str) -> tuple[str, bool]:
    """Undo extraction damage in a heading line: a character doubled across a tab ("聚焦\\t焦激发")."""
    fixed = _DUP_ACROSS_TAB.sub(r"\1", raw)
    return fixed, fixed != raw
