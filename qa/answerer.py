"""The offline answerer: analyse → gather evidence → score (one model) → compose by type → check citations.

Each ask of the question is answered on its own: its candidates are the sentences of the chunks retrieved
for it (a hybrid search plus a keyword pass over its terms and their thesaurus synonyms), scored by the
answerability model; the best candidate answers the ask when P >= the model's threshold, else the ask
gets its own "文件中未找到" line with a reason in user terms and the nearest passages.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from planqa.corpus.figures import alike
from planqa.corpus.places import named_places, place_alias, site_words
from planqa.corpus.terms import content_terms
from planqa.index.catalog import Catalog
from planqa.index.types import Hit
from planqa.qa.analysis import Analysis, analyse, strip_form
from planqa.qa.answerability import Model
from planqa.qa.asks import Ask, asks_of
from planqa.qa.citations import CitationBuilder, check_answer
from planqa.qa.docfields import DocField, asked_fields, unprinted
from planqa.qa.draft import Draft, display_title, where
from planqa.qa.features import STRICT_UNITS, Candidate, candidates, unit_fits
from planqa.qa.lookups import Lookups
from planqa.qa.match import Matcher
from planqa.qa.refusal import NEAREST, NOT_FOUND, ask_reason
from planqa.qa.sentences import clean_for_answer, is_title, split_sentences, with_marker

SearchFn = Callable[..., list[Hit]]
_MAX_ITEMS = {"measure": 3, "general": 2, "number": 2, "which": 1}  # passages per ask
GATHER_EXTRA = 4  # chunks beyond top_k whose sentences are scored: paraphrases rank the answer lower
# The result word of a comparison: the adjective the ask uses (更多 for "哪边多", 更高 for "谁最高").
_ADJ = re.compile(r"(?:更|最|比较)?([高低多少大小快慢强弱早晚])")
_LOWER = frozenset("低少小慢弱晚")
ASIDE = re.compile(r"^[〔【（(\[［][^。；]*[〕】）)\]］][。；;，,]?$")  # a sentence that is all one bracketed aside
# extraction debris: table cells glued together (no figure of a plan runs 12 digits), a cell split off as a
# sentence ("二级指标", "2020年"), the caption of a table, box or annex ("表2：…", "专栏5：…工程")
_DEBRIS = re.compile(r"[\d.]{12,}|^\W*(?:\w\W*){0,5}$|^(?:附?表|专栏|图|附件)\s*[\d一二三四五六七八九十]+\s*[：:．.]?[^，,；;。]{0,40}$")
_WHO = re.compile(r"谁|哪(?:个|边|家|里|方|一方|一个|地)")  # a general ask between compared documents


@dataclass
class Scored:
    """The candidates of one ask (in one scope), best first."""

    ask: Ask
    terms: list[str]
    items: list[Candidate] = field(default_factory=list)


@dataclass
class Figure:
    """A figure a number ask cited: value, unit, citation marker, how well it fits the indicator asked."""

    value: str
    unit: str
    n: int
    score: float
    label: str = ""  # the plan's own name for the indicator
    fit: float = 0.0  # how much of the ask that name holds


@dataclass
class Answerer:
    catalog: Catalog
    index: object
    search: SearchFn
    model: Model
    matcher: Matcher
    top_k: int = 8
    _memo: dict = field(default_factory=dict, repr=False)  # searches of this question, shared by its asks

    # --- analyse ------------------------------------------------------------------------------------
    def plan(self, question: str) -> tuple[Analysis, list[Ask], list[str]]:
        a = analyse(question, self.catalog)
        subject = [*a.places, *(f"《{t}》" for t in re.findall(r"《([^》]{2,60})》", question))]
        known = {place_alias(p) for p in a.places + a.unknown_places}
        subplaces = [p for p in named_places(question) if place_alias(p) not in known
                     and not any(place_alias(p) in k or k in place_alias(p) for k in known)]
        subplaces += [p for p in unknown_place_words(question, self.catalog) if p not in subplaces
                      and not any(place_alias(k) in p for k in known)]
        asks = asks_of(question, subject)
        for i in range(1, len(asks)):  # "…多少？写在哪一章？": a where naming no topic asks where the ask before is
            if asks[i].qtype == "chapter" and not content_terms(strip_form(asks[i].text, a.places + a.unknown_places)):
                asks[i] = replace(asks[i], text=f"{asks[i - 1].text}，{asks[i].text}", refers=True)
        return a, asks, subplaces

    # --- gather + score -----------------------------------------------------------------------------
    def score(self, ask: Ask, a: Analysis, subplaces: list[str], scope: list[str] | None,
              regions: list[str] | None) -> Scored:
        key = ("scored", ask.text, ask.qtype, tuple(scope or ()), tuple(regions or ()))  # siblings read it again
        if key in self._memo:
            return self._memo[key]
        terms = content_terms(strip_form(ask.text, a.places + a.unknown_places + subplaces))
        hits = list(self._search(ask.text, self.top_k + GATHER_EXTRA, scope, regions))
        extra = self._search(" ".join(self.matcher.expand(terms)), self.top_k, scope, regions, "bm25") if terms else []
        for other in ask.others:  # the other asks' passages (a keyword pass, then their hybrid search)
            extra = [*extra, *self._search(other, self.top_k, scope, regions)]
        seen = {h.chunk.chunk_id for h in hits}
        low = min((h.score for h in hits), default=0.0)
        for h in extra:
            if h.chunk.chunk_id not in seen:
                seen.add(h.chunk.chunk_id)
                hits.append(Hit(h.chunk, low, len(hits) + 1, h.bm25, None, h.doc_title))
        encoder = getattr(self.index, "encoder", None)  # an index without vectors: lexical features only
        qvec = encoder.encode_queries([ask.text])[0] if hits and encoder is not None else None
        items = candidates(ask, terms, subplaces, hits, qvec, self.index, self.catalog, self.matcher)
        for c, p in zip(items, self.model.probabilities([c.vector() for c in items]), strict=True):
            c.p = float(p)
        items.sort(key=lambda c: -c.p)
        self._memo[key] = Scored(ask, terms, items)
        return self._memo[key]

    def _search(self, query: str, k: int, scope, regions, mode: str = "hybrid") -> list[Hit]:
        key = (query, k, tuple(scope or ()), tuple(regions or ()), mode)
        if key not in self._memo:
            self._memo[key] = list(self.search(query, k=k, doc_ids=scope or None, regions=regions or None, mode=mode))
        return self._memo[key]

    # --- compose ------------------------------------------------------------------------------------
    def answer(self, question: str, scope: list[str] | None, regions: list[str] | None = None) -> Draft:
        a, asks, subplaces = self.plan(question)
        if subplaces and not scope:  # a sub-region: the plans that mention it
            scope = [d for d, cs in self.catalog.chunks.items()
                     if any(place_alias(p) in c.text for p in subplaces for c in cs)] or None
        builder = CitationBuilder(self.catalog.meta)
        docs = scope if scope and len(scope) >= 2 and a.qtype == "comparison" else None
        lines: list[tuple[str, str]] = []  # (answer line, "") or ("", refusal reason), in the question's order
        figures_by_doc: dict[str, list[Figure]] = {}  # a number ask's cited figures, for "哪个更高"
        shown: set[str] = set()  # sentences already in the answer: a later ask cites them, never repeats them
        before = 0  # citations made before the current ask
        for ask in asks:
            if docs and ask.qtype == "general" and _WHO.search(ask.text):
                ask = replace(ask, qtype="which")  # "谁的任务重" between the documents compared
            if ask.qtype == "which":
                line = self._which(ask.text, figures_by_doc)
                lines.append((line, "") if line else ("", "所比较的文件没有给出同一单位的数字，无法比较。"))
                continue
            if ask.refers and builder.citations[before:]:  # where the answer just given is written: its citation
                c = builder.citations[before]
                lines.append((f"《{display_title(c.doc_title)}》中，上述内容位于{where(c) or '正文开头部分'}[{c.n}]。", ""))
                continue
            others, before = [x for x in asks if x is not ask], len(builder.citations)
            found = (self._compared(ask, a, subplaces, docs, regions, builder, figures_by_doc, shown, others) if docs
                     else {None: self._one(ask, a, subplaces, scope, regions, builder, figures_by_doc, shown, others)})
            for doc, (line, reason) in found.items():
                if reason and doc and not reason.startswith("《"):
                    reason = f"《{display_title(self.catalog.title(doc))}》{reason}"
                lines.append((line, reason))
        if docs and figures_by_doc and not any(x.qtype == "which" for x in asks):
            line = self._which("", figures_by_doc)  # the figures of several documents asked: compared too
            if line:
                lines.append((line, ""))
        if not any(line for line, _ in lines):
            return Draft(refusal="\n".join(r for _, r in lines))
        # a partial answer names what is missing but lists no other passages: their figures would read as answers
        text = "\n".join(line or f"{NOT_FOUND}：{reason.split(NEAREST)[0]}" for line, reason in lines)
        text, _, _ = check_answer(text, builder.citations)
        return Draft(text, builder)

    def _one(self, ask: Ask, a: Analysis, subplaces: list[str], scope, regions, builder: CitationBuilder,
             figures_by_doc: dict, shown: set[str], siblings: list[Ask]) -> tuple[str, str]:
        """(answer line, "") or ("", refusal reason) for one ask in one scope."""
        fields = asked_fields(ask.text)
        if fields and (done := self._fields(ask, a, fields, scope, builder)) is not None:
            return done
        if ask.qtype == "metadata":
            return self._metadata(ask, a, scope, builder)
        lookups = Lookups(self.catalog, 0.6, self.matcher)
        ask_a = analyse(ask.text, self.catalog) if ask.qtype == "chapter" else a
        if ask.qtype == "chapter" and ask_a.heading_ref and (draft := lookups.heading(ask_a, scope, builder)):
            return draft.text, draft.refusal  # "第七章讲什么": the named heading, or "该文件中没有“第十五章”"
        scored = self.score(ask, a, subplaces, scope, regions)
        if ask.qtype == "chapter":  # answered from the heading tree of the passages found
            items = [c for c in scored.items if eligible(ask, c)]
            draft = lookups.chapter(scored.terms, items, builder, self.model.threshold, shown)
            return (draft.text, "") if draft else ("", ask_reason(ask, scored, subplaces, self.catalog, scope))
        shared = {x for sib in siblings if sib.qtype in ("number", "measure", "general")  # what siblings cite
                  for c in self._pick(self.score(sib, a, subplaces, scope, regions)) for x in (c.text, c.chunk.chunk_id)}
        picked = self._pick(scored, shown, shared)
        if not picked:
            return "", ask_reason(ask, scored, subplaces, self.catalog, scope)
        title = display_title(self.catalog.title(picked[0].chunk.doc_id))
        parts, again = [], []
        for c in picked:
            n = builder.cite(c.chunk, c.text, c.hit_score)
            if c.text in shown:
                again.append(f"[{n}]")
            else:
                shown.add(c.text)
                parts.append(with_marker(clean_for_answer(c.text), n))
            if ask.qtype == "number":  # the ask's first sentence counts most
                figs = self._figures(c, n, ask, rank=len(figures_by_doc.get(c.chunk.doc_id, [])) > 0)
                figures_by_doc.setdefault(c.chunk.doc_id, []).extend(figs)
        if not parts:  # every sentence of this ask already answers an earlier one: point at it
            return f"《{title}》：见上文{''.join(again)}。", ""
        if ask.qtype in ("measure", "general") and len(parts) > 1:
            return f"《{title}》提出：\n" + "\n".join(f"{i}. {p}" for i, p in enumerate(parts, 1)), ""
        return f"《{title}》提出：{''.join(parts)}", ""

    def _compared(self, ask: Ask, a: Analysis, subplaces: list[str], docs: list[str], regions, builder: CitationBuilder,
                  figures_by_doc: dict, shown: set[str], siblings: list[Ask]) -> dict[str, tuple[str, str]]:
        """An ask of a comparison, answered per document; for a number ask, a document that gives no figure of
        the indicator the best-named figure of the others is of is asked again in that plan's words for it."""
        runs = {}
        for doc in docs:
            figs, seen = {}, set(shown)
            runs[doc] = (self._one(ask, a, subplaces, [doc], regions, builder, figs, seen, siblings), figs, seen)
        named = max((f for _, figs, _ in runs.values() for fs in figs.values() for f in fs if f.label),
                    key=lambda f: f.score, default=None)
        def of_named(fs: list[Figure]) -> bool:  # a figure of that indicator, named by the ask if that one is
            return any(alike([f.label, named.label], 0.5) and (f.fit > 0 or not named.fit) for f in fs)

        for doc, (_, figs, _) in list(runs.items()):
            if ask.qtype == "number" and named and not of_named(figs.get(doc, [])):
                figs, seen = {}, set(shown)
                again = self._one(replace(ask, text=f"{ask.text}（{named.label}）"), a, subplaces, [doc], regions,
                                  builder, figs, seen, siblings)
                if of_named(figs.get(doc, [])):
                    runs[doc] = (again, figs, seen)
        for doc, (_, figs, seen) in runs.items():
            figures_by_doc.setdefault(doc, []).extend(figs.get(doc, []))
            shown |= seen
        return {doc: line for doc, (line, _, _) in runs.items()}

    def _pick(self, scored: Scored, shown: set[str] = frozenset(), shared: set[str] = frozenset()) -> list[Candidate]:
        """The best sentence (a measure: its passage), and passages the model can hardly tell from it; one already
        cited or picked by a sibling ask leads when near the best: two asks agreeing settle it, nothing is added."""
        pool = [c for c in scored.items if eligible(scored.ask, c)]
        # "〔责任单位：…〕" qualifies the item before it, never leads
        leads = [c for c in pool if c.p >= self.model.threshold and not ASIDE.match(c.text)]
        if not leads:
            return []
        if scored.ask.qtype == "number" and scored.ask.unit:  # among answers, a figure in the unit asked leads
            leads = sorted(leads, key=lambda c: (c.features["unit_fit"] == 0, -c.p))
        whole = scored.ask.qtype in ("measure", "general")  # a sentence answers a figure, a passage a measure
        agreed = [c for c in leads if (c.text in shown or (c.chunk.chunk_id if whole else c.text) in shared)
                  and near_tie(leads[0].p, c.p)]
        out = self._passage((agreed or leads)[0], pool) if whole else [(agreed or leads)[0]]
        have = {o.chunk.chunk_id for o in out}  # a further passage: never a heading or the record block
        for c in leads:
            if agreed or len(have) >= _MAX_ITEMS.get(scored.ask.qtype, 2):
                break
            if near_tie(leads[0].p, c.p) and not (c.features["front_matter"] or c.features["is_heading"]) and (
                    not whole or c.chunk.chunk_id not in have) and all(
                    c.text not in o.text and o.text not in c.text for o in out):
                out.append(c)
                have.add(c.chunk.chunk_id)
        return out

    def _passage(self, best: Candidate, items: list[Candidate]) -> list[Candidate]:
        """A measure is answered by the passage its best sentence sits in: all of that chunk's readable
        sentences in reading order (the model scores sentences one by one, but a paragraph of ~3 sentences
        states one measure together); a heading or list title gives way to the sentences under it."""
        group = sorted((c for c in items if c.chunk.chunk_id == best.chunk.chunk_id), key=lambda c: c.start)
        return [c for c in group if not c.features["is_heading"]] or self._under(best) or [best]

    def _under(self, head: Candidate) -> list[Candidate]:
        """The sentences under a heading: the rest of its chunk up to the next heading, else the start of
        the document's next chunk."""
        chunks = self.catalog.chunks.get(head.chunk.doc_id, [])
        nxt = [c for c in chunks if c.order == head.chunk.order + 1 and c.chapter == head.chunk.chapter]
        out = []
        for chunk, after in [(head.chunk, head.end), *((c, 0) for c in nxt)]:
            for sent in split_sentences(chunk.text):
                if sent.start < after:
                    continue
                if is_title(sent.text):
                    return out
                out.append(Candidate(chunk, sent.text, sent.start, sent.end, head.hit_score,
                                     dict(head.features), p=head.p, tense=head.tense, frame=head.frame))
            if out:
                return out
        return out

    def _metadata(self, ask: Ask, a: Analysis, scope, builder: CitationBuilder) -> tuple[str, str]:
        ask_a = analyse(ask.text, self.catalog)
        ask_a.fields, ask_a.field = ask.fields, (ask.fields or [""])[0]
        draft = Lookups(self.catalog, 0.6).metadata(ask_a, scope or a.doc_ids or None, builder)
        return (draft.text, "") if not draft.refusal else ("", draft.refusal)

    def _fields(self, ask: Ask, a: Analysis, fields: list[DocField], scope, builder: CitationBuilder):
        """A document field the ask names: one the document never prints is refused (a passage about
        something else must not answer "签发人是谁"); a record field is read off the record."""
        docs = scope if scope and len(scope) == 1 else a.doc_ids if len(a.doc_ids) == 1 else []
        doc = docs[0] if docs else self.catalog.doc_in_question(ask.text)
        if not doc:
            return None
        missing = unprinted(fields, "".join(c.text for c in self.catalog.chunks.get(doc, [])))
        if missing:
            title = display_title(self.catalog.title(doc))
            return "", f"《{title}》的元数据未注明{'、'.join(f.label for f in missing)}，正文也没有印出。"
        records = [f.record for f in fields if f.record]
        if records and ask.qtype != "metadata":  # "哪年哪月下发的": the record's date, not a passage
            return self._metadata(replace(ask, qtype="metadata", fields=records), a, [doc], builder)
        parts = []  # a printed field: the sentence that prints it
        for f in (f for f in fields if f.printed is not None):
            found = next(((c, s.text) for c in self.catalog.chunks.get(doc, []) for s in split_sentences(c.text)
                          if f.printed.search(s.text)), None)
            if found:
                parts.append(f"{f.label}：{with_marker(clean_for_answer(found[1]), builder.cite(found[0], found[1]))}")
        return (f"《{display_title(self.catalog.title(doc))}》写明——{''.join(parts)}", "") if parts else None

    def _figures(self, c: Candidate, n: int, ask: Ask, rank: bool) -> list[Figure]:
        """The sentence's figures, each scored by how well its label names the indicator asked, its tense
        and its unit."""
        want = "past" if c.tense == "past" else "target"
        out = []
        for g, fit in c.figs:
            tense = 0.0 if g.tense and g.tense != want else 1.0
            unit = 1.0 if not ask.unit or unit_fits(ask.unit, [g.unit]) else 0.0
            out.append(Figure(g.value, g.unit, n, 2 * fit + tense + 0.5 * unit + c.p - 0.5 * rank, g.label, fit))
        return out

    def _which(self, text: str, figures_by_doc: dict[str, list[Figure]]) -> str:
        """"哪个更高 / 哪边多 / 是否一样": computed from the figures the previous ask cited — per document the
        best-labelled figure, in the base unit all documents share (never across units)."""
        if len(figures_by_doc) < 2:
            return ""
        by_unit: dict[str, dict[str, Figure]] = {}
        units = {_scaled(u=f.unit)[1] for figs in figures_by_doc.values() for f in figs}
        for d, figs in figures_by_doc.items():
            for f in figs:
                base = _scaled(u=f.unit)[1]
                for u in [base] if base else [x for x in units if x in ("人", "个", "人次", "")]:  # counts only
                    best = by_unit.setdefault(u, {})
                    if d not in best or f.score > best[d].score:
                        best[d] = f
        # like with like: figures whose labels share a word, each named by the ask or all worded alike
        shared = [u for u, per in by_unit.items() if len(per) == len(figures_by_doc) and alike([f.label for f in per.values()])
                  and (all(f.fit > 0 for f in per.values()) or alike([f.label for f in per.values()], 0.5))]
        if not shared:
            return ""
        unit = max(shared, key=lambda u: sum(f.score for f in by_unit[u].values()))
        rows = [(_scaled(f.value, f.unit)[0], f, d) for d, f in by_unit[unit].items()]
        listed = "，".join(f"{self._name(d)}为{f.value}{f.unit}[{f.n}]" for _, f, d in rows)
        if len({x for x, _, _ in rows}) == 1:
            return f"比较：{listed}，{'、'.join(self._name(d) for *_, d in rows)}一样。"
        m = _ADJ.search(text)
        adj = m.group(1) if m else "高" if unit == "%" else "多"  # no adjective asked: a share is higher
        most = "最" if m and m.group(0).startswith("最") else "更"  # the degree the question asks in
        pick = min(rows, key=lambda r: r[0]) if adj in _LOWER else max(rows, key=lambda r: r[0])
        verdict = "不一样，" if re.search(r"一样|相同", text) else ""
        return f"比较：{listed}，{verdict}{self._name(pick[2])}{most}{adj}。"  # one sentence: the verdict cites

    def _name(self, doc_id: str) -> str:
        """A document as a comparison names it: its place (济源), else its short title."""
        places = sorted(self.catalog.places_of(doc_id), key=len)
        return place_alias(places[0]) if places else f"《{display_title(self.catalog.title(doc_id))}》"


