"""Paragraph-level chunks: one natural paragraph each, short ones merged under the same heading,
long ones split at sentence ends, table rows and 专栏 boxes on their own."""

from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import dataclass

from planqa.corpus.headings import LIST_ITEM
from planqa.corpus.models import Chunk, Document
from planqa.corpus.structure import Block
from planqa.corpus.tokens import count_tokens

_SENTENCE_END = re.compile(r"[。！？；]")


@dataclass
class _Unit:
    kind: str
    start: int
    end: int
    block: Block
    label: str = ""
    text: str = ""  # set for table rows (rendered); spans give the text otherwise


def _units(doc: Document) -> list[_Unit]:
    units: list[_Unit] = []
    box = ""
    box_numbered = False
    box_paras = 0
    for block in doc.blocks:
        if block.kind == "heading":
            box = ""
            continue
        if block.kind == "table" and block.table is not None:
            box = ""
            for k, (s, e) in enumerate(block.row_spans):
                units.append(_Unit("table", s, e, block, block.table.title, block.table.render_row(k)))
            continue
        if block.kind == "box_title":
            box, box_paras, box_numbered = block.text, 0, False
            units.append(_Unit("box", block.start, block.end, block, box))
            continue
        if box:
            # A box holds the paragraphs after its title up to the next heading; when its items are
            # numbered, the first unnumbered paragraph is the body text resuming after the box.
            if box_paras == 0:
                box_numbered = bool(LIST_ITEM.match(block.text))
            elif box_numbered and not LIST_ITEM.match(block.text):
                box = ""
        if box:
            box_paras += 1
            units.append(_Unit("box", block.start, block.end, block, box))
        else:
            units.append(_Unit("text", block.start, block.end, block))
    return units


def _same_context(a: _Unit, b: _Unit) -> bool:
    return a.kind == b.kind and a.kind != "table" and a.label == b.label and \
        a.block.heading_path == b.block.heading_path and a.block.chapter == b.block.chapter


def _split_long(text: str, start: int, max_tokens: int) -> list[tuple[int, int]]:
    """Cut at sentence ends so that every piece stays under max_tokens (a single overlong
    sentence is cut at the budget)."""
    if count_tokens(text) <= max_tokens:
        return [(start, start + len(text))]
    sentences: list[tuple[int, int]] = []
    last = 0
    for m in _SENTENCE_END.finditer(text):
        sentences.append((last, m.end()))
        last = m.end()
    if last < len(text):
        sentences.append((last, len(text)))
    pieces: list[tuple[int, int]] = []
    cur_s, cur_e = sentences[0]
    for s, e in sentences[1:]:
        if count_tokens(text[cur_s:e]) <= max_tokens:
            cur_e = e
        else:
            pieces.append((cur_s, cur_e))
            cur_s, cur_e = s, e
    pieces.append((cur_s, cur_e))
    out: list[tuple[int, int]] = []
    for s, e in pieces:
        while count_tokens(text[s:e]) > max_tokens:  # one sentence longer than the budget
            cut = _longest_prefix(text, s, e, max_tokens)
            clause = max(text.rfind(p, s, cut) for p in "，、：,")
            if clause > s + (cut - s) // 2:  # prefer a clause boundary in the second half
                cut = clause + 1
            out.append((s, cut))
            s = cut
        out.append((s, e))
    return [(start + s, start + e) for s, e in out if e > s]


def _longest_prefix(text: str, s: int, e: int, max_tokens: int) -> int:
    """The largest cut in (s, e) with text[s:cut] within the token budget (binary search)."""
    lo, hi = s + 1, e
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if count_tokens(text[s:mid]) <= max_tokens:
            lo = mid
        else:
            hi = mid - 1
    return lo


def page_at(marks: list[tuple[int, int]], offset: int) -> int:
    """The page of a text offset (0 when the document has no pages)."""
    k = bisect.bisect_right(marks, offset, key=lambda m: m[0]) - 1
    return marks[max(k, 0)][1] if marks else 0


def chunk_document(doc: Document, max_tokens: int = 400, min_chars: int = 40) -> list[Chunk]:
    text = doc.text
    merged: list[_Unit] = []
    for unit in _units(doc):
        prev = merged[-1] if merged else None
        title_only = prev is not None and prev.kind == "box" and prev.block.kind == "box_title" \
            and prev.end == prev.block.end
        if (prev is not None and _same_context(prev, unit)
                and (title_only or (
                    (prev.end - prev.start < min_chars or unit.end - unit.start < min_chars
                     or unit.kind == "box")
                    and count_tokens(text[prev.start:unit.end]) <= max_tokens))):
            prev.end = unit.end
            continue
        merged.append(_Unit(unit.kind, unit.start, unit.end, unit.block, unit.label, unit.text))
    chunks: list[Chunk] = []
    for unit in merged:
        spans = [(unit.start, unit.end)] if unit.kind == "table" else \
            _split_long(text[unit.start:unit.end], unit.start, max_tokens)
        for s, e in spans:
            body = unit.text if unit.kind == "table" else text[s:e]
            if not body.strip():
                continue
            order = len(chunks)
            digest = hashlib.sha1(body.encode("utf-8")).hexdigest()[:8]
            chunks.append(Chunk(
                chunk_id=f"{doc.doc_id}:{order:04d}-{digest}", doc_id=doc.doc_id, text=body, kind=unit.kind,
                chapter=unit.block.chapter, section=unit.block.section,
                heading_path=list(unit.block.heading_path), label=unit.label, start=s, end=e,
                n_tokens=count_tokens(body), order=order,
                # a table row's span reaches back over the caption and header: its page is its own line's
                page=page_at(doc.page_marks, e - 1 if unit.kind == "table" else s),
                page_end=page_at(doc.page_marks, max(s, e - 1)),
            ))
    return chunks
