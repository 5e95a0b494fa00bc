"""`planqa ask`: one question → a cited answer (text, or the shared JSON shape with --json)."""

from __future__ import annotations

import json
import sys

from planqa.corpus.models import page_label
from planqa.qa.models import Answer


def register(subparsers) -> None:
    p = subparsers.add_parser("ask", help="ask a question; answers cite document and chapter")
    p.add_argument("question", help="the question, in Chinese")
    p.add_argument("--json", action="store_true", help="print the answer as JSON (the shared answer shape)")
    p.add_argument("--llm", action="store_true", help="answer with the configured LLM (falls back to extractive)")
    p.add_argument("--doc", action="append", dest="doc_ids", metavar="DOC_ID", help="only this document (repeatable)")
    p.add_argument("--region", action="append", dest="regions", metavar="REGION", help="only documents of this region")
    p.add_argument("--k", type=int, default=None, help="passages to retrieve (default: settings top_k)")
    p.set_defaults(func=run)


def run(args, settings) -> int:
    from planqa.index import open_index
    from planqa.qa.engine import Engine

    engine = Engine(settings, open_index(settings, build_demo_if_missing=True))
    engine.warm_up()  # start-up cost stays out of the reported latency_ms
    mode = "llm" if args.llm else "extractive"
    if args.json or mode == "extractive":
        ans = engine.ask(args.question, doc_ids=args.doc_ids, regions=args.regions, mode=mode, top_k=args.k)
    else:  # stream the model's reply as it arrives, then print the checked answer
        ans = None
        shown = 0
        for ans in engine.stream_ask(args.question, doc_ids=args.doc_ids, regions=args.regions, mode=mode,
                                     top_k=args.k):
            partial = ans.mode == "llm" and not ans.citations and not ans.refused
            if partial and len(ans.answer) > shown:  # partial answers carry the growing reply
                sys.stderr.write(ans.answer[shown:])
                sys.stderr.flush()
                shown = len(ans.answer)
        if shown:
            sys.stderr.write("\n\n")
    if args.json:
        print(json.dumps(ans.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(render_text(ans))
    return 0


def source_line(c) -> str:
    where = " › ".join(x for x in (c.chapter, c.section) if x)
    page = page_label(c.page, c.page_end)
    return f"[{c.n}]《{c.doc_title}》" + (where if where else "") + (f"（{page}）" if page else "")


def render_text(ans: Answer) -> str:
    """Readable answer: the text with markers, then the numbered sources with their quotes."""
    lines = []
    if ans.rewritten_question:
        lines.append(f"（理解为：{ans.rewritten_question}）")
    lines.append(ans.answer)
    if ans.citations:
        lines.append("\n来源：")
        for c in ans.citations:
            lines.append(source_line(c))
            if c.quote:
                lines.append(f"    “{c.quote}”")
    for w in ans.warnings:
        lines.append(f"\n注意：{w}")
    lines.append(f"\n（{ans.mode}，{ans.latency_ms:.0f} ms）")
    return "\n".join(lines)
