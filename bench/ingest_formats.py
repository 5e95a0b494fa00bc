"""Ingest of the same five plans as TXT, DOCX, PDF (Chromium, LibreOffice) and scans, compared with the TXT.

    python bench/ingest_formats.py                        # all formats -> bench/FORMATS.md
    python bench/ingest_formats.py --fixtures DIR         # fixtures there (made when missing)
    python bench/ingest_formats.py --format pdf --json    # one format (what the subprocesses run)

Fixtures come from scripts/make_fixtures.py (same file stems as the TXT, hence the same doc ids). For each
format, in its own process: documents and titles against the TXT's, the chapters (`corpus.outline`) of 晋城
(000) and 忻州 (001), the indicator-table rows of 济源 (003) and 晋城 present as table chunks, retrieval
(hybrid, bundled USE encoder, `planqa.eval.retrieval.retrieval_metrics` as in bench/retrieval.py: gold is
matched by quote text within the gold doc) on every eval/data/paraphrase_*.jsonl and on dev.jsonl, the
share of found gold quotes whose chunk carries the gold chapter, and ingest speed (corpus layer only).
Scans: one OCRed page per plan against the text layer of the same born-digital page, and the whole of 002
scanned (title and chapters against the TXT).
"""

from __future__ import annotations

import argparse
import difflib
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from retrieval import BM25_WEIGHT, _eval_text, _score, machine  # noqa: E402  (bench/retrieval.py)

FORMATS = ("txt", "docx", "pdf", "lopdf", "scan")
NAMES = {"txt": "TXT (demo corpus)", "docx": "DOCX (no heading styles)", "pdf": "PDF (Chromium print)",
         "lopdf": "PDF (LibreOffice export of the DOCX)", "scan": "scanned pages (image-only PDF, OCR)"}
CHAPTER_DOCS = ("000_1221f6b6c08d843d", "001_f97572b67bbbe106")  # 晋城, 忻州
ROW_DOCS = ("003_80320cefd6c75378", "000_1221f6b6c08d843d")  # 济源, 晋城
DEFAULT_FIXTURES = Path(tempfile.gettempdir()) / "planqa-fixtures"


