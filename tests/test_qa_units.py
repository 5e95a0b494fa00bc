"""Unit tests of the qa layer on hand-made chunks and a tiny in-test retriever (no index needed)."""

from __future__ import annotations

import pytest

from planqa.corpus.models import Chunk
from planqa.corpus.places import named_places
from planqa.corpus.terms import bigrams
from planqa.index.catalog import Catalog
from planqa.index.types import Hit
from planqa.qa import Answer, Engine
from planqa.qa.analysis import analyse
from planqa.qa.citations import check_answer, quote_supported
from planqa.qa.followup import answer_items, normalize_history, rewrite
from planqa.qa.models import Citation
from planqa.qa.sentences import split_sentences
from planqa.settings import Settings

DOCS = [
    {"doc_id": "a", "title": "大同市“十四五”人才发展规划", "issuer": "大同市人民政府", "doc_number": "同政发〔2022〕5号",
     "date": "2022-03-01", "region": "大同市"},
    {"doc_id": "b", "title": "朔州市“十四五”教育发展规划", "issuer": "朔州市人民政府", "doc_number": "",
     "date": "2021-10-21", "region": "朔州市"},
]
TEXTS = {
    "a": [
        ("", "", "大同市人民政府文件\n同政发〔2022〕5号\n大同市人民政府关于印发大同市“十四五”人才发展规划的通知"),
        ("第二章 总体要求", "第三节 主要目标",
         "到“十四五”期末，全市从业人员持证率达到55%以上，中高级技能人才占技能人才比重达85%以上。"),
        ("第六章 技能富民", "第二节 打造劳务品牌",
         "以劳务品牌“棋源叉车工”为引领，打造特色劳务品牌。\n每年开展3万人次的免费职业技能培训。\n建设技能大师工作室50个。"),
    ],
    "b": [
        ("第四章 职业教育", "第一节 中职学校", "建设2所省级高水平中等职业学校。\n推动职业教育全面提升。"),
        ("第二章 总体思路", "第三节 目标", "到2025年，全市高技能人才总量达到16.57万人。"),
    ],
}


def _chunks() -> dict[str, list[Chunk]]:
    out = {}
    for doc_id, rows in TEXTS.items():
        out[doc_id] = [Chunk(chunk_id=f"{doc_id}:{i:04d}", doc_id=doc_id, text=t, chapter=ch, section=se,
                             heading_path=[x for x in (ch, se) if x], order=i)
                       for i, (ch, se, t) in enumerate(rows)]
    return out


class TinyIndex:
    """Bigram-overlap retriever with the Index interface the engine uses."""

    def __init__(self):
        self._chunks = _chunks()

    def documents(self):
        return DOCS

    def chunks_of(self, doc_id):
        return self._chunks.get(doc_id, [])

    def search(self, query, k=10, mode="hybrid", doc_ids=None, regions=None, kinds=None):
        qb = bigrams(query)
        scored = []
        for doc_id, chunks in self._chunks.items():
            if doc_ids and doc_id not in doc_ids:
                continue
            for c in chunks:
                s = len(qb & bigrams(c.text + c.chapter + c.section)) / (len(qb) or 1)
                scored.append(Hit(chunk=c, score=s))
        scored.sort(key=lambda h: -h.score)
        for i, h in enumerate(scored, 1):
            h.rank = i
        return scored[:k]


@pytest.fixture()
def engine(tmp_path):
    return Engine(Settings(home=tmp_path), TinyIndex())


def test_split_sentences_offsets_exact():
    text = "一、目标\n到2025年，持证率达到55%以上；中高级占比85%。完善体系！"
    for s in split_sentences(text):
        assert text[s.start : s.end] == s.text


def test_named_places_and_analysis():
    cat = Catalog.from_index(TinyIndex())
    assert "太原市" in named_places("太原市技能人才目标是多少")
    a = analyse("大同市的持证率目标是多少？", cat)
    assert a.doc_ids == ["a"] and a.qtype == "number"
    a = analyse("太原市的持证率目标是多少？", cat)
    assert a.unknown_places == ["太原市"] and not a.doc_ids
    assert analyse("大同市规划的文号是什么？", cat).qtype == "metadata"
    assert analyse("大同市规划哪一章讲技能富民？", cat).qtype == "chapter"
    assert analyse("大同市和朔州市的目标分别是多少？", cat).qtype == "comparison"
    assert analyse("大同市怎么打造劳务品牌？", cat).qtype == "measure"


def test_number_answer_cites_exact_quote(engine):
    ans = engine.ask("大同市从业人员持证率要达到多少？")
    assert not ans.refused
    assert "55%" in ans.answer and "[1]" in ans.answer
    assert ans.answer.startswith("《大同市")
    c = ans.citations[0]
    assert c.doc_id == "a" and c.chapter == "第二章 总体要求" and quote_supported(c)


def test_measure_answer_lists_items(engine):
    ans = engine.ask("大同市打算怎么打造特色劳务品牌？")
    assert "棋源叉车工" in ans.answer
    assert "1. " in ans.answer
    assert all(quote_supported(c) for c in ans.citations)


