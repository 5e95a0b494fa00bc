"""Each cleaning step is a named function with a narrow job."""

from __future__ import annotations

from planqa.corpus.cleaning import count_lost_chars, is_boilerplate, remove_toc, repair_line_breaks
from planqa.corpus.headings import match_heading, repair_heading_text
from planqa.corpus.normalize import match_key, normalize_line


def test_line_breaks_inside_a_sentence_are_joined_and_paragraph_breaks_kept():
    lines = ["技能提升工程成效显著。着力开展技能人才培育工作，积极", "推进“人人持证、技能社会”建设。",
             "教育发展基础更加牢固。"]
    joined, n = repair_line_breaks(lines)
    assert joined == ["技能提升工程成效显著。着力开展技能人才培育工作，积极推进“人人持证、技能社会”建设。",
                      "教育发展基础更加牢固。"]
    assert n == 1


def test_line_breaks_before_list_items_and_after_titles_are_kept():
    assert repair_line_breaks(["……培养造就一支充满活力的", "——人力资源结构持续优化。"])[1] == 0
    assert repair_line_breaks(["晋城市人民政府2022年9月17日", "（此件公开发布）"])[1] == 0


def test_table_of_contents_block_is_removed_up_to_the_first_real_heading():
    lines = ["目 录", "第一\t·章\t发展\t基础和面临形势5", "\t第一\t节\t发展基础5", "第八章 聚焦\t焦激发人才", "",
             "第一章 发展基础和面临形势", "正文。"]
    kept, removed = remove_toc(lines)
    assert [x for x in kept if x] == ["第一章 发展基础和面临形势", "正文。"]
    assert removed == 4


def test_stray_toc_line_with_page_number_is_removed():
    kept, removed = remove_toc(["第七章 建设高标准人力资源市场体系,推进人力资源服务业高质量发展 41", "正文"])
    assert removed == 1 and [x for x in kept if x] == ["正文"]


def test_whitespace_and_width_normalised_without_changing_words():
    assert normalize_line("3. 3") == "3.3"
    assert normalize_line("2023 年达到 10.3 万人") == "2023年达到10.3万人"
    assert normalize_line("２０２５年") == "2025年"
    assert normalize_line("人才发展, 教育改革") == "人才发展，教育改革"
    assert normalize_line('晋城市"十四五"规划') == "晋城市“十四五”规划"
    assert normalize_line("比例 1: 3: 6") == "比例1:3:6"


def test_lost_characters_are_counted_not_repaired():
    text = "“?四五”河南省社会?作?才发展规划"
    assert normalize_line(text) == text
    assert count_lost_chars(text) == 3
    assert count_lost_chars("你知道吗？") == 0


def test_boilerplate_lines():
    assert is_boilerplate("当前位置:首页 > 范文大全 > 公文范文 > 正文")
    assert is_boilerplate("推荐访问:人才十四五发展纲要 发展纲要 人才")
    assert is_boilerplate("  【效力等级】地方规范性文件")
    assert not is_boilerplate("加强人才政治引领和政治吸纳，进一步弘扬科学家精神。")


def test_heading_doubled_across_a_tab_is_repaired():
    fixed, changed = repair_heading_text("第八章 聚焦\t焦激发人才培育活力")
    assert changed and fixed == "第八章 聚焦激发人才培育活力"


def test_heading_levels():
    assert match_heading("第十三章 强化规划实施保障").kind == "chapter"
    assert match_heading("第二节 面临形势").kind == "section"
    assert match_heading("一、指导思想").kind == "cn_number"
    inline = match_heading("（一）坚持育人导向，注重全面发展。坚持党的领导和社会主义办学方向。")
    assert inline.kind == "paren_number" and inline.inline_body and inline.title == "（一）坚持育人导向，注重全面发展"
    assert match_heading("1.实施“高层次人才双引双培”行动。高层次人才来济创新创业，具有较高科技含量的。") is None
    assert match_heading("第一章提到的内容很多。这是正文。") is None


def test_match_key_folds_width_quotes_and_space():
    assert match_key('"十四五" 人才,发展（一）') == match_key("“十四五”人才，发展(一)")
