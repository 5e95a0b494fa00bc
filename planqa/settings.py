"""One settings object, read from the environment (PLANQA_*) and overridden by CLI flags."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

DEMO_CORPUS = Path(__file__).with_name("demo_corpus")


def _default_home() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "planqa"


@dataclass(frozen=True)
class Settings:
    home: Path = field(default_factory=_default_home)  # PLANQA_HOME: index, uploads, logs
    # Encoder: a sentence-transformers model name or local folder; falls back to the bundled USE encoder.
    model: str = "BAAI/bge-small-zh-v1.5"
    query_instruction: str = "为这个句子生成表示以用于检索相关文章："
    allow_fallback_encoder: bool = True
    index_kind: str = "auto"  # auto | flat | hnsw | ivf
    encode_workers: int = 2  # processes encoding an ingest batch (index/pool.py: forked, when safe); 1 = in-process
    # Store (planqa.index.factory): "embedded" (FAISS + bm25s under home/index) or "milvus".
    store: str = "embedded"
    milvus_uri: str = ""  # a file path runs Milvus Lite in-process; http://host:19530 a server. "" = home/milvus.db
    milvus_token: str = ""  # "user:password" or an API key, for a server with authentication
    milvus_collection: str = "planqa"  # the knowledge base: names its collections (letters, digits, _)
    # Retrieval
    top_k: int = 8
    fusion: str = "weighted"  # weighted | rrf
    bm25_weight: float = 0.9  # chosen on the dev set (bench/RESULTS.md)
    # Second stage of hybrid search: the top `rerank_pool` re-ordered by their best stored sentence vector
    # (index.fusion.rerank_by_sentences); weight chosen on the dev set (bench/RESULTS.md). 0 = off.
    rerank_pool: int = 30
    rerank_weight: float = 0.3
    thesaurus: str = "cilin"  # synonyms for answer matching: cilin | cnsyn | none (qa/README.md, measured by LODO)
    chunk_max_tokens: int = 400
    chunk_min_chars: int = 40
    # LLM answerer (any OpenAI-compatible endpoint)
    llm_base_url: str = ""
    llm_model: str = ""
    llm_api_key: str = ""
    llm_timeout: float = 60.0
    llm_context_tokens: int = 3000
    # Page
    host: str = "127.0.0.1"
    port: int = 7860
    auth: str = ""  # "user:pass"
    max_upload_mb: int = 50

    @property
    def index_dir(self) -> Path:
        return Path(self.home) / "index"

    @property
    def milvus_location(self) -> str:
        return self.milvus_uri or str(Path(self.home) / "milvus.db")

    @property
    def uploads_dir(self) -> Path:
        return Path(self.home) / "uploads"

    @property
    def llm_configured(self) -> bool:
        return bool(self.llm_base_url and self.llm_model)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides) -> Settings:
        """PLANQA_<FIELD> variables (e.g. PLANQA_HOME, PLANQA_MODEL, PLANQA_LLM_BASE_URL), then overrides."""
        env = dict(os.environ if env is None else env)
        values: dict = {}
        for f in fields(cls):
            raw = env.get(f"PLANQA_{f.name.upper()}")
            if raw is None:
                continue
            default = getattr(cls(), f.name) if f.name != "home" else Path()
            if isinstance(default, bool):
                values[f.name] = raw.strip().lower() in {"1", "true", "yes", "on"}
            elif isinstance(default, int):
                values[f.name] = int(raw)
            elif isinstance(default, float):
                values[f.name] = float(raw)
            elif isinstance(default, Path):
                values[f.name] = Path(raw).expanduser()
            else:
                values[f.name] = raw
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def with_(self, **changes) -> Settings:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})
