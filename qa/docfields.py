"""The fields of a government document a question may ask for, and whether a document carries them.

The list is the element schema of Chinese official documents (GB/T 9704《党政机关公文格式》: 发文字号, 签发人,
成文日期, 主题词, 抄送机关, 印发份数, …) plus what a plan notice prints (施行日期, 有效期, 联系人) — not the wording
of any plan. Fields the `corpus.models.Document` record holds (文号, 发文机关, 日期, 标题) are read off the record
(`lookups.py`); any other field a document carries only where its own text prints the field's label, so a
passage about something else never answers "签发人是谁".
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class DocField:
    label: str  # how an answer names the field
    asked: re.Pattern  # how a question names it
    printed: re.Pattern | None = None  # how a document's text prints it (None: a record field)
    record: str = ""  # the Document attribute holding it
    strict: bool = True  # a document that never prints it is refused (False: answered like any question)


# The fields the Document record holds, as an answer names them.
RECORD_LABELS = {"doc_number": "文号", "issuer": "发文机关", "date": "印发日期", "title": "标题"}


def _f(label: str, asked: str, printed: str | None = None, record: str = "", strict: bool = True) -> DocField:
    return DocField(label, re.compile(asked), re.compile(printed) if printed else None, record, strict)


# (label, how a question names it, how a document's text prints it: its label or the formula stating it)
FIELDS = (
    _f("签发人", r"签发人|谁签发|签发的?(?:领导|人)|谁签的", r"签发人"),
    _f("主题词", r"主题词", r"主题词"),
    _f("抄送机关", r"抄送|抄[给报]", r"抄送"),
    _f("印发份数", r"印了?(?:多少|几)份|份数|印数", r"共印\s*\d+\s*份|印\s*\d+\s*份"),
    _f("联系人", r"联系人", r"联系人"),
    _f("联系电话", r"(?:联系|咨询)?电话", r"联系电话|电话[:：]\s*\d"),
    _f("施行日期", r"施行|生效|起实施", r"起施行|施行之日|施行日期|起生效"),
    _f("有效期", r"有效期", r"有效期"),
    _f("密级", r"密级", r"密级"),
    _f("紧急程度", r"紧急程度", r"特急|加急|紧急程度"),
    # a plan's preamble elements: its basis documents and its period, printed as a formula ("根据《…》…制定本规划",
    # "规划期为…"); a plan without the formula may still say it otherwise, so the question is answered as usual
    _f("编制依据", r"(?:依据|根据|参照|依照|按照|照着)[^，,？?]{0,8}(?:哪|什么|啥)[^，,？?]{0,6}(?:文件|规划|纲要)|"
                   r"(?:哪|什么|啥)[^，,？?]{0,8}(?:为|作为)(?:依据|根据)|上位(?:文件|规划)|上级(?:文件|规划)|(?:编制|制定|规划)依据",
       r"(?:根据|依据|依照|按照)[^。；]{0,6}《[^》]{4,}》[^。]{0,200}?(?:编制|制定|制订)|(?:编制|制定|规划)依据",
       strict=False),
    _f("规划期限", r"规划期限?(?:是|为)?(?:哪|多|几)|管(?:哪|几)[几些]?年|(?:覆盖|涵盖)(?:哪|几)[几些]?年|时间跨度|"
                   r"(?:展望|远期)(?:到|至)?(?:哪|几)",
       r"规划期限?(?:为|是|：|:)|(?:展望|远景)(?:到|至)\s*(?:19|20)\d{2}", strict=False),
    # the record's date, asked with a verb of issuing the ask grammar may not know ("哪年哪月正式下发")
    _f(RECORD_LABELS["date"],
       r"(?:哪年|哪月|哪天|何时|什么时候|啥时候|日期|时间)[^，,？?]{0,6}(?:下发|下达|印发|发布|出台)|"
       r"(?:下发|下达|出台)[^，,？?]{0,4}(?:日期|时间|哪年|哪月|哪天)", record="date"),
)


def asked_fields(text: str) -> list[DocField]:
    """The document fields an ask names, in the order it names them."""
    hits = sorted((m.start(), i) for i, f in enumerate(FIELDS) for m in [f.asked.search(text)] if m)
    return [FIELDS[i] for _, i in hits]


def unprinted(fields: list[DocField], text: str) -> list[DocField]:
    """Those strict non-record fields the document's text never prints."""
    return [f for f in fields if f.strict and f.printed is not None and not f.printed.search(text)]
