"""Answers read off the document structure: metadata (文号, issuer, date, title) and headings."""

from __future__ import annotations

from dataclasses import dataclass

from planqa.corpus.headings import match_heading
from planqa.corpus.metadata import date_cn, issued_at, printed_at
from planqa.corpus.models import Chunk
from planqa.index.catalog import Catalog
from planqa.qa.analysis import Analysis
from planqa.qa.citations import CitationBuilder
from planqa.qa.docfields import RECORD_LABELS
from planqa.qa.draft import Draft, display_title, short, where
from planqa.qa.features import Candidate
from planqa.qa.match import Matcher
from planqa.qa.refusal import NOT_FOUND
from planqa.qa.sentences import split_sentences, with_marker

_EXACT = Matcher(thesaurus="none")


def _opening(chunk: Chunk, default: str) -> str:
    """The chunk's first sentence that is no heading line (the corpus's 篇/章/节/一、/（一）/1. rules)."""
    for s in split_sentences(chunk.text):
        t = s.text
        if not (match_heading(t) is not None and len(t) <= 40 or t in (chunk.chapter, chunk.section, chunk.label)):
            return t
    return default


@dataclass
class Lookups:
    catalog: Catalog
    min_evidence: float
    matcher: Matcher = _EXACT

    def _cited(self, chunk: Chunk, quote: str, builder: CitationBuilder) -> tuple[str, int]:
        """《title》 as shown, and the marker of `quote`."""
        return display_title(self.catalog.title(chunk.doc_id)), builder.cite(chunk, quote)

    def heading(self, a: Analysis, doc_ids: list[str] | None, builder: CitationBuilder) -> Draft | None:
        """"第七章讲什么？": the named heading of the named document, and how it opens."""
        if not doc_ids or len(doc_ids) != 1:
            return None
        for c in self.catalog.chunks.get(doc_ids[0], []):
            heading = next((h for h in (c.chapter, c.section) if h.startswith(a.heading_ref)), None)
            if heading is not None:
                quote = _opening(c, heading)
                title, n = self._cited(c, quote, builder)
                return Draft(f"《{title}》的{a.heading_ref}是“{heading}”，开篇写道：{with_marker(short(quote, 120), n)}",
                             builder)
        return Draft(refusal=f"该文件中没有“{a.heading_ref}”。")

    def chapter(self, terms: list[str], items: list[Candidate], builder: CitationBuilder, threshold: float,
                shown: set[str] | None = None) -> Draft | None:
        """"Which chapter…": the chapter holding most of the passages that answer the ask — the sum of its
        3 best passages' probabilities at or above the threshold (a chapter is about a topic when several of
        its passages are, not when one sentence of a review mentions it) — plus the share of the ask's terms
        its outline (its heading and its sections' headings) holds, counted as one more passage. The best
        passage in it is cited, with its section (`shown`: sentences the answer quotes already)."""
        best = {c.chunk.chunk_id: c for c in sorted(items, key=lambda c: c.p) if c.chunk.chapter}  # a passage counts once
        found: dict[tuple[str, str], list[Candidate]] = {}  # (doc, chapter) → its passages, best first
        for c in sorted(best.values(), key=lambda c: -c.p):
            found.setdefault((c.chunk.doc_id, c.chunk.chapter), []).append(c)
        cover = {k: self._outline_cover(terms, *k) for k in found}
        if not found or not (max(c.p for c in best.values()) >= threshold or max(cover.values()) >= self.min_evidence):
            return None
        top = max(found, key=lambda k: sum([c.p for c in found[k] if c.p >= threshold][:3]) + cover[k])
        chunk, quote = found[top][0].chunk, found[top][0].text
        title, n = self._cited(chunk, quote, builder)
        said = "。" if quote in (shown or set()) else f"：{short(quote, 120)}"  # the answer above quotes it already
        return Draft(f"《{title}》中，相关内容位于{where(chunk)}[{n}]{said}", builder)

    def _outline_cover(self, terms: list[str], doc_id: str, chapter: str) -> float:
        """IDF-weighted share of the ask's terms in the chapter's heading and its sections' headings; words
        of the document's own title name the document, not one of its chapters."""
        outline = " ".join({x: None for c in self.catalog.chunks[doc_id] if c.chapter == chapter for x in (c.chapter, c.section)})
        title = self.catalog.title(doc_id)
        weights = {t: w for t, w in self.catalog.weights(terms).items() if _EXACT.term(t, title) < 1.0}
        return sum(w * self.matcher.term(t, outline) for t, w in weights.items()) / (sum(weights.values()) or 1.0)

    def metadata(self, a: Analysis, doc_ids: list[str] | None, builder: CitationBuilder) -> Draft:
        """Every field the question asks for (文号、发文机关、日期、标题), each cited where the text states it."""
        doc_id = (doc_ids or [None])[0] or self.catalog.doc_in_question(a.question)
        if not doc_id:  # guessing the document would answer with some other plan's 文号
            return Draft(refusal="问题没有指明是哪一份文件（请写出地区或文件标题）。")
        meta = self.catalog.meta(doc_id)
        title = display_title(self.catalog.title(doc_id))
        parts, missing = [], []
        for name in dict.fromkeys(a.fields or ([a.field] if a.field else [])):
            value, label = meta.get(name, "") or "", RECORD_LABELS[name]
            if not value and name == "date" and (said := issued_at(self.catalog.chunks.get(doc_id) or [])):
                parts.append(f"{label}据正文是{said[2]}[{builder.cite(said[0], said[1])}]")
                continue
            if not value:
                missing.append(label)
                continue
            chunk, quote = printed_at(self.catalog.chunks.get(doc_id) or [], name, value)
            shown = date_cn(value) if name == "date" else value
            parts.append(f"{label}是{shown}[{builder.cite(chunk, quote)}]" if chunk is not None
                         else f"{label}是{shown}（据文件元数据）")
        if not parts:  # not in the metadata: answer from the text like any other question
            return Draft(refusal=f"《{title}》的元数据未注明{'、'.join(missing)}。")
        text = f"《{title}》的{'，'.join(parts)}。"
        if missing:
            text += f"{NOT_FOUND}{'、'.join(missing)}（文件元数据未注明）。"
        return Draft(text, builder)
