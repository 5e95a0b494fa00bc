"""The format fixtures (scripts/make_fixtures.py) are what an office uploads, and ingest like the TXT.

One small plan (002, 高平) is rendered once per module: a Chromium print-to-PDF with page footers and a
python-docx file without heading styles. Both must give the TXT's title and chapters.
"""

from __future__ import annotations

import functools
import importlib.util
import re
import sys
import zipfile
from pathlib import Path

import pytest

from planqa.corpus import load_file, outline
from planqa.settings import DEMO_CORPUS

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
PLAN = "002"


@functools.cache
def _maker():
    spec = importlib.util.spec_from_file_location("make_fixtures", ROOT / "scripts" / "make_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def txt() -> Path:
    return next(DEMO_CORPUS.glob(f"{PLAN}_*.txt"))


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict[str, Path]:
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium not installed (scripts/bootstrap.sh --test installs it)")
    out = tmp_path_factory.mktemp("fixtures")
    files = _maker().make_fixtures(out, ["pdf", "docx"], _maker().demo_plans([PLAN]))
    return {"pdf": files["pdf"][0], "docx": files["docx"][0]}


def _chapters(path: Path) -> list[str]:
    (doc,) = load_file(path)
    return [c["title"] for c in outline(doc)]


def test_docx_has_no_heading_styles_and_a_page_number_footer(made, txt):
    import docx

    document = docx.Document(str(made["docx"]))
    styles = {p.style.name for p in document.paragraphs}
    assert styles == {"Normal"}, styles
    # the chapter headings are there, as bold text in Normal paragraphs
    bold = {p.text for p in document.paragraphs if p.runs and all(r.bold for r in p.runs if r.text.strip())}
    assert {"一、指导思想", "二、基本原则", "四、重点任务"} <= bold
    footer = zipfile.ZipFile(made["docx"]).read("word/footer1.xml").decode()
    assert 'w:instr="PAGE"' in footer


def test_pdf_has_running_header_and_page_footers(made, txt):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(made["pdf"]))
    pages = [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    pdf.close()
    assert len(pages) >= 3
    for n, text in enumerate(pages, start=1):
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        assert re.fullmatch(rf"—\s*{n}\s*—", lines[-1]), lines[-1]
        assert "高平市推进职业教育改革发展行动计划" in lines  # the running header


def test_fixtures_are_deterministic(made, tmp_path):
    again = _maker().make_fixtures(tmp_path, ["docx"], _maker().demo_plans([PLAN]))
    assert again["docx"][0].read_bytes() == made["docx"].read_bytes()


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_ingest_gives_the_txt_title_and_chapters(made, txt, fmt):
    (want,) = load_file(txt)
    (got,) = load_file(made[fmt])
    assert got.title == want.title
    assert _chapters(made[fmt]) == _chapters(txt)
    assert len(_chapters(txt)) >= 5
