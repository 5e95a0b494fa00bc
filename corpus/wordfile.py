"""DOCX → raw lines, as close as possible to what the same plan looks like as TXT.

Office documents rarely use heading styles: their headings are plain paragraphs ("第一章 …", "一、…"),
found later by the same text rules as TXT. What a naive `paragraph.text` loses, and this reader keeps:

- automatic numbering: "一、", "（一）", "1." typed by Word's list numbering live in numbering.xml
  (w:numPr), not in the text; without them a numbered heading is an unnumbered line. They are
  rebuilt from the level's format and counter and put back in front of the paragraph.
- soft line breaks (w:br) inside a paragraph: split into lines, as a TXT file has them.
- content controls (w:sdt) around body paragraphs: walked into, not skipped.
- tables: one "cell | cell |" line per row, a merged cell (across or down) written once; a one-column table is a
  frame around text (a 专栏 box), so its paragraphs are lines, not one glued cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from planqa.corpus.errors import CorpusError

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CN_DIGITS = "零一二三四五六七八九"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_NO_SPACE_AFTER = "、，．。：:）)】」"


@dataclass
class DocxText:
    lines: list[str]
    styled_headings: dict[int, int] = field(default_factory=dict)  # line index → level (heading styles)


def _cn(n: int) -> str:
    if n < 10:
        return _CN_DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")
    return str(n)


def _roman(n: int) -> str:
    out = ""
    for value, numeral in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                           (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out, n = out + numeral, n - value
    return out


def format_number(n: int, fmt: str) -> str:
    """A counter in a w:numFmt format (the formats Chinese government documents use, and the common rest)."""
    if fmt in {"chineseCounting", "chineseCountingThousand", "taiwaneseCounting", "taiwaneseCountingThousand"}:
        return _cn(n)
    if fmt == "ideographTraditional" and 1 <= n <= 10:
        return "甲乙丙丁戊己庚辛壬癸"[n - 1]
    if fmt in {"decimalEnclosedCircle", "decimalEnclosedCircleChinese"} and 1 <= n <= len(_CIRCLED):
        return _CIRCLED[n - 1]
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(c) + 0xFEE0) for c in str(n))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in {"lowerLetter", "upperLetter"}:
        letter = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in {"lowerRoman", "upperRoman"}:
        return _roman(n).upper() if fmt == "upperRoman" else _roman(n)
    if fmt == "none":
        return ""
    return str(n)  # decimal and anything unknown


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    suffix: str = "tab"


def _val(el, tag: str, default: str | None = None) -> str | None:
    child = el.find(W + tag) if el is not None else None
    return child.get(W + "val", default) if child is not None else default


def _parse_level(lvl) -> _Level:
    return _Level(int(_val(lvl, "start", "1") or 1), _val(lvl, "numFmt", "decimal") or "decimal",
                  _val(lvl, "lvlText", "") or "", _val(lvl, "suff", "tab") or "tab")


class Numbering:
    """Word's list numbering: rebuilds the label ("一、", "（二）", "3.") each numbered paragraph shows."""

    def __init__(self, document) -> None:
        try:
            root = document.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):  # no numbering part in the package
            root = None
        abstract: dict[str, dict[int, _Level]] = {}
        self.levels: dict[str, dict[int, _Level]] = {}
        self.abstract_of: dict[str, str] = {}
        if root is not None:
            for a in root.findall(W + "abstractNum"):
                abstract[a.get(W + "abstractNumId")] = {int(lv.get(W + "ilvl", "0")): _parse_level(lv)
                                                        for lv in a.findall(W + "lvl")}
            for num in root.findall(W + "num"):
                aid = _val(num, "abstractNumId")
                levels = dict(abstract.get(aid, {}))
                for override in num.findall(W + "lvlOverride"):
                    ilvl = int(override.get(W + "ilvl", "0"))
                    if override.find(W + "lvl") is not None:
                        levels[ilvl] = _parse_level(override.find(W + "lvl"))
                    start = _val(override, "startOverride")
                    if start is not None and ilvl in levels:
                        levels[ilvl] = _Level(int(start), levels[ilvl].fmt, levels[ilvl].text, levels[ilvl].suffix)
                self.levels[num.get(W + "numId")] = levels
                # a w:num that overrides its levels (a restarted list) counts on its own
                has_override = num.find(W + "lvlOverride") is not None
                self.abstract_of[num.get(W + "numId")] = num.get(W + "numId") if has_override else aid or ""
        # Word counts per abstract list: two w:num over one abstractNum continue each other's numbers
        self._counters: dict[str, list[int | None]] = {}

    @staticmethod
    def _num_pr(paragraph) -> tuple[str, int] | None:
        """(numId, level) from the paragraph's own properties, else from its style chain."""
        sources = [paragraph._p]
        style = paragraph.style
        while style is not None:
            sources.append(style.element)
            style = style.base_style
        num_id, ilvl = None, None
        for el in sources:
            num_pr = el.find(f"{W}pPr/{W}numPr")
            if num_pr is None:
                continue
            num_id = num_id if num_id is not None else _val(num_pr, "numId")
            ilvl = ilvl if ilvl is not None else _val(num_pr, "ilvl")
            if num_id is not None:
                break
        if num_id is None or num_id == "0":
            return None
        return num_id, int(ilvl or 0)

    def label(self, paragraph) -> str:
        found = self._num_pr(paragraph)
        if found is None:
            return ""
        num_id, ilvl = found
        levels = self.levels.get(num_id, {})
        if ilvl not in levels:
            return ""
        counters = self._counters.setdefault(self.abstract_of.get(num_id, num_id), [None] * 10)
        current = counters[ilvl]
        counters[ilvl] = levels[ilvl].start if current is None else current + 1
        for deeper in range(ilvl + 1, len(counters)):
            counters[deeper] = None
        level = levels[ilvl]
        if level.fmt == "bullet":
            return "•"
        text = level.text
        for k in range(ilvl + 1):
            if k in levels:
                n = counters[k] if counters[k] is not None else levels[k].start
                text = text.replace(f"%{k + 1}", format_number(n, levels[k].fmt))
        if not text or level.suffix == "nothing" or text[-1] in _NO_SPACE_AFTER:
            return text
        return text + " "


