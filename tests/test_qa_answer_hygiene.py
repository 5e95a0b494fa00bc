"""What may stand as an answer, on the demo corpus's own sentences: the notice and record before a plan's
first heading answer no content question, a bracketed aside never leads, a list title gives way to the
items under it, a measure is answered with its passage, and a statement without a tense cue continues
the one before it."""

from __future__ import annotations

import pytest

from planqa.corpus.periods import frame
from planqa.qa.answerer import ASIDE, Scored, eligible
from planqa.qa.asks import Ask
from planqa.qa.features import FEATURES, Candidate, _tense_fit, front_matter
from planqa.qa.sentences import is_title, split_sentences


def _chunk(engine, needle: str):
    return next(c for cs in engine.catalog.chunks.values() for c in cs if needle in c.text)


def _candidate(chunk, needle: str, p: float, **features) -> Candidate:
    sent = next(s for s in split_sentences(chunk.text) if needle in s.text)
    f = {name: 0.0 for name in FEATURES} | {"place_fit": 1.0, "year_fit": 1.0, "type_fit": 1.0} | features
    f["is_heading"] = float(is_title(sent.text))
    return Candidate(chunk, sent.text, sent.start, sent.end, 1.0, f, p=p)


def test_list_titles_are_told_from_items():
    assert is_title("5.强化基金风险防控和经办服务体系建设。")
    assert is_title("3.“三个百场”就业服务专项行动。")
    assert is_title("（二）巩固中等职业教育基础地位")
    assert not is_title("1.持续开展“温暖邵阳”网络视频双选会和集中送岗进校园专项行动，继续依托“湘就业”等服务平台扶持高校毕业生就业。")
    assert not is_title("1.5万人")


def test_front_matter_is_what_precedes_the_first_heading(engine):
    cat = engine.catalog
    notice = _chunk(engine, "晋城市人民政府2022年9月17日")
    body = _chunk(engine, "实行师德“一票否决制”")
    assert front_matter(notice, cat.meta(notice.doc_id)) == 1.0
    assert front_matter(body, cat.meta(body.doc_id)) == 0.0
    # a compiled article without headings has no front matter: all of it is content
    docs_without_headings = [d for d in cat.chunks if not cat.meta(d).get("headings")]
    assert docs_without_headings
    assert all(front_matter(c, cat.meta(d)) == 0.0 for d in docs_without_headings for c in cat.chunks[d])


def test_a_number_is_never_read_off_the_notice(engine):
    notice = _chunk(engine, "晋城市人民政府2022年9月17日")
    ask = Ask(text="晋城劳动年龄人口平均受教育年限要提到几年", qtype="number")
    signature = _candidate(notice, "2022年9月17日", 0.99, front_matter=1.0, unit_fit=0.5)
    assert not eligible(ask, signature)


def test_a_bracketed_aside_never_leads(engine):
    chunk = _chunk(engine, "〔责任单位：市教育局、市人社局、高平中专〕")
    tag = _candidate(chunk, "〔责任单位", 0.99)
    assert ASIDE.match(tag.text)
    other = next(s.text for s in split_sentences(chunk.text) if not ASIDE.match(s.text) and not is_title(s.text)
                 and len(s.text) > 12)
    body = _candidate(chunk, other, 0.95)
    picked = engine.answerer()._pick(Scored(Ask(text="高平怎么统筹职教", qtype="measure"), [], [tag, body]))
    assert picked and picked[0].text == body.text


def test_a_list_title_gives_way_to_the_items_under_it(engine):
    chunk = _chunk(engine, "成立市社会保险基金监督委员会")
    title = _candidate(chunk, "5.强化基金风险防控", 0.99)
    assert title.features["is_heading"] == 1.0
    picked = engine.answerer()._pick(Scored(Ask(text="邵阳怎么防范社保基金风险", qtype="measure"), [], [title]))
    texts = " ".join(c.text for c in picked)
    assert "第三方审计制度" in texts and not any(is_title(c.text) for c in picked)


def test_a_measure_is_answered_with_its_passage_in_reading_order(engine):
    chunk = _chunk(engine, "将师德师风作为评价教师队伍素质的第一标准")
    first = _candidate(chunk, "将师德师风作为评价教师队伍素质的第一标准", 0.95)
    later = _candidate(chunk, "深化师德师风综合整治", 0.90)
    elsewhere = _candidate(_chunk(engine, "建立教师宣誓制度"), "建立教师宣誓制度", 0.93)
    picked = engine.answerer()._pick(Scored(Ask(text="晋城师德失范怎么处理", qtype="measure"), [],
                                            [first, elsewhere, later]))
    texts = [c.text for c in picked]
    assert texts.index(first.text) < texts.index(later.text)  # the passage stays together, in its order
    assert "一票否决" in " ".join(texts)


@pytest.mark.parametrize("needle", ["教育经费总投入285.63亿元"])
def test_a_sentence_without_a_tense_cue_continues_its_passage(engine, needle):
    chunk = _chunk(engine, needle)
    sent = next(s for s in split_sentences(chunk.text) if needle in s.text)
    base = frame(engine.catalog.title(chunk.doc_id), engine.catalog.meta(chunk.doc_id).get("date") or "")
    ask = Ask(text="忻州十三五期间教育经费总投入多少", qtype="number", years=["2020"])
    assert _tense_fit(ask, "past", sent.text, base) == 0.0  # the sentence alone states no past
    assert _tense_fit(ask, "past", sent.text, base, chunk.text[:sent.start]) == 1.0  # its passage does
