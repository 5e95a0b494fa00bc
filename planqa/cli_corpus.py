"""`planqa docs` and `planqa chunks`: the documents in the index (default), or what the parser makes of files."""

from __future__ import annotations

import argparse
import json
import sys

from planqa.settings import DEMO_CORPUS, Settings


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("docs", help="list the indexed documents with metadata and chapters / 列出索引中的文档")
    _source_args(p)
    p.set_defaults(func=cmd_docs)
    p = sub.add_parser("chunks", help="show a document's chunks / 显示文档分块")
    p.add_argument("doc_id")
    _source_args(p)
    p.set_defaults(func=cmd_chunks)


def _source_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", help="parse these files or folders instead of reading the index")
    p.add_argument("--corpus", nargs="?", const=str(DEMO_CORPUS), metavar="PATH",
                   help="parse PATH (default: the demo corpus) instead of reading the index")
    p.add_argument("--json", action="store_true")


def _from_files(args) -> bool:
    return bool(args.paths or args.corpus)


def _index_entries(settings: Settings) -> list[dict]:
    """What the index holds (after `planqa ingest`), not the demo files: chapters and sections from the chunks."""
    from planqa.index import open_index

    index = open_index(settings)
    entries = []
    for rec in index.documents():
        chapters: list[dict] = []
        for c in index.chunks_of(rec["doc_id"]):
            if c.chapter and (not chapters or chapters[-1]["title"] != c.chapter):
                chapters.append({"title": c.chapter, "sections": []})
            if chapters and c.section and c.section not in chapters[-1]["sections"]:
                chapters[-1]["sections"].append(c.section)
        keep = ("doc_id", "title", "issuer", "doc_number", "date", "region", "source", "part", "n_chunks", "quality")
        entries.append({**{k: rec.get(k) for k in keep}, "chapters": chapters})
    return entries


def _corpus(args, settings: Settings):
    from planqa.corpus import build_corpus

    paths = list(args.paths) + ([args.corpus] if args.corpus else [])
    corpus = build_corpus(paths or [DEMO_CORPUS], settings.chunk_max_tokens, settings.chunk_min_chars)
    for err in corpus.errors:
        print(f"错误 / error: {err}", file=sys.stderr)
    return corpus


def doc_entry(doc, n_chunks: int) -> dict:
    from planqa.corpus import outline

    return {**doc.meta(), "n_chunks": n_chunks, "quality": doc.quality.to_dict(), "chapters": outline(doc)}


def cmd_docs(args, settings: Settings) -> int:
    if _from_files(args):
        corpus = _corpus(args, settings)
        entries = [doc_entry(d, len(corpus.chunks_of(d.doc_id))) for d in corpus.documents]
    else:
        entries = _index_entries(settings)
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
    return 0 if entries else 1


def cmd_chunks(args, settings: Settings) -> int:
    if _from_files(args):
        chunks = _corpus(args, settings).chunks_of(args.doc_id)
    else:
        from planqa.index import open_index

        chunks = open_index(settings).chunks_of(args.doc_id)
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
