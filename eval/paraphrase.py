"""The paraphrase rule: a question must not borrow the wording of the passage that answers it.

A question set written while looking at the passages shares most of its words with them, so it
measures string matching, not understanding. The rule, checked per question against its *gold
passage* (every chunk holding a gold quote, with its headings; for a near-miss question the chunk
holding `near_quote`):

- after masking what a user must type literally — place names, document titles, numbers and
  quoted names (“…”, 《…》) — the question shares no run of >= MAX_RUN characters with the passage;
- over the set, the mean share of the question's characters (punctuation aside; exempt characters
  count but are never shared) that lie in runs of >= SHARE_RUN characters shared with the passage
  is <= MAX_MEAN_SHARE. Questions without a passage (not-in-corpus ones) are left out of the mean.

Masking is generic: places are the documents' regions (with and without their 省/市/县/区 suffix)
and jieba's place-name tags (`ns`, extended by a following administrative suffix); titles and their
punctuation-separated segments come from the documents' metadata; numbers are digit runs with their
multiplier/percent sign, years with 年, and runs of Chinese numerals (十四五, 二〇二五).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from planqa.eval.dataset import EvalItem
from planqa.eval.textnorm import normalize

MAX_RUN = 4  # no shared run this long
SHARE_RUN = 3  # runs this long count towards the share
MAX_MEAN_SHARE = 0.20
MAX_QUOTED = 15  # a “…” span longer than this is a borrowed sentence, not a programme name

_ADMIN_SUFFIX = "省市县区"
_NUMBER = re.compile(r"\d{4}年|\d+(?:\.\d+)?(?:%|‰|万|亿|千|百)?|[〇零一二三四五六七八九十百千万亿两]{2,}")
_QUOTED = re.compile("“[^”]{1,%s}”|《[^》]+》".replace("%s", str(MAX_QUOTED)))
_TITLE_SPLIT = re.compile(r"[“”\"《》、，,·\s（）()]+")


@dataclass
class QuestionCheck:
    id: str
    question: str
    share: float  # share of the question's characters (not punctuation) in shared runs >= SHARE_RUN
    offenders: list[str] = field(default_factory=list)  # shared runs >= MAX_RUN
    has_passage: bool = True

    @property
    def ok(self) -> bool:
        return not self.offenders


@dataclass
class SetCheck:
    checks: list[QuestionCheck]
    mean_share: float
    no_passage: list[str] = field(default_factory=list)  # ids without a passage (not in the mean)
    missing_quotes: list[str] = field(default_factory=list)  # "id: quote" not found in any chunk

    @property
    def ok(self) -> bool:
        return (all(c.ok for c in self.checks) and self.mean_share <= MAX_MEAN_SHARE
                and not self.missing_quotes)


@dataclass
class Masker:
    """Marks the question characters the rule exempts (places, titles, numbers, quoted names)."""

    places: set[str]
    titles: set[str]

    @classmethod
    def from_documents(cls, documents) -> Masker:
        places: set[str] = set()
        titles: set[str] = set()
        for d in documents:
            region = normalize(getattr(d, "region", "") or "")
            if len(region) >= 2:
                places.add(region)
                if region[-1] in _ADMIN_SUFFIX and len(region) >= 3:
                    places.add(region[:-1])
            title = unicodedata.normalize("NFKC", getattr(d, "title", "") or "")
            if title:
                titles.add(normalize(title))
                titles.update(s for s in _TITLE_SPLIT.split(title) if len(s) >= 2 and "?" not in s)
        return cls(places=places, titles=titles)

    def mask(self, question: str) -> list[bool]:
        """True for each character of `question` (raw, NFKC) that is exempt or punctuation."""
        q = unicodedata.normalize("NFKC", question)
        masked = [not _is_word_char(ch) for ch in q]

        def cover(start: int, end: int) -> None:
            for i in range(start, end):
                masked[i] = True

        for m in _QUOTED.finditer(q):
            cover(m.start(), m.end())
        for m in _NUMBER.finditer(q):
            cover(m.start(), m.end())
        for name in sorted(self.places | self.titles, key=len, reverse=True):
            for m in re.finditer(re.escape(name), q):
                cover(m.start(), m.end())
        for start, end in _jieba_places(q):
            if end < len(q) and q[end] in _ADMIN_SUFFIX:
                end += 1
            cover(start, end)
        return masked


def _is_word_char(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LN"


def _jieba_places(text: str) -> list[tuple[int, int]]:
    import jieba
    import jieba.posseg as pseg

    jieba.setLogLevel(60)
    spans, pos = [], 0
    for word, flag in pseg.cut(text):
        if flag.startswith("ns") and len(word) >= 2:
            spans.append((pos, pos + len(word)))
        pos += len(word)
    return spans


def shared_runs(question: str, masked: list[bool], passage: str) -> list[tuple[int, int]]:
    """Maximal runs (>= 2 chars) of unmasked question characters that occur verbatim in `passage`;
    runs may overlap (each start keeps its longest run unless a longer one already covers it)."""
    q = unicodedata.normalize("NFKC", question)
    p = normalize(passage)
    out: list[tuple[int, int]] = []
    for i in range(len(q)):
        if masked[i]:
            continue
        j = i
        while j < len(q) and not masked[j] and q[i : j + 1] in p:
            j += 1
        if j - i >= 2 and not any(s <= i and j <= e for s, e in out):
            out.append((i, j))
    return out


def check_question(item_id: str, question: str, passages: list[str], masker: Masker) -> QuestionCheck:
    q = unicodedata.normalize("NFKC", question)
    masked = masker.mask(q)
    words = sum(1 for ch in q if _is_word_char(ch))  # exempt characters count, punctuation does not
    shared = [False] * len(q)
    offenders: list[str] = []
    for passage in passages:
        for s, e in shared_runs(q, masked, passage):
            if e - s >= SHARE_RUN:
                for k in range(s, e):
                    shared[k] = True
            if e - s >= MAX_RUN and q[s:e] not in offenders:
                offenders.append(q[s:e])
    share = sum(shared) / words if words else 0.0
    return QuestionCheck(item_id, question, share, offenders, has_passage=bool(passages))


def gold_passages(item: EvalItem, chunks_by_doc: dict[str, list[str]]) -> tuple[list[str], list[str]]:
    """Chunks (headings + text) holding each gold quote — or the near-miss quote — and the quotes found nowhere."""
    pairs = list(zip(item.docs, item.quotes, strict=False))
    if item.near_doc and item.near_quote:
        pairs.append((item.near_doc, item.near_quote))
    passages, missing = [], []
    for doc, quote in pairs:
        nq = normalize(quote)
        hits = [c for c in chunks_by_doc.get(doc, []) if nq and nq in c]
        if not hits:  # a quote split across two chunks: every chunk holding a third of it
            pieces = [nq[k : k + max(4, len(nq) // 3)] for k in range(0, len(nq), max(4, len(nq) // 3))]
            hits = [c for c in chunks_by_doc.get(doc, []) if any(len(pc) >= 4 and pc in c for pc in pieces)]
        if not hits:
            missing.append(f"{item.id}: {quote}")
        passages.extend(h for h in hits if h not in passages)
    return passages, missing


def chunk_texts(corpus) -> dict[str, list[str]]:
    """doc_id -> normalised chunk texts with their headings (what retrieval can see)."""
    out: dict[str, list[str]] = {}
    for c in corpus.chunks:
        out.setdefault(c.doc_id, []).append(normalize("".join([*c.heading_path, c.chapter, c.section, c.text])))
    return out


def check_set(items: list[EvalItem], corpus) -> SetCheck:
    masker = Masker.from_documents(corpus.documents)
    chunks = chunk_texts(corpus)
    checks, missing, no_passage = [], [], []
    for it in items:
        passages, miss = gold_passages(it, chunks)
        missing.extend(miss)
        check = check_question(it.id, it.question, passages, masker)
        checks.append(check)
        if not passages:
            no_passage.append(it.id)
    scored = [c.share for c in checks if c.has_passage]
    mean = sum(scored) / len(scored) if scored else 0.0
    return SetCheck(checks=checks, mean_share=mean, no_passage=no_passage, missing_quotes=missing)


def format_report(name: str, result: SetCheck, verbose: bool = False) -> list[str]:
    lines = []
    for c in result.checks:
        if c.offenders or verbose:
            flag = "FAIL" if c.offenders else "ok  "
            lines.append(f"  {flag} {c.id}  share={c.share:.2f}  {c.question}"
                         + (f"  shared: {' / '.join(c.offenders)}" if c.offenders else ""))
    lines.extend(f"  MISSING quote {m}" for m in result.missing_quotes)
    n_fail = sum(1 for c in result.checks if c.offenders)
    n = len(result.checks) - len(result.no_passage)
    verdict = "ok" if result.ok else "FAILS"
    lines.append(f"{name}: {len(result.checks)} questions ({n} with a passage), {n_fail} with a shared run "
                 f">= {MAX_RUN}, mean share of runs >= {SHARE_RUN} = {result.mean_share:.3f} "
                 f"(limit {MAX_MEAN_SHARE:.2f}) -> {verdict}")
    return lines
