"""The manifest: what an index version was built with, so a mismatch is caught before a wrong answer."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path

from planqa.index.errors import EncoderMismatchError, IndexFormatError

FORMAT_VERSION = 1
MANIFEST = "manifest.json"


@dataclass
class Manifest:
    encoder_id: str
    encoder_name: str
    dim: int
    fallback: bool
    encoder_note: str
    chunk_count: int
    doc_count: int
    corpus_fingerprint: str
    index_kind: str
    tokenizer: str  # hash of the domain dictionary + stopwords used for BM25
    format_version: int = FORMAT_VERSION
    created_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def to_dict(self) -> dict:
        return asdict(self)

    def check_encoder(self, encoder_id: str, dim: int) -> None:
        if encoder_id != self.encoder_id or dim != self.dim:
            raise EncoderMismatchError(self.encoder_id, self.dim, encoder_id, dim)

    def save(self, folder: Path) -> None:
        (folder / MANIFEST).write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> Manifest:
        path = folder / MANIFEST
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise IndexFormatError(str(path), f"{type(exc).__name__}: {exc}") from exc
        if data.get("format_version") != FORMAT_VERSION:
            raise IndexFormatError(str(path), f"format_version {data.get('format_version')} != {FORMAT_VERSION}")
        return cls(**{f.name: data[f.name] for f in fields(cls) if f.name in data})


def corpus_fingerprint(chunk_ids_and_texts: list[tuple[str, str]]) -> str:
    """Order-independent hash of the indexed content: equal fingerprints mean equal chunk sets."""
    h = hashlib.sha256()
    for chunk_id, text in sorted(chunk_ids_and_texts):
        h.update(chunk_id.encode())
        h.update(b"\0")
        h.update(hashlib.sha256(text.encode()).digest())
    return h.hexdigest()[:32]
