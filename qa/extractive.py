"""The offline extractive answerer: picks supporting sentences and composes a short cited answer."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from planqa.index.types import Hit
from planqa.qa.analysis import Analysis, metadata_field
from planqa.qa.catalog import Catalog
from planqa.qa.citations import CitationBuilder
from planqa.qa.draft import Draft, display_title, shared_where, short, where
from planqa.qa.evidence import Evidence, is_heading, score_sentences, term_match
from planqa.qa.lookups import Lookups
from planqa.qa.refusal import MIN_EVIDENCE, weak_evidence_reason
from planqa.qa.sentences import clean_for_answer, split_sentences, with_marker

SearchFn = Callable[..., list[Hit]]  # (query, k=, doc_ids=, regions=) → hits

_MAX_ITEMS = 6


@dataclass
class ExtractiveAnswerer:
    catalog: Catalog
    search: SearchFn
    top_k: int = 8
    min_evidence: float = MIN_EVIDENCE

    @property
    def lookups(self) -> Lookups:
        return Lookups(self.catalog, self.min_evidence)

    def answer(self, a: Analysis, doc_ids: list[str] | None, regions: list[str] | None = None) -> Draft:
        builder = CitationBuilder(self.catalog.meta)
        if a.qtype == "comparison" and len(doc_ids or []) >= 2:
            return self._comparison(a, doc_ids, regions, builder)
        if a.qtype == "metadata" and a.field:
            draft = self.lookups.metadata(a, doc_ids, builder)
            if not draft.refusal or draft.strength < 0:
                return draft
        if a.qtype == "chapter":
            draft = self.lookups.chapter(a, doc_ids, builder)
            if draft is not None:
                return draft
        evidence = self._evidence(a, doc_ids, regions)
        return self._compose(a, evidence, builder, with_title=True)

    # --- retrieval + scoring ----------------------------------------------------------------
    def _evidence(self, a: Analysis, doc_ids: list[str] | None, regions: list[str] | None,
                  query: str = "") -> list[Evidence]:
        hits = self.search(query or a.question, k=self.top_k, doc_ids=doc_ids or None, regions=regions or None)
        if a.terms:  # a keyword-only pass catches passages the full question's wording hides
            seen = {h.chunk.chunk_id for h in hits}
            extra = self.search(" ".join(a.terms), k=self.top_k, doc_ids=doc_ids or None,
                                regions=regions or None, mode="bm25")
            top = max((h.score for h in hits), default=1.0)
            for h in extra:
                if h.chunk.chunk_id not in seen:
                    hits.append(Hit(h.chunk, 0.5 * top, len(hits) + 1, h.bm25, h.dense, h.doc_title))
        anchors = list(a.years)
        return score_sentences(a, hits, self.catalog, anchors=anchors)

    def _gate(self, a: Analysis, evidence: list[Evidence]) -> str:
        """A refusal reason when the evidence is too weak to answer from, else ""."""
        if not evidence:
            if a.years:
                return f"所检索到的段落均未提及{'、'.join(y + '年' for y in a.years)}的相关内容。"
            return "未检索到相关段落。"
        best = max(evidence[:5], key=lambda e: e.strength)
        if best.strength < self.min_evidence:
            return weak_evidence_reason(a, list(best.missing))
        if a.qtype == "number" and not any(e.has_number and e.strength >= self.min_evidence for e in evidence[:5]):
            return "相关段落中没有给出所问的数字。"
        return ""

    # --- composition by question type -------------------------------------------------------
    def _compose(self, a: Analysis, evidence: list[Evidence], builder: CitationBuilder, with_title: bool) -> Draft:
        reason = self._gate(a, evidence)
        if reason:
            return Draft(refusal=reason, strength=evidence[0].strength if evidence else 0.0)
        best = evidence[0]
        title = display_title(self.catalog.title(best.chunk.doc_id))
        lead = f"《{title}》" if with_title else ""
        if a.qtype == "measure":
            body, items, place = self._measures(a, evidence, builder)
            intro = f"在{place}中提出：" if place else "提出："
            text = f"{lead}{intro}\n{body}"
            return Draft(text, builder, strength=best.strength, items=items)
        if a.qtype == "chapter":
            best = next((e for e in evidence[:10] if e.chunk.chapter), best)  # a chapter is what was asked
            n = builder.cite(best.chunk, best.text, best.hit_score)
            place = where(best.chunk) or "正文开头部分"
            text = f"{lead}中，相关内容位于{place}[{n}]：{clean_for_answer(best.text)}"
            return Draft(text, builder, strength=best.strength)
        picks = self._supporting(a, evidence)
        parts = []
        for e in picks:
            n = builder.cite(e.chunk, e.text, e.hit_score)
            parts.append(with_marker(self._render(e), n))
        intro = "提出：" if with_title else ""
        text = f"{lead}{intro}{''.join(parts)}"
        return Draft(text, builder, strength=best.strength, items=[clean_for_answer(e.text) for e in picks])

    def _supporting(self, a: Analysis, evidence: list[Evidence]) -> list[Evidence]:
        """The best sentence plus up to two close runners-up from the same document."""
        best = evidence[0]
        if a.qtype == "number" and not best.has_number:  # a figure was asked for: lead with a relevant one
            best = next((e for e in evidence[:5] if e.has_number and e.strength >= self.min_evidence), best)
        picks = [best]
        for e in evidence[:12]:
            if e is best:
                continue
            if len(picks) >= (3 if a.qtype == "number" else 2):
                break
            if e.chunk.doc_id != best.chunk.doc_id or e.score < best.score * 0.8:
                continue
            if a.qtype == "number" and not e.has_number:
                continue
            if any(e.text == p.text for p in picks):
                continue
            picks.append(e)
        # The best sentence leads (it answers the question); the rest follow in document order.
        rest = sorted(picks[1:], key=lambda e: (e.chunk.order, e.sentence.start))
        return [picks[0], *rest]

    def _render(self, e: Evidence) -> str:
        if e.chunk.kind == "table":
            return clean_for_answer(table_sentence(e.chunk.text, e.text))
        return clean_for_answer(e.text)

    def _measures(self, a: Analysis, evidence: list[Evidence],
                  builder: CitationBuilder) -> tuple[str, list[str], str]:
        """The most relevant sentences of the best document, listed in document order.

        Plan texts state each measure in one sentence, so the top-scoring sentences (not the
        section's topic sentences) are what answers "how" questions with concrete content."""
        best = evidence[0]
        home = self._home_section(a, best.chunk.doc_id)
        if home:  # the question names a section: its paragraph leads are the measures
            evidence = self._home_evidence(a, home, best) + evidence
        picked: list[Evidence] = []
        for e in evidence[:40]:
            if len(picked) >= _MAX_ITEMS - 2:
                break
            if e.chunk.doc_id != best.chunk.doc_id or e.score < best.score * 0.6:
                continue
            if any(e.text == p.text or e.text in p.text for p in picked):
                continue
            picked.append(e)
        picked.sort(key=lambda e: (e.chunk.order, e.sentence.start))
        lines, items = [], []
        for i, e in enumerate(picked, 1):
            n = builder.cite(e.chunk, e.text, e.hit_score)
            item = short(e.text, 160)
            items.append(item)
            lines.append(f"{i}. {with_marker(item, n)}")
        return "\n".join(lines), items, shared_where([e.chunk for e in picked])

    def _home_section(self, a: Analysis, doc_id: str) -> tuple[str, str] | None:
        """(chapter, section) of the document whose heading covers the question's terms best (≥ 0.6)."""
        title = self.catalog.title(doc_id)  # words naming the document say nothing about the section
        weights = {t: w for t, w in self.catalog.weights(a.terms).items()
                   if t not in a.soft and term_match(t, title) == 0}
        total = sum(weights.values())
        if not total:
            return None
        best, best_cov = None, 0.0
        for c in self.catalog.chunks.get(doc_id, []):
            for key, heading in (((c.chapter, ""), c.chapter), ((c.chapter, c.section), c.section)):
                if not heading:
                    continue
                cov = sum(w * term_match(t, heading) for t, w in weights.items()) / total
                if cov > best_cov + 1e-9:
                    best, best_cov = key, cov
        return best if best_cov >= 0.6 else None

    def _home_evidence(self, a: Analysis, home: tuple[str, str], best: Evidence) -> list[Evidence]:
        """Paragraph-lead sentences under the home heading, scored by the question's terms."""
        chapter, section = home
        weights = self.catalog.weights(a.terms)
        total = sum(weights.values()) or 1.0
        out = []
        for c in self.catalog.chunks.get(best.chunk.doc_id, []):
            if c.chapter != chapter or (section and c.section != section) or c.kind == "table":
                continue
            for s in split_sentences(c.text):
                if not s.first_in_para or is_heading(s.text, c) or len(s.text) < 8:
                    continue
                cov = sum(w * term_match(t, s.text) for t, w in weights.items()) / total
                score = best.score * (0.75 + 0.25 * cov)
                out.append(Evidence(c, s, score, best.strength, (), 0.0))
        out.sort(key=lambda e: -e.score)
        return out[: _MAX_ITEMS - 2]

    def _query_for(self, a: Analysis, doc_id: str) -> str:
        """The question as asked of one document: other places dropped, this one's place kept."""
        own = [p for p in a.places if doc_id in self.catalog.docs_for_place(p)]
        rest = _strip_places(a.question, a.places)
        rest = re.sub(r"^[和与及、]+", "", rest.replace("和的", "的"))
        return "".join(own[:1]) + rest

    def _comparison(self, a: Analysis, doc_ids, regions, builder: CitationBuilder) -> Draft:
        parts, strengths = [], []
        sub = Analysis(**{**a.__dict__})
        sub.qtype = _base_type(a.question)
        if sub.qtype == "metadata":
            sub.field = metadata_field(a.question)
            if not sub.field:
                sub.qtype = "general"
        found = 0
        for doc_id in doc_ids:
            title = display_title(self.catalog.title(doc_id))
            if sub.qtype == "metadata":
                d = self.lookups.metadata(sub, [doc_id], builder)
            else:
                ev = self._evidence(sub, [doc_id], regions, query=self._query_for(a, doc_id))
                d = self._compose(sub, ev, builder, with_title=False)
            if d.refusal:
                parts.append(f"《{title}》：文件中未找到相关内容（{d.refusal}）")
            else:
                found += 1
                body = d.text if sub.qtype != "metadata" else re.sub(f"^《{re.escape(title)}》的?", "", d.text)
                parts.append(f"《{title}》：{body.lstrip('：')}")
                strengths.append(d.strength)
        if not found:
            return Draft(refusal="所比较的文件均未提及相关内容。")
        return Draft("\n".join(parts), builder, strength=max(strengths))


def _strip_places(q: str, places: list[str]) -> str:
    for p in sorted(places, key=len, reverse=True):
        q = re.sub(re.escape(p) + r"(?:省|市|县|区)?", "", q)
    return re.sub(r"^[和与及、]+|(?<=[^\u4e00-\u9fff])[和与及、]+", "", q)


def _base_type(q: str) -> str:
    from planqa.qa.analysis import question_type

    t = question_type(q, 0)
    return t if t != "comparison" else "general"


def table_sentence(row_text: str, quote: str) -> str:
    """A rendered table row "表题 · 分组 · 指标：2020年基数 97.8%；“十四五”目标 99%；预期性"
    reads as "指标：2020年基数97.8%，“十四五”目标99%（预期性）"."""
    row = quote.split(" · ")[-1].strip()
    head, sep, cells = row.rpartition("：")  # cells hold no colon; the indicator may ("其中：…")
    if not sep:
        return row
    parts = [p.strip() for p in re.split(r"[；;]", cells) if p.strip()]
    kind = [p for p in parts if p in ("预期性", "约束性")]
    values = [p for p in parts if p not in kind]
    out = f"{head}：{'，'.join(values)}"
    return out + (f"（{kind[0]}）" if kind else "") + "。"
