"""One logging setup for the CLI and the page: everything to $PLANQA_HOME/logs/planqa.log, only our own
messages (loggers named planqa.*) to the terminal. Libraries warn about things a user cannot act on
(pdfminer: "Could not get FontBBox" once per glyph run; jieba's cache banner; FutureWarnings)."""

from __future__ import annotations

import logging
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOG_BYTES = 1_000_000  # per file; with 2 backups the log never takes more than ~3 MB
LOG_BACKUPS = 2
REPEATS_KEPT = 20  # a library message template logged more often than this is dropped from the file


class _Repeats(logging.Filter):
    """Keeps the first REPEATS_KEPT records of each (logger, message template): pdfminer's per-glyph
    warnings would otherwise rotate everything useful out of the file."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: dict[tuple[str, str], int] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        key = (record.name, str(record.msg))
        self.seen[key] = self.seen.get(key, 0) + 1
        return self.seen[key] <= REPEATS_KEPT


def _ours(record: logging.LogRecord) -> bool:
    return record.name == "planqa" or record.name.startswith("planqa.")


def setup_logging(home: Path | str, level: int = logging.INFO) -> Path:
    """Install the file and terminal handlers on the root logger (again: replaces the earlier ones)."""
    path = Path(home) / "logs" / "planqa.log"
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "planqa", False)]:
        root.removeHandler(handler)
        handler.close()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        file_handler: logging.Handler = RotatingFileHandler(path, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS,
                                                            encoding="utf-8", delay=True)
    except OSError:  # a read-only home must not stop the CLI: library messages are then dropped
        file_handler = logging.NullHandler()
    file_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    file_handler.addFilter(_Repeats())
    console = logging.StreamHandler(sys.stderr)
    console.setFormatter(logging.Formatter("%(asctime)s %(message)s", datefmt="%H:%M:%S"))
    console.addFilter(_ours)
    for handler in (file_handler, console):
        handler.planqa = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(level)
    logging.captureWarnings(True)  # warnings.warn(...) from libraries → the "py.warnings" logger → the file
    return path
