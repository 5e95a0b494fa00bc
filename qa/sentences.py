"""How quoted sentences read in an answer (splitting itself lives in `planqa.corpus.sentences`)."""

from __future__ import annotations

import re

from planqa.corpus.headings import match_heading
from planqa.corpus.sentences import Sentence, split_sentences

__all__ = ["Sentence", "split_sentences", "clean_for_answer", "with_marker", "is_title"]


def is_title(sentence: str) -> bool:
    """A heading or list title ("（二）…", "8.建设…队伍。", "3.“三个百场”…行动。"): a numbered line of at most
    40 characters with no clause inside; it names the sentences under it rather than saying anything."""
    s = sentence.strip().rstrip("。：:").replace("**", "")
    return len(s) <= 40 and not re.search(r"[，,；;。]", s) and match_heading(s) is not None


def clean_for_answer(sentence: str) -> str:
    """A quoted clause as it reads in an answer: no inner line breaks, ends with 。. Square brackets
    become 〔〕 so a quoted "[2021]" is never read as a citation marker; a character the extraction
    lost ("?") shows as □. (The citation's quote keeps the exact source text.)"""
    s = re.sub(r"\s+", "", sentence) if _mostly_cjk(sentence) else re.sub(r"\s+", " ", sentence)
    s = s.replace("[", "〔").replace("]", "〕").replace("?", "□").replace("\ufffd", "□")
    s = s.rstrip("；;，,、：: ").lstrip("*# ")  # markdown emphasis left over from the source
    if s and s[-1] not in "。！？!?”）)":
        s += "。"
    return s


def _mostly_cjk(s: str) -> bool:
    cjk = sum(1 for ch in s if "\u4e00" <= ch <= "\u9fff")
    return cjk >= len(s.replace(" ", "")) * 0.5


def with_marker(sentence: str, n: int) -> str:
    """Put the marker inside the sentence, before its final punctuation: "……55%以上[1]。"."""
    body = sentence.rstrip()
    end = ""
    while body and body[-1] in "。！？；…":
        end = body[-1] + end
        body = body[:-1]
    return f"{body}[{n}]{end}"
