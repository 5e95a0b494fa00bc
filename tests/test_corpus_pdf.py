"""Born-digital PDF, as an office prints it: Chromium's print-to-PDF of a demo plan at A4, with a running
header, a "— n —" page-number footer and the indicator table as a ruled <table> that crosses a page break.

The PDF is rendered here from the TXT plan (so the expected chapters, title and table rows are the TXT
pipeline's own), once per module. Needs /usr/bin/chromium and fonts-noto-cjk; never `playwright install`.
"""

from __future__ import annotations

import html
import logging
import os
import re
from pathlib import Path

import pdfplumber
import pytest
from docids import JC

from planqa.corpus import build_corpus
from planqa.corpus.normalize import map_radicals
from planqa.corpus.pdf import PageLine, merge_continued_tables, page_number_in, read_pdf, table_line
from planqa.settings import DEMO_CORPUS, Settings
from planqa.ui.render import quality_summary

sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
FONT = "font-family: 'Noto Serif CJK SC', 'Noto Sans CJK SC', serif"
FOOTER = f'<div style="font-size:10pt;width:100%;text-align:center;{FONT}">— <span class="pageNumber"></span> —</div>'

pytestmark = [
    pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(600),
    pytest.mark.skipif(not CHROMIUM.exists() and os.environ.get("CI") != "true",
                       reason="Debian chromium not installed"),
]


def _plan_html(doc) -> str:
    """The plan as a web page: one <p> per block, the indicator table as a ruled table. The table is
    pushed to the lower part of a page (a blank spacer after a page break) so that it must continue
    on the next page, as long tables do."""
    parts = []
    for block in doc.blocks:
        if block.kind == "table":
            t = block.table
            head = "".join(f"<th>{html.escape(h)}</th>" for h in t.header)
            rows = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in t.rows)
            parts.append('<div style="break-before:page;height:190mm"></div>'
                         f"<p>{html.escape(t.title)}</p><table><thead><tr>{head}</tr></thead>"
                         f"<tbody>{rows}</tbody></table>")
        else:
            parts.append(f"<p>{html.escape(block.text)}</p>")
    style = (f"body {{ {FONT}; font-size: 12pt; line-height: 1.6 }} p {{ margin: 0 0 6pt; text-indent: 2em }}"
             "table { border-collapse: collapse; width: 100% } th, td { border: 1px solid #000; padding: 2pt 4pt }")
    return f'<html><head><meta charset="utf-8"><style>{style}</style></head><body>{"".join(parts)}</body></html>'


def _print(browser, page_html: str, path: Path, header: str, footer: str = FOOTER, **pdf_args) -> Path:
    page = browser.new_page()
    page.set_content(page_html)
    page.pdf(path=str(path), format="A4", display_header_footer=True,
             header_template=f'<div style="font-size:9pt;width:100%;text-align:center;{FONT}">{header}</div>',
             footer_template=footer, margin={"top": "25mm", "bottom": "25mm", "left": "25mm", "right": "25mm"},
             **pdf_args)
    page.close()
    return path


@pytest.fixture(scope="module")
def txt_doc():
    return build_corpus([DEMO_CORPUS / f"{JC}.txt"]).documents[0]


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory, txt_doc):
    folder = tmp_path_factory.mktemp("pdf")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        # the running header repeats the title, as many plans do: the title line of page 1 must survive
        plan = _print(browser, _plan_html(txt_doc), folder / f"{JC}.pdf", html.escape(txt_doc.title))
        # pages 2- of a short file: its first physical page prints "— 2 —"
        topics = ["总体要求和发展目标", "加快建设高水平人才队伍", "深化人才发展体制机制改革", "强化组织实施保障"]
        short = "".join(f"<p>第{n}部分 {t}</p><p>{t}是本部分的重点。</p>"
                        '<div style="break-after:page"></div>' for n, t in enumerate(topics, 1))
        tail = _print(browser, f'<html><body style="{FONT}">{short}</body></html>', folder / "tail.pdf",
                      "某某县人民政府", page_ranges="2-")
        tables = _print(browser, _tables_html(), folder / "tables.pdf", "某某县人力资源和社会保障局",
                        footer='<div style="font-size:9pt;width:100%;text-align:center">'
                               '第 <span class="pageNumber"></span> 页 共 <span class="totalPages"></span> 页</div>')
        browser.close()
    return {"plan": plan, "tail": tail, "tables": tables}


