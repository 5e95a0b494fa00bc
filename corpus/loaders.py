"""Read a file into raw lines: .txt/.md, .docx, .pdf, .html. One job: bytes → lines."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from planqa.corpus.encoding import decode_text
from planqa.corpus.errors import CorpusError

SUPPORTED = {".txt", ".md", ".docx", ".pdf", ".html", ".htm"}


@dataclass
class RawText:
    lines: list[str]
    encoding: str
    fmt: str
    # line index → heading level (1 = top) where the source marks headings itself (docx styles, <h1>)
    styled_headings: dict[int, int] = field(default_factory=dict)


def load_raw(path: Path) -> RawText:
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise CorpusError(path, "文件不存在", "file not found")
    if suffix not in SUPPORTED:
        raise CorpusError(path, f"不支持的文件类型 {suffix or '(无扩展名)'}，支持 TXT/MD/DOCX/PDF/HTML",
                          f"unsupported file type {suffix or '(none)'}; use TXT/MD/DOCX/PDF/HTML")
    if path.stat().st_size == 0:
        raise CorpusError(path, "文件为空", "the file is empty")
    if suffix in {".txt", ".md"}:
        text, enc = decode_text(path.read_bytes(), path)
        return RawText(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), enc, suffix[1:])
    if suffix == ".docx":
        return _load_docx(path)
    if suffix == ".pdf":
        return _load_pdf(path)
    return _load_html(path)


def _heading_level(style_name: str) -> int | None:
    name = (style_name or "").lower()
    for prefix in ("heading ", "标题 ", "标题"):
        if name.startswith(prefix) and name[len(prefix):].strip().isdigit():
            return int(name[len(prefix):].strip())
    return None  # the Title style is the document title, found by the metadata reader


def _load_docx(path: Path) -> RawText:
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several types for a broken zip/xml
        raise CorpusError(path, f"无法读取 DOCX：{exc}", f"cannot read DOCX: {exc}") from exc
    lines: list[str] = []
    styled: dict[int, int] = {}
    # Walk the body in order so tables stay where they are in the text.
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            para = Paragraph(child, document)
            level = _heading_level(para.style.name if para.style is not None else "")
            if level is not None and para.text.strip():
                styled[len(lines)] = level
            lines.append(para.text)
        elif tag == "tbl":
            table = Table(child, document)
            for row in table.rows:
                cells = [c.text.replace("\n", "") for c in row.cells]
                lines.append(" | ".join(cells) + " |")
            lines.append("")
    if not any(line.strip() for line in lines):
        raise CorpusError(path, "DOCX 中没有文字", "the DOCX has no text")
    return RawText(lines, "docx", "docx", styled)


def _load_pdf(path: Path) -> RawText:
    # pdfminer warns per glyph ("Could not get FontBBox", thousands per government PDF), nothing a user can
    # act on: only its errors get through to the terminal.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        import pdfplumber

        lines: list[str] = []
        with pdfplumber.open(str(path)) as pdf:
            for page in pdf.pages:
                tables = page.find_tables()
                body = page
                for table in tables:  # tables become "|" rows; their text is cut out of the page text
                    body = body.outside_bbox(table.bbox)
                text = body.extract_text() or ""
                lines.extend(text.split("\n"))
                for table in tables:
                    for row in table.extract():
                        lines.append(" | ".join((c or "").replace("\n", "") for c in row) + " |")
                    lines.append("")
    except CorpusError:
        raise
    except Exception as exc:  # pdfminer raises many types for damaged or encrypted files
        raise CorpusError(path, f"无法读取 PDF：{exc}", f"cannot read PDF: {exc}") from exc
    if not any(line.strip() for line in lines):
        raise CorpusError(path, "PDF 中没有可提取的文字（可能是扫描件）", "no extractable text in the PDF (scanned?)")
    return RawText(lines, "pdf", "pdf")


def _load_html(path: Path) -> RawText:
    from bs4 import BeautifulSoup

    text, enc = decode_text(path.read_bytes(), path)
    soup = BeautifulSoup(text, "lxml")
    for tag in soup(["script", "style", "nav", "header", "footer", "aside", "form", "noscript", "iframe"]):
        tag.decompose()
    lines: list[str] = []
    styled: dict[int, int] = {}
    body = soup.body or soup
    for el in body.find_all(["h1", "h2", "h3", "h4", "p", "li", "table", "pre"]):
        if el.find_parent(["table"]) is not None or el.find_parent(["li", "p"]) is not None:
            continue
        if el.name == "table":
            for tr in el.find_all("tr"):
                cells = [c.get_text(" ", strip=True) for c in tr.find_all(["td", "th"])]
                lines.append(" | ".join(cells) + " |")
            lines.append("")
            continue
        content = el.get_text("\n" if el.name == "pre" else "", strip=True)
        if not content:
            continue
        if el.name in {"h1", "h2", "h3", "h4"}:
            styled[len(lines)] = int(el.name[1])
        lines.extend(content.split("\n"))
    if not lines:  # pages built from bare <div>s
        lines = body.get_text("\n").split("\n")
    if not any(line.strip() for line in lines):
        raise CorpusError(path, "HTML 中没有正文", "no body text in the HTML")
    return RawText(lines, enc, "html", styled)