def test_metadata_from_document_meta(engine):
    ans = engine.ask("大同市人才发展规划的文号是什么？")
    assert "同政发〔2022〕5号" in ans.answer and ans.citations[0].chunk_id == "a:0000"


def test_chapter_answer(engine):
    ans = engine.ask("大同市规划里劳务品牌在哪一章？")
    assert "第六章 技能富民" in ans.answer


def test_comparison_one_part_per_document(engine):
    ans = engine.ask("大同市和朔州市的高技能人才总量分别是多少？")
    assert "《大同市" in ans.answer and "《朔州市" in ans.answer
    part_a, part_b = ans.answer.split("\n")  # one line per document, in the question's order
    assert part_a.startswith("《大同市") and part_b.startswith("《朔州市")
    assert "16.57" in part_b


def test_refusals(engine):
    ans = engine.ask("太原市“十四五”高技能人才总量目标是多少？")
    assert ans.refused and ans.answer.startswith("文件中未找到") and "太原" in ans.refusal_reason
    ans = engine.ask("大同市到2035年持证率要达到多少？")
    assert ans.refused and "2035" in ans.refusal_reason


def test_followups_rules():
    hist = [("大同市从业人员持证率要达到多少？", "《甲》……[1]")]
    assert rewrite("那朔州市呢？", hist) == "朔州市从业人员持证率要达到多少？"
    hist = [("大同市有哪些措施？", "《甲》提出以下措施：\n1. 打造劳务品牌。[1]\n2. 开展免费职业技能培训。[2]")]
    assert answer_items(hist[0][1]) == ["打造劳务品牌", "开展免费职业技能培训"]
    assert "开展免费职业技能培训" in rewrite("第二条具体怎么做？", hist)
    assert rewrite("它的文号是什么？", hist) == "大同市的文号是什么？"
    assert rewrite("朔州市的文号是什么？", hist) == ""
    msgs = [{"role": "user", "content": "q1"}, {"role": "assistant", "content": "a1"}]
    assert normalize_history(msgs) == [("q1", "a1")]


def test_engine_followup_sets_rewritten_question(engine):
    first = engine.ask("大同市从业人员持证率要达到多少？")
    ans = engine.ask("它的文号是什么？", history=[(first.question, first.answer)])
    assert ans.rewritten_question == "大同市的文号是什么？"
    assert "同政发〔2022〕5号" in ans.answer


def test_check_answer_removes_bad_markers_and_flags_numbers():
    c = Citation(n=1, chunk_id="x", doc_id="a", doc_title="t", doc_number="", chapter="", section="",
                 quote="持证率达到55%", text="持证率达到55%以上。", quote_start=0, quote_end=8)
    text, kept, warnings = check_answer("持证率达到55%[1]，另有78%的目标[9]。", [c])
    assert "[9]" not in text and "[1]" in text and len(kept) == 1
    assert any("78" in w for w in warnings) and any("[9]" in w for w in warnings)


def test_answer_json_shape(engine):
    d = engine.ask("大同市从业人员持证率要达到多少？").to_dict()
    for key in ("question", "answer", "refused", "refusal_reason", "mode", "citations", "latency_ms"):
        assert key in d
    for key in ("n", "doc_id", "doc_title", "doc_number", "chapter", "section", "quote", "text", "score"):
        assert key in d["citations"][0]
    assert Answer.from_dict(d).to_dict() == d


def test_followups_chain_and_standalone():
    hist = [("大同市从业人员持证率要达到多少？", "…"), ("那朔州市呢？", "…")]
    # a chain of "那X呢" keeps the intent of the last real question
    assert rewrite("那阳泉市呢？", hist) == "阳泉市从业人员持证率要达到多少？"
    # a question that says what it asks is not rewritten, even with a follow-up cue
    assert rewrite("朔州市的技能大师工作室具体有多少？", hist) == ""
    # no history: nothing to rewrite
    assert rewrite("那朔州市呢？", []) == ""
    # 其中 is not a pronoun; the new focus keeps the old way of asking
    assert rewrite("其中高技能人才呢？", hist[:1]) == "大同市高技能人才要达到多少？"


class EmptyIndex(TinyIndex):
    def __init__(self):
        self._chunks = {}

    def documents(self):
        return []


@pytest.mark.parametrize("question", ["", "   ", "？", "hello", "晋城呢？"])
def test_odd_questions_never_crash(engine, question):
    ans = engine.ask(question)
    assert isinstance(ans, Answer) and (ans.refused or ans.citations)


def test_empty_index_refuses(tmp_path):
    ans = Engine(Settings(home=tmp_path), EmptyIndex()).ask("持证率目标是多少？")
    assert ans.refused and ans.answer.startswith("文件中未找到")


def test_history_with_multimodal_style_content():
    msgs = [{"role": "user", "content": [{"type": "text", "text": "大同市持证率是多少？"}]},
            {"role": "assistant", "content": "《甲》……[1]"}]
    assert normalize_history(msgs) == [("大同市持证率是多少？", "《甲》……[1]")]
