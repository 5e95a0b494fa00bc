"""Character-level normalisation that never changes the wording.

- full-width digits/letters/space → half-width (２０２５ → 2025);
- half-width punctuation inside Chinese text → the full-width form a Chinese text uses (, → ，);
- straight double quotes around Chinese words → “ ”;
- spaces between Chinese characters, and inside numbers broken by extraction, removed
  ("3. 3" → "3.3", "2023 年" → "2023年").
- `map_radicals`: CJK radical code points (U+2E80–U+2EFF, U+2F00–U+2FDF), which PDF fonts often map their
  glyphs to, → the equivalent ideograph (⼈ → 人, ⺠ → 民), from Unicode's EquivalentUnifiedIdeograph table.
  An extraction artefact like a wrong encoding, so the pipeline applies it once to the raw lines at load.
"?" is left alone: in these extractions it marks a lost character, not a question.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from importlib import resources

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_PUNCT = "，。、；：？！“”‘’（）《》〈〉【】〔〕—…·「」『』"
_CJK_OR_PUNCT = f"[{CJK}{re.escape(CJK_PUNCT)}]"

_HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "!": "！", "(": "（", ")": "）"}

_FULLWIDTH_ALNUM = {chr(c): chr(c - 0xFEE0) for c in range(0xFF10, 0xFF1A)}  # ０-９
_FULLWIDTH_ALNUM.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_FULLWIDTH_ALNUM.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF41, 0xFF5B)})  # ａ-ｚ
_FULLWIDTH_ALNUM.update({"\u3000": " ", "\xa0": " ", "．": ".", "％": "%", "＋": "+", "－": "-", "／": "/"})
_WIDTH_TABLE = str.maketrans(_FULLWIDTH_ALNUM)

_SPACE_BETWEEN_CJK = re.compile(f"(?<={_CJK_OR_PUNCT})[ \u3000]+(?={_CJK_OR_PUNCT})")
_SPACE_CJK_DIGIT = re.compile(f"(?<=[0-9%])[ ]+(?=[{CJK}])|(?<=[{CJK}])[ ]+(?=[0-9])")
_BROKEN_DECIMAL = re.compile(r"(?<=\d)\. (?=\d)")
_BROKEN_RATIO = re.compile(r"(?<=\d)([:：]) (?=\d)")


_RADICAL_BLOCKS = re.compile("[\u2e80-\u2eff\u2f00-\u2fdf]")


@cache
def radical_table() -> dict[int, str]:
    """Radical code point → ideograph: the shipped table (data/radicals.tsv), then NFKC for the rest."""
    table: dict[int, str] = {}
    text = resources.files("planqa.corpus").joinpath("data/radicals.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            cp, target = line.split("\t")[:2]
            table[int(cp, 16)] = chr(int(target, 16))
    for cp in [*range(0x2E80, 0x2F00), *range(0x2F00, 0x2FE0)]:
        folded = unicodedata.normalize("NFKC", chr(cp))
        if cp not in table and folded != chr(cp):
            table[cp] = folded
    return table


def map_radicals(text: str) -> str:
    """Radical code points to the ideographs they stand for; other characters untouched."""
    if not _RADICAL_BLOCKS.search(text):
        return text
    return text.translate(radical_table())


def normalize_width(text: str) -> str:
    """Full-width digits, Latin letters and spaces to half-width."""
    return text.translate(_WIDTH_TABLE)


def _punct_to_fullwidth(text: str) -> str:
    out = list(text)
    for i, ch in enumerate(out):
        if ch not in _HALF_TO_FULL:
            continue
        prev = out[i - 1] if i else ""
        nxt = out[i + 1] if i + 1 < len(out) else ""
        if ch == ":" and prev.isdigit() and nxt.isdigit():
            continue  # a ratio or a time, 3:3:4
        if ch in "()":
            # brackets are converted when they enclose Chinese, e.g. (一) or (估算)
            if re.match(_CJK_OR_PUNCT, nxt or " ") or re.match(_CJK_OR_PUNCT, prev or " "):
                out[i] = _HALF_TO_FULL[ch]
            continue
        if re.match(_CJK_OR_PUNCT, prev or " ") or re.match(f"[{CJK}“]", nxt or " "):
            out[i] = _HALF_TO_FULL[ch]
    return "".join(out)


def _straight_quotes_to_curly(text: str) -> str:
    """Pair straight double quotes on a line as “…” when the line is Chinese."""
    if '"' not in text or not re.search(f"[{CJK}]", text):
        return text
    parts = text.split('"')
    if len(parts) % 2 == 0:  # unbalanced: leave it as it is rather than guess
        return text
    out = [parts[0]]
    for i, part in enumerate(parts[1:]):
        out.append("“" if i % 2 == 0 else "”")
        out.append(part)
    return "".join(out)


def normalize_line(line: str) -> str:
    """Normalise one line of text (no line breaks inside)."""
    line = normalize_width(line).replace("\t", " ")
    line = re.sub(r"[ ]{2,}", " ", line).strip()
    line = _BROKEN_DECIMAL.sub(".", line)
    line = _BROKEN_RATIO.sub(r"\1", line)
    line = _straight_quotes_to_curly(line)
    line = _punct_to_fullwidth(line)
    line = _SPACE_BETWEEN_CJK.sub("", line)
    line = _SPACE_CJK_DIGIT.sub("", line)
    return line


_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‟": '"', "‘": "'", "’": "'", "〔": "[", "〕": "]"})


def match_key(text: str) -> str:
    """A comparison form: width- and punctuation-folded, whitespace removed.

    Lets a quote copied from the raw file match the cleaned text. (The eval metrics use their own,
    stricter folding: `planqa.eval.textnorm.normalize`.)
    """
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return re.sub(r"\s+", "", text)
