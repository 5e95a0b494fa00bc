"""Files → documents → chunks; one bad file never stops the others."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from planqa.corpus.chunking import chunk_document
from planqa.corpus.compilation import split_compilation
from planqa.corpus.errors import CorpusError, LoadError
from planqa.corpus.loaders import SUPPORTED, load_raw
from planqa.corpus.models import Chunk, Document
from planqa.corpus.normalize import map_radicals
from planqa.corpus.structure import build_document


@dataclass
class LoadResult:
    documents: list[Document] = field(default_factory=list)
    errors: list[LoadError] = field(default_factory=list)


@dataclass
class Corpus:
    documents: list[Document] = field(default_factory=list)
    chunks: list[Chunk] = field(default_factory=list)
    errors: list[LoadError] = field(default_factory=list)

    def doc(self, doc_id: str) -> Document:
        for d in self.documents:
            if d.doc_id == doc_id:
                return d
        raise KeyError(doc_id)

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        return [c for c in self.chunks if c.doc_id == doc_id]


def doc_id_for(path: Path) -> str:
    """The file stem, made safe for ids and URLs (Chinese characters are kept)."""
    stem = re.sub(r"[^\w\u4e00-\u9fff.-]+", "_", Path(path).stem).strip("_.")
    return stem or "doc"


def expand_paths(paths: Iterable[Path | str]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED))
        else:
            out.append(p)
    return out


def load_file(path: Path) -> list[Document]:
    raw = load_raw(path)
    # radicals first, so that headings such as 第⼀章 (U+2F00) match the heading rules
    parts, header_lines = split_compilation([map_radicals(line) for line in raw.lines])
    base = doc_id_for(path)
    docs = []
    for part in parts:
        doc_id = base if len(parts) == 1 else f"{base}-p{part.number}"
        source = path.name if not part.label else f"{path.name}#{part.label}"
        doc = build_document(part.lines, doc_id, source, raw.encoding,
                             raw.styled_headings if len(parts) == 1 else None, part.label)
        doc.quality.boilerplate_lines_removed += header_lines if part.number == 1 else 0
        if not doc.text.strip():
            raise CorpusError(path, "清洗后没有正文", "no body text left after cleaning")
        docs.append(doc)
    return docs


def load_documents(paths: Iterable[Path | str]) -> LoadResult:
    result = LoadResult()
    for path in expand_paths(paths):
        try:
            result.documents.extend(load_file(path))
        except CorpusError as exc:
            result.errors.append(LoadError(str(path), str(exc)))
        except Exception as exc:  # an unexpected parser failure must not lose the other files
            result.errors.append(LoadError(str(path), f"解析失败 / parsing failed: {exc!r}"))
    return result


def build_corpus(paths: Iterable[Path | str], max_tokens: int = 400, min_chars: int = 40) -> Corpus:
    loaded = load_documents(paths)
    chunks = [c for d in loaded.documents for c in chunk_document(d, max_tokens, min_chars)]
    return Corpus(loaded.documents, chunks, loaded.errors)
