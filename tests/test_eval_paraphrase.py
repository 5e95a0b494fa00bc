"""The paraphrase rule (eval/paraphrase.py) on fixed questions of the demo corpus, and every
paraphrase set in eval/data holds it with quotes that exist in the cleaned documents and chunks."""

from __future__ import annotations

import pytest
from docids import JC

from planqa.corpus import build_corpus
from planqa.eval.dataset import DATA_DIR, EvalItem, check_items, load_dataset
from planqa.eval.paraphrase import MAX_MEAN_SHARE, Masker, check_set
from planqa.eval.textnorm import normalize
from planqa.settings import DEMO_CORPUS

PARAPHRASE_SETS = sorted(DATA_DIR.glob("paraphrase_*.jsonl"))
QUOTE = "全市从业人员持证率达到55%以上"


@pytest.fixture(scope="module")
def corpus():
    return build_corpus([DEMO_CORPUS])


def _item(question: str) -> EvalItem:
    return EvalItem(id="x", question=question, type="number", answerable=True, docs=[JC], quotes=[QUOTE],
                    keywords=["55%"])


def test_a_question_in_the_plans_words_fails(corpus):
    result = check_set([_item("晋城全市从业人员持证率要达到多少?")], corpus)
    assert not result.ok
    assert result.checks[0].offenders == ["全市从业人员持证率"]
    assert result.mean_share > MAX_MEAN_SHARE


def test_a_paraphrased_question_passes(corpus):
    result = check_set([_item("晋城到2025年有上岗证书的劳动者要占几成?")], corpus)
    assert result.checks[0].offenders == []
    assert result.ok, result.checks[0]


def test_places_titles_numbers_and_quoted_names_are_exempt(corpus):
    masker = Masker.from_documents(corpus.documents)
    q = "晋城市和泽州县在“十四五”期间按《高平市推进职业教育改革发展行动计划》到2025年达到85%吗"
    masked = masker.mask(q)
    exempt = "".join(ch for ch, m in zip(q, masked, strict=True) if m)
    for name in ("晋城市", "泽州县", "“十四五”", "《高平市推进职业教育改革发展行动计划》", "2025年", "85%"):
        assert name in exempt, name
    assert "期间" not in exempt and "达到" not in exempt


def test_a_quote_missing_from_the_chunks_fails_the_set(corpus):
    item = _item("晋城到2025年有上岗证书的劳动者要占几成?")
    item.quotes = ["这句话不在任何文件里出现过"]
    assert not check_set([item], corpus).ok


@pytest.mark.parametrize("path", PARAPHRASE_SETS, ids=[p.stem for p in PARAPHRASE_SETS])
def test_paraphrase_set_loads_quotes_exist_and_rule_holds(path, corpus):
    items = load_dataset(path)
    assert check_items(items) == []
    texts = {d.doc_id: normalize(d.text) for d in corpus.documents}
    for it in items:
        pairs = list(zip(it.docs, it.quotes, strict=True))
        if it.near_quote:
            pairs.append((it.near_doc, it.near_quote))
        for doc, quote in pairs:
            q = normalize(quote)
            assert 8 <= len(q) <= 60, (it.id, quote)
            assert q in texts[doc], (it.id, doc, quote)
        if not it.answerable:
            assert it.near_miss, it.id
    result = check_set(items, corpus)
    assert [c.id for c in result.checks if c.offenders] == []
    assert result.missing_quotes == []
    assert result.mean_share <= MAX_MEAN_SHARE
