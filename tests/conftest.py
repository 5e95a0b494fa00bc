"""Shared fixtures: the real demo corpus, built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from planqa.settings import DEMO_CORPUS, Settings

SHARED_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def demo_dir() -> Path:
    return DEMO_CORPUS


@pytest.fixture(scope="session")
def corpus(demo_dir):
    from planqa.corpus import build_corpus

    return build_corpus([demo_dir])


@pytest.fixture()
def settings(tmp_path) -> Settings:
    return Settings(home=tmp_path / "home")


# --- index fixtures (owned by the index area) ---


@pytest.fixture(scope="session")
def use_encoder():
    """The bundled USE encoder, flagged as a fallback exactly as on a machine without the BGE model."""
    from planqa.index.encoders import UseEncoder, fallback_note

    return UseEncoder(fallback=True, note=fallback_note(Settings().model))


@pytest.fixture(scope="session")
def demo_index(tmp_path_factory, use_encoder):
    """The demo corpus index, built once per session with the USE encoder. Treat it as read-only:
    tests that add/remove documents use `demo_index_copy`."""
    from planqa.index import build_index
    from planqa.index.fusion import DEV_TUNED_BM25_WEIGHT

    settings = Settings(home=tmp_path_factory.mktemp("demo_home"), bm25_weight=DEV_TUNED_BM25_WEIGHT)
    return build_index(settings, [DEMO_CORPUS], encoder=use_encoder)


@pytest.fixture()
def demo_index_copy(tmp_path, demo_index, use_encoder):
    """A private, writable copy of the demo index (files copied, nothing re-encoded)."""
    import shutil

    from planqa.index import open_index

    settings = demo_index.settings.with_(home=tmp_path / "home_copy")
    shutil.copytree(demo_index.settings.index_dir, settings.index_dir)
    return open_index(settings, build_demo_if_missing=False, encoder=use_encoder)


# --- qa fixtures ---
@pytest.fixture(scope="module")
def engine(demo_index):
    """The extractive engine over the shared demo index (read-only)."""
    from planqa.qa.engine import Engine

    return Engine(demo_index.settings, demo_index)
