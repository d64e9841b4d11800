"""Build, save and load the FAISS index of a script pack, with a manifest that guards it."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from agent_assist import __version__
from agent_assist.domain import SuggestionKind
from agent_assist.errors import IndexMismatchError
from agent_assist.models.install import sha256_file
from agent_assist.retrieval.bm25 import BM25Index
from agent_assist.retrieval.embedder import Embedder
from agent_assist.retrieval.pack import ScriptPack
from agent_assist.retrieval.vector_cache import load_vectors, save_vectors

logger = logging.getLogger(__name__)

INDEX_FILE = "index.faiss"
ITEMS_FILE = "items.jsonl"
BUILD_FILE = "build.json"
# Vectors of the last build keyed by text, so a rebuild embeds only what changed.
VECTORS_FILE = "vectors.npz"
BM25_FILE = "bm25.npz"
FORMAT_VERSION = 3
_EMBED_BATCH = 64
# From this many vectors on, an inverted file replaces exact search. Exact search of one query
# reads every vector: ~12 ms at 50k vectors and ~190 ms at 1M on two cores (memory-bound).
# IVF with 8-bit codes and exact re-ranking of 4× the candidates (IVF…,SQ8,RFlat) scanned
# 1M vectors in ~2 ms at recall@10 0.966 (benchmarks/retrieval_scale.py).
APPROX_MIN_VECTORS = 20_000
TARGET_RECALL_AT_10 = 0.95
_REFINE_FACTOR = 4


@dataclass(frozen=True, slots=True)
class IndexedItem:
    """A knowledge entry or script as stored beside the index; ``texts`` are what was embedded."""

    id: str
    kind: SuggestionKind
    topic: str
    title: str
    body: str
    language: str
    texts: tuple[str, ...]
    valid_from: str | None = None  # ISO dates; outside them the entry is not shown
    valid_until: str | None = None

    def is_valid_on(self, day: str) -> bool:
        """``day`` is an ISO date; ISO dates compare correctly as strings."""
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )


@dataclass(frozen=True)
class LoadedIndex:
    """A FAISS index, the item each vector belongs to, and the build manifest."""

    faiss_index: Any
    items: tuple[IndexedItem, ...]
    vector_item: np.ndarray
    vector_text: tuple[str, ...]
    build: dict[str, Any]
    bm25: BM25Index

    def dense_scores(self, vector: np.ndarray, vector_ids: list[int]) -> np.ndarray:
        """Inner products of one query vector with stored vectors (lexical-only candidates)."""
        if not vector_ids:
            return np.zeros(0, dtype=np.float32)
        stored = np.vstack([self.faiss_index.reconstruct(i) for i in vector_ids])
        return stored @ vector

    def search(self, vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Inner-product search; returns (scores, vector ids) per query row, -1 for none."""
        k = min(k, self.faiss_index.ntotal)
        if k == 0:  # an empty pack: faiss asserts on k = 0
            empty = np.zeros((len(vectors), 0))
            return empty.astype(np.float32), empty.astype(np.int64)
        return self.faiss_index.search(vectors, k)  # type: ignore[no-any-return]


def pack_items(pack: ScriptPack) -> list[IndexedItem]:
    """What gets indexed: every way a customer asks an entry, and when a script applies."""
    items = [
        IndexedItem(
            e.id,
            SuggestionKind.ANSWER,
            e.topic,
            e.title,
            e.answer,
            e.language,
            (e.title, *e.questions),
            e.valid_from.isoformat() if e.valid_from else None,
            e.valid_until.isoformat() if e.valid_until else None,
        )
        for e in pack.entries
    ]
    items += [
        IndexedItem(
            s.id,
            SuggestionKind.SCRIPT,
            s.topic,
            s.title,
            s.text,
            s.language,
            tuple(t for t in (s.title, s.when) if t),
        )
        for s in pack.scripts
    ]
    return items


