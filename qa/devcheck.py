"""Score the extractive answerer on a dev set and calibrate the refusal threshold.

    python -m planqa.qa.devcheck [eval/data/dev.jsonl] [--sweep] [--show-fail]

Figures: keyword accuracy on answerable questions (every gold keyword in the answer), refusal rate on
unanswerable ones, false refusals on answerable ones, citation support (a citation's chunk holds the gold
quote, or it is a valid exact quote from the gold document), exact-quote rate, and latency.
`--sweep` re-runs with several MIN_EVIDENCE values: pick the highest one whose false refusals stay ≤ 5 %.
(The eval layer owns the official metrics; this is the answerer's own quick loop.)
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
from pathlib import Path

from planqa.qa.citations import quote_supported

DEFAULT_DEV = Path(__file__).resolve().parents[1] / "eval" / "data" / "dev.jsonl"


def norm(s: str) -> str:
    s = s.replace("（", "(").replace("）", ")").replace("，", ",").replace("：", ":").replace("；", ";")
    return re.sub(r"\s+", "", s)


def _golds(row: dict) -> tuple[list[str], list[str]]:
    docs = row.get("doc") or []
    quotes = row.get("quote") or []
    return (docs if isinstance(docs, list) else [docs]), (quotes if isinstance(quotes, list) else [quotes])


def score(rows: list[dict], answers: list[dict]) -> dict:
    kw_ok = ans_n = refused_unans = unans_n = false_ref = 0
    cites = supported = exact = 0
    lat = []
    fails = []
    for row, a in zip(rows, answers, strict=True):
        lat.append(a["latency_ms"])
        text = norm(a["answer"])
        if row.get("answerable", True):
            ans_n += 1
            ok = not a["refused"] and all(norm(k) in text for k in row.get("keywords") or [])
            kw_ok += ok
            false_ref += a["refused"]
            if not ok:
                fails.append((row, a))
        else:
            unans_n += 1
            refused_unans += a["refused"]
            if not a["refused"]:
                fails.append((row, a))
        docs, quotes = _golds(row)
        for c in a["citations"]:
            cites += 1
            from planqa.qa.models import Citation

            cit = Citation(**{k: v for k, v in c.items() if k in Citation.__dataclass_fields__})
            good_quote = quote_supported(cit)
            exact += good_quote
            holds_gold = any(q and norm(q)[:30] in norm(c["text"]) for q in quotes)
            supported += holds_gold or (good_quote and c["doc_id"] in docs)
    return {
        "answerable": ans_n,
        "keyword_accuracy": round(kw_ok / max(ans_n, 1), 3),
        "false_refusal_rate": round(false_ref / max(ans_n, 1), 3),
        "unanswerable": unans_n,
        "refusal_rate": round(refused_unans / max(unans_n, 1), 3),
        "citations": cites,
        "citation_support": round(supported / max(cites, 1), 3),
        "exact_quote_rate": round(exact / max(cites, 1), 3),
        "latency_p50_ms": round(statistics.median(lat), 1) if lat else 0.0,
        "latency_p95_ms": round(sorted(lat)[int(0.95 * (len(lat) - 1))], 1) if lat else 0.0,
        "_fails": fails,
    }


def run(engine, rows: list[dict]) -> list[dict]:
    return [engine.ask(r["question"]).to_dict() for r in rows]


def main(argv: list[str] | None = None) -> int:
    from planqa.index import open_index
    from planqa.qa.engine import Engine
    from planqa.settings import Settings

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dev", nargs="?", default=str(DEFAULT_DEV))
    ap.add_argument("--sweep", action="store_true")
    ap.add_argument("--show-fail", action="store_true")
    args = ap.parse_args(argv)
    rows = [json.loads(line) for line in Path(args.dev).read_text(encoding="utf-8").splitlines() if line.strip()]
    engine = Engine(Settings.from_env(), open_index(Settings.from_env()))
    engine.ask("预热")  # load jieba and the encoder outside the timings
    thresholds = [0.3, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7] if args.sweep else [None]
    for t in thresholds:
        engine.min_evidence = t
        m = score(rows, run(engine, rows))
        fails = m.pop("_fails")
        print(json.dumps({"min_evidence": t, **m}, ensure_ascii=False))
        if args.show_fail:
            for row, a in fails:
                print(f"  ✗ {row['id']} {row['question']} kw={row.get('keywords')}\n    → {a['answer'][:200]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
