"""Properties of the cleaner and chunker on arbitrary text (hypothesis)."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planqa.corpus.chunking import chunk_document
from planqa.corpus.normalize import match_key, normalize_line
from planqa.corpus.structure import build_document

# Plan-text material: words, digits, Chinese punctuation, heading and list markers, tabs, pipes, blanks.
PIECES = ["人才", "发展", "规划", "教育", "就业", "技能", "到2025年", "10.3", "万人", "。", "，", "；", "：", "“", "”",
          "第一章 ", "第二节 ", "一、", "（一）", "1.", "专栏1 ", "\n", "\n\n", " ", "\t", "|", "?", "３", "——"]
text_strategy = st.lists(st.sampled_from(PIECES) | st.text(max_size=3), max_size=120).map("".join)


def _doc(text: str):
    return build_document(text.split("\n"), "prop", "prop.txt", "utf-8")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text_strategy)
def test_cleaner_and_chunker_never_crash(text):
    doc = _doc(text)
    chunks = chunk_document(doc, max_tokens=60, min_chars=10)
    for c in chunks:
        assert 0 <= c.start <= c.end <= len(doc.text)
        assert c.text.strip()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text_strategy)
def test_every_character_lands_in_exactly_one_chunk_or_heading(text):
    doc = _doc(text)
    chunks = chunk_document(doc, max_tokens=60, min_chars=10)
    owner = [0] * len(doc.text)
    for c in chunks:
        for i in range(c.start, c.end):
            owner[i] += 1
    for b in doc.blocks:
        if b.kind == "heading":
            for i in range(b.start, b.end):
                owner[i] += 1
    for i, ch in enumerate(doc.text):
        if not ch.isspace():
            assert owner[i] == 1, (i, ch, doc.text)
    for c in chunks:  # text and box chunks are the exact span they cite
        if c.kind != "table":
            assert c.text == doc.text[c.start:c.end]


PLAIN = st.lists(st.sampled_from(["人才", "发展", "教育", "到2025年", "10.3", "万人", "。", "，", "\n", "\n\n", " ",
                                  "“", "”", "３", "?"]), max_size=80).map("".join)


@settings(max_examples=150, deadline=None)
@given(PLAIN)
def test_cleaning_loses_and_duplicates_no_character_of_plain_prose(text):
    doc = _doc(text)
    before = sorted(match_key(unicodedata.normalize("NFKC", text)))
    after = sorted(match_key(doc.text))
    assert before == after


@given(st.text(max_size=60))
def test_normalising_a_line_twice_changes_nothing_more(line):
    line = re.sub(r"[\r\n]", "", line)
    once = normalize_line(line)
    assert normalize_line(once) == once
