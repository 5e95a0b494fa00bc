"""Query-side expansion for the lexical route: a question word the plans rarely use gets the plans' common
words it abbreviates (专技 → 专业技术人才, 社工 → 社会工作, 中职 → 中等职业教育, 卫健 → 卫生健康).

The vocabulary is the index version's own: every BM25 token and every compound of 2–3 adjacent words of the
indexed text, with its chunk frequency (df). Compounds make it robust to segmentation: jieba cuts
中等职业教育 into 中等 / 职业教育, so no single token starts 中…职, but the adjacent pair does. A question
token t (2–3 CJK characters) expands to an entry w when
- w reads as words of ≥ 2 characters, each starting with t's next character (中等|职业教育; the usual way a
  Chinese abbreviation is formed), at most three characters per word before the last (qa/match.py allows
  two between two of t's characters), and w does not contain t itself (then it is a longer word, not a source);
- w is much more frequent than t: the user's form is rare in the plans, the plan's form common.
Nothing is listed by hand. `Index.search` builds one `Lexicon` per index version and hands the words to the
store as `Query.expansion`. Measured in bench/RESULTS.md (issue 9, query expansion).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

_CJK = re.compile(r"^[\u4e00-\u9fff]+$")
RATIO = 3  # df(w) > RATIO·df(t) + 1: the plan's word must be clearly the common form, not a near tie
MAX_GAP = 2  # characters allowed between two of the abbreviation's characters (职教 ~ 职业教育)
PER_TERM = 3  # expansions kept per question word, most frequent first (a few readings, not a category)
MAX_WORDS = 3  # adjacent words joined into a compound: a 2–3 character abbreviation shortens ≤ 3 words
MIN_PART = 2  # a one-character part is an affix (国内|外, 一百|年), not a word an abbreviation shortens


def words_of(tokens: Sequence[str]) -> list[str]:
    """The segmentation's word sequence from jieba search-mode tokens, which yield a long word's in-dictionary
    2/3-grams right before the word itself: a token inside the word that follows it is one of those."""
    out: list[str] = []
    for t in reversed(tokens):
        if out and len(t) < len(out[-1]) and t in out[-1]:
            continue
        out.append(t)
    out.reverse()
    return out


class Lexicon:
    """Chunk frequencies of an index version's tokens and adjacent-word compounds, and the expansion rule."""

    def __init__(self, df: dict[str, int], tokens: Iterable[str]) -> None:
        self.df = df
        self._tokens = frozenset(tokens)
        self._by_first: dict[str, list[str]] = {}
        for w in sorted((w for w in df if len(w) >= 3), key=lambda w: (-df[w], w)):
            self._by_first.setdefault(w[0], []).append(w)
        self._cache: dict[str, tuple[str, ...]] = {}

    @classmethod
    def build(cls, rows: Iterable[Sequence[str]]) -> Lexicon:
        """From the BM25 tokens of every chunk. Compounds seen in one chunk are left out: an expansion needs
        df > RATIO·df(t) + 1 ≥ 2, so they could never be chosen (and they are most of the compounds)."""
        df: Counter[str] = Counter()
        compounds: Counter[str] = Counter()
        for tokens in rows:
            df.update(t for t in set(tokens) if _CJK.match(t))
            seq, seen = words_of(tokens), set()
            for i in range(len(seq)):
                piece = seq[i]
                for j in range(i + 1, min(i + MAX_WORDS, len(seq))):
                    piece += seq[j]
                    if len(piece) > 3 * 3:  # longer than a 3-character abbreviation may expand to
                        break
                    seen.add(piece)
            compounds.update(c for c in seen if _CJK.match(c))
        tokens = set(df)
        for c, n in compounds.items():
            if n >= 2 and c not in tokens:
                df[c] = n
        return cls(dict(df), tokens)

    def pieces(self, max_bytes: int) -> list[str]:
        """The lexicon as text ("word df [t]" lines; t = a BM25 token) in pieces of at most max_bytes as a
        JSON string, for stores that keep it in size-limited fields (Milvus JSON: 64 KiB)."""
        out, cur, size = [], [], 2
        for w in sorted(self.df):
            line = f"{w} {self.df[w]}{' t' if w in self._tokens else ''}\n"
            n = len(line.encode()) + 1  # the newline is escaped as two bytes in JSON
            if cur and size + n > max_bytes:
                out.append("".join(cur))
                cur, size = [], 2
            cur.append(line)
            size += n
        return out + (["".join(cur)] if cur else [])

    @classmethod
    def from_pieces(cls, pieces: Iterable[str]) -> Lexicon:
        df, tokens = {}, []
        for line in "".join(pieces).splitlines():
            w, n, *flag = line.split(" ")
            df[w] = int(n)
            if flag:
                tokens.append(w)
        return cls(df, tokens)

    def abbreviated(self, term: str) -> tuple[str, ...]:
        """The corpus words `term` abbreviates and that are far more frequent than it, most frequent first."""
        if term in self._cache:
            return self._cache[term]
        found: list[str] = []
        if 2 <= len(term) <= 3 and _CJK.match(term):
            floor = RATIO * self.df.get(term, 0) + 1
            for w in self._by_first.get(term[0], []):
                if self.df[w] <= floor:
                    break  # sorted by df: the rest are rarer still
                if len(term) < len(w) <= 3 * len(term) and term not in w and self._reads_as(term, w):
                    found.append(w)
                    if len(found) == PER_TERM:
                        break
        self._cache[term] = out = tuple(found)
        return out

    def _reads_as(self, term: str, w: str, i: int = 0) -> bool:
        """w = word(term[i]…) + word(term[i+1]…) + …, each part of ≥ MIN_PART characters; the parts before
        the last are tokens of ≤ MAX_GAP + 1 characters, the last a token or compound of the corpus."""
        if w[0] != term[i] or len(w) < MIN_PART:
            return False
        if i == len(term) - 1:
            return w in self._tokens or w in self.df
        return any(w[:n] in self._tokens and self._reads_as(term, w[n:], i + 1)
                   for n in range(MIN_PART, min(MAX_GAP + 1, len(w) - MIN_PART) + 1))

    def expand(self, tokens: Sequence[str]) -> list[str]:
        """Expansion words for a question's tokens (none of them a question token itself)."""
        own = set(tokens)
        out: dict[str, None] = {}
        for t in dict.fromkeys(tokens):
            for w in self.abbreviated(t):
                if w not in own:
                    out.setdefault(w, None)
        return list(out)
