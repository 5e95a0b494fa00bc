"""An answer under construction and how its parts read (titles, locations, shortened sentences)."""

from __future__ import annotations

from dataclasses import dataclass, field

from planqa.corpus.models import Chunk
from planqa.qa.citations import CitationBuilder
from planqa.qa.models import Citation
from planqa.qa.sentences import clean_for_answer

_ITEM_CHARS = 90


@dataclass
class Draft:
    """An answer under construction (text with markers + its citations), or a refusal reason."""

    text: str = ""
    builder: CitationBuilder | None = None
    refusal: str = ""
    warnings: list[str] = field(default_factory=list)  # what checking a model's reply flagged


def short(sentence: str, limit: int = _ITEM_CHARS) -> str:
    s = clean_for_answer(sentence)
    if len(s) <= limit:
        return s
    cut = max(s.rfind("，", 0, limit), s.rfind("；", 0, limit))
    return (s[:cut] if cut > 20 else s[:limit]) + "……"


def display_title(title: str) -> str:
    """A title as shown in an answer: characters the extraction lost ("?") show as □."""
    return title.replace("?", "□").replace("\ufffd", "□")


def where(chunk: Chunk | Citation) -> str:
    """"chapter › section" of a chunk or of the citation made from it."""
    return " › ".join(x for x in (chunk.chapter, chunk.section) if x)
