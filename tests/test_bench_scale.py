"""The scale benchmark's own parts (bench/scale_corpus.py): the synthetic corpus, the tie-aware recall and the
memoised tokenizer must be right, or bench/SCALE.md measures the wrong thing."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from scale_corpus import MemoTokenizer, load_templates, recall_at_k, synthetic_documents  # noqa: E402

from planqa.index.bm25 import default_tokenizer  # noqa: E402
from planqa.index.texts import index_text  # noqa: E402


@pytest.fixture(scope="module")
def templates():
    return load_templates()


def test_synthetic_corpus_has_the_asked_size_unique_ids_and_is_reproducible(templates):
    pairs = list(synthetic_documents(1500, templates, seed=3))
    chunks = [c for _rec, cs in pairs for c in cs]
    assert len(chunks) == 1500
    assert len({c.chunk_id for c in chunks}) == 1500
    assert all(c.doc_id == rec["doc_id"] and rec["n_chunks"] == len(cs) for rec, cs in pairs for c in cs)
    again = [c.text for _rec, cs in synthetic_documents(1500, templates, seed=3) for c in cs]
    assert again == [c.text for c in chunks]
    other = [c.text for _rec, cs in synthetic_documents(1500, templates, seed=4) for c in cs]
    assert other != again


def test_synthetic_chunks_keep_demo_length_but_are_not_copies(templates):
    demo = [c.text for t in templates for c in t.chunks]
    chunks = [c for _rec, cs in synthetic_documents(3000, templates, seed=0) for c in cs]
    mean_demo = np.mean([len(t) for t in demo])
    mean_syn = np.mean([len(c.text) for c in chunks])
    assert 0.7 * mean_demo < mean_syn < 1.3 * mean_demo
    copies = set(demo) & {c.text for c in chunks if len(c.text) > 60}
    assert len(copies) < 0.05 * len(chunks)


def test_recall_counts_a_tied_twin_as_found_and_a_worse_row_as_missed():
    exact = np.array([[0.9, 0.8, 0.7]])
    assert recall_at_k(np.array([[0.9, 0.8, 0.7]]), exact, k=3) == 1.0
    assert recall_at_k(np.array([[0.9, 0.7, 0.7]]), exact, k=3) == 1.0  # a twin of the 3rd best
    assert recall_at_k(np.array([[0.9, 0.8, 0.5]]), exact, k=3) == pytest.approx(2 / 3)
    assert recall_at_k(np.array([[0.9, -np.inf, -np.inf]]), exact, k=3) == pytest.approx(1 / 3)


def test_memo_tokenizer_gives_the_product_tokens(templates):
    pairs = list(synthetic_documents(400, templates, seed=1))
    records = {rec["doc_id"]: rec for rec, _cs in pairs}
    texts = [index_text(c, records[c.doc_id]) for _rec, cs in pairs for c in cs]
    texts += [c.text for t in templates for c in t.chunks][:200]
    memo, ref = MemoTokenizer(), default_tokenizer()
    assert [memo.tokenize(t) for t in texts] == [ref.tokenize(t) for t in texts]
    assert memo.config_hash == ref.config_hash
    assert memo.hits > 0
