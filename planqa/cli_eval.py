"""`planqa eval`: score the QA engine (or any answers file) and the index on an eval dataset."""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path


def register(subparsers) -> None:
    from planqa.eval.dataset import DEV_SET

    p = subparsers.add_parser("eval", help="evaluate retrieval and answers on a dataset; writes a report")
    p.add_argument("--dataset", default=str(DEV_SET), help="eval JSONL (default: the bundled dev set)")
    p.add_argument("--answers", help="score this answers file (batch JSONL shape) instead of asking the engine")
    p.add_argument("--llm", action="store_true", help="answer with the configured LLM (falls back to extractive)")
    p.add_argument("--out", help="report folder (default: <home>/eval/<dataset name>)")
    p.add_argument("--k", type=int, default=10, help="retrieval depth for Recall@k/MRR/nDCG (default 10)")
    p.add_argument("--no-retrieval", action="store_true", help="skip the retrieval metrics (no index needed "
                   "with --answers)")
    p.add_argument("--ragas", action="store_true", help="also compute ragas' non-LLM context metrics "
                   "(needs ragas, see PLANQA_RAGAS_PATH)")
    p.add_argument("--baseline", help="metrics.json of an earlier run: report the changes against it")
    p.add_argument("--no-progress", action="store_true", help="no progress bars on stderr")
    p.set_defaults(func=run)
    sub = p.add_subparsers(dest="eval_command", metavar="{check-paraphrase}")
    c = sub.add_parser("check-paraphrase", help="check eval sets against the paraphrase rule (eval/paraphrase.py)")
    c.add_argument("files", nargs="*", help="eval JSONL files (default: every eval/data/paraphrase_*.jsonl)")
    c.add_argument("--corpus", help="folder of the source files (default: the demo corpus)")
    c.add_argument("-v", "--verbose", action="store_true", help="list every question with its share")
    c.set_defaults(func=run_check_paraphrase)


def _summary_lines(metrics: dict) -> list[str]:
    lines = []
    ret = (metrics.get("retrieval") or {}).get("overall")
    if ret:
        lines.append("retrieval  " + "  ".join(f"{k}={v:.3f}" for k, v in ret.items() if k != "n")
                     + f"  (n={ret['n']})")
    ans = (metrics.get("answers") or {}).get("overall")
    if ans:
        keys = ["keyword_accuracy", "numeric_accuracy", "citation_precision", "citation_recall",
                "supported_sentence_ratio", "correct_refusal_rate", "false_refusal_rate"]
        lines.append("answers    " + "  ".join(f"{k}={ans[k]:.3f}" for k in keys if ans.get(k) is not None))
    return lines


