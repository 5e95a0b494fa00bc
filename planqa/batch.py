"""Batch question answering (issue 6): a list of questions in, an answer table out.

The answering function is injected (question -> Answer or Answer-like dict), so this module knows
nothing of the engine, the index or the page. Guarantees:
- one bad row (empty, oversized, or the answerer raising) becomes a refused row with the reason;
  the batch goes on;
- OUT is only ever replaced whole (temp file + os.replace);
- every finished row is appended to `OUT.partial.jsonl` as it completes, so a crash loses at most
  the rows in flight; the next run folds the sidecar in and skips (id, question) pairs already in
  OUT or the sidecar.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from planqa.batch_io import (
    OUTPUT_COLUMNS,
    format_for,
    pages_text,
    read_jsonl,
    read_questions,
    read_rows,
    unique_ids,
    write_rows,
)

__all__ = ["BatchReport", "read_questions", "run_batch", "sidecar_path", "MAX_QUESTION_CHARS"]

AnswerFn = Callable[[str], object]
ProgressFn = Callable[[int, int], None]
MAX_QUESTION_CHARS = 2000  # a plan question is a sentence or two; 100 KB is a pasted document


@dataclass
class BatchReport:
    out_path: Path
    fmt: str
    total: int  # questions given
    answered: int  # answered in this run (including refusals and errors)
    skipped: int  # already in OUT or the sidecar
    errors: int  # rows that failed validation or raised
    refused: int  # refused rows among those answered in this run (errors included)
    rows_written: int
    elapsed_s: float
    answers: list[dict] = field(default_factory=list, repr=False)  # every row now in OUT, in order

    @property
    def path(self) -> Path:
        return self.out_path

    def summary(self) -> str:
        return (f"{self.rows_written} rows -> {self.out_path} ({self.fmt}); answered {self.answered}, "
                f"skipped {self.skipped}, refused {self.refused}, errors {self.errors}, {self.elapsed_s:.1f}s")


def sidecar_path(out_path: str | Path) -> Path:
    p = Path(out_path)
    return p.with_name(p.name + ".partial.jsonl")


def _error_row(q: dict, reason: str) -> dict:
    return {"id": q["id"], "question": q["question"], "answer": "", "refused": True,
            "refusal_reason": reason, "citations": [], "pages": "", "latency_ms": 0.0}


def _answer_dict(answer: object) -> dict:
    if isinstance(answer, dict):
        return answer
    to_dict = getattr(answer, "to_dict", None)
    if not callable(to_dict):
        raise TypeError(f"answer function returned {type(answer).__name__}, not an Answer")
    return to_dict()


def answer_row(q: dict, answer_fn: AnswerFn, max_chars: int = MAX_QUESTION_CHARS) -> dict:
    """One output row; never raises for a bad question or a failing answerer."""
    question = q.get("question") or ""
    if not question.strip():
        return _error_row(q, "error: empty question")
    if len(question) > max_chars:
        return _error_row({**q, "question": question[:200] + "…"},
                          f"error: question too long ({len(question)} characters, limit {max_chars})")
    t0 = time.perf_counter()
    try:
        d = _answer_dict(answer_fn(question))
    except Exception as exc:  # noqa: BLE001 - the row reports it, the batch goes on
        return _error_row(q, f"error: {type(exc).__name__}: {exc}")
    measured = (time.perf_counter() - t0) * 1000
    return {
        "id": q["id"],
        "question": question,
        "answer": d.get("answer") or "",
        "refused": bool(d.get("refused")),
        "refusal_reason": d.get("refusal_reason") or "",
        "citations": list(d.get("citations") or []),
        "pages": pages_text(d.get("citations")),
        "latency_ms": float(d.get("latency_ms") or 0.0) or measured,
    }


def _tqdm_progress(total: int, initial: int):
    from tqdm import tqdm

    return tqdm(total=total, initial=initial, desc="batch", unit="q", file=sys.stderr)


def run_batch(
    questions: list[dict],
    answer_fn: AnswerFn,
    out_path: str | Path,
    fmt: str | None = None,
    workers: int = 1,
    progress: ProgressFn | bool | None = None,
    max_question_chars: int = MAX_QUESTION_CHARS,
) -> BatchReport:
    """Answer `questions` ([{"id", "question"}], ids filled when missing) into `out_path`.

    `fmt` defaults to the extension of `out_path`. `progress`: None/True shows a tqdm bar on stderr,
    False nothing, a callable is called as progress(done, total) after every row (for the page).
    Rerunning with the same OUT skips ids already answered with the same question; an id whose
    question changed is asked again and its row replaced.
    """
    t_start = time.perf_counter()
    out_path = Path(out_path)
    fmt = format_for(out_path, fmt)
    questions = unique_ids([{"id": q.get("id", ""), "question": q.get("question", "")} for q in questions])
    side = sidecar_path(out_path)

    out_path.parent.mkdir(parents=True, exist_ok=True)
    existing = read_rows(out_path, fmt)
    recovered = read_jsonl(side) if side.exists() else []
    # The latest row per id: OUT, then the sidecar (written after OUT) on top. A row counts as done
    # only for the same question: ids made from row numbers repeat across different input files.
    known = {str(r.get("id")): r for r in [*existing, *recovered]}
    todo = [q for q in questions
            if q["id"] not in known or (known[q["id"]].get("question") or "").strip() != q["question"].strip()]
    skipped = len(questions) - len(todo)
    new_rows: dict[str, dict] = {str(r.get("id")): r for r in recovered}  # rows to add to / replace in OUT
    this_run: list[dict] = []
    bar = _tqdm_progress(len(questions), skipped) if progress in (None, True) else None
    done = skipped

    def tick() -> None:
        nonlocal done
        done += 1
        if bar is not None:
            bar.update(1)
        elif callable(progress):
            progress(done, len(questions))

    try:
        with side.open("a", encoding="utf-8") as sidecar:
            def keep(row: dict) -> None:
                new_rows[row["id"]] = row
                this_run.append(row)
                sidecar.write(json.dumps({c: row.get(c) for c in OUTPUT_COLUMNS}, ensure_ascii=False) + "\n")
                sidecar.flush()
                os.fsync(sidecar.fileno())
                tick()

            if workers <= 1:
                for q in todo:
                    keep(answer_row(q, answer_fn, max_question_chars))
            else:
                pool = ThreadPoolExecutor(max_workers=workers)
                try:
                    futures = [pool.submit(answer_row, q, answer_fn, max_question_chars) for q in todo]
                    for fut in as_completed(futures):
                        keep(fut.result())
                finally:  # on Ctrl-C, don't answer the queued questions before stopping
                    pool.shutdown(wait=True, cancel_futures=True)
    finally:
        if bar is not None:
            bar.close()
        # Fold everything finished so far into OUT (also after Ctrl-C), then drop the sidecar.
        order = {q["id"]: i for i, q in enumerate(questions)}
        existing_ids = {str(r.get("id")) for r in existing}
        rows = [new_rows.get(str(r.get("id")), r) for r in existing]  # re-asked rows replaced in place
        rows += sorted((r for i, r in new_rows.items() if i not in existing_ids),
                       key=lambda r: order.get(str(r["id"]), len(order)))
        write_rows(rows, out_path, fmt)
        side.unlink(missing_ok=True)

    return BatchReport(
        out_path=out_path, fmt=fmt, total=len(questions), answered=len(this_run), skipped=skipped,
        errors=sum(str(r.get("refusal_reason", "")).startswith("error:") for r in this_run),
        refused=sum(bool(r.get("refused")) for r in this_run), rows_written=len(rows),
        elapsed_s=time.perf_counter() - t_start, answers=rows,
    )
