"""Raw lines of one document → cleaned text, headings and blocks (paragraphs, tables, boxes)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from planqa.corpus.cleaning import (
    count_lost_chars,
    remove_boilerplate,
    remove_toc,
    should_join,
)
from planqa.corpus.headings import RANK, HeadingMatch, match_heading, repair_heading_text
from planqa.corpus.metadata import extract_metadata, join_broken_fields
from planqa.corpus.models import Document, Heading, QualityReport
from planqa.corpus.normalize import normalize_line
from planqa.corpus.tables import Table, parse_table

_BOX = re.compile(r"^\s*专栏\s*\d+")
MISSING_CHAPTER = "（章标题缺失）"


@dataclass
class Block:
    kind: str  # "heading" | "para" | "table" | "box_title"
    text: str
    heading: HeadingMatch | None = None
    table: Table | None = None
    box: str = ""  # the 专栏 title a paragraph belongs to
    start: int = 0
    end: int = 0
    chapter: str = ""
    section: str = ""
    heading_path: list[str] = field(default_factory=list)
    row_spans: list[tuple[int, int]] = field(default_factory=list)  # table rows, offsets in the text
    # (offset in `text`, page) where the block starts and where a joined line from another page begins;
    # for a table, the page of each row (in row order). Empty when the source has no pages.
    marks: list[tuple[int, int]] = field(default_factory=list)


def _heading_block(raw: str, styled_level: int | None, quality: QualityReport) -> Block | None:
    repaired, changed = repair_heading_text(raw)
    collapsed = re.sub(r"\s+", " ", repaired).strip()
    m = match_heading(collapsed)
    if m is None and styled_level is not None and len(collapsed) <= 60:
        title = normalize_line(collapsed)
        m = HeadingMatch("styled", 1 + styled_level, str(styled_level), title, title)
    if m is None:
        return None
    if changed:
        quality.repaired_headings += 1
    if m.kind in {"part", "chapter", "section"}:
        m.title = f"{m.label} {normalize_line(m.title[len(m.label):])}".strip()
        return Block("heading", m.title, heading=m)
    text = normalize_line(collapsed)
    lead = match_heading(text)
    if lead is not None:
        m = lead
    if m.inline_body:
        return Block("para", text, heading=m)
    return Block("heading", m.title, heading=m)


def segment(lines: list[str], styled: dict[int, int], quality: QualityReport,
            pages: list[int] | None = None) -> list[Block]:
    """Classify lines into blocks; tables are read from the raw lines (tabs and pipes matter).
    `pages`: the page of every line, when the source has pages."""
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        raw = lines[i]
        if not raw.strip():
            i += 1
            continue
        table = parse_table(lines, i)
        if table is not None:
            if table.title and blocks and blocks[-1].kind == "para" and blocks[-1].text == table.title:
                blocks.pop()  # the caption line is part of the table
            block = Block("table", "\n".join(table.lines), table=table)
            if pages:
                block.marks = [(0, pages[min(i + k, len(pages) - 1)]) for k in table.row_src]
            blocks.append(block)
            i += max(1, table.line_count)
            continue
        if _BOX.match(raw):
            title = re.sub(r"^(专栏\d+)(?=[\u4e00-\u9fff“])", r"\1 ", normalize_line(raw.replace("|", " ")))
            block = Block("box_title", title)
        else:
            block = _heading_block(raw, styled.get(i), quality)
        if block is None:
            # a lone trailing "|" is what is left of a one-cell table frame around a box
            text = normalize_line(re.sub(r"\s*\|\s*$", "", raw) if raw.count("|") == 1 else raw)
            block = Block("para", text) if text else None
        if block is not None:
            block.marks = [(0, pages[i])] if pages else []
            blocks.append(block)
        i += 1
    return blocks


def _append(prev: Block, block: Block) -> None:
    """Append a continuation line's text to `prev`, keeping the page where it begins."""
    prev.marks.extend((len(prev.text) + off, page) for off, page in block.marks)
    prev.text += block.text


