"""Indicator tables in three extraction shapes, parsed into rows that read alone.

- "|" rows (web/PDF tables):      指标 | 2020年 | 2025年 | 属性 |
- tab-separated rows (PDF text):  技能人才\t技能劳动者总量\t万人\t34.4\t40\t预期性
- one cell per line, each led by a tab, rows split by blank lines (another PDF extractor);
  a cell may wrap onto following lines without a tab ("“十四五”" / "目标").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from planqa.corpus.normalize import normalize_line

_GROUP_HEADERS = re.compile(r"^(项目|类别|领域|分类|类型|序号)$")
_INDICATOR_HEADER = re.compile(r"指标")
_UNIT_HEADER = re.compile(r"^单位$")
_ATTR_HEADER = re.compile(r"^(属性|指标属性|性质)$")
_LABEL_UNIT = re.compile(r"[（(]\s*(%|‰|[万亿千]?(?:人次|人|元|所|个|家|项|名|年|岁|小时|平方米))\s*[)）]$")


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list[str]]  # normalised cells, same width as header
    groups: list[str]  # the group each row belongs to ("" when none)
    line_count: int = 0  # raw lines consumed
    lines: list[str] = field(default_factory=list)  # how the table is written into the cleaned text
    row_line: list[int] = field(default_factory=list)  # index in `lines` of each data row
    row_src: list[int] = field(default_factory=list)  # raw line of each data row, counted from the table's first

    def render_row(self, i: int) -> str:
        """One row as a sentence: title · group · indicator：header value unit；…；attribute."""
        row = self.rows[i]
        roles = column_roles(self.header)
        parts = [p for p in (self.title, self.groups[i]) if p]
        indicator = row[roles["indicator"]] if roles["indicator"] is not None else ""
        unit = row[roles["unit"]] if roles["unit"] is not None else ""
        if not unit and (m := _LABEL_UNIT.search(indicator)):  # "专业技术人才（万人）": the unit is in the label
            unit = m.group(1)
        values = []
        for c, (head, cell) in enumerate(zip(self.header, row, strict=False)):
            if c in (roles["indicator"], roles["unit"], roles["group"], roles["attr"]) or not cell:
                continue
            if re.fullmatch(r"[-—–]+", cell):
                value = "—"
            elif unit == "%":
                value = cell if cell.endswith("%") else f"{cell}%"
            else:
                value = f"{cell} {unit}".strip() if unit != "比例" else cell
            values.append(f"{head} {value}".strip())
        if roles["attr"] is not None and row[roles["attr"]]:
            values.append(row[roles["attr"]])
        head = " · ".join(parts + [indicator]) if indicator else " · ".join(parts)
        return f"{head}：{'；'.join(values)}"


def column_roles(header: list[str]) -> dict[str, int | None]:
    roles: dict[str, int | None] = {"group": None, "indicator": None, "unit": None, "attr": None}
    for i, h in enumerate(header):
        if roles["group"] is None and _GROUP_HEADERS.match(h) and i == 0:
            roles["group"] = i
        elif roles["indicator"] is None and _INDICATOR_HEADER.search(h) and not _ATTR_HEADER.match(h):
            roles["indicator"] = i
        elif roles["unit"] is None and _UNIT_HEADER.match(h):
            roles["unit"] = i
        elif roles["attr"] is None and _ATTR_HEADER.match(h):
            roles["attr"] = i
    if roles["indicator"] is None:
        roles["indicator"] = 1 if roles["group"] == 0 else 0
    return roles


def _clean_cell(cell: str) -> str:
    cell = normalize_line(cell)
    return "" if re.fullmatch(r"[\s,，.。、;；:：]*", cell) else cell


def _is_pipe_row(line: str) -> bool:
    return line.count("|") >= 2


def _is_tab_row(line: str) -> bool:
    return line.count("\t") >= 2 and len(line.strip()) > 0


def _is_cell_line(line: str) -> bool:
    return line.startswith("\t") and 0 < len(line.strip()) <= 30


def _title_before(prev_lines: list[str]) -> str:
    """The short caption line just above a table (e.g. "…“十四五”时期主要指标")."""
    for line in reversed(prev_lines[-2:]):
        text = normalize_line(line)
        if not text:
            continue
        if len(text) <= 60 and not text.endswith(("。", "；", "：")) and re.search(r"指标|表|情况|目标", text):
            return text
        return ""
    return ""


def _finish(title: str, header: list[str], body: list[list[str]], consumed: int,
            src: list[int] | None = None) -> Table | None:
    width = len(header)
    if width < 3 or len(body) < 1:
        return None
    roles = column_roles(header)
    rows: list[list[str]] = []
    groups: list[str] = []
    raw_groups: list[str] = []
    lines = ([title] if title else []) + [" | ".join(header)]
    row_line: list[int] = []
    row_src: list[int] = []
    current = ""
    for j, cells in enumerate(body):
        cells = (cells + [""] * width)[:width]
        non_empty = [c for c in cells if c]
        lines.append(" | ".join(c for c in cells if c) if len(non_empty) <= 1 else " | ".join(cells))
        if len(non_empty) == 1 and cells[0]:  # a group row: "一、人才发展 | | |"
            current = cells[0]
            continue
        if not non_empty:
            lines.pop()
            continue
        row_line.append(len(lines) - 1)
        row_src.append(src[j] if src else 0)
        raw_groups.append(cells[roles["group"]] if roles["group"] is not None else "")
        rows.append(cells)
        groups.append(current)
    if not rows:
        return None
    if roles["group"] is not None:
        groups = _merge_group_cells(raw_groups)
    return Table(title, header, rows, groups, consumed, lines, row_line, row_src)


def _merge_group_cells(raw: list[str]) -> list[str]:
    """Group labels are written once per block and carried down; a label split over two rows
    by the extraction ("职业" / "教育") is rejoined when both halves are short."""
    labels = list(raw)
    i = 0
    while i < len(labels) - 1:
        a, b = labels[i], labels[i + 1]
        after = labels[i + 2] if i + 2 < len(labels) else "x"
        if a and b and len(a) <= 4 and len(b) <= 3 and (after or i + 2 >= len(labels)):
            labels[i] = labels[i + 1] = a + b
            i += 2
            continue
        i += 1
    out, current = [], ""
    for label in labels:
        current = label or current
        out.append(current)
    return out


def parse_table(lines: list[str], start: int) -> Table | None:
    """Try to read a table starting at lines[start]; None when there is none."""
    line = lines[start]
    prev = lines[max(0, start - 3):start]
    if _is_pipe_row(line):
        end = start
        while end < len(lines) and (_is_pipe_row(lines[end]) or (not lines[end].strip() and end + 1 < len(lines)
                                                                   and _is_pipe_row(lines[end + 1]))):
            end += 1
        if end - start < 3:
            return None
        src = [k for k, ln in enumerate(lines[start:end]) if ln.strip()]
        cells = [[_clean_cell(c) for c in re.split(r"\|", lines[start + k].strip().rstrip("|"))] for k in src]
        title = ""
        if cells and len([c for c in cells[0] if c]) == 1:
            title = cells.pop(0)[0]
            src.pop(0)
        title = title or _title_before(prev)
        header = cells.pop(0) if cells else []
        src = src[1:]
        while header and not header[-1]:
            header.pop()
        return _finish(title, header, cells, end - start, src)
    if _is_tab_row(line):
        end = start
        while end < len(lines) and _is_tab_row(lines[end]):
            end += 1
        if end - start < 3:
            return None
        rows = [[_clean_cell(c) for c in ln.rstrip().split("\t")] for ln in lines[start:end]]
        header = rows.pop(0)
        return _finish(_title_before(prev), header, rows, end - start)
    if _is_cell_line(line):
        return _parse_cell_per_line(lines, start, prev)
    return None


def _parse_cell_per_line(lines: list[str], start: int, prev: list[str]) -> Table | None:
    header: list[str] = []
    i = start
    while i < len(lines) and lines[i].strip():
        if lines[i].startswith("\t"):
            header.append(lines[i].strip())
        elif header and len(lines[i].strip()) <= 8:
            header[-1] += lines[i].strip()
        else:
            break
        i += 1
    if len(header) < 3:
        return None
    width = len(header)
    body: list[list[str]] = []
    row: list[str] = []
    consumed = i
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if line.startswith("\t") and len(stripped) <= 40:
            row.append(stripped)
        elif not stripped:
            pass
        elif row and len(row) < width and len(stripped) <= 8:
            row[-1] += stripped
        else:
            break
        i += 1
        if len(row) == width:
            body.append(row)
            row = []
            consumed = i
    if not body:
        return None
    return _finish(_title_before(prev), [_clean_cell(h) for h in header],
                   [[_clean_cell(c) for c in r] for r in body], consumed - start)
