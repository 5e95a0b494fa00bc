"""PDF text layers often carry Kangxi / CJK-radical code points (⼈ U+2F08 for 人): they must read as ideographs."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from planqa.corpus.normalize import map_radicals, radical_table

UCD = Path("/usr/share/unicode/EquivalentUnifiedIdeograph.txt")
_LINE = re.compile(r"^([0-9A-F]{4,6})(?:\.\.([0-9A-F]{4,6}))?\s*;\s*([0-9A-F]{4,6})")


def _ucd_equivalents() -> dict[int, int]:
    out: dict[int, int] = {}
    for line in UCD.read_text(encoding="utf-8").splitlines():
        m = _LINE.match(line)
        if m:
            first, last = int(m.group(1), 16), int(m.group(2) or m.group(1), 16)
            for cp in range(first, last + 1):
                out[cp] = int(m.group(3), 16)
    return out


@pytest.mark.skipif(not UCD.exists(), reason="Debian unicode-data not installed")
def test_every_radical_with_an_equivalent_ideograph_maps_to_it():
    equivalents = _ucd_equivalents()
    blocks = [*range(0x2E80, 0x2F00), *range(0x2F00, 0x2FE0)]
    checked = 0
    for cp in blocks:
        if cp in equivalents:
            assert map_radicals(chr(cp)) == chr(equivalents[cp]), f"U+{cp:04X}"
            checked += 1
    assert checked > 300  # both blocks are covered, not a handful


def test_shipped_table_covers_both_blocks_and_names_its_source():
    table = radical_table()
    assert table[0x2F08] == "人" and table[0x2FBC] == "高" and table[0x2EA0] == "民"
    assert all(0x3400 <= ord(v) <= 0x9FFF or ord(v) >= 0x20000 for v in table.values())


def test_radicals_in_a_pdf_line_are_searchable_text():
    line = "⼈才队伍建设，⾼技能⼈才达到10万⼈，⺠⽣保障"
    assert map_radicals(line) == "人才队伍建设，高技能人才达到10万人，民生保障"


def test_mapping_leaves_other_text_alone_and_is_idempotent():
    text = "晋城市“十四五”人才规划（2021—2025年）"
    assert map_radicals(text) == text
    once = map_radicals("⼈⼒资源")
    assert map_radicals(once) == once == unicodedata.normalize("NFC", once)


def test_headings_written_with_radicals_are_found(tmp_path):
    from planqa.corpus import build_corpus

    (tmp_path / "plan.txt").write_text(
        "某市⼈才发展规划\n\n第⼀章 发展基础\n\n⼈才队伍不断壮⼤，⾼层次⼈才持续增加。\n\n"
        "第⼆章 总体要求\n\n坚持党管⼈才原则，建设⾼素质队伍。\n", encoding="utf-8")
    doc = build_corpus([tmp_path]).documents[0]
    assert [h.title for h in doc.headings] == ["第一章 发展基础", "第二章 总体要求"]
