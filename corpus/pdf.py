"""Born-digital PDF → raw lines with the page of every line.

Per page (pdfplumber): words outside ruled tables grouped into lines by y, each table's rows written as
"cell | cell |" lines at the table's y position (the row format `corpus.tables` reads), so a page reads
in order with its tables in place. Then, across pages:

- running headers, footers and page numbers are dropped: a page-number line ("— 5 —", "- 5 -", "5/20",
  "第 5 页 共 20 页", a bare number) among the top/bottom two lines of a page, and a top/bottom line that
  recurs (digits masked) on many pages. They would otherwise be glued into sentences by the line-break
  repair and split tables.
- a table that ends a page and a table with the same column count that opens the next page are one
  table; the continuation's first row is dropped when it repeats the header. A row split by the page
  break (LibreOffice lets a tall row run over: "1. 企业经营管理人 | 2.4 | 3.2 | 预期性" at the foot of a
  page, "才（万人） | | | |" on top of the next) is joined back: a first row whose text sits only in
  columns where the previous row has text, in at most half of them, every other column an empty cell
  of its own. A row that is one cell merged across the table (pdfplumber gives None for the spanned
  columns) is a group label ("二、人力资源开发") starting on the new page, and stays a row.

Page numbers: a page that prints its number (the page-number line found above) gets that number, so a
citation names the page a reader finds on paper; other pages get a number extrapolated from the nearest
numbered page, or their physical index (1-based) when no page prints one or the extrapolation falls
below 1 (a cover before page 1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from planqa.corpus.errors import CorpusError
from planqa.corpus.ocr import MIN_TEXT_CHARS, ocr_pdf_page

EDGE_LINES = 2  # lines at the top and at the bottom of a page that may be a running header/footer
_MAX_EDGE_CHARS = 60  # a running header is a short line, never a paragraph
_DASHES = r"[-—–－~～_·•\s]*"
_PAGE_NUMBER = [
    re.compile(rf"^{_DASHES}(\d{{1,3}}){_DASHES}$"),  # 5, — 5 —, - 5 - (never a year such as 2025)
    re.compile(r"^第\s*(\d{1,3})\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?$"),  # 第 5 页 共 20 页
    re.compile(r"^(\d{1,3})\s*/\s*\d{1,4}$"),  # 5/20
    re.compile(r"^(?:page|p\.)\s*(\d{1,3})(?:\s*(?:of|/)\s*\d{1,4})?$", re.I),  # Page 5 of 20
]


@dataclass
class PageLine:
    """One line of a page in reading order: text, or a ruled table (`rows` set, `text` empty)."""

    text: str
    top: float  # y of the line's top edge, for ordering and for telling top from bottom
    rows: list[list[str]] | None = None
    row_pages: list[int] = field(default_factory=list)  # physical page of each row (tables merged over pages)
    row_spans: list[bool] = field(default_factory=list)  # per row: has a cell merged across columns


@dataclass
class PdfText:
    lines: list[str]
    line_pages: list[int]  # printed (or physical) page of every line, 1-based
    header_footer_removed: int = 0
    pages: int = 0
    ocr_pages: list[int] = field(default_factory=list)  # physical pages read by OCR
    ocr_confidence: list[float] = field(default_factory=list)  # mean confidence of each OCRed page


def page_number_in(line: str) -> int | None:
    """The page number a header/footer line states ("— 5 —" → 5), else None."""
    text = line.strip()
    for pattern in _PAGE_NUMBER:
        m = pattern.match(text)
        if m:
            return int(m.group(1))
    return None


def _cell(text: str | None) -> str:
    # pdfplumber breaks a cell's text at the cell's width; Chinese needs no space where it was cut
    return re.sub(r"\s*\n\s*", "", text or "").replace("|", "｜")


def table_line(extracted: list[list[str | None]], top: float, page_number: int) -> PageLine | None:
    """A ruled table as pdfplumber's `Table.extract()` gives it (None where a merged cell spans)."""
    raw = [row for row in extracted if any(row)]
    if not raw:
        return None
    return PageLine("", top, [[_cell(c) for c in row] for row in raw], [page_number] * len(raw),
                    [None in row for row in raw])


def _page_lines(page) -> tuple[list[PageLine], float | None]:
    """Lines and tables of one page in reading order, and the OCR confidence when the page was OCRed."""
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]

    def outside(obj) -> bool:
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    body = page.filter(outside) if boxes else page
    items = [PageLine(ln["text"], ln["top"]) for ln in body.extract_text_lines(return_chars=False)
             if ln["text"].strip()]
    for table in tables:
        line = table_line(table.extract(), table.bbox[1], page.page_number)
        if line is not None:
            items.append(line)
    if not tables and sum(len(it.text) for it in items) < MIN_TEXT_CHARS:
        scanned = ocr_pdf_page(page)  # None unless the page is an image with no real text layer
        if scanned is not None:
            lines, confidence = scanned
            return [PageLine(text, top) for top, text in lines], confidence
    items.sort(key=lambda it: it.top)
    return items, None


def _edge_key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def _running_key(line: PageLine) -> tuple[str, int]:
    # the position counts too: a running header that repeats the title must not take the title line
    # of page 1 (same text, lower on the page) with it
    return _edge_key(line.text), round(line.top / 10)


def _edges(items: list[PageLine]) -> list[int]:
    """Indices of the top and bottom text lines of a page that may be header/footer (tables stop the scan)."""
    out: list[int] = []
    for order in (range(len(items)), range(len(items) - 1, -1, -1)):
        for n, i in enumerate(order):
            if n >= EDGE_LINES or items[i].rows is not None:
                break
            if i not in out:
                out.append(i)
    return out


