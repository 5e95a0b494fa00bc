"""The demo corpus becomes ten documents with the plans' own titles and metadata."""

from __future__ import annotations

from docids import COMPILATION, GP, JC, JY, XZ


def test_five_files_give_ten_documents(corpus):
    assert corpus.errors == []
    assert len(corpus.documents) == 10
    assert [d.doc_id for d in corpus.documents][-6:] == [f"{COMPILATION}-p{i}" for i in range(1, 7)]


def test_each_document_has_its_own_title(corpus):
    titles = {d.doc_id: d.title for d in corpus.documents}
    assert titles[JC] == "晋城市“十四五”人力资源开发、教育改革发展规划"
    assert titles[XZ] == "忻州市“十四五”人力资源开发、教育改革发展规划"
    assert titles[GP] == "高平市推进职业教育改革发展行动计划"
    assert titles[JY] == "济源市“十四五”人才发展、人力资源开发和就业促进规划"
    assert titles[f"{COMPILATION}-p1"] == "青海省“十四五”科技人才发展规划"
    assert titles[f"{COMPILATION}-p2"].endswith("河南省社会?作?才发展规划")  # lost characters kept as they are
    assert titles[f"{COMPILATION}-p3"] == "邵阳市“十四五”人力资源和社会保障事业发展规划"
    assert titles[f"{COMPILATION}-p4"] == "国家十四五期间人才发展规划纲要"
    assert titles[f"{COMPILATION}-p5"] == "集团有限公司“十四五”发展规划纲要"
    assert titles[f"{COMPILATION}-p6"] == "浙江省人才发展“十四五”规划"


def test_metadata_read_from_the_documents_header(corpus):
    jc = corpus.doc(JC)
    assert (jc.doc_number, jc.issuer, jc.date, jc.region) == (
        "晋市政发〔2022〕24号", "晋城市人民政府", "2022-09-17", "晋城市")
    xz = corpus.doc(XZ)
    assert (xz.doc_number, xz.issuer, xz.date) == ("忻政发〔2021〕22号", "忻州市人民政府", "2021-10-21")
    gp = corpus.doc(GP)
    assert (gp.doc_number, gp.issuer, gp.date) == ("高政办发〔2021〕37号", "高平市人民政府办公室", "2021-09-10")
    zj = corpus.doc(f"{COMPILATION}-p6")
    assert zj.doc_number == "浙发改规划〔2021〕253号"
    assert zj.date == "2021-06-15"
    assert "浙江省发展和改革委员会" in zj.issuer
    qh = corpus.doc(f"{COMPILATION}-p1")
    assert (qh.doc_number, qh.issuer, qh.region) == ("青科发外〔2022〕28号", "青海省科学技术厅", "青海省")


def test_fields_the_text_does_not_state_stay_empty(corpus):
    jy = corpus.doc(JY)
    assert jy.doc_number == ""  # 济政〔2021〕5号 in its text is another document's number
    assert jy.issuer == ""
    assert jy.date == "2023-04-07"
    henan = corpus.doc(f"{COMPILATION}-p2")
    assert henan.doc_number == ""  # 豫政[2021]62号 belongs to the provincial plan it mentions
    assert corpus.doc(f"{COMPILATION}-p5").issuer == ""


def test_quality_report_counts_lost_characters_and_keeps_them(corpus):
    henan = corpus.doc(f"{COMPILATION}-p2")
    assert henan.quality.lost_chars >= 30
    assert "“?四五”" in henan.text
    jc = corpus.doc(JC)
    assert jc.quality.toc_lines_removed > 20
    assert corpus.doc(f"{COMPILATION}-p6").quality.boilerplate_lines_removed > 0


def test_web_boilerplate_is_gone(corpus):
    for doc in corpus.documents:
        for phrase in ("当前位置", "推荐访问", "欢迎来到", "浏览量", "【效力等级】", "篇一：", "篇六"):
            assert phrase not in doc.text, (doc.doc_id, phrase)


def test_a_record_field_is_found_where_the_text_prints_it(corpus):
    import re

    from planqa.corpus.metadata import date_cn, printed_at

    bare = re.compile(r"[〔〕\[\]()（）【】\s]")
    jc = corpus.doc(JC)
    # the letterhead prints the 文号 with other brackets ("晋市政发 [2022] 24号"), the signature a Chinese date
    chunk, sentence = printed_at(corpus.chunks_of(JC), "doc_number", jc.doc_number)
    assert chunk is not None and bare.sub("", jc.doc_number) in bare.sub("", sentence) and sentence in chunk.text
    assert date_cn("2022-09-17") == "2022年9月17日"
    assert date_cn(jc.date) in printed_at(corpus.chunks_of(JC), "date", jc.date)[1]
    for doc in corpus.documents:  # a law-database header prints the date as 2021.06.15
        if doc.date:
            chunk, sentence = printed_at(corpus.chunks_of(doc.doc_id), "date", doc.date)
            assert chunk is not None and sentence in chunk.text
    assert printed_at(corpus.chunks_of(JC), "doc_number", "某政发〔1999〕1号") == (None, "")
