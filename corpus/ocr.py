"""OCR of scanned PDF pages with RapidOCR (PP-OCR Chinese models shipped in its wheel, so offline).

`OcrEngine` wraps one RapidOCR instance; it is built lazily on first use (loading the three ONNX
models takes ~1 s) and the caller holds it for the whole ingest. `default_engine()` is the one
documented per-process cache, so that a batch of scanned files does not reload the models per file.
"""

from __future__ import annotations

import logging
import re
import statistics
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image

# Pages are rendered at this resolution before OCR. Measured on one A4 page of plan text (Chromium
# print-to-PDF, 12 pt), `python -m planqa.corpus.ocr PAGE.pdf`, 2 cores shared with other jobs:
#   100 dpi: 29 s, mean confidence 0.987, character match with the text layer 0.977
#   150 dpi: 52 s, mean confidence 0.994, character match 0.980
#   200 dpi: 62 s, mean confidence 0.983, character match 0.993
# (times are wall clock under a load of ~6 on 2 cores, so only their ratio means much). 200 dpi cuts
# the misread characters to a third of 150 dpi's for ~20 % more time; a scan is a one-off cost per file.
OCR_DPI = 200
# A page with fewer extracted characters than this has no real text layer (a scan with a stray
# page number or an invisible watermark still counts as empty).
MIN_TEXT_CHARS = 20


@dataclass
class OcrBox:
    text: str
    confidence: float
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass
class OcrResult:
    lines: list[str] = field(default_factory=list)  # in reading order, one visual line each
    confidence: float = 0.0  # mean recognition score over the boxes (0 when nothing was found)
    tops: list[float] = field(default_factory=list)  # y of each line's top edge, in image pixels


class OcrEngine:
    """One RapidOCR instance, created on first call."""

    def __init__(self) -> None:
        self._ocr = None

    def _engine(self):
        if self._ocr is None:
            # rapidocr logs each model load at INFO through its own handler: keep that out of the terminal
            logging.getLogger("RapidOCR").setLevel(logging.WARNING)
            from rapidocr_onnxruntime import RapidOCR

            self._ocr = RapidOCR()
        return self._ocr

    def boxes(self, image: Image.Image) -> list[OcrBox]:
        import numpy as np

        rgb = np.asarray(image.convert("RGB"))[:, :, ::-1]  # RapidOCR reads OpenCV's BGR order
        result, _ = self._engine()(rgb)
        out = []
        for quad, text, score in result or []:
            xs, ys = [p[0] for p in quad], [p[1] for p in quad]
            out.append(OcrBox(text, float(score), min(xs), min(ys), max(xs), max(ys)))
        return out


@lru_cache(maxsize=1)
def default_engine() -> OcrEngine:
    """The process's OCR engine (models load once per process, on first OCRed page)."""
    return OcrEngine()


def group_lines(boxes: list[OcrBox]) -> list[list[OcrBox]]:
    """Boxes that overlap vertically by more than half the smaller height form one line, left → right.

    PP-OCR cuts a line at wide gaps (a heading "第一章  总则", table cells), so one visual line can be
    several boxes; two lines never overlap by half their height.
    """
    lines: list[list[OcrBox]] = []
    for box in sorted(boxes, key=lambda b: (b.y0 + b.y1) / 2):
        for line in reversed(lines[-3:]):  # only recent lines can overlap a box lower on the page
            top, bottom = min(b.y0 for b in line), max(b.y1 for b in line)
            overlap = min(bottom, box.y1) - max(top, box.y0)
            if overlap > 0.5 * min(bottom - top, box.y1 - box.y0):
                line.append(box)
                break
        else:
            lines.append([box])
    return [sorted(line, key=lambda b: b.x0) for line in lines]


def _join(line: list[OcrBox]) -> str:
    """Cells far apart keep a space between them (so "第一章 总则" keeps its gap), touching ones do not."""
    out = line[0].text
    for prev, box in zip(line, line[1:], strict=False):
        height = max(prev.y1 - prev.y0, box.y1 - box.y0)
        out += (" " if box.x0 - prev.x1 > 0.5 * height else "") + box.text
    return out


def ocr_page(image: Image.Image, engine: OcrEngine | None = None) -> OcrResult:
    """Text lines of one page image in reading order, with the mean box confidence."""
    boxes = (engine or default_engine()).boxes(image)
    if not boxes:
        return OcrResult()
    grouped = group_lines(boxes)
    return OcrResult([_join(line) for line in grouped], statistics.fmean(b.confidence for b in boxes),
                     [min(b.y0 for b in line) for line in grouped])


def is_scanned(page) -> bool:
    """A pdfplumber page whose text layer is (nearly) empty and whose content is an image covering at
    least half of it: a scan. A blank or text-only page is never sent to OCR."""
    if len(page.chars) >= MIN_TEXT_CHARS:
        return False
    area = float(page.width * page.height) or 1.0
    return any((im["x1"] - im["x0"]) * (im["bottom"] - im["top"]) >= 0.5 * area for im in page.images)


def ocr_pdf_page(page, engine: OcrEngine | None = None) -> tuple[list[tuple[float, str]], float] | None:
    """(top in PDF points, text) of each line of a scanned pdfplumber page and the mean confidence;
    None when the page is not a scan."""
    if not is_scanned(page):
        return None
    image = page.to_image(resolution=OCR_DPI).original
    result = ocr_page(image, engine)
    scale = 72 / OCR_DPI
    return [(top * scale, text) for top, text in zip(result.tops, result.lines, strict=True)], result.confidence


def _measure(path: str) -> None:
    """Speed, confidence and character accuracy (against the text layer) of OCR on the first page of a
    born-digital `path` at three resolutions."""
    import difflib
    import time

    import pypdfium2 as pdfium

    engine = OcrEngine()
    page = pdfium.PdfDocument(path)[0]
    truth = re.sub(r"\s+", "", page.get_textpage().get_text_range())
    engine.boxes(page.render(scale=0.5).to_pil())  # warm-up: model load
    for dpi in (100, 150, 200):
        image = page.render(scale=dpi / 72).to_pil()
        t0 = time.perf_counter()
        result = ocr_page(image, engine)
        text = re.sub(r"\s+", "", "".join(result.lines))
        ratio = difflib.SequenceMatcher(None, truth, text, autojunk=False).ratio()
        print(f"{dpi} dpi {image.size}: {time.perf_counter() - t0:.1f} s, confidence {result.confidence:.3f}, "
              f"character match {ratio:.3f} ({len(text)}/{len(truth)} chars)", flush=True)


if __name__ == "__main__":
    import sys

    _measure(sys.argv[-1])
