"""Follow-up questions rewritten into standalone ones from the conversation (rules, no model)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from planqa.qa.analysis import named_places, ordinal_of

Turn = tuple[str, str]  # (question, answer)

_PRONOUN = re.compile(r"(?:这份|该|此|这个|那个|这一|上述|上面的?|前面的?)(?:规划|文件|计划|方案|纲要|通知)|它们?|其")
_FOLLOW_CUE = re.compile(r"^(?:那|那么|还有|另外|再|又)|呢[？?。！!]*$|具体|展开|详细")
_ITEM_LINE = re.compile(r"^\s*(\d+)[.、．]\s*(.+?)\s*$")
_MARKERS = re.compile(r"\[\d+\]")
_TITLE = re.compile(r"《([^》]+)》")


def normalize_history(history: Sequence | None) -> list[Turn]:
    """(question, answer) pairs from pairs or from OpenAI-style {"role", "content"} messages."""
    turns: list[Turn] = []
    if not history:
        return turns
    pending_q: str | None = None
    for item in history:
        if isinstance(item, dict):
            role, content = item.get("role"), str(item.get("content") or "")
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


def _subject(question: str, answer: str) -> str:
    """What the previous turn was about: its named places, else the document its answer opened with."""
    places = named_places(question)
    if places:
        return "和".join(places)
    m = _TITLE.search(question) or _TITLE.search(answer)
    return f"《{m.group(1)}》" if m else ""


def rewrite(question: str, history: Sequence | None, previous_rewritten: str = "") -> str:
    """A standalone question for a follow-up, or "" when the question stands on its own."""
    turns = normalize_history(history)
    q = question.strip()
    if not turns or not looks_like_followup(q):
        return ""
    prev_q, prev_a = turns[-1]
    prev_q = previous_rewritten or prev_q
    subject = _subject(prev_q, prev_a)

    k = ordinal_of(q)
    if k:  # "第二条具体怎么做？" → the second point of the previous answer
        items = answer_items(prev_a)
        if 0 < k <= len(items):
            rest = re.sub(r"第[一二两三四五六七八九十\d]+[条点项个]", "", q).strip("，,？? ")
            rest = re.sub(r"^(?:那|那么)", "", rest) or "具体怎么做"
            prefix = subject if subject and not subject.startswith("《") else ""
            return f"{prefix}{items[k - 1]}，{rest}？"

    new_places = named_places(re.sub(r"^(?:那么|那|还有|另外)", "", q))
    if new_places:  # "那忻州呢？" → previous question with the place swapped
        old_places = named_places(prev_q)
        body = re.sub(r"^(?:那么|那|还有|另外)", "", q)
        body = re.sub(r"呢?[？?。！!]*$", "", body).strip("，, ")
        if old_places:
            out = prev_q
            for i, old in enumerate(old_places):
                out = out.replace(old, new_places[min(i, len(new_places) - 1)] if i < len(new_places) else "")
            extra = body.replace("".join(new_places), "").strip("，, 的")
            if extra and extra not in out and not re.fullmatch(r"[和与及、]*", extra):
                out = re.sub(r"[？?]$", "", out) + f"，{extra}？"
            return out
        return f"{body}{prev_q}" if body else prev_q

    if _PRONOUN.search(q) and subject:  # "它的文号是什么？" → the previous subject's
        return _PRONOUN.sub(subject, q, count=1)
    if subject and re.search(r"呢[？?。！!]*$", q):  # "目标呢？" → subject + new focus
        body = re.sub(r"^(?:那么|那|还有|另外)", "", q)
        body = re.sub(r"呢?[？?。！!]*$", "", body)
        return f"{subject}的{body}是什么？" if subject else ""
    if subject and not named_places(q) and not _TITLE.search(q):
        return f"{subject}{q}"
    return ""
