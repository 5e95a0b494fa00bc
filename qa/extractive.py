"""The offline extractive answerer: picks supporting sentences and composes a short cited answer."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from planqa.index.types import Hit
from planqa.qa.analysis import Analysis, metadata_fields, strip_form
from planqa.qa.catalog import Catalog
from planqa.qa.citations import MARKER, CitationBuilder
from planqa.qa.draft import Draft, display_title, shared_where, where
from planqa.qa.evidence import Evidence, context_of, is_heading, score_sentences, term_match
from planqa.qa.indicators import (
    MODIFIERS,
    indicator_phrase,
    indicator_phrases,
    label_match,
    parse_row,
    row_sentence,
    sentence_match,
)
from planqa.qa.lookups import Lookups
from planqa.qa.refusal import MIN_EVIDENCE, weak_evidence_reason
from planqa.qa.sentences import clean_for_answer, split_sentences, with_marker
from planqa.qa.terms import expand

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
        if a.quoted and a.qtype in ("measure", "general") and _ASKS_WHAT.search(a.question):
            draft = self._quoted_passage(a, evidence, builder)
            if draft is not None:
                return draft
        if a.qtype == "number":
            draft = self._indicator_answer(a, evidence, doc_ids, builder, with_title=True)
            if draft is not None:
                return draft
        return self._compose(a, evidence, builder, with_title=True)

    # --- retrieval + scoring ----------------------------------------------------------------
    def _evidence(self, a: Analysis, doc_ids: list[str] | None, regions: list[str] | None,
                  query: str = "") -> list[Evidence]:
        hits = self.search(query or a.question, k=self.top_k, doc_ids=doc_ids or None, regions=regions or None)
        if a.terms:  # a keyword-only pass catches passages the full question's wording hides
            seen = {h.chunk.chunk_id for h in hits}
            extra = self.search(" ".join(expand(a.terms)), k=self.top_k, doc_ids=doc_ids or None,
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
            return weak_evidence_reason(list(best.missing))
        if a.qtype == "number" and not any(e.has_number and e.strength >= self.min_evidence for e in evidence[:5]):
            return "相关段落中没有给出所问的数字。"
        if a.qtype == "number" and _asks_past(a) and not any(
                e.has_number and e.strength >= self.min_evidence and _states_past(e) for e in evidence[:5]):
            return "相关段落只给出了规划期（“十四五”）的目标，没有给出所问的过去（“十三五”期间或2020年）的数字。"
        if a.qtype == "number":
            # Every word of the asked indicator, in one sentence (or its headings) that gives a figure.
            key = self._indicator_terms(a, rare_only=False)
            if key and not any(e.has_number and all(_covered(t, e) for t in key) for e in evidence[:5]):
                lost = [t for t in key if not any(_covered(t, e) for e in evidence[:5])] or key
                return f"所检索到的段落没有给出“{'”“'.join(lost[:3])}”的数字，证据不足。"
        return ""

    def _indicator_terms(self, a: Analysis, rare_only: bool = True) -> list[str]:
        """The question's content terms inside its indicator phrase (养老服务中心 → 养老, 服务中心): a figure
        for another indicator does not answer the question."""
        if _several_asks(a.question):
            return []
        stripped = strip_form(a.question, a.places + a.unknown_places)
        phrase = indicator_phrase(stripped)
        if not 3 <= len(phrase) <= 10:  # a long remainder is no noun phrase: the question names no indicator
            return []
        if not rare_only:  # "给老师建多少套住房": the ask word splits the indicator; all its pieces count
            whole = indicator_phrases(stripped)[-1]
            phrase = whole if len(whole) <= 12 else phrase
        return [t for t in a.terms if t in phrase and t not in a.soft and not t.isdigit()
                and (self.catalog.weight(t) >= _RARE or not rare_only)]

    # --- composition by question type -------------------------------------------------------
    def _compose(self, a: Analysis, evidence: list[Evidence], builder: CitationBuilder, with_title: bool,
                 limit: int = _MAX_ITEMS - 2, item_chars: int = 110, runners: int = 2) -> Draft:
        reason = self._gate(a, evidence)
        if reason:
            return Draft(refusal=reason, strength=evidence[0].strength if evidence else 0.0)
        best = evidence[0]
        title = display_title(self.catalog.title(best.chunk.doc_id))
        lead = f"《{title}》" if with_title else ""
        if a.qtype == "measure":
            body, items, place = self._measures(a, evidence, builder, limit, item_chars)
            intro = f"在{place}中提出：" if place else "提出："
            text = f"{lead}{intro}\n{body}"
            return Draft(text, builder, strength=best.strength, items=items)
        if a.qtype == "chapter":
            best = next((e for e in evidence[:10] if e.chunk.chapter), best)  # a chapter is what was asked
            n = builder.cite(best.chunk, best.text, best.hit_score)
            place = where(best.chunk) or "正文开头部分"
            text = f"{lead}中，相关内容位于{place}[{n}]：{clean_for_answer(best.text)}"
            return Draft(text, builder, strength=best.strength)
        picks = self._supporting(a, evidence, runners)
        parts = []
        for e in picks:
            n = builder.cite(e.chunk, e.text, e.hit_score)
            parts.append(with_marker(self._render(e), n))
        intro = "提出：" if with_title else ""
        text = f"{lead}{intro}{''.join(parts)}"
        return Draft(text, builder, strength=best.strength, items=[clean_for_answer(e.text) for e in picks])

    # --- a quoted name: the passage that explains it ------------------------------------------------
    def _quoted_passage(self, a: Analysis, evidence: list[Evidence], builder: CitationBuilder) -> Draft | None:
        """“三个百场”是指什么: the passage from the name's first mention in the best chunk holding it to the end
        of its item (paragraph, next numbered item, or ≈300 characters), so every part of the enumeration is
        kept. The mention may be a run-in heading ("3.“三个百场”就业服务专项行动。") the evidence skips."""
        term = max(a.quoted, key=len)
        chunks = list({e.chunk.chunk_id: e for e in evidence[:60]}.values())
        weights = {t: w * (0.5 if t in a.soft else 1.0) for t, w in self.catalog.weights(a.terms).items()}
        total = sum(weights.values()) or 1.0
        for e in chunks:
            c = e.chunk
            if c.kind == "table" or term_match(term, c.text) < 1.0:
                continue
            first = next((x for x in split_sentences(c.text) if term_match(term, x.text) >= 1.0), None)
            if first is None:
                continue
            end = _item_end(c.text, first.end, _PASSAGE_CHARS)
            quote = c.text[first.start:end].strip()
            where_ = quote + " " + context_of(c)
            strength = sum(w * term_match(t, where_) for t, w in weights.items()) / total
            if strength < self.min_evidence:
                continue
            n = builder.cite(c, quote, e.hit_score)
            title = display_title(self.catalog.title(c.doc_id))
            item = clean_for_answer(quote)
            return Draft(f"《{title}》提出：{with_marker(item, n)}", builder, strength=strength, items=[item])
        return None

    # --- number questions: the asked indicator, stated directly --------------------------------
    def _indicator_answer(self, a: Analysis, evidence: list[Evidence], doc_ids: list[str] | None,
                          builder: CitationBuilder, with_title: bool) -> Draft | None:
        """The table row or sentence that states exactly the asked indicator leads, followed by at most one
        sentence stating the same indicator. None when the question names no single indicator or nothing
        states it exactly (the general composition then answers)."""
        if _several_asks(a.question):
            return None  # several quantities asked: the general composition lists them
        phrase = indicator_phrase(strip_form(a.question, a.places + a.unknown_places))
        if len(phrase) < 3:
            return None
        lead_year = "2020" if a.tense == "past" or a.years == ["2020"] else ""
        phrases = indicator_phrases(strip_form(a.question, a.places + a.unknown_places))
        rows = self._indicator_rows(a, phrases, doc_ids or sorted({e.chunk.doc_id for e in evidence[:5]}))
        if len({c.doc_id for _, c, _ in rows}) > 1:
            return None  # several plans state it and the question names none: the general answer
        if rows and not doc_ids and self._gate(a, evidence):
            return None  # no document named: the evidence must carry the question on its own
        sentences = [e for e in evidence[:30] if e.chunk.kind != "table"
                     and sentence_match(phrase, e.text) >= 1.0 and e.strength >= 0.5 * self.min_evidence]
        if rows:
            _, chunk, row = rows[0]
            doc_id = chunk.doc_id
            text = row_sentence(row, lead_year)
            if not text:
                return None
            n = builder.cite(chunk, chunk.text.strip(), 0.0)
            parts = [with_marker(text + "。", n)]
            target = row.cells[-1][1] if row.cells else ""
            figure = (lambda e: _figure_in(target, e.text)) if target and not lead_year else (lambda e: False)
            support = [e for e in evidence[:30] if e.chunk.doc_id == doc_id and e.chunk.kind != "table"
                       and _same_tense(e, lead_year) and (e in sentences or (
                           figure(e) and sentence_match(phrase, e.text) >= 0.5))]
            support.sort(key=lambda e: (-figure(e), -e.score))
            strength = 1.0
        else:
            if not sentences or (a.qtype == "number" and self._gate(a, evidence)):
                return None
            sentences.sort(key=lambda e: not _same_tense(e, lead_year))  # the asked period first (stable)
            lead = sentences[0]
            doc_id = lead.chunk.doc_id
            n = builder.cite(lead.chunk, lead.text, lead.hit_score)
            parts = [with_marker(clean_for_answer(lead.text), n)]
            support = [e for e in sentences[1:] if e.chunk.doc_id == doc_id and e.text != lead.text
                       and e.score >= 0.8 * lead.score]
            strength = lead.strength
        if support:
            e = support[0]
            n = builder.cite(e.chunk, e.text, e.hit_score)
            parts.append(("另外，" if rows else "") + with_marker(clean_for_answer(e.text), n))
        title = display_title(self.catalog.title(doc_id))
        lead_in = f"《{title}》提出，" if with_title else ""
        items = [MARKER.sub("", p) for p in parts]
        return Draft(lead_in + "".join(parts), builder, strength=strength, items=items)

    def _indicator_rows(self, a: Analysis, phrases: list[str], doc_ids: list[str]):
        """(match, chunk, row) of the indicator-table rows naming the asked indicator (≥ 0.7), best first."""
        if any(y not in ("2020", "2025") for y in a.years):
            return []  # tables give the 2020 base and the 2025 target only
        out = []
        for doc_id in doc_ids:
            for c in self.catalog.chunks.get(doc_id, []):
                if c.kind != "table":
                    continue
                row = parse_row(c.text)
                if row is None:
                    continue
                m = max(label_match(p, row.key) for p in phrases)
                if any(q in phrases[-1] and q not in row.label for q in MODIFIERS):
                    continue  # "新增了多少技能人才": a row of the total is another indicator
                if m >= 0.7:
                    out.append((m, c, row))
        if not out:
            return []
        top = max(m for m, _, _ in out)
        return [x for x in sorted(out, key=lambda x: (-x[0], x[1].order)) if x[0] >= top]

    def _supporting(self, a: Analysis, evidence: list[Evidence], runners: int = 2) -> list[Evidence]:
        """The best sentence plus up to `runners` close runners-up from the same document (number questions: one
        more)."""
        best = evidence[0]
        if a.qtype == "number" and not best.has_number:  # a figure was asked for: lead with a relevant one
            best = _figure_neighbour(a, best, evidence, self.min_evidence) or next(
                (e for e in evidence[:5] if e.has_number and e.strength >= self.min_evidence), best)
        picks = [best]
        phrase = indicator_phrase(strip_form(a.question, a.places + a.unknown_places)) if a.qtype == "number" else ""
        for e in evidence[:12]:
            if e is best:
                continue
            if len(phrase) >= 3 and not _same_indicator(phrase, e):
                continue  # a figure of another indicator (新增…, …占比, another table row)
            if len(picks) >= runners + (1 if a.qtype == "number" else 0):
                break
            if e.chunk.doc_id != best.chunk.doc_id or e.score < best.score * 0.8:
                continue
            if a.qtype == "number" and not _states_figure(e):
                continue
            if any(e.text == p.text for p in picks):
                continue
            if a.tense == "target" and not _same_tense(e, "") and _same_tense(best, ""):
                continue  # targets were asked: the review of the past period is no support
            picks.append(e)
        if a.qtype != "number":
            picks = [picks[0], *(e for e in self._on_topic(a, picks) if e is not picks[0])]
        # The best sentence leads (it answers the question); the rest follow in document order.
        rest = sorted(picks[1:], key=lambda e: (e.chunk.order, e.sentence.start))
        return [picks[0], *rest]

    def _render(self, e: Evidence) -> str:
        if e.chunk.kind == "table":
            row = parse_row(e.text)
            text = row_sentence(row) if row else ""
            return clean_for_answer(text + "。" if text else table_sentence(e.text))
        return clean_for_answer(e.text)

    def _measures(self, a: Analysis, evidence: list[Evidence], builder: CitationBuilder,
                  limit: int = _MAX_ITEMS - 2, item_chars: int = 110) -> tuple[str, list[str], str]:
        """The most relevant sentences of the best document, listed in document order.

        Plan texts state each measure in one sentence, so the top-scoring sentences (not the
        section's topic sentences) are what answers "how" questions with concrete content."""
        best = evidence[0]
        home = self._home_section(a, best.chunk.doc_id)
        home_ev = self._home_evidence(a, home, best) if home else []
        # the question names a section: its paragraph leads are the measures, and the section is the focus
        evidence = home_ev + evidence
        pool = [e for e in evidence[:40] if e.chunk.doc_id == best.chunk.doc_id and e.score >= best.score * 0.6]
        pool = _focus(pool, home_ev[0]) if home_ev else _focus(pool, best)
        if sum(not _is_preamble(e.text) for e in pool) >= 2:  # principles and goals only when nothing else
            pool = [e for e in pool if not _is_preamble(e.text)]
        if sum(bool(e.chunk.section) for e in pool) >= 2:  # a chapter's opening summary restates its sections
            pool = [e for e in pool if e.chunk.section]
        asked_overview = bool(home_ev) and _in_overview(home_ev[0])  # "基本原则有哪些": the question names it
        if not asked_overview and any(not _in_overview(e) for e in pool):  # goals / the review: not what is done
            pool = [e for e in pool if not _in_overview(e)]
        picked: list[Evidence] = []
        for e in pool:
            if len(picked) >= limit:
                break
            if any(e.text == p.text or e.text in p.text or p.text in e.text for p in picked):
                continue
            picked.append(e)
        picked = picked or [best]  # never an empty list
        picked = self._on_topic(a, picked)
        picked.sort(key=lambda e: (e.chunk.order, e.sentence.start))
        lines, items = [], []
        quotes: list[tuple[Evidence, str]] = []
        seen: set[str] = set()
        focus = [t for t in a.terms if t not in a.soft and self.catalog.weight(t) >= _FOCUS]  # 人才/建设 say little
        for e in picked:
            quote = condense(_whole_sentence(e), item_chars, focus, lists=bool(_ASKS_LIST.search(a.question)))
            if quote in seen or any(quote in q for q in seen):
                continue
            seen.add(quote)
            quotes.append((e, quote))
        for i, (e, quote) in enumerate(quotes, 1):
            n = builder.cite(e.chunk, quote, e.hit_score)
            item = clean_for_answer(quote)
            items.append(item)
            lines.append(f"{i}. {with_marker(item, n)}")
        return "\n".join(lines), items, shared_where([e.chunk for e, _ in quotes])

    def _specific_weights(self, a: Analysis, doc_id: str) -> dict[str, float]:
        """IDF weights of the question's terms that do not merely restate the document's title (verbs at half)."""
        title = self.catalog.title(doc_id)
        return {t: w * (0.5 if t in a.soft else 1.0) for t, w in self.catalog.weights(a.terms).items()
                if term_match(t, title) < 1.0}

    def _on_topic(self, a: Analysis, items: list[Evidence]) -> list[Evidence]:
        """Items whose sentence (with its chapter and section headings) shares far fewer of the question's specific terms than
        the best-covered item are only loosely related: they are dropped (the best-covered item always stays)."""
        if len(items) < 2:
            return items
        weights = self._specific_weights(a, items[0].chunk.doc_id)
        total = sum(weights.values())
        if not total:
            return items

        def coverage(e: Evidence) -> float:
            where_ = _whole_sentence(e) + " " + e.chunk.chapter + " " + e.chunk.section
            return sum(w * term_match(t, where_) for t, w in weights.items()) / total

        covs = [coverage(e) for e in items]
        top = max(covs)
        if top <= 0:
            return items
        return [e for e, c in zip(items, covs, strict=True) if c >= _ON_TOPIC * top]

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
        sub = Analysis(**a.__dict__)
        sub.qtype = _base_type(a.question)
        if sub.qtype == "metadata":
            sub.fields = metadata_fields(a.question)
            sub.field = sub.fields[0] if sub.fields else ""
            if not sub.field:
                sub.qtype = "general"
        found = 0
        for doc_id in doc_ids:
            title = display_title(self.catalog.title(doc_id))
            if sub.qtype == "metadata":
                d = self.lookups.metadata(sub, [doc_id], builder)
            else:
                ev = self._evidence(sub, [doc_id], regions, query=self._query_for(a, doc_id))
                d = None
                if sub.qtype == "number":
                    d = self._indicator_answer(sub, ev, [doc_id], builder, with_title=False)
                    phrase = indicator_phrase(strip_form(a.question, a.places + a.unknown_places))
                    if d is None and 3 <= len(phrase) <= 10 and _ASKS_FIGURE.search(a.question) \
                            and not _several_asks(a.question):
                        # the same indicator in every document: a figure of another one answers nothing
                        d = Draft(refusal=f"文件没有给出“{phrase}”的数字。")
                if d is None:
                    d = self._compose(sub, ev, builder, with_title=False, limit=3, item_chars=100, runners=1)
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


_PREAMBLE = re.compile(r"^(?:[一二三四五六七八九十]+是)?(?:坚持|围绕|以习近平|按照|根据|为(?:深入|全面|贯彻|进一步))")
_GOAL = re.compile(r"^[*#\s]*(?:(?:总体目标|主要目标|发展目标|具体目标)[：:]|到20\d\d年[，,]?(?:基本)?(?:建立起|建成|形成))")


def _is_preamble(text: str) -> bool:
    """Guiding-principle openers ("坚持…", "围绕…") say why, and goal statements say where to, not what is done."""
    return bool(_PREAMBLE.match(text.strip())) and len(text) > 60 or bool(_GOAL.match(text))


_OVERVIEW = re.compile(r"目标|指导思想|总体要求|总体思路|基本原则|发展基础|面临的?形势|发展环境|回顾|现状|成就")


def _in_overview(e: Evidence) -> bool:
    """The sentence sits under a goals / guiding-principles / review heading (its nearest heading decides)."""
    return bool(_OVERVIEW.search(e.chunk.section or e.chunk.chapter))


def _focus(pool: list[Evidence], best: Evidence) -> list[Evidence]:
    """Candidates from the best sentence's section first (then its chapter, then the rest): the measures
    asked about sit together under one heading."""
    def rank(e: Evidence) -> int:
        if e.chunk.chapter == best.chunk.chapter and e.chunk.section == best.chunk.section:
            return 0
        if e.score >= 0.9 * best.score:  # a match nearly as strong as the best counts wherever it sits
            return 0
        return 1 if e.chunk.chapter == best.chunk.chapter else 2

    same = [e for e in pool if rank(e) == 0]
    if len(same) >= 2:
        return sorted(pool, key=rank)  # stable: score order inside each group
    return sorted(pool, key=lambda e: min(rank(e), 1))


_CLAUSE_END = re.compile(r"[，；;。！？]")


def _figure_neighbour(a: Analysis, best: Evidence, evidence: list[Evidence], floor: float) -> Evidence | None:
    """A sentence of the best sentence's own chunk that states the asked indicator with a figure (the best
    sentence names the topic, its neighbour gives the number)."""
    phrase = indicator_phrase(strip_form(a.question, a.places + a.unknown_places))
    same = [e for e in evidence[:40] if e.chunk.chunk_id == best.chunk.chunk_id and e.has_number]
    if len(phrase) >= 2:
        stated = [e for e in same if sentence_match(phrase, e.text) >= 0.5]
        if stated:
            return max(stated, key=lambda e: (sentence_match(phrase, e.text), e.score))
    return next((e for e in same if e.strength >= floor), None)


_ENUMERATOR = re.compile(r"^\s*(?:\d+[.．、]|[（(]\d+[)）])")


def _states_figure(e: Evidence) -> bool:
    """The sentence gives a figure — a list enumerator ("3.") is none."""
    return e.chunk.kind == "table" or bool(re.search(r"\d|[一二两三四五六七八九十百千]+[个所家项名条次门套万亿]",
                                                      _ENUMERATOR.sub("", e.text)))


def _same_indicator(phrase: str, e: Evidence) -> bool:
    """False when a runner-up plainly states another indicator than the asked one."""
    if e.chunk.kind == "table":
        row = parse_row(e.text)
        return row is None or label_match(phrase, row.key) >= 0.7
    m = sentence_match(phrase, e.text)
    return m == 0.0 or m >= 0.5


def _whole_sentence(e: Evidence) -> str:
    """The clause and the rest of its sentence up to "。" (plans chain one measure's steps with "；")."""
    text = e.chunk.text
    end = text.find("。", e.sentence.start)
    nl = text.find("\n", e.sentence.start)
    if end < 0 or (0 <= nl < end):
        return e.text
    return text[e.sentence.start: end + 1].strip()


def condense(sentence: str, limit: int, terms: tuple[str, ...] | list[str] = (), lists: bool = False) -> str:
    """A long sentence cut at its last clause boundary before `limit` characters (a "；" preferred to a "，"):
    still an exact prefix of the source sentence, so it stays an exact quote. Plan sentences state the
    measure first and elaborate after — but a later clause that holds the question's terms (or, when the
    question asks 哪些/什么, a list "重点…/包括…/如…等") is the answer: the cut then moves past it (up to
    2 × `limit`), or the quote becomes the contiguous run of clauses from the first such clause."""
    s = sentence.strip()
    if len(s) <= limit:
        return s
    strong = [m.start() for m in re.finditer(r"[；;。！？]", s) if 12 <= m.start() <= limit]
    weak = [m.start() for m in _CLAUSE_END.finditer(s) if 12 <= m.start() <= limit]
    cut = strong[-1] if strong else weak[-1] if weak else 0
    prefix = s[:cut].rstrip() if cut else s
    needed = _answer_clauses(s, terms, lists)
    if not needed or cut == 0 or needed[-1][0] < cut:
        return prefix  # the prefix already holds every clause that answers
    last_end = needed[-1][1]
    cap = 2 * limit
    if last_end <= cap:
        return s[:last_end].rstrip("，,、 ")
    start = next((a for a, _ in needed if a >= cut), needed[0][0])  # the first answering clause past the cut
    ends = [b for _, b in _clauses(s) if start < b <= start + cap]
    end = ends[-1] if ends else next(b for a, b in needed if a == start)  # at least the answering clause
    return s[start:end].rstrip("，,、 ")


_ASKS_FIGURE = re.compile(r"多少|几[个所家项名万亿条]|比例|比重|占比|百分之?几|[率数]是")
_ASKS_WHAT = re.compile(r"是指|指的是|指什么|是什么|包括|包含|有哪些|哪些|内容|含义|意思|具体")
_PASSAGE_CHARS = 300
_RUN_IN_HEADING = re.compile(r"(?<=[。])\s*([^。；;，,：:\n]{4,20}。)")
# Where the next item of a list starts: "2.", "（三）", "四、" after a sentence end or a line break.
_NEXT_ITEM = re.compile(r"(?:(?<=[。；;])|\n)\s*(?:\d+[.．、]|[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、|第[一二三四五六七八九十]+[章节])")


def _item_end(text: str, first_end: int, cap: int) -> int:
    """End of the item a sentence opens: its paragraph, up to the next numbered item, cut at the last
    sentence end within `cap` characters (never before `first_end`)."""
    stop = len(text)
    nl = re.search(r"\n\s*\n|\n", text[first_end:])
    if nl:
        stop = first_end + nl.start()
    m = _NEXT_ITEM.search(text, first_end, stop)
    if m:
        stop = m.start()
    for h in _RUN_IN_HEADING.finditer(text, first_end, stop):  # "标准化建设“人才之家”。" opens the next item
        stop = h.start(1)
        break
    if stop - first_end > cap:
        ends = [m.end() for m in re.finditer(r"[。；;]", text[first_end: first_end + cap])]
        stop = first_end + ends[-1] if ends else first_end
    return max(stop, first_end)


_ASKS_LIST = re.compile(r"哪些|哪类|哪几|什么|包括|有啥")
_LIST_CUE = re.compile(r"重点|包括|如|主要有|涵盖|(?<![高平同])等")


def _clauses(s: str) -> list[tuple[int, int]]:
    """(start, end) of the clauses of a sentence, each end after its punctuation."""
    out, start = [], 0
    for m in _CLAUSE_END.finditer(s):
        out.append((start, m.end()))
        start = m.end()
    if start < len(s):
        out.append((start, len(s)))
    return out


def _answer_clauses(s: str, terms, lists: bool) -> list[tuple[int, int]]:
    """Clauses holding a question term that the first clause lacks, or a list when a list is asked."""
    spans = _clauses(s)
    if not spans:
        return []
    head = s[spans[0][0]: spans[0][1]]
    new_terms = [t for t in terms if len(t) >= 2 and term_match(t, head) < 1.0]
    out = []
    for a, b in spans[1:]:
        c = s[a:b]
        if any(term_match(t, c) >= 1.0 for t in new_terms) or (lists and _LIST_CUE.search(c) and c.count("、") >= 2):
            out.append((a, b))
    return out


_ON_TOPIC = 0.7  # share of the best item's specific-term coverage an item needs to be listed
_FOCUS = 2.5  # IDF above which a question term is worth keeping a later clause for
_RARE = 3.5  # IDF above which a term names something specific (养老 3.9, 床位 7.4; 人才 1.0, 比例 2.9)


def _several_asks(q: str) -> bool:
    return len(re.findall(r"多少|几[个所家项名万条]", q)) > 1 or bool(re.search(r"[？?].+[？?]", q))


def _covered(term: str, e: Evidence) -> bool:
    from planqa.qa.evidence import context_of

    return term_match(term, e.text) >= 1.0 or term_match(term, context_of(e.chunk)) >= 1.0


# A sentence speaks of the past period: a date before the plan, a stock ("累计", "基数") or a completed act.
_PAST_STATED = re.compile(r"截至|截止|十[二三]五|20(?:[01]\d|20)年|累计|已[经达有建实完形]|基数|以来|五年来|比上年")


def _asks_past(a: Analysis) -> bool:
    """The question asks for a figure of the past period (十三五 / 2020年 / 过去五年), not for a target."""
    return a.tense == "past" and all(y <= "2020" for y in a.years)


def _states_past(e: Evidence) -> bool:
    """A figure of the past: a table row (it gives the 2020 base), a sentence under a review heading, or
    one with a past cue."""
    return e.chunk.kind == "table" or _same_tense(e, "2020") or bool(_PAST_STATED.search(e.text))


def _same_tense(e: Evidence, lead_year: str) -> bool:
    """A supporting sentence speaks of the asked period: the plan's targets, or (for 2020 figures) the review."""
    background = bool(_BACKGROUND.search(e.chunk.section or e.chunk.chapter))  # the nearest heading decides
    return background if lead_year else not background


_BACKGROUND = re.compile(r"发展基础|面临的?形势|发展环境|发展背景|回顾|现状|成就")


def _figure_in(value: str, text: str) -> bool:
    m = re.search(r"\d+(?:\.\d+)?", value)
    return bool(m) and re.search(r"(?<![\d.])" + re.escape(m.group(0)) + r"(?![\d])", text) is not None


def _strip_places(q: str, places: list[str]) -> str:
    for p in sorted(places, key=len, reverse=True):
        q = re.sub(re.escape(p) + r"(?:省|市|县|区)?", "", q)
    return re.sub(r"^[和与及、]+|(?<=[^\u4e00-\u9fff])[和与及、]+", "", q)


def _base_type(q: str) -> str:
    from planqa.qa.analysis import question_type

    t = question_type(q, 0)
    return t if t != "comparison" else "general"


def table_sentence(quote: str) -> str:
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
