"""Encoding an ingest batch in forked worker processes.

USE runs on one BLAS thread (a two-thread BLAS call waits for both threads and is 2.5× slower on a busy machine,
index/README.md), so one process encodes on one core. Independent halves of a batch in two processes use both
cores and degrade gracefully when the machine is busy. Forking is only safe in a process without other threads
(a lock another thread holds would stay locked in the child) and with an encoder whose state is plain arrays, so
the pool is used only then; the page (a threaded server) encodes in-process as before.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import numpy as np

from planqa.index.encoders import Encoder

MIN_SPLIT = 16  # texts per worker below which a batch is encoded in-process (IPC would cost more than it saves)
_worker_encoder: Encoder | None = None  # set in each forked worker by `_init` (inherited, never pickled)


def _init(encoder: Encoder) -> None:
    global _worker_encoder
    _worker_encoder = encoder


def _encode(texts: list[str]) -> np.ndarray:
    assert _worker_encoder is not None
    return _worker_encoder.encode_documents(texts)


# Libraries that run native threads `threading` does not count: gRPC (the Milvus client), torch's OpenMP pool.
_NATIVE_THREADS = ("grpc", "torch")


def can_fork(encoder: Encoder, workers: int) -> bool:
    return (workers > 1 and getattr(encoder, "fork_safe", False) and threading.active_count() == 1
            and not any(m in sys.modules for m in _NATIVE_THREADS)
            and "fork" in multiprocessing.get_all_start_methods())


class PooledEncoder(Encoder):
    """`encoder` with `encode_documents` split over a pool of forked processes (same vectors, same order)."""

    def __init__(self, encoder: Encoder, pool, workers: int) -> None:
        self.inner, self._pool, self._n = encoder, pool, workers
        self.encoder_id, self.name, self.dim = encoder.encoder_id, encoder.name, encoder.dim
        self.fallback, self.note = encoder.fallback, encoder.note

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        n = min(self._n, len(texts) // MIN_SPLIT)
        if n < 2:
            return self.inner.encode_documents(texts)
        step = -(-len(texts) // n)
        parts = self._pool.map(_encode, [texts[i : i + step] for i in range(0, len(texts), step)])
        return np.vstack(parts).astype(np.float32, copy=False)


@contextmanager
def pooled(encoder: Encoder, workers: int) -> Iterator[Encoder]:
    """The encoder to use for one batch: pooled when forking is safe and useful, else `encoder` itself."""
    workers = min(workers, os.cpu_count() or 1)
    if not can_fork(encoder, workers):
        yield encoder
        return
    with multiprocessing.get_context("fork").Pool(workers, initializer=_init, initargs=(encoder,)) as pool:
        yield PooledEncoder(encoder, pool, workers)
