"""Optional: ragas' non-LLM context metrics on the same retrieval run, for comparison with ours.

ragas is not a project dependency: its pins (openai 1.x, langchain-community < 0.4, rich 13) clash
with the project's, so it lives in a separate folder (`pip install --target DIR ragas==0.4.3
"langchain-community<0.4"`) named by PLANQA_RAGAS_PATH, and runs in a subprocess with that folder
first on sys.path. Without it the metrics are skipped with a note.

Metrics (ragas 0.4): NonLLMContextRecall (share of reference contexts whose best string similarity
to a retrieved context reaches 0.5) and NonLLMContextPrecisionWithReference (average precision of
retrieved contexts, a context counting as relevant when similar enough to a reference). Similarity
is Levenshtein-based over whole strings, so a 15-character quote inside a 400-character chunk scores
low — which is why our own metrics use containment instead. A second variant splits the retrieved
chunks into sentences first (`*_sentence_split`), which brings the string lengths closer.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

ENV_PATH = "PLANQA_RAGAS_PATH"
_SPLIT = re.compile(r"(?<=[。！？；;\n])")


def _score(rows: list[dict]) -> dict:
    import asyncio

    from ragas.dataset_schema import SingleTurnSample
    from ragas.metrics import NonLLMContextPrecisionWithReference, NonLLMContextRecall

    recall, precision = NonLLMContextRecall(), NonLLMContextPrecisionWithReference()

    async def run(key: str) -> tuple[list[float], list[float]]:
        rs, ps = [], []
        for r in rows:
            s = SingleTurnSample(user_input=r["question"], retrieved_contexts=r[key] or [""],
                                 reference_contexts=r["reference"])
            rs.append(float(await recall.single_turn_ascore(s)))
            ps.append(float(await precision.single_turn_ascore(s)))
        return rs, ps

    import ragas

    out: dict = {"ragas_version": ragas.__version__, "n": len(rows)}
    for key, suffix in (("retrieved", ""), ("sentences", "_sentence_split")):
        rs, ps = asyncio.run(run(key))
        out[f"non_llm_context_recall{suffix}"] = sum(rs) / len(rs) if rs else None
        out[f"non_llm_context_precision_with_reference{suffix}"] = sum(ps) / len(ps) if ps else None
    return out


def _sentences(texts: list[str]) -> list[str]:
    return [s.strip() for t in texts for s in _SPLIT.split(t) if len(s.strip()) >= 4]


def ragas_retrieval_metrics(items, retrieved, k: int = 10, timeout: float = 900) -> dict:
    """Run the ragas metrics in a subprocess; returns the metrics or {"note": why not}."""
    rows = [{"question": it.question, "retrieved": retrieved[it.id].texts[:k],
             "sentences": _sentences(retrieved[it.id].texts[:k]), "reference": it.quotes}
            for it in items if it.answerable and it.quotes and it.id in retrieved]
    if not rows:
        return {"note": "no answerable questions with retrieval results"}
    env = dict(os.environ)
    extra = env.get(ENV_PATH, "")
    if extra:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (extra, env.get("PYTHONPATH", "")) if p)
    try:
        proc = subprocess.run([sys.executable, "-m", "planqa.eval.ragas_metrics"], input=json.dumps(rows),
                              capture_output=True, text=True, env=env, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return {"note": f"ragas skipped: {exc}"}
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["unknown error"])[-1]
        return {"note": f"ragas skipped ({last}); set {ENV_PATH} to a folder with ragas installed"}
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["note"] = (f"ragas {out.get('ragas_version')} on the same top-{k} retrieval results, gold quotes as "
                   "reference contexts; *_sentence_split: the retrieved chunks split into sentences. ragas "
                   "matches by whole-string similarity (>= 0.5), not containment, so it is not comparable "
                   "1:1 with Recall@k")
    return out


def main() -> int:
    rows = json.loads(sys.stdin.read())
    print(json.dumps(_score(rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
