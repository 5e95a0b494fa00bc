"""The answer shape shared by the CLI, the page, batch and eval (`planqa ask --json`)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Citation:
    n: int  # the number used by the inline marker [n]
    chunk_id: str
    doc_id: str
    doc_title: str
    doc_number: str
    chapter: str
    section: str
    quote: str  # the exact sentence(s) of the chunk that support the claim
    text: str  # the whole chunk text
    score: float = 0.0
    quote_start: int = -1  # offsets of `quote` inside `text` (for highlighting); -1 when not found
    quote_end: int = -1
    page: int = 0  # page of the cited chunk in its source file (0: the source has no pages)
    page_end: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Answer:
    question: str
    answer: str  # with inline markers [1], [2] referring to citations[].n
    refused: bool = False
    refusal_reason: str = ""
    mode: str = "extractive"  # "extractive" | "llm" | "llm-fallback"
    citations: list[Citation] = field(default_factory=list)
    latency_ms: float = 0.0
    rewritten_question: str = ""  # standalone form of a follow-up; "" when not rewritten
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> Answer:
        cites = [Citation(**{k: v for k, v in c.items() if k in Citation.__dataclass_fields__})
                 for c in d.get("citations") or []]
        fields = {k: v for k, v in d.items() if k in cls.__dataclass_fields__ and k != "citations"}
        return cls(citations=cites, **fields)
