"""Real models and a real index, built once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent_assist.config import RetrievalSettings
from agent_assist.services import AssistServices, load_services
from tests.conftest import SAMPLE_PACK


@pytest.fixture(scope="session")
def services(tmp_path_factory: pytest.TempPathFactory, use_model_dir: Path) -> AssistServices:
    """The default embedder (USE, from ../shared/assets) over the sample pack's FAISS index."""
    settings = RetrievalSettings(
        embedder=str(use_model_dir),
        pack=SAMPLE_PACK,
        index_root=tmp_path_factory.mktemp("index"),
    )
    return load_services(settings, tmp_path_factory.mktemp("models"))
