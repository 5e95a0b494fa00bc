"""The offline answerer: analyse → gather evidence → score (one model) → compose by type → check citations.

Each ask of the question is answered on its own: its candidates are the sentences of the chunks retrieved
for it (a hybrid search plus a keyword pass over its terms and their thesaurus synonyms), scored by the
answerability model; the best candidate answers the ask when P >= the model's threshold, else the ask
gets its own "文件中未找到" line with a reason in user terms and the nearest passages.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from planqa.index.types import Hit
from planqa.qa.analysis import Analysis, analyse, named_places, place_alias, strip_form
from planqa.qa.answerability import Model
from planqa.qa.asks import Ask, asks_of
from planqa.qa.catalog import Catalog
from planqa.qa.citations import CitationBuilder, check_answer
from planqa.qa.draft import Draft, display_title, where
from planqa.qa.features import Candidate, candidates, figure_for
from planqa.qa.lookups import Lookups
from planqa.qa.match import Matcher
from planqa.qa.refusal import NEAREST, NOT_FOUND, ask_reason
from planqa.qa.sentences import clean_for_answer, with_marker
from planqa.qa.terms import content_terms

SearchFn = Callable[..., list[Hit]]
_MAX_ITEMS = {"measure": 3, "general": 2, "number": 2, "chapter": 1, "which": 1}
GATHER_EXTRA = 4  # chunks beyond top_k whose sentences are scored: paraphrases rank the answer lower
_LOWER = re.compile(r"[低少小慢弱晚]")


@dataclass
class Scored:
    """The candidates of one ask (in one scope), best first."""

    ask: Ask
    terms: list[str]
    items: list[Candidate] = field(default_factory=list)


@dataclass
class Answerer:
    catalog: Catalog
    index: object
    search: SearchFn
    model: Model
    matcher: Matcher
    top_k: int = 8

    # --- analyse ------------------------------------------------------------------------------------
    def plan(self, question: str) -> tuple[Analysis, list[Ask], list[str]]:
        a = analyse(question, self.catalog)
        subject = [*a.places, *(f"《{t}》" for t in re.findall(r"《([^》]{2,60})》", question))]
        known = {place_alias(p) for p in a.places + a.unknown_places}
        subplaces = [p for p in named_places(question) if place_alias(p) not in known
                     and not any(place_alias(p) in k or k in place_alias(p) for k in known)]
        return a, asks_of(question, subject), subplaces

    # --- gather + score -----------------------------------------------------------------------------
    def score(self, ask: Ask, a: Analysis, subplaces: list[str], scope: list[str] | None,
              regions: list[str] | None) -> Scored:
        terms = content_terms(strip_form(ask.text, a.places + a.unknown_places + subplaces))
        hits = list(self.search(ask.text, k=self.top_k + GATHER_EXTRA, doc_ids=scope or None, regions=regions or None))
        if terms:  # the plan's own wording: a keyword pass over the terms and their synonyms
            seen = {h.chunk.chunk_id for h in hits}
            extra = self.search(" ".join(self.matcher.expand(terms)), k=self.top_k, doc_ids=scope or None,
                                regions=regions or None, mode="bm25")
            low = min((h.score for h in hits), default=0.0)
            hits += [Hit(h.chunk, low, len(hits) + 1, h.bm25, None, h.doc_title) for h in extra
                     if h.chunk.chunk_id not in seen]
        encoder = getattr(self.index, "encoder", None)  # an index without vectors: lexical features only
        qvec = encoder.encode_queries([ask.text])[0] if hits and encoder is not None else None
        items = candidates(ask, terms, subplaces, hits, qvec, self.index, self.catalog, self.matcher)
        for c, p in zip(items, self.model.probabilities([c.vector() for c in items]), strict=True):
            c.p = float(p)
        items.sort(key=lambda c: -c.p)
        return Scored(ask, terms, items)

    # --- compose ------------------------------------------------------------------------------------
    def answer(self, question: str, scope: list[str] | None, regions: list[str] | None = None) -> Draft:
        a, asks, subplaces = self.plan(question)
        if subplaces and not scope:  # a sub-region: the plans that mention it
            scope = [d for d, cs in self.catalog.chunks.items()
                     if any(place_alias(p) in c.text for p in subplaces for c in cs)] or None
        builder = CitationBuilder(self.catalog.meta)
        docs = scope if scope and len(scope) >= 2 and a.qtype == "comparison" else None
        lines: list[tuple[str, str]] = []  # (answer line, "") or ("", refusal reason), in the question's order
        figures_by_doc: dict[str, tuple[str, str, int]] = {}
        for ask in asks:
            if ask.qtype == "which":
                line = self._which(ask, figures_by_doc)
                lines.append((line, "") if line else ("", "所比较的文件没有给出同一单位的数字，无法比较。"))
                continue
            for doc in docs or [None]:
                line, reason = self._one(ask, a, subplaces, [doc] if doc else scope, regions, builder,
                                         figures_by_doc)
                if reason and doc and not reason.startswith("《"):
                    reason = f"《{display_title(self.catalog.title(doc))}》{reason}"
                lines.append((line, reason))
        if not any(line for line, _ in lines):
            return Draft(refusal="\n".join(r for _, r in lines), strength=0.0)
        # a partial answer names what is missing but lists no other passages: their figures would read as answers
        text = "\n".join(line or f"{NOT_FOUND}：{reason.split(NEAREST)[0]}" for line, reason in lines)
        text, _, _ = check_answer(text, builder.citations)
        return Draft(text, builder, strength=1.0)

    def _one(self, ask: Ask, a: Analysis, subplaces: list[str], scope, regions, builder: CitationBuilder,
             figures_by_doc: dict) -> tuple[str, str]:
        """(answer line, "") or ("", refusal reason) for one ask in one scope."""
        if ask.qtype == "metadata":
            return self._metadata(ask, a, scope, builder)
        if ask.qtype == "chapter":
            ask_a = analyse(ask.text, self.catalog)
            draft = Lookups(self.catalog, 0.6).chapter(ask_a, scope, builder)
            if draft is not None and not draft.refusal:
                return draft.text, ""
            if draft is not None and ask_a.heading_ref:  # "第十五章讲什么" when there is no such chapter
                return "", draft.refusal
        scored = self.score(ask, a, subplaces, scope, regions)
        picked = self._pick(scored)
        if not picked:
            return "", ask_reason(ask, scored, subplaces, self.catalog, scope)
        best = picked[0]
        title = display_title(self.catalog.title(best.chunk.doc_id))
        parts = []
        for c in picked:
            n = builder.cite(c.chunk, c.text, c.hit_score)
            parts.append(with_marker(clean_for_answer(c.text), n))
            fig = figure_for(c.text, ask.tense)
            if fig and c.chunk.doc_id not in figures_by_doc and ask.qtype == "number":
                figures_by_doc[c.chunk.doc_id] = (*fig, n)
        if ask.qtype == "chapter":
            return f"《{title}》中，相关内容位于{where(best.chunk) or '正文开头部分'}：{parts[0]}", ""
        if ask.qtype == "measure" and len(parts) > 1:
            return f"《{title}》提出：\n" + "\n".join(f"{i}. {p}" for i, p in enumerate(parts, 1)), ""
        return f"《{title}》提出：{''.join(parts)}", ""

    def _pick(self, scored: Scored) -> list[Candidate]:
        items = [c for c in scored.items if eligible(scored.ask, c)]
        thr = self.model.threshold
        if not items or items[0].p < thr:
            return []
        limit = _MAX_ITEMS.get(scored.ask.qtype, 2)
        out = [items[0]]
        for c in items[1:]:
            if len(out) >= limit:
                break
            if c.p >= thr and c.p >= 0.6 * items[0].p and all(c.text not in o.text and o.text not in c.text
                                                               for o in out):
                out.append(c)
        return out

    def _metadata(self, ask: Ask, a: Analysis, scope, builder: CitationBuilder) -> tuple[str, str]:
        ask_a = analyse(ask.text, self.catalog)
        ask_a.fields, ask_a.field = ask.fields, (ask.fields or [""])[0]
        draft = Lookups(self.catalog, 0.6).metadata(ask_a, scope or a.doc_ids or None, builder)
        return (draft.text, "") if not draft.refusal else ("", draft.refusal)

    def _which(self, ask: Ask, figures_by_doc: dict[str, tuple[str, str, int]]) -> str:
        """"哪个更高": computed from the figures the previous ask cited, when they share a unit."""
        if len(figures_by_doc) < 2 or len({u for _, u, _ in figures_by_doc.values()}) != 1:
            return ""
        rows = [(float(v), v, u, n, d) for d, (v, u, n) in figures_by_doc.items()]
        pick = min(rows) if _LOWER.search(ask.text) else max(rows)
        listed = "，".join(f"《{display_title(self.catalog.title(d))}》为{v}{u}[{n}]" for _, v, u, n, d in rows)
        word = "更低" if _LOWER.search(ask.text) else "更高"
        return f"比较：{listed}；《{display_title(self.catalog.title(pick[4]))}》{word}。"


def eligible(ask: Ask, c: Candidate) -> bool:
    """Hard fits no score can make up for: the place asked (a sub-region the plan must name), the year
    asked (a plan that ends in 2025 states no 2035 target), a figure for a number ask, the past for a
    question about the past; and a sentence that only restates the title answers nothing."""
    f = c.features
    if f["place_fit"] == 0 or f["year_fit"] == 0 or f["title_like"] >= 0.6:
        return False
    if ask.qtype == "number":
        return f["type_fit"] > 0 and (ask.tense != "past" or f["tense_fit"] > 0)
    return True
