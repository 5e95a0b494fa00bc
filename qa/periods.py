"""An ask's tense in a document's period; the periods themselves are the documents' (`planqa.corpus.periods`).

A question only says which years it asks; the tense is resolved per candidate document.
"""

from __future__ import annotations

from planqa.corpus.periods import ORDINAL, Period, cues, doc_period, frame, ordinal_name, ordinal_period

__all__ = ["ORDINAL", "Period", "cues", "doc_period", "frame", "ordinal_name", "ordinal_period", "tense_in"]


def tense_in(tense: str, years: list[str], period: Period | None) -> str:
    """An ask's tense in a plan of `period`: past when it says so or asks a year before the period."""
    if tense == "past" or (period and any(y < period[0] for y in years)):
        return "past"
    return tense
