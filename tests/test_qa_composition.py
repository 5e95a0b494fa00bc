"""How an extractive answer is composed from the passages the model picks, on the demo corpus's own
questions: one passage answering two asks is cited once for both, a further passage is cited only when
the model can hardly tell it from the best, a measure is answered with its whole paragraph, one chunk is
one citation, and no sentence of an answer is uncited or extraction debris (glued table cells, a lone
cell, a table or box caption)."""

from __future__ import annotations

import re

import pytest

from planqa.qa.answerer import eligible, near_tie
from planqa.qa.asks import Ask
from planqa.qa.citations import CitationBuilder
from planqa.qa.features import FEATURES, Candidate
from planqa.qa.sentences import is_title, split_sentences


def _chunk(engine, needle: str):
    return next(c for cs in engine.catalog.chunks.values() for c in cs if needle in c.text)


def _candidate(chunk, needle: str) -> Candidate:
    sent = next(s for s in split_sentences(chunk.text) if needle in s.text)
    f = {name: 0.0 for name in FEATURES} | {"place_fit": 1.0, "year_fit": 1.0, "type_fit": 1.0}
    return Candidate(chunk, sent.text, sent.start, sent.end, 1.0, f, p=0.99)


def _every_sentence_cited(answer: str) -> bool:
    """Each line is a lead-in ("…提出：") or its every sentence carries a marker."""
    for line in answer.splitlines():
        if line.endswith("："):
            continue
        sentences = [s for s in re.split(r"(?<=。)", line) if s.strip()]
        if not all(re.search(r"\[\d+\]", s) for s in sentences):
            return False
    return True


def test_one_passage_answering_two_asks_is_cited_once_for_both(engine):
    ans = engine.ask("晋城到“十四五”末，上班的人里持证的要占到多大比例？技工里头中级、高级的要占几成？")
    first, second = ans.answer.split("\n")
    assert "55%" in first and "85%" in first
    assert second.endswith("见上文[1]。")  # not the indicator table's row repeating 85%
    assert len(ans.citations) == 1


@pytest.mark.parametrize("question, figures", [
    ("浙江五年里要招进站的博后多少名？新来或留下的博士呢？", ["5500名", "5万名"]),
    ("浙江要往农村派多少搞技术的特派人员？农村的科技人员总数要到多少？", ["1万名", "40万人"]),
])
def test_a_number_answered_by_one_sentence_gets_no_weaker_second_passage(engine, question, figures):
    ans = engine.ask(question)
    assert all(f in ans.answer for f in figures)
    assert len(ans.citations) == 1 and _every_sentence_cited(ans.answer)


def test_a_further_passage_needs_odds_close_to_the_best():
    assert near_tie(0.96, 0.95)  # the model cannot tell them apart: both are cited
    assert near_tie(0.90, 0.76)  # odds 9 against 3.2: within a factor 3
    assert not near_tie(0.99, 0.90)  # odds 99 against 9: the best answers alone
    assert not near_tie(0.95, 0.80)


def test_glued_table_cells_never_appear_and_the_verdict_is_cited(engine):
    ans = engine.ask("每一万人里含金量高的专利，济源和浙江的目标差多少？哪个高？")
    assert not re.search(r"[\d.]{12,}", ans.answer)  # the flattened indicator table of 浙江
    assert "2.5件" in ans.answer and "17件" in ans.answer
    assert ans.answer.splitlines()[-1] == "比较：济源为2.5件[1]，浙江为17件[2]，浙江更高。"
    assert _every_sentence_cited(ans.answer) and len(ans.citations) == 2


@pytest.mark.parametrize("needle", ["141032.5360610321.8", "专栏5：人力资源服务园区建设工程",
                                    "表2：“十四五”时期全省人才发展主要指标一级指标序号", "二级指标"])
def test_extraction_debris_answers_nothing(engine, needle):
    debris = _candidate(_chunk(engine, needle), needle)
    assert not eligible(Ask(text="浙江人才发展主要指标有哪些", qtype="general"), debris)


def test_a_box_caption_is_not_cited_as_a_second_passage(engine):
    ans = engine.ask("忻州人资服务园区想建成什么档次？")
    assert "省级人力资源服务产业园" in ans.answer and "专栏" not in ans.answer
    assert len(ans.citations) == 1


def test_a_measure_is_answered_with_its_whole_paragraph(engine):
    ans = engine.ask("青海怎么扶持搞技术的人自己开公司？")
    chunk = ans.citations[0].text
    body = [s.text.rstrip("。") for s in split_sentences(chunk) if not is_title(s.text)]
    assert all(s in ans.answer for s in body)  # also the sentence the model alone scores low
    assert "孵化器" in ans.answer


def test_one_chunk_is_one_citation_whose_quote_spans_what_is_cited(engine):
    chunk = _chunk(engine, "推动科技企业孵化器、众创空间等创新载体发展")
    sents = [s.text for s in split_sentences(chunk.text)]
    builder = CitationBuilder(engine.catalog.meta)
    assert builder.cite(chunk, sents[0]) == builder.cite(chunk, sents[-1]) == 1
    quote = builder.citations[0].quote
    assert quote.startswith(sents[0]) and quote.endswith(sents[-1]) and quote in chunk.text
