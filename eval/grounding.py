"""Answer-side metrics: citations against gold evidence, sentence support, numbers, keywords, refusals.

Scores one answer (the `planqa ask --json` / batch row shape: a dict with `answer`, `refused`,
`citations`) against one EvalItem, then aggregates overall and by question type.

Choices worth knowing:
- A citation matches gold evidence when it comes from the gold document and its passage (title,
  chapter, section, chunk text and quote) contains the gold quote, or covers >= `quote_overlap` of the quote's character
  bigrams (a quote cut by a chunk boundary), or — for single-document questions — contains every
  gold keyword (the same figure often sits both in an indicator table and in a target sentence).
- A sentence is supported when its cited passages contain >= `support_threshold` of its character
  bigrams and every number it states (list enumerators such as "1." are not numbers). A sentence
  without its own [n] marker borrows the markers of the next marked sentence in the same paragraph
  ("A。B[1]。" cites [1] for both); a lead-in line ending in a colon borrows from the next line.
- A refused answer counts as an empty answer: no keywords, no numbers, no citations.
- A keyword may list equivalent forms separated by "|" ("5000人|0.5万人"); any one counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from planqa.corpus.headings import LIST_ITEM
from planqa.eval.dataset import EvalItem
from planqa.eval.textnorm import containment, contains, normalize, numbers_in

_MARKER = re.compile(r"\[(\d+)\]")
_SENT_END = re.compile(r"(?<=[。！？!?；;])")
_CHAPTER_LABEL = re.compile(r"^(第[一二三四五六七八九十百零〇\d]+[篇章]|[一二三四五六七八九十]+、)")


@dataclass
class GroundingScore:
    id: str
    type: str
    answerable: bool
    refused: bool
    n_citations: int = 0
    citation_precision: float | None = None  # None: nothing to judge
    citation_recall: float | None = None
    supported_ratio: float | None = None
    n_sentences: int = 0
    numeric_ok: bool | None = None  # every gold number in the answer; None: no numeric keywords
    keyword_recall: float | None = None
    keywords_all: bool | None = None
    chapter_ok: bool | None = None  # some citation sits under the gold chapter
    doc_ok: bool | None = None  # every gold document is cited

    def to_dict(self) -> dict:
        return asdict(self)


def _bracketed(text: str) -> str:
    # Markers may be written 【1】 or ［1］ by other systems.
    return text.translate(str.maketrans("【】［］", "[][]"))


def split_sentences(answer: str) -> list[str]:
    """Answer sentences with their markers; paragraphs split on newlines, then on 。！？；."""
    out = []
    for para in _bracketed(answer).splitlines():
        out.extend(s.strip() for s in _SENT_END.split(para) if s.strip())
    return out


def _sentence_markers(answer: str) -> list[tuple[str, list[int]]]:
    """(sentence without markers or enumerator, cited numbers). Markers apply backwards to the
    unmarked sentences before them in the same paragraph; a paragraph ending in a colon (a lead-in
    to a list) carries its sentences over to the next paragraph."""
    result: list[tuple[str, list[int]]] = []
    pending: list[str] = []
    for para in _bracketed(answer).splitlines():
        sents = [s.strip() for s in _SENT_END.split(para) if s.strip()]
        for s in sents:
            marks = [int(m) for m in _MARKER.findall(s)]
            bare = LIST_ITEM.sub("", _MARKER.sub("", s))
            if len(normalize(bare).strip("。！？!?；;:：,，")) < 4:  # "答:", a lone "[1]"
                if marks and pending:
                    result.extend((p, marks) for p in pending)
                    pending = []
                continue
            if marks:
                result.extend((p, marks) for p in pending)
                pending = []
                result.append((bare, marks))
            else:
                pending.append(bare)
        if pending and not para.rstrip().endswith(("：", ":")):
            result.extend((p, []) for p in pending)
            pending = []
    result.extend((p, []) for p in pending)
    return result


def _passage(c: dict) -> str:
    # Title and headings count as evidence: "《X》第九章提出…" is supported by the citation's location.
    parts = (c.get("doc_title"), c.get("chapter"), c.get("section"), c.get("text"), c.get("quote"))
    return "\n".join(p for p in parts if p)


def _chapter_match(cited: str, gold: str) -> bool:
    if not cited or not gold:
        return False
    a, b = _CHAPTER_LABEL.match(normalize(cited)), _CHAPTER_LABEL.match(normalize(gold))
    if a and b:
        return a.group(1) == b.group(1)
    return normalize(gold) in normalize(cited) or normalize(cited) in normalize(gold)


def keyword_in(text: str, keyword: str) -> bool:
    """A gold keyword may list equivalent forms separated by "|" ("5000人|0.5万人")."""
    return any(contains(text, alt) for alt in keyword.split("|"))


def evidence_match(citation: dict, item: EvalItem, j: int, quote_overlap: float = 0.8) -> bool:
    """Does `citation` supply gold quote j of `item`?"""
    if item.docs and citation.get("doc_id") != item.docs[j]:
        return False
    passage = _passage(citation)
    quote = item.quotes[j]
    if contains(passage, quote) or containment(quote, passage) >= quote_overlap:
        return True
    return len(item.quotes) == 1 and bool(item.keywords) and all(keyword_in(passage, k) for k in item.keywords)


def sentence_support(answer: str, citations: list[dict], threshold: float = 0.6) -> tuple[int, int]:
    """(supported sentences, sentences) of an answer."""
    by_n = {c.get("n"): c for c in citations}
    supported = total = 0
    for sent, marks in _sentence_markers(answer):
        total += 1
        passages = "\n".join(_passage(by_n[m]) for m in marks if m in by_n)
        if not passages:
            continue
        nums_ok = set(numbers_in(sent)) <= set(numbers_in(passages))
        if nums_ok and containment(sent, passages) >= threshold:
            supported += 1
    return supported, total


def score_answer(
    item: EvalItem, answer: dict, support_threshold: float = 0.6, quote_overlap: float = 0.8
) -> GroundingScore:
    refused = bool(answer.get("refused"))
    text = "" if refused else (answer.get("answer") or "")
    cites = [] if refused else list(answer.get("citations") or [])
    s = GroundingScore(id=item.id, type=item.type, answerable=item.answerable, refused=refused,
                       n_citations=len(cites))
    if not item.answerable:
        return s
    nq = len(item.quotes)
    matched = [any(evidence_match(c, item, j, quote_overlap) for j in range(nq)) for c in cites]
    s.citation_precision = sum(matched) / len(cites) if cites else (0.0 if not refused else None)
    s.citation_recall = sum(
        any(evidence_match(c, item, j, quote_overlap) for c in cites) for j in range(nq)
    ) / nq
    if text:
        sup, tot = sentence_support(text, cites, support_threshold)
        s.n_sentences = tot
        s.supported_ratio = sup / tot if tot else None
    numeric = [k for k in item.keywords if numbers_in(k)]
    if numeric:
        s.numeric_ok = all(keyword_in(text, k) for k in numeric)
    if item.keywords:
        hits = [keyword_in(text, k) for k in item.keywords]
        s.keyword_recall = sum(hits) / len(hits)
        s.keywords_all = all(hits)
    gold_chapters = [(d, ch) for d, ch in zip(item.docs, item.chapters, strict=False) if ch]
    if gold_chapters:
        s.chapter_ok = any(
            c.get("doc_id") == d and (_chapter_match(c.get("chapter", ""), ch)
                                      or _chapter_match(c.get("section", ""), ch))
            for d, ch in gold_chapters for c in cites
        )
    if item.docs:
        cited_docs = {c.get("doc_id") for c in cites}
        s.doc_ok = all(d in cited_docs for d in item.docs)
    return s


def _mean(values: Iterable) -> float | None:
    vals = [float(v) for v in values if v is not None]
    return sum(vals) / len(vals) if vals else None


def aggregate(scores: list[GroundingScore]) -> dict:
    """Means over the answers where each metric applies, plus refusal rates."""
    ans = [s for s in scores if s.answerable]
    una = [s for s in scores if not s.answerable]
    refused_una = sum(s.refused for s in una)
    refused_ans = sum(s.refused for s in ans)
    n_refused = refused_una + refused_ans
    out = {
        "n": len(scores),
        "n_answerable": len(ans),
        "n_unanswerable": len(una),
        "citation_precision": _mean(s.citation_precision for s in ans),
        "citation_recall": _mean(s.citation_recall for s in ans),
        "supported_sentence_ratio": _mean(s.supported_ratio for s in ans),
        "numeric_accuracy": _mean(s.numeric_ok for s in ans),
        "keyword_recall": _mean(s.keyword_recall for s in ans),
        "keyword_accuracy": _mean(s.keywords_all for s in ans),
        "chapter_accuracy": _mean(s.chapter_ok for s in ans),
        "doc_accuracy": _mean(s.doc_ok for s in ans),
        "correct_refusal_rate": refused_una / len(una) if una else None,
        "false_refusal_rate": refused_ans / len(ans) if ans else None,
        "refusal_precision": refused_una / n_refused if n_refused else None,
    }
    return out


def aggregate_by_type(scores: list[GroundingScore]) -> dict[str, dict]:
    types = sorted({s.type for s in scores})
    return {t: aggregate([s for s in scores if s.type == t]) for t in types}
