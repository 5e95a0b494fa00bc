"""Indicators: the quantity a number question asks about, and how exactly a table row or a sentence
states that same quantity.

"济源市2025年高技能人才目标是多少？" asks for the indicator 高技能人才. A table row labelled
"3. 高技能人才（万人）" states it exactly; "新增高技能人才4.9万人次" states another indicator (新增…);
"技能人才占从业人员的比例" is another one again (…占…比例). The answerer leads with the exact match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from planqa.qa.terms import SYNONYMS

# Question words around the indicator: years, periods, asks, target verbs, glue.
_ASK = re.compile(
    r"[“”\"'《》「」]|(?:19|20)\d{2}\s*年?(?:底|末)?|十[三四五]五(?:时期|期间|期末|末)?|规划期末?|期末|"
    r"目标值?|预期|是多少|有多少|多少|几[个所家项名万条]|是什么|是几|要?(?:扩大|提高|提升|增加|增长|达到|控制|稳定|保持|实现|降低|减少|突破)"
    r"(?:到|至|在)?|截至|截止|到|要|将|计划|打算|力争|全市|全省|全县|目前|现在|现有|共有|一共|总共|有|为|是|"
    r"怎么|如何|[？?！!。，,、：:；;\s]")
_EDGE = re.compile(r"^[的了和与及在]+|[的了和与及中里呢吗啊]+$")
# Words that qualify an indicator into another one when the question does not say them.
MODIFIERS = ("新增", "累计", "年均", "每年", "培训", "新培养", "培养", "引进", "新引进", "开展", "取得", "其中")
_RATIO = re.compile(r"占|比重|比例|增长|增速|人均|每万|率")
# What may stand between an indicator and its figure ("高技能人才达到10.3万人").
_BRIDGE = re.compile(r"^[”’）)]?(?:总量|总数|人数|数量|规模|总规模)?(?:要|将|力争)?(?:由[^，。；]{0,12}?)?"
                     r"(?:达到|达|为|提高到|提升到|增加到|增长到|扩大到|突破|超过|稳定在|保持在|控制在|到|至)?"
                     r"(?:了)?\s*$")
_HARMLESS = ("全市", "全省", "全县", "全区", "全国", "我市", "我省", "城镇")
_HARMLESS_PREFIX = re.compile("(?:" + "|".join(_HARMLESS) + ")")
_ALL_LEVELS = re.compile(r"[\u4e00-\u9fa5]{1,2}(?:、[\u4e00-\u9fa5]{1,3})+")  # 高、中、初级: every level
_BOUNDARY = frozenset("的和及与、为达有从中占其对把将是在")
_GENERIC_TAIL = re.compile(r"(?:总量|总数|人数|数量|规模|总规模)$")
_NUMBERING = re.compile(r"^\s*(?:\d+\s*[.、．]\s*|[（(]\d+[)）]\s*)")
_UNIT = re.compile(r"\s*[（(]([^（）()]{1,8})[）)]\s*$")


def _runs(stripped_question: str) -> list[str]:
    runs = [_EDGE.sub("", r) for r in _ASK.split(stripped_question)]
    return [r for r in runs if len(r) >= 2 and re.search(r"[\u4e00-\u9fa5]", r)]


def indicator_phrase(stripped_question: str) -> str:
    """The noun phrase a number question asks about ("高技能人才", "学前教育毛入园率"), or ""."""
    runs = _runs(stripped_question)
    return max(runs, key=len) if runs else ""


def indicator_phrases(stripped_question: str) -> list[str]:
    """The phrase, plus its pieces joined when a period word split it ("技工院校十四五累计招生规模")."""
    runs = _runs(stripped_question)
    if not runs:
        return []
    out = [max(runs, key=len)]
    if len(runs) > 1:
        out.append("".join(runs))
    return out


def variants(phrase: str) -> list[str]:
    """The phrase and its spelled-out forms (技工 → 技能人才 / 技能劳动者)."""
    out = [phrase] if phrase else []
    for short, longs in SYNONYMS.items():
        if short in phrase:
            out.extend(phrase.replace(short, long) for long in longs)
    for v in list(out):
        core = _GENERIC_TAIL.sub("", v)
        if core != v and len(core) >= 2:
            out.append(core)
    return list(dict.fromkeys(out))


@dataclass(frozen=True)
class Row:
    """One indicator-table row: "表题 · 分组 · 3. 高技能人才（万人）：2020年 4.5；2025年 10.3；预期性"."""

    label: str  # "高技能人才" (numbering, "其中：" and unit removed)
    unit: str  # "万人", "%", or ""
    key: str  # the label without inner notes ("职业教育专科（含高专）在校生" → "职业教育专科在校生")
    cells: tuple[tuple[str, str], ...]  # (header, value) pairs: ("2020年", "4.5"), ("“十四五”目标", "12 万人")
    kind: str  # 预期性 | 约束性 | ""


def parse_row(text: str) -> Row | None:
    row = text.split(" · ")[-1].strip()
    head, sep, cells_text = row.rpartition("：")
    if not sep:
        return None
    label = _NUMBERING.sub("", head)
    label = re.sub(r"^其中[：:]\s*", "", label).strip()
    unit = ""
    m = _UNIT.search(label)
    if m:
        unit, label = m.group(1).strip(), label[: m.start()].strip()
    kind = ""
    cells = []
    for part in (p.strip() for p in re.split(r"[；;]", cells_text)):
        if not part:
            continue
        if part in ("预期性", "约束性"):
            kind = part
            continue
        vm = re.search(r"(?:[\[［]?\s*[<>＜＞≥≤]?\s*\d[\d.:]*(?:\s*[\]］])?\s*\S*|—|－|-)$", part)
        header = part[: vm.start()].strip() if vm else part
        value = part[vm.start():].strip() if vm else ""
        cells.append((header, value))
    key = re.sub(r"[（(][^（）()]*[）)]", "", label).strip()
    return Row(label, unit, key, tuple(cells), kind) if label else None


def label_match(phrase: str, label: str) -> float:
    """How exactly a row label names the asked indicator: 1 identical (up to 总量/人数…), 0.9 the label holds
    the phrase with harmless extra words, 0.2 the label qualifies it into another indicator, 0 unrelated."""
    best = 0.0
    for v in variants(phrase):
        if not v:
            continue
        core_l, core_v = _GENERIC_TAIL.sub("", label) or label, _GENERIC_TAIL.sub("", v) or v
        if core_l == core_v:
            return 1.0
        if core_v in label:
            prefix = label[: label.index(core_v)]
            rest = label.replace(core_v, "", 1)
            if prefix and not (_HARMLESS_PREFIX.fullmatch(prefix) or _ALL_LEVELS.fullmatch(prefix)) \
                    and prefix not in phrase:
                best = max(best, 0.4)  # 高技能人才 is a narrower indicator than 技能人才
            elif _other_indicator(rest, phrase):
                best = max(best, 0.2)
            else:
                best = max(best, 0.9 if len(_GENERIC_TAIL.sub("", rest)) <= 2 else 0.7)
        elif core_l in v and len(core_l) >= 3 and _HARMLESS_PREFIX.fullmatch(v.replace(core_l, "", 1) or "全市"):
            best = max(best, 0.9)  # "全市技能劳动者总量" asked, "技能劳动者总量" in the table
        elif not _other_indicator(label, v) or _RATIO.search(v):
            qb, lb = _bigrams(core_v), _bigrams(core_l)
            if qb and lb and len(qb & lb) / len(qb) >= 0.75 and len(qb & lb) / len(lb) >= 0.6:
                best = max(best, 0.7)  # the same words, worded a little differently (的比重 ~ 比例)
    return best


def _bigrams(s: str) -> set[str]:
    s = re.sub(r"[的之]", "", s)
    return {s[i: i + 2] for i in range(len(s) - 1)}


def _other_indicator(rest: str, phrase: str) -> bool:
    """True when the words around the phrase make it another quantity (新增…, …占比) the question did not ask."""
    if any(m in rest and m not in phrase for m in MODIFIERS):
        return True
    return bool(_RATIO.search(rest)) and not _RATIO.search(phrase)


def sentence_match(phrase: str, sentence: str) -> float:
    """1 when the sentence states the phrase itself followed closely by a figure; 0.5 when it names it without
    a figure next to it; 0.2 when it only names a qualified form (新增高技能人才…); 0 when it does not name it."""
    best = 0.0
    for v in variants(phrase):
        for m in re.finditer(re.escape(v), sentence):
            before = sentence[max(0, m.start() - 3): m.start()]
            if any(before.endswith(x) for x in MODIFIERS if x not in phrase):
                best = max(best, 0.2)
                continue
            prev = before[-1:]
            if (prev and "\u4e00" <= prev <= "\u9fff" and prev not in _BOUNDARY
                    and not any(before.endswith(h) for h in _HARMLESS)):
                best = max(best, 0.4)  # inside a longer word: 高技能人才 when 技能人才 was asked
                continue
            head = sentence[: m.start()]
            if head.count("（") + head.count("(") > head.count("）") + head.count(")"):
                best = max(best, 0.4)  # a member of a parenthesised list: the figure is the list's head's
                continue
            after = sentence[m.end(): m.end() + 14]
            dm = re.search(r"\d", after)
            if dm is None:
                best = max(best, 0.5)
                continue
            bridge = after[: dm.start()]
            if _RATIO.search(bridge) and not _RATIO.search(phrase):
                best = max(best, 0.2)
            elif _BRIDGE.match(bridge):
                return 1.0
            else:
                best = max(best, 0.5)
    return best


def split_value(value: str, unit: str) -> tuple[str, bool]:
    """"[0.4]" → ("0.4万人", True: a five-year cumulative figure); "12 万人" → ("12万人", False)."""
    v = re.sub(r"\s+", "", value)
    cumulative = v.startswith(("[", "［")) and v.endswith(("]", "］"))
    v = v.strip("[]［］")
    if unit and not re.search(r"[%％\u4e00-\u9fa5]$", v):
        v += "%" if unit in ("%", "％") else unit
    v = re.sub(r"^[>＞]", "", v) + ("以上" if v[:1] in ">＞" else "")
    return v, cumulative


def row_sentence(row: Row, lead_year: str = "") -> str:
    """A table row read as a sentence: "到2025年高技能人才达到10.3万人（2020年为4.5万人，预期性指标）".

    `lead_year` "2020" leads with the base-year figure instead of the target."""
    if "累计" in row.label:  # the label already says the figure is cumulative
        row = Row(row.label, row.unit, row.key, tuple((h, v.strip("[]［］ ")) for h, v in row.cells), row.kind)
    target = base = None
    for header, value in row.cells:
        if not value or value in ("—", "－", "-"):
            continue
        if re.search(r"2025|十四五|目标|期末", header):
            target = (header, value)
        elif re.search(r"20[12]\d|基数|现状", header):
            base = (header, value)
    if target is None and base is None:
        return ""
    notes = []
    if lead_year == "2020" and base is not None:
        v, cum = split_value(base[1], row.unit)
        year = re.search(r"20\d\d", base[0])
        text = f"{year.group(0) + '年' if year else ''}{row.label}{'累计' if cum else '为'}{v}"
        if target is not None:
            tv, tcum = split_value(target[1], row.unit)
            notes.append(f"“十四五”目标{'累计' if tcum else ''}{tv}")
    elif target is not None:
        v, cum = split_value(target[1], row.unit)
        year = re.search(r"20\d\d", target[0])
        when = f"到{year.group(0)}年" if year else "到“十四五”期末"
        verb = "五年累计" if cum else "达到" if _not_lower(target[1], base[1] if base else "") else "为"
        if year:
            text = f"{when}，{row.label}{verb}{v}"
        else:  # the table's own words: "…“十四五”目标为85%（2020年基数为72%…）"
            text = f"{row.label}{target[0]}{'五年累计' if cum else '为'}{v}"
        if base is not None:
            bv, bcum = split_value(base[1], row.unit)
            byear = re.search(r"20\d\d", base[0])
            head = base[0] if not year and byear else (byear.group(0) + "年" if byear else "基期")
            notes.append(f"{head}{'累计' if bcum else '为'}{bv}")
    else:
        v, cum = split_value(base[1], row.unit)
        year = re.search(r"20\d\d", base[0])
        text = f"{year.group(0) + '年' if year else ''}{row.label}{'累计' if cum else '为'}{v}"
    if row.kind:
        notes.append(f"{row.kind}指标")
    return text + (f"（{'，'.join(notes)}）" if notes else "")


def _not_lower(target: str, base: str) -> bool:
    """True unless the target figure is below the base one (then "达到" misreads: 91.1% → 90% "为")."""
    t, b = re.search(r"\d+(?:\.\d+)?", target), re.search(r"\d+(?:\.\d+)?", base)
    return not (t and b) or float(t.group(0)) >= float(b.group(0))
