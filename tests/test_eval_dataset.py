"""The dev and smoke sets: structure, and every quote really is in its source document."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from docids import COMPILATION

from planqa.eval.dataset import DATA_DIR, DEV_SET, QUESTION_TYPES, SMOKE_SET, check_items, load_dataset
from planqa.eval.textnorm import normalize
from planqa.settings import DEMO_CORPUS

PART_MARK = re.compile(r"\n篇[一二三四五六]:人才十四五发展纲要\n")


def source_texts() -> dict[str, str]:
    """doc_id -> normalised raw source text; the compilation split at its 篇一…篇六 headings."""
    out = {}
    for f in sorted(DEMO_CORPUS.glob("*.txt")):
        text = f.read_text(encoding="utf-8")
        if f.stem == COMPILATION:
            parts = PART_MARK.split(text)[1:]
            assert len(parts) == 6
            out.update({f"{COMPILATION}-p{i}": normalize(p) for i, p in enumerate(parts, 1)})
        else:
            out[f.stem] = normalize(text)
    return out


@pytest.fixture(scope="module")
def dev():
    return load_dataset(DEV_SET)


def test_dev_structure(dev):
    assert len(dev) >= 70
    assert check_items(dev) == []
    assert len({it.id for it in dev}) == len(dev)
    counts = Counter(it.type for it in dev)
    assert set(counts) == set(QUESTION_TYPES)
    assert counts["unanswerable"] >= 10 and counts["comparison"] >= 5


def test_every_document_is_covered(dev):
    docs = {d for it in dev for d in it.docs}
    assert docs == set(source_texts())


TEST_SET = DATA_DIR / "test.jsonl"


@pytest.mark.parametrize("path", [DEV_SET, TEST_SET], ids=["dev", "test"])
def test_quotes_are_in_their_source(path):
    texts = source_texts()
    items = load_dataset(path)
    assert check_items(items) == []
    for it in items:
        for doc, quote in zip(it.docs, it.quotes, strict=True):
            q = normalize(quote)
            assert 8 <= len(q) <= 60, (it.id, quote)
            assert q in texts[doc], (it.id, doc, quote)


@pytest.mark.parametrize("path", [DEV_SET, TEST_SET], ids=["dev", "test"])
def test_reference_answers_contain_their_keywords(path):
    from planqa.eval.grounding import keyword_in

    for it in load_dataset(path):
        assert all(keyword_in(it.answer, k) for k in it.keywords), it.id


def test_held_out_set_does_not_repeat_dev(dev):
    test = load_dataset(TEST_SET)
    assert len(test) >= 40
    assert not {it.id for it in test} & {it.id for it in dev}
    assert not {it.question for it in test} & {it.question for it in dev}
    dev_quotes = {normalize(q) for it in dev for q in it.quotes}
    assert not [it.id for it in test if any(normalize(q) in dev_quotes for q in it.quotes)]


def test_smoke_is_a_subset_of_dev(dev):
    smoke = load_dataset(SMOKE_SET)
    assert len(smoke) == 10
    by_id = {it.id: it for it in dev}
    assert all(by_id[s.id] == s for s in smoke)


def test_quotes_survive_the_corpus_layer(dev):
    """Quotes must be findable in the cleaned Document.text and in one chunk (with its headings) —
    retrieval metrics can only credit what a single chunk can hold."""
    corpus_mod = pytest.importorskip("planqa.corpus")
    if not hasattr(corpus_mod, "build_corpus"):
        pytest.skip("corpus layer not built yet")
    corpus = corpus_mod.build_corpus([DEMO_CORPUS])
    texts = {d.doc_id: normalize(d.text) for d in corpus.documents}
    chunks: dict[str, list[str]] = {}
    for c in corpus.chunks:
        chunks.setdefault(c.doc_id, []).append(normalize("".join([*c.heading_path, c.chapter, c.section, c.text])))
    items = dev + load_dataset(TEST_SET)
    pairs = [(it.id, d, normalize(q)) for it in items for d, q in zip(it.docs, it.quotes, strict=True)]
    assert [p for p in pairs if p[2] not in texts.get(p[1], "")] == []
    split = [p for p in pairs if not any(p[2] in t for t in chunks.get(p[1], []))]
    assert len(split) <= 3, split
