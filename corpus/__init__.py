"""The corpus layer: files → documents (metadata, headings, cleaned text) → chunks."""

from planqa.corpus.chunking import chunk_document
from planqa.corpus.errors import CorpusError, LoadError
from planqa.corpus.models import Chunk, Document, Heading, QualityReport
from planqa.corpus.normalize import match_key
from planqa.corpus.outline import outline
from planqa.corpus.pipeline import Corpus, LoadResult, build_corpus, load_documents, load_file
from planqa.corpus.tokens import count_tokens

__all__ = [
    "Chunk", "Corpus", "CorpusError", "Document", "Heading", "LoadError", "LoadResult", "QualityReport",
    "build_corpus", "chunk_document", "count_tokens", "load_documents", "load_file", "match_key", "outline",
]
