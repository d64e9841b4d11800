"""Ranking quality on an eval set: recall@k and MRR, each with a bootstrap confidence interval.

The intervals are percentile bootstraps over queries: resample the queries with
replacement, recompute the mean, and read the interval off the spread of those means.
They say how much a score would move on another sample of the same kind of questions,
which is what decides whether one method really beats another.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from agent_assist.retrieval.eval_sets import EvalSet

RESAMPLES = 1000
CONFIDENCE = 0.95
BOOTSTRAP_SEED = 0
MRR_CUTOFF = 10
# Caps the (resamples x queries) draw matrices at ~64 MB, whatever the number of queries.
_MAX_DRAWS_PER_CHUNK = 4_000_000

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class MetricWithCI:
    """A mean over queries and its bootstrap confidence interval."""

    value: float
    low: float
    high: float

    def __str__(self) -> str:
        return f"{self.value:.3f} [{self.low:.3f}, {self.high:.3f}]"


@dataclass(frozen=True, slots=True)
class RankingReport:
    """The headline numbers of one method on one eval set."""

    recall_at_1: MetricWithCI
    recall_at_3: MetricWithCI
    mrr: MetricWithCI
    n_queries: int


# eq=False: numpy arrays have no single truth value to compare by.
@dataclass(frozen=True, slots=True, eq=False)
class QueryOutcomes:
    """Per-query results, aligned with ``EvalSet.queries``; inputs to ``paired_difference``.

    ``hit_at_1`` and ``hit_at_3`` are 1.0 or 0.0; ``reciprocal_rank`` is 1/rank of the
    first relevant document, or 0.0 when none is in the top ``MRR_CUTOFF``.
    """

    hit_at_1: FloatArray
    hit_at_3: FloatArray
    reciprocal_rank: FloatArray


def first_relevant_rank(ranking: Sequence[str], relevant: frozenset[str]) -> int | None:
    """The 1-based rank of the first relevant id in ``ranking``, or None."""
    return next((rank for rank, doc_id in enumerate(ranking, 1) if doc_id in relevant), None)


def score_rankings(rankings: Sequence[Sequence[str]], eval_set: EvalSet) -> QueryOutcomes:
    """Hits and reciprocal ranks of ranked document ids, one ranking per query of ``eval_set``.

    Raises:
        ValueError: the number of rankings is not the number of queries.
    """
    if len(rankings) != len(eval_set.queries):
        raise ValueError(
            f"{len(rankings)} rankings given for {len(eval_set.queries)} queries of "
            f"{eval_set.name!r}"
        )
    ranks = [
        first_relevant_rank(ranking[:MRR_CUTOFF], query.relevant) or 0
        for ranking, query in zip(rankings, eval_set.queries, strict=True)
    ]
    rank = np.asarray(ranks, dtype=np.float64)
    found = rank > 0
    return QueryOutcomes(
        hit_at_1=_frozen(found & (rank <= 1)),
        hit_at_3=_frozen(found & (rank <= 3)),
        reciprocal_rank=_frozen(np.divide(1.0, rank, out=np.zeros_like(rank), where=found)),
    )


def summarize(
    outcomes: QueryOutcomes, resamples: int = RESAMPLES, seed: int = BOOTSTRAP_SEED
) -> RankingReport:
    """Recall@1, recall@3 and MRR@10 with 95% intervals; one set of resamples for all three."""
    return RankingReport(
        recall_at_1=bootstrap_ci(outcomes.hit_at_1, resamples, seed),
        recall_at_3=bootstrap_ci(outcomes.hit_at_3, resamples, seed),
        mrr=bootstrap_ci(outcomes.reciprocal_rank, resamples, seed),
        n_queries=len(outcomes.hit_at_1),
    )


def ranking_report(
    rankings: Sequence[Sequence[str]],
    eval_set: EvalSet,
    resamples: int = RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
) -> RankingReport:
    """``summarize(score_rankings(rankings, eval_set))``."""
    return summarize(score_rankings(rankings, eval_set), resamples, seed)


def bootstrap_ci(
    values: npt.ArrayLike,
    resamples: int = RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
    confidence: float = CONFIDENCE,
) -> MetricWithCI:
    """The mean of ``values`` with its percentile-bootstrap confidence interval.

    Raises:
        ValueError: ``values`` is empty, or ``resamples``/``confidence`` is out of range.
    """
    array = _as_vector(values)
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    means = _bootstrap_means(array, resamples, seed)
    tail_pct = 50.0 * (1.0 - confidence)
    low, high = np.percentile(means, [tail_pct, 100.0 - tail_pct])
    return MetricWithCI(float(array.mean()), float(low), float(high))


def paired_difference(
    hits_a: npt.ArrayLike,
    hits_b: npt.ArrayLike,
    resamples: int = RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
    confidence: float = CONFIDENCE,
) -> tuple[float, float, float]:
    """Mean of A minus B over the same queries, with its paired-bootstrap interval.

    Both methods are resampled on the same queries, so the interval reflects how
    differently they do on each question, not how hard the questions are. A beats B
    when the interval lies above zero.

    Returns:
        ``(mean_diff, ci_low, ci_high)``.

    Raises:
        ValueError: the two arrays differ in length or are empty.
    """
    a, b = _as_vector(hits_a), _as_vector(hits_b)
    if a.shape != b.shape:
        raise ValueError(f"paired outcomes differ in length: {a.size} vs {b.size}")
    diff = bootstrap_ci(a - b, resamples, seed, confidence)
    return diff.value, diff.low, diff.high


def _bootstrap_means(values: FloatArray, resamples: int, seed: int) -> FloatArray:
    if resamples < 1:
        raise ValueError(f"resamples must be >= 1, got {resamples}")
    rng = np.random.default_rng(seed)
    n = values.size
    rows_per_chunk = max(1, _MAX_DRAWS_PER_CHUNK // n)
    means = np.empty(resamples, dtype=np.float64)
    for start in range(0, resamples, rows_per_chunk):
        stop = min(resamples, start + rows_per_chunk)
        picks = rng.integers(0, n, size=(stop - start, n))
        means[start:stop] = values[picks].mean(axis=1)
    return means


def _as_vector(values: npt.ArrayLike) -> FloatArray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"expected a non-empty 1-D array of per-query values, got {array.shape}")
    return array


def _frozen(values: npt.ArrayLike) -> FloatArray:
    array = np.asarray(values, dtype=np.float64)
    array.flags.writeable = False
    return array
