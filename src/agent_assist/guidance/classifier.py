"""Judge an utterance's meaning with a small classifier over sentence vectors.

The nearest example alone generalises poorly: one close example in the wrong place
decides, and a phrasing in a style no example shows is missed. A multinomial logistic
regression, trained when the pack loads on the pack's own labelled phrasings (each rule's
or feeling's examples against its compliant counter-examples and everyday talk), weighs
every example at once. It trains in under a tenth of a second on a few hundred vectors
(newton-cg), and applying it is one matrix product. The nearest example of the winning
class is kept to explain an alert ("because it sounds like …").

A team lead who adds a wrongly flagged phrasing as a counter-example expects it to stop
flagging: so the nearest labelled phrasing keeps a veto. When a none-example is closer to
the utterance than every example of the winning class, nothing is raised.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np
from sklearn.linear_model import LogisticRegression

K = TypeVar("K")

# Inverse regularisation strength: small enough that a class needs several examples
# pointing the same way, large enough that 20-30 examples per class are learned.
REGULARISATION_C = 16.0


@dataclass(frozen=True, slots=True)
class MeaningVerdict(Generic[K]):
    key: K
    probability: float
    example: str  # the class's nearest training example, to explain the verdict
    similarity: float  # cosine to that example


class MeaningClassifier(Generic[K]):
    """Classes are keys (rules or feelings) plus "none"; ``judge`` names a key or nothing."""

    def __init__(
        self,
        examples: Sequence[tuple[K, str]],
        none_examples: Sequence[str],
        vectors: np.ndarray,
        none_vectors: np.ndarray,
        min_probability: float,
    ) -> None:
        """``vectors`` are the embeddings of ``examples`` in order; likewise ``none_vectors``."""
        if not examples or not len(none_vectors):
            raise ValueError("a meaning classifier needs examples and none-examples")
        self._keys: list[K] = list(dict.fromkeys(k for k, _ in examples))
        self._examples = [text for _, text in examples]
        self._example_class = np.array([self._keys.index(k) + 1 for k, _ in examples])
        self._vectors = vectors
        self._none_vectors = none_vectors
        self._min_probability = min_probability
        labels = np.concatenate([self._example_class, np.zeros(len(none_vectors), dtype=int)])
        model = LogisticRegression(
            C=REGULARISATION_C, class_weight="balanced", solver="newton-cg", max_iter=500
        )
        model.fit(np.vstack([vectors, none_vectors]), labels)
        # Kept as plain arrays: applying is one product and a softmax, no sklearn call.
        self._weights = model.coef_.astype(np.float32)
        self._bias = model.intercept_.astype(np.float32)
        self._classes = model.classes_
        if len(self._classes) == 2:  # binary: sklearn keeps one row for the positive class
            self._weights = np.vstack([-self._weights, self._weights]) / 2
            self._bias = np.concatenate([-self._bias, self._bias]) / 2

    def probabilities(self, vector: np.ndarray) -> dict[K | None, float]:
        """Each class's probability; ``None`` is the "none" class."""
        logits = self._weights @ vector + self._bias
        exp = np.exp(logits - logits.max())
        probs = exp / exp.sum()
        return {
            (None if c == 0 else self._keys[c - 1]): float(p)
            for c, p in zip(self._classes, probs, strict=True)
        }

    def judge(self, vector: np.ndarray) -> MeaningVerdict[K] | None:
        probs = self.probabilities(vector)
        key = max((k for k in probs if k is not None), key=probs.__getitem__, default=None)
        if key is None or probs[key] < self._min_probability or probs[key] < probs[None]:
            return None
        rows = np.flatnonzero(self._example_class == self._keys.index(key) + 1)
        scores = self._vectors[rows] @ vector
        best = int(np.argmax(scores))
        if float(np.max(self._none_vectors @ vector)) >= scores[best]:
            return None
        return MeaningVerdict(
            key, round(probs[key], 3), self._examples[rows[best]], round(float(scores[best]), 3)
        )
