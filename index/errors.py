"""User-facing index errors; every message is Chinese first, then English, and says what to do."""

from __future__ import annotations

REBUILD_HINT = "请运行 `planqa index rebuild` 重建索引 / run `planqa index rebuild` to rebuild the index"


class PlanIndexError(RuntimeError):
    """Base class of the index layer's errors."""


class EncoderMismatchError(PlanIndexError):
    def __init__(self, index_encoder: str, index_dim: int, current_encoder: str, current_dim: int) -> None:
        self.index_encoder, self.current_encoder = index_encoder, current_encoder
        super().__init__(
            f"索引是用编码器 {index_encoder}（{index_dim} 维）建立的，当前编码器是 {current_encoder}"
            f"（{current_dim} 维），两者不能混用。{REBUILD_HINT}。 / "
            f"The index was built with encoder {index_encoder} (dim {index_dim}) but the current encoder is "
            f"{current_encoder} (dim {current_dim}); they cannot be mixed."
        )


class IndexFormatError(PlanIndexError):
    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"索引文件不可用：{path}（{reason}）。{REBUILD_HINT}。 / Index unusable: {path} ({reason}).")


class IndexMissingError(PlanIndexError):
    def __init__(self, path: str) -> None:
        super().__init__(
            f"{path} 下没有索引。请先运行 `planqa ingest 文件或文件夹` 或 `planqa index rebuild`。 / "
            f"No index under {path}; run `planqa ingest PATH...` or `planqa index rebuild` first."
        )
