"""Atomic index versions: each write builds a complete new folder, then one os.replace switches to it.

Layout under `index_dir`:
    CURRENT               name of the live version (replaced atomically)
    versions/v-…/         one complete, immutable index version
    versions/.tmp-…/      a version being written (ignored by readers, swept by the next writer)
    .lock                 serialises writers (readers never lock)

A crash at any point leaves CURRENT pointing at a complete version: either the old one or the new one.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

CURRENT = "CURRENT"
VERSIONS = "versions"
KEEP_OLD = 2  # previous versions kept, so a reader that just read CURRENT still finds its folder


def current_version(index_dir: Path) -> Path | None:
    pointer = Path(index_dir) / CURRENT
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    folder = Path(index_dir) / VERSIONS / name
    return folder if name and folder.is_dir() else None


def _fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(folder: Path) -> None:
    for root, _dirs, files in os.walk(folder):
        for name in files:
            _fsync_path(Path(root) / name)
        _fsync_path(Path(root))


@contextlib.contextmanager
def writer_lock(index_dir: Path) -> Iterator[None]:
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / ".lock", "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def write_version(index_dir: Path, write: Callable[[Path], None]) -> Path:
    """Run `write(tmp_folder)`, make it durable, then atomically make it the current version.

    Call while holding `writer_lock`. If `write` raises, the temp folder is removed and CURRENT is untouched.
    """
    index_dir = Path(index_dir)
    versions = index_dir / VERSIONS
    versions.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    name = f"v-{stamp}-{uuid.uuid4().hex[:8]}"
    tmp = versions / f".tmp-{name}"
    tmp.mkdir()
    try:
        write(tmp)
        _fsync_tree(tmp)
        final = versions / name
        os.rename(tmp, final)
        _fsync_path(versions)
        pointer_tmp = index_dir / f".{CURRENT}.{name}"
        pointer_tmp.write_text(name, encoding="utf-8")
        _fsync_path(pointer_tmp)
        os.replace(pointer_tmp, index_dir / CURRENT)
        _fsync_path(index_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _sweep(index_dir, keep=name)
    return final


def _sweep(index_dir: Path, keep: str) -> None:
    """Remove stale temp folders (crashed writers) and all but the newest KEEP_OLD old versions."""
    versions = index_dir / VERSIONS
    for tmp in versions.glob(".tmp-*"):
        shutil.rmtree(tmp, ignore_errors=True)
    for stray in index_dir.glob(f".{CURRENT}.*"):
        stray.unlink(missing_ok=True)
    old = sorted((p for p in versions.glob("v-*") if p.name != keep), key=lambda p: p.stat().st_mtime)
    for folder in old[: max(0, len(old) - KEEP_OLD)]:
        shutil.rmtree(folder, ignore_errors=True)
