"""Scale benchmark: build and search synthetic corpora of 10 k – 1 M chunks with each store.

    python bench/scale.py --sizes 10k --stores embedded,milvus          # quick
    python bench/scale.py --sizes 10k,100k,1m --sweep 100k --memo      # see bench/SCALE.md for what it ran
    python bench/scale.py --report                                     # rewrite SCALE.md's tables

Every (size, store) runs in its own process (`--child`), so build time and peak RSS (`ru_maxrss`) are
its own. Corpora come from `scale_corpus.synthetic_documents` (demo chunks recombined), vectors from
`scale_corpus.HashEncoder` (a deterministic stand-in for USE, same dimension); USE's own encoding rate
is measured on the demo chunks and reported beside it.

Each store is built through the Store interface's bulk entry (`Batch.from_vectors` → `Index.write_batch`)
and searched with `Index.search` as the product calls it (query encoding included); the store's dense
structure is then compared with exact search (tie-aware recall@10). --sweep runs the HNSW/IVF parameter
sweep (`scale_ann.py`) on the same vectors; Milvus Lite is `scale_milvus.py`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale_corpus import HashEncoder, MemoTokenizer, load_templates, synthetic_documents  # noqa: E402

from planqa.eval.stats import percentile  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
WORK = Path(os.environ.get("PLANQA_SCALE_WORK", "/tmp/planqa-scale"))  # indexes (GBs), outside the repo
RUNS = Path(__file__).resolve().parent / "scale_runs"  # results, in the repo
N_QUERIES = 300
K = 10


def _size(text: str) -> int:
    text = text.strip().lower()
    mult = {"k": 1_000, "m": 1_000_000}.get(text[-1], 1)
    return int(float(text[:-1] if mult > 1 else text) * mult)


def _label(n: int) -> str:
    return f"{n // 1_000_000}M" if n >= 1_000_000 and n % 1_000_000 == 0 else f"{n // 1000}k"


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _du_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def _ms(samples: list[float]) -> dict:
    return {"p50": round(percentile(samples, 0.5), 2), "p95": round(percentile(samples, 0.95), 2)}


def queries(chunks, n: int = N_QUERIES, seed: int = 1) -> list[str]:
    """The eval questions (dev + test + smoke), topped up with sentence fragments of the corpus."""
    qs = []
    for name in ("dev", "test", "smoke"):
        path = ROOT / "eval" / "data" / f"{name}.jsonl"
        qs += [json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rng = random.Random(seed)
    while len(qs) < n:
        text = rng.choice(chunks).text
        start = rng.randrange(max(1, len(text) - 20))
        qs.append(text[start : start + rng.randint(8, 20)])
    return qs[:n]


def _timed(fn, items) -> tuple[list, list[float]]:
    out, ms = [], []
    for it in items:
        t = time.perf_counter()
        out.append(fn(it))
        ms.append((time.perf_counter() - t) * 1000)
    return out, ms


def encode_all(encoder, texts: list[str], batch: int = 20_000) -> np.ndarray:
    out = np.zeros((len(texts), encoder.dim), dtype=np.float32)
    for s in range(0, len(texts), batch):
        out[s : s + batch] = encoder.encode_documents(texts[s : s + batch])
    return out


# ---------------------------------------------------------------- embedded store (the product path)
def run_embedded(n: int, memo: bool, kind: str = "auto") -> dict:
    """Bulk build through the Store interface (`Batch.from_vectors` → `Index.write_batch`: BM25 tokens,
    bm25s, FAISS, version folder), then `Index.search` as the product calls it (query encoding included)."""
    from scale_ann import dense_probe, exact_topk

    from planqa.index.base import Batch
    from planqa.index.bm25 import default_tokenizer
    from planqa.index.factory import create_store
    from planqa.index.index import Index
    from planqa.settings import Settings

    res: dict = {"store": "embedded", "n": n, "rss_start_mb": round(_rss_mb())}
    t = time.perf_counter()
    pairs = list(synthetic_documents(n, load_templates(), seed=0))
    res["generate_s"] = round(time.perf_counter() - t, 1)
    res["docs"] = len(pairs)
    encoder = HashEncoder()
    tokenizer = MemoTokenizer() if memo else default_tokenizer()
    settings = Settings(home=WORK / f"embedded-{n}", index_kind=kind)
    index = Index(settings, create_store(settings, tokenizer), None, encoder)
    batch = Batch.from_vectors(pairs, np.zeros((sum(len(cs) for _r, cs in pairs), encoder.dim), np.float32),
                               encoder.encoder_id, encoder.name, settings.index_kind, tokenizer.config_hash)
    t = time.perf_counter()
    batch.vectors[:] = encode_all(encoder, batch.texts)
    res["encode_s"] = round(time.perf_counter() - t, 1)
    marks: list[tuple[str, float]] = []
    t = time.perf_counter()
    index.write_batch(batch, lambda done, total, msg: marks.append((msg, time.perf_counter() - t)))
    res["build_s"] = round(time.perf_counter() - t, 1)  # tokenise + bm25s + FAISS + write the version folder
    res["tokenize_s"] = round(marks[-1][1], 1) if marks else None
    if memo:
        res["tokenizer"] = {"memo_hits": tokenizer.hits, "memo_misses": tokenizer.misses}
        tokenizer._memo.clear()
    res["build_peak_rss_mb"] = round(_rss_mb())
    folder = index.version_dir
    res["disk_mb"] = round(_du_mb(folder)) if folder else None
    res["kind"] = index.manifest.index_kind
    chunks = batch.chunks
    records = {rec["doc_id"]: rec for rec, _cs in pairs}
    del batch
    qs = queries(chunks)
    rng = random.Random(2)
    filt = [rng.choice(list(records)) for _ in qs]
    index.search(qs[0], k=K)  # warm-up (also builds the per-version name table)
    _, ms = _timed(lambda q: index.search(q, k=K, mode="hybrid"), qs)
    res["hybrid"] = _ms(ms)
    _, ms = _timed(lambda i: index.search(qs[i], k=K, mode="hybrid", doc_ids=[filt[i]]), range(len(qs)))
    res["hybrid_doc_filter"] = _ms(ms)
    _, ms = _timed(lambda q: index.search(q, k=K, mode="bm25"), qs)
    res["bm25_only"] = _ms(ms)
    # The store's own dense structure (choose_kind + parameters) against exact search on its vectors.
    vstore = index._view.state.vectors
    qvecs = encoder.encode_queries(qs)
    exact = exact_topk(vstore.vectors, qvecs)
    res["dense_ann"] = {"kind": vstore.kind, **dense_probe(vstore._index, qvecs, exact)}
    # The search-time knob over the same built structure (confirms the sweep's choice at this size).
    knob, values = {"ivf": ("nprobe", (16, 32, 64, 128, 256)), "hnsw": ("efSearch", (64, 128, 256, 512))}.get(
        vstore.kind, ("", ()))
    holder = vstore._index.hnsw if vstore.kind == "hnsw" else vstore._index
    res["dense_knob"] = []
    for value in values:
        saved = getattr(holder, knob)
        setattr(holder, knob, value)
        res["dense_knob"].append({knob: value, **dense_probe(vstore._index, qvecs, exact)})
        setattr(holder, knob, saved)
    res["peak_rss_mb"] = round(_rss_mb())
    return res


def run_serve(n: int) -> dict:
    """A fresh process opening the embedded index written by the `embedded` run (what a restarted server
    does): load time, resident memory, hybrid latency on the same queries."""
    from planqa.index.factory import create_store
    from planqa.index.index import Index
    from planqa.settings import Settings

    settings = Settings(home=WORK / f"embedded-{n}")
    store = create_store(settings)
    t = time.perf_counter()
    view = store.current()
    res: dict = {"store": "embedded-reopen", "n": n, "load_s": round(time.perf_counter() - t, 1),
                 "rss_after_load_mb": round(_rss_mb())}
    index = Index(settings, store, view, HashEncoder())
    qs = queries(view.state.chunks)  # the same 300 queries as the build run
    index.search(qs[0], k=K)
    _, ms = _timed(lambda q: index.search(q, k=K, mode="hybrid"), qs)
    res["hybrid"] = _ms(ms)
    return res


def run_sweep(n: int) -> dict:
    """Dense parameter sweep only (no store), on the vectors and queries the store runs use."""
    from scale_ann import exact_topk, sweep

    from planqa.index.texts import index_text

    pairs = list(synthetic_documents(n, load_templates(), seed=0))
    records = {rec["doc_id"]: rec for rec, _cs in pairs}
    chunks = [c for _rec, cs in pairs for c in cs]
    encoder = HashEncoder()
    t = time.perf_counter()
    vectors = encode_all(encoder, [index_text(c, records[c.doc_id]) for c in chunks])
    enc_s = time.perf_counter() - t
    qs = queries(chunks)
    qvecs = encoder.encode_queries(qs)
    exact = exact_topk(vectors, qvecs)
    del pairs, chunks, records
    rows = sweep(vectors, qvecs, exact, log=lambda r: print(json.dumps(r), file=sys.stderr, flush=True))
    return {"store": "sweep", "n": n, "encode_s": round(enc_s, 1), "sweep": rows}


def use_rate() -> dict:
    """USE multilingual v3 (the bundled encoder) on the demo chunks, as ingest runs it (batches of 32)."""
    from planqa.corpus import build_corpus
    from planqa.index.encoders import UseEncoder
    from planqa.index.texts import index_text
    from planqa.settings import DEMO_CORPUS

    corpus = build_corpus([DEMO_CORPUS])
    texts = [index_text(c, {}) for c in corpus.chunks][:320]
    enc = UseEncoder()
    enc.encode_documents(texts[:8])
    t = time.perf_counter()
    for s in range(0, len(texts), 32):
        enc.encode_documents(texts[s : s + 32])
    rate = len(texts) / (time.perf_counter() - t)
    h = HashEncoder()
    t = time.perf_counter()
    h.encode_documents(texts)
    return {"use_chunks_per_s": round(rate, 1), "hash_chunks_per_s": round(len(texts) / (time.perf_counter() - t)),
            "use_hours_for_1M": round(1_000_000 / rate / 3600, 1)}


# ---------------------------------------------------------------- driver
def child(args) -> None:
    if args.child == "serve":
        res = run_serve(args.n)
    elif args.child == "sweep":
        res = run_sweep(args.n)
    elif args.child == "use":
        res = use_rate()
    elif args.child == "embedded":
        res = run_embedded(args.n, args.memo, args.kind)
    else:
        from scale_milvus import run_milvus

        res = run_milvus(args.n, WORK / f"milvus-{args.n}")
    res.setdefault("peak_rss_mb", round(_rss_mb()))
    print(json.dumps(res, ensure_ascii=False))


def spawn(kind: str, n: int = 0, extra: tuple[str, ...] = ()) -> dict:
    """One child process per (store, size); its result goes to bench/scale_runs/<store>-<n>.json."""
    RUNS.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, __file__, "--child", kind, "--n", str(n), *extra]
    print("running", " ".join(cmd), flush=True)
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"})
    if proc.returncode != 0:
        res = {"store": kind, "n": n, "error": proc.stderr.strip().splitlines()[-1:] or ["failed"]}
        print(proc.stderr[-3000:], file=sys.stderr)
    else:
        res = json.loads(proc.stdout.strip().splitlines()[-1])
    res["wall_s"] = round(time.perf_counter() - t, 1)
    name = "use" if kind == "use" else f"{kind}-{n}"
    (RUNS / f"{name}.json").write_text(json.dumps(res, ensure_ascii=False), encoding="utf-8")
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10k", help="comma-separated chunk counts, e.g. 10k,100k,1m")
    ap.add_argument("--stores", default="embedded", help="embedded,milvus")
    ap.add_argument("--sweep", default="", help="sizes at which to sweep HNSW/IVF parameters")
    ap.add_argument("--no-use", action="store_true", help="skip measuring USE's encoding rate")
    ap.add_argument("--report", action="store_true", help="only rewrite SCALE.md's tables from the stored results")
    ap.add_argument("--kind", default="auto", help="embedded index kind (auto | flat | hnsw | ivf)")
    ap.add_argument("--memo", action="store_true",
                    help="memoised jieba blocks (identical tokens; makes 1 M fit a time box)")
    ap.add_argument("--child", default="", help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args)
        return
    if not args.report:
        if not args.no_use:
            spawn("use")
        for n in [_size(s) for s in args.sweep.split(",") if s]:
            spawn("sweep", n)
        extra = ("--kind", args.kind) + (("--memo",) if args.memo else ())
        for n in [_size(s) for s in args.sizes.split(",") if s]:
            for store in args.stores.split(","):
                spawn(store, n, extra if store == "embedded" else ())
    import scale_report

    scale_report.main()


if __name__ == "__main__":
    main()
