"""Vectors remembered by text and model, so a pack's phrasings are embedded only once.

The index build keeps its phrasings' vectors beside the index; guidance keeps the vectors
of its rules' examples the same way. Only a pack's own text is ever cached: live
utterances are embedded straight through and never written to disk.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import numpy as np

from agent_assist.retrieval.embedder import Embedder


def save_vectors(path: Path, model_id: str, texts: list[str], vectors: np.ndarray) -> None:
    partial = path.with_name(f"{path.name}.partial")
    path.parent.mkdir(parents=True, exist_ok=True)
    with partial.open("wb") as handle:  # written aside, then swapped in: never half a file
        np.savez(
            handle,
            model_id=np.array(model_id),
            texts=np.array(texts, dtype=object).astype(str),
            vectors=vectors,
        )
    os.replace(partial, path)


def load_vectors(path: Path, model_id: str) -> dict[str, np.ndarray]:
    """The saved vectors by text; empty when missing, damaged or from another model."""
    try:
        with np.load(path, allow_pickle=False) as saved:
            if str(saved["model_id"]) != model_id:
                return {}
            return dict(zip(saved["texts"].tolist(), saved["vectors"], strict=True))
    except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile):
        return {}  # no previous build, an older format or a damaged file: embed everything


class CachedEmbedder:
    """An embedder for a pack's fixed phrasings that reuses the vectors saved at ``path``.

    ``save`` keeps exactly the texts embedded since loading, so phrasings removed from the
    pack drop out of the file.
    """

    def __init__(self, embedder: Embedder, path: Path | None) -> None:
        self._embedder = embedder
        self._path = path
        self.model_id = embedder.model_id
        self.dim = embedder.dim
        self.default_min_score = embedder.default_min_score
        self._saved = load_vectors(path, embedder.model_id) if path is not None else {}
        self._on_disk = set(self._saved)
        self._used: dict[str, np.ndarray] = {}
        self.newly_embedded = 0

    def encode(self, texts: list[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self._saved))
        if missing:
            self.newly_embedded += len(missing)
            self._saved.update(zip(missing, self._embedder.encode(missing), strict=True))
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            vectors[row] = self._used[text] = self._saved[text]
        return vectors

    def save(self) -> None:
        if self._path is None or not self._used or set(self._used) == self._on_disk:
            return
        texts = list(self._used)
        save_vectors(self._path, self.model_id, texts, np.stack([self._used[t] for t in texts]))
