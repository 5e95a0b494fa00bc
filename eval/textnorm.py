"""Text normalisation shared by every metric: what counts as "the same text" when matching quotes.

The corpus layer repairs line breaks, may turn half-width punctuation into full-width and straight
quotes into curly ones, so gold quotes are compared after NFKC, with all whitespace and quote marks
removed and the bracket variants used around 文号 years (〔〕 [] 【】) folded together.
"""

from __future__ import annotations

import re
import unicodedata

_WS = re.compile(r"\s+")
_QUOTES = re.compile("[\"'“”‘’「」『』]")
_BRACKETS = str.maketrans("〔〕【】［］", "[][][]")
_MARKDOWN = re.compile(r"\*\*")
# A number as written in the plans: 10.3, 85, 1,000 (thousands separators dropped first).
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    text = _WS.sub("", text)
    text = _QUOTES.sub("", text)
    text = _MARKDOWN.sub("", text)
    return text.translate(_BRACKETS)


def contains(haystack: str, needle: str) -> bool:
    """Whitespace/punctuation-variant-insensitive substring test; an empty needle never matches."""
    n = normalize(needle)
    return bool(n) and n in normalize(haystack)


def numbers_in(text: str) -> list[str]:
    """The numbers of a text, normalised ("1,000" -> "1000", "１２" -> "12")."""
    flat = _THOUSANDS.sub("", unicodedata.normalize("NFKC", text or ""))
    return _NUMBER.findall(flat)


def char_ngrams(text: str, n: int = 2) -> set[str]:
    t = normalize(text)
    if len(t) < n:
        return {t} if t else set()
    return {t[i : i + n] for i in range(len(t) - n + 1)}


def containment(part: str, whole: str, n: int = 2) -> float:
    """Share of `part`'s character n-grams that occur in `whole` (1.0 = fully contained)."""
    grams = char_ngrams(part, n)
    if not grams:
        return 0.0
    return len(grams & char_ngrams(whole, n)) / len(grams)
