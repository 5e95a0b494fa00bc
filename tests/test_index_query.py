"""The BM25 query of a question naming a document leaves that name out (the filter already enforces it)."""

from planqa.index import filters
from planqa.index.base import Query


def test_names_the_filter_enforces_are_removed_longest_first(demo_index):
    names = filters.document_names({d["doc_id"]: d for d in demo_index.documents()})
    text = filters.without_names("青海省和青海的外国人才目标是多少？", names)
    assert "青海" not in text and "外国人才目标是多少" in text
    assert filters.without_names("外国人才目标是多少？", names) == "外国人才目标是多少？"


def test_place_name_no_longer_outranks_the_answering_passage(demo_index):
    question = "青海的外国人才目标是多少？"
    hits = demo_index.search(question, k=3, mode="bm25")
    assert hits[0].doc_title.startswith("青海") and "外国人才达150人" in hits[0].chunk.text
    doc = {hits[0].chunk.doc_id}
    # An explicit filter on that document leaves the name out just the same (the answerer searches so).
    assert "外国人才达150人" in demo_index.search(question, k=3, mode="bm25", doc_ids=doc)[0].chunk.text
    # The store scoring the whole question inside the same filter: the overview repeating 青海 comes first.
    kept = demo_index.store.current().search(Query(question, lambda _text: None), 3, "bm25", doc)
    assert "外国人才达150人" not in kept[0].chunk.text