def build_index(
    pack: ScriptPack,
    embedder: Embedder,
    out_dir: Path,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Embed every item text and write index, items and ``build.json`` into ``out_dir``."""
    source = {
        "id": pack.manifest.id,
        "version": pack.manifest.version,
        "files_sha256": pack.file_sha256,
    }
    counts = {"entries": len(pack.entries), "scripts": len(pack.scripts)}
    return build_items_index(pack_items(pack), embedder, out_dir, source, counts, progress)


def build_items_index(
    items: list[IndexedItem],
    embedder: Embedder,
    out_dir: Path,
    source: dict[str, Any],
    counts: dict[str, int],
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Index any items (a pack's, or an evaluation set's); ``source`` says where they came from."""
    import faiss

    started = time.perf_counter()
    texts = [t for item in items for t in item.texts]
    vectors, reused = _embed_incrementally(texts, embedder, out_dir, progress)
    search: dict[str, Any] = {"kind": "exact"}
    if len(texts) >= APPROX_MIN_VECTORS:
        index = approximate_index(vectors)
        nprobe, recall = tune_nprobe(index, vectors)
        nlist = faiss.extract_index_ivf(index).nlist
        search = {
            "kind": "ivf-sq8-refined",
            "nlist": nlist,
            "nprobe": nprobe,
            "recall_at_10": recall,
        }
    else:
        index = faiss.IndexFlatIP(embedder.dim)
        index.add(vectors)

    out_dir.mkdir(parents=True, exist_ok=True)
    save_vectors(out_dir / VECTORS_FILE, embedder.model_id, texts, vectors)
    faiss.write_index(index, str(out_dir / INDEX_FILE))
    BM25Index(texts).save(out_dir / BM25_FILE)
    with (out_dir / ITEMS_FILE).open("w", encoding="utf-8") as f:
        for item in items:
            f.write(json.dumps(asdict(item), ensure_ascii=False) + "\n")
    build = {
        "format_version": FORMAT_VERSION,
        "app_version": __version__,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "build_seconds": round(time.perf_counter() - started, 3),
        "embedder": {"model_id": embedder.model_id, "dim": embedder.dim},
        "pack": source,
        "search": search,
        "counts": {
            **counts,
            "items": len(items),
            "vectors": len(texts),
            "vectors_reused": reused,
            "vectors_embedded": len(texts) - reused,
        },
        "artefacts_sha256": {
            name: sha256_file(out_dir / name) for name in (INDEX_FILE, ITEMS_FILE, BM25_FILE)
        },
    }
    (out_dir / BUILD_FILE).write_text(json.dumps(build, indent=2), encoding="utf-8")
    logger.info("built index for %s: %d items, %d vectors", source["id"], len(items), len(texts))
    return build


def approximate_index(vectors: np.ndarray) -> Any:
    """An IVF index over unit vectors (inner product): 8-bit codes to scan, the float vectors
    to re-rank the best candidates exactly. Trained on a sample of the vectors."""
    import faiss

    nlist = int(np.clip(4 * np.sqrt(len(vectors)), 64, 4096))
    index = faiss.index_factory(
        vectors.shape[1], f"IVF{nlist},SQ8,RFlat", faiss.METRIC_INNER_PRODUCT
    )
    index.k_factor = _REFINE_FACTOR
    rng = np.random.default_rng(0)
    sample = rng.choice(len(vectors), min(len(vectors), 40 * nlist), replace=False)
    index.train(vectors[np.sort(sample)])
    index.add(vectors)
    return index


def set_nprobe(index: Any, nprobe: int) -> None:
    import faiss

    faiss.extract_index_ivf(index).nprobe = nprobe
    index.k_factor = _REFINE_FACTOR


def tune_nprobe(index: Any, vectors: np.ndarray, queries: int = 300) -> tuple[int, float]:
    """The smallest nprobe whose recall@10 against exact search reaches the target; sets it.

    Probes are midpoints of two stored vectors: like real questions, they fall between
    phrasings rather than on one, which is what makes an inverted file miss neighbours.
    """
    import faiss

    rng = np.random.default_rng(1)
    count = min(queries, len(vectors))
    pairs = rng.choice(len(vectors), (count, 2))
    probe = vectors[pairs[:, 0]] + vectors[pairs[:, 1]]
    probe /= np.linalg.norm(probe, axis=1, keepdims=True)
    exact = faiss.IndexFlatIP(vectors.shape[1])
    exact.add(vectors)
    _, truth = exact.search(probe, 10)
    recall = 0.0
    for nprobe in (4, 8, 16, 24, 32, 48, 64, 96, 128, 256):
        set_nprobe(index, nprobe)
        _, found = index.search(probe, 10)
        hits = [len(set(a) & set(b)) / 10 for a, b in zip(found, truth, strict=True)]
        recall = float(np.mean(hits))
        if recall >= TARGET_RECALL_AT_10:
            break
    return nprobe, recall


def _embed_incrementally(
    texts: list[str],
    embedder: Embedder,
    out_dir: Path,
    progress: Callable[[int, int], None] | None,
) -> tuple[np.ndarray, int]:
    """Vectors for ``texts``, reusing the last build's for texts it already embedded."""
    previous = load_vectors(out_dir / VECTORS_FILE, embedder.model_id)
    vectors = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    missing = []
    for row, text in enumerate(texts):
        known = previous.get(text)
        if known is None:
            missing.append(row)
        else:
            vectors[row] = known
    for start in range(0, len(missing), _EMBED_BATCH):
        rows = missing[start : start + _EMBED_BATCH]
        vectors[rows] = embedder.encode([texts[r] for r in rows])
        if progress:
            progress(start + len(rows), len(missing))
    return vectors, len(texts) - len(missing)


def read_build(index_dir: Path) -> dict[str, Any] | None:
    """The build manifest, or None when no index has been built there."""
    try:
        return json.loads((index_dir / BUILD_FILE).read_text(encoding="utf-8"))  # type: ignore[no-any-return]
    except FileNotFoundError:
        return None


def is_stale(build: dict[str, Any], pack: ScriptPack) -> bool:
    """True when the pack files changed since the index was built, or its format did."""
    return (
        build.get("pack", {}).get("files_sha256") != pack.file_sha256
        or build.get("format_version") != FORMAT_VERSION
    )


def check_built_with(build: dict[str, Any], embedder: Embedder, index_dir: Path) -> None:
    """Refuse an index whose vectors came from another embedding model."""
    built_with = build["embedder"]
    if built_with["model_id"] != embedder.model_id or built_with["dim"] != embedder.dim:
        raise IndexMismatchError(
            f"The index in {index_dir} was built with embedding model {built_with['model_id']} "
            f"(dim {built_with['dim']}), but the configured model is {embedder.model_id} "
            f"(dim {embedder.dim}). Rebuild it with `agent-assist pack build`."
        )


def load_index(index_dir: Path, embedder: Embedder) -> LoadedIndex:
    """Load a built index; refuse one built with another model or with damaged files."""
    import faiss

    build = read_build(index_dir)
    if build is None:
        raise IndexMismatchError(
            f"No index in {index_dir}. Build it with `agent-assist pack build`."
        )
    check_built_with(build, embedder, index_dir)
    for name, expected in build["artefacts_sha256"].items():
        if sha256_file(index_dir / name) != expected:
            raise IndexMismatchError(
                f"{index_dir / name} does not match build.json (damaged or edited): "
                "rebuild it with `agent-assist pack build`."
            )
    faiss_index = faiss.read_index(str(index_dir / INDEX_FILE))
    search = build.get("search", {})
    if search.get("kind") == "ivf-sq8-refined":
        set_nprobe(faiss_index, search["nprobe"])
    items = tuple(_read_items(index_dir / ITEMS_FILE))
    vector_item = np.array([i for i, item in enumerate(items) for _ in item.texts], dtype=np.int64)
    vector_text = tuple(text for item in items for text in item.texts)
    bm25 = BM25Index.load(index_dir / BM25_FILE)
    if not len(vector_item) == faiss_index.ntotal == len(bm25):
        raise IndexMismatchError(f"{index_dir}: items and index disagree; rebuild the index")
    return LoadedIndex(faiss_index, items, vector_item, vector_text, build, bm25)


def _read_items(path: Path) -> list[IndexedItem]:
    items = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            row["kind"] = SuggestionKind(row["kind"])
            row["texts"] = tuple(row["texts"])
            items.append(IndexedItem(**row))
    return items