def _tables_html() -> str:
    """A table without a repeated header crossing a page break; then a 3-column table ending one page
    and a 4-column table opening the next: two tables, not one."""
    def table(rows):
        return "<table>" + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows) + "</table>"

    long = [["指标", "单位", "2020年", "2025年"]] + [[f"第{i}项指标", "万人", f"{i}.1", f"{i}.9"] for i in range(1, 41)]
    three = [["类别", "指标", "目标"]] + [[f"类别{i}", f"指标{i}", f"{i}%"] for i in range(1, 5)]
    four = [["项目", "单位", "现状", "目标"]] + [[f"项目{i}", "个", f"{i}", f"{i + 2}"] for i in range(1, 5)]
    style = (f"body {{ {FONT}; font-size: 12pt }} table {{ border-collapse: collapse }}"
             " td { border: 1px solid #000; padding: 2pt 4pt }")
    return (f'<html><head><meta charset="utf-8"><style>{style}</style></head><body>'
            f"<p>一、主要指标</p>{table(long)}<p>二、其他指标</p>"
            f'<div style="break-before:page;height:200mm"></div>{table(three)}'
            f'<div style="break-before:page"></div>{table(four)}<p>三、保障措施</p></body></html>')


@pytest.fixture(scope="module")
def pdf_corpus(pdfs):
    corpus = build_corpus([pdfs["plan"]])
    assert not corpus.errors
    return corpus


def _page_texts(path: Path) -> list[str]:
    """The body text of each page (its first line, the header, and last line, the footer, left out)."""
    with pdfplumber.open(str(path)) as pdf:
        lines = [map_radicals(p.extract_text() or "").split("\n")[1:-1] for p in pdf.pages]
    return [re.sub(r"\s+", "", "".join(ls)) for ls in lines]


def test_page_number_lines_are_recognised():
    assert [page_number_in(s) for s in ("— 5 —", "- 5 -", "5", "第 5 页 共 20 页", "5/20", "Page 5 of 20")] \
        == [5] * 6
    assert page_number_in("2025") is None and page_number_in("2025年") is None
    assert page_number_in("第五章 保障措施") is None


def test_running_header_and_page_numbers_are_removed(pdfs, pdf_corpus, txt_doc):
    doc = pdf_corpus.documents[0]
    n_pages = len(_page_texts(pdfs["plan"]))
    assert n_pages >= 10
    assert doc.quality.header_footer_lines_removed == 2 * n_pages  # one header and one footer per page
    assert f"去除页眉页脚 {2 * n_pages} 行" in quality_summary(doc.quality)  # what the knowledge-base tab shows
    assert not re.search(r"^\s*[—-]\s*\d+\s*[—-]\s*$", doc.text, re.M)
    # the title, which the header repeats, is kept exactly as often as the TXT has it
    assert doc.title == txt_doc.title
    assert doc.text.count(txt_doc.title) == txt_doc.text.count(txt_doc.title)
    # nothing of the header or footer was glued into a sentence by the line-break repair
    assert not re.search(r"[。，；][—-] ?\d+ ?[—-]", doc.text)


def test_chapters_are_those_of_the_txt(pdf_corpus, txt_doc):
    def chapters(d):
        return [h.title for h in d.headings if h.kind == "chapter"]

    assert chapters(pdf_corpus.documents[0]) == chapters(txt_doc)
    assert len(chapters(txt_doc)) == 10


