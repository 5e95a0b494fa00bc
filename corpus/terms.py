"""Content terms of a text (a question, a title: jieba words) and the overlap measures used to score sentences."""

from __future__ import annotations

import math
import re
from functools import lru_cache

import jieba

# Words that carry the question's form, not its content; they never count as evidence.
_STOPWORDS_TEXT = """
    的 了 是 在 和 与 及 或 有 对 将 把 被 为 于 中 上 下 等 等等 个 之 其 该 这 那 这个 那个 这些 那些 什么 哪些
    哪个 哪一 哪 几 多少 怎么 怎样 如何 是否 有没有 有无 吗 呢 吧 啊 请问 请 一下 介绍 说说 谈谈 告诉 我 你 我们
    提出 提到 规定 要求 明确 文件 规划 计划 方案 通知 本 本次 时期 期间 十四五 “ ” " ' ？ ? ， , 。 、 ： : ；
    主要 具体 方面 内容 相关 关于 哪里 哪儿 里 要 应 应该 需要 怎么办 做 做法 进行 开展 目标 任务 措施 举措
    一 二 三 四 五 第 章 节 条 部分 多 少 到 年 达到 多大 情况 分别 各自 比较 对比 区别 不同 相比 异同 它 它们
    大约 大概 大致 差不多 左右 打算 准备 经过 通过 会 能 可以 又 也 都 还 以及 并 并且 包括 哪些方面 一些 有关 所 所以 因为 怎么样 么 如 是 呀
    一共 总共 共 总计 合计 具体 各 各个 各项 都是 分别是 到底 究竟 大概是 主要是 指 是指 指的是 含义 意思
    依据 根据 按照 十三五 十四五 十二五 十三 十二 期末 期间 末 年底 年末 底 时期 今后 未来 五年
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())

_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


@lru_cache(maxsize=4096)
def _cut(text: str) -> tuple[str, ...]:
    return tuple(jieba.lcut(text))


# Characters that only glue a sentence together; jieba's HMM sometimes fuses them onto words ("率要").
_FUNCTION_CHARS = frozenset("的了是在和与及或有对将把被为于中上下等个之其该这那吗呢吧啊要也都还就会能可并由从向到按以各")
_CJK = re.compile(r"^[\u4e00-\u9fff]+$")


def _merged(words: tuple[str, ...]) -> list[str]:
    """Repair jieba output for matching: drop glue characters fused onto a word ("期是" → "期"), then
    join a lone content character to the word before it ("规划"+"期" → "规划期", "持证"+"率" → "持证率")."""
    out: list[str] = []
    for w in words:
        if len(w) == 2 and _CJK.match(w) and w[1] in _FUNCTION_CHARS and w[0] not in _FUNCTION_CHARS:
            w = w[0]
        if (len(w) == 1 and w in _SUFFIX_CHARS and out and _CJK.match(out[-1])
                and out[-1] not in STOPWORDS - _MERGE_HOSTS):
            out[-1] += w
            continue
        out.append(w)
    return out


# Characters that end a noun phrase (持证率, 规划期, 总量); only these attach to the word before.
_SUFFIX_CHARS = frozenset("率期量值额数费金款者员度性类")
# Stopwords that still form a term with a following character (规划期, 目标值).
_MERGE_HOSTS = frozenset(["规划", "目标", "计划", "发展"])


def content_terms(text: str) -> list[str]:
    """Ordered unique content words of `text` (jieba words minus stopwords and punctuation)."""
    seen: dict[str, None] = {}
    for w in _merged(_cut(text)):
        w = w.strip()
        if not w or w in STOPWORDS or _PUNCT.fullmatch(w):
            continue
        if len(w) == 1 and not w.isdigit() and w not in _SINGLE_OK:
            continue
        seen.setdefault(w, None)
    return list(seen)


# Single characters that still carry meaning in plan questions.
_SINGLE_OK = frozenset("村镇县市省乡校园港煤")


def bigrams(text: str) -> set[str]:
    """Character bigrams of the CJK/alnum runs of `text` (segmentation-free overlap)."""
    out: set[str] = set()
    for run in _PUNCT.split(text):
        out.update(run[i : i + 2] for i in range(len(run) - 1))
    return out


def idf(df: int, n_docs: int) -> float:
    return math.log(1.0 + (n_docs + 1) / (df + 0.5))
