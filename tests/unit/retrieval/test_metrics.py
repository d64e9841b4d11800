from __future__ import annotations

import numpy as np
import pytest

from agent_assist.retrieval.eval_sets import EvalDocument, EvalQuery, EvalSet
from agent_assist.retrieval.metrics import (
    MetricWithCI,
    bootstrap_ci,
    first_relevant_rank,
    paired_difference,
    ranking_report,
    score_rankings,
)


def _eval_set(relevant: list[set[str]]) -> EvalSet:
    ids = sorted(set().union(*relevant))
    documents = tuple(EvalDocument(doc_id, f"text {doc_id}", doc_id) for doc_id in ids)
    queries = tuple(EvalQuery(f"query {k}", frozenset(r)) for k, r in enumerate(relevant))
    return EvalSet("toy", documents, queries, "hand-made")


def _hits(rate: float, n: int, seed: int) -> np.ndarray:
    return (np.random.default_rng(seed).random(n) < rate).astype(float)


def test_first_relevant_rank_is_one_based() -> None:
    assert first_relevant_rank(["a", "b", "c"], frozenset({"c", "b"})) == 2
    assert first_relevant_rank(["a"], frozenset({"z"})) is None


def test_metrics_match_hand_computed_values() -> None:
    eval_set = _eval_set([{"a"}, {"b"}, {"c", "d"}, {"e"}])
    rankings = [
        ["a", "x", "y"],  # rank 1
        ["x", "y", "b"],  # rank 3
        ["x", "y", "z", "w", "d"],  # rank 5
        ["x"] * 10 + ["e"],  # rank 11: past the MRR cutoff
    ]
    outcomes = score_rankings(rankings, eval_set)
    assert outcomes.hit_at_1.tolist() == [1, 0, 0, 0]
    assert outcomes.hit_at_3.tolist() == [1, 1, 0, 0]
    assert outcomes.reciprocal_rank.tolist() == pytest.approx([1, 1 / 3, 1 / 5, 0])

    report = ranking_report(rankings, eval_set)
    assert report.n_queries == 4
    assert report.recall_at_1.value == pytest.approx(0.25)
    assert report.recall_at_3.value == pytest.approx(0.5)
    assert report.mrr.value == pytest.approx((1 + 1 / 3 + 1 / 5) / 4)


def test_rankings_must_cover_every_query() -> None:
    with pytest.raises(ValueError, match="1 rankings given for 2 queries"):
        score_rankings([["a"]], _eval_set([{"a"}, {"b"}]))


def test_interval_contains_the_value_and_stays_in_range() -> None:
    metric = bootstrap_ci(_hits(0.7, 300, seed=1))
    assert 0.0 <= metric.low <= metric.value <= metric.high <= 1.0
    assert metric.low < metric.high


def test_interval_narrows_with_more_queries() -> None:
    few = bootstrap_ci(_hits(0.6, 100, seed=2))
    many = bootstrap_ci(_hits(0.6, 5000, seed=2))
    assert many.high - many.low < (few.high - few.low) / 3


def test_constant_outcomes_have_a_zero_width_interval() -> None:
    assert bootstrap_ci(np.ones(50)) == MetricWithCI(1.0, 1.0, 1.0)


def test_bootstrap_is_reproducible_for_a_seed() -> None:
    values = _hits(0.5, 200, seed=3)
    assert bootstrap_ci(values, seed=7) == bootstrap_ci(values, seed=7)


def test_bootstrap_rejects_empty_input_and_bad_parameters() -> None:
    with pytest.raises(ValueError, match="non-empty"):
        bootstrap_ci([])
    with pytest.raises(ValueError, match="resamples"):
        bootstrap_ci([1.0], resamples=0)
    with pytest.raises(ValueError, match="confidence"):
        bootstrap_ci([1.0], confidence=1.0)


def test_paired_difference_shows_a_clear_winner() -> None:
    worse = _hits(0.5, 1000, seed=4)
    better = np.maximum(worse, _hits(0.3, 1000, seed=5))  # right wherever worse is, and more
    mean_diff, low, high = paired_difference(better, worse)
    assert mean_diff == pytest.approx(better.mean() - worse.mean())
    assert 0.0 < low <= mean_diff <= high
    assert paired_difference(worse, better)[2] < 0.0


def test_paired_difference_of_equal_methods_straddles_zero() -> None:
    a, b = _hits(0.6, 500, seed=6), _hits(0.6, 500, seed=7)
    _, low, high = paired_difference(a, b)
    assert low < 0.0 < high


def test_paired_difference_needs_the_same_queries() -> None:
    with pytest.raises(ValueError, match="differ in length"):
        paired_difference([1.0, 0.0], [1.0])


def test_str_shows_value_and_interval() -> None:
    assert str(MetricWithCI(0.5, 0.4, 0.6)) == "0.500 [0.400, 0.600]"
