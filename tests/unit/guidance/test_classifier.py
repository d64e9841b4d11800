"""The meaning classifier on vectors with known structure (the real embedder's verdicts are
measured on the labelled sets in tests/integration/test_guidance_pipeline.py)."""

from __future__ import annotations

import numpy as np
import pytest

from agent_assist.guidance.classifier import MeaningClassifier

DIM = 16


def _cluster(centre: int, count: int, rng: np.random.Generator) -> np.ndarray:
    rows = np.zeros((count, DIM), dtype=np.float32)
    rows[:, centre] = 1.0
    rows += rng.normal(0, 0.15, rows.shape).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def _axis(i: int) -> np.ndarray:
    vector = np.zeros(DIM, dtype=np.float32)
    vector[i] = 1.0
    return vector


@pytest.fixture
def classifier() -> MeaningClassifier[str]:
    rng = np.random.default_rng(7)
    threats, promises = _cluster(0, 20, rng), _cluster(1, 20, rng)
    examples = [("threat", f"t{i}") for i in range(20)] + [("promise", f"p{i}") for i in range(20)]
    none = _cluster(2, 40, rng)
    return MeaningClassifier(
        examples, [f"n{i}" for i in range(40)], np.vstack([threats, promises]), none, 0.6
    )


def test_each_class_is_recognised_and_explained(classifier: MeaningClassifier[str]) -> None:
    verdict = classifier.judge(_axis(0))
    assert verdict is not None and verdict.key == "threat"
    assert verdict.probability >= 0.6 and verdict.example.startswith("t")
    assert verdict.similarity > 0.8
    promise = classifier.judge(_axis(1))
    assert promise is not None and promise.key == "promise"


def test_everyday_talk_and_unsure_cases_raise_nothing(classifier: MeaningClassifier[str]) -> None:
    assert classifier.judge(_axis(2)) is None
    between = (_axis(0) + _axis(2)) / np.sqrt(2)
    probs = classifier.probabilities(between)
    assert abs(sum(probs.values()) - 1.0) < 1e-5
    assert classifier.judge(_axis(5)) is None or max(probs.values()) >= 0.6


def test_one_class_against_none_works_too() -> None:
    rng = np.random.default_rng(3)
    model = MeaningClassifier(
        [("angry", f"a{i}") for i in range(15)],
        [f"c{i}" for i in range(15)],
        _cluster(0, 15, rng),
        _cluster(1, 15, rng),
        0.6,
    )
    assert (verdict := model.judge(_axis(0))) is not None and verdict.key == "angry"
    assert model.judge(_axis(1)) is None


def test_needs_both_sides() -> None:
    with pytest.raises(ValueError, match="needs examples and none-examples"):
        MeaningClassifier([], ["calm"], np.zeros((0, DIM)), np.ones((1, DIM)), 0.5)
