"""Write the measured tables of bench/SCALE.md from the stored run results (bench/scale_runs/*.json).

    python bench/scale_report.py        # replaces the block between the table markers in SCALE.md

The prose around the tables is written by hand; the figures only ever come from the JSON files."""

from __future__ import annotations

import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUNS = HERE / "scale_runs"
DOC = HERE / "SCALE.md"
START, END = "<!-- tables:start -->", "<!-- tables:end -->"


def _pp(d: dict | None) -> str:
    return f"{d['p50']:.1f} / {d['p95']:.1f}" if d else "–"


def _load() -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(RUNS.glob("*.json"))]


def main_table(runs: list[dict]) -> list[str]:
    rows = [r for r in runs if r.get("store") in ("embedded", "milvus-lite")]
    rows.sort(key=lambda r: (r["n"], r["store"]))
    out = ["| store | chunks | docs | dense index | encode s (stand-in) | build s | disk MB | peak RSS MB "
           "| hybrid p50 / p95 ms | hybrid + doc filter p50 / p95 ms | BM25 only p50 / p95 ms "
           "| dense recall@10 (p50 ms) |", "|" + "---|" * 12]
    for r in rows:
        ann = r.get("dense_ann", {})
        out.append(f"| {r['store']} | {r['n']:,} | {r.get('docs', '–'):,} | {r.get('kind', '–')} "
                   f"| {r.get('encode_s', '–')} | {r.get('build_s', '–')} | {r.get('disk_mb', '–'):,} "
                   f"| {r.get('peak_rss_mb', '–'):,} | {_pp(r.get('hybrid'))} | {_pp(r.get('hybrid_doc_filter'))} "
                   f"| {_pp(r.get('bm25_only'))} | {ann.get('recall10', '–')} ({ann.get('p50', '–')}) |")
    return out


def _kind(row: dict) -> str:
    if row["kind"] == "hnsw":
        return f"HNSW M={row['M']} efC={row['efConstruction']} efSearch={row['efSearch']}"
    if row["kind"] == "ivf":
        return f"IVF nlist={row['nlist']} nprobe={row['nprobe']}"
    return row["kind"]


def sweep_table(runs: list[dict]) -> list[str]:
    out: list[str] = []
    for r in (r for r in runs if r.get("store") == "sweep"):
        out += [f"Dense sweep at {r['n']:,} chunks (one query at a time, 300 queries; flat: 100):", "",
                "| structure | build s | recall@10 | p50 ms | p95 ms |", "|---|---|---|---|---|"]
        out += [f"| {_kind(s)} | {s.get('build_s', '–')} | {s['recall10']:.3f} | {s['p50']} | {s['p95']} |"
                for s in r["sweep"]]
        out.append("")
    for r in (r for r in runs if r.get("dense_knob")):
        knob = next(k for k in r["dense_knob"][0] if k not in ("recall10", "p50", "p95"))
        out += [f"Search-time knob on the built {r['kind']} index of the {r['store']} run at {r['n']:,} chunks:", "",
                f"| {knob} | recall@10 | p50 ms | p95 ms |", "|---|---|---|---|"]
        out += [f"| {s[knob]} | {s['recall10']:.3f} | {s['p50']} | {s['p95']} |" for s in r["dense_knob"]]
        out.append("")
    return out


def use_line(runs: list[dict]) -> list[str]:
    for r in runs:
        if "use_chunks_per_s" in r:
            return [f"USE (the bundled encoder, 1 BLAS thread, batches of 32, 320 demo chunks): "
                    f"**{r['use_chunks_per_s']} chunks/s** → {r['use_hours_for_1M']} h for 1 M chunks; the "
                    f"stand-in in the same call pattern: {r['hash_chunks_per_s']} chunks/s.", ""]
    return []


def main() -> None:
    runs = _load()
    block = "\n".join([START, "", *use_line(runs), *main_table(runs), "", *sweep_table(runs), END])
    text = DOC.read_text(encoding="utf-8")
    text = re.sub(re.escape(START) + r".*?" + re.escape(END), lambda _m: block, text, flags=re.S)
    DOC.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
