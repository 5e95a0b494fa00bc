"""The index's documents as a whole: titles, the places they are about, term frequencies over their chunks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from planqa.corpus.models import Chunk
from planqa.corpus.places import doc_places, place_alias
from planqa.corpus.terms import bigrams, content_terms, idf

# Title words every plan shares; they never single out a document.
_COMMON_TITLE_TEXT = "十四五 规划 发展 发展规划 纲要 方案 通知 关于 印发 人才 工作 建设 实施 意见 省 市 县"
_COMMON_TITLE_WORDS = frozenset(_COMMON_TITLE_TEXT.split())


def _share(found: set[str], of: set[str]) -> float:
    return len(found & of) / len(of) if of else 0.0


def meta_of(doc: Any) -> dict:
    """Metadata dict of a Document, a meta dict or any object with those attributes."""
    if isinstance(doc, dict):
        return doc
    if hasattr(doc, "meta"):
        return doc.meta()
    keys = ("doc_id", "title", "issuer", "doc_number", "date", "region", "source")
    return {k: getattr(doc, k, "") for k in keys}


@dataclass
class Catalog:
    docs: dict[str, dict]  # doc_id → meta
    chunks: dict[str, list[Chunk]]  # doc_id → chunks in document order
    places: dict[str, set[str]] = field(default_factory=dict)  # place alias → doc ids about it
    _df: dict[str, int] = field(default_factory=dict)
    _all_text: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, documents: list[Any], chunks_of) -> Catalog:
        docs = {m["doc_id"]: m for m in (meta_of(d) for d in documents)}
        chunks = {doc_id: sorted(chunks_of(doc_id), key=lambda c: c.order) for doc_id in docs}
        cat = cls(docs=docs, chunks=chunks)
        for doc_id, m in docs.items():
            for name in doc_places(m.get("region") or "", m.get("title") or "", m.get("issuer") or ""):
                cat.places.setdefault(place_alias(name), set()).add(doc_id)
        cat._all_text = [c.text for cs in chunks.values() for c in cs]
        return cat

    @classmethod
    def from_index(cls, index) -> Catalog:
        return cls.build(list(index.documents()), index.chunks_of)

    # --- documents --------------------------------------------------------------------------
    def title(self, doc_id: str) -> str:
        return (self.docs.get(doc_id) or {}).get("title", "") or doc_id

    def meta(self, doc_id: str) -> dict:
        return self.docs.get(doc_id) or {"doc_id": doc_id}

    def docs_for_place(self, name: str) -> list[str]:
        alias = place_alias(name)
        ids = self.places.get(alias) or self.places.get(name) or set()
        if not ids:  # 晋城 vs 晋城市人民政府: match aliases that contain each other
            for key, val in self.places.items():
                if len(key) >= 2 and (alias.startswith(key) or key.startswith(alias)):
                    ids = ids | val
        return sorted(ids)

    def places_of(self, doc_id: str) -> list[str]:
        """The place aliases a document is about (its region, the places in its title)."""
        return [p for p, ids in self.places.items() if doc_id in ids and len(p) >= 2]

    def national_docs(self) -> list[str]:
        """Documents of the whole country (region 全国 / 国家): what "国家…规划" refers to."""
        return sorted(d for d, m in self.docs.items() if (m.get("region") or "") in ("全国", "国家", "中国"))

    def place_aliases(self) -> list[str]:
        """Place names documents are about, longest first (so 晋城市 wins over 晋城)."""
        return sorted((p for p in self.places if len(p) >= 2), key=len, reverse=True)

    def mentions(self, word: str, min_chunks: int = 2) -> bool:
        """True when `word` occurs in at least `min_chunks` chunks (a sub-area, not a stranger)."""
        return next(islice((t for t in self._all_text if word in t), min_chunks - 1, None), None) is not None

    def doc_for_title(self, title: str) -> str:
        """The document whose title best matches a quoted 《title》 (most shared bigrams, ≥60%)."""
        q = bigrams(title)
        return self._best_title(lambda t: _share(bigrams(t), q), 0.6)

    def doc_in_question(self, question: str, min_share: float = 0.5) -> str:
        """The document whose title the question mostly restates (without quotes), or ""."""
        qb = bigrams(question)
        return self._best_title(lambda t: _share(qb, bigrams(re.sub(r"十四五|[“”\"]", "", t))), min_share)

    def _best_title(self, score, least: float) -> str:
        best = max(self.docs, key=lambda d: score(self.docs[d].get("title") or ""), default="")
        return best if best and score(self.docs[best].get("title") or "") >= least else ""

    def docs_for_keywords(self, question: str) -> list[str]:
        """Documents singled out by a distinctive title word (one only a single title has)."""
        owners: dict[str, set[str]] = {}
        for doc_id, m in self.docs.items():
            for w in content_terms(m.get("title") or ""):
                if w not in _COMMON_TITLE_WORDS and not self.docs_for_place(w):
                    owners.setdefault(w, set()).add(doc_id)
        hits: dict[str, int] = {}
        for w, ids in owners.items():
            if len(ids) == 1 and len(w) >= 2 and w in question:
                (doc_id,) = ids
                conc, cover = self._concentration(w, doc_id)
                if conc >= 0.6 or (cover >= 0.9 and conc >= 0.3):
                    hits[doc_id] = hits.get(doc_id, 0) + 1
        return sorted(hits, key=lambda d: -hits[d]) if len(hits) == 1 else []

    def _concentration(self, word: str, doc_id: str) -> tuple[float, float]:
        """(share of the chunks containing `word` that belong to `doc_id`, share of the document's chunks
        that contain it): a word of one title that runs through that document names it."""
        chunks = self.chunks.get(doc_id, [])
        inside = sum(word in c.text for c in chunks)
        return inside / max(self.df(word), 1), inside / max(len(chunks), 1)

    # --- term statistics --------------------------------------------------------------------
    def weight(self, term: str) -> float:
        """IDF of a term over all chunks (substring document frequency)."""
        if term not in self._df:
            self._df[term] = sum(1 for t in self._all_text if term in t)
        return idf(self._df[term], len(self._all_text))

    def weights(self, terms: list[str]) -> dict[str, float]:
        return {t: self.weight(t) for t in terms}

    def df(self, term: str) -> int:
        self.weight(term)  # fills the cache
        return self._df[term]
