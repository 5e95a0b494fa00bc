"""Make the files an office would upload from the demo plans: PDF, DOCX, LibreOffice PDF, scans.

    python scripts/make_fixtures.py OUT_DIR [--formats pdf,docx,lopdf,scan] [--plans 002,003]

Each demo TXT is read by the corpus layer (boilerplate and the garbled tables of contents dropped, lines
re-joined into paragraphs, indicator tables parsed) and published again the way an office publishes a plan:

- `pdf/`   Chromium print-to-PDF of an HTML rendering: A4, Noto CJK fonts, a running header with the title,
           "— 5 —" page footers, headings as bold paragraphs, ruled tables (<table border>, header row
           repeated on each page, merged group cells), 专栏 boxes framed.
- `docx/`  python-docx, no heading styles (headings are bold Normal paragraphs), real tables with merged
           cells, 专栏 boxes as one-cell tables, numbered items as text, PAGE-field footer.
- `lopdf/` LibreOffice's PDF export of those DOCX files (only when `soffice` is on PATH).
- `scan_page/` one page (the second) of each Chromium PDF rasterised (pypdfium2, 200 dpi, greyscale) into an
           image-only PDF; `scan_full/` the whole of the shortest plan (002) scanned the same way.

File stems are the TXT stems, so documents keep the doc ids of the demo corpus. Output is deterministic:
PDF dates and /ID are fixed and DOCX zip entries carry a fixed timestamp.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import io
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from planqa.corpus.cleaning import is_boilerplate
from planqa.corpus.compilation import split_compilation
from planqa.corpus.loaders import load_raw
from planqa.corpus.normalize import map_radicals, normalize_line
from planqa.corpus.structure import build_document
from planqa.corpus.tables import column_roles
from planqa.settings import DEMO_CORPUS

FORMATS = ("pdf", "docx", "lopdf", "scan")
CHROMIUM = "/usr/bin/chromium"
FONT = "'Noto Serif CJK SC', 'Noto Sans CJK SC', serif"
SCAN_DPI = 200
SCAN_PAGE = 1  # 0-based: the second page (the first is mostly the cover letter)
FULL_SCAN_PLAN = "002"
FIXED_PDF_DATE = b"20220101000000"
_FIXED_TIME = time.gmtime(1640995200)  # 2022-01-01, for Pillow's PDF info
_NUMBERED = re.compile(r"^\s*(\d{1,2}[.、．]|[（(]\d{1,2}[)）]|[一二三四五六七八九十]是)")  # items of a 专栏


@dataclass
class Item:
    """One unit of the published layout."""

    kind: str  # "title" | "heading" | "para" | "table" | "box" | "part" (a compilation's 篇 line)
    text: str = ""
    level: int = 0  # heading rank (1 篇 … 7 （1）)
    lead: str = ""  # a paragraph's bold lead sentence (inline heading)
    rows: list[list[str]] = field(default_factory=list)  # table: header first, then body rows
    group_col: bool = False  # table: column 0 holds group labels written once per block
    items: list[Item] = field(default_factory=list)  # box: its paragraphs
    page_break: bool = False


@dataclass
class Plan:
    stem: str
    title: str  # the running header
    items: list[Item]


# ---------------------------------------------------------------- reading the TXT into a layout


def _table_rows(block) -> tuple[list[list[str]], bool]:
    table = block.table
    width = len(table.header)
    lines = table.lines[1:] if table.title else table.lines
    if column_roles(table.header)["group"] == 0:
        # group labels once per block (the merged cell of the printed table), as the parser rejoined them
        body = [[g if r == 0 or table.groups[r - 1] != g else "", *row[1:]]
                for r, (g, row) in enumerate(zip(table.groups, table.rows, strict=True))]
        return [table.header, *body], True
    rows = [(ln.split(" | ") + [""] * width)[:width] for ln in lines]
    return rows, False


def _doc_items(doc) -> list[Item]:
    items: list[Item] = []
    box: Item | None = None
    box_numbered = False
    for b in doc.blocks:
        if box is not None and b.kind == "para" and (not box.items or not box_numbered
                                                     or _NUMBERED.match(b.text)):
            if not box.items:
                box_numbered = bool(_NUMBERED.match(b.text))
            box.items.append(Item("para", b.text))
            continue
        box = None
        if b.kind == "box_title":
            box = Item("box", b.text)
            items.append(box)
        elif b.kind == "table":
            rows, group_col = _table_rows(b)
            if b.table.title:
                items.append(Item("heading", b.table.title, level=9))
            items.append(Item("table", rows=rows, group_col=group_col))
        elif b.kind == "heading":
            kind = "title" if b.text == doc.title and not items else "heading"
            items.append(Item(kind, b.text, level=b.heading.rank))
        elif doc.title and b.text.endswith(doc.title) and not any(i.kind == "title" for i in items):
            if b.text != doc.title:  # the line-break repair glued the title to the line above it
                items.append(Item("para", b.text[: -len(doc.title)]))
            items.append(Item("title", doc.title))
        else:
            lead = b.heading.title if b.heading is not None and b.text.startswith(b.heading.title) else ""
            items.append(Item("para", b.text, lead=lead))
    return items


def read_plan(txt: Path) -> Plan:
    raw = load_raw(txt)
    lines = [map_radicals(line) for line in raw.lines]
    parts, _ = split_compilation(lines)
    items: list[Item] = []
    if len(parts) == 1:
        doc = build_document(lines, txt.stem, txt.name, raw.encoding)
        return Plan(txt.stem, doc.title, _doc_items(doc))
    # a compilation: its own title lines, then each part under its "篇一：…" line
    first = next(i for i, ln in enumerate(lines) if ln.strip().startswith("篇"))
    head = [normalize_line(ln) for ln in lines[:first] if ln.strip() and not is_boilerplate(ln)]
    items.extend(Item("title", t) for t in head[:1])
    starts = [i for i, ln in enumerate(lines) if re.match(r"^\s*篇\s*[一二三四五六七八九十]+\s*[:：]", ln)]
    for n, (part, start) in enumerate(zip(parts, starts, strict=True)):
        items.append(Item("part", normalize_line(lines[start]), page_break=n > 0))
        doc = build_document(part.lines, f"{txt.stem}-p{part.number}", txt.name, raw.encoding, None, part.label)
        items.extend(_doc_items(doc))
    return Plan(txt.stem, head[0] if head else txt.stem, items)


def demo_plans(only: list[str] | None = None) -> list[Plan]:
    txts = sorted(DEMO_CORPUS.glob("*.txt"))
    return [read_plan(t) for t in txts if not only or t.stem.split("_")[0] in only]


# ---------------------------------------------------------------- HTML → Chromium PDF

_CSS = f"""
body {{ font-family: {FONT}; font-size: 12pt; line-height: 1.65; color: #000; }}
p {{ margin: 0 0 0.35em 0; text-indent: 2em; text-align: justify; }}
p.title {{ text-indent: 0; text-align: center; font-size: 17pt; font-weight: bold; margin: 0.6em 0 1em; }}
p.part {{ text-indent: 0; text-align: center; font-size: 14pt; font-weight: bold; margin: 0.8em 0; }}
p.h {{ font-weight: bold; margin-top: 0.5em; }}
p.h2 {{ text-indent: 0; text-align: center; font-size: 13pt; font-weight: bold; margin: 0.8em 0 0.5em; }}
p.caption {{ text-indent: 0; text-align: center; font-weight: bold; margin-top: 0.8em; }}
table {{ border-collapse: collapse; width: 100%; margin: 0.4em 0 0.8em; font-size: 10.5pt; line-height: 1.4; }}
th, td {{ border: 1px solid #000; padding: 2pt 4pt; }}
thead {{ display: table-header-group; }}
tr {{ break-inside: avoid; }}
div.box {{ border: 1px solid #000; padding: 3mm 4mm; margin: 0.6em 0; font-size: 11pt; }}
div.box p.boxtitle {{ text-indent: 0; text-align: center; font-weight: bold; }}
.pb {{ break-before: page; }}
"""


def _inline(text: str, lead: str = "") -> str:
    """Escape, turn the TXT's **bold** marks into <b>, and set a paragraph's lead sentence in bold."""
    if lead and not text.startswith("**"):
        return f"<b>{html.escape(lead)}</b>{_inline(text[len(lead):])}"
    out = html.escape(text)
    return re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", out).replace("**", "")


def _html_table(item: Item) -> str:
    header, body = item.rows[0], item.rows[1:]
    width = len(header)
    out = ["<table border=\"1\"><thead><tr>", *(f"<th>{html.escape(c)}</th>" for c in header), "</tr></thead><tbody>"]
    for r, row in enumerate(body):
        cells = [c for c in row if c]
        if len(cells) == 1 and row[0]:  # a group row: one cell across the table
            out.append(f"<tr><td colspan=\"{width}\"><b>{html.escape(row[0])}</b></td></tr>")
            continue
        tds = []
        for c, cell in enumerate(row):
            if c == 0 and item.group_col:
                if not cell and r > 0:
                    continue  # covered by the rowspan above
                span = 1
                while r + span < len(body) and not body[r + span][0] and len([x for x in body[r + span] if x]) > 1:
                    span += 1
                tds.append(f"<td rowspan=\"{span}\">{html.escape(cell)}</td>")
            else:
                tds.append(f"<td>{html.escape(cell)}</td>")
        out.append("<tr>" + "".join(tds) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def plan_html(plan: Plan) -> str:
    body = []
    for it in plan.items:
        pb = " pb" if it.page_break else ""
        if it.kind == "title":
            body.append(f"<p class=\"title{pb}\">{_inline(it.text)}</p>")
        elif it.kind == "part":
            body.append(f"<p class=\"part{pb}\">{_inline(it.text)}</p>")
        elif it.kind == "heading":
            cls = "caption" if it.level == 9 else "h2" if it.level <= 2 else "h"
            body.append(f"<p class=\"{cls}{pb}\">{_inline(it.text)}</p>")
        elif it.kind == "table":
            body.append(_html_table(it))
        elif it.kind == "box":
            paras = "".join(f"<p>{_inline(p.text)}</p>" for p in it.items)
            body.append(f"<div class=\"box\"><p class=\"boxtitle\">{_inline(it.text)}</p>{paras}</div>")
        else:
            body.append(f"<p>{_inline(it.text, it.lead)}</p>")
    return (f"<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{html.escape(plan.title)}"
            f"</title><style>{_CSS}</style></head><body>{''.join(body)}</body></html>")


def _header_footer(title: str) -> tuple[str, str]:
    style = f"font-family: {FONT}; width: 100%; text-align: center; color: #333;"
    header = f"<div style=\"{style} font-size: 8pt;\">{html.escape(title)}</div>"
    footer = f"<div style=\"{style} font-size: 10pt;\">— <span class=\"pageNumber\"></span> —</div>"
    return header, footer


def fix_pdf_bytes(data: bytes) -> bytes:
    """Same-length rewrites of the creation/modification dates and the file /ID (xref offsets stay valid)."""
    data = re.sub(rb"(/(?:CreationDate|ModDate)\s*\(D:)(\d{14})",
                  lambda m: m.group(1) + FIXED_PDF_DATE, data)
    volatile = rb"/ID\s*\[[^\]]*\]|/DocChecksum\s*/[0-9A-Fa-f]+"  # LibreOffice hashes the time in as well
    digest = hashlib.sha256(re.sub(volatile, b"", data)).hexdigest().upper().encode()

    def ident(m: re.Match) -> bytes:
        return re.sub(rb"([</])([0-9A-Fa-f]{8,})", lambda h: h.group(1) + digest[: len(h.group(2))], m.group(0))

    return re.sub(volatile, ident, data)


def write_pdfs(plans: list[Plan], out: Path, browser=None) -> list[Path]:
    """Print each plan with Chromium; pass an open playwright Browser to reuse it."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    own = None
    if browser is None:
        from playwright.sync_api import sync_playwright

        own = sync_playwright().start()
        browser = own.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
    try:
        page = browser.new_page()
        for plan in plans:
            page.set_content(plan_html(plan), wait_until="load")
            header, footer = _header_footer(plan.title)
            data = page.pdf(format="A4", display_header_footer=True, header_template=header,
                            footer_template=footer, margin={"top": "25mm", "bottom": "22mm", "left": "24mm",
                                                            "right": "22mm"})
            path = out / f"{plan.stem}.pdf"
            path.write_bytes(fix_pdf_bytes(data))
            paths.append(path)
        page.close()
    finally:
        if own is not None:
            browser.close()
            own.stop()
    return paths


# ---------------------------------------------------------------- DOCX without heading styles


def _runs(paragraph, text: str, lead: str = "", bold: bool = False) -> None:
    if lead and not text.startswith("**"):
        paragraph.add_run(lead).bold = True
        text = text[len(lead):]
    for n, piece in enumerate(re.split(r"\*\*", text)):
        if piece:
            paragraph.add_run(piece).bold = bold or n % 2 == 1


def _page_field(paragraph) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    paragraph.add_run("— ")
    paragraph._p.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr="PAGE"><w:r><w:t>1</w:t></w:r></w:fldSimple>'))
    paragraph.add_run(" —")


def _docx_table(document, item: Item) -> None:
    header, body = item.rows[0], item.rows[1:]
    table = document.add_table(rows=len(item.rows), cols=len(header))
    table.style = "Table Grid"
    for c, text in enumerate(header):
        table.cell(0, c).text = text
    for r, row in enumerate(body, start=1):
        cells = [c for c in row if c]
        if len(cells) == 1 and row[0]:
            merged = table.cell(r, 0).merge(table.cell(r, len(header) - 1))
            merged.text = row[0]
            continue
        for c, text in enumerate(row):
            if c == 0 and item.group_col and not text:
                continue
            table.cell(r, c).text = text
    if item.group_col:  # group labels written once: merge them down over their block
        r = 1
        while r <= len(body):
            if body[r - 1][0] and len([x for x in body[r - 1] if x]) > 1:
                end = r
                while end < len(body) and not body[end][0] and len([x for x in body[end] if x]) > 1:
                    end += 1
                if end > r:
                    table.cell(r, 0).merge(table.cell(end, 0))
                    table.cell(r, 0).text = body[r - 1][0]
                r = end + 1
            else:
                r += 1


def _docx_bytes(plan: Plan) -> bytes:
    import datetime as dt

    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(24)
    section.top_margin, section.bottom_margin = Mm(25), Mm(22)
    normal = document.styles["Normal"]
    normal.font.size = Pt(12)
    normal.font.name = "Noto Serif CJK SC"
    section.header.paragraphs[0].text = plan.title
    section.header.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(footer)
    for it in plan.items:
        if it.page_break:
            document.add_page_break()
        if it.kind == "table":
            _docx_table(document, it)
            continue
        if it.kind == "box":  # a framed 专栏: a one-cell table, as Word users make them
            cell = document.add_table(rows=1, cols=1).cell(0, 0)
            document.tables[-1].style = "Table Grid"
            first = cell.paragraphs[0]
            first.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _runs(first, it.text, bold=True)
            for p in it.items:
                _runs(cell.add_paragraph(), p.text)
            continue
        p = document.add_paragraph()
        if it.kind in {"title", "part"} or (it.kind == "heading" and it.level in (2, 9)):
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _runs(p, it.text, bold=True)
            if it.kind == "title":
                for run in p.runs:
                    run.font.size = Pt(17)
        elif it.kind == "heading":
            p.paragraph_format.first_line_indent = Pt(24)
            _runs(p, it.text, bold=True)
        else:
            p.paragraph_format.first_line_indent = Pt(24)
            _runs(p, it.text, it.lead)
    props = document.core_properties
    props.title = plan.title
    props.author = props.last_modified_by = "PlanQA fixtures"
    props.created = props.modified = props.last_printed = dt.datetime(2022, 1, 1)
    buf = io.BytesIO()
    document.save(buf)
    return _fixed_zip(buf.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """Rewrite the zip with a fixed entry timestamp, so the same input gives the same bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2022, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def write_docx(plans: list[Plan], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for plan in plans:
        path = out / f"{plan.stem}.docx"
        path.write_bytes(_docx_bytes(plan))
        paths.append(path)
    return paths


def write_lopdf(docx_paths: list[Path], out: Path) -> list[Path]:
    """LibreOffice's PDF export of the DOCX files; [] when soffice is not installed."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None or not docx_paths:
        return []
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="planqa-lo-") as profile:  # own profile: no clash with a running LO
        subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(out), *map(str, docx_paths)], check=True, capture_output=True, timeout=600)
    paths = [out / f"{p.stem}.pdf" for p in docx_paths]
    for path in paths:
        path.write_bytes(fix_pdf_bytes(path.read_bytes()))
    return paths


# ---------------------------------------------------------------- image-only PDFs (scans)


def scan_pdf(src: Path, dst: Path, pages: list[int] | None = None, dpi: int = SCAN_DPI) -> Path:
    """Rasterise pages of `src` (all when None) to greyscale images and save them as an image-only PDF."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(src))
    try:
        indices = list(range(len(pdf))) if pages is None else [p for p in pages if p < len(pdf)]
        images = [pdf[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for i in indices]
    finally:
        pdf.close()
    dst.parent.mkdir(parents=True, exist_ok=True)
    images[0].save(dst, "PDF", save_all=True, append_images=images[1:], resolution=dpi,
                   title=dst.stem, creationDate=_FIXED_TIME, modDate=_FIXED_TIME)
    return dst


def write_scans(pdf_paths: list[Path], out: Path) -> list[Path]:
    paths = [scan_pdf(p, out / "scan_page" / f"{p.stem}_page{SCAN_PAGE + 1}.pdf", [SCAN_PAGE]) for p in pdf_paths]
    full = [p for p in pdf_paths if p.stem.startswith(FULL_SCAN_PLAN)]
    paths += [scan_pdf(p, out / "scan_full" / p.name) for p in full]
    return paths


# ---------------------------------------------------------------- CLI


def make_fixtures(out: Path, formats: list[str], plans: list[Plan] | None = None, browser=None) -> dict[str, list[Path]]:
    plans = plans if plans is not None else demo_plans()
    made: dict[str, list[Path]] = {}
    if "pdf" in formats or "scan" in formats:
        made["pdf"] = write_pdfs(plans, out / "pdf", browser)
    if "docx" in formats or "lopdf" in formats:
        made["docx"] = write_docx(plans, out / "docx")
    if "lopdf" in formats:
        made["lopdf"] = write_lopdf(made["docx"], out / "lopdf")
    if "scan" in formats:
        made["scan"] = write_scans(made["pdf"], out)
    return made


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--formats", default=",".join(FORMATS), help="comma-separated: " + ",".join(FORMATS))
    ap.add_argument("--plans", default="", help="file number prefixes, e.g. 002,003 (default: all five)")
    args = ap.parse_args(argv)
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    unknown = set(formats) - set(FORMATS)
    if unknown:
        ap.error(f"unknown format(s): {', '.join(sorted(unknown))}")
    plans = demo_plans([p.strip() for p in args.plans.split(",") if p.strip()] or None)
    made = make_fixtures(args.out, formats, plans)
    if "lopdf" in formats and not made.get("lopdf"):
        print("soffice not found: no LibreOffice PDFs (apt-get install libreoffice-writer-nogui)", file=sys.stderr)
    for kind, paths in made.items():
        for p in paths:
            print(f"{kind}\t{hashlib.sha256(p.read_bytes()).hexdigest()[:12]}\t{p}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
