"""Question analysis: type, named places / documents / years, and the content terms to look for."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from planqa.corpus.places import named_places, place_alias, without_places
from planqa.corpus.terms import content_terms
from planqa.index.catalog import Catalog
from planqa.qa.asks import FIELDS, HEADING_REF, metadata_fields, question_type

_QUOTED_TITLE = re.compile(r"《([^》]{2,60})》")
# "<place>的…规划": the question asks for that place's own plan (same clause, a plan noun after the name).
_OWN_PLAN = r"[^，,。？?；;]{0,16}?(?:规划|计划|纲要|方案)"


@dataclass
class Analysis:
    question: str
    qtype: str = "general"  # comparison (several documents named) or `asks.FORMS`'s: number | measure | …
    doc_ids: list[str] = field(default_factory=list)  # documents the question names (places, titles)
    places: list[str] = field(default_factory=list)  # named places the corpus covers
    unknown_places: list[str] = field(default_factory=list)  # named places no document is about
    unknown_titles: list[str] = field(default_factory=list)  # 《…》 titles no document matches
    named: bool = False  # doc_ids come from a place or 《title》 the question names (not from a keyword)
    quoted: list[str] = field(default_factory=list)  # “…” names the question quotes (“三个百场”): one term each
    terms: list[str] = field(default_factory=list)  # content terms to find in the evidence
    fields: list[str] = field(default_factory=list)  # every metadata field asked ("哪个部门发的？什么时候？")
    field: str = ""  # for metadata questions: doc_number | issuer | date | title (the first asked)
    heading_ref: str = ""  # a heading label the question names: "第七章", "第二节", "四、"


def analyse(question: str, catalog: Catalog) -> Analysis:
    q = question.strip()
    a = Analysis(question=q)
    for alias in catalog.place_aliases():  # the corpus's own places, matched literally
        if alias in q and not any(alias in p for p in a.places):
            a.places.append(alias)
            a.doc_ids.extend(i for i in catalog.docs_for_place(alias) if i not in a.doc_ids)
    for name in named_places(q):
        if any(place_alias(name) in p or p in name for p in a.places):
            continue
        ids = catalog.docs_for_place(name)
        if ids:
            a.places.append(name)
            a.doc_ids.extend(i for i in ids if i not in a.doc_ids)
        # a place the corpus never mentions, or a sub-region's own plan ("洛阳市的就业规划"): not in the corpus;
        # one it mentions otherwise is a sub-region of a plan
        elif not catalog.mentions(place_alias(name), min_chunks=1) or re.search(re.escape(name) + _OWN_PLAN, q):
            a.unknown_places.append(name)
    a.named = bool(a.doc_ids)
    if len(a.places) > 1:  # answer in the order the question names them ("忻州和晋城…": 忻州 first)
        a.places.sort(key=lambda p: (q.find(place_alias(p)) % (len(q) + 1)))
        a.doc_ids = list(dict.fromkeys(i for p in a.places for i in catalog.docs_for_place(p)))
    for t in _QUOTED_TITLE.findall(q):
        doc_id = catalog.doc_for_title(t)
        own = catalog.places_of(doc_id) if doc_id else []
        if own and not any(p in q for p in own):  # 《“十四五”就业促进规划》 is no city's plan of that name
            doc_id = ""
        if doc_id:
            a.named = True
            if doc_id not in a.doc_ids:
                a.doc_ids.append(doc_id)
        else:
            a.unknown_titles.append(t)
    if not a.doc_ids and re.search(r"(?:国家|全国).{0,10}(?:规划|纲要)", q):  # "国家…规划": the national plan
        a.doc_ids.extend(catalog.national_docs())
    if not a.doc_ids:
        a.doc_ids.extend(catalog.docs_for_keywords(q))
    a.qtype = question_type(q, len(a.doc_ids))
    if a.qtype == "metadata":
        a.fields = metadata_fields(q)
        a.field = a.fields[0] if a.fields else ""
    m = HEADING_REF.search(q)
    a.heading_ref = m.group(0) if m else ""
    stripped = strip_form(q, a.places + a.unknown_places)
    a.quoted = quoted_terms(q)
    a.terms = list(dict.fromkeys([*a.quoted, *(t for t in content_terms(stripped)
                                                 if not any(t in x for x in a.quoted))]))
    if a.qtype == "metadata":  # "文号是?": the field asked is the form of the question, not its content
        a.terms = [t for t in a.terms if not any(rx.fullmatch(t) for _, rx in FIELDS)] or a.terms
    return a


# Question-form phrases; removed before term extraction so they never count as evidence.
_FORM = re.compile(r"哪一?[章节篇部](?:分)?|第几[章节部篇]|哪个(?:章节|部分)|什么(?:章节|部分)|在哪里?|是什么|是多少|"
                   r"有哪些|有什么|分别|各自|目标值?|规划里|规划中|文件中|文件里|这份|这个|该|哪几|几[个所家项名年条门天场]|"
                   r"多少[个所家项名万亿条门套人]?|(?:什么|怎么|如何|怎样)(?:安排|部署|打算|规定)|[干做搞]什么|[干做搞]啥|有啥|啥样|什么水平|什么程度|过去[几五]?年|近[几五]年|这几年|属于|哪种|要[建达]|各(?=[要有是为需])|[两三四五几]地|两边|双方|一部分|一章|一节|打算|准备|计划(?=[建要将])|放在|讲的?|提到的?|说了|"
                   r"(?:的|了|吗|呢)(?=[？?]?$)")


# Plan periods and dates steer which figure is wanted (`asks.periods_of`); they are no content to look for.
_PERIOD = re.compile(r"[“\"']?十[二三四五]五[”\"']?(?:时期|期间|期末|末|以来)?|(?:到|截至|截止|至)?(?:19|20)\d{2}\s*年(?:底|末)?")
_QUOTED_TERM = re.compile(r"[“\"「]([^”\"」《》]{2,16})[”\"」]")


def quoted_terms(q: str) -> list[str]:
    """Names the question puts in quotes (“三个百场”, “一城一窗一卡一码”), plan periods aside."""
    return [t for t in _QUOTED_TERM.findall(q) if not _PERIOD.fullmatch(t) and not re.fullmatch(r"十[二三四五]五.*", t)]


def strip_form(q: str, places: list[str]) -> str:
    """The question without its places, quoted titles, periods and question-form phrases."""
    q = _QUOTED_TITLE.sub(" ", q)
    q = _PERIOD.sub(" ", q)
    return _FORM.sub(" ", without_places(q, places))
