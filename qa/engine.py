"""The one entry point callers use: Engine(settings, index).ask(...) / .stream_ask(...) → Answer."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from typing import Any

from planqa.corpus.places import named_places
from planqa.index.catalog import Catalog
from planqa.qa.analysis import Analysis, analyse
from planqa.qa.answerability import Model
from planqa.qa.answerer import Answerer
from planqa.qa.draft import Draft
from planqa.qa.followup import looks_like_followup, normalize_history, rewrite
from planqa.qa.llm import LLMAnswerer, Passage, finalize, fit_passages
from planqa.qa.match import Matcher
from planqa.qa.models import Answer
from planqa.qa.refusal import nearest_passages, refusal, scope_refusal

MODES = ("extractive", "llm")


class Engine:
    """Answers questions over one index. Holds the index, settings and a lazily built catalog."""

    def __init__(self, settings, index, chat_model: Any = None, model: Model | None = None):
        self.settings = settings
        self.index = index
        self.chat_model = chat_model  # tests inject a fake / local model; default is ChatOpenAI
        self._catalog: Catalog | None = None
        self._catalog_sig: tuple = ()
        self.model = model or Model.load()  # the answerability model (qa/data/answerability.json); eval folds swap it

    @property
    def catalog(self) -> Catalog:
        """Corpus statistics, rebuilt when the index changed (uploads add documents to a live index)."""
        sig = self._index_signature()
        if self._catalog is None or sig != self._catalog_sig:
            self._catalog = Catalog.from_index(self.index)
            self._catalog_sig = sig
        return self._catalog

    def _index_signature(self) -> tuple:
        version = getattr(self.index, "version", None)  # every store names its live version
        try:
            size = len(self.index)
        except TypeError:
            size = -1
        return (str(version), size, tuple(sorted(d.get("doc_id", "") for d in self.index.documents())))

    def warm_up(self) -> None:
        """Load what the first question would otherwise pay for (jieba's dictionary, corpus statistics),
        so that Answer.latency_ms measures answering, not start-up."""
        named_places("晋城市")
        _ = self.catalog
        Matcher(self.settings.thesaurus).term("教师", "")  # loads the thesaurus

    def refresh(self) -> None:
        """Forget corpus statistics after the index changed (documents added or removed)."""
        self._catalog = None

    # --- public API -------------------------------------------------------------------------
    def ask(self, question: str, history: Sequence | None = None, doc_ids: list[str] | None = None,
            regions: list[str] | None = None, mode: str = "extractive", top_k: int | None = None) -> Answer:
        *_, final = self._run(question, history, doc_ids, regions, mode, top_k, stream=False)
        return final

    def stream_ask(self, question: str, history: Sequence | None = None, doc_ids: list[str] | None = None,
                   regions: list[str] | None = None, mode: str = "extractive",
                   top_k: int | None = None) -> Iterator[Answer]:
        """Yields partial answers (LLM mode: the growing reply) and finally the checked Answer."""
        yield from self._run(question, history, doc_ids, regions, mode, top_k, stream=True)

    def _run(self, question, history, doc_ids, regions, mode, top_k, stream: bool) -> Iterator[Answer]:
        t0 = time.perf_counter()
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        question = (question or "").strip()
        turns = normalize_history(history) if question else []
        rewritten = self._rewrite(question, turns, mode)
        for ans in self._answers(question, rewritten or question, turns, doc_ids, regions, mode,
                                 top_k or self.settings.top_k, stream):
            ans.rewritten_question, ans.latency_ms = rewritten, round((time.perf_counter() - t0) * 1000, 1)
            yield ans

    def _answers(self, question, q, turns, doc_ids, regions, mode, k, stream) -> Iterator[Answer]:
        """The partial answers (LLM streaming) and the final one; the extractive answer whenever the
        model is not configured or fails, so the user is never left without one."""
        if not question:
            yield refusal(question, "问题为空。", mode)
            return
        a = analyse(q, self.catalog)
        scope = self._filter(a, doc_ids)
        reason = scope_refusal(a) if not doc_ids else ""
        if reason:  # still list what the corpus has nearest to it
            yield refusal(question, reason + nearest_passages(self.index.search(q, k=4), self.catalog), mode)
            return
        if mode == "llm" and not self._llm_ready():
            fallback = "未配置大模型接口（llm_base_url / llm_model），已改用抽取式回答。"
        elif mode == "llm":
            passages = self._passages(a, scope, regions, k)
            if not passages:
                yield refusal(question, "未检索到相关段落。", mode)
                return
            llm, reply = self._llm_answerer(), ""
            try:
                if stream:
                    for reply in llm.stream(a.question, passages, turns):
                        yield Answer(question=question, answer=reply, mode=mode)
                else:
                    reply = llm.generate(a.question, passages, turns)
            except Exception as exc:  # time-out, HTTP error, bad endpoint
                fallback = f"大模型接口调用失败（{type(exc).__name__}），已改用抽取式回答。"
            else:
                yield _to_answer(question, finalize(reply, passages, self.catalog), mode)
                return
        ans = _to_answer(question, self.answerer(k).answer(a.question, scope, regions), "extractive")
        if mode == "llm":
            ans.mode = "llm-fallback"
            ans.warnings.append(fallback)
        yield ans

    # --- steps ------------------------------------------------------------------------------
    def _rewrite(self, question: str, turns: list[tuple[str, str]], mode: str) -> str:
        if not turns:
            return ""
        if mode == "llm" and self._llm_ready() and looks_like_followup(question):
            try:
                out = self._llm_answerer().rewrite(question, turns)
                if out and out != question:
                    return out
            except Exception:  # endpoint down: the rules below still work
                pass
        return rewrite(question, turns)

    def _filter(self, a: Analysis, doc_ids: list[str] | None) -> list[str] | None:
        """Documents to search: the caller's filter narrowed by the documents the question names."""
        if doc_ids:
            return [d for d in a.doc_ids if d in doc_ids] or list(doc_ids)
        return a.doc_ids or None

    def answerer(self, k: int | None = None) -> Answerer:
        return Answerer(self.catalog, self.index, self.index.search, self.model, Matcher(self.settings.thesaurus),
                        top_k=k or self.settings.top_k)

    def _llm_ready(self) -> bool:
        return self.chat_model is not None or self.settings.llm_configured

    def _llm_answerer(self) -> LLMAnswerer:
        return LLMAnswerer(self.settings, self.catalog, self.chat_model)

    def _passages(self, a: Analysis, scope, regions, k: int) -> list[Passage]:
        if a.qtype == "comparison" and scope and len(scope) >= 2:  # each named document gets its share
            per = max(2, k // len(scope))
            hits = [h for d in scope for h in self.index.search(a.question, k=per, doc_ids=[d], regions=regions)]
        else:
            hits = self.index.search(a.question, k=k, doc_ids=scope, regions=regions)
        return fit_passages([(h.chunk, h.score) for h in hits], self.catalog, self.settings.llm_context_tokens)


def _to_answer(question: str, draft: Draft, mode: str) -> Answer:
    if draft.refusal:
        ans = refusal(question, draft.refusal, mode)
    else:
        ans = Answer(question=question, answer=draft.text, mode=mode,
                     citations=draft.builder.citations if draft.builder else [])
    ans.warnings = list(draft.warnings)
    return ans
