"""Eval datasets: one JSON object per line (see eval/data/README.md for the fields)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

DATA_DIR = Path(__file__).with_name("data")
DEV_SET = DATA_DIR / "dev.jsonl"
SMOKE_SET = DATA_DIR / "smoke.jsonl"

QUESTION_TYPES = ("number", "measure", "metadata", "chapter", "comparison", "unanswerable")
# Why an unanswerable question is a near miss: the plan's period/year, place, figure or field is not
# the one asked, or the place/document is not in the corpus at all.
NEAR_MISS_KINDS = ("period", "subregion", "no_figure", "no_field", "not_in_corpus")


def _as_list(value) -> list[str]:
    if value is None or value == "":
        return []
    return list(value) if isinstance(value, list) else [value]


@dataclass
class EvalItem:
    id: str
    question: str
    type: str
    answerable: bool
    docs: list[str] = field(default_factory=list)  # gold doc_ids, one per quote
    chapters: list[str] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)  # exact source spans holding the answer
    keywords: list[str] = field(default_factory=list)  # strings a correct answer contains
    answer: str = ""  # reference answer
    asks: int = 1  # how many things the question asks (a figure and a comparison = 2)
    near_miss: str = ""  # unanswerable only: one of NEAR_MISS_KINDS
    near_doc: str = ""  # unanswerable only: the document a careless answerer would wrongly use
    near_quote: str = ""  # ... and the span in it that looks like an answer

    @classmethod
    def from_dict(cls, d: dict) -> EvalItem:
        quotes = _as_list(d.get("quote"))
        return cls(
            id=str(d["id"]),
            question=d["question"],
            type=d.get("type", ""),
            answerable=bool(d.get("answerable", True)),
            docs=_broadcast(_as_list(d.get("doc")), len(quotes)),
            chapters=_broadcast(_as_list(d.get("chapter")), len(quotes)),
            quotes=quotes,
            keywords=list(d.get("keywords") or []),
            answer=d.get("answer", ""),
            asks=int(d.get("asks", 1)),
            near_miss=d.get("near_miss", ""),
            near_doc=d.get("near_doc", ""),
            near_quote=d.get("near_quote", ""),
        )

    def to_dict(self) -> dict:
        """Back to the file shape (single values stay scalars)."""
        d = asdict(self)
        d["doc"] = _collapse(self.docs)
        d["chapter"] = _collapse(self.chapters)
        d["quote"] = self.quotes[0] if len(self.quotes) == 1 else (self.quotes or "")
        for k in ("docs", "chapters", "quotes"):
            d.pop(k)
        for k, default in (("asks", 1), ("near_miss", ""), ("near_doc", ""), ("near_quote", "")):
            if d[k] == default:
                d.pop(k)  # optional fields stay out of the file when unset
        return d


def _broadcast(values: list[str], n: int) -> list[str]:
    """One doc (chapter) given for several quotes of one document: repeat it, one per quote."""
    return values * n if len(values) == 1 and n > 1 else values


def _collapse(values: list[str]) -> str | list[str]:
    if not values:
        return ""
    return values[0] if len(set(values)) == 1 else values


def load_dataset(path: str | Path = DEV_SET) -> list[EvalItem]:
    items = []
    with Path(path).open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                items.append(EvalItem.from_dict(json.loads(line)))
            except (KeyError, ValueError) as exc:
                raise ValueError(f"{path}:{n}: bad eval item: {exc}") from exc
    return items


def check_items(items: list[EvalItem]) -> list[str]:
    """Structural problems of a dataset (quotes against sources are checked in the tests)."""
    problems = []
    seen: set[str] = set()
    for it in items:
        if it.id in seen:
            problems.append(f"{it.id}: duplicate id")
        seen.add(it.id)
        if it.type not in QUESTION_TYPES:
            problems.append(f"{it.id}: unknown type {it.type!r}")
        if not it.question.strip():
            problems.append(f"{it.id}: empty question")
        if it.answerable:
            if not it.quotes or len(it.quotes) != len(it.docs):
                problems.append(f"{it.id}: needs one quote per doc")
            if not 1 <= len(it.keywords) <= 4:
                problems.append(f"{it.id}: needs 1-4 keywords")
            if it.type == "comparison" and len(set(it.docs)) < 2:
                problems.append(f"{it.id}: comparison needs two documents")
        elif it.quotes or it.keywords or it.type != "unanswerable":
            problems.append(f"{it.id}: unanswerable items have type unanswerable, no quote and no keywords")
        if it.asks < 1:
            problems.append(f"{it.id}: asks must be >= 1")
        if it.near_miss and (it.answerable or it.near_miss not in NEAR_MISS_KINDS):
            problems.append(f"{it.id}: near_miss {it.near_miss!r} needs an unanswerable item and one of "
                            f"{', '.join(NEAR_MISS_KINDS)}")
        if bool(it.near_doc) != bool(it.near_quote):
            problems.append(f"{it.id}: near_doc and near_quote go together")
    return problems
