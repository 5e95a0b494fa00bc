"""Quote matching is insensitive to whitespace, width, quote marks and 文号 bracket styles."""

from __future__ import annotations

from planqa.eval.textnorm import containment, contains, normalize, numbers_in


def test_normalize_variants():
    assert normalize("晋市政发 [2022] 24号") == normalize("晋市政发〔2022〕24号")
    assert normalize("以劳务品牌\"棋源叉车工\"为引领") == normalize("以劳务品牌“棋源叉车工”为引领")
    assert normalize("其中：高技能人才总量") == normalize("其中:高技能人才总量")
    assert normalize("**办学能力基本达标。**") == "办学能力基本达标。"
    assert contains("到 2023\n年底,初步建成", "到2023年底") and not contains("abc", "")


def test_numbers_and_containment():
    assert numbers_in("达到1,000人,占23.9%,共１２所") == ["1000", "23.9", "12"]
    assert numbers_in("分别为95,88") == ["95", "88"]
    assert containment("高技能人才", "高技能人才总量") == 1.0
    assert containment("", "x") == 0.0