def test_table_across_a_page_break_is_one_table_of_rows(pdf_corpus, txt_doc):
    doc = pdf_corpus.documents[0]
    tables = [b.table for b in doc.blocks if b.kind == "table"]
    expected = next(b.table for b in txt_doc.blocks if b.kind == "table")
    assert len(tables) == 1
    table = tables[0]
    assert table.header == expected.header
    assert table.rows == expected.rows  # no repeated header row, no row lost at the break
    rows = [c for c in pdf_corpus.chunks if c.kind == "table"]
    assert len(rows) == len(expected.rows)
    assert len({c.page for c in rows}) >= 2  # the table does continue on the next page(s)
    assert all(c.label == expected.title for c in rows)


def test_tables_merge_over_a_break_only_when_they_continue(pdfs):
    text = read_pdf(pdfs["tables"])
    assert text.pages == 4 and sorted(set(text.line_pages)) == [1, 2, 3, 4]  # "第 n 页 共 4 页"
    assert text.header_footer_removed == 2 * text.pages
    lines = [map_radicals(ln) for ln in text.lines]  # the pipeline maps the font's radicals next
    blocks, current = [], []
    for line in lines:  # tables are runs of "|" rows between blank lines
        if line.count("|") >= 2:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    assert [len(b) for b in blocks] == [41, 5, 5]
    assert blocks[0][0] == "指标 | 单位 | 2020年 | 2025年 |" and blocks[0][-1] == "第40项指标 | 万人 | 40.1 | 40.9 |"
    pages_of_long = {text.line_pages[lines.index(row)] for row in blocks[0]}
    assert pages_of_long == {1, 2}
    assert blocks[1][0].startswith("类别 |") and blocks[2][0].startswith("项目 |")


def test_chunks_carry_the_page_they_are_printed_on(pdfs, pdf_corpus):
    pages = _page_texts(pdfs["plan"])
    chunks = pdf_corpus.chunks
    assert all(c.page >= 1 and c.page_end >= c.page for c in chunks)
    assert [c.page for c in chunks] == sorted(c.page for c in chunks)
    assert chunks[-1].page_end == len(pages)
    for c in chunks:
        if c.kind == "table":
            continue
        head = re.sub(r"\s+", "", c.text)[:8]
        tail = re.sub(r"\s+", "", c.text)[-8:]
        # the printed number equals the physical page here (Chromium numbers from 1). The chunk starts
        # on `page` and ends on `page_end` (its first/last 8 characters may straddle a page break).
        after = pages[c.page][:7] if c.page < len(pages) else ""
        before = pages[c.page_end - 2][-7:] if c.page_end > 1 else ""
        assert head in pages[c.page - 1] + after and head[0] in pages[c.page - 1], (c.page, c.text[:40])
        assert tail in before + pages[c.page_end - 1] and tail[-1] in pages[c.page_end - 1], (c.page_end, tail)


def test_printed_page_numbers_win_over_the_physical_index(pdfs):
    text = read_pdf(pdfs["tail"])
    # physical page 1 prints "— 2 —": its lines are on page 2
    assert text.line_pages[next(i for i, ln in enumerate(text.lines) if "第2部分" in ln)] == 2
    assert sorted(set(text.line_pages)) == [2, 3, 4]
    assert not any("某某县人民政府" in ln or page_number_in(ln) for ln in text.lines)


def test_citations_from_an_index_built_from_the_pdf_name_the_page(tmp_path_factory, pdfs, use_encoder):
    from planqa.batch_io import citations_text, pages_text
    from planqa.corpus.models import page_label
    from planqa.index import build_index, open_index
    from planqa.qa.engine import Engine
    from planqa.ui.render import SourceView, render_source

    settings = Settings(home=tmp_path_factory.mktemp("pdf_home"))
    index = build_index(settings, [pdfs["plan"]], encoder=use_encoder)
    pages = _page_texts(pdfs["plan"])
    answer = Engine(settings, index).ask("晋城市普惠性幼儿占比是多少？")
    assert not answer.refused and answer.citations
    for cite in answer.citations:
        chunk = index.chunk(cite.chunk_id)
        assert chunk.page >= 1 and (cite.page, cite.page_end) == (chunk.page, chunk.page_end)
        run = re.search(r"[\u4e00-\u9fff]{6,}", cite.quote or cite.text).group(0)[:6]
        assert any(run in pages[p - 1] for p in range(cite.page, cite.page_end + 1)), (cite.page, run)
    # the index keeps the pages when it is opened again from disk
    reopened = open_index(settings, build_demo_if_missing=False, encoder=use_encoder)
    assert [c.page for c in reopened.chunks_of(JC)] == [c.page for c in index.chunks_of(JC)]
    # the page shows on the source card and in every batch export
    first = answer.citations[0]
    label = page_label(first.page, first.page_end)
    assert re.fullmatch(r"第\d+(–\d+)?页", label)
    assert label in render_source(SourceView.from_citation(first))
    cites = answer.to_dict()["citations"]
    assert label in citations_text(cites) and pages_text(cites).startswith(f"[{first.n}] {label}")


