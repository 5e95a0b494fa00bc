"""Follow-up questions rewritten into standalone ones from the conversation (rules, no model)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from planqa.corpus.headings import LIST_ITEM
from planqa.corpus.places import named_places as _named_places
from planqa.corpus.terms import content_terms
from planqa.qa.citations import MARKER

Turn = tuple[str, str]  # (question, answer)

_PRONOUN = re.compile(r"(?:这份|该|此|这个|那个|这一|上述|上面的?|前面的?)(?:规划|文件|计划|方案|纲要|通知)|它们?|其(?![中他余次实])")
_CUE_HEAD = re.compile(r"^(?:那么|那|还有|另外)")
_FOLLOW_CUE = re.compile(r"^(?:那|那么|还有|另外|再|又)|呢[？?。！!]*$|具体|展开|详细")
_TAIL = re.compile(r"呢?[？?。！!]*$")
# How a question asks (kept when a follow-up only changes what it asks about).
_ASK_FORM = re.compile(r"((?:要|将)?(?:是多少|有多少|达到多少|有哪些\S{0,4}|是什么|怎么做|如何\S{0,6}|在哪一?[章节部分]+))[？?。]?$")
_ORDINAL = re.compile(r"第([一二两三四五六七八九十\d]+)[条点项个]")
_TITLE = re.compile(r"《([^》]+)》")


def ordinal_of(q: str) -> int:
    """"第二条" → 2 (the points of an answer are counted in Arabic figures or 一 … 十)."""
    m = _ORDINAL.search(q)
    s = m.group(1).replace("两", "二") if m else ""
    return int(s) if s.isdigit() else " 一二三四五六七八九十".find(s) if len(s) == 1 else 0


def named_places(text: str) -> list[str]:
    """Places named in a turn, without the follow-up cue in front ("那忻州呢" → 忻州)."""
    return _named_places(_CUE_HEAD.sub("", text.strip()))


def _body(question: str) -> str:
    """The question without its follow-up cue and tail ("那忻州呢？" → 忻州)."""
    return _TAIL.sub("", _CUE_HEAD.sub("", question.strip())).strip("，, ")


def _without_places(text: str) -> str:
    for p in named_places(text):
        text = text.replace(p, "")
    return text


def _text_of(content) -> str:
    """Message content as text: a string, or the text parts of a list of {"type": "text", …} parts."""
    if isinstance(content, list):
        return "".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in content)
    return str(content or "")


def normalize_history(history: Sequence | None) -> list[Turn]:
    """(question, answer) pairs from pairs or from OpenAI-style {"role", "content"} messages."""
    turns: list[Turn] = []
    pending_q: str | None = None
    for item in history or ():
        if not isinstance(item, dict):
            q, a = (list(item) + ["", ""])[:2]
            turns.append((str(q or ""), str(a or "")))
        elif item.get("role") == "user":
            if pending_q is not None:
                turns.append((pending_q, ""))
            pending_q = _text_of(item.get("content"))
        elif item.get("role") == "assistant" and pending_q is not None:
            turns.append((pending_q, _text_of(item.get("content"))))
            pending_q = None
    if pending_q is not None:
        turns.append((pending_q, ""))
    return turns


def answer_items(answer: str) -> list[str]:
    """The numbered points of a previous answer ("1. …[1]"), markers stripped."""
    items = (MARKER.sub("", line[m.end():]).strip().rstrip("。；;…").strip()
             for line in answer.splitlines() if (m := LIST_ITEM.match(line)))
    return [item for item in items if item]


def looks_like_followup(question: str) -> bool:
    q = question.strip()
    return bool(_FOLLOW_CUE.search(q) or _PRONOUN.search(q) or ordinal_of(q)) and len(q) <= 30


def _subject(turns: list[Turn]) -> str:
    """What the conversation is about: the places of the latest question naming any, else the document
    the latest answer opened with (refusals and bare follow-ups name nothing, so look further back)."""
    for question, answer in reversed(turns):
        places = named_places(question)
        if places:
            return "和".join(places)
        m = _TITLE.search(question) or _TITLE.search(answer)
        if m:
            return f"《{m.group(1)}》"
    return ""


def _item_key(item: str) -> str:
    """The head of a listed point (up to its first comma): what "第二条" refers to."""
    head = re.split(r"[，,；;：:]", item, maxsplit=1)[0]
    return head if len(head) >= 4 else item[:40]


def _intent_question(turns: list[Turn]) -> str:
    """The latest question that says what it asks (not itself a bare "那X呢？")."""
    return next((q for q, _ in reversed(turns) if content_terms(_body(_without_places(q)))), turns[-1][0])


def rewrite(question: str, history: Sequence | None) -> str:
    """A standalone question for a follow-up, or "" when the question stands on its own."""
    turns = normalize_history(history)
    q = question.strip()
    if not turns or not looks_like_followup(q):
        return ""
    subject = _subject(turns)
    k = ordinal_of(q)
    if k:  # "第二条具体怎么做？" → the second point of the previous answer
        items = next((answer_items(a) for _, a in reversed(turns) if answer_items(a)), [])
        if 0 < k <= len(items):
            rest = re.sub(r"^(?:那|那么)", "", _ORDINAL.sub("", q).strip("，,？? ")) or "具体怎么做"
            prefix = subject if subject and not subject.startswith("《") else ""
            return f"{prefix}{_item_key(items[k - 1])}，{rest}？"

    body = _body(q)
    new_places = named_places(body)
    if new_places:  # "那忻州呢？" → the last real question with the place swapped
        if content_terms(_without_places(body).strip("，, 的和与及、")):
            return ""  # "忻州的技能富民具体怎么做？" says what it asks: it stands on its own
        out = base = _intent_question(turns)
        old_places = named_places(base)
        if not old_places:
            return "和".join(new_places) + base
        for i, old in enumerate(old_places):
            out = out.replace(old, new_places[i] if i < len(new_places) else "")
        return out

    if _PRONOUN.search(q) and subject:  # "它的文号是什么？" → the previous subject's
        return _PRONOUN.sub(subject, q, count=1)
    if subject and re.search(r"呢[？?。！!]*$", q):  # "高技能人才呢？" → subject + new focus + old ask
        focus = re.sub(r"^(?:其中|其|那么|那|还有|另外)", "", body)
        m = _ASK_FORM.search(_intent_question(turns))
        return f"{subject}{focus}{m.group(1) if m else '是什么'}？"
    if subject and not named_places(q) and not _TITLE.search(q):
        return f"{subject}{q}"
    return ""
