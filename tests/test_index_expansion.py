"""Query expansion for the lexical route (index/expansion.py): a question's rare short form finds the plans'
spelled-out term, from the index version's own vocabulary, whatever jieba's segmentation of that term."""

from __future__ import annotations

import json

import pytest

from planqa.index.base import Query
from planqa.index.bm25 import Tokenizer
from planqa.index.expansion import Lexicon, words_of


@pytest.fixture(scope="module")
def lexicon(demo_index) -> Lexicon:
    return demo_index._view.lexicon()


def test_search_mode_tokens_give_back_the_word_sequence():
    tokens = Tokenizer().tokenize("稳定中等职业教育规模")
    assert "职业" in tokens and "教育" in tokens  # search mode also yields the parts of 职业教育
    assert words_of(tokens) == ["稳定", "中等", "职业教育", "规模"]


def test_short_forms_expand_to_the_plans_terms(lexicon):
    assert lexicon.abbreviated("专技")[0] == "专业技术人才"
    assert lexicon.abbreviated("社工")[0] == "社会工作"
    assert lexicon.abbreviated("职教") == ("职业教育",)
    assert lexicon.abbreviated("卫健") == ("卫生健康",)


def test_a_term_split_by_the_segmenter_is_found_through_adjacent_words(lexicon):
    # jieba cuts 中等职业教育 into 中等 / 职业教育: no single token starts 中…职, the adjacent pair does
    assert "中等职业教育" not in lexicon._tokens
    assert lexicon.abbreviated("中职") == ("中等职业教育",)


def test_only_rare_short_forms_expand_and_only_to_real_sources(lexicon):
    assert lexicon.abbreviated("职业") == ()  # common in the plans: the user's word is the plans' word
    assert lexicon.abbreviated("教育") == ()
    assert lexicon.abbreviated("国外") == ()  # 国内外 = 国内 + a one-character affix, not 国外's source
    assert lexicon.abbreviated("不到") == ()  # 不到位 holds the term itself: a longer word, not its source
    assert lexicon.abbreviated("AI") == () and lexicon.abbreviated("人") == ()
    assert lexicon.expand(["社工", "社会工作"]) == ["社会工作人才", "社会工作岗位"]  # never a question word


def test_search_finds_the_spelled_out_passage_the_plain_query_misses(demo_index):
    question = "社工人才规模"
    hits = demo_index.search(question, k=3, mode="bm25")
    assert all("社会工作" in h.chunk.text for h in hits[:2])
    plain = demo_index.store.current().search(Query(question, lambda _text: None), 3, "bm25")
    assert not any("社会工作" in s.chunk.text for s in plain)


def test_the_lexicon_is_stored_with_the_version_and_round_trips(demo_index, lexicon, tmp_path):
    assert (demo_index.version_dir / "lexicon.txt").exists()
    pieces = lexicon.pieces(60000)
    assert len(pieces) > 1 and all(len(json.dumps(p, ensure_ascii=False).encode()) <= 60000 for p in pieces)
    again = Lexicon.from_pieces(pieces)
    assert again.df == lexicon.df and again.abbreviated("中职") == lexicon.abbreviated("中职")
    # a version folder written before lexicon.txt existed builds it from the stored tokens
    rebuilt = Lexicon.build(demo_index._view.state.tokens)
    assert rebuilt.df == lexicon.df


def test_the_lexicon_is_read_once_per_version(demo_index_copy):
    index = demo_index_copy
    index.search("专技人才总数", k=1)
    first = index._of_version[1]["lexicon"]
    index.search("中职在校生", k=1, mode="bm25")
    assert index._of_version[1]["lexicon"] is first
    index.search("专技人才总数", k=1, mode="dense")
    index.remove(index.documents()[0]["doc_id"])
    index.search("专技人才总数", k=1)
    assert index._of_version[1]["lexicon"] is not first
