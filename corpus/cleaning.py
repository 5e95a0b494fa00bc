"""Named cleaning steps on raw lines: boilerplate, tables of contents, lost characters, line breaks."""

from __future__ import annotations

import re

from planqa.corpus.headings import match_heading
from planqa.corpus.normalize import CJK

_BOILERPLATE = re.compile(
    r"当前位置|推荐访问|欢迎来到|浏览量|浏览次数|相关推荐|相关阅读|相关文章|上一篇[:：]|下一篇[:：]|版权所有|"
    r"免责声明|扫一扫|分享到|打印本页|关闭窗口|【字体|网站地图|联系我们|返回顶部|点击排行|收藏本站|"
    r"^文章属性$|^正文$|^【(效力等级|时效性|主题分类|施行日期|失效日期)】|本文来源|责任编辑|字号[:：]?\s*[大中小]"
)
# A heading line that ends in a page number ("发展基础5", "……41", " 41") belongs to a table of contents.
_PAGE_NUMBER_END = re.compile(r"(\.{2,}|…+|·+|[\s\t]|(?<=[" + CJK + r"）)”]))\s*\d{1,3}\s*$")
_LEADER = re.compile(r"\.{4,}|…{2,}|·{3,}|(• ?){3,}")
_TOC_TITLE = re.compile(r"^\s*目\s*录\s*$")

SENTENCE_END = "。！？!?；;：:…”」』）)"
_LIST_START = re.compile(r"^\s*(——|—|一是|二是|三是|[•●▪■◆]|[（(][一二三四五六七八九十\d]+[)）]|\d{1,2}[.、．](?!\d)|专栏)")
_TITLE_END = re.compile(r"(规划|计划|纲要|方案|通知|意见|文件|办法|\d{1,2}日|号|[)）])$")


def is_boilerplate(line: str) -> bool:
    """Site navigation, ads, share/print links and law-database attribute lines."""
    return bool(_BOILERPLATE.search(line.strip()))


def remove_boilerplate(lines: list[str]) -> tuple[list[str], int]:
    """Blank boilerplate lines out (blanking keeps line numbers aligned with styled headings)."""
    kept = ["" if is_boilerplate(ln) else ln for ln in lines]
    return kept, sum(1 for a, b in zip(lines, kept, strict=True) if a != b)


def is_toc_line(line: str) -> bool:
    """A heading followed by a page number or dotted leaders."""
    stripped = line.strip()
    if not stripped:
        return False
    if _LEADER.search(stripped) and len(stripped) < 120:
        return True
    heading = match_heading(re.sub(r"\s+", " ", stripped))
    if heading is None or heading.inline_body or heading.kind not in {"part", "chapter", "section", "cn_number"}:
        return False
    return bool(_PAGE_NUMBER_END.search(stripped)) and not re.search(r"\d{4}年?\s*$", stripped)


def _clean_heading_line(line: str) -> bool:
    stripped = line.strip()
    return (
        bool(stripped)
        and "\t" not in line
        and match_heading(stripped) is not None
        and not is_toc_line(stripped)
    )


def remove_toc(lines: list[str]) -> tuple[list[str], int]:
    """Blank a 目录 block (up to the first clean heading) and stray TOC lines elsewhere."""
    out: list[str] = []
    removed = 0
    i = 0
    while i < len(lines):
        line = lines[i]
        if _TOC_TITLE.match(line):
            j = i + 1
            while j < len(lines) and not _clean_heading_line(lines[j]):
                if len(lines[j].strip()) > 80 and lines[j].strip().endswith("。"):
                    break  # body text reached without a clean heading: stop, keep it
                j += 1
            removed += sum(1 for ln in lines[i:j] if ln.strip())
            out.extend([""] * (j - i))
            i = j
            continue
        if is_toc_line(line):
            removed += 1
            out.append("")
        else:
            out.append(line)
        i += 1
    return out, removed


_LOST = re.compile(r"\ufffd|(?<=[" + CJK + r"“”\d])\?|\?(?=[" + CJK + r"“”])")


def count_lost_chars(text: str) -> int:
    """Characters the extraction lost ("?" inside Chinese text, U+FFFD). They stay in the text."""
    return len(_LOST.findall(text))


def should_join(prev: str, nxt: str) -> bool:
    """Is `nxt` the continuation of a sentence that a PDF line break cut in `prev`?"""
    prev, nxt = prev.rstrip(), nxt.lstrip()
    if not prev or not nxt or len(prev) < 8:
        return False
    if prev[-1] in "”」』）)" and len(prev) > 1 and prev[-2] not in SENTENCE_END:
        pass  # a closing quote or bracket mid-sentence: “双元” / 育人模式
    elif prev[-1] in SENTENCE_END or _TITLE_END.search(prev) or prev[-1] == "|":
        return False
    return not (_LIST_START.match(nxt) or match_heading(nxt) is not None)


def repair_line_breaks(paragraphs: list[str]) -> tuple[list[str], int]:
    """Join paragraph lines broken inside a sentence; blank lines between them were already dropped."""
    out: list[str] = []
    joined = 0
    for para in paragraphs:
        if out and should_join(out[-1], para):
            out[-1] = out[-1].rstrip() + para.lstrip()
            joined += 1
        else:
            out.append(para)
    return out, joined
