"""Ingest encodes in two forked processes when that is safe: the same vectors, in the same order, as in-process."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading

import numpy as np

from planqa.index.pool import PooledEncoder, can_fork, pooled


def test_the_pool_is_used_only_where_forking_is_safe(use_encoder):
    class Torchy:  # an encoder with threads of its own (a torch model) is never forked
        fork_safe = False

    assert not can_fork(Torchy(), 2) and not can_fork(use_encoder, 1)
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:  # another thread in the process (the page's server): encode in-process
        assert not can_fork(use_encoder, 2)
        with pooled(use_encoder, 2) as enc:
            assert enc is use_encoder
    finally:
        stop.set()
        thread.join()


def test_pooled_vectors_equal_in_process_vectors_on_real_chunks(tmp_path):
    # A fresh interpreter: pytest's process may hold other threads, where the pool stays off by design.
    script = textwrap.dedent(f"""
        import numpy as np
        from planqa.corpus import build_corpus
        from planqa.index.encoders import UseEncoder
        from planqa.index.pool import PooledEncoder, pooled
        from planqa.settings import DEMO_CORPUS
        chunks = build_corpus([DEMO_CORPUS / "{_first_demo_file()}"]).chunks[:120]
        texts = [c.text for c in chunks]
        enc = UseEncoder()
        alone = enc.encode_documents(texts)
        with pooled(enc, 2) as p:
            assert isinstance(p, PooledEncoder), "the pool was not used"
            both = p.encode_documents(texts)
            small = p.encode_documents(texts[:5])  # too small to split: in-process
        assert both.shape == alone.shape and np.abs(both - alone).max() < 1e-4  # BLAS sums differ with the batch size
        assert np.abs(small - alone[:5]).max() < 1e-4
        np.save("{tmp_path / 'ok.npy'}", both)
    """)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    assert np.load(tmp_path / "ok.npy").shape[1] == 512


def _first_demo_file() -> str:
    from planqa.settings import DEMO_CORPUS

    return sorted(p.name for p in DEMO_CORPUS.iterdir() if p.suffix in (".txt", ".md"))[0]


def test_a_pooled_encoder_keeps_the_encoders_identity(use_encoder):
    p = PooledEncoder(use_encoder, pool=None, workers=2)
    assert (p.encoder_id, p.name, p.dim, p.fallback) == (use_encoder.encoder_id, use_encoder.name, use_encoder.dim,
                                                          use_encoder.fallback)
    assert p.encode_documents(["一句话"]).shape == (1, use_encoder.dim)  # one text: never split
