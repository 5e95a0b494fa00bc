"""Latency of N simultaneous chats against the page (gradio_client, one session per chat).

    python bench/concurrent_chats.py                      # starts `planqa serve` in a temp PLANQA_HOME
    python bench/concurrent_chats.py --home ~/.local/share/planqa   # reuse a built index (copied)
    python bench/concurrent_chats.py --url http://127.0.0.1:7860/ [--auth user:pass]

Each round starts all chats at once (a barrier); every answer is checked for its expected figure.
Prints p50/p95/max per-question latency as the user sees it (request to final answer).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import threading
import time
from contextlib import nullcontext
from pathlib import Path

from planqa.eval.stats import percentile

QUESTIONS = [
    ("济源市2025年高技能人才目标是多少？", "济源"),
    ("忻州市的规划文号是什么？", "忻政发"),
    ("晋城到“十四五”期末，全市从业人员持证率要达到多少？", "55%"),
    ("晋城和忻州在职业教育上各有什么举措？", "职业"),
]


def run_round(url: str, auth: tuple[str, str] | None, n: int) -> tuple[list[float], list[str]]:
    from gradio_client import Client

    clients = [Client(url, auth=auth, verbose=False) for _ in range(n)]
    barrier = threading.Barrier(n)
    latencies: list[float] = []
    problems: list[str] = []
    lock = threading.Lock()

    def chat(i: int) -> None:
        question, expected = QUESTIONS[i % len(QUESTIONS)]
        barrier.wait()
        t0 = time.perf_counter()
        try:
            _, answer, _ = clients[i].predict(question, [], [], "extractive", 8, api_name="/ask")
        except Exception as exc:  # noqa: BLE001 - reported below
            with lock:
                problems.append(f"{question}: {type(exc).__name__}: {exc}")
            return
        elapsed = time.perf_counter() - t0
        with lock:
            latencies.append(elapsed)
            if expected not in answer["answer"]:
                problems.append(f"{question}: expected {expected!r} in {answer['answer'][:80]!r}")

    threads = [threading.Thread(target=chat, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", help="an already running page")
    ap.add_argument("--auth", help="user:pass for --url")
    ap.add_argument("--home", type=Path, help="PLANQA_HOME whose index is copied for the temporary server")
    ap.add_argument("--chats", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args(argv)

    auth = tuple(args.auth.split(":", 1)) if args.auth else None
    tmp = None
    if args.url:
        ctx = nullcontext(None)
    else:
        from planqa.ui.devserver import running_server

        tmp = Path(tempfile.mkdtemp(prefix="planqa-bench-"))
        if args.home and (args.home / "index").is_dir():
            shutil.copytree(args.home / "index", tmp / "index")
        else:
            print("no --home index given: building the demo index first (about a minute)…", flush=True)
        ctx = running_server(tmp, timeout=600)
    try:
        with ctx as server:
            url = args.url or server.url
            all_lat: list[float] = []
            all_problems: list[str] = []
            run_round(url, auth, 1)  # warm-up: first question loads the catalog
            for r in range(args.rounds):
                lat, problems = run_round(url, auth, args.chats)
                all_lat += lat
                all_problems += problems
                print(f"round {r + 1}: {len(lat)}/{args.chats} answered, "
                      f"p50 {statistics.median(lat):.2f}s max {max(lat):.2f}s", flush=True)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"{args.chats} concurrent chats × {args.rounds} rounds: n={len(all_lat)} "
          f"p50 {percentile(all_lat, 0.5):.2f}s  p95 {percentile(all_lat, 0.95):.2f}s  max {max(all_lat):.2f}s")
    for p in all_problems:
        print("PROBLEM:", p)
    return 1 if all_problems else 0


if __name__ == "__main__":
    sys.exit(main())
