"""`planqa batch IN -o OUT`: answer a question list (CSV/XLSX/JSONL) into an answer table."""

from __future__ import annotations

import sys

from planqa.batch_io import FORMATS, BatchFileError


def register(subparsers) -> None:
    p = subparsers.add_parser("batch", help="answer every question of a CSV/XLSX/JSONL file into xlsx/csv/jsonl/md")
    p.add_argument("input", help="questions: CSV, XLSX or JSONL with a 'question' column (optional 'id')")
    p.add_argument("-o", "--out", required=True, help="output file; rerunning with the same file resumes")
    p.add_argument("--format", choices=FORMATS, help="output format (default: from the OUT extension)")
    p.add_argument("--llm", action="store_true", help="answer with the configured LLM (falls back to extractive)")
    p.add_argument("--workers", type=int, default=1, help="questions answered in parallel (default 1)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    p.set_defaults(func=run)


def run(args, settings) -> int:
    from planqa.batch import read_questions, run_batch
    from planqa.batch_io import format_for

    try:
        fmt = format_for(args.out, args.format)
        questions = read_questions(args.input)
    except (BatchFileError, OSError) as exc:
        print(f"planqa batch: {exc}", file=sys.stderr)
        return 2
    if not questions:
        print(f"planqa batch: no questions in {args.input}", file=sys.stderr)
        return 2
    from planqa.index import open_index
    from planqa.qa.engine import Engine

    if args.llm and not settings.llm_configured:
        print("planqa batch: no LLM configured (PLANQA_LLM_BASE_URL / PLANQA_LLM_MODEL); answers fall back "
              "to extractive", file=sys.stderr)
    engine = Engine(settings, open_index(settings, build_demo_if_missing=True))
    mode = "llm" if args.llm else "extractive"
    report = run_batch(questions, lambda q: engine.ask(q, mode=mode), args.out, fmt,
                       workers=max(1, args.workers), progress=False if args.no_progress else None)
    print(report.summary(), file=sys.stderr)
    return 0
