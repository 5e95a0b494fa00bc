"""DOCX as offices write it: no heading styles (headings are plain paragraphs), numbered headings typed by
Word's list numbering (the "一、"/"（一）" live in numbering.xml, not in the text), real tables and 专栏
boxes drawn as one-cell frames. The reader must give the same chapters and table rows as the TXT.

The files are written here with python-docx from the demo plans' own text.
"""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml

from planqa.corpus import build_corpus
from planqa.corpus.outline import outline
from planqa.corpus.wordfile import format_number
from planqa.settings import DEMO_CORPUS

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
# one Word list per heading kind, as Chinese documents number them: 一、 （一） 1.
LIST_FORMATS = {"cn_number": ("chineseCounting", "%1、"), "paren_number": ("chineseCounting", "（%1）"),
                "arabic": ("decimal", "%1.")}


class WordLists:
    """Numbering definitions in the document's numbering part. A heading whose printed number does not
    follow on gets a restarted list (a w:num with a startOverride), as Word's "set numbering value" does."""

    def __init__(self, document) -> None:
        self.part = document.part.numbering_part.element
        self.abstract: dict[str, int] = {}
        self.current: dict[str, tuple[int, int]] = {}  # kind → (numId, last number given)
        self.next_id = 90
        for n, (kind, (fmt, text)) in enumerate(LIST_FORMATS.items(), start=90):
            self.part.insert(0, parse_xml(  # abstractNum elements precede the num elements
                f'<w:abstractNum {W_NS} w:abstractNumId="{n}"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
                f'<w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/><w:suff w:val="nothing"/></w:lvl>'
                "</w:abstractNum>"))
            self.abstract[kind] = n

    def number(self, paragraph, kind: str, numeral: int) -> None:
        num_id, last = self.current.get(kind, (0, 0))
        if not num_id or numeral != last + 1:
            num_id, self.next_id = self.next_id, self.next_id + 1
            self.part.append(parse_xml(
                f'<w:num {W_NS} w:numId="{num_id}"><w:abstractNumId w:val="{self.abstract[kind]}"/>'
                f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{numeral}"/></w:lvlOverride></w:num>'))
        self.current[kind] = (num_id, numeral)
        paragraph._p.get_or_add_pPr().append(parse_xml(
            f'<w:numPr {W_NS}><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>'))


def office_docx(txt: Path, out: Path) -> Path:
    """The plan as an office would type it: every block a Normal paragraph, numbered headings by Word
    numbering, tables as Word tables, 专栏 boxes as one-cell frames."""
    (doc,) = build_corpus([txt]).documents
    document = docx.Document()
    lists = WordLists(document)
    box_cell = None
    for block in doc.blocks:
        if block.kind == "table":
            table = block.table
            if table.title:
                document.add_paragraph(table.title)  # the caption above the table
            rows, last_group = [table.header], ""
            group_column = any(g and g in row for row, g in zip(table.rows, table.groups, strict=True))
            for row, group in zip(table.rows, table.groups, strict=True):
                if group and group != last_group and not group_column:
                    rows.append([group])  # a group label row spanning the table ("一、人才发展")
                last_group = group
                rows.append(row)
            width = len(table.header)
            grid = document.add_table(rows=len(rows), cols=width)
            for r, row in enumerate(rows):
                if len(row) == 1:
                    grid.cell(r, 0).merge(grid.cell(r, width - 1)).text = row[0]
                    continue
                for c, value in enumerate(row):
                    grid.cell(r, c).text = value
            box_cell = None
            continue
        if block.kind == "box_title":
            box_cell = document.add_table(rows=1, cols=1).cell(0, 0)
            box_cell.paragraphs[0].text = block.text
            continue
        if box_cell is not None and block.box and block.kind == "para":
            box_cell.add_paragraph(block.text)
            continue
        box_cell = None
        h = block.heading
        if h is not None and h.kind in LIST_FORMATS:
            lists.number(document.add_paragraph(block.text[len(h.label):]), h.kind, h.numeral)
        else:
            document.add_paragraph(block.text)
    path = out / f"{txt.stem}.docx"
    document.save(str(path))
    return path


def _tree(doc) -> list[tuple[str, list[str]]]:
    return [(c["title"], c["sections"]) for c in outline(doc)]


@pytest.fixture(scope="module")
def pairs(tmp_path_factory):
    out = tmp_path_factory.mktemp("docx")
    # one plan per file (004 compiles six, its part markers are not blocks)
    txts = [t for t in sorted(DEMO_CORPUS.glob("*.txt")) if len(build_corpus([t]).documents) == 1]
    assert len(txts) == 4
    txt = build_corpus(txts)
    office = build_corpus([office_docx(t, out) for t in txts])
    assert office.errors == []
    return txt, office


def test_docx_without_heading_styles_has_the_txt_chapters(pairs):
    txt, office = pairs
    assert [d.doc_id for d in office.documents] == [d.doc_id for d in txt.documents]
    for a, b in zip(txt.documents, office.documents, strict=True):
        assert b.title == a.title
        assert _tree(b) == _tree(a), a.doc_id


def test_word_numbering_puts_the_heading_numbers_back(pairs):
    txt, office = pairs
    numbered = [(d, h) for d in txt.documents for h in d.headings if h.kind in {"cn_number", "paren_number"}]
    assert numbered, "the demo plans use 一、/（一） headings"
    titles = {(d.doc_id, h.title) for d in office.documents for h in d.headings}
    assert all((d.doc_id, h.title) in titles for d, h in numbered)


def test_docx_tables_are_rows_and_boxes_are_text(pairs):
    txt, office = pairs
    for kind in ("table", "box"):
        want = sorted((c.doc_id, c.text) for c in txt.chunks if c.kind == kind)
        got = sorted((c.doc_id, c.text) for c in office.chunks if c.kind == kind)
        assert want and got == want, kind


def test_number_formats():
    assert [format_number(n, "chineseCounting") for n in (1, 10, 11, 20, 23)] == ["一", "十", "十一", "二十", "二十三"]
    assert format_number(3, "decimalEnclosedCircle") == "③"
    assert format_number(4, "upperRoman") == "IV"


MERGED_GROUP_TXT = """某市就业和教育发展“十四五”规划

第一章 主要目标

到2025年，就业更加充分，教育更加公平。

某市“十四五”时期主要指标

项目\t指标名称\t单位\t2020年\t2025年\t属性
就业\t城镇新增就业\t万人\t2.1\t2.5\t预期性
\t城镇调查失业率\t%\t5.2\t5.5\t预期性
教育\t劳动年龄人口平均受教育年限\t年\t11.2\t12\t约束性
\t高中阶段教育毛入学率\t%\t95\t97\t预期性
\t高等教育毛入学率\t%\t50\t60\t预期性

第二章 主要任务

稳定和扩大就业。
"""


def test_a_group_label_merged_down_a_column_reads_as_the_txt_table(tmp_path):
    """Word's "merge cells" down the 项目 column keeps the label in the first cell only (w:vMerge); the
    rows must come out with that label as their group, as the TXT writes the label once per block."""
    txt = tmp_path / "plan.txt"
    txt.write_text(MERGED_GROUP_TXT, encoding="utf-8")
    lines = MERGED_GROUP_TXT.split("\n")
    start = lines.index("某市“十四五”时期主要指标")
    rows = [ln.split("\t") for ln in lines[start + 2:start + 8]]
    document = docx.Document()
    for line in lines[:start + 1]:
        document.add_paragraph(line)
    grid = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value:
                grid.cell(r, c).text = value
    for top, bottom in ((1, 2), (3, 5)):  # each group label merged down over its block
        label = grid.cell(top, 0).text
        grid.cell(top, 0).merge(grid.cell(bottom, 0)).text = label
    for line in lines[start + 8:]:
        document.add_paragraph(line)
    path = tmp_path / "plan.docx"
    document.save(str(path))
    assert 'w:vMerge w:val="restart"' in grid._tbl.xml  # python-docx wrote a real vertical merge

    want = [c.text for c in build_corpus([txt]).chunks if c.kind == "table"]
    got = [c.text for c in build_corpus([path]).chunks if c.kind == "table"]
    assert len(want) == 5 and " · 就业 · 城镇调查失业率" in want[1] and " · 教育 · 高等教育毛入学率" in want[4]
    assert got == want
