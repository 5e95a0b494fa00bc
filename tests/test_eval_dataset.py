"""The dev and smoke sets: structure, and every quote really is in its source document."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from planqa.eval.dataset import DEV_SET, QUESTION_TYPES, SMOKE_SET, check_items, load_dataset
from planqa.eval.textnorm import normalize
from planqa.settings import DEMO_CORPUS

COMPILATION = "004_7c121f2adea77f47"
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


def test_quotes_are_in_their_source(dev):
    texts = source_texts()
    for it in dev:
        for doc, quote in zip(it.docs, it.quotes, strict=True):
            q = normalize(quote)
            assert 8 <= len(q) <= 60, (it.id, quote)
            assert q in texts[doc], (it.id, doc, quote)


def test_smoke_is_a_subset_of_dev(dev):
    smoke = load_dataset(SMOKE_SET)
    assert len(smoke) == 10
    by_id = {it.id: it for it in dev}
    assert all(by_id[s.id] == s for s in smoke)


def test_quotes_survive_the_corpus_layer(dev):
    """Quotes must also be findable in the cleaned Document.text the index is built from."""
    corpus_mod = pytest.importorskip("planqa.corpus")
    if not hasattr(corpus_mod, "build_corpus"):
        pytest.skip("corpus layer not built yet")
    corpus = corpus_mod.build_corpus([DEMO_CORPUS])
    texts = {d.doc_id: normalize(d.text) for d in corpus.documents}
    missing = [(it.id, d, q) for it in dev for d, q in zip(it.docs, it.quotes, strict=True)
               if normalize(q) not in texts.get(d, "")]
    # Headers (文号, dates) may be lifted into metadata by the cleaner; everything else must survive.
    assert len(missing) <= 12, missing
