"""Sentence splitting with offsets, shared by the index (sentence vectors at ingest) and the answerer
(quotes), so both see the same sentences and a quote is always an exact substring of its chunk."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Clause ends used by plan texts; "；" splits the long enumerations typical of targets sections.
_END = re.compile(r"[^。！？；;\n]*(?:[。！？；;]+[”’」）)]?|\n|$)")
_MIN_CHARS = 4
# A table row as `corpus.tables` renders it ("title · indicator：2020年 2.4 万人；2025年 3.4 万人；预期性") is one
# sentence: split at "；", the target column would lose the indicator that names it.
_TABLE_ROW = re.compile(r"[^。！？\n]{1,80}? · [^。！？\n]*?：[^。！？\n]*\n?")


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
    pos = 0
    while pos <= len(text):
        m = _TABLE_ROW.match(text, pos) if pos == 0 or text[pos - 1] == "\n" else None
        m = m or _END.match(text, pos)
        pos = m.end() + (m.end() == pos)  # an empty match at the end still advances
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
