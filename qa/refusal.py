"""How to say "文件中未找到", and why, in words a user understands: the period, place, figure or field the
plan does not give, or that the corpus has no such plan — never fragments of the question — followed by
the nearest passages found."""

from __future__ import annotations

from typing import TYPE_CHECKING

from planqa.corpus.periods import Period, doc_period, ordinal_name
from planqa.qa.analysis import Analysis
from planqa.qa.draft import display_title, short, where
from planqa.qa.features import STRICT_UNITS
from planqa.qa.models import Answer

if TYPE_CHECKING:
    from planqa.index.catalog import Catalog
    from planqa.qa.answerer import Scored
    from planqa.qa.asks import Ask

NOT_FOUND = "文件中未找到"
_NEAREST = 2
NEAREST = "最接近的段落："


def scope_refusal(a: Analysis) -> str:
    """A reason when the question names something the corpus does not contain, else ""."""
    if a.unknown_titles and not a.named:  # documents found by a keyword are not the one the title names
        return f"语料库中没有《{a.unknown_titles[0]}》这份文件。"
    if a.unknown_places and not a.places and not a.named:
        return f"语料库中没有{'、'.join(a.unknown_places)}的规划。"
    return ""


def ask_reason(ask: Ask, scored: Scored, subplaces: list[str], catalog: Catalog, scope: list[str] | None) -> str:
    """Why this ask has no answer (judged on its five best candidates), and the nearest passages."""
    top = scored.items[:5]
    doc = (scope or [None])[0] if scope and len(scope) == 1 else (top[0].chunk.doc_id if top else None)
    title = f"《{display_title(catalog.title(doc))}》" if doc else "所检索的文件"
    f = [c.features for c in top]
    if not top:
        reason = "没有检索到相关段落。"
    elif (unseen := [p for p in subplaces if not catalog.mentions(p, min_chunks=1)]) and not scope:
        reason = f"语料库中没有关于{'、'.join(unseen)}的内容（没有哪份文件提到它）。"
    elif subplaces and all(x["place_fit"] == 0 for x in f):
        reason = f"{title}没有单独给出{'、'.join(subplaces)}的内容（规划没有细分到这一地区）。"
    elif ask.years and all(x["year_fit"] == 0 for x in f):
        period = doc_period(catalog.title(doc)) if doc else None
        what = "目标数字" if ask.qtype in ("number", "which") else "目标或安排"
        upto = f"只写到{period[1]}年，" if period else ""
        reason = f"{title}{upto}没有{'、'.join(y + '年' for y in ask.years)}的{what}。"
    elif top[0].tense == "past" and all(x["tense_fit"] == 0 for x in f):
        reason = f"{title}只给出了规划期的目标，没有给出过去{_before(top[0].frame)}的数字。"
    elif ask.qtype in ("number", "which") and all(
            x["type_fit"] == 0 or (ask.unit in STRICT_UNITS and x["unit_fit"] == 0) for x in f[:3]):
        reason = f"{title}没有给出该指标的具体数值，只有定性要求。"
    else:
        reason = f"{title}中没有能直接回答这一问的内容。"
    return reason + nearest_passages([c for i, c in enumerate(top) if c.text not in {x.text for x in top[:i]}], catalog)


def nearest_passages(items: list, catalog: Catalog) -> str:
    """"最接近的段落：…" for the first distinct candidates or hits (anything with .chunk and .text)."""
    near = [f"{' › '.join(x for x in (display_title(catalog.title(c.chunk.doc_id)), where(c.chunk)) if x)}："
            f"{short(getattr(c, 'text', None) or c.chunk.text, 60)}" for c in items[:_NEAREST]]
    return f"{NEAREST}{'；'.join(near)}" if near else ""


def _before(period: Period | None) -> str:
    """“（“十三五”期间或2020年）” for a 2021–2025 plan: the past in the plan's own terms."""
    if not period:
        return ""
    prev = ordinal_name(int(period[0]) - 1)
    return f"（“{prev}”期间或{int(period[0]) - 1}年）" if prev else f"（{int(period[0]) - 1}年及以前）"


def refusal(question: str, reason: str, mode: str = "extractive") -> Answer:
    return Answer(question=question, answer=f"{NOT_FOUND}：{reason}", refused=True, refusal_reason=reason, mode=mode)
