"""Named places in text: China's administrative divisions and place-like words, one mechanism for every layer.

A named place is a division of the gazetteer (cpca's adcode table of provinces, cities and counties,
shipped in its wheel) standing as words of the text — its full name (忻州市) or its short form (忻州) — or
the region a document of the corpus is about. jieba's ns tag alone makes no place: it tags ordinary
words (回国, 安家, 上岗, 在全省) as places. Below the county, "<name>镇/乡/村/基地/园区…" (`site_words`).
"""

from __future__ import annotations

import csv
import importlib.util
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jieba
import jieba.posseg as pseg

_ADMIN_SUFFIX = "特别行政区|自治区|自治州|自治县|自治旗|地区|林区|新区|省|市|县|区|盟|旗|州"
_ADMIN_END = re.compile(f"(?:{_ADMIN_SUFFIX})$")
# Adcode rows that name no place of their own.
_PLACEHOLDERS = frozenset(["市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"])
# Sub-county divisions and named sites; the suffix alone (基地) or a one-character name (农村) is no name.
_SITE_SUFFIX = re.compile(r"(?:镇|乡|村|街道|社区|基地|园区|开发区|新区|高新区)$")
_HAN = re.compile(r"[\u4e00-\u9fff]+")
_MAX_WORDS = 4  # a full name jieba cuts into pieces (内蒙古/自治区) is re-joined from up to this many words


@dataclass(frozen=True)
class Gazetteer:
    full: dict[str, str]  # 忻州市 → 忻州 (its short form; itself when it has none), 泽州县, 内蒙古自治区 …
    short: dict[str, str]  # 忻州 → 忻州市: short forms that are no ordinary word
    names: frozenset[str]  # both


@cache
def gazetteer() -> Gazetteer:
    """The divisions of cpca's adcodes.csv (read as a file: importing cpca would load pandas)."""
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("未安装行政区划数据 cpca / the cpca gazetteer is not installed: pip install cpca")
    res = Path(next(iter(spec.submodule_search_locations))) / "resources"
    with open(res / "adcodes.csv", encoding="utf-8") as f:  # adcode PPCCXX…: a county has XX ≠ 00
        rows = sorted((row["adcode"][4:6] != "00", row["name"]) for row in csv.DictReader(f)
                      if row["name"] not in _PLACEHOLDERS)
    nations = (res / "56_nations.csv").read_text(encoding="utf-8").split()
    ethnic = "|".join(sorted({n.removesuffix("族") for n in nations if len(n) > 1}, key=len, reverse=True))
    # the longest suffix that leaves a name of two characters or more: 清新区 → 清新, 浦东新区 → 浦东
    split = re.compile(f"(.{{2,}}?)(?:(?:(?:{ethnic})族?)*(?:自治区|自治州|自治县|自治旗)|{_ADMIN_SUFFIX})")
    full = {n: m.group(1) for _, n in rows if (m := split.fullmatch(n))}  # not 城区, 和县: no name
    full |= {f"{b}州": b for n, b in full.items() if n.endswith("自治州")}  # 玉树藏族自治州 is 玉树州 too
    tags = pseg.dt.word_tag_tab
    short: dict[str, str] = {}
    for county, name in rows:  # provinces and cities first: 大同 is 大同市
        base = full.get(name, name)
        # a city's short form (大连, 保定) is what everyone calls it; a county's only when jieba's dictionary
        # knows it as a place or not at all (资源县 → 资源 n, 惠民县 → 惠民 nr, 合作市 → 合作 vn: those words)
        if base not in full and (not county or tags.get(base, "ns") == "ns"):
            short.setdefault(base, name)
    return Gazetteer(full, short, frozenset(full) | frozenset(short))


def place_alias(name: str) -> str:
    """忻州市 → 忻州, 内蒙古自治区 → 内蒙古; a name without a usable short form stays whole."""
    if name in (g := gazetteer()).full:
        return g.full[name]
    base = _ADMIN_END.sub("", name)
    return base if len(base) >= 2 else name


def named_places(text: str) -> list[str]:
    """Divisions the text names, as written (full name or short form), in order, each once."""
    g, words, found, i = gazetteer(), jieba.lcut(text), [], 0
    while i < len(words):  # the longest run of whole words that is a name
        n = next((n for n in range(_MAX_WORDS, 0, -1) if "".join(words[i:i + n]) in g.names), 0)
        if n and place_alias(name := "".join(words[i:i + n])) not in map(place_alias, found):
            found.append(name)
        i += max(n, 1)
    return found


def without_places(text: str, places: list[str]) -> str:
    """The text with each place blanked out, whichever of its forms it uses (晋城 / 晋城市)."""
    for p in sorted({place_alias(p) for p in places}, key=len, reverse=True):
        text = re.sub(re.escape(p) + f"(?:{_ADMIN_SUFFIX})?", " ", text)
    return text


def doc_places(region: str, title: str, issuer: str) -> list[str]:
    """The places a document is about: its region (a division, or a name with a division's suffix; not
    全国), the first place its title names and its issuer's."""
    g = gazetteer()
    out = [region] if region in g.names or _ADMIN_END.search(region) and len(region) >= 3 else []
    for text in (title, issuer):
        out += named_places(re.sub(r"[^\u4e00-\u9fff]", " ", text))[:1]
    return list(dict.fromkeys(out))


def site_words(text: str) -> list[tuple[str, str]]:
    """(word, name) of "<name>镇 / <name> 基地 …" in the text: 克井镇 → 克井, 火星 基地 → 火星."""
    words = [w for w in jieba.lcut(text) if w.strip()]
    out = []
    for i, w in enumerate(words):
        m = _SITE_SUFFIX.search(w)
        if m and m.start() >= 2:
            out.append((w, w[:m.start()]))
        elif m and m.start() == 0 and i and len(words[i - 1]) >= 2 and _HAN.fullmatch(words[i - 1]):
            out.append((words[i - 1] + w, words[i - 1]))
    return out

