"""Loading: encodings detected and reported, every supported format, clear errors that stop nothing."""

from __future__ import annotations

import shutil

import pytest
from docids import GP, JY

from planqa.corpus import build_corpus, load_documents
from planqa.corpus.encoding import decode_text
from planqa.corpus.errors import CorpusError


def _texts(corpus):
    return [(c.kind, c.text, c.chapter, c.section, tuple(c.heading_path)) for c in corpus.chunks]


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-8-sig"])
def test_a_re_encoded_copy_gives_the_same_chunks(tmp_path, demo_dir, encoding):
    src = demo_dir / f"{JY}.txt"
    text = src.read_text(encoding="utf-8")
    if encoding == "gbk":  # GBK cannot hold every character of the file; keep the ones it can
        text = text.encode("gbk", errors="ignore").decode("gbk")
        utf8 = tmp_path / "utf8" / src.name
        utf8.parent.mkdir()
        utf8.write_text(text, encoding="utf-8")
    else:
        utf8 = src
    copy = tmp_path / encoding / src.name
    copy.parent.mkdir()
    copy.write_bytes(text.encode(encoding))
    original, reencoded = build_corpus([utf8]), build_corpus([copy])
    assert _texts(original) == _texts(reencoded)
    assert reencoded.documents[0].quality.encoding == ("utf-8-sig" if encoding == "utf-8-sig" else "gb18030")


def test_binary_and_empty_files_fail_clearly_and_the_rest_loads(tmp_path, demo_dir):
    shutil.copy(demo_dir / f"{GP}.txt", tmp_path / "good.txt")
    (tmp_path / "image.txt").write_bytes(bytes(range(256)) * 20)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.md").write_text("   \n\n", encoding="utf-8")
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
    (tmp_path / "notes.xyz").write_text("x", encoding="utf-8")
    result = load_documents([tmp_path / n for n in ["good.txt", "image.txt", "empty.txt", "blank.md",
                                                    "broken.pdf", "notes.xyz"]])
    assert [d.title for d in result.documents] == ["高平市推进职业教育改革发展行动计划"]
    reasons = {e.path.rsplit("/", 1)[-1]: e.reason for e in result.errors}
    assert set(reasons) == {"image.txt", "empty.txt", "blank.md", "broken.pdf", "notes.xyz"}
    assert "二进制" in reasons["image.txt"] and "binary" in reasons["image.txt"]
    assert "文件为空" in reasons["empty.txt"] and "empty" in reasons["blank.md"]
    assert "PDF" in reasons["broken.pdf"]
    assert "不支持" in reasons["notes.xyz"]


def test_decode_reports_the_encoding_and_refuses_undecodable_bytes():
    assert decode_text("第一章 总则".encode("gb18030")) == ("第一章 总则", "gb18030")
    assert decode_text("第一章 总则".encode()) == ("第一章 总则", "utf-8")
    with pytest.raises(CorpusError):
        decode_text(b"\x00\x01\x02binary")


def test_docx_heading_styles_and_tables(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("某市“十四五”就业促进规划", style="Title")
    d.add_heading("总体要求", level=1)  # no 第X章 pattern: the style makes it a heading
    d.add_paragraph("坚持就业优先战略，到2025年城镇新增就业5万人以上，城镇调查失业率控制在5.5%以内。")
    d.add_heading("重点任务", level=1)
    d.add_paragraph("实施技能提升行动，每年开展补贴性职业技能培训1万人次。")
    table = d.add_table(rows=3, cols=4)
    for r, cells in enumerate([["指标", "2020年", "2025年", "属性"], ["城镇新增就业（万人）", "4.8", "5", "预期性"],
                               ["技能人才总量（万人）", "10", "12", "预期性"]]):
        for c, value in enumerate(cells):
            table.cell(r, c).text = value
    path = tmp_path / "plan.docx"
    d.save(path)
    corpus = build_corpus([path])
    doc = corpus.documents[0]
    assert doc.title == "某市“十四五”就业促进规划"
    assert [h.title for h in doc.headings if h.kind == "styled"][-2:] == ["总体要求", "重点任务"]
    chunk = next(c for c in corpus.chunks if "5.5%" in c.text)
    assert chunk.chapter == "总体要求"
    row = next(c for c in corpus.chunks if c.kind == "table" and "技能人才总量" in c.text)
    assert "2025年 12" in row.text and row.chapter == "重点任务"


def test_html_drops_navigation_and_keeps_the_body(tmp_path):
    html = """<html><head><title>x</title><script>var a=1;</script></head><body>
    <nav>首页 | 政务公开 | 当前位置：首页 > 规划计划</nav>
    <div class="content"><h1>某县“十四五”人才发展规划</h1>
    <p>第一章 发展基础</p><p>“十三五”期间，全县人才总量达到3.2万人。</p>
    <p>推荐访问：人才规划 发展纲要</p></div><footer>版权所有 某县人民政府</footer></body></html>"""
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    doc = load_documents([path]).documents[0]
    assert "3.2万人" in doc.text
    for junk in ("当前位置", "推荐访问", "版权所有", "var a"):
        assert junk not in doc.text
    assert doc.title == "某县“十四五”人才发展规划"
    assert [h.title for h in doc.headings if h.kind == "chapter"] == ["第一章 发展基础"]


def test_pdf_text_and_tables_are_read(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    path = tmp_path / "plan.pdf"
    with PdfPages(path) as pdf:
        fig = plt.figure(figsize=(8.27, 11.69))
        fig.text(0.1, 0.9, "Employment plan 2021-2025", fontsize=14)
        fig.text(0.1, 0.85, "By 2025 the city adds 50000 urban jobs.", fontsize=10)
        pdf.savefig(fig)
        plt.close(fig)
    doc = load_documents([path]).documents[0]
    assert "50000 urban jobs" in doc.text