def repair_blocks(blocks: list[Block], quality: QualityReport) -> list[Block]:
    """Join sentences cut by line breaks, heading titles cut onto a second line, drop repeated headings."""
    out: list[Block] = []
    for block in blocks:
        prev = out[-1] if out else None
        if prev is not None and block.kind == "para" and block.heading is None:
            if prev.kind == "para" and should_join(prev.text, block.text):
                _append(prev, block)
                quality.joined_lines += 1
                continue
            if (prev.kind == "heading" and prev.heading and prev.heading.kind in {"chapter", "section", "part"}
                    and len(block.text) <= 10 and not re.search(r"[。，；：！？,.]", block.text)
                    and not re.search(r"[，。；、,]$", prev.text)):
                _append(prev, block)  # "…多层次人力资源" / "格局"
                prev.heading.title = prev.text
                quality.repaired_headings += 1
                continue
        if (prev is not None and block.kind == "heading" and prev.kind == "heading"
                and block.text == prev.text):
            quality.repaired_headings += 1
            continue
        out.append(block)
    return out


def _levels(blocks: list[Block]) -> tuple[str | None, str | None]:
    """Which heading kinds act as chapter and section in this document."""
    present = sorted({b.heading.kind for b in blocks if b.heading and b.heading.kind != "part"},
                     key=lambda k: RANK.get(k, 9))
    chapter = present[0] if present else None
    section = present[1] if len(present) > 1 else None
    if chapter in {"arabic", "paren_arabic"}:  # numbered lists alone are no structure
        return None, None
    return chapter, section


def assign_structure(blocks: list[Block]) -> None:
    """Fill chapter/section/heading_path on every block.

    Chapter headings lost in extraction show as a section numbering that restarts or jumps; those
    sections are filed under no chapter (or under the chapter number the gap proves) — never under
    the chapter that happens to precede them.
    """
    chapter_kind, section_kind = _levels(blocks)
    path: list[HeadingMatch] = []
    chapter_title, section_title = "", ""
    last_section = 0
    chapter_known = False
    groups: list[tuple[int, list[Block]]] = []  # unknown-chapter groups: (index of known chapter before, blocks)
    known_chapters: list[int] = []
    current_group: list[Block] | None = None
    last_chapter, sub_list = 0, 0
    for block in blocks:
        h = block.heading
        if h is not None and h.kind == chapter_kind and h.kind != "styled":
            # "一、就业 … 四、劳动关系" after "三、主要指标" is a numbered list inside a chapter: a restart
            # opens such a list, which runs while its numbers follow on; then chapters resume.
            if sub_list and h.numeral == sub_list + 1 or h.numeral <= last_chapter:
                h.kind, h.rank = "list", RANK["paren_number"] + 0.5
                sub_list = h.numeral
            else:
                last_chapter, sub_list = h.numeral, 0
        if h is not None and (block.kind == "heading" or h.inline_body):
            if h.kind == chapter_kind:
                chapter_title, section_title, last_section = h.title, "", 0
                chapter_known = True
                current_group = None
                known_chapters.append(h.numeral if h.kind == "chapter" else -1)
                path = [p for p in path if p.rank < h.rank] + [h]
            elif h.kind == section_kind:
                if chapter_kind == "chapter" and section_kind == "section":
                    n = h.numeral
                    # A restart (第一节 after 第四节) or a jump of several numbers means the chapter
                    # heading between them was lost; one missing number is a lost section heading.
                    if not chapter_known or n <= last_section or n > last_section + 2:
                        if current_group is None or n != last_section + 1:
                            current_group = []
                            groups.append((len(known_chapters), current_group))
                        chapter_known = False
                        chapter_title = ""
                        path = [p for p in path if p.rank < RANK["chapter"]]
                    last_section = n
                section_title = h.title
                path = [p for p in path if p.rank < h.rank] + [h]
            else:
                path = [p for p in path if p.rank < h.rank] + [h]
        block.chapter = chapter_title
        block.section = section_title if section_kind else ""
        block.heading_path = [p.title for p in path]
        if current_group is not None and not chapter_known:
            current_group.append(block)
    _infer_missing_chapters(groups, known_chapters)