def _fixture_maker():
    spec = importlib.util.spec_from_file_location("make_fixtures", ROOT / "scripts" / "make_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _norm(text: str) -> str:
    from planqa.eval.textnorm import normalize

    return normalize(text)


def _question_sets() -> dict[str, list]:
    from planqa.eval.dataset import DATA_DIR, load_dataset

    files = sorted(DATA_DIR.glob("paraphrase_*.jsonl"))
    para = [it for f in files for it in load_dataset(f)]
    sets = {f"paraphrase ({'+'.join(f.stem.split('_', 1)[1] for f in files)})": para, "dev": load_dataset()}
    return {name: [it for it in items if it.answerable and it.quotes] for name, items in sets.items()}


def _pages(paths: list[Path]) -> int:
    import pypdfium2 as pdfium

    n = 0
    for p in paths:
        if p.suffix.lower() == ".pdf":
            pdf = pdfium.PdfDocument(str(p))
            n += len(pdf)
            pdf.close()
    return n


def _chapters(doc) -> list[str]:
    from planqa.corpus import outline

    return [_norm(c["title"]) for c in outline(doc)]


def _compare_structure(corpus, ref) -> dict:
    docs = {d.doc_id: d for d in corpus.documents}
    out: dict = {"docs": len(docs), "ref_docs": len(ref.documents), "errors": [str(e) for e in corpus.errors]}
    out["titles_equal"] = sum(1 for d in ref.documents if d.doc_id in docs and _norm(docs[d.doc_id].title)
                              == _norm(d.title))
    out["title_diffs"] = {d.doc_id: docs[d.doc_id].title if d.doc_id in docs else None for d in ref.documents
                          if d.doc_id not in docs or _norm(docs[d.doc_id].title) != _norm(d.title)}
    for doc_id in CHAPTER_DOCS:
        want = _chapters(ref.doc(doc_id))
        got = _chapters(docs[doc_id]) if doc_id in docs else []
        out[f"chapters {doc_id}"] = {"equal": got == want, "ref": len(want), "got": len(got),
                                     "missing": [c for c in want if c not in got], "extra": [c for c in got if c not in want]}
    for doc_id in ROW_DOCS:
        want = [_norm(c.text) for c in ref.chunks_of(doc_id) if c.kind == "table"]
        got = {_norm(c.text) for c in corpus.chunks if c.doc_id == doc_id and c.kind == "table"}
        out[f"rows {doc_id}"] = {"ref": len(want), "present": sum(1 for w in want if w in got), "table_chunks": len(got),
                                 "missing": [w for w in want if w not in got][:3]}
    return out


def _retrieval(index, items) -> dict:
    from planqa.eval.retrieval import novel_gains

    ranked, chapter_ok, found = [], 0, 0
    for it in items:
        hits = index.search(it.question, k=10)
        ranked.append([(_eval_text(h.chunk), h.chunk.doc_id) for h in hits])
        gains = novel_gains([t for t, _ in ranked[-1]], it.quotes, [d for _, d in ranked[-1]], it.docs)
        for rank, covered in enumerate(gains):
            for j in covered:
                if j < len(it.chapters) and it.chapters[j]:
                    found += 1
                    chapter_ok += _norm(hits[rank].chunk.chapter) == _norm(it.chapters[j])
    m = _score(ranked, items)
    return {"n": m["n"], "recall@5": m["recall@5"], "mrr@10": m["mrr@10"],
            "chapter_ok": chapter_ok / found if found else 0.0}


def run_format(fmt: str, fixtures: Path) -> dict:
    from planqa.corpus import build_corpus
    from planqa.corpus.pipeline import expand_paths
    from planqa.settings import DEMO_CORPUS

    if fmt == "scan":
        return run_scan(fixtures)
    folder = DEMO_CORPUS if fmt == "txt" else fixtures / fmt
    paths = expand_paths([folder])
    if not paths:
        return {"format": fmt, "skipped": f"no files in {folder}"}
    ref = build_corpus([DEMO_CORPUS])
    t0 = time.perf_counter()
    corpus = build_corpus([folder])
    ingest_s = time.perf_counter() - t0
    out = {"format": fmt, "files": len(paths), "pages": _pages(paths), "ingest_s": ingest_s,
           "chunks": len(corpus.chunks), **_compare_structure(corpus, ref)}
    from planqa.index import build_index
    from planqa.index.encoders import UseEncoder
    from planqa.settings import Settings

    home = Path(tempfile.mkdtemp(prefix="planqa-bench-formats-"))
    t0 = time.perf_counter()
    index = build_index(Settings(home=home, bm25_weight=BM25_WEIGHT), [folder], encoder=UseEncoder())
    out["index_s"] = time.perf_counter() - t0
    out["retrieval"] = {name: _retrieval(index, items) for name, items in _question_sets().items()}
    return out


def _page_text(pdf_path: Path, page: int) -> str:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        return pdf[page].get_textpage().get_text_range()
    finally:
        pdf.close()


def run_scan(fixtures: Path) -> dict:
    from planqa.corpus import build_corpus, load_documents
    from planqa.settings import DEMO_CORPUS

    maker = _fixture_maker()
    out: dict = {"format": "scan", "pages_ocr": []}
    total_s, total_pages = 0.0, 0
    for path in sorted((fixtures / "scan_page").glob("*.pdf")):
        stem = path.stem.rsplit("_page", 1)[0]
        t0 = time.perf_counter()
        loaded = load_documents([path])
        secs = time.perf_counter() - t0
        total_s, total_pages = total_s + secs, total_pages + 1
        text = _norm("".join(d.text for d in loaded.documents))
        ref = _norm(_page_text(fixtures / "pdf" / f"{stem}.pdf", maker.SCAN_PAGE))
        matcher = difflib.SequenceMatcher(None, ref, text, autojunk=False)
        same = sum(b.size for b in matcher.get_matching_blocks())
        quality = loaded.documents[0].quality.to_dict() if loaded.documents else {}
        out["pages_ocr"].append({"file": path.name, "s": secs, "ref_chars": len(ref), "ocr_chars": len(text),
                                 "char_recall": same / len(ref) if ref else 0.0,
                                 "errors": [str(e) for e in loaded.errors],
                                 "quality": {k: v for k, v in quality.items() if "ocr" in k.lower()}})
    out["ocr_pages_per_s"] = total_pages / total_s if total_s else 0.0
    full = sorted((fixtures / "scan_full").glob("*.pdf"))
    if full:
        ref = build_corpus([DEMO_CORPUS])
        t0 = time.perf_counter()
        corpus = build_corpus(full)
        secs = time.perf_counter() - t0
        pages = _pages(full)
        docs = {d.doc_id: d for d in corpus.documents}
        rows = []
        for p in full:
            want = ref.doc(p.stem)
            got = docs.get(p.stem)
            rows.append({"doc": p.stem, "pages": pages, "s": secs, "title_equal": got is not None and
                         _norm(got.title) == _norm(want.title), "title": got.title if got else None,
                         "chapters_equal": got is not None and _chapters(got) == _chapters(want),
                         "chapters": [len(_chapters(want)), len(_chapters(got)) if got else 0],
                         "errors": [str(e) for e in corpus.errors]})
        out["full"] = rows
    return out


def _yes(ok: bool) -> str:
    return "yes" if ok else "**no**"


def _row(r: dict, txt: dict) -> str:
    if "skipped" in r:
        return f"| {NAMES[r['format']]} | skipped: {r['skipped']} |" + " |" * 8
    ch = [r[f"chapters {d}"] for d in CHAPTER_DOCS]
    rows = [r[f"rows {d}"] for d in ROW_DOCS]
    ret = []
    for name, m in r["retrieval"].items():
        base = txt["retrieval"][name]
        d5, dm = m["recall@5"] - base["recall@5"], m["mrr@10"] - base["mrr@10"]
        ret.append(f"{m['recall@5']:.3f} / {m['mrr@10']:.3f} ({d5:+.3f} / {dm:+.3f}); chapter {m['chapter_ok']:.2f}")
    speed = f"{r['ingest_s']:.1f} s" + (f", {r['pages'] / r['ingest_s']:.1f} pages/s" if r["pages"] else "")
    return (f"| {NAMES[r['format']]} | {r['docs']}/{r['ref_docs']}, titles {r['titles_equal']}/{r['ref_docs']} "
            f"| {_yes(ch[0]['equal'])} ({ch[0]['got']}/{ch[0]['ref']}) | {_yes(ch[1]['equal'])} ({ch[1]['got']}/{ch[1]['ref']}) "
            f"| {rows[0]['present']}/{rows[0]['ref']} | {rows[1]['present']}/{rows[1]['ref']} "
            f"| {' | '.join(ret)} | {speed} |")


def table(results: list[dict]) -> str:
    txt = next((r for r in results if r["format"] == "txt" and "skipped" not in r), None)
    if txt is None:
        return "(TXT not run: nothing to compare with)"
    sets = list(txt["retrieval"])
    head = ("| format | documents, titles = TXT | chapters 晋城 = TXT | chapters 忻州 = TXT | 济源 indicator rows "
            "| 晋城 indicator rows | " + " | ".join(f"{s}: Recall@5 / MRR@10 (Δ TXT)" for s in sets)
            + " | ingest (corpus layer) |")
    lines = [head, "|" + "---|" * (7 + len(sets))]
    lines += [_row(r, txt) for r in results if r["format"] != "scan"]
    return "\n".join(lines)


def scan_table(r: dict) -> str:
    lines = ["| scanned page | OCR s | chars (text layer) | char recall vs text layer | OCR quality |", "|---|---|---|---|---|"]
    for p in r["pages_ocr"]:
        lines.append(f"| {p['file']} | {p['s']:.1f} | {p['ref_chars']} | {p['char_recall']:.3f} "
                     f"| {json.dumps(p['quality'], ensure_ascii=False) or '—'} {'; '.join(p['errors'])} |")
    rate = r["ocr_pages_per_s"]
    lines.append(f"\nOCR speed: {1 / rate if rate else 0:.1f} s/page ({rate:.3f} pages/s; one page per file, corpus layer, "
                 "the first file includes loading the OCR models).")
    for f in r.get("full", []):
        lines.append(f"\nWhole scanned plan {f['doc']} ({f['pages']} pages, {f['s']:.1f} s, "
                     f"{f['s'] / f['pages']:.1f} s/page): title = TXT {_yes(f['title_equal'])}, chapters = TXT "
                     f"{_yes(f['chapters_equal'])} ({f['chapters'][1]}/{f['chapters'][0]}). {'; '.join(f['errors'])}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES)
    ap.add_argument("--format", choices=FORMATS)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "FORMATS.md")
    ap.add_argument("--formats", default=",".join(FORMATS), help="which to run (the rest come from --from-json)")
    ap.add_argument("--from-json", type=Path, help="results saved by an earlier run (FORMATS.json)")
    args = ap.parse_args(argv)
    if args.format:
        print(json.dumps(run_format(args.format, args.fixtures), ensure_ascii=False))
        return 0
    if not (args.fixtures / "pdf").is_dir():
        print(f"making fixtures in {args.fixtures} …", file=sys.stderr)
        _fixture_maker().make_fixtures(args.fixtures, ["pdf", "docx", "lopdf", "scan"])
    saved = json.loads(args.from_json.read_text(encoding="utf-8")) if args.from_json else []
    wanted = [f for f in args.formats.split(",") if f in FORMATS]
    results = []
    for fmt in FORMATS:  # one process each: the timings are the format's own
        if fmt not in wanted:
            results.extend(r for r in saved if r["format"] == fmt)
            continue
        print(f"running {fmt} …", file=sys.stderr)
        proc = subprocess.run([sys.executable, __file__, "--format", fmt, "--json", "--fixtures", str(args.fixtures)],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            print(proc.stderr[-3000:], file=sys.stderr)
            results.append({"format": fmt, "skipped": f"failed (exit {proc.returncode})"})
            continue
        results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    raw = args.out.with_suffix(".json")
    raw.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    scan = next((r for r in results if r["format"] == "scan" and "skipped" not in r), None)
    text = f"""# Ingest of real file formats

Command: `python bench/ingest_formats.py{"".join(" " + a for a in (argv if argv is not None else sys.argv[1:]))}` (fixtures by `scripts/make_fixtures.py`, each format in its own process).
Machine: {machine()}.
Commit: `{_commit()}`. Details per format (title/chapter/row differences): `{_shown(raw)}`.

{table(results)}

- Retrieval: hybrid `Index.search` (bm25_weight {BM25_WEIGHT}, bundled USE encoder), k=10, answerable questions;
  relevant = contains the gold quote and comes from the gold document (doc ids are file stems, equal across
  formats). "chapter": share of the found gold quotes whose chunk carries the gold chapter. Target: within 0.03 of TXT.
- Rows: TXT table-row chunks of that document found verbatim (normalised) among the format's table chunks.
- Ingest: `build_corpus` of the five files (load, clean, structure, chunk), without the index.

## Scans (OCR)

{scan_table(scan) if scan else 'not run'}
"""
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _commit() -> str:
    try:
        head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "corpus"], capture_output=True,
                               text=True).stdout.strip()
        return head + (" + uncommitted corpus/ changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    sys.exit(main())
