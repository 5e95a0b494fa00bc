"""Evaluation: datasets (eval/data), retrieval and answer metrics, reports.

    planqa eval [--dataset eval/data/dev.jsonl] [--answers FILE] [--out DIR]

Modules: `dataset` (EvalItem, load_dataset), `textnorm` (how quotes are matched), `retrieval`
(Recall@k, MRR, nDCG), `grounding` (citations, supported sentences, numbers, keywords, refusals),
`runner` (run an engine/index or score an answers file), `report` (metrics.json, report.md, chart),
`ragas_metrics` (optional comparison with ragas' non-LLM metrics).
"""
