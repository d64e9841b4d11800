"""The cache of a pack's phrasing vectors: embed once, reuse after a restart, never stale."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from agent_assist.retrieval.vector_cache import CachedEmbedder, load_vectors
from tests.unit.retrieval.test_index_and_retriever import CountingEmbedder


def test_a_restart_embeds_only_new_phrasings(tmp_path: Path) -> None:
    path = tmp_path / "cache" / "vectors.npz"
    first = CachedEmbedder(CountingEmbedder(), path)
    vectors = first.encode(["甲", "乙", "甲"])
    first.save()
    assert first.newly_embedded == 2
    assert np.array_equal(vectors[0], vectors[2])

    inner = CountingEmbedder()
    second = CachedEmbedder(inner, path)
    again = second.encode(["乙", "丙"])
    second.save()
    assert inner.embedded == ["丙"]
    assert np.array_equal(again[0], vectors[1])
    # Only what this start used is kept: 甲 left the pack, so it leaves the file.
    assert set(load_vectors(path, CountingEmbedder.model_id)) == {"乙", "丙"}


def test_another_model_or_a_damaged_file_means_embedding_again(tmp_path: Path) -> None:
    path = tmp_path / "vectors.npz"
    cached = CachedEmbedder(CountingEmbedder(), path)
    cached.encode(["甲"])
    cached.save()

    class OtherModel(CountingEmbedder):
        model_id = "other@2"

    other = OtherModel()
    CachedEmbedder(other, path).encode(["甲"])
    assert other.embedded == ["甲"]

    path.write_bytes(b"not a zip")
    inner = CountingEmbedder()
    CachedEmbedder(inner, path).encode(["甲"])
    assert inner.embedded == ["甲"]


def test_without_a_path_nothing_is_written(tmp_path: Path) -> None:
    cached = CachedEmbedder(CountingEmbedder(), None)
    cached.encode(["甲"])
    cached.save()
    assert list(tmp_path.iterdir()) == []
