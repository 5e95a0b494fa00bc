"""Scanned PDFs: a page without a text layer is OCRed (RapidOCR, offline models), its lines feed the same
heading rules as TXT, and the quality report names the OCRed page with its confidence.

The scan is made the way a scanner's PDF looks: plan text printed by Chromium (A4, CJK font), rasterised
with pypdfium2 and saved by PIL as an image-only PDF. One page: OCR is CPU heavy.
"""

from __future__ import annotations

import difflib
import html
import os
from pathlib import Path

import pytest

from planqa.corpus import load_documents
from planqa.corpus.headings import match_heading
from planqa.corpus.ocr import OcrBox, group_lines
from planqa.corpus.outline import outline
from planqa.settings import DEMO_CORPUS
from planqa.ui.render import quality_summary

CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists() and os.environ.get("CI") != "true",
                                    reason="Debian chromium not installed")


def test_boxes_on_one_visual_line_read_left_to_right():
    # PP-OCR cuts "第一章  总则" at the gap; the body line below overlaps it by less than half its height
    boxes = [OcrBox("总则", 0.9, 200, 101, 260, 131), OcrBox("第一章", 0.9, 100, 100, 180, 130),
             OcrBox("本规划依据……制定。", 0.9, 100, 140, 600, 170)]
    lines = group_lines(boxes)
    assert [[b.text for b in line] for line in lines] == [["第一章", "总则"], ["本规划依据……制定。"]]


def _plan_excerpt(txt: Path, chapters: int = 2, para_chars: int = 120) -> list[str]:
    """The first chapters of a demo plan: every 章/节 heading and the start of the paragraph after it."""
    out: list[str] = []
    seen, want_para = 0, False
    for line in txt.read_text(encoding="utf-8").split("\n"):
        text = line.strip()
        m = match_heading(text)
        if m is not None and m.kind in {"chapter", "section"}:
            seen += m.kind == "chapter"
            if seen > chapters:
                break
            if seen:
                out.append(text)
                want_para = True
        elif want_para and len(text) > 40:
            out.append(text[:para_chars].rstrip("，、") + "。")
            want_para = False
    return out


@pytest.fixture(scope="module")
def scanned(tmp_path_factory) -> tuple[Path, Path, list[str]]:
    """(born-digital PDF, image-only PDF of its first page, the lines printed)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    import pypdfium2 as pdfium

    lines = _plan_excerpt(DEMO_CORPUS / "001_f97572b67bbbe106.txt")
    body = "".join(f"<p>{html.escape(x)}</p>" for x in lines)
    page_html = ("<html><head><meta charset='utf-8'><style>body{font-family:'Noto Serif CJK SC',serif;"
                 "font-size:12pt} p{margin:0 0 6pt 0}</style></head><body>" + body + "</body></html>")
    out = tmp_path_factory.mktemp("scan")
    digital, scan = out / "plan.pdf", out / "plan-scan.pdf"
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox"])
        page = browser.new_page()
        page.set_content(page_html)
        page.pdf(path=str(digital), format="A4", margin={k: "2cm" for k in ("top", "bottom", "left", "right")})
        browser.close()
    pdf = pdfium.PdfDocument(str(digital))
    assert len(pdf) == 1, "the excerpt must fit one page"
    pdf[0].render(scale=200 / 72).to_pil().convert("RGB").save(scan, resolution=200)
    return digital, scan, lines


@needs_chromium
@pytest.mark.browser
def test_a_page_with_a_text_layer_is_not_ocred(scanned):
    digital, _, _ = scanned
    (doc,) = load_documents([digital]).documents
    assert doc.quality.ocr_pages == [] and doc.quality.ocr_confidence == 0.0


@needs_chromium
@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.timeout(600)
def test_scanned_page_is_ocred_into_the_same_chapters(scanned):
    digital, scan, printed = scanned
    result = load_documents([scan])
    assert result.errors == []
    (doc,) = result.documents
    assert doc.quality.ocr_pages == [1]
    assert 0.8 <= doc.quality.ocr_confidence <= 1.0
    assert "OCR 识别 1 页（第1页）" in quality_summary(doc.quality)  # what the knowledge-base page shows

    (reference,) = load_documents([digital]).documents  # the text layer of the same page
    want = [(c["title"], c["sections"]) for c in outline(reference)]
    got = [(c["title"], c["sections"]) for c in outline(doc)]
    assert len(want) == 2 and len(got) == len(want)
    heading_chars = "".join(t + "".join(s) for t, s in want)
    ocr_chars = "".join(t + "".join(s) for t, s in got)
    assert difflib.SequenceMatcher(None, heading_chars, ocr_chars, autojunk=False).ratio() >= 0.9
    assert [len(s) for _, s in got] == [len(s) for _, s in want]

    body = "".join(printed).replace(" ", "")
    text = doc.text.replace(" ", "").replace("\n", "")
    assert difflib.SequenceMatcher(None, body, text, autojunk=False).ratio() >= 0.9
