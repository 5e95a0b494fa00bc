"""Synthetic corpora for the scale benchmark, grown from the demo corpus, and a fast stand-in encoder.

A synthetic document copies the structure of one demo document (its chunks' headings, kinds and
labels, in order); each chunk's text is built from that document's sentences: about half the
template chunk's own sentences, the rest drawn from anywhere in the same document, shuffled. The
document's place names are replaced by a new place (drawn from a pool of generated names plus the
demo's own regions, so questions naming 晋城 or 忻州 still find a few documents) and every figure
that is not a year is scaled by a random factor. Length, vocabulary and structure stay those of real
plan text; no two chunks are copies of each other.

`HashEncoder` stands in for USE when a million chunks would take hours to encode: character 1-2-gram
counts hashed into 2^15 buckets, projected with a fixed Gaussian matrix to USE's 512 dimensions and
L2-normalised. It is deterministic, needs no model, and texts sharing words get similar vectors, so
ANN recall and latency behave as on real embeddings of this kind of text (it is not a semantic model:
answer quality is not measured here).
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

import numpy as np

from planqa.corpus.models import Chunk
from planqa.corpus.sentences import split_sentences
from planqa.index.bm25 import Tokenizer
from planqa.index.encoders import Encoder

DIM = 512  # USE multilingual v3
_BUCKETS = 1 << 15
# Characters common in Chinese place names; two of them + a suffix make a plausible new place.
_PLACE_CHARS = "安宁平阳和泰兴华新昌丰永庆德嘉福临清长东西南北江河山川湖海云岭峰城岗桥林泉溪源通远乐康定明光"
_PLACE_SUFFIX = ("市", "县", "区")
_FIGURE = re.compile(r"\d+(?:\.\d+)?")
_REGION_SUFFIX = re.compile(r"(省|市|县|区)$")


@dataclass
class Template:
    """One demo document: its record, chunks, sentence pool and the names to rename."""

    record: dict
    chunks: list[Chunk]
    sentences: list[list[str]]  # per chunk
    pool: list[str]  # every sentence of the document
    names: list[str]  # place names to replace (longest first)


def load_templates() -> list[Template]:
    from planqa.corpus import build_corpus
    from planqa.index.store import document_record
    from planqa.settings import DEMO_CORPUS

    corpus = build_corpus([DEMO_CORPUS])
    out = []
    for doc in corpus.documents:
        chunks = [c for c in corpus.chunks if c.doc_id == doc.doc_id]
        if not chunks:
            continue
        sents = [[s.text for s in split_sentences(c.text)] or [c.text] for c in chunks]
        region = doc.region if doc.region not in ("", "全国") else ""
        names = sorted({region, _REGION_SUFFIX.sub("", region)} - {""}, key=len, reverse=True)
        names = [n for n in names if len(n) >= 2]
        out.append(Template(document_record(doc, chunks), chunks, sents, [s for ss in sents for s in ss], names))
    return out


def place_pool(n: int, seed: int = 0) -> list[str]:
    """n distinct generated place names plus the demo's regions (deterministic)."""
    rng = random.Random(seed)
    names: list[str] = ["晋城市", "忻州市", "高平市", "济源市", "邵阳市", "青海省", "浙江省"]
    seen = set(names)
    while len(names) < n:
        name = rng.choice(_PLACE_CHARS) + rng.choice(_PLACE_CHARS) + rng.choice(_PLACE_SUFFIX)
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def _shift_figures(text: str, factor: float) -> str:
    def shift(m: re.Match) -> str:
        s = m.group(0)
        if "." not in s and len(s) == 4 and s[:2] in ("19", "20"):
            return s  # a year
        if "." in s:
            decimals = len(s.split(".")[1])
            return f"{float(s) * factor:.{decimals}f}"
        return str(max(1, round(int(s) * factor))) if int(s) else s

    return _FIGURE.sub(shift, text)


def _rename(text: str, names: Sequence[str], new: str) -> str:
    short = _REGION_SUFFIX.sub("", new)
    for name in names:
        text = text.replace(name, new if _REGION_SUFFIX.search(name) else short)
    return text


