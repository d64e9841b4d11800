"""Run one detector's rules (compliance, privacy ask or risk) over one utterance."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from agent_assist.guidance.classifier import MeaningClassifier
from agent_assist.guidance.matching import (
    PatternMatcher,
    PhraseMatcher,
    contains_any,
    contains_unnegated,
)
from agent_assist.guidance.rules import Detector, Rule
from agent_assist.retrieval.embedder import Embedder

# The probability a rule's class needs before its meaning alone raises an alert, per
# detector, chosen on tests/data/guidance/*_eval.yaml; tests/data/guidance/holdout/ (never
# tuned on) reports the numbers quoted in docs/measurements.md.
logger = logging.getLogger(__name__)

MEANING_MIN_PROBABILITY = {
    Detector.COMPLIANCE: 0.45,
    Detector.PRIVACY_ASK: 0.45,
    Detector.RISK: 0.45,
}


@dataclass(frozen=True, slots=True)
class RuleMatch:
    rule: Rule
    how: str  # exact, pinyin or meaning
    matched: str  # the phrase or example that matched
    score: float


class RuleGuard:
    """The rules of one detector; ``check`` returns at most one match per rule."""

    def __init__(
        self,
        detector: Detector,
        rules: Sequence[Rule],
        embedder: Embedder | None,
        excuses: Sequence[str] = (),
        ordinary: Sequence[str] = (),
        min_probability: float | None = None,
    ) -> None:
        self.detector = detector
        self._excuses = tuple(excuses)
        self.rules = tuple(r for r in rules if r.detector is detector)
        self._phrases = PhraseMatcher((r, p) for r in self.rules for p in r.phrases)
        self._patterns = PatternMatcher((r, p) for r in self.rules for p in r.patterns)
        self._meaning: MeaningClassifier[str] | None = None
        examples = [(r.id, e) for r in self.rules for e in r.examples]
        none = [*(c for r in self.rules for c in r.counter_examples), *ordinary]
        if embedder is not None and examples and not none:
            logger.warning(
                "%s rules have examples but no counter-examples or ordinary_examples: "
                "matching them by meaning is off (it needs both sides to learn from)",
                detector.value,
            )
        if embedder is not None and examples and none:
            self._meaning = MeaningClassifier(
                examples,
                none,
                embedder.encode([e for _, e in examples]),
                embedder.encode(none),
                MEANING_MIN_PROBABILITY[detector] if min_probability is None else min_probability,
            )
        self._by_id = {r.id: r for r in self.rules}

    @property
    def needs_vector(self) -> bool:
        return self._meaning is not None

    def check(
        self, norm_text: str, vector: np.ndarray | None, call_type: str = ""
    ) -> list[RuleMatch]:
        """Matches in an utterance already normalised; ``vector`` is its embedding."""
        if not self.rules or contains_any(norm_text, self._excuses):
            return []
        excused: dict[str, bool] = {}

        def applies(rule: Rule) -> bool:
            if rule.id not in excused:
                excused[rule.id] = contains_unnegated(norm_text, rule.unless) or bool(
                    call_type and rule.call_types and call_type not in rule.call_types
                )
            return not excused[rule.id]

        matches: dict[str, RuleMatch] = {}
        for hit in [*self._phrases.find(norm_text), *self._patterns.find(norm_text)]:
            known = matches.get(hit.key.id)
            if applies(hit.key) and (known is None or hit.how == "exact"):
                matches[hit.key.id] = RuleMatch(hit.key, hit.how, hit.phrase, 1.0)
        if self._meaning is not None and vector is not None:
            verdict = self._meaning.judge(vector)
            rule = self._by_id[verdict.key] if verdict is not None else None
            if verdict and rule and rule.id not in matches and applies(rule):
                matches[rule.id] = RuleMatch(rule, "meaning", verdict.example, verdict.probability)
        return list(matches.values())
