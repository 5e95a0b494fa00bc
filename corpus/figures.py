"""The figures of a plan's sentences and the words that name each one's indicator.

"企业经营管理人才、专业技术人才、高技能人才分别达到□万人、3.4万人、10.3万人": which figure belongs to which
label is a fact about the text (Chinese list and clause grammar), not about a question; `qa.features` scores
how well a question names each label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from planqa.corpus.headings import LIST_ITEM as _ENUM  # "1." is a list item, "1.5万" a figure
from planqa.corpus.periods import Period, cues
from planqa.corpus.terms import bigrams

# A figure: a number with a unit (years and list enumerators are no figures).
# Units: counters and the common measures of area, length, weight and things (亩, 公里, 吨, 台…): plain Chinese.
FIGURE = re.compile(r"(\d+(?:\.\d+)?)\s*((?:[万亿])?(?:人次|人|元|所|个|家|项|名|套|次|张|件|位|门|场|天|平方米|平方公里"
                    r"|公顷|亩|公里|千米|米|吨|台|座|条|户|辆|册|批|处|栋|床|支|届|周)|%|‰|倍|小时|万|亿|年限?)")
_YEAR_ONLY = re.compile(r"^(?:19|20)\d{2}$")


def _figure_matches(text: str) -> tuple[str, list[re.Match]]:
    """The text without its list enumerator, and its figures (years left out)."""
    body = _ENUM.sub("", text)
    return body, [m for m in FIGURE.finditer(body) if not (m.group(2).startswith("年") and _YEAR_ONLY.match(m.group(1)))]


def figures(text: str) -> list[tuple[str, str]]:
    """(value, unit) of every figure in `text`, years and enumerators left out."""
    return [(m.group(1), m.group(2)) for m in _figure_matches(text)[1]]


_SEGMENT = re.compile(r"[，,；;。：:]| · ")  # a figure's label never crosses a clause end (or a table path step)
_ITEM = re.compile(r"[、和及与]")  # the items of a list: "A、B和C分别达到X、Y、Z"
# What names no indicator: years, plan names, tense cues and "from X to Y" verbs. A figure labelled by these
# alone ("…增至“十四五”目标12万人", a table row's "2020年基数8.5万人") is the figure of the label before it.
NAMELESS = re.compile(r"(?:19|20)\d{2}年?[底末]?|十[一二三四五六七八九]五|[^\u4e00-\u9fff]|时期|期末|期间|目标|基数|基期|预期性|"
                      r"约束性|由|从|[增提扩]\w?[至到]|增长|增加|提高|提升|扩大|发展到|达到?|到|为|至|的|年|末|底|力争|争取|预计|"
                      r"计划|其中|以上|左右|以内|超过|不低于|[控保稳][制持定]在|全[市省国县]")
_TRAIL = re.compile(r"[^，,；;。：:·、（(]*")  # the noun a quantifier precedes: "打造1-2个光机电劳务品牌"


@dataclass(frozen=True)
class Fig:
    """One figure of a sentence and the words that name its indicator ("" : only its headings do)."""

    value: str
    unit: str
    label: str
    tense: str  # of its nearest preceding cue: past | target | ""


def _nameless(label: str) -> bool:
    return len(NAMELESS.sub("", label)) < 2


def _listed(body: str, seg: int, pos: int) -> str | None:
    """The label of the figure at `pos` in a "分别" clause: the n-th name of the list before 分别 for the
    n-th item after it (the whole list when the counts differ), or after a lone subject the n-th name that
    follows 分别 and its verb; None outside such a clause."""
    end = _SEGMENT.search(body, pos)
    clause = body[seg: end.start() if end else len(body)]
    k = clause.find("分别")
    if k < 0 or seg + k > pos:
        return None
    names = [x for x in _ITEM.split(clause[:k]) if x.strip()]
    if len(names) <= 1:  # "分别给予A、B、C X、Y、Z": the names follow 分别 and its verb, the figures after them
        figs = [m.start() for m in _figure_matches(clause[k:])[1]]
        after = [x for x in _ITEM.split(clause[k + 2: k + figs[0]]) if x.strip()] if figs else []
        if len(figs) > 1 and len(after) == len(figs) and pos - seg - k in figs:
            return after[figs.index(pos - seg - k)]
    items = [m.end() for m in _ITEM.finditer(clause, k)]
    i = sum(seg + e <= pos for e in items)
    return names[i] if len(names) == len(items) + 1 and len(names) > 1 else clause[:k]


def figure_labels(text: str, frame: Period | None = None) -> list[Fig]:
    """Every figure of a sentence with its label: in a "分别" list the name in the same place, else the words
    between the clause start (or the previous figure) and it — "A达到X，B达到Y" gives X to A, Y to B."""
    body, found = _figure_matches(text)
    past_cue, target_cue = cues(frame)
    marks = sorted([(x.end(), "past") for x in past_cue.finditer(body)] + [(x.end(), "target") for x in target_cue.finditer(body)])
    bounds = [0, *(x.end() for x in _SEGMENT.finditer(body))]
    out: list[Fig] = []
    last = 0
    for i, m in enumerate(found):
        seg = max(b for b in bounds if b <= m.start())
        label = _listed(body, seg, m.start())
        if label is None:
            stop = found[i + 1].start() if i + 1 < len(found) else len(body)
            label = body[max(seg, last): m.start()] + _TRAIL.match(body, m.end(), stop).group(0)
        if _nameless(label):  # the label before it: the previous figure's, else the clause before
            label = out[-1].label if out else body[max((b for b in bounds if b < seg), default=0): seg]
        elif label.startswith("占") and out:  # "A达到X，占B的Y%": a share of the indicator before it
            label = out[-1].label + label
        kind = max((k for k in marks if k[0] <= m.start()), default=(0, ""))[1]
        out.append(Fig(m.group(1), m.group(2), "" if _nameless(label) else label.strip("、，,；;：: "), kind))
        last = m.end()
    return out


def alike(labels: list[str], share: float = 0.0) -> bool:
    """Labels of one indicator: each pair shares a bigram, and `share` of the shorter's (years, cues and verbs
    aside) — 研发机构 is no 博士后工作站; share=0.5: the same wording, 科技进步贡献率 ~ 科技贡献率, not 科技创新团队."""
    grams = [g for x in labels if x and (g := bigrams(NAMELESS.sub(" ", x)))]
    return all(len(g & h) >= max(share * min(len(g), len(h)), 1) for i, g in enumerate(grams) for h in grams[i + 1:])
