"""Read a file into raw lines: .txt/.md, .docx, .pdf, .html. One job: bytes → lines."""

from __future__ import annotations

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
    # page of every line (printed page number where the file prints one); empty for formats without pages
    line_pages: list[int] = field(default_factory=list)
    # file-level figures for each document's QualityReport (field name → value), e.g. lines removed as headers
    quality: dict[str, object] = field(default_factory=dict)


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


def _load_docx(path: Path) -> RawText:
    from planqa.corpus.wordfile import read_docx

    text = read_docx(path)
    return RawText(text.lines, "docx", "docx", text.styled_headings)


def _load_pdf(path: Path) -> RawText:
    from planqa.corpus.pdf import read_pdf

    pdf = read_pdf(path)
    return RawText(pdf.lines, "pdf", "pdf", line_pages=pdf.line_pages,
                   quality={"header_footer_lines_removed": pdf.header_footer_removed,
                            "ocr_pages": pdf.ocr_pages,
                            "ocr_confidence": round(sum(pdf.ocr_confidence) / len(pdf.ocr_confidence), 3)
                            if pdf.ocr_confidence else 0.0})


_BR = "\ue000"  # a private-use mark for <br> that survives get_text(strip=True)


def _load_html(path: Path) -> RawText:
    from bs4 import BeautifulSoup

    from planqa.corpus.webpage import main_content

    text, enc = decode_text(path.read_bytes(), path)
    soup = BeautifulSoup(main_content(text), "lxml")  # navigation, sidebars and footers dropped
    for tag in soup(["script", "style", "nav", "header", "footer", "aside", "form", "noscript", "iframe"]):
        tag.decompose()
    for br in soup.find_all("br"):  # "第一章 总则<br>第一条 …" in one <p>: each <br> ends a line
        br.replace_with(_BR)
    lines: list[str] = []
    styled: dict[int, int] = {}
    body = soup.body or soup
    for el in body.find_all(["h1", "h2", "h3", "h4", "p", "li", "table", "pre"]):
        if el.find_parent(["table"]) is not None or el.find_parent(["li", "p"]) is not None:
            continue
        if el.name == "table":
            for tr in el.find_all("tr"):
                cells = [c.get_text(" ", strip=True).replace(_BR, "") for c in tr.find_all(["td", "th"])]
                lines.append(" | ".join(cells) + " |")
            lines.append("")
            continue
        content = el.get_text("\n" if el.name == "pre" else "", strip=True)
        if not content:
            continue
        if el.name in {"h1", "h2", "h3", "h4"}:
            styled[len(lines)] = int(el.name[1])
        lines.extend(content.replace(_BR, "\n").split("\n"))
    if not lines:  # pages built from bare <div>s
        lines = body.get_text("\n").replace(_BR, "\n").split("\n")
    if not any(line.strip() for line in lines):
        raise CorpusError(path, "HTML 中没有正文", "no body text in the HTML")
    return RawText(lines, enc, "html", styled)
