"""The nouns the corpus layer hands on: documents, their headings and chunks."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

ChunkKind = Literal["text", "table", "box"]


@dataclass
class QualityReport:
    """What the cleaner noticed about one document's source text."""

    encoding: str = "utf-8"
    lost_chars: int = 0  # "?" / U+FFFD placeholders left by the extraction
    joined_lines: int = 0  # PDF line breaks repaired inside sentences
    toc_lines_removed: int = 0
    boilerplate_lines_removed: int = 0
    repaired_headings: int = 0
    header_footer_lines_removed: int = 0  # PDF running headers/footers and page numbers dropped
    ocr_pages: list[int] = field(default_factory=list)  # PDF pages (physical, 1-based) read by OCR
    ocr_confidence: float = 0.0  # mean OCR confidence over those pages (0 when none was OCRed)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Heading:
    """One heading line of a document. `level`: 1 篇, 2 章 / 一、 (top), 3 节 / (一), 4 1. , 5 （1）."""

    level: int
    kind: str  # "part" | "chapter" | "section" | "cn_number" | "paren_number" | "arabic" | "paren_arabic"
    label: str  # "第三章", "一、", "（二）"
    title: str  # full heading text, e.g. "第三章 提升人才创新创业平台，促进人才才尽其用"
    start: int  # character offsets into Document.text
    end: int
    chapter: str = ""  # the chapter this heading is filed under ("" when unknown or itself a chapter)
    inline: bool = False  # the lead sentence of a paragraph, e.g. "（一）坚持育人导向，注重全面发展"


@dataclass
class Document:
    doc_id: str
    title: str
    text: str  # cleaned text; every offset in the corpus layer points into it
    source: str  # file name (plus "#篇二" for a part of a compilation)
    issuer: str = ""
    doc_number: str = ""  # 文号, e.g. 晋市政发〔2022〕24号
    date: str = ""  # ISO yyyy-mm-dd when known
    region: str = ""
    headings: list[Heading] = field(default_factory=list)
    quality: QualityReport = field(default_factory=QualityReport)
    part: str = ""  # "篇二" for a part of a compilation
    blocks: list = field(default_factory=list, repr=False, compare=False)  # corpus.structure.Block
    # (offset into text, page) wherever the page changes, ascending; empty when the source has no pages
    page_marks: list[tuple[int, int]] = field(default_factory=list, repr=False)

    def meta(self) -> dict:
        return {
            "doc_id": self.doc_id,
            "title": self.title,
            "issuer": self.issuer,
            "doc_number": self.doc_number,
            "date": self.date,
            "region": self.region,
            "source": self.source,
            "part": self.part,
        }


@dataclass
class Chunk:
    chunk_id: str  # stable across re-ingest of the same file: f"{doc_id}:{n:04d}-{hash}"
    doc_id: str
    text: str  # what is embedded, indexed and cited (table rows: rendered with title/group/headers)
    kind: ChunkKind = "text"
    chapter: str = ""  # top-level heading ("第三章 …" or "一、…"); "" before the first one
    section: str = ""  # second-level heading ("第二节 …" or "（一）…")
    heading_path: list[str] = field(default_factory=list)  # every enclosing heading, outermost first
    label: str = ""  # e.g. "专栏1 人才培养支持专项行动" for box chunks, table title for table rows
    start: int = 0  # offsets into Document.text of the source span
    end: int = 0
    n_tokens: int = 0  # cl100k tokens of `text`
    order: int = 0  # position in the document
    page: int = 0  # printed page (1-based) where the chunk starts; 0 when the source has no pages
    page_end: int = 0  # page where it ends (== page for a one-page chunk; 0 when unknown)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> Chunk:
        return cls(**{k: v for k, v in d.items() if k in cls.__dataclass_fields__})


def page_label(page: int, page_end: int = 0) -> str:
    """How a page reference is shown: "第5页", "第5–6页"; "" when the source has no pages."""
    if page <= 0:
        return ""
    return f"第{page}页" if page_end <= page else f"第{page}–{page_end}页"
