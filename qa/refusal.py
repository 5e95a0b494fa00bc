"""When to say "文件中未找到", and how to say why.

Evidence strength is the IDF-weighted share of the question's content terms found in the best
supporting sentence together with its chunk's heading path (see extractive.score_sentences).
The threshold below was calibrated on eval/data/dev.jsonl with `python -m planqa.qa.calibrate`:
it is the value that keeps false refusals on answerable questions ≤ 5 % while refusing the most
unanswerable ones (see docs in qa/README.md).
"""

from __future__ import annotations

from planqa.qa.analysis import Analysis
from planqa.qa.models import Answer

NOT_FOUND = "文件中未找到"
MIN_EVIDENCE = 0.52  # calibrated on the dev set; see module doc


def scope_refusal(a: Analysis) -> str:
    """A reason when the question names something the corpus does not contain, else ""."""
    if a.unknown_titles and not a.doc_ids:
        return f"语料中没有《{a.unknown_titles[0]}》这份文件。"
    if a.unknown_places and not a.places and not a.doc_ids:
        return f"语料中没有关于{'、'.join(a.unknown_places)}的规划文件。"
    return ""


def weak_evidence_reason(missing: list[str]) -> str:
    if missing:
        return f"所检索到的段落未提及“{'”“'.join(missing[:3])}”，证据不足。"
    return "所检索到的段落与问题不够相关，证据不足。"


def refusal(question: str, reason: str, mode: str = "extractive") -> Answer:
    return Answer(
        question=question,
        answer=f"{NOT_FOUND}：{reason}",
        refused=True,
        refusal_reason=reason,
        mode=mode,
    )