def synthetic_documents(n_chunks: int, templates: Sequence[Template], seed: int = 0,
                        n_places: int = 2000) -> Iterator[tuple[dict, list[Chunk]]]:
    """(document record, chunks) pairs holding n_chunks chunks in all; the same seed gives the same corpus."""
    rng = random.Random(seed)
    places = place_pool(n_places, seed)
    weights = [len(t.chunks) for t in templates]
    made, n_doc = 0, 0
    while made < n_chunks:
        t = rng.choices(templates, weights)[0]
        place = rng.choice(places)
        factor = rng.uniform(0.8, 1.25)
        doc_id = f"syn{n_doc:06d}_{hashlib.sha1(f'{seed}:{n_doc}'.encode()).hexdigest()[:8]}"
        n_doc += 1

        def edit(s: str, t=t, place=place, factor=factor) -> str:
            return _shift_figures(_rename(s, t.names, place), factor)

        record = dict(t.record, doc_id=doc_id, region=place if t.names else t.record.get("region", ""),
                      title=edit(t.record.get("title", "")), issuer=edit(t.record.get("issuer", "")),
                      source=f"{doc_id}.txt")
        chunks = []
        for order, (tc, own) in enumerate(zip(t.chunks, t.sentences, strict=True)):
            if made >= n_chunks:
                break
            picked: list[str] = []
            for s in own:  # keep about half, replace the rest by other sentences of the document
                if rng.random() >= 0.5:
                    s = rng.choice(t.pool)
                if s not in picked:
                    picked.append(s)
            rng.shuffle(picked)
            text = edit("".join(picked))
            digest = hashlib.sha1(text.encode()).hexdigest()[:8]
            chunks.append(replace(tc, chunk_id=f"{doc_id}:{order:04d}-{digest}", doc_id=doc_id, text=text,
                                  start=0, end=len(text), order=order))
            made += 1
        record["n_chunks"] = len(chunks)
        yield record, chunks


class HashEncoder(Encoder):
    """Deterministic stand-in for USE: hashed character 1-2-grams → fixed Gaussian projection → L2 norm."""

    encoder_id = "bench-hash-ngram-512"
    name = "hashed char-n-gram projection (bench stand-in)"
    dim = DIM

    def __init__(self, seed: int = 0) -> None:
        from sklearn.feature_extraction.text import HashingVectorizer

        self._hasher = HashingVectorizer(analyzer="char", ngram_range=(1, 2), n_features=_BUCKETS,
                                         alternate_sign=False, norm=None, dtype=np.float32)
        rng = np.random.default_rng(seed)
        self._proj = rng.standard_normal((_BUCKETS, DIM), dtype=np.float32)

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        counts = self._hasher.transform(list(texts))
        counts.data = np.log1p(counts.data)  # damp repeated characters (的, 和) as tf weighting does
        vecs = np.asarray(counts @ self._proj, dtype=np.float32)
        norms = np.linalg.norm(vecs, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return np.ascontiguousarray(vecs / norms, dtype=np.float32)


def recall_at_k(approx_scores: np.ndarray, exact_scores: np.ndarray, k: int = 10, tol: float = 1e-5) -> float:
    """Recall@k of an approximate search against exact search, tie-aware: per query, the fraction of
    the approximate top-k whose (exact, since the indexes store flat vectors) score reaches the exact
    k-th best score. Near-duplicate chunks tie; counting row ids would punish picking either twin.
    Both arrays are (queries, k), best first; missing results are -inf."""
    approx = np.asarray(approx_scores, dtype=np.float64)[:, :k]
    kth = np.asarray(exact_scores, dtype=np.float64)[:, k - 1 : k]
    return float(np.mean(np.sum(approx >= kth - tol, axis=1) / k))


# jieba cuts every run of these characters on its own (jieba.re_han_default); the text between runs is
# punctuation/space that it yields character by character.
_JIEBA_BLOCK = re.compile(r"([\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-]+)")


class MemoTokenizer(Tokenizer):
    """The product tokenizer, remembering each jieba block's tokens. jieba segments every block
    independently, so the tokens are identical (tests/test_bench_scale.py checks it); the synthetic corpus
    repeats clauses across documents, so most blocks are hits. Used only to make the 1 M build fit the
    time box: jieba itself runs at ~100-300 chunks/s here (reported in SCALE.md)."""

    def __init__(self, max_entries: int = 3_000_000) -> None:
        super().__init__()
        self._memo: dict[str, list[str]] = {}
        self._max = max_entries
        self.hits = self.misses = 0

    def tokenize(self, text: str) -> list[str]:
        out: list[str] = []
        for piece in _JIEBA_BLOCK.split(text):
            if not piece:
                continue
            toks = self._memo.get(piece)
            if toks is None:
                toks = super().tokenize(piece)
                self.misses += 1
                if len(self._memo) < self._max:
                    self._memo[piece] = toks
            else:
                self.hits += 1
            out.extend(toks)
        return out
