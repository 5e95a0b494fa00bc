"""Milvus Lite in the scale benchmark: the same synthetic corpus, vectors and queries as the embedded run,
written and searched through the Store interface (`PLANQA_STORE=milvus`, a local file URI).

Peak RSS is sampled over this process and all its descendants (/proc), so it stays right whether the
engine runs in-process (milvus-lite 3.2.2: Python gRPC threads) or as a child process (older releases)."""

from __future__ import annotations

import os
import random
import threading
import time
from pathlib import Path

import numpy as np


class TreeRss:
    """Peak resident memory of this process plus its descendants, sampled every 0.5 s."""

    def __init__(self) -> None:
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeRss:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    @staticmethod
    def sample_mb() -> float:
        parents: dict[int, int] = {}
        rss: dict[int, int] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    parents[int(entry)] = int(fh.read().rsplit(")", 1)[1].split()[1])
                with open(f"/proc/{entry}/statm") as fh:
                    rss[int(entry)] = int(fh.read().split()[1])
            except (OSError, IndexError, ValueError):
                continue
        tree, frontier = {os.getpid()}, [os.getpid()]
        while frontier:
            pid = frontier.pop()
            kids = [p for p, pp in parents.items() if pp == pid and p not in tree]
            tree.update(kids)
            frontier += kids
        return sum(rss.get(p, 0) for p in tree) * os.sysconf("SC_PAGE_SIZE") / 2**20

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            self.peak_mb = max(self.peak_mb, self.sample_mb())


def run_milvus(n: int, work: Path) -> dict:
    import scale
    from scale_ann import exact_topk
    from scale_corpus import HashEncoder, load_templates, recall_at_k, synthetic_documents

    from planqa.index.base import Batch, Query
    from planqa.index.factory import create_store
    from planqa.index.index import Index
    from planqa.settings import Settings

    res: dict = {"store": "milvus-lite", "n": n}
    with TreeRss() as rss:
        pairs = list(synthetic_documents(n, load_templates(), seed=0))
        res["docs"] = len(pairs)
        encoder = HashEncoder()
        work.mkdir(parents=True, exist_ok=True)
        settings = Settings(home=work, store="milvus", milvus_uri=str(work / "milvus.db"))
        index = Index(settings, create_store(settings), None, encoder)
        batch = Batch.from_vectors(pairs, np.zeros((sum(len(cs) for _r, cs in pairs), encoder.dim), np.float32),
                                   encoder.encoder_id, encoder.name, settings.index_kind)
        t = time.perf_counter()
        batch.vectors[:] = scale.encode_all(encoder, batch.texts)
        res["encode_s"] = round(time.perf_counter() - t, 1)
        marks: list[tuple[str, float]] = []
        t = time.perf_counter()
        index.write_batch(batch, lambda done, total, msg: marks.append((msg, time.perf_counter() - t)))
        res["build_s"] = round(time.perf_counter() - t, 1)  # insert (engine BM25 + jieba) + flush + index build
        inserts = [s for m, s in marks if "chunks" in m]
        res["insert_chunks_s"] = round(inserts[-1], 1) if inserts else None
        res["insert_rows_per_s"] = round(n / res["build_s"], 1)
        res["build_peak_rss_mb"] = round(rss.peak_mb)
        res["disk_mb"] = round(scale._du_mb(work))
        res["kind"] = index.manifest.index_kind
        chunks = batch.chunks
        records = [rec["doc_id"] for rec, _cs in pairs]
        qs = scale.queries(chunks)
        rng = random.Random(2)
        filt = [rng.choice(records) for _ in qs]
        index.search(qs[0], k=scale.K)
        _, ms = scale._timed(lambda q: index.search(q, k=scale.K, mode="hybrid"), qs)
        res["hybrid"] = scale._ms(ms)
        _, ms = scale._timed(lambda i: index.search(qs[i], k=scale.K, mode="hybrid", doc_ids=[filt[i]]),
                             range(len(qs)))
        res["hybrid_doc_filter"] = scale._ms(ms)
        _, ms = scale._timed(lambda q: index.search(q, k=scale.K, mode="bm25"), qs)
        res["bm25_only"] = scale._ms(ms)
        qvecs = encoder.encode_queries(qs)
        exact = exact_topk(batch.vectors, qvecs)
        view = index._view
        scores, ms = [], []
        for q, v in zip(qs, qvecs, strict=True):
            query = Query(q, lambda _t, v=v: v)
            t = time.perf_counter()
            hits = view.search(query, scale.K, "dense")
            ms.append((time.perf_counter() - t) * 1000)
            s = [h.dense for h in hits] + [-np.inf] * (scale.K - len(hits))
            scores.append(s)
        res["dense_ann"] = {"kind": res["kind"], "recall10": round(recall_at_k(np.array(scores), exact), 4),
                            **scale._ms(ms)}
        index.store.close()
        time.sleep(1)
        res["peak_rss_mb"] = round(rss.peak_mb)
    return res
