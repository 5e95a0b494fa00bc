"""The one place a store is chosen: `Settings.store` = embedded (default) | milvus."""

from __future__ import annotations

from planqa.index.base import Store
from planqa.index.bm25 import Tokenizer
from planqa.settings import Settings

STORES = ("embedded", "milvus")


def create_store(settings: Settings, tokenizer: Tokenizer | None = None) -> Store:
    if settings.store == "embedded":
        from planqa.index.embedded import EmbeddedStore

        return EmbeddedStore(settings.index_dir, settings.index_kind, tokenizer)
    if settings.store == "milvus":
        from planqa.index.milvus_store import MilvusStore

        return MilvusStore.connect(settings)
    raise ValueError(f"未知的存储 PLANQA_STORE={settings.store!r} / unknown store {settings.store!r}; "
                     f"choose one of {STORES}")
