"""Sentence splitting with offsets, shared by the index (sentence vectors at ingest) and the answerer
(quotes), so both see the same sentences and a quote is always an exact substring of its chunk."""

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
