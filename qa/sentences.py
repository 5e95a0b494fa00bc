"""Sentence splitting with offsets, so a quote is always an exact substring of its chunk."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Clause ends used by plan texts; "；" splits the long enumerations typical of targets sections.
_END = re.compile(r"[^。！？；;\n]*(?:[。！？；;]+[”’」）)]?|\n|$)")
_MIN_CHARS = 4


@dataclass(frozen=True)
class Sentence:
    text: str  # stripped sentence, == source[start:end]
    start: int
    end: int
    para: int  # paragraph number inside the source (blank-line or newline separated)
    first_in_para: bool


def split_sentences(text: str) -> list[Sentence]:
    """Sentences (clauses ending in 。！？；or a line break) with their offsets into `text`."""
    out: list[Sentence] = []
    para = 0
    first = True
    for m in _END.finditer(text):
        raw = m.group(0)
        if not raw:
            continue
        lead = len(raw) - len(raw.lstrip())
        body = raw.strip()
        if len(body) >= _MIN_CHARS:
            start = m.start() + lead
            out.append(Sentence(body, start, start + len(body), para, first))
            first = False
        if raw.endswith("\n"):
            para += 1
            first = True
    return out


def clean_for_answer(sentence: str) -> str:
    """A quoted clause as it reads in an answer: no inner line breaks, ends with 。. Square brackets
    become 〔〕 so a quoted "[2021]" is never read as a citation marker; a character the extraction
    lost ("?") shows as □. (The citation's quote keeps the exact source text.)"""
    s = re.sub(r"\s+", "", sentence) if _mostly_cjk(sentence) else re.sub(r"\s+", " ", sentence)
    s = s.replace("[", "〔").replace("]", "〕").replace("?", "□").replace("\ufffd", "□")
    s = s.rstrip("；;，,、：: ").lstrip("*# ")  # markdown emphasis left over from the source
    if s and s[-1] not in "。！？!?”）)":
        s += "。"
    return s


def _mostly_cjk(s: str) -> bool:
    cjk = sum(1 for ch in s if "\u4e00" <= ch <= "\u9fff")
    return cjk >= len(s.replace(" ", "")) * 0.5


def with_marker(sentence: str, n: int) -> str:
    """Put the marker inside the sentence, before its final punctuation: "……55%以上[1]。"."""
    body = sentence.rstrip()
    end = ""
    while body and body[-1] in "。！？；…":
        end = body[-1] + end
        body = body[:-1]
    return f"{body}[{n}]{end}"