def strip_headers_footers(pages: list[list[PageLine]]) -> tuple[list[int | None], int]:
    """Remove page numbers and running headers/footers in place; return each page's printed number
    (None when it prints none) and the number of lines removed."""
    counts: dict[tuple[str, int], int] = {}
    for items in pages:
        for key in {_running_key(items[i]) for i in _edges(items) if len(items[i].text) <= _MAX_EDGE_CHARS}:
            counts[key] = counts.get(key, 0) + 1
    # "many pages": at least half of them, and never fewer than two (one page proves nothing)
    need = max(2, (len(pages) + 1) // 2)
    printed: list[int | None] = []
    removed = 0
    for items in pages:
        number = None
        drop = set()
        for i in _edges(items):
            text = items[i].text
            n = page_number_in(text)
            if n is not None:
                number = n if number is None else number
                drop.add(i)
            elif len(text) <= _MAX_EDGE_CHARS and counts.get(_running_key(items[i]), 0) >= need:
                drop.add(i)
        items[:] = [it for i, it in enumerate(items) if i not in drop]
        removed += len(drop)
        printed.append(number)
    return printed, removed


def _is_split_rest(row: list[str], spans: bool, previous: list[str]) -> bool:
    """Is `row`, opening a page, the rest of `previous`, the row that ended the page before?"""
    filled = {c for c, text in enumerate(row) if text.strip()}
    before = {c for c, text in enumerate(previous) if text.strip()}
    # only the tall cells run over (typically the one long name): the rest holds at most half of the
    # previous row's values. A next data row fills (almost) all of them, also under a group label
    # written once per block (its first cell empty).
    return not spans and bool(filled) and filled <= before and 2 * len(filled) <= len(before)


def merge_continued_tables(pages: list[list[PageLine]]) -> int:
    """Join a table that ends a page with a same-width table opening the next page; returns merges."""
    merged = 0
    last: PageLine | None = None  # the table a page ended with, possibly merged already
    for items in pages:
        if last is not None and items and items[0].rows is not None \
                and len(items[0].rows[0]) == len(last.rows[0]):
            cont = items.pop(0)
            rows, pages_of, spans = cont.rows, cont.row_pages, cont.row_spans
            if [_edge_key(c) for c in rows[0]] == [_edge_key(c) for c in last.rows[0]]:
                # the header row repeated on the new page
                rows, pages_of, spans = rows[1:], pages_of[1:], spans[1:]
            if rows and _is_split_rest(rows[0], spans[0], last.rows[-1]):
                # Chinese needs no space where the break cut the cell's text (as within a cell)
                last.rows[-1] = [a + b.strip() for a, b in zip(last.rows[-1], rows[0], strict=True)]
                rows, pages_of, spans = rows[1:], pages_of[1:], spans[1:]
            last.rows.extend(rows)
            last.row_pages.extend(pages_of)
            last.row_spans.extend(spans)
            merged += 1
            if items:  # the table ended on this page after all
                last = None
            continue
        last = items[-1] if items and items[-1].rows is not None else None
    return merged


def _page_labels(printed: list[int | None]) -> list[int]:
    """Printed page numbers where pages print them, extrapolated or physical otherwise."""
    known = [(i, n) for i, n in enumerate(printed) if n is not None]
    labels = []
    for i, n in enumerate(printed):
        if n is None and known:
            j, m = min(known, key=lambda k: abs(k[0] - i))
            n = m + (i - j)
        labels.append(n if n is not None and n >= 1 else i + 1)
    return labels


def read_pdf(path: Path) -> PdfText:
    # pdfminer warns per glyph run ("Could not get FontBBox", thousands per government PDF): the CLI's
    # logging setup (planqa.logs) sends that to the log file, never to the terminal.
    try:
        import pdfplumber
        from tqdm import tqdm

        pages: list[list[PageLine]] = []
        ocr_pages: list[int] = []
        ocr_conf: list[float] = []
        with pdfplumber.open(str(path)) as pdf:
            # a bar only when reading is slow (OCR of scanned pages), and only on a terminal
            for page in tqdm(pdf.pages, desc=path.name, unit="页", delay=2, leave=False, disable=None):
                items, confidence = _page_lines(page)
                if confidence is not None:
                    ocr_pages.append(page.page_number)
                    ocr_conf.append(confidence)
                pages.append(items)
                page.close()  # frees the page's parsed objects; a 200-page plan stays small
    except CorpusError:
        raise
    except Exception as exc:  # pdfminer raises many types for damaged or encrypted files
        raise CorpusError(path, f"无法读取 PDF：{exc}", f"cannot read PDF: {exc}") from exc
    printed, removed = strip_headers_footers(pages)
    merge_continued_tables(pages)
    labels = _page_labels(printed)
    lines: list[str] = []
    line_pages: list[int] = []
    for p, items in enumerate(pages):
        for item in items:
            if item.rows is None:
                lines.append(item.text)
                line_pages.append(labels[p])
                continue
            lines.append("")  # a table is its own block, as in a TXT file
            line_pages.append(labels[p])
            for row, physical in zip(item.rows, item.row_pages, strict=True):
                lines.append(" | ".join(row) + " |")
                line_pages.append(labels[physical - 1])
            lines.append("")
            line_pages.append(line_pages[-1])
    if not any(line.strip() for line in lines):
        raise CorpusError(path, "PDF 中没有可提取的文字（可能是扫描件）", "no extractable text in the PDF (scanned?)")
    return PdfText(lines, line_pages, removed, len(pages), ocr_pages, ocr_conf)
