"""Specifications of "which chapter / part" answers (real demo corpus): the chapter is read off the heading
tree of the passages found — the chapter holding most of the accepted passages, helped by its outline (its
own heading and its sections' headings) — and the answer names the chapter and section of the passage it cites.

Questions here are written for these tests (not taken from the eval sets)."""

from __future__ import annotations

import pytest
from docids import QH, SY, ZJ

from planqa.qa.citations import CitationBuilder, quote_supported
from planqa.qa.features import Candidate
from planqa.qa.lookups import Lookups
from planqa.qa.match import Matcher

pytestmark = pytest.mark.slow


def _names_its_cited_passage(ans):
    assert not ans.refused and ans.citations, ans.answer
    c = ans.citations[0]
    assert quote_supported(c) and "[1]" in ans.answer
    assert c.chapter in ans.answer and (not c.section or c.section in ans.answer)  # chapter › section of the quote
    return c


def test_the_chapter_whose_sections_name_the_topic_beats_a_review_sentence_naming_it_too(engine):
    # 一、发展背景 has one sentence naming 评价/激励/流动; 五's sections are the 评价/激励/流动 机制 themselves
    c = _names_its_cited_passage(engine.ask("浙江人才规划中，人才的评价、激励和流动机制放在哪一部分？"))
    assert c.doc_id == ZJ and c.chapter.startswith("五、")


def test_the_section_of_the_chapter_is_named_with_it(engine):
    c = _names_its_cited_passage(engine.ask("邵阳规划里讲治理拖欠工资、劳动争议仲裁的是哪一部分？"))
    assert c.doc_id == SY and c.chapter.startswith("四、") and "和谐劳动关系" in c.section


def test_a_where_clause_after_a_question_asks_where_that_topic_is(engine):
    """"…怎样建设，写在哪一部分？": the second clause names no topic of its own, so it asks where the first
    one's topic is; both are answered, and the location does not quote the passage a second time."""
    question = "西宁、海东的科技人才队伍怎样建设，写在哪一部分？"
    _, asks, _ = engine.answerer().plan(question)
    assert [a.qtype for a in asks] == ["measure", "chapter"] and asks[1].text.startswith(asks[0].text)
    ans = engine.ask(question)
    c = _names_its_cited_passage(ans)
    assert c.doc_id == QH and c.chapter.startswith("五、")
    location = ans.answer.splitlines()[-1]
    assert c.chapter in location and location.endswith("]。")  # the passage quoted above is not repeated


def test_a_figure_asked_with_its_chapter_gets_both(engine):
    ans = engine.ask("晋城高技能人才总量目标是多少？写在哪一章？")
    assert "12万人" in ans.answer and "第二章" in ans.answer
    assert all(quote_supported(c) for c in ans.citations)


def _candidate(chunk, p: float) -> Candidate:
    text = chunk.text.split("。")[0] + "。"
    return Candidate(chunk, text, 0, len(text), 1.0, {}, p=p)


def test_several_accepted_passages_of_one_chapter_outweigh_one_better_sentence_elsewhere(engine):
    chunks = engine.catalog.chunks[ZJ]
    review = next(c for c in chunks if c.chapter.startswith("一、"))
    reform = [c for c in chunks if c.chapter.startswith("五、")][:2]
    lookups = Lookups(engine.catalog, 0.6, Matcher("cilin"))
    terms = ["这个"]  # no heading names it: the passages decide

    def cited(items):
        draft = lookups.chapter(terms, items, CitationBuilder(engine.catalog.meta), threshold=0.75)
        return draft and draft.builder.citations[0].chapter

    assert cited([_candidate(review, 0.95), _candidate(reform[0], 0.85), _candidate(reform[1], 0.80)]).startswith("五、")
    # below the threshold a passage is no evidence: the one accepted sentence decides
    assert cited([_candidate(review, 0.95), _candidate(reform[0], 0.7), _candidate(reform[1], 0.7)]).startswith("一、")
    # nothing accepted and no outline naming the ask: no chapter is answered
    assert cited([_candidate(review, 0.5), _candidate(reform[0], 0.7)]) is None
