"""Lexical search: jieba search-mode tokens (with a domain dictionary) scored by bm25s."""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import re
import sys
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

import numpy as np

# k1 1.2 / b 0.75 (the textbook values) beat bm25s' k1 1.5 on the dev set: MRR@10 0.869 vs 0.859.
K1, B = 1.2, 0.75
_DATA = resources.files("planqa.index") / "data"
# Tokens that carry no meaning for retrieval: punctuation, whitespace, single ASCII symbols.
_JUNK = re.compile(r"^[\W_]+$")


def _read_lines(name: str) -> list[str]:
    text = (_DATA / name).read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


class Tokenizer:
    """A private jieba Tokenizer (no change to jieba's global dictionary) plus stopwords."""

    def __init__(self, extra_words: Sequence[str] = ()) -> None:
        import jieba

        logging.getLogger("jieba").setLevel(logging.WARNING)  # jieba prints its cache banner otherwise
        self._jieba = jieba.Tokenizer()
        self.domain_words = [ln.split()[0] for ln in _read_lines("domain_dict.txt")]
        for line in _read_lines("domain_dict.txt"):
            parts = line.split()
            freq = int(parts[1]) if len(parts) > 1 else None
            self._jieba.add_word(parts[0], freq=freq)
        for word in extra_words:
            self._jieba.add_word(word, freq=3000)
        self.stopwords = frozenset(_read_lines("stopwords.txt"))
        self.config_hash = hashlib.sha256(
            json.dumps([self.domain_words, sorted(self.stopwords), list(extra_words)]).encode()
        ).hexdigest()[:16]

    def tokenize(self, text: str) -> list[str]:
        out = []
        for tok in self._jieba.cut_for_search(text):
            tok = tok.strip().lower()
            if tok and tok not in self.stopwords and not _JUNK.match(tok):
                # Interned: ~100 tokens per chunk are kept per row for incremental updates; as separate
                # str objects they would take ~7 GB at 1 M chunks, interned ~1 GB (bench/SCALE.md).
                out.append(sys.intern(tok))
        return out

    def tokenize_many(self, texts: Sequence[str]) -> list[list[str]]:
        return [self.tokenize(t) for t in texts]


@functools.lru_cache(maxsize=1)
def default_tokenizer() -> Tokenizer:
    """Loading jieba's dictionary takes ~1 s; the tokenizer is immutable after construction, so share it."""
    return Tokenizer()


class BM25Index:
    """bm25s over pre-tokenised chunks; rows are the chunk rows of the index version."""

    def __init__(self, model, n_rows: int) -> None:
        self._model = model
        self.n_rows = n_rows

    @classmethod
    def build(cls, corpus_tokens: list[list[str]]) -> BM25Index:
        import bm25s

        model = bm25s.BM25(k1=K1, b=B)
        # An empty chunk would give bm25s an empty row; a placeholder keeps row numbers aligned.
        tokens = [toks or ["<empty>"] for toks in corpus_tokens]
        if tokens:
            model.index(tokens, show_progress=False)
        return cls(model, len(tokens))

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        """BM25 score of every row (0 where no query token occurs)."""
        if self.n_rows == 0:
            return np.zeros(0, dtype=np.float32)
        vocab = self._model.vocab_dict
        known = [t for t in query_tokens if t in vocab]
        if not known:
            return np.zeros(self.n_rows, dtype=np.float32)
        return np.asarray(self._model.get_scores(known), dtype=np.float32)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        if self.n_rows:
            self._model.save(str(folder), show_progress=False)
        (folder / "rows.json").write_text(json.dumps({"n_rows": self.n_rows}), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> BM25Index:
        import bm25s

        n_rows = json.loads((folder / "rows.json").read_text(encoding="utf-8"))["n_rows"]
        if not n_rows:
            return cls(bm25s.BM25(), 0)
        return cls(bm25s.BM25.load(str(folder), show_progress=False), n_rows)
