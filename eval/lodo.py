"""Leave-one-document-out scores of the answerability model: what a plan uploaded tomorrow will get.

Folds by gold document: a question is held out with its document (a comparison whenever any of its
documents is; an unanswerable one with its near-miss document), the model is trained on the questions of
the other documents (paraphrase sets + dev; test.jsonl never), and the held-out questions are answered
by the extractive engine with the fold's model and scored with `runner.evaluate` (same metrics as
`planqa eval`). Retrieval hit@5 / MRR@10 are the runner's too (recall@5 is hit@5 for one-quote questions).

    python -m planqa.eval.lodo [--thesaurus cilin|cnsyn|none] [--save] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from planqa.eval.dataset import DATA_DIR, DEV_SET, EvalItem, load_dataset
from planqa.eval.runner import evaluate, run_answers, run_retrieval
from planqa.eval.textnorm import normalize

PARAPHRASE_SETS = sorted(DATA_DIR.glob("paraphrase_*.jsonl"))
HEADLINE = ("keyword_accuracy", "false_refusal_rate", "correct_refusal_rate", "citation_precision")


@dataclass
class AskRows:
    """The candidate feature rows of one ask of one question, and which hold a gold quote."""

    rows: list[list[float]] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)


def _is_gold(sentence: str, quotes: list[str], headings: str = "") -> bool:
    """The sentence holds a gold quote (or lies inside one); for a chapter question, its headings do."""
    s = normalize(sentence)
    h = normalize(headings)
    return any((q := normalize(x)) and (q in s or (len(s) >= 10 and s in q) or (h and q in h)) for x in quotes)


def question_rows(engine, item: EvalItem) -> list[AskRows]:
    """Every model-scored ask of `item`, gathered exactly as the engine gathers it."""
    from planqa.qa.analysis import analyse

    answerer = engine.answerer()
    a, asks, subplaces = answerer.plan(item.question)
    scope = engine._filter(analyse(item.question, engine.catalog), None)
    docs = scope if scope and len(scope) >= 2 and a.qtype == "comparison" else None
    out = []
    for ask in asks:
        if ask.qtype in ("which", "metadata"):
            continue
        for doc in docs or [None]:
            scored = answerer.score(ask, a, subplaces, [doc] if doc else scope, None)
            quotes = item.quotes if item.answerable else []
            out.append(AskRows([c.vector() for c in scored.items],
                               [int(_is_gold(c.text, quotes, _headings(c) if item.type == "chapter" else ""))
                                for c in scored.items]))
    return out


def _headings(c) -> str:
    return " ".join(x for x in (c.chunk.chapter, c.chunk.section) if x)


def fold_of(item: EvalItem) -> list[str]:
    """The documents whose fold holds this question out."""
    if item.docs:
        return list(dict.fromkeys(item.docs))
    return [item.near_doc] if item.near_doc else []


def train(rows_by_item: dict[str, list[AskRows]], items: list[EvalItem]):
    from planqa.qa.answerability import fit

    x, y, asks = [], [], []
    for it in items:
        for ar in rows_by_item[it.id]:
            x += ar.rows
            y += ar.labels
            if it.answerable and ar.rows:
                asks.append(ar.rows)
    return fit(x, y, asks)


def run(engine, train_items: list[EvalItem], scored_items: list[EvalItem], progress: bool = False) -> dict:
    rows = {it.id: question_rows(engine, it) for it in {i.id: i for i in train_items + scored_items}.values()}
    docs = sorted({d for it in scored_items for d in fold_of(it)})
    answers: dict[str, dict] = {}
    per_doc, thresholds = {}, {}
    base = engine.model
    for d in docs:
        held = [it for it in scored_items if fold_of(it) and fold_of(it)[0] == d]
        training = [it for it in train_items if d not in fold_of(it)]
        engine.model = train(rows, training)
        thresholds[d] = engine.model.threshold
        got = run_answers(held, engine.ask, progress=progress)
        answers.update(got)
        per_doc[d] = evaluate(held, got).metrics["answers"]["overall"]
    unfolded = [it for it in scored_items if not fold_of(it)]  # no document at all: trained on everything
    if unfolded:
        engine.model = train(rows, train_items)
        answers.update(run_answers(unfolded, engine.ask, progress=progress))
    engine.model = base
    retrieved = run_retrieval(scored_items, lambda q, k: engine.index.search(q, k=k), k=10, progress=progress)
    res = evaluate(scored_items, answers, retrieved)
    overall = res.metrics["answers"]["overall"]
    retrieval = res.metrics["retrieval"]["overall"]
    return {"overall": {**{k: overall[k] for k in HEADLINE}, "n": overall["n"],
                        "hit@5": retrieval.get("recall@5"), "mrr@10": retrieval.get("mrr@10")},
            "per_doc": {d: {k: m.get(k) for k in (*HEADLINE, "n")} for d, m in per_doc.items()},
            "thresholds": thresholds, "rows": res.rows}


def table(result: dict, titles: dict[str, str]) -> str:
    cols = ("keyword_accuracy", "false_refusal_rate", "correct_refusal_rate", "citation_precision")
    head = "| fold (held-out document) | n | keyword acc. | false refusals | correct refusals | citations gold |"
    lines = [head, "|---|---|---|---|---|---|"]

    def cell(v) -> str:
        return "–" if v is None else f"{v:.2f}"

    for d, m in result["per_doc"].items():
        lines.append(f"| {titles.get(d, d)[:24]} | {m['n']} | " + " | ".join(cell(m[c]) for c in cols) + " |")
    o = result["overall"]
    lines.append(f"| **all (LODO)** | {o['n']} | " + " | ".join(f"**{cell(o[c])}**" for c in cols) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from planqa.index import open_index
    from planqa.qa.answerability import MODEL_FILE, Model
    from planqa.qa.engine import Engine
    from planqa.qa.features import FEATURES
    from planqa.settings import Settings

    p = argparse.ArgumentParser(prog="python -m planqa.eval.lodo", description=__doc__.split("\n\n")[0])
    p.add_argument("--thesaurus", choices=("cilin", "cnsyn", "none"), default=None)
    p.add_argument("--save", action="store_true", help=f"train on every fold and write {MODEL_FILE.name}")
    p.add_argument("--out", type=Path, default=None, help="write lodo.json + lodo.md here")
    p.add_argument("--sets", nargs="*", type=Path, default=None, help="question sets (default: paraphrase_*.jsonl)")
    args = p.parse_args(argv)
    settings = Settings.from_env() if hasattr(Settings, "from_env") else Settings()
    if args.thesaurus:
        settings = settings.with_(thesaurus=args.thesaurus)
    try:  # the folds retrain anyway; the stored model only serves as the engine's starting point
        neutral = Model.load(MODEL_FILE) if MODEL_FILE.exists() else None
    except ValueError:  # the code's features changed since the file was written
        neutral = None
    if neutral is None:  # first training run
        neutral = Model(list(FEATURES), [0.0] * len(FEATURES), [1.0] * len(FEATURES), [0.0] * len(FEATURES), 0.0, 0.5)
    engine = Engine(settings, open_index(settings), model=neutral)
    engine.warm_up()
    scored = [it for path in (args.sets or PARAPHRASE_SETS) for it in load_dataset(path)]
    train_items = scored + load_dataset(DEV_SET)
    result = run(engine, train_items, scored)
    titles = {d: engine.catalog.title(d) for d in result["per_doc"]}
    md = table(result, titles)
    print(md)
    print(json.dumps(result["overall"], ensure_ascii=False))
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "lodo.json").write_text(json.dumps({k: v for k, v in result.items() if k != "rows"},
                                                       ensure_ascii=False, indent=1), encoding="utf-8")
        with (args.out / "per_question.jsonl").open("w", encoding="utf-8") as fh:
            for r in result["rows"]:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        (args.out / "lodo.md").write_text(md + "\n", encoding="utf-8")
    if args.save:
        rows = {it.id: question_rows(engine, it) for it in {i.id: i for i in train_items}.values()}
        model = train(rows, train_items)
        model.folds = {"overall": result["overall"], "per_doc": result["per_doc"],
                       "thesaurus": settings.thesaurus, "median_fold_threshold":
                       statistics.median(result["thresholds"].values()) if result["thresholds"] else None}
        model.trained_on = [p.name for p in (args.sets or PARAPHRASE_SETS)] + [DEV_SET.name]
        model.save(MODEL_FILE)
        print(f"wrote {MODEL_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
