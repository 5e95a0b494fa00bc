"""Sentence vectors: one row per sentence of each chunk, kept for unchanged chunks, stored losslessly enough."""

from __future__ import annotations

import numpy as np

from planqa.index import sentvecs


def test_every_sentence_gets_its_own_vector_and_unchanged_chunks_keep_theirs(corpus, use_encoder, tmp_path):
    chunks = [c for c in corpus.chunks if c.kind == "text"][:6] + [c for c in corpus.chunks if c.kind == "table"][:2]
    items = sentvecs.encode_sentences(chunks, use_encoder)
    assert [s.chunk_id for s in items] == [c.chunk_id for c in chunks]
    for c, s in zip(chunks, items, strict=True):
        assert len(s.spans) == len(s.vectors) >= 1
        if c.kind == "table":
            assert s.spans == [(0, len(c.text))]  # a table row is one statement
        first = c.text[s.spans[0][0] : s.spans[0][1]]
        assert np.allclose(s.vectors[0], use_encoder.encode_documents([first])[0], atol=1e-5)

    sentvecs.save(tmp_path, items, use_encoder.dim)
    stored = sentvecs.load(tmp_path)
    assert all(stored[s.chunk_id].spans == s.spans for s in items)
    assert all(np.allclose(stored[s.chunk_id].vectors, s.vectors, atol=2e-3) for s in items)  # float16 on disk

    # only the chunk not in `reuse` is encoded; the others come back as the stored objects
    partial = {cid: v for cid, v in stored.items() if cid != chunks[3].chunk_id}
    again = sentvecs.encode_sentences(chunks, use_encoder, reuse=partial)
    assert all(again[i] is partial[c.chunk_id] for i, c in enumerate(chunks) if i != 3)
    assert np.allclose(again[3].vectors, items[3].vectors, atol=1e-5)


def test_a_version_without_sentence_vectors_loads_as_empty(tmp_path):
    assert sentvecs.load(tmp_path) == {}
