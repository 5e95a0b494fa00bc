"""Five-year plan periods (五年规划), for any plan: the ordinal ↔ years by arithmetic (十四五 = 2021–2025,
十五五 = 2026–2030, …), a plan's period from its title (or its date), and which sentences of a plan of that
period state the past or a target.

"The past" is relative to the document: 2025 / 十四五末 is the base of a 十五五 plan and the target of a
十四五 plan. These are facts about documents; how a question's tense reads in them is `planqa.qa.features.tense_in`.
"""

from __future__ import annotations

import re
from functools import lru_cache

Period = tuple[str, str]  # (start year, end year)

ORDINAL = re.compile(r"十([一二三四五六七八九])五")  # 十一五 (2006–2010) … 十九五 (2046–2050)
_DIGITS = "一二三四五六七八九"
_RANGE = re.compile(r"((?:19|20)\d{2})\s*[—\-–~至到]\s*((?:19|20)\d{2})")
# Statements of a past period, and of targets, that hold for any plan …
_PAST_WORDS = r"截至|截止|累计|以来|已(?:经)?|基数|基期|期间(?:共|累计)"
_TARGET_WORDS = r"到(?:19|20)\d{2}|力争|达到|提高到|提升到|增加到|目标|预期性|约束性|不低于|超过"


def ordinal_period(digit: str) -> Period:
    """十<digit>五 → its years: the n-th plan ends in 1955 + 5n."""
    end = 1955 + 5 * (11 + _DIGITS.index(digit))
    return str(end - 4), str(end)


def ordinal_name(end_year: int) -> str:
    """The plan ending in `end_year` (2025 → 十四五); "" when none does."""
    n, rest = divmod(end_year - 1955, 5)
    return f"十{_DIGITS[n - 11]}五" if rest == 0 and 11 <= n <= 19 else ""


def doc_period(title: str) -> Period | None:
    """The years a plan covers, from its title (“十四五” → 2021–2025, “2021—2025年” …); None: unknown."""
    m = _RANGE.search(title) or ORDINAL.search(title)
    if not m:
        return None
    return (m.group(1), m.group(2)) if m.re is _RANGE else ordinal_period(m.group(1))


def frame(title: str, date: str = "") -> Period | None:
    """The period a document's past and targets are relative to: its title's, else the five-year plan
    it was issued in (a 2021 action plan reviews 2020)."""
    period = doc_period(title)
    if period or not date[:4].isdigit():
        return period
    end = int(date[:4]) + (1955 - int(date[:4])) % 5
    return str(end - 4), str(end)


@lru_cache(maxsize=64)
def cues(period: Period | None) -> tuple[re.Pattern, re.Pattern]:
    """(past, target) cues of a sentence in a plan of `period`: the previous plan and the year before the
    period count as the past, the plan's own name as a target."""
    past, target = _PAST_WORDS, _TARGET_WORDS
    if period:
        start, end = int(period[0]), int(period[1])
        past += f"|{start - 1}年(?:底|末)?" + (f"|{ordinal_name(start - 1)}" if ordinal_name(start - 1) else "")
        target += f"|{end}年" + (f"|{ordinal_name(end)}" if ordinal_name(end) else "")  # its last year is its target
    return re.compile(past), re.compile(target)