def _int_to_cn(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")


def _infer_missing_chapters(groups, known: list[int]) -> None:
    """Number a lost chapter when the gap is unambiguous (第一章 … [lost] … 第三章 → 第二章)."""
    by_slot: dict[int, list[list[Block]]] = {}
    for slot, group in groups:
        by_slot.setdefault(slot, []).append(group)
    for slot, slot_groups in by_slot.items():
        if slot == 0 or slot >= len(known) or known[slot - 1] < 0 or known[slot] < 0:
            continue
        before, after = known[slot - 1], known[slot]
        if after - before - 1 != len(slot_groups):
            continue
        for k, group in enumerate(slot_groups, start=1):
            title = f"第{_int_to_cn(before + k)}章{MISSING_CHAPTER}"
            for block in group:
                block.chapter = title
                block.heading_path = [title] + block.heading_path


def page_marks(blocks: list[Block]) -> list[tuple[int, int]]:
    """(offset into the text, page) wherever the page changes; call after `assemble_text`."""
    marks: list[tuple[int, int]] = []
    for block in blocks:
        if block.kind == "table":  # one mark per row: the row's own line, past caption and header
            points = [(end - 1, page) for (_, end), (_, page) in zip(block.row_spans, block.marks, strict=False)]
            if points:
                points[0] = (block.start, points[0][1])
        else:
            points = [(block.start + off, page) for off, page in block.marks]
        for pos, page in points:
            if not marks or marks[-1][1] != page:
                marks.append((pos, page))
    return marks


def assemble_text(blocks: list[Block]) -> str:
    """Write the blocks one per line and record their offsets."""
    parts: list[str] = []
    pos = 0
    for block in blocks:
        if parts:
            parts.append("\n")
            pos += 1
        block.start = pos
        if block.kind == "table" and block.table is not None:
            offsets = []
            for line in block.table.lines:
                offsets.append((pos, pos + len(line)))
                pos += len(line) + 1
            pos -= 1
            starts = [offsets[i][0] for i in block.table.row_line]
            ends = [offsets[i][1] for i in block.table.row_line]
            # each row's span reaches back over the caption, header and group lines above it
            block.row_spans = [(block.start if k == 0 else ends[k - 1] + 1, ends[k]) for k in range(len(starts))]
        else:
            pos += len(block.text)
        parts.append(block.text)
        block.end = pos
    return "".join(parts)


def build_document(lines: list[str], doc_id: str, source: str, encoding: str,
                   styled: dict[int, int] | None = None, part: str = "",
                   line_pages: list[int] | None = None) -> Document:
    quality = QualityReport(encoding=encoding)
    kept_lines: list[int] = []
    lines = join_broken_fields([ln.rstrip("\n") for ln in lines], kept_lines)
    pages = [line_pages[k] for k in kept_lines] if line_pages else None
    meta = extract_metadata(lines)
    kept, removed = remove_boilerplate(lines)
    quality.boilerplate_lines_removed += removed
    kept, quality.toc_lines_removed = remove_toc(kept)
    blocks = repair_blocks(segment(kept, styled or {}, quality, pages), quality)
    assign_structure(blocks)
    text = assemble_text(blocks)
    quality.lost_chars = count_lost_chars(text)
    headings = [
        Heading(level=b.heading.rank, kind=b.heading.kind, label=b.heading.label, title=b.heading.title,
                start=b.start, end=b.start + (len(b.heading.title) if b.heading.inline_body else len(b.text)),
                chapter=b.chapter if b.heading.kind != "chapter" else "", inline=b.heading.inline_body)
        for b in blocks if b.heading is not None
    ]
    title = meta.title or _first_line_title(blocks)
    return Document(doc_id=doc_id, title=title, text=text, source=source, issuer=meta.issuer,
                    doc_number=meta.doc_number, date=meta.date, region=meta.region, headings=headings,
                    quality=quality, part=part, blocks=blocks, page_marks=page_marks(blocks))


def _first_line_title(blocks: list[Block]) -> str:
    for b in blocks[:3]:
        if b.kind in {"para", "heading"} and len(b.text) <= 50:
            return b.text
    return ""
