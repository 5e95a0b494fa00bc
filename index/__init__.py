"""The index layer: encoders, FAISS, BM25, fusion, filters, persistence and incremental updates.

Entry points: `open_index(settings)` -> `Index`; `Index.search(...)` -> list[`Hit`].
"""

from planqa.index.encoders import Encoder, create_encoder
from planqa.index.errors import EncoderMismatchError, IndexFormatError, IndexMissingError, PlanIndexError
from planqa.index.index import Index, build_index, open_index, read_manifest, rebuild_index
from planqa.index.ingest import IngestReport
from planqa.index.types import Hit

__all__ = [
    "EncoderMismatchError",
    "Encoder",
    "Hit",
    "Index",
    "IndexFormatError",
    "IndexMissingError",
    "IngestReport",
    "PlanIndexError",
    "build_index",
    "create_encoder",
    "open_index",
    "read_manifest",
    "rebuild_index",
]