@pytest.fixture()
def restore_logging():
    root = logging.getLogger()
    before = list(root.handlers)
    yield
    for handler in [h for h in root.handlers if h not in before]:
        root.removeHandler(handler)
        handler.close()


def test_library_warnings_go_to_the_log_file_not_the_terminal(tmp_path, pdfs, capfd, restore_logging):
    from planqa.cli import main

    assert main(["--home", str(tmp_path), "docs", str(pdfs["tail"])]) == 0
    out, err = capfd.readouterr()
    assert "第2部分" in out or "tail" in out
    assert "FontBBox" not in out + err and "pdfminer" not in out + err
    log = (tmp_path / "logs" / "planqa.log").read_text(encoding="utf-8")
    assert "FontBBox" in log  # kept for whoever debugs an extraction


# The foot of page 5 and the top of page 6 of the 济源 plan as LibreOffice exports its DOCX: the row
# "1. 企业经营管理人才（万人）" runs over the page break, and pdfplumber's Table.extract() gives its rest
# as a row of its own (real cells, empty) while a group label is one cell merged across (None).
LO_PAGE_FOOT = [["指标", "2020年", "2025年", "属性"], ["一、人才发展", None, None, None],
                ["1. 企业经营管理人", "2.4", "3.2", "预期性"]]
LO_PAGE_TOP = [["才（万人）", "", "", ""], ["2. 专业技术人才\n（万人）", "2.5", "3.4", "预期性"]]


def _two_pages(foot, top):
    return [[PageLine("正文。", 100), table_line(foot, 700, 5)], [table_line(top, 71, 6), PageLine("正文。", 300)]]


def test_a_row_split_by_the_page_break_is_joined_back():
    pages = _two_pages(LO_PAGE_FOOT, LO_PAGE_TOP)
    assert merge_continued_tables(pages) == 1
    table = pages[0][1]
    assert table.rows == [["指标", "2020年", "2025年", "属性"], ["一、人才发展", "", "", ""],
                          ["1. 企业经营管理人才（万人）", "2.4", "3.2", "预期性"],
                          ["2. 专业技术人才（万人）", "2.5", "3.4", "预期性"]]
    assert table.row_pages == [5, 5, 5, 6]


def test_a_group_label_or_a_full_row_opening_the_page_stays_a_row():
    group = [["二、人力资源开发", None, None, None], ["9. 技能人才总量（万人）", "13.4", "23.01", "预期性"]]
    full = [["2. 专业技术人才（万人）", "2.5", "3.4", "预期性"]]
    # a data row under a group label written once per block: its first cell is empty
    unlabelled = [["", "专业技术人才（万人）", "2.5", "3.4", "预期性"]]
    labelled_foot = [["项目", "指标", "2020年", "2025年", "属性"],
                     ["人才", "企业经营管理人才（万人）", "2.4", "3.2", "预期性"]]
    # text in a column where the previous row has none: not the rest of that row
    other_column = [["", "", "", "约束性"]]
    foot = [*LO_PAGE_FOOT[:2], ["1. 企业经营管理人才（万人）", "2.4", "3.2", ""]]
    for top, last in ((group, LO_PAGE_FOOT), (full, LO_PAGE_FOOT), (unlabelled, labelled_foot),
                      (other_column, foot)):
        pages = _two_pages(last, top)
        merge_continued_tables(pages)
        assert len(pages[0][1].rows) == len(last) + len(top)
