"""A question's asks: split on generic clause boundaries, each with its answer type, years and unit.

Only how Chinese questions are formed lives here (question words, plan periods, units); nothing is keyed
to the wording of a plan. The shared subject (places, 《title》) is carried into every ask.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from planqa.corpus.periods import ORDINAL, ordinal_period

# The question forms: each answer type with the words that ask for it; the first that matches wins ("哪一章"
# and "文号" questions say "什么" too). Used for every ask and, through `question_type`, for the question.
HEADING_REF = re.compile(r"第[一二三四五六七八九十百\d]+[章节篇]|(?<![\u4e00-\u9fff])[一二三四五六七八九十]+、")
_METADATA = re.compile(r"文号|发文字号|文件字号|发文机关|印发|发布|公布|成文|哪[个些家](?:部门|单位|机关)(?=[^，,？?]{0,6}?(?:发|印|制定|出台|颁布))|哪一?天|日期|(?:什么|啥)时候(?:印发|发布|出台|发|公布)|发文|"
                       r"标题|全称|制定机关|施行")
# "哪个更高 / 哪边多 / 谁定得最高 / 是不是一样": a comparison of the figures the other asks cite.
_WHICH = re.compile(r"(?:哪(?:个|边|家|里|方|一方|一个|地)|谁)(?:地方|地区|省|市|文件|规划|的目标|的任务|定得|的)?"
                    r"(?:更|最|比较)?[高低多少大小快慢强弱早晚]|孰|(?:是不是|是否)一样|一样吗|相同吗")
FORMS: list[tuple[str, re.Pattern]] = [
    ("chapter", re.compile(r"哪一?[章节篇部]|第几[章节部]|哪个(?:章节|部分)|哪一部分|什么章节|" + HEADING_REF.pattern)),
    ("metadata", _METADATA),
    ("which", _WHICH),
    ("number", re.compile(r"多少|多大(?:比例|规模|比重)|几[个所家项名万亿条套次位%门场]|(?<![近这前头])几[年天]|比例|比重|占比|百分|目标值|数值|人数|个数|"
                          r"[高低多]于?多少|达到?几|几成")),
    ("measure", re.compile(r"措施|举措|怎么|如何|怎样|哪些|做法|途径|办法|路径|干什么|做什么|干啥|打算|手段|什么样")),
]
# Words that ask; topic words of the forms above (印发, 措施, 比例) name what is asked but ask nothing alone.
_ASK_WORD = re.compile(r"什么|多少|多大|多长|几|哪|谁|啥|如何|怎么|怎样|是否|是不是|有没有|吗|何时|孰|呢$")
# "…多大比例？到2025年呢？": a clause that only names a new period or subject asks the previous ask again.
_ELLIPSIS = re.compile(r"呢$")
# Where an ask ends: a sentence end, a semicolon, or a comma before a connective or another question.
_BREAK = re.compile(r"[？?；;！!。]+|[，,]\s*(?=另外|此外|同时|还有|并且|以及|再|那么|其中|顺便|而且)|[，,]")
_CONNECTIVE = re.compile(r"^(?:另外|此外|同时|还有|并且|以及|再|那么|顺便|而且)[，,]?")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
# The past said in words; a year or plan before a document's period is past too (`features.tense_in`).
_PAST = re.compile(r"截至|截止|已经|现有|目前|过去|近[几五]年|以来|基数|基期|原来|当时|之前|上一?个?五年|上一?轮|累计")
# The unit a number ask expects, from generic measure words (a share, people, money, places, items).
_UNITS = [("%", re.compile(r"比例|比重|占比|百分|率|几成|占[^，,？?]{0,8}?(?:多少|几)")),
          ("元", re.compile(r"多少钱|经费|资金|投入|亿元|万元|金额|补贴|补助")),
          ("人", re.compile(r"多少(?:个)?人|几个人|人数|多少名|几名|多少位|几位|人才|人员|学生|教师|劳动者|毕业生|工人")),
          ("所", re.compile(r"几所|多少所|学校|院校|高校")), ("个", re.compile(r"几个|多少个|多少家|几家|多少项|几项")),
          ("张", re.compile(r"几张|多少张"))]
FIELDS = [("doc_number", re.compile(r"文号|字号|发文号|编号")),
          ("issuer", re.compile(r"哪[个些家](?:部门|单位|机关)|什么(?:部门|单位|机关)|发文机关|制定机关|谁(?:发|印|制定|出)")),
          ("date", re.compile(r"日期|哪一?天|(?:什么|啥)时候|何时|哪一?年|哪一?月|几月|几号|时间")),
          ("title", re.compile(r"标题|全称|名称|叫什么"))]


@dataclass
class Ask:
    """One thing the question asks for; a question with two asks gets two answers."""

    text: str  # the ask with the question's subject carried in
    qtype: str = "general"  # number | measure | metadata | chapter | which | general
    years: list[str] = field(default_factory=list)  # years asked (十四五 → 2025)
    tense: str = ""  # past | target | ""
    unit: str = ""  # the unit a number ask expects ("%", "人", "元", …)
    fields: list[str] = field(default_factory=list)  # metadata fields asked, in order
    others: list[str] = field(default_factory=list)  # the question's other asks: their passages are candidates too
    refers: bool = False  # "…多少？写在哪一章？": a where naming no topic, asking where the ask before is answered


def ask_type(text: str) -> str:
    """The answer type of one ask: the first form of `FORMS` it uses (metadata only with a field named)."""
    for qtype, rx in FORMS:
        if rx.search(text) and (qtype != "metadata" or metadata_fields(text)):
            return qtype
    return "general"


def question_type(question: str, n_docs: int) -> str:
    """The whole question's type: a comparison when it names several documents, else its form."""
    return "comparison" if n_docs >= 2 else ask_type(question)


