"""Citation building and checking: markers point at passages, quotes are exact, numbers are backed."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from planqa.corpus.models import Chunk
from planqa.qa.models import Citation

MARKER = re.compile(r"\[(\d{1,3})\]")
# Figures worth checking: digits with optional decimals / %, and ignore bare list numbers like "1."
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


@dataclass
class CitationBuilder:
    """Numbers passages in the order they are first cited; one number per chunk."""

    doc_meta: Callable[[str], dict]  # doc_id → meta dict
    citations: list[Citation] = field(default_factory=list)

    def cite(self, chunk: Chunk, quote: str, score: float = 0.0) -> int:
        quote = quote.strip()
        for c in self.citations:
            if c.chunk_id == chunk.chunk_id and (c.quote == quote or quote in c.quote):
                return c.n
        for c in self.citations:  # same chunk, another sentence: one passage is one citation, its quote widened
            if c.chunk_id == chunk.chunk_id:
                merged = merge_quotes(chunk.text, c.quote, quote)
                if merged:
                    c.quote, (c.quote_start, c.quote_end) = merged[0], merged[1]
                    return c.n
        self.citations.append(self.make(len(self.citations) + 1, chunk, quote, score))
        return self.citations[-1].n

    def make(self, n: int, chunk: Chunk, quote: str, score: float = 0.0) -> Citation:
        """Citation [n] of `quote` in `chunk`, with its offsets (no quote, -1, when it is not a substring)."""
        meta = self.doc_meta(chunk.doc_id)
        start = chunk.text.find(quote) if quote else -1
        return Citation(n=n, chunk_id=chunk.chunk_id, doc_id=chunk.doc_id,
                        doc_title=meta.get("title", "") or chunk.doc_id, doc_number=meta.get("doc_number", ""),
                        chapter=chunk.chapter, section=chunk.section, quote=quote if start >= 0 else "",
                        text=chunk.text, score=round(float(score), 4), quote_start=start,
                        quote_end=start + len(quote) if start >= 0 else -1, page=chunk.page, page_end=chunk.page_end)


def merge_quotes(text: str, a: str, b: str) -> tuple[str, tuple[int, int]] | None:
    """One quote spanning a and b in `text` (None when either is not in it)."""
    ia, ib = text.find(a), text.find(b)
    if ia < 0 or ib < 0:
        return None
    s, e = min(ia, ib), max(ia + len(a), ib + len(b))
    return text[s:e], (s, e)


def numbers_in(text: str) -> set[str]:
    return {_norm_num(n) for n in _NUMBER.findall(text)}


def _norm_num(n: str) -> str:
    return n.rstrip("0").rstrip(".") if "." in n else n.lstrip("0") or "0"


def check_answer(answer: str, citations: list[Citation]) -> tuple[str, list[Citation], list[str]]:
    """Drop markers that point at no passage, renumber the rest 1..n in order of use,
    keep only cited passages, and warn about figures found in no cited passage."""
    valid = {c.n: c for c in citations}
    used = [int(m.group(1)) for m in MARKER.finditer(answer)]
    renum = {old: new for new, old in enumerate(dict.fromkeys(n for n in used if n in valid), 1)}
    warnings: list[str] = []
    if bad := sorted(set(used) - set(valid)):
        warnings.append("已删除指向不存在段落的引用标记：" + "、".join(f"[{n}]" for n in bad))
    text = MARKER.sub(lambda m: f"[{renum[int(m.group(1))]}]" if int(m.group(1)) in renum else "", answer)
    text = re.sub(r"(\[\d+\])(?:\1)+", r"\1", text)  # [1][1] → [1]
    kept = []
    for old, new in renum.items():
        valid[old].n = new
        kept.append(valid[old])
    cited = numbers_in(" ".join(x for c in kept for x in (c.text, c.doc_title + c.doc_number + c.chapter + c.section)))
    # single digits are list numbering / counting words more often than figures
    stray = sorted(n for n in numbers_in(MARKER.sub("", text)) - cited if len(n) > 1)
    if stray:
        warnings.append("以下数字未在所引段落中找到，请核实：" + "、".join(stray))
    return text, kept, warnings


def quote_supported(citation: Citation) -> bool:
    """A quote is valid when it is an exact substring of its chunk at the stated offsets."""
    return bool(citation.quote) and citation.text[citation.quote_start : citation.quote_end] == citation.quote
