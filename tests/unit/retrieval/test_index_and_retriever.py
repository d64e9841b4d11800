"""Rebuilding a pack's index embeds only the texts that changed (a counting stand-in embedder:
the real embedders are exercised in tests/integration)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from agent_assist.retrieval.index import build_index, load_index
from agent_assist.retrieval.pack import load_pack
from tests.conftest import SAMPLE_PACK


class CountingEmbedder:
    model_id = "counting@1"
    dim = 8
    default_min_score = 0.5

    def __init__(self) -> None:
        self.embedded: list[str] = []

    def encode(self, texts: list[str]) -> np.ndarray:
        self.embedded += texts
        rows = np.array([[hash(t) % 97 + i for i in range(self.dim)] for t in texts], "float32")
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)


class SeededEmbedder(CountingEmbedder):
    """Distinct pseudo-random unit vectors per text (no ties, unlike the counting one)."""

    model_id = "seeded@1"
    dim = 32

    def encode(self, texts: list[str]) -> np.ndarray:
        import hashlib

        self.embedded += texts
        rows = [
            np.random.default_rng(
                int(hashlib.sha256(t.encode()).hexdigest()[:8], 16)
            ).standard_normal(self.dim)
            for t in texts
        ]
        array = np.asarray(rows, dtype=np.float32)
        return array / np.linalg.norm(array, axis=1, keepdims=True)


def test_a_rebuild_embeds_only_new_and_changed_texts(tmp_path: Path) -> None:
    pack_dir = Path(shutil.copytree(SAMPLE_PACK, tmp_path / "pack"))
    embedder = CountingEmbedder()
    first = build_index(load_pack(pack_dir), embedder, tmp_path / "index")
    assert first["counts"]["vectors_embedded"] == first["counts"]["vectors"]
    entry = load_pack(pack_dir).entries[0]
    text = (pack_dir / "knowledge.yaml").read_text(encoding="utf-8")
    text = text.replace(f"      - {entry.questions[0]}\n", "      - 一个全新的问法\n", 1)
    (pack_dir / "knowledge.yaml").write_text(text, encoding="utf-8")
    embedder.embedded.clear()
    second = build_index(load_pack(pack_dir), embedder, tmp_path / "index")
    assert embedder.embedded == ["一个全新的问法"]
    assert second["counts"]["vectors_reused"] == second["counts"]["vectors"] - 1
    loaded = load_index(tmp_path / "index", embedder)
    row = loaded.vector_text.index("一个全新的问法")
    assert np.allclose(loaded.faiss_index.reconstruct(row), embedder.encode(["一个全新的问法"])[0])


def test_vectors_of_another_model_are_never_reused(tmp_path: Path) -> None:
    pack = load_pack(SAMPLE_PACK)
    build_index(pack, CountingEmbedder(), tmp_path / "index")
    other = CountingEmbedder()
    other.model_id = "counting@2"
    build = build_index(pack, other, tmp_path / "index")
    assert build["counts"]["vectors_reused"] == 0


def test_large_packs_get_an_approximate_index_tuned_against_exact_search(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The size threshold lowered so a small pack crosses it; the same code runs at 1M."""
    from agent_assist.retrieval import index as index_module
    from agent_assist.retrieval.retriever import Retriever

    monkeypatch.setattr(index_module, "APPROX_MIN_VECTORS", 100)
    embedder = SeededEmbedder()
    build = build_index(load_pack(SAMPLE_PACK), embedder, tmp_path / "index")
    assert build["search"]["kind"] == "ivf-sq8-refined"
    assert build["search"]["recall_at_10"] >= index_module.TARGET_RECALL_AT_10
    loaded = load_index(tmp_path / "index", embedder)
    import faiss

    assert faiss.extract_index_ivf(loaded.faiss_index).nprobe == build["search"]["nprobe"]
    retriever = Retriever(embedder, loaded, top_k=3, min_score=-1.0, method="fused")
    ranked = retriever.rank(loaded.vector_text[5])
    assert loaded.items[ranked[0].position] is loaded.items[int(loaded.vector_item[5])]


def test_a_short_follow_up_borrows_the_previous_sentence(tmp_path: Path) -> None:
    from agent_assist.domain import Query
    from agent_assist.retrieval.retriever import Retriever

    embedder = SeededEmbedder()
    build_index(load_pack(SAMPLE_PACK), embedder, tmp_path / "index")
    retriever = Retriever(embedder, load_index(tmp_path / "index", embedder), 3, -1.0)
    embedder.embedded.clear()
    retriever.search(Query(1, "customer-3", "那利息呢", True, 0, context="我想提前还款"))
    assert embedder.embedded == ["那利息呢", "我想提前还款"]
    embedder.embedded.clear()
    retriever.search(Query(2, "customer-4", "我想问一下提前还款的利息怎么算", True, 0, "上一句"))
    assert embedder.embedded == ["我想问一下提前还款的利息怎么算"]


def test_a_damaged_vector_cache_is_rebuilt_not_fatal(tmp_path: Path) -> None:
    from agent_assist.retrieval.index import VECTORS_FILE

    pack = load_pack(SAMPLE_PACK)
    build_index(pack, CountingEmbedder(), tmp_path / "index")
    cache = tmp_path / "index" / VECTORS_FILE
    cache.write_bytes(cache.read_bytes()[:100])  # killed mid-write by an older version
    build = build_index(pack, CountingEmbedder(), tmp_path / "index")
    assert build["counts"]["vectors_reused"] == 0
