"""`planqa docs` and `planqa chunks`: what the parser made of the documents."""

from __future__ import annotations

import argparse
import json
import sys

from planqa.settings import DEMO_CORPUS, Settings


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("docs", help="list documents with metadata and chapters / 列出文档")
    p.add_argument("paths", nargs="*", help="files or folders (default: the demo corpus)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_docs)
    p = sub.add_parser("chunks", help="show a document's chunks / 显示文档分块")
    p.add_argument("doc_id")
    p.add_argument("paths", nargs="*", help="files or folders (default: the demo corpus)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_chunks)


def _corpus(args, settings: Settings):
    from planqa.corpus import build_corpus

    corpus = build_corpus(args.paths or [DEMO_CORPUS], settings.chunk_max_tokens, settings.chunk_min_chars)
    for err in corpus.errors:
        print(f"错误 / error: {err}", file=sys.stderr)
    return corpus


def doc_entry(doc, n_chunks: int) -> dict:
    from planqa.corpus import outline

    return {**doc.meta(), "n_chunks": n_chunks, "quality": doc.quality.to_dict(), "chapters": outline(doc)}


def cmd_docs(args, settings: Settings) -> int:
    corpus = _corpus(args, settings)
    entries = [doc_entry(d, len(corpus.chunks_of(d.doc_id))) for d in corpus.documents]
    if args.json:
        print(json.dumps(entries, ensure_ascii=False, indent=2))
    else:
        for e in entries:
            print(f"{e['doc_id']}  《{e['title']}》  {e['doc_number'] or '-'}  {e['issuer'] or '-'}  "
                  f"{e['date'] or '-'}  {e['region'] or '-'}  {e['n_chunks']} 块  "
                  f"缺字 {e['quality']['lost_chars']}")
            for ch in e["chapters"]:
                print(f"    {ch['title']}")
                for sec in ch["sections"]:
                    print(f"        {sec}")
    return 0 if corpus.documents else 1


def cmd_chunks(args, settings: Settings) -> int:
    corpus = _corpus(args, settings)
    chunks = corpus.chunks_of(args.doc_id)
    if not chunks:
        print(f"未找到文档 / no such document: {args.doc_id}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps([c.to_dict() for c in chunks], ensure_ascii=False, indent=2))
    else:
        for c in chunks:
            path = " › ".join(c.heading_path) or "（正文前）"
            print(f"[{c.chunk_id}] {c.kind} {path}\n    {c.text[:120]}")
    return 0
