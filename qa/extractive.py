"""The offline extractive answerer: picks supporting sentences and composes a short cited answer."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from planqa.corpus.models import Chunk
from planqa.index.types import Hit
from planqa.qa.analysis import Analysis
from planqa.qa.catalog import Catalog
from planqa.qa.citations import CitationBuilder
from planqa.qa.evidence import Evidence, score_sentences
from planqa.qa.refusal import MIN_EVIDENCE, weak_evidence_reason
from planqa.qa.sentences import clean_for_answer, split_sentences

SearchFn = Callable[..., list[Hit]]  # (query, k=, doc_ids=, regions=) → hits

_MAX_ITEMS = 6
_ITEM_CHARS = 90


@dataclass
class Draft:
    """An answer under construction (text with markers + its citations), or a refusal reason."""

    text: str = ""
    builder: CitationBuilder | None = None
    refusal: str = ""
    strength: float = 0.0
    items: list[str] = field(default_factory=list)  # the listed points (for "第二条" follow-ups)


def _short(sentence: str, limit: int = _ITEM_CHARS) -> str:
    s = clean_for_answer(sentence)
    if len(s) <= limit:
        return s
    cut = max(s.rfind("，", 0, limit), s.rfind("；", 0, limit))
    return (s[:cut] if cut > 20 else s[:limit]) + "……"


def _where(chunk: Chunk) -> str:
    return " › ".join(x for x in (chunk.chapter, chunk.section) if x)


@dataclass
class ExtractiveAnswerer:
    catalog: Catalog
    search: SearchFn
    top_k: int = 8
    min_evidence: float = MIN_EVIDENCE

    def answer(self, a: Analysis, doc_ids: list[str] | None, regions: list[str] | None = None) -> Draft:
        builder = CitationBuilder(self.catalog.meta)
        if a.qtype == "comparison" and len(doc_ids or []) >= 2:
            return self._comparison(a, doc_ids, regions, builder)
        if a.qtype == "metadata" and a.field:
            draft = self._metadata(a, doc_ids, regions, builder)
            if not draft.refusal:
                return draft
        evidence = self._evidence(a, doc_ids, regions)
        return self._compose(a, evidence, builder, with_title=True)

    # --- retrieval + scoring ----------------------------------------------------------------
    def _evidence(self, a: Analysis, doc_ids: list[str] | None, regions: list[str] | None) -> list[Evidence]:
        hits = self.search(a.question, k=self.top_k, doc_ids=doc_ids or None, regions=regions or None)
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
        return ""

    # --- composition by question type -------------------------------------------------------
    def _compose(self, a: Analysis, evidence: list[Evidence], builder: CitationBuilder, with_title: bool) -> Draft:
        reason = self._gate(a, evidence)
        if reason:
            return Draft(refusal=reason, strength=evidence[0].strength if evidence else 0.0)
        best = evidence[0]
        title = self.catalog.title(best.chunk.doc_id)
        lead = f"《{title}》" if with_title else ""
        if a.qtype == "measure":
            body, items = self._measures(a, evidence, builder)
            text = f"{lead}{self._measure_intro(best)}\n{body}"
            return Draft(text, builder, strength=best.strength, items=items)
        if a.qtype == "chapter":
            n = builder.cite(best.chunk, best.text, best.hit_score)
            where = _where(best.chunk) or "正文开头部分"
            text = f"{lead}中，相关内容位于{where}[{n}]：{clean_for_answer(best.text)}"
            return Draft(text, builder, strength=best.strength)
        picks = self._supporting(a, evidence)
        parts = []
        for e in picks:
            n = builder.cite(e.chunk, e.text, e.hit_score)
            parts.append(f"{self._render(e)}[{n}]")
        intro = "提出：" if with_title else ""
        text = f"{lead}{intro}{''.join(parts)}"
        return Draft(text, builder, strength=best.strength, items=[clean_for_answer(e.text) for e in picks])

    def _supporting(self, a: Analysis, evidence: list[Evidence]) -> list[Evidence]:
        """The best sentence plus up to two close runners-up from the same document."""
        best = evidence[0]
        picks = [best]
        for e in evidence[1:12]:
            if len(picks) >= (3 if a.qtype == "number" else 2):
                break
            if e.chunk.doc_id != best.chunk.doc_id or e.score < best.score * 0.8:
                continue
            if a.qtype == "number" and not e.has_number:
                continue
            if any(e.text == p.text for p in picks):
                continue
            picks.append(e)
        # Read in document order: an answer made of scattered sentences reads better in sequence.
        picks.sort(key=lambda e: (e.chunk.order, e.sentence.start))
        return picks

    def _render(self, e: Evidence) -> str:
        if e.chunk.kind == "table":
            return clean_for_answer(table_sentence(e.chunk.text, e.text))
        return clean_for_answer(e.text)

    def _measure_intro(self, best: Evidence) -> str:
        where = _where(best.chunk)
        return f"在{where}中提出以下措施：" if where else "提出以下措施："

    def _measures(self, a: Analysis, evidence: list[Evidence], builder: CitationBuilder) -> tuple[str, list[str]]:
        """The most relevant sentences of the best document, listed in document order.

        Plan texts state each measure in one sentence, so the top-scoring sentences (not the
        section's topic sentences) are what answers "how" questions with concrete content."""
        best = evidence[0]
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
            item = _short(e.text, 160)
            items.append(item)
            lines.append(f"{i}. {item}[{n}]")
        return "\n".join(lines), items

    def _metadata(self, a: Analysis, doc_ids, regions, builder: CitationBuilder) -> Draft:
        doc_id = (doc_ids or [None])[0]
        if doc_id is None:  # no document named: the best hit's document
            hits = self.search(a.question, k=3, doc_ids=None, regions=regions or None)
            if not hits:
                return Draft(refusal="未检索到相关文件。")
            doc_id = hits[0].chunk.doc_id
        meta = self.catalog.meta(doc_id)
        value = meta.get(a.field, "") or ""
        label = {"doc_number": "文号", "issuer": "发文机关", "date": "印发日期", "title": "标题"}[a.field]
        title = self.catalog.title(doc_id)
        if not value:  # not in the metadata: answer from the text like any other question
            return Draft(refusal=f"《{title}》的元数据未注明{label}。")
        chunk, quote = self._locate(doc_id, value, a.field)
        shown = _date_cn(value) if a.field == "date" else value
        if chunk is None:
            return Draft(f"《{title}》的{label}是{shown}（据文件元数据）。", builder, strength=1.0)
        n = builder.cite(chunk, quote)
        return Draft(f"《{title}》的{label}是{shown}[{n}]。", builder, strength=1.0)

    def _locate(self, doc_id: str, value: str, field_name: str) -> tuple[Chunk | None, str]:
        """The chunk and sentence where a metadata value appears (first occurrence in the document)."""
        variants = [value]
        if field_name == "date":
            variants = [_date_cn(value), value, value.replace("-", ".")]
        if field_name == "doc_number":
            core = re.sub(r"[〔〕\[\]()（）【】\s]", "", value)
            variants.append(core)
        for c in self.catalog.chunks.get(doc_id, []):
            flat = c.text
            for v in variants:
                if v and v in flat:
                    for s in split_sentences(c.text):
                        if v in s.text:
                            return c, s.text
                    return c, v
            if field_name == "doc_number":  # brackets vary ([2022] vs 〔2022〕): compare bracket-free text
                for s in split_sentences(c.text):
                    if variants[-1] and variants[-1] in re.sub(r"[〔〕\[\]()（）【】\s]", "", s.text):
                        return c, s.text
        chunks = self.catalog.chunks.get(doc_id) or []
        if field_name == "title" and chunks:
            return chunks[0], split_sentences(chunks[0].text)[0].text if split_sentences(chunks[0].text) else ""
        return None, ""

    def _comparison(self, a: Analysis, doc_ids, regions, builder: CitationBuilder) -> Draft:
        parts, strengths = [], []
        sub = Analysis(**{**a.__dict__})
        sub.qtype = _base_type(a.question)
        found = 0
        for doc_id in doc_ids:
            title = self.catalog.title(doc_id)
            if sub.qtype == "metadata":
                d = self._metadata(sub, [doc_id], regions, builder)
            else:
                ev = self._evidence(sub, [doc_id], regions)
                d = self._compose(sub, ev, builder, with_title=False)
            if d.refusal:
                parts.append(f"《{title}》：文件中未找到相关内容（{d.refusal}）")
            else:
                found += 1
                body = d.text if sub.qtype != "metadata" else d.text.replace(f"《{title}》", "")
                parts.append(f"《{title}》：{body.lstrip('：')}")
                strengths.append(d.strength)
        if not found:
            return Draft(refusal="所比较的文件均未提及相关内容。")
        return Draft("\n".join(parts), builder, strength=max(strengths))


def _base_type(q: str) -> str:
    from planqa.qa.analysis import question_type

    t = question_type(q, 0)
    return t if t != "comparison" else "general"


def _date_cn(iso: str) -> str:
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", iso)
    return f"{int(m.group(1))}年{int(m.group(2))}月{int(m.group(3))}日" if m else iso


def table_sentence(row_text: str, quote: str) -> str:
    """A table row reads as the row itself; headers are already rendered into it by the corpus."""
    return quote
