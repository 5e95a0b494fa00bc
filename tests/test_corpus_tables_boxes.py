"""Indicator tables become one readable chunk per row; 专栏 boxes become chunks of their own."""

from __future__ import annotations

import re

from docids import JC, JY, XZ

from planqa.corpus.tables import parse_table


def table_chunks(corpus, doc_id):
    return [c for c in corpus.chunks_of(doc_id) if c.kind == "table"]


def test_every_table_row_chunk_names_its_column_headers(corpus):
    rows = [c for c in corpus.chunks if c.kind == "table"]
    assert len(rows) >= 60
    for c in rows:
        doc = corpus.doc(c.doc_id)
        table_block = next(b for b in doc.blocks if b.kind == "table" and b.start <= c.start < b.end)
        headers = [h for h in table_block.table.header if h not in {"项目", "指标名称", "指标", "单位", "属性"}]
        for header in headers:
            assert header in c.text, (c.chunk_id, header)


def test_jiyuan_high_skill_target_reads_alone(corpus):
    row = next(c for c in table_chunks(corpus, JY) if "10.3" in c.text)
    assert "高技能人才" in row.text and "2025年 10.3" in row.text and "2020年 4.5" in row.text
    assert "一、人才发展" in row.text  # its group
    assert row.chapter == "第一章 发展基础与主要目标" and row.section == "第四节 主要目标"


def test_jincheng_high_skill_total_reads_alone(corpus):
    row = next(c for c in table_chunks(corpus, JC) if "高技能人才总量" in c.text)
    assert "其中：高技能人才总量：2020年基数 8.5 万人；“十四五”目标 12 万人；预期性" in row.text
    assert "技能人才" in row.text.split("其中")[0]  # the group the continuation row belongs to
    assert row.label.endswith("时期主要指标")


def test_one_cell_per_line_table_with_wrapped_header(corpus):
    rows = table_chunks(corpus, XZ)
    assert len(rows) == 18
    row = next(c for c in rows if "高技能人才总量" in c.text)
    assert "“十四五”目标 16.57 万人" in row.text and "2020年基数 1.12 万人" in row.text


def test_table_spans_cover_caption_header_and_rows(corpus):
    rows = table_chunks(corpus, JY)
    doc = corpus.doc(JY)
    assert doc.text[rows[0].start:rows[0].end].startswith("表1")
    for a, b in zip(rows, rows[1:], strict=False):
        assert a.end < b.start


def test_pipe_table_parser_reads_groups_and_continuation_rows():
    lines = [
        "表2 主要指标 | |||",
        "指 标 | 2020年 | 2025年 | 属性 |",
        "一、技能 | |||",
        "1. 技能人才总量(万人) | 13.4 | 23.01 | 预期性 |",
        "2. 其中:高技能人才(万人) | 4.5 | 10.3 | 预期性 |",
    ]
    table = parse_table(lines, 0)
    assert table.header == ["指标", "2020年", "2025年", "属性"]
    # the unit named in the indicator's label goes with every value, so a figure reads alone
    assert table.render_row(1) == "表2主要指标 · 一、技能 · 2. 其中：高技能人才（万人）：2020年 4.5 万人；2025年 10.3 万人；预期性"


def test_boxes_are_labelled_chunks(corpus):
    boxes = [c for c in corpus.chunks if c.kind == "box"]
    labels = {c.label for c in boxes}
    assert "专栏1 人才培养支持专项行动" in labels
    assert "专栏2 职业教育改革发展重点任务" in labels
    for c in boxes:
        assert re.match(r"专栏\s?\d+", c.label)
    first = next(c for c in boxes if c.label == "专栏1 人才培养支持专项行动")
    assert first.text.startswith("专栏1 人才培养支持专项行动\n1.实施“高层次人才双引双培”行动")


def test_box_ends_where_the_body_text_resumes(corpus):
    # in 济源 the numbered box items are followed by the next chapter's unnumbered introduction
    resumed = next(c for c in corpus.chunks_of(JY) if c.text.startswith("坚持技能就业、技能富民、技能强企"))
    assert resumed.kind == "text"


def test_list_items_are_enumerators_and_decimals_are_figures():
    from planqa.corpus.headings import LIST_ITEM

    for item in ("1. 实施", "2、建设", "3）开展", "（4）推进", "(一)坚持", "四、目标", "一是加强", "十一、保障"):
        assert LIST_ITEM.match(item), item
    for figure in ("1.5万人次参加培训", "2025年", "3%的企业", "十四五期间"):
        assert not LIST_ITEM.match(figure), figure
    assert LIST_ITEM.sub("", "（2）新增1.5万人") == "新增1.5万人"


def test_a_box_opening_with_a_decimal_figure_is_not_a_numbered_list(tmp_path):
    from planqa.corpus import build_corpus

    (tmp_path / "plan.txt").write_text(
        "某市“十四五”人才发展规划\n\n第一章 总体要求\n\n专栏1 技能培训行动\n"
        "1.5万人次参加职业技能提升培训，覆盖全市重点产业的一线职工和新就业青年。\n"
        "开展企业新型学徒制培训，支持龙头企业建设高技能人才培训基地和技能大师工作室。\n\n第二章 重点任务\n\n"
        "专栏2 人才引进行动\n1. 实施高层次人才引进计划，每年引进急需紧缺人才不少于一百名，落实住房和子女入学保障。\n"
        "2. 建设人才驿站，为来访人才提供免费短期住宿、政策咨询和创业对接服务。\n"
        "坚持人才引领发展，推动人才链与产业链深度融合，形成支撑高质量发展的人才优势。\n", encoding="utf-8")
    chunks = build_corpus([tmp_path]).chunks
    kind = {c.text.splitlines()[-1][:6]: c.kind for c in chunks}
    assert kind["开展企业新型"] == "box"  # "1.5万人次" is a figure: the box's paragraphs are not numbered items
    assert kind["2. 建设人"] == "box" and kind["坚持人才引领"] == "text"  # numbered items end where the body resumes


def test_a_rendered_table_row_is_one_sentence_so_the_target_keeps_its_indicator():
    from planqa.corpus.sentences import split_sentences

    text = "说明一句；\n表2主要指标 · 一、技能 · 2. 其中：高技能人才（万人）：2020年 4.5 万人；2025年 10.3 万人；预期性\n后文；"
    row = [s.text for s in split_sentences(text) if "2025年" in s.text]
    assert row == ["表2主要指标 · 一、技能 · 2. 其中：高技能人才（万人）：2020年 4.5 万人；2025年 10.3 万人；预期性"]
    assert [s.text for s in split_sentences("说明一句；后面的文字；")] == ["说明一句；", "后面的文字；"]
