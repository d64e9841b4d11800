"""Warnings about a valid pack: near-duplicate entries and entries out of their date range."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from agent_assist.retrieval.embedder import Embedder
from agent_assist.retrieval.pack import ScriptPack

# Two questions of different entries this similar (cosine) mean the same thing.
NEAR_DUPLICATE_COSINE = 0.92


@dataclass(frozen=True, slots=True)
class PackWarning:
    entry_id: str
    message: str

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.message}"


def lint_pack(
    pack: ScriptPack,
    embedder: Embedder | None = None,
    today: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[PackWarning]:
    """Everything a team lead should look at before publishing; the pack itself is valid."""
    today = today or dt.date.today()
    warnings = _out_of_date(pack, today)
    warnings += _same_question_text(pack)
    if embedder is not None:
        warnings += _same_meaning(pack, embedder, progress)
    return warnings


def _out_of_date(pack: ScriptPack, today: dt.date) -> list[PackWarning]:
    out = []
    for entry in pack.entries:
        if entry.valid_until and entry.valid_until < today:
            out.append(PackWarning(entry.id, f"expired on {entry.valid_until}; never shown"))
        elif entry.valid_from and entry.valid_from > today:
            out.append(PackWarning(entry.id, f"not shown until {entry.valid_from}"))
    return out


def _normalised(text: str) -> str:
    kept = (c.lower() for c in unicodedata.normalize("NFKC", text))
    return "".join(c for c in kept if c.isalnum())


def _same_question_text(pack: ScriptPack) -> list[PackWarning]:
    first_owner: dict[str, str] = {}
    out = []
    for entry in pack.entries:
        for question in entry.questions:
            key = _normalised(question)
            owner = first_owner.setdefault(key, entry.id)
            if owner != entry.id:
                message = f"question {question!r} is also a question of {owner}"
                out.append(PackWarning(entry.id, message))
    return out


def _same_meaning(
    pack: ScriptPack, embedder: Embedder, progress: Callable[[int, int], None] | None
) -> list[PackWarning]:
    """Pairs of entries whose questions embed almost identically (kNN over all questions)."""
    import faiss

    owners = [(entry.id, q) for entry in pack.entries for q in entry.questions]
    if len(owners) < 2:
        return []
    vectors = _embed_all(embedder, [q for _, q in owners], progress)
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(vectors)
    scores, neighbours = index.search(vectors, min(6, len(owners)))
    pairs: dict[tuple[str, str], tuple[float, str, str]] = {}
    for i, (row_scores, row) in enumerate(zip(scores, neighbours, strict=True)):
        for score, j in zip(row_scores, row, strict=True):
            a, b = owners[i][0], owners[j][0]
            if j < 0 or a == b or score < NEAR_DUPLICATE_COSINE:
                continue
            key = (min(a, b), max(a, b))
            if score > pairs.get(key, (0.0, "", ""))[0]:
                pairs[key] = (float(score), owners[i][1], owners[j][1])
    return [
        PackWarning(a, f"near-duplicate of {b} ({score:.2f}): {qa!r} ~ {qb!r}")
        for (a, b), (score, qa, qb) in sorted(pairs.items())
    ]


def _embed_all(
    embedder: Embedder, texts: list[str], progress: Callable[[int, int], None] | None
) -> np.ndarray:
    batch = 256
    parts = []
    for start in range(0, len(texts), batch):
        parts.append(embedder.encode(texts[start : start + batch]))
        if progress:
            progress(min(start + batch, len(texts)), len(texts))
    return np.ascontiguousarray(np.vstack(parts), dtype=np.float32)
