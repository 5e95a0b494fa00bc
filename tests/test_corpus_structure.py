"""Heading structure: chapters and sections in order, none taken from a table of contents."""

from __future__ import annotations

import re

from docids import COMPILATION, GP, JC, JY, XZ

from planqa.corpus import outline

CN_TEN = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]


def chapter_titles(doc):
    return [c["title"] for c in outline(doc) if not c.get("missing_heading")]


def test_jincheng_has_ten_chapters_with_sections_in_order(corpus):
    doc = corpus.doc(JC)
    chapters = outline(doc)
    assert [c["title"][:len(f"第{n}章")] for c, n in zip(chapters, CN_TEN, strict=True)] == \
        [f"第{n}章" for n in CN_TEN]
    assert chapters[0]["title"] == "第一章 发展基础和面临形势"
    assert chapters[0]["sections"] == ["第一节 发展基础", "第二节 “十四五”面临形势"]
    assert chapters[6]["title"] == "第七章 聚焦创优人才发展环境，构建更具竞争力的人才制度体系"
    assert len(chapters[6]["sections"]) == 7
    for chapter in chapters:  # sections numbered 第一节, 第二节, … within each chapter
        numbers = [re.match(r"第(.+?)节", s).group(1) for s in chapter["sections"]]
        assert numbers == CN_TEN[: len(numbers)], chapter["title"]
    for title in [c["title"] for c in chapters] + [s for c in chapters for s in c["sections"]]:
        assert not re.search(r"\d$", title), f"TOC page number in {title}"


def test_table_of_contents_lines_make_no_chunk(corpus):
    for chunk in corpus.chunks_of(JC):
        assert not re.search(r"(\.{3,}|…{2,}|·{3,}|•••)", chunk.text)
        assert all(line.replace(" ", "") != "目录" for line in chunk.text.split("\n"))


def test_xinzhou_has_ten_chapters(corpus):
    titles = chapter_titles(corpus.doc(XZ))
    assert [t.split(" ")[0] for t in titles] == [f"第{n}章" for n in CN_TEN]


def test_gaoping_is_structured_by_chinese_numerals(corpus):
    chapters = outline(corpus.doc(GP))
    assert [c["title"] for c in chapters] == ["一、指导思想", "二、基本原则", "三、发展目标", "四、重点任务", "五、保障机制"]
    assert chapters[1]["sections"][0] == "（一）坚持育人导向，注重全面发展"


def test_jiyuan_present_chapters_found_and_toc_remnant_ignored(corpus):
    doc = corpus.doc(JY)
    present = [t.split(" ")[0] for t in chapter_titles(doc) if "缺失" not in t]
    assert present == ["第一章", "第三章", "第七章", "第八章", "第九章", "第十章", "第十一章", "第十二章", "第十三章"]
    # the TOC remnant "第七章 …41" at the top is no chapter: the only 第七章 follows 第三章
    chapter_headings = [h for h in doc.headings if h.kind == "chapter"]
    assert [h.label for h in chapter_headings].count("第七章") == 1
    assert chapter_headings[0].label == "第一章"


def test_jiyuan_sections_without_their_chapter_are_not_misfiled(corpus):
    chunks = corpus.chunks_of(JY)

    def chapter_of(section_prefix):
        return {c.chapter for c in chunks if c.section.startswith(section_prefix)}

    # 第二章 is absent as a line; its sections follow 第一章's 第四节 and precede 第三章
    keji = chapter_of("第一节 建设科技创新人才队伍")
    assert keji and not any(ch.startswith("第一章") for ch in keji)
    assert keji == {"第二章（章标题缺失）"}  # the gap between 第一章 and 第三章 proves the number
    # 第六节/第七节 after 第三章 (whose sections are missing) belong to a lost chapter, not to 第三章
    for prefix in ("第六节 构建人才教育服务体系", "第七节 构建人才医疗保障体系", "第一节 建立健全技能人才培养培训体系"):
        filed = chapter_of(prefix)
        assert filed == {""}, (prefix, filed)
    # a section heading keeps its own 第X节 heading in the chunk's heading path
    c = next(c for c in chunks if c.section.startswith("第六节 构建人才教育服务体系"))
    assert c.heading_path == ["第六节 构建人才教育服务体系"]


def test_no_chunk_crosses_a_chapter_boundary(corpus):
    for doc in corpus.documents:
        starts = sorted(h.start for h in doc.headings if h.kind == "chapter")
        for chunk in corpus.chunks_of(doc.doc_id):
            assert not any(chunk.start < s < chunk.end for s in starts), chunk.chunk_id


def test_chunks_carry_their_heading_path(corpus):
    chunk = next(c for c in corpus.chunks_of(XZ) if "技能富民" in c.chapter)
    assert chunk.chapter == "第五章 实施技能富民战略"
    assert chunk.heading_path[0] == chunk.chapter
    if chunk.section:
        assert chunk.heading_path[1] == chunk.section


def test_compilation_parts_have_their_own_structure(corpus):
    qinghai = [c["title"] for c in outline(corpus.doc(f"{COMPILATION}-p1"))]
    assert qinghai[0] == "一、开启科技人才队伍建设新篇章"
    assert len(qinghai) == 6
    shaoyang = [c["title"] for c in outline(corpus.doc(f"{COMPILATION}-p3"))]
    # "一、就业 … 四、劳动关系" inside 三、主要指标 is a list, not chapters
    assert shaoyang == ["一、发展基础", "二、指导思想和发展目标", "三、主要指标", "四、重点任务", "五、保障措施"]


def test_chunks_are_paragraphs_bounded_in_tokens(corpus):
    from planqa.corpus import chunk_document, count_tokens

    for chunk in corpus.chunks:
        assert chunk.n_tokens == count_tokens(chunk.text) <= 400, chunk.chunk_id
    tight = chunk_document(corpus.doc(JY), max_tokens=80, min_chars=40)
    assert max(c.n_tokens for c in tight if c.kind != "table") <= 80
    # one natural paragraph per chunk: a text chunk never starts in the middle of a sentence unless it
    # continues a paragraph that was too long for one chunk
    doc = corpus.doc(JY)
    for c in corpus.chunks_of(JY):
        if c.kind == "text" and c.start > 0 and doc.text[c.start - 1] != "\n":
            assert doc.text[c.start - 1] in "。！？；，、：" or count_tokens(doc.text[c.start - 200:c.end]) > 80


def test_chunk_ids_are_stable_across_reingest(corpus, demo_dir):
    from planqa.corpus import build_corpus

    again = build_corpus([demo_dir / f"{JY}.txt"])
    assert [c.chunk_id for c in again.chunks] == [c.chunk_id for c in corpus.chunks_of(JY)]
