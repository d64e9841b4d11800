from __future__ import annotations

import pytest

from agent_assist.retrieval.fusion import collapse, rrf


def test_rrf_sums_reciprocal_ranks() -> None:
    fused = rrf([["a", "b", "c"], ["b", "c", "a"]])
    assert fused == [
        ("b", pytest.approx(1 / 62 + 1 / 61)),
        ("a", pytest.approx(1 / 61 + 1 / 63)),
        ("c", pytest.approx(1 / 63 + 1 / 62)),
    ]


def test_rrf_rewards_agreement_over_one_top_rank() -> None:
    fused = rrf([["x", "shared"], ["y", "shared"], ["z", "shared"]], k=60)
    assert fused[0][0] == "shared"


def test_rrf_ties_keep_first_appearance_rank_by_rank() -> None:
    assert [key for key, _ in rrf([["a", "b"], ["b", "a"]])] == ["a", "b"]
    assert [key for key, _ in rrf([["b", "a"], ["a", "b"]])] == ["b", "a"]


def test_rrf_weights_scale_each_ranking() -> None:
    fused = rrf([["a", "b"], ["b", "a"]], k=0, weights=[1.0, 2.0])
    assert fused == [("b", pytest.approx(1 / 2 + 2 / 1)), ("a", pytest.approx(1 / 1 + 2 / 2))]


def test_rrf_counts_a_repeated_key_at_its_best_rank_only() -> None:
    assert rrf([["a", "b", "a"]], k=0) == [("a", 1.0), ("b", 0.5)]


def test_rrf_accepts_rankings_of_any_length() -> None:
    assert [key for key, _ in rrf([[1, 2, 3, 4], [], [4]])] == [4, 1, 2, 3]
    assert rrf([]) == []


@pytest.mark.parametrize(("k", "weights"), [(-1, None), (60, [1.0]), (60, [1.0, 1.0, 1.0])])
def test_rrf_rejects_bad_arguments(k: int, weights: list[float] | None) -> None:
    with pytest.raises(ValueError, match=r"k must|weights"):
        rrf([["a"], ["b"]], k=k, weights=weights)


def test_collapse_keeps_each_entry_at_its_best_item() -> None:
    entry_of = {0: "x", 1: "y", 2: "x", 3: "z"}.__getitem__
    ranking = [(0, 0.9), (1, 0.8), (2, 0.7), (3, 0.6)]
    assert collapse(ranking, entry_of) == [("x", 0.9), ("y", 0.8), ("z", 0.6)]


def test_collapse_of_nothing_is_empty() -> None:
    assert collapse([], str) == []