def _rel(path: str | Path) -> str:
    """Paths inside the working directory are shown relative, so a committed report stays portable."""
    p = Path(path).resolve()
    try:
        return str(p.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _command(args, out: Path) -> str:
    """The command line that reproduces this run (flags as given, paths relative when possible)."""
    parts = ["planqa", "eval", "--dataset", _rel(args.dataset), "--out", _rel(out)]
    if args.answers:
        parts += ["--answers", _rel(args.answers)]
    if args.llm:
        parts.append("--llm")
    if args.k != 10:
        parts += ["--k", str(args.k)]
    if args.no_retrieval:
        parts.append("--no-retrieval")
    if args.ragas:
        parts.append("--ragas")
    if args.baseline:
        parts += ["--baseline", _rel(args.baseline)]
    command = shlex.join(parts)
    if args.ragas and os.environ.get("PLANQA_RAGAS_PATH"):
        command = f"PLANQA_RAGAS_PATH={shlex.quote(os.environ['PLANQA_RAGAS_PATH'])} {command}"
    return command


def _setup(settings, index, args) -> dict:
    setup = {"mode": "llm" if args.llm else "extractive", "answers_file": args.answers or "",
             "top_k": settings.top_k, "fusion": settings.fusion, "bm25_weight": settings.bm25_weight}
    info = getattr(index, "info", None)
    if callable(info):
        setup["index"] = {k: v for k, v in info().items() if k not in ("documents", "index_dir")}
    return setup


def _read_answers(path: str) -> dict[str, dict]:
    """JSONL answers directly; XLSX/CSV/Markdown batch outputs through the batch reader."""
    from planqa.batch_io import format_for, read_rows
    from planqa.eval.runner import index_answers, load_answers

    if Path(path).suffix.lower() in (".xlsx", ".csv", ".md") and format_for(path) != "jsonl":
        return index_answers(read_rows(path))
    return load_answers(path)


def _read_items(path: Path, prog: str) -> list | None:
    """The dataset's items, or None after saying why it cannot be read."""
    from planqa.eval.dataset import load_dataset

    try:
        return load_dataset(path)
    except (OSError, ValueError) as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return None


def run(args, settings) -> int:
    from planqa.eval.dataset import check_items
    from planqa.eval.report import write_report
    from planqa.eval.runner import evaluate, run_answers, run_retrieval

    dataset = Path(args.dataset)
    items = _read_items(dataset, "planqa eval")
    if items is None:
        return 2
    problems = check_items(items)
    if problems:
        print("planqa eval: bad dataset:\n  " + "\n  ".join(problems[:20]), file=sys.stderr)
        return 2
    progress = not args.no_progress

    index = None
    if not args.answers or not args.no_retrieval:
        from planqa.index import open_index

        index = open_index(settings, build_demo_if_missing=True)

    if args.answers:
        answers = _read_answers(args.answers)
    else:
        from planqa.qa.engine import Engine

        engine = Engine(settings, index)
        mode = "llm" if args.llm else "extractive"
        answers = run_answers(items, lambda q: engine.ask(q, mode=mode), progress=progress)

    retrieved = None
    if not args.no_retrieval:
        retrieved = run_retrieval(items, lambda q, k: index.search(q, k=k), k=args.k, progress=progress)
    extra = None
    if args.ragas:
        from planqa.eval.ragas_metrics import ragas_retrieval_metrics

        def extra(its, ret):
            return ragas_retrieval_metrics(its, ret, k=args.k)

    ks = tuple(sorted({1, 5, args.k}))
    result = evaluate(items, answers, retrieved, ks=ks, extra_retrieval=extra)
    if args.baseline:
        import json

        from planqa.eval.report import baseline_deltas

        base = json.loads(Path(args.baseline).read_text(encoding="utf-8"))
        result.metrics["baseline"] = {"path": _rel(args.baseline), "dataset": base.get("dataset", ""),
                                      "deltas": baseline_deltas(result.metrics, base)}
    out = Path(args.out) if args.out else Path(settings.home) / "eval" / dataset.stem
    paths = write_report(result, out, command=_command(args, out), dataset=_rel(dataset),
                         setup=_setup(settings, index, args))
    for line in _summary_lines(result.metrics):
        print(line)
    for name, old, cur in (result.metrics.get("baseline") or {}).get("deltas", []):
        if old is not None and cur is not None and abs(cur - old) >= 0.005:
            print(f"  {name}: {old:.3f} -> {cur:.3f} ({cur - old:+.3f})")
    print(f"report: {paths['report']}")
    return 0


def run_check_paraphrase(args, settings) -> int:
    """Exit 0 when every file holds the rule, 1 when one breaks it, 2 on unreadable input."""
    from planqa.corpus import build_corpus
    from planqa.eval.dataset import DATA_DIR, check_items
    from planqa.eval.paraphrase import check_set, format_report
    from planqa.settings import DEMO_CORPUS

    files = [Path(f) for f in args.files] or sorted(DATA_DIR.glob("paraphrase_*.jsonl"))
    if not files:
        print("planqa eval check-paraphrase: no files given and no eval/data/paraphrase_*.jsonl", file=sys.stderr)
        return 2
    corpus = build_corpus([Path(args.corpus) if args.corpus else DEMO_CORPUS])
    status = 0
    for f in files:
        items = _read_items(f, "planqa eval check-paraphrase")
        if items is None:
            return 2
        problems = check_items(items)
        for line in problems:
            print(f"  BAD {line}")
        result = check_set(items, corpus)
        for line in format_report(_rel(f), result, verbose=args.verbose):
            print(line)
        if problems or not result.ok:
            status = 1
    return status
