"""`planqa ingest`, `planqa index rebuild|info`, `planqa search`."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Callable
from pathlib import Path

from planqa.settings import Settings

EXIT_USER_ERROR = 2


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ingest", help="add or replace documents (files or folders) in the index / 导入文件")
    p.add_argument("paths", nargs="+", help="files or folders")
    p.add_argument("--json", action="store_true", help="print the ingest report as JSON")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("index", help="index maintenance / 索引维护")
    isub = p.add_subparsers(dest="index_command", required=True)
    r = isub.add_parser("rebuild", help="re-encode the whole index with the current encoder / 重建索引")
    r.add_argument("--from", dest="paths", nargs="+", help="rebuild from these files/folders instead of the stored chunks")
    r.set_defaults(func=cmd_rebuild)
    i = isub.add_parser("info", help="what the index holds and which encoder built it / 索引信息")
    i.add_argument("--json", action="store_true")
    i.set_defaults(func=cmd_info)

    s = sub.add_parser("search", help="retrieve passages for a question / 检索段落")
    s.add_argument("question", nargs="?", help="the question (or use --questions FILE.jsonl)")
    s.add_argument("--questions", type=Path, help="JSONL file, one {'question', 'id'?} per line")
    s.add_argument("-k", type=int, default=10, help="results per question (default 10)")
    s.add_argument("--mode", choices=["hybrid", "bm25", "dense"], default="hybrid")
    s.add_argument("--doc", dest="doc_ids", action="append", help="restrict to this doc_id (repeatable)")
    s.add_argument("--region", dest="regions", action="append", help="restrict to this region (repeatable)")
    s.add_argument("--kind", dest="kinds", action="append", choices=["text", "table", "box"])
    s.add_argument("--json", action="store_true", help="JSON output (UTF-8)")
    s.set_defaults(func=cmd_search)


def _utf8_stdout() -> None:
    # JSON output must be UTF-8 even under a C/POSIX locale or a Windows console.
    enc = (getattr(sys.stdout, "encoding", "") or "").lower().replace("-", "")
    if enc != "utf8" and hasattr(sys.stdout, "reconfigure"):
        with contextlib.suppress(ValueError, OSError):
            sys.stdout.reconfigure(encoding="utf-8")


def _progress() -> Callable[[int, int, str], None]:
    """One updating line on a terminal; about every 10 % as separate lines in a log."""
    tty = sys.stderr.isatty()
    last = {"step": -1}

    def report(done: int, total: int, message: str) -> None:
        if tty:
            print(f"\r[{done}/{total}] {message}", end="\n" if done >= total else "", file=sys.stderr, flush=True)
            return
        step = 10 * done // total if total else 10
        if step != last["step"] or done >= total:
            last["step"] = step
            print(f"[{done}/{total}] {message}", file=sys.stderr, flush=True)

    return report


def _note(index) -> None:
    if index.encoder_note:
        print(f"注意 / note: {index.encoder_note}", file=sys.stderr)
        if index.encoder.fallback_reason:
            print(f"  原因 / reason: {index.encoder.fallback_reason}", file=sys.stderr)


def _open(settings: Settings):
    from planqa.index import open_index
    from planqa.index.index import index_exists

    if not index_exists(settings):
        print(f"没有索引，正在用示例语料建立 ({settings.store}) / no index yet: building the demo index",
              file=sys.stderr)
    return open_index(settings, build_demo_if_missing=True, progress=_progress())


def _user_errors() -> tuple[type[BaseException], ...]:
    from planqa.index.encoders import EncoderUnavailableError
    from planqa.index.errors import PlanIndexError

    return (PlanIndexError, EncoderUnavailableError)


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from planqa.index import open_index

    try:
        index = open_index(settings, build_demo_if_missing=False) if _exists(settings) else None
        if index is None:
            from planqa.index import build_index

            index = build_index(settings, args.paths, progress=_progress())
            report = index.last_report
        else:
            report = index.add_files(args.paths, progress=_progress())
    except _user_errors() as exc:
        print(exc, file=sys.stderr)
        return EXIT_USER_ERROR
    _note(index)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        print(report.summary())
    return 0 if report.ok else 1


def _exists(settings: Settings) -> bool:
    from planqa.index.index import index_exists

    return index_exists(settings)


def cmd_rebuild(args: argparse.Namespace, settings: Settings) -> int:
    from planqa.index import rebuild_index

    try:
        index, report = rebuild_index(settings, args.paths, progress=_progress())
    except _user_errors() as exc:
        print(exc, file=sys.stderr)
        return EXIT_USER_ERROR
    _note(index)
    print(report.summary())
    return 0 if report.ok else 1


def cmd_info(args: argparse.Namespace, settings: Settings) -> int:
    from planqa.index import read_manifest
    from planqa.index.index import store_info

    try:
        manifest = read_manifest(settings)
        where = store_info(settings)
    except _user_errors() as exc:
        print(exc, file=sys.stderr)
        return EXIT_USER_ERROR
    if manifest is None:
        print(f"{where['uri']} 下没有索引 / no index in {where['store']} store {where['uri']}", file=sys.stderr)
        return 1
    info = {**where, "configured_model": settings.model, **manifest.to_dict()}
    if args.json:
        print(json.dumps(info, ensure_ascii=False, indent=2))
        return 0
    for key, value in info.items():
        print(f"{key}: {value}")
    if manifest.fallback:
        print(f"注意 / note: {manifest.encoder_note}")
    return 0


def hit_dict(hit) -> dict:
    c = hit.chunk
    return {"rank": hit.rank, "chunk_id": c.chunk_id, "doc_id": c.doc_id, "doc_title": hit.doc_title,
            "chapter": c.chapter, "section": c.section, "kind": c.kind, "text": c.text,
            "score": round(float(hit.score), 6)}


def _read_questions(path: Path) -> list[dict]:
    out = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                question = str(row["question"])
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{path}:{n}: 需要含 question 字段的 JSON / expected JSON with a 'question' field ({exc})") from exc
            out.append({"id": row.get("id", n), "question": question})
    return out


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    _utf8_stdout()
    if bool(args.question) == bool(args.questions):
        print("请给出一个问题或 --questions 文件 / give a question or --questions FILE", file=sys.stderr)
        return EXIT_USER_ERROR
    try:
        questions = _read_questions(args.questions) if args.questions else [{"id": None, "question": args.question}]
    except (OSError, ValueError) as exc:
        print(exc, file=sys.stderr)
        return EXIT_USER_ERROR
    try:
        index = _open(settings)
    except _user_errors() as exc:
        print(exc, file=sys.stderr)
        return EXIT_USER_ERROR
    _note(index)
    for q in questions:
        hits = index.search(q["question"], k=args.k, mode=args.mode, doc_ids=args.doc_ids,
                            regions=args.regions, kinds=args.kinds)
        if args.json:
            row = {"question": q["question"], "results": [hit_dict(h) for h in hits]}
            if args.questions:
                row = {"id": q["id"], **row}
            print(json.dumps(row, ensure_ascii=False), flush=True)
            continue
        print(f"问题 / question: {q['question']}")
        for h in hits:
            where = " / ".join(x for x in (h.doc_title, h.chunk.chapter, h.chunk.section) if x)
            text = h.chunk.text.replace("\n", " ")
            print(f"{h.rank:>2}. [{h.score:.3f}] {h.chunk.chunk_id}  {where}\n    {text[:160]}")
        if not hits:
            print("（没有结果 / no results）")
    return 0
