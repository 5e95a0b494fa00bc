"""The LLM answerer: numbered passages → an OpenAI-compatible chat model (LangChain) → checked answer."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from planqa.corpus.models import Chunk
from planqa.corpus.terms import bigrams
from planqa.corpus.tokens import count_tokens, ensure_cl100k_cached, truncate_tokens
from planqa.index.catalog import Catalog
from planqa.qa.citations import MARKER, CitationBuilder, check_answer
from planqa.qa.draft import Draft, where
from planqa.qa.refusal import NOT_FOUND
from planqa.qa.sentences import split_sentences

SYSTEM_PROMPT = """你是规划文件问答助手。只能依据下面编号的段落回答问题，不得使用段落以外的任何知识。
要求：
1. 用简洁的中文作答，先点明文件名（《标题》）。
2. 每一句陈述后用方括号标注所依据段落的编号，如 [1]、[2]；只能引用给出的编号。
3. 数字、比例、年份必须与段落原文完全一致，不得推算或编造。
4. 如果段落中没有答案，只回答：文件中未找到。"""

REWRITE_PROMPT = """根据对话历史，把用户的追问改写成一个独立、完整的问题（补全省略的地区、文件或事项）。
只输出改写后的问题，不要解释。"""


@dataclass
class Passage:
    n: int
    chunk: Chunk
    title: str
    score: float = 0.0

    def render(self) -> str:
        head = f"[{self.n}]《{self.title}》" + (f" {where(self.chunk)}" if where(self.chunk) else "")
        return f"{head}\n{self.chunk.text}"


def fit_passages(chunks: list[tuple[Chunk, float]], catalog: Catalog, budget_tokens: int) -> list[Passage]:
    """Number passages in rank order while they fit the cl100k token budget (the last one truncated)."""
    out: list[Passage] = []
    used = 0
    for chunk, score in chunks:
        p = Passage(len(out) + 1, chunk, catalog.title(chunk.doc_id), score)
        cost = count_tokens(p.render()) + 4
        if used + cost > budget_tokens:
            room = budget_tokens - count_tokens(p.render().split("\n", 1)[0]) - 8
            if room >= 16 and not out:  # never send nothing: cut the first passage down to size
                out.append(replace(p, chunk=replace(chunk, text=truncate_tokens(chunk.text, room))))
            break
        out.append(p)
        used += cost
    return out


def build_messages(question: str, passages: list[Passage], history: list[tuple[str, str]] = ()) -> list:
    from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

    msgs: list = [SystemMessage(SYSTEM_PROMPT)]
    for q, a in list(history)[-2:]:  # a short memory: the passages carry the facts, not the history
        msgs += [HumanMessage(q), AIMessage(MARKER.sub("", a))]
    body = "\n\n".join(p.render() for p in passages)
    msgs.append(HumanMessage(f"段落：\n{body}\n\n问题：{question}"))
    return msgs


def make_chat_model(settings, streaming: bool = False):
    """ChatOpenAI against the configured OpenAI-compatible endpoint (no retries: we fall back instead)."""
    from langchain_openai import ChatOpenAI

    ensure_cl100k_cached()  # LangChain counts tokens with tiktoken's cl100k_base: keep that offline
    return ChatOpenAI(
        base_url=settings.llm_base_url,
        model=settings.llm_model,
        api_key=settings.llm_api_key or "not-needed",
        timeout=settings.llm_timeout,
        max_retries=0,
        temperature=0,
        streaming=streaming,
    )


def best_quote(passage_text: str, claim: str) -> str:
    """The passage sentence that shares most with the claim it supports (exact substring)."""
    sentences = split_sentences(passage_text)
    if not sentences:
        return passage_text.strip()
    cb = bigrams(claim)
    best = max(sentences, key=lambda s: len(cb & bigrams(s.text)) / (1 + 0.002 * len(s.text)))
    return best.text


def _claims_by_marker(answer: str) -> dict[int, str]:
    """For each marker, the answer sentence it closes (what the passage must support)."""
    out: dict[int, str] = {}
    for sent in re.split(r"(?<=[。！？!?\n])", answer):
        for m in MARKER.finditer(sent):
            out.setdefault(int(m.group(1)), MARKER.sub("", sent))
    return out


def finalize(reply: str, passages: list[Passage], catalog: Catalog) -> Draft:
    """Check a model reply: keep valid markers, attach exact quotes, flag stray numbers, refuse when unsupported."""
    reply = reply.strip()
    builder = CitationBuilder(catalog.meta)
    if not reply or reply.startswith(NOT_FOUND):
        return Draft(refusal="模型判断所给段落中没有答案。")
    by_n = {p.n: p for p in passages}
    # provisional citations numbered like the passages, so that check_answer renumbers them
    provisional = [builder.make(n, by_n[n].chunk, best_quote(by_n[n].chunk.text, claim), by_n[n].score)
                   for n, claim in _claims_by_marker(reply).items() if n in by_n]
    text, builder.citations, warnings = check_answer(reply, provisional)
    if not builder.citations:
        return Draft(refusal="模型的回答没有引用任何给定段落，无法核实。", warnings=warnings)
    return Draft(text, builder, warnings=warnings)


@dataclass
class LLMAnswerer:
    settings: Any
    catalog: Catalog
    chat_model: Any = None  # injected in tests (fake chat models); else ChatOpenAI from settings

    def _model(self, streaming: bool):
        return self.chat_model if self.chat_model is not None else make_chat_model(self.settings, streaming)

    def generate(self, question: str, passages: list[Passage], history=()) -> str:
        reply = self._model(False).invoke(build_messages(question, passages, history))
        return str(reply.content)

    def stream(self, question: str, passages: list[Passage], history=()) -> Iterator[str]:
        """Yields the growing reply text."""
        text = ""
        for piece in self._model(True).stream(build_messages(question, passages, history)):
            text += str(piece.content)
            yield text

    def rewrite(self, question: str, history: list[tuple[str, str]]) -> str:
        from langchain_core.messages import HumanMessage, SystemMessage

        convo = "\n".join(f"用户：{q}\n助手：{MARKER.sub('', a)[:300]}" for q, a in history[-3:])
        reply = self._model(False).invoke([SystemMessage(REWRITE_PROMPT),
                                           HumanMessage(f"对话历史：\n{convo}\n\n追问：{question}")])
        out = str(reply.content).strip().splitlines()
        return out[0].strip() if out else ""
