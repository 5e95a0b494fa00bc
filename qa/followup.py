"""Follow-up questions rewritten into standalone ones from the conversation (rules, no model)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from planqa.qa.analysis import named_places as _named_places
from planqa.qa.analysis import ordinal_of
from planqa.qa.terms import content_terms

Turn = tuple[str, str]  # (question, answer)

_PRONOUN = re.compile(r"(?:这份|该|此|这个|那个|这一|上述|上面的?|前面的?)(?:规划|文件|计划|方案|纲要|通知)|它们?|其(?![中他余次实])")
_FOLLOW_CUE = re.compile(r"^(?:那|那么|还有|另外|再|又)|呢[？?。！!]*$|具体|展开|详细")
# How a question asks (kept when a follow-up only changes what it asks about).
_ASK_FORM = re.compile(r"((?:要|将)?(?:是多少|有多少|达到多少|有哪些\S{0,4}|是什么|怎么做|如何\S{0,6}|在哪一?[章节部分]+))[？?。]?$")
_ITEM_LINE = re.compile(r"^\s*(\d+)[.、．]\s*(.+?)\s*$")
_MARKERS = re.compile(r"\[\d+\]")
_TITLE = re.compile(r"《([^》]+)》")


_CUE_HEAD = re.compile(r"^(?:那么|那|还有|另外)")


def named_places(text: str) -> list[str]:
    """Places named in a turn, without the follow-up cue in front ("那忻州呢" → 忻州)."""
    return _named_places(_CUE_HEAD.sub("", text.strip()))


def _text_of(content) -> str:
    """Message content as text: a string, or the text parts of a list of {"type": "text", …} parts."""
    if isinstance(content, list):
        return "".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in content)
    return str(content or "")


def normalize_history(history: Sequence | None) -> list[Turn]:
    """(question, answer) pairs from pairs or from OpenAI-style {"role", "content"} messages."""
    turns: list[Turn] = []
    if not history:
        return turns
    pending_q: str | None = None
    for item in history:
        if isinstance(item, dict):
            role, content = item.get("role"), _text_of(item.get("content"))
            if role == "user":
                if pending_q is not None:
                    turns.append((pending_q, ""))
                pending_q = content
            elif role == "assistant" and pending_q is not None:
                turns.append((pending_q, content))
                pending_q = None
        else:
            q, a = (list(item) + ["", ""])[:2]
            turns.append((str(q or ""), str(a or "")))
    if pending_q is not None:
        turns.append((pending_q, ""))
    return turns


def answer_items(answer: str) -> list[str]:
    """The numbered points of a previous answer ("1. …[1]"), markers stripped."""
    items = []
    for line in answer.splitlines():
        m = _ITEM_LINE.match(line)
        if m:
            items.append(_MARKERS.sub("", m.group(2)).rstrip("。；;…").strip())
    return items


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
    for question, _ in reversed(turns):
        rest = question
        for p in named_places(question):
            rest = rest.replace(p, "")
        if content_terms(re.sub(r"^(?:那么|那|还有|另外)|呢?[？?。！!]*$", "", rest)):
            return question
    return turns[-1][0]


def rewrite(question: str, history: Sequence | None, previous_rewritten: str = "") -> str:
    """A standalone question for a follow-up, or "" when the question stands on its own."""
    turns = normalize_history(history)
    q = question.strip()
    if not turns or not looks_like_followup(q):
        return ""
    prev_q, prev_a = turns[-1]
    prev_q = previous_rewritten or prev_q
    subject = _subject(turns)

    k = ordinal_of(q)
    if k:  # "第二条具体怎么做？" → the second point of the previous answer
        items = next((answer_items(a) for _, a in reversed(turns) if answer_items(a)), [])
        if 0 < k <= len(items):
            rest = re.sub(r"第[一二两三四五六七八九十\d]+[条点项个]", "", q).strip("，,？? ")
            rest = re.sub(r"^(?:那|那么)", "", rest) or "具体怎么做"
            prefix = subject if subject and not subject.startswith("《") else ""
            return f"{prefix}{_item_key(items[k - 1])}，{rest}？"

    body = re.sub(r"呢?[？?。！!]*$", "", re.sub(r"^(?:那么|那|还有|另外)", "", q)).strip("，, ")
    new_places = named_places(body)
    if new_places:  # "那忻州呢？" → the last real question with the place swapped
        extra = body
        for p in new_places:
            extra = extra.replace(p, "")
        if content_terms(extra.strip("，, 的和与及、")):
            return ""  # "忻州的技能富民具体怎么做？" says what it asks: it stands on its own
        base = _intent_question(turns)
        old_places = named_places(base)
        if not old_places:
            return "和".join(new_places) + base
        out = base
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