_MAGNITUDE = {"万": 1e4, "亿": 1e8, "千": 1e3, "百": 1e2}
_COUNTERS = {"名": "人", "位": "人", "家": "个", "项": "个", "所": "个", "套": "个"}  # counters of one kind


def _scaled(v: str = "0", u: str = "") -> tuple[float, str]:
    """3.5万家 → (35000, 个): figures compare in their base unit, counters of one kind alike (名 ~ 人); a bare
    "5万" (its counter unsaid or lost) has the base unit "": a count of what the other figures count."""
    x = float(v)
    if u[:1] in _MAGNITUDE:
        x, u = x * _MAGNITUDE[u[0]], u[1:]
    return x, _COUNTERS.get(u, u)


def near_tie(best: float, p: float, odds: float = 3.0) -> bool:
    """p is nearly as likely as the best to hold the answer, worth a second citation: if one of two holds it, the
    second adds its share q2 to keyword accuracy and turns precision q1 into 1/2 — a gain while q1 <= 3/4."""
    return p / max(1e-9, 1 - p) * odds >= best / max(1e-9, 1 - best)


def eligible(ask: Ask, c: Candidate) -> bool:
    """Hard fits no score can make up for: the place asked (a sub-region the plan must name), the year
    asked (a plan that ends in 2025 states no 2035 target), a figure for a number ask, the past for a
    question about the past (a target for one about the target); a sentence that only restates the title,
    or extraction debris, answers nothing."""
    f = c.features
    if f["place_fit"] == 0 or f["year_fit"] == 0 or f["title_like"] >= 0.6 or _DEBRIS.search(c.text.strip("*。：: ")):
        return False
    if ask.qtype == "number":
        if f["front_matter"]:  # the notice and preface print the record's figures, not the plan's
            return False
        # a share or a sum of money is answered only by a figure in that unit, never by a head count
        exact_unit = ask.unit in STRICT_UNITS and f["unit_fit"] == 0
        # a past ask wants the past (in this document's period), a target ask more than a review of the past
        # the figure must be of something the ask names: a sentence whose figures' labels share nothing with
        # the ask (劳务品牌14个 for 新增就业) answers another indicator, however close the sentence is otherwise
        named = not c.figs or max(fit for _g, fit in c.figs) > 0
        return f["type_fit"] > 0 and not exact_unit and (not c.tense or f["tense_fit"] > 0) and named
    return True


def unknown_place_words(question: str, catalog: Catalog) -> list[str]:
    """Place-like words ("<name>镇", "<name> 基地") whose name the corpus never mentions: no plan of the
    corpus says anything about them, so no passage may answer for them."""
    return [w for w, name in site_words(question) if not catalog.mentions(name, min_chunks=1)]
