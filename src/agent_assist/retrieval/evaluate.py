"""Measure retrieval: every method on every evaluation set, with bootstrap intervals.

The sample pack is scored by topic (a hit is any pack item of the labelled topic); the public
sets by their own relevance ids. Indexes of evaluation sets are built with the same code as
packs, in a cache folder, so a second run only embeds what changed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from agent_assist.domain import SuggestionKind
from agent_assist.errors import IndexMismatchError
from agent_assist.retrieval.embedder import Embedder
from agent_assist.retrieval.eval_sets import EvalDocument, EvalQuery, EvalSet
from agent_assist.retrieval.index import (
    IndexedItem,
    LoadedIndex,
    build_items_index,
    load_index,
    pack_items,
)
from agent_assist.retrieval.metrics import (
    QueryOutcomes,
    RankingReport,
    paired_difference,
    score_rankings,
    summarize,
)
from agent_assist.retrieval.pack import load_pack
from agent_assist.retrieval.retriever import METHODS, Method, Retriever

_RANKED = 10


@dataclass(frozen=True, slots=True)
class MethodResult:
    method: Method
    report: RankingReport
    outcomes: QueryOutcomes


@dataclass(frozen=True, slots=True)
class SetResult:
    eval_set: EvalSet
    methods: tuple[MethodResult, ...]
    # Paired bootstrap of fused minus the better single method, on recall@1.
    fused_gain: tuple[float, float, float] | None
    better_single: Method | None


def sample_pack_set(pack_dir: Path, queries_file: Path) -> EvalSet:
    """The pack's items as documents (labelled by topic) and the labelled caller phrasings."""
    items = pack_items(load_pack(pack_dir))
    documents = tuple(EvalDocument(item.id, item.title, item.topic) for item in items)
    by_topic: dict[str, set[str]] = {}
    for item in items:
        by_topic.setdefault(item.topic, set()).add(item.id)
    rows = yaml.safe_load(queries_file.read_text(encoding="utf-8"))["queries"]
    queries = tuple(
        EvalQuery(row["text"], frozenset(by_topic[row["topic"]]))
        for row in rows
        if row["topic"] != "none"
    )
    noisy = sum(1 for row in rows if row.get("asr") and row["topic"] != "none")
    return EvalSet(
        name="sample-pack",
        documents=documents,
        queries=queries,
        description=(
            f"{len(items)} pack items; {len(queries)} labelled caller phrasings "
            f"({noisy} with ASR-style errors); hit = an item of the labelled topic"
        ),
    )


def evaluate(
    eval_set: EvalSet,
    index: LoadedIndex,
    embedder: Embedder,
    methods: Sequence[Method] = METHODS,
) -> SetResult:
    vectors = _embed_queries(embedder, [q.text for q in eval_set.queries])
    results = []
    for method in methods:
        retriever = Retriever(embedder, index, top_k=_RANKED, min_score=-1.0, method=method)
        rankings = [
            [index.items[r.position].id for r in retriever.rank(q.text, v)[:_RANKED]]
            for q, v in zip(eval_set.queries, vectors, strict=True)
        ]
        outcomes = score_rankings(rankings, eval_set)
        results.append(MethodResult(method, summarize(outcomes), outcomes))
    return SetResult(eval_set, tuple(results), *_fused_gain(results))


def _fused_gain(
    results: list[MethodResult],
) -> tuple[tuple[float, float, float] | None, Method | None]:
    by_method = {r.method: r for r in results}
    if not {"dense", "lexical", "fused"} <= by_method.keys():
        return None, None
    better = max(("dense", "lexical"), key=lambda m: by_method[m].report.recall_at_1.value)
    gain = paired_difference(
        by_method["fused"].outcomes.hit_at_1, by_method[better].outcomes.hit_at_1
    )
    return tuple(gain), better  # type: ignore[return-value]


def index_for_set(
    eval_set: EvalSet,
    embedder: Embedder,
    cache_dir: Path,
    progress: Callable[[int, int], None] | None = None,
) -> LoadedIndex:
    """A FAISS + BM25 index of the set's documents, cached by content and model."""
    digest = hashlib.sha256(
        "\n".join(f"{d.id}\t{d.text}" for d in eval_set.documents).encode()
    ).hexdigest()[:16]
    out_dir = cache_dir / f"{eval_set.name}-{digest}"
    if (out_dir / "build.json").is_file():
        try:
            return load_index(out_dir, embedder)
        except IndexMismatchError:
            pass  # another model or damaged: rebuild (the vectors cache is model-checked)
    items = [
        IndexedItem(d.id, SuggestionKind.ANSWER, d.label, d.text, "", "", (d.text,))
        for d in eval_set.documents
    ]
    source = {"id": eval_set.name, "version": digest, "files_sha256": {}}
    build_items_index(items, embedder, out_dir, source, {"documents": len(items)}, progress)
    return load_index(out_dir, embedder)


def _embed_queries(embedder: Embedder, texts: list[str]) -> np.ndarray:
    batch = 128
    return np.vstack([embedder.encode(texts[i : i + batch]) for i in range(0, len(texts), batch)])


@dataclass(frozen=True, slots=True)
class NoAnswerReport:
    """What agents would see at the retriever's threshold: right, wrong or no top card."""

    threshold: float
    in_scope: int
    right: int
    wrong: int
    silent: int
    out_of_scope: int
    out_of_scope_rejected: int


def no_answer_report(
    retriever: Retriever, index: LoadedIndex, queries_file: Path
) -> NoAnswerReport:
    """The calibrated "no good answer" decision on the labelled phrasings (topic level)."""
    rows = yaml.safe_load(queries_file.read_text(encoding="utf-8"))["queries"]
    right = wrong = silent = rejected = 0
    for row in rows:
        ranked = [r for r in retriever.rank(row["text"]) if r.dense >= retriever.min_score]
        topic = index.items[ranked[0].position].topic if ranked else None
        if row["topic"] == "none":
            rejected += topic is None
        elif topic is None:
            silent += 1
        elif topic == row["topic"]:
            right += 1
        else:
            wrong += 1
    out_of_scope = sum(1 for row in rows if row["topic"] == "none")
    return NoAnswerReport(
        retriever.min_score, len(rows) - out_of_scope, right, wrong, silent, out_of_scope, rejected
    )
