"""Retrieval metrics against gold quotes: Recall@k, MRR@k, nDCG@k (binary relevance).

Relevance is decided by text, not by chunk id, so the metrics survive re-chunking: a result is
relevant when it contains a gold quote (whitespace-insensitive, see textnorm) that no higher-ranked
result already supplied — a second chunk repeating the same evidence earns nothing. When the doc
ids of results and quotes are given, the quote must also come from its own document (many plans
share phrases such as "高技能人才总量"). With one quote this is the textbook definition; with
several (comparisons, questions with two asks) Recall@k is the share of quotes found in the top k,
and one result holding two quotes (both asks answered by one paragraph) supplies both. nDCG counts
each quote at the rank that first supplied it, ideal = one quote per rank from the top, capped at 1
(a single result holding every quote is ideal). tests/test_eval_retrieval.py checks the numbers against
ranx on runs where each result holds at most one quote, and by hand where one holds several.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from planqa.eval.textnorm import normalize


def novel_gains(
    ranked_texts: Sequence[str],
    gold_quotes: Sequence[str],
    ranked_doc_ids: Sequence[str] | None = None,
    gold_doc_ids: Sequence[str] | None = None,
) -> list[list[int]]:
    """For each ranked result, the indices of the gold quotes it newly covers ([] when none)."""
    quotes = [normalize(q) for q in gold_quotes]
    found: set[int] = set()
    out = []
    for i, text in enumerate(ranked_texts):
        t = normalize(text)
        new = [j for j, q in enumerate(quotes) if j not in found and q and q in t
               and (ranked_doc_ids is None or gold_doc_ids is None or ranked_doc_ids[i] == gold_doc_ids[j])]
        found.update(new)
        out.append(new)
    return out


def _one(covered: list[list[int]], n_quotes: int, ks: Sequence[int], depth: int) -> dict[str, float]:
    gains = [len(c) for c in covered[:depth]]
    m: dict[str, float] = {}
    for k in ks:
        m[f"recall@{k}"] = sum(gains[:k]) / n_quotes
    first = next((i for i, g in enumerate(gains) if g), None)
    m[f"mrr@{depth}"] = 0.0 if first is None else 1.0 / (first + 1)
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
    idcg = sum(1.0 / math.log2(i + 2) for i in range(min(n_quotes, depth)))
    m[f"ndcg@{depth}"] = min(1.0, dcg / idcg)
    return m


def retrieval_metrics(
    ranked_texts: list[list[str]],
    gold_quotes: list[list[str]],
    ks: Sequence[int] = (1, 5, 10),
    ranked_doc_ids: list[list[str]] | None = None,
    gold_doc_ids: list[list[str]] | None = None,
) -> dict:
    """Mean Recall@k for each k, MRR@max(k) and nDCG@max(k) over the questions that have gold quotes.

    Returns the means plus `n` (questions scored) and `per_question` (one dict per input row,
    None for rows without gold quotes).
    """
    if len(ranked_texts) != len(gold_quotes):
        raise ValueError("ranked_texts and gold_quotes differ in length")
    depth = max(ks)
    per_question: list[dict | None] = []
    for i, (texts, quotes) in enumerate(zip(ranked_texts, gold_quotes, strict=True)):
        if not quotes:
            per_question.append(None)
            continue
        rdocs = ranked_doc_ids[i] if ranked_doc_ids is not None else None
        gdocs = gold_doc_ids[i] if gold_doc_ids is not None else None
        covered = novel_gains(texts[:depth], quotes, rdocs[:depth] if rdocs is not None else None, gdocs)
        per_question.append(_one(covered, len(quotes), ks, depth))
    scored = [m for m in per_question if m is not None]
    keys = [f"recall@{k}" for k in ks] + [f"mrr@{depth}", f"ndcg@{depth}"]
    means = {k: (sum(m[k] for m in scored) / len(scored) if scored else 0.0) for k in keys}
    return {**means, "n": len(scored), "per_question": per_question}


def doc_recall_metrics(ranked_doc_ids: list[list[str]], gold_doc_ids: list[list[str]],
                       ks: Sequence[int] = (1, 5, 10)) -> dict:
    """Share of gold documents with at least one chunk in the top k — separates "found the wrong
    plan" from "found the plan but not the passage"."""
    rows = [(r, g) for r, g in zip(ranked_doc_ids, gold_doc_ids, strict=True) if g]
    out: dict = {}
    for k in ks:
        vals = [len(set(g) & set(r[:k])) / len(set(g)) for r, g in rows]
        out[f"doc_recall@{k}"] = sum(vals) / len(vals) if vals else 0.0
    return out
