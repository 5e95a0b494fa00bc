"""Load errors that name the file and the reason, in Chinese and English."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class CorpusError(Exception):
    """A file that cannot become a document; the message is bilingual."""

    def __init__(self, path: Path | str, reason_zh: str, reason_en: str):
        self.path = str(path)
        self.reason_zh = reason_zh
        self.reason_en = reason_en
        super().__init__(f"{Path(self.path).name}: {reason_zh} / {reason_en}")


@dataclass
class LoadError:
    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"
