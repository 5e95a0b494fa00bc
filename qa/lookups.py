"""Answers read off the document structure: metadata (文号, issuer, date, title) and headings."""

from __future__ import annotations

import re
from dataclasses import dataclass

from planqa.corpus.headings import match_heading
from planqa.corpus.metadata import DATE_CN
from planqa.corpus.models import Chunk
from planqa.qa.analysis import Analysis
from planqa.qa.catalog import Catalog
from planqa.qa.citations import CitationBuilder
from planqa.qa.draft import Draft, display_title, short, where
from planqa.qa.match import Matcher
from planqa.qa.sentences import split_sentences, with_marker

_LABELS = {"doc_number": "文号", "issuer": "发文机关", "date": "印发日期", "title": "标题"}

_EXACT = Matcher(thesaurus="none")
_ISSUED = re.compile(r"印发|发布|颁布|出台|下发")


def is_heading(text: str, chunk: Chunk) -> bool:
    """A heading line (the corpus's own 篇/章/节/一、/（一）/1. rules) quoted as a sentence is no content."""
    t = text.strip()
    return match_heading(t) is not None and len(t) <= 40 or t in (chunk.chapter, chunk.section, chunk.label)


def term_match(term: str, text: str) -> float:
    return _EXACT.term(term, text)


@dataclass
class Lookups:
    catalog: Catalog
    min_evidence: float

    def heading(self, a: Analysis, doc_ids: list[str] | None, builder: CitationBuilder) -> Draft | None:
        """"第七章讲什么？": the named heading of the named document, and how it opens."""
        if not doc_ids or len(doc_ids) != 1:
            return None
        for c in self.catalog.chunks.get(doc_ids[0], []):
            for heading in (c.chapter, c.section):
                if heading.startswith(a.heading_ref):
                    sentences = [s for s in split_sentences(c.text) if not is_heading(s.text, c)]
                    quote = sentences[0].text if sentences else heading
                    n = builder.cite(c, quote)
                    title = display_title(self.catalog.title(c.doc_id))
                    text = f"《{title}》的{a.heading_ref}是“{heading}”，开篇写道：{with_marker(short(quote, 120), n)}"
                    return Draft(text, builder, strength=1.0)
        return Draft(refusal=f"该文件中没有“{a.heading_ref}”。")

    def chapter(self, a: Analysis, doc_ids: list[str] | None, builder: CitationBuilder) -> Draft | None:
        """"Which chapter…": match the headings themselves; the first chunk under the best one is cited."""
        if a.heading_ref:
            return self.heading(a, doc_ids, builder)
        if not a.terms:
            return None
        all_weights = self.catalog.weights(a.terms)
        best: tuple[float, Chunk | None, str] = (0.0, None, "")
        for doc_id in doc_ids or list(self.catalog.docs):
            # words of the document's own title name the document, not one of its chapters
            title = self.catalog.title(doc_id)
            weights = {t: w for t, w in all_weights.items() if term_match(t, title) < 1.0} or all_weights
            total = sum(weights.values()) or 1.0
            seen = set()
            for c in self.catalog.chunks.get(doc_id, []):
                for heading in (c.chapter, c.section):
                    if not heading or (doc_id, heading) in seen:
                        continue
                    seen.add((doc_id, heading))
                    cov = sum(w * term_match(t, heading) for t, w in weights.items()) / total
                    # the chapter itself beats its sections on a tie: it is the broader answer
                    cov += 0.01 if heading == c.chapter else 0.0
                    if cov > best[0]:
                        best = (cov, c, heading if heading == c.chapter else where(c))
        cov, chunk, place = best
        if chunk is None or cov < self.min_evidence:
            return None
        sentences = [s for s in split_sentences(chunk.text) if not is_heading(s.text, chunk)]
        quote = sentences[0].text if sentences else chunk.text.strip()[:60]
        n = builder.cite(chunk, quote)
        title = display_title(self.catalog.title(chunk.doc_id))
        text = f"《{title}》中，相关内容位于{place}[{n}]：{short(quote, 120)}"
        return Draft(text, builder, strength=cov)

    def metadata(self, a: Analysis, doc_ids: list[str] | None, builder: CitationBuilder) -> Draft:
        """Every field the question asks for (文号、发文机关、日期、标题), each cited where the text states it."""
        doc_id = (doc_ids or [None])[0] or self.catalog.doc_in_question(a.question)
        if not doc_id:  # guessing the document would answer with some other plan's 文号
            return Draft(refusal="问题没有指明是哪一份文件（请写出地区或文件标题）。", strength=-1.0)
        meta = self.catalog.meta(doc_id)
        title = display_title(self.catalog.title(doc_id))
        fields = list(dict.fromkeys(a.fields or ([a.field] if a.field else [])))
        parts, missing = [], []
        for name in fields:
            value = meta.get(name, "") or ""
            label = _LABELS[name]
            if not value and name == "date" and (said := self._issued(doc_id)):
                n = builder.cite(*said[:2])
                parts.append(f"{label}据正文是{said[2]}[{n}]")
                continue
            if not value:
                missing.append(label)
                continue
            chunk, quote = self._locate(doc_id, value, name)
            shown = date_cn(value) if name == "date" else value
            if chunk is None:
                parts.append(f"{label}是{shown}（据文件元数据）")
            else:
                n = builder.cite(chunk, quote)
                parts.append(f"{label}是{shown}[{n}]")
        if not parts:  # not in the metadata: answer from the text like any other question
            return Draft(refusal=f"《{title}》的元数据未注明{'、'.join(missing)}。")
        text = f"《{title}》的{'，'.join(parts)}。"
        if missing:
            text += f"文件中未找到{'、'.join(missing)}（文件元数据未注明）。"
        return Draft(text, builder, strength=1.0)

    def _issued(self, doc_id: str) -> tuple[Chunk, str, str] | None:
        """A record without a signature date: the first sentence dating an issue ("2021年12月31日，…印发了《…》")."""
        for c in self.catalog.chunks.get(doc_id, []):
            for s in split_sentences(c.text):
                m = DATE_CN.search(s.text)
                if m and _ISSUED.search(s.text, m.end(), m.end() + 40):
                    return c, s.text, f"{int(m.group(1))}年{int(m.group(2))}月{int(m.group(3))}日"
        return None

    def _locate(self, doc_id: str, value: str, field_name: str) -> tuple[Chunk | None, str]:
        """The chunk and sentence where a metadata value appears (first occurrence in the document)."""
        variants = [value]
        if field_name == "date":
            variants = [date_cn(value), value, value.replace("-", ".")]
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


def date_cn(iso: str) -> str:
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", iso)
    return f"{int(m.group(1))}年{int(m.group(2))}月{int(m.group(3))}日" if m else iso
