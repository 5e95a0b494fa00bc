"""Which figure of a plan's sentence belongs to which indicator, on sentences of the demo corpus: a "分别"
list maps its names to its figures in order, each clause names its own figure, a table row's head names its
base and target, and two labels name one indicator only when their words agree."""

from __future__ import annotations

import pytest

from planqa.corpus.figures import alike, figure_labels

PERIOD = ("2021", "2025")


@pytest.fixture(scope="module")
def sentence(corpus):
    from planqa.corpus.sentences import split_sentences

    def find(part: str) -> str:
        """The one sentence of the demo corpus that holds `part` (so every case here is a real sentence)."""
        found = {s.text for c in corpus.chunks if part in c.text for s in split_sentences(c.text) if part in s.text}
        assert len(found) == 1, (part, found)
        return found.pop()

    return find


def labels(text: str) -> dict[str, str]:
    return {f.value + f.unit: f.label for f in figure_labels(text, PERIOD)}


def test_a_respectively_list_gives_each_figure_the_name_in_its_place(sentence):
    # 济源: five names, five places; the first and last figures are lost (□/?) and keep their places
    got = labels(sentence("社会工作专业人才分别达到?万人"))
    assert got == {"3.4万人": "专业技术人才", "10.3万人": "高技能人才", "1.5万人": "农村实用人才"}
    # 浙江: the last figure joined by 和; the clause before the list names its own figure
    got = labels(sentence("分别达到380万人"))
    assert got["680万人"] == "专业技术人才" and got["12万人"] == "社会工作专业人才" and "党政人才" in got["32.5万人"]
    # 邵阳: two names joined by 和
    assert labels(sentence("技能劳动者和高技能人才总量分别达")) == {"20万人": "全市技能劳动者", "3万人": "高技能人才总量"}
    # 济源: the names follow 分别 and its verb ("分别给予A、B、C X、Y、Z"), not the subject before it
    got = labels(sentence("分别给予济源选手、教练、组织单位"))
    assert "选手" in got["8万元"] and got["3万元"] == "教练" and "组织单位" in got["2万元"]
    # a single name and several figures after 分别 is no such list: the subject keeps its figures
    got = labels(sentence("基金收支结余分别达3.83亿元"))
    assert got["9.92亿元"] == "基金收支结余"


def test_each_clause_names_its_own_figure(sentence):
    got = labels(sentence("城镇新增就业7.5万人以上"))
    assert "城镇新增就业" in got["7.5万人"] and "农村劳动力转移就业" in got["1.85万人"]
    assert "失业率" in got["5.5%"] and "失业率" not in got["7.5万人"]
    # a list of "name figure、name figure" without 分别
    got = labels(sentence("晋城市拥有党政人才1.78万人"))
    assert got["1.78万人"].endswith("党政人才") and got["5.3万人"] == "专业技术人才"


def test_a_table_row_head_names_its_base_and_its_target(sentence):
    row = figure_labels(sentence("其中：高技能人才总量：2020年基数 8.5"), PERIOD)
    assert [(f.value, f.label, f.tense) for f in row] == [("8.5", "高技能人才总量", "past"),
                                                          ("12", "高技能人才总量", "target")]
    # a table whose columns are years: the plan's last year is its target
    row = figure_labels(sentence("9. 技能人才总量（万人）"), PERIOD)
    assert [f.tense for f in row] == ["past", "target"] and all("技能人才总量" in f.label for f in row)


def test_a_share_names_the_indicator_before_it_and_a_counter_the_noun_after_it(sentence):
    got = labels(sentence("持证人员总量达到35.4万人，占从业人员"))
    assert "持证人员" in got["95%"] and "从业人员" in got["95%"]
    assert "光机电劳务品牌" in labels(sentence("打造1-2个光机电劳务品牌"))["2个"]


def test_labels_name_one_indicator_only_when_their_words_agree():
    assert alike(["科技进步贡献率超过", "科技贡献率达到以上"], 0.5)
    assert not alike(["科技创新创业团队", "科技贡献率达到以上"], 0.5)  # one shared word is no same wording
    assert not alike(["新型研发机构等省级各类研发机构", "全市博士后科研流动站、工作站"])
    assert alike(["城镇新增就业", "“十四五”期间全市城镇新增就业"], 0.5)  # periods and 全市 name nothing
