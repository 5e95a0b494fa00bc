"""Eval datasets: one JSON object per line (see eval/data/README.md for the fields)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

DATA_DIR = Path(__file__).with_name("data")
DEV_SET = DATA_DIR / "dev.jsonl"
SMOKE_SET = DATA_DIR / "smoke.jsonl"

QUESTION_TYPES = ("number", "measure", "metadata", "chapter", "comparison", "unanswerable")


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

    @classmethod
    def from_dict(cls, d: dict) -> EvalItem:
        return cls(
            id=str(d["id"]),
            question=d["question"],
            type=d.get("type", ""),
            answerable=bool(d.get("answerable", True)),
            docs=_as_list(d.get("doc")),
            chapters=_as_list(d.get("chapter")),
            quotes=_as_list(d.get("quote")),
            keywords=list(d.get("keywords") or []),
            answer=d.get("answer", ""),
        )

    def to_dict(self) -> dict:
        """Back to the file shape (single values stay scalars)."""
        d = asdict(self)
        single = len(self.docs) <= 1
        d["doc"] = (self.docs[0] if self.docs else "") if single else self.docs
        d["chapter"] = (self.chapters[0] if self.chapters else "") if single else self.chapters
        d["quote"] = (self.quotes[0] if self.quotes else "") if single else self.quotes
        for k in ("docs", "chapters", "quotes"):
            d.pop(k)
        return d


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
    return problems
