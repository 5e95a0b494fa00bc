"""From files to (document_record, chunks) pairs via the corpus layer, plus the ingest report."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from planqa.corpus.models import Chunk
from planqa.index.store import document_record
from planqa.settings import Settings

DocChunks = tuple[dict, list[Chunk]]


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)  # doc_ids new to the index
    replaced: list[str] = field(default_factory=list)  # doc_ids re-ingested (old chunks swapped out)
    removed: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    chunks_total: int = 0  # chunks in the index afterwards
    chunks_encoded: int = 0  # chunks that had to be (re-)encoded
    version: str = ""  # the index version written ("" when nothing was written)

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict:
        return {
            "added": self.added,
            "replaced": self.replaced,
            "removed": self.removed,
            "errors": [{"path": p, "reason": r} for p, r in self.errors],
            "chunks_total": self.chunks_total,
            "chunks_encoded": self.chunks_encoded,
            "version": self.version,
        }

    def summary(self) -> str:
        lines = [
            f"新增 {len(self.added)} 篇，替换 {len(self.replaced)} 篇，删除 {len(self.removed)} 篇；"
            f"索引共 {self.chunks_total} 段，本次编码 {self.chunks_encoded} 段 / "
            f"added {len(self.added)}, replaced {len(self.replaced)}, removed {len(self.removed)} documents; "
            f"{self.chunks_total} chunks indexed, {self.chunks_encoded} encoded"
        ]
        lines += [f"失败 / failed: {p}: {r}" for p, r in self.errors]
        return "\n".join(lines)


def load_files(paths: Iterable[str | Path], settings: Settings) -> tuple[list[DocChunks], list[tuple[str, str]]]:
    """Load and chunk files/folders. One bad file is reported (path, reason) and never stops the others."""
    from planqa.corpus import chunk_document, load_documents

    paths = [Path(p) for p in paths]
    errors: list[tuple[str, str]] = []
    existing = []
    for p in paths:
        if p.exists():
            existing.append(p)
        else:
            errors.append((str(p), "文件不存在 / file not found"))
    if not existing:
        return [], errors
    result = load_documents(existing)
    errors += [(str(e.path), str(e.reason)) for e in result.errors]
    out: list[DocChunks] = []
    for doc in result.documents:
        try:
            chunks = chunk_document(doc, max_tokens=settings.chunk_max_tokens, min_chars=settings.chunk_min_chars)
        except Exception as exc:  # a corpus bug on one document must not sink the batch
            errors.append((doc.source, f"分段失败 / chunking failed: {type(exc).__name__}: {exc}"))
            continue
        if not chunks:
            errors.append((doc.source, "没有可索引的正文 / no indexable text"))
            continue
        out.append((document_record(doc, chunks), chunks))
    return out, errors


def group_by_doc(documents: dict[str, dict], chunks: Sequence[Chunk]) -> list[DocChunks]:
    """The (record, chunks) pairs of an index state, in document order."""
    by_doc: dict[str, list[Chunk]] = {doc_id: [] for doc_id in documents}
    for c in chunks:
        by_doc.setdefault(c.doc_id, []).append(c)
    return [(documents[d], cs) for d, cs in by_doc.items() if d in documents]