def _heading_level(style_name: str) -> int | None:
    name = (style_name or "").lower()
    for prefix in ("heading ", "标题 ", "标题"):
        if name.startswith(prefix) and name[len(prefix):].strip().isdigit():
            return int(name[len(prefix):].strip())
    return None  # the Title style is the document title, found by the metadata reader


def _body_children(parent):
    """Body paragraphs and tables in order; content controls (w:sdt) are opened."""
    for child in parent.iterchildren():
        if child.tag == W + "sdt":
            content = child.find(W + "sdtContent")
            if content is not None:
                yield from _body_children(content)
        elif child.tag in {W + "p", W + "tbl"}:
            yield child


def _table_lines(table) -> list[str]:
    from docx.table import _Cell

    rows: list[list] = []
    for row in table.rows:
        # a merged cell is written once, in its first grid position; the positions it spans stay empty.
        # Across columns (w:gridSpan) as a TXT export writes a group row "一、人才发展 | | |"; down a
        # column (w:vMerge="continue", which python-docx's row.cells answers with the cell above) as a
        # TXT writes a group label once per block, not once per row.
        cells: list = [None] * row.grid_cols_before
        for tc in row._tr.tc_lst:
            first = None if tc.vMerge == "continue" else _Cell(tc, table)
            cells.extend([first] + [None] * (tc.grid_span - 1))
        rows.append(cells)
    if all(sum(c is not None for c in cells) <= 1 for cells in rows):  # a frame around text, not data
        return [p.text for cells in rows for c in cells if c is not None for p in c.paragraphs] + [""]

    def value(cell) -> str:  # a cell's paragraphs are one value: Chinese needs no space where Word broke it
        return "" if cell is None else cell.text.replace("\n", "").replace("|", "｜")

    return [" | ".join(value(c) for c in cells) + " |" for cells in rows] + [""]


def read_docx(path: Path) -> DocxText:
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several types for a broken zip/xml
        raise CorpusError(path, f"无法读取 DOCX：{exc}", f"cannot read DOCX: {exc}") from exc
    numbering = Numbering(document)
    lines: list[str] = []
    styled: dict[int, int] = {}
    for child in _body_children(document.element.body):
        if child.tag == W + "tbl":
            lines.extend(_table_lines(Table(child, document)))
            continue
        para = Paragraph(child, document)
        text = para.text
        label = numbering.label(para) if text.strip() else ""
        level = _heading_level(para.style.name if para.style is not None else "")
        if level is not None and text.strip():
            styled[len(lines)] = level
        lines.extend((label + text.lstrip()).split("\n") if label else text.split("\n"))
    if not any(line.strip() for line in lines):
        raise CorpusError(path, "DOCX 中没有文字", "the DOCX has no text")
    return DocxText(lines, styled)
