"""Answer latency of the extractive engine (what `planqa ask` spends after loading the index and encoder).

    python bench/answer_latency.py                # all dev questions, 3 rounds, extractive mode
    python bench/answer_latency.py --cli 5        # also time 5 real `planqa ask --json` processes
    python bench/answer_latency.py --json

The index is built once from the demo corpus in a temporary home with the bundled USE encoder (the
encoder this machine runs). One warm-up question loads jieba and the encoder; every later call is timed
with time.perf_counter around Engine.ask (Answer.latency_ms is measured the same way inside).
Target: p50 ≤ 100 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from planqa.eval.stats import percentile

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "eval" / "data" / "dev.jsonl"
FALLBACK_QUESTIONS = [
    "晋城到“十四五”期末全市从业人员持证率要达到多少？",
    "忻州打算怎么推进技能富民？",
    "邵阳市规划的文号是什么？",
    "济源规划哪一章讲人力资源市场？",
    "晋城和忻州的高技能人才总量目标分别是多少？",
    "太原市高技能人才目标是多少？",
]


def questions() -> list[tuple[str, str]]:
    if DEV.exists():
        rows = [json.loads(x) for x in DEV.read_text(encoding="utf-8").splitlines() if x.strip()]
        return [(r["type"], r["question"]) for r in rows]
    return [("mixed", q) for q in FALLBACK_QUESTIONS]


def bench_engine(home: Path, rounds: int) -> dict:
    from planqa.index import build_index, open_index
    from planqa.index.encoders import UseEncoder
    from planqa.qa import Engine
    from planqa.settings import DEMO_CORPUS, Settings

    settings = Settings(home=home)
    encoder = UseEncoder()
    t0 = time.perf_counter()
    index = (open_index(settings, build_demo_if_missing=False, encoder=encoder)
             if (home / "index").exists() else build_index(settings, [DEMO_CORPUS], encoder=encoder))
    load_s = time.perf_counter() - t0
    engine = Engine(settings, index)
    t0 = time.perf_counter()
    engine.ask("晋城市的持证率目标是多少？")  # warm-up: jieba dictionary, encoder graph, corpus statistics
    warm_ms = (time.perf_counter() - t0) * 1000
    qs = questions()
    times: list[float] = []
    first_round: list[float] = []
    by_type: dict[str, list[float]] = {}
    for r in range(rounds):
        for qtype, q in qs:
            t = time.perf_counter()
            engine.ask(q)
            ms = (time.perf_counter() - t) * 1000
            times.append(ms)
            if r == 0:  # nothing cached yet for these questions
                first_round.append(ms)
            by_type.setdefault(qtype, []).append(ms)
    return {
        "questions": len(qs), "rounds": rounds, "index_load_or_build_s": round(load_s, 1),
        "warmup_ms": round(warm_ms, 1),
        "first_round_p50_ms": round(statistics.median(first_round), 1),
        "first_round_p95_ms": round(percentile(first_round, 0.95), 1),
        "p50_ms": round(statistics.median(times), 1), "p95_ms": round(percentile(times, 0.95), 1),
        "max_ms": round(max(times), 1), "mean_ms": round(statistics.fmean(times), 1),
        "p50_by_type_ms": {k: round(statistics.median(v), 1) for k, v in sorted(by_type.items())},
    }


def bench_cli(home: Path, n: int) -> dict:
    """Whole `planqa ask --json` processes: wall time (incl. imports + model load) and the answer's own time."""
    env = {**os.environ, "PLANQA_HOME": str(home)}
    walls, own = [], []
    for _, q in questions()[:n]:
        t = time.perf_counter()
        out = subprocess.run([sys.executable, "-m", "planqa.cli", "ask", q, "--json"], env=env,
                             capture_output=True, text=True, check=True).stdout
        walls.append(time.perf_counter() - t)
        own.append(json.loads(out)["latency_ms"])
    return {"cli_runs": n, "cli_wall_p50_s": round(statistics.median(walls), 2),
            "cli_answer_p50_ms": round(statistics.median(own), 1)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="extractive answer latency")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--cli", type=int, default=0, help="also run N `planqa ask` processes")
    ap.add_argument("--home", help="reuse an index home (default: a fresh temporary one)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(args.home) if args.home else Path(tmp)
        result = {"machine": f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}",
                  **bench_engine(home, args.rounds)}
        if args.cli:
            result.update(bench_cli(home, args.cli))
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        for k, v in result.items():
            print(f"{k}: {v}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