def metadata_fields(text: str) -> list[str]:
    found = sorted((m.start(), name) for name, rx in FIELDS for m in [rx.search(text)] if m)
    return list(dict.fromkeys(name for _, name in found))


def periods_of(text: str) -> tuple[list[str], str]:
    """Years asked (a plan period counts as its end year: 十四五 → 2025) and whether the past is said."""
    years = [ordinal_period(m.group(1))[1] for m in ORDINAL.finditer(text)] + _YEAR.findall(text)
    tense = "past" if _PAST.search(text) else "target" if years else ""
    return list(dict.fromkeys(years)), tense


def unit_of(text: str) -> str:
    return next((u for u, rx in _UNITS if rx.search(text)), "")


def split_asks(question: str) -> list[str]:
    """The clauses that each hold a question word; a clause without one joins the next (or the last)."""
    parts = [p.strip(" ，,") for p in _BREAK.split(question) if p and p.strip(" ，,")]
    asks: list[str] = []
    pending = ""
    for p in parts:
        p = _CONNECTIVE.sub("", p)
        if _ASK_WORD.search(p):
            asks.append(pending + p)
            pending = ""
        else:
            pending += p + "，"
    if pending:
        asks = asks[:-1] + [asks[-1] + "，" + pending.rstrip("，")] if asks else [pending.rstrip("，")]
    if len(asks) > 1 and all(ask_type(a) == "metadata" for a in asks):
        return ["，".join(asks)]  # "文号和日期" in two clauses is still one lookup of several fields
    return asks or [question]


def asks_of(question: str, subject: list[str]) -> list[Ask]:
    """Every ask of `question`; `subject` (places, 《titles》 it names) is prefixed to asks that lack it,
    and a period said once holds for every ask."""
    q_years, q_tense = periods_of(question)
    out: list[Ask] = []
    for text in split_asks(question):
        if out and _ELLIPSIS.search(text):  # the previous ask, in this clause's period or subject
            own = _ELLIPSIS.sub("", text)
            prev = out[-1]
            ask = Ask(text=f"{prev.text}，{own}", qtype=prev.qtype, unit=prev.unit, fields=list(prev.fields))
            ask.years, ask.tense = periods_of(own)
            if not ask.years:
                ask.years, ask.tense = prev.years, prev.tense
            out.append(ask)
            continue
        missing = [s for s in subject if s not in text]
        full = "".join(missing) + text if missing else text
        ask = Ask(text=full, qtype=ask_type(text), unit=unit_of(text))
        ask.years, ask.tense = periods_of(text)
        if not ask.years:
            ask.years, ask.tense = q_years, ask.tense or q_tense
        if ask.qtype == "metadata":
            ask.fields = metadata_fields(text)
        out.append(ask)
    which = next((i for i, x in enumerate(out) if x.qtype == "which"), 0)
    for x in out[:which]:  # "…分别要做到多大？谁更多？": a comparison is of figures, so the asks it compares ask for them
        x.qtype = "number" if x.qtype == "general" else x.qtype
    if out and not any(x.qtype == "number" for x in out) and out[0].qtype == "which":
        # "…的分成下限，甲和乙是不是一样？": the figures to compare are asked in the same clause
        out.insert(0, Ask(text=out[0].text, qtype="number", years=out[0].years, tense=out[0].tense,
                          unit=out[0].unit))
    searched = [x.text for x in out if x.qtype not in ("which", "metadata")]
    for x in out:  # asks of one question share a topic: one ask's passage often answers the next
        x.others = [t for t in dict.fromkeys(searched) if t != x.text]
    return out
