"""The BM25 query of a question naming a document leaves that name out (the filter already enforces it)."""

from planqa.index import filters


def test_names_the_filter_enforces_are_removed_longest_first(demo_index):
    names = filters.document_names({d["doc_id"]: d for d in demo_index.documents()})
    text = filters.without_names("青海省和青海的外国人才目标是多少？", names)
    assert "青海" not in text and "外国人才目标是多少" in text
    assert filters.without_names("外国人才目标是多少？", names) == "外国人才目标是多少？"


def test_place_name_no_longer_outranks_the_answering_passage(demo_index):
    question = "青海的外国人才目标是多少？"
    hits = demo_index.search(question, k=3, mode="bm25")
    assert hits[0].doc_title.startswith("青海") and "外国人才达150人" in hits[0].chunk.text
    # The same document filter with the place kept in the query: the overview repeating 青海 comes first.
    kept = demo_index.search(question, k=3, mode="bm25", doc_ids=[hits[0].chunk.doc_id])
    assert "外国人才达150人" not in kept[0].chunk.text
