"""Question answering: analysis, extractive and LLM answerers, citations, refusals, follow-ups."""

from planqa.qa.engine import Engine
from planqa.qa.models import Answer, Citation

__all__ = ["Answer", "Citation", "Engine"]
