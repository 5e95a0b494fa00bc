"""Split a web page that compiles several documents (篇一…篇六) into its parts."""

from __future__ import annotations

import re
from dataclasses import dataclass

_PART = re.compile(r"^\s*篇\s*([一二三四五六七八九十]+)\s*[:：]")


@dataclass
class Part:
    number: int  # 1-based
    label: str  # "篇二"
    lines: list[str]
    first: int = 0  # index of the part's first line in the file's lines


def split_compilation(lines: list[str]) -> tuple[list[Part], int]:
    """Return the parts (one when the file is a single document) and the count of page-header lines
    dropped before the first part (site title, ads)."""
    starts = [i for i, line in enumerate(lines) if _PART.match(line)]
    if len(starts) < 2:
        return [Part(1, "", lines)], 0
    parts = []
    for n, (a, b) in enumerate(zip(starts, starts[1:] + [len(lines)], strict=True), start=1):
        label = "篇" + _PART.match(lines[a]).group(1)
        parts.append(Part(n, label, lines[a + 1:b], a + 1))
    dropped = sum(1 for line in lines[: starts[0]] if line.strip())
    return parts, dropped
