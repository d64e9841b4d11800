"""Run one detector's rules (compliance, privacy ask or risk) over one utterance."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from agent_assist.guidance.matching import (
    MeaningMatcher,
    PatternMatcher,
    PhraseMatcher,
    contains_any,
)
from agent_assist.guidance.rules import Detector, Rule
from agent_assist.retrieval.embedder import Embedder

# Meaning thresholds per detector, calibrated for USE multilingual v3 on
# tests/data/guidance/*_eval.yaml; tests/data/guidance/holdout/ (never tuned on) reports the
# numbers quoted in docs/measurements.md. Risk needs a wider margin: customers' ordinary
# questions (new phone, forgotten password) sit close to takeover reports.
MEANING_THRESHOLDS = {
    Detector.COMPLIANCE: (0.50, 0.04),
    Detector.PRIVACY_ASK: (0.50, 0.04),
    Detector.RISK: (0.50, 0.08),
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
        thresholds: tuple[float, float] | None = None,
    ) -> None:
        min_score, min_margin = thresholds or MEANING_THRESHOLDS[detector]
        self.detector = detector
        self.embedder = embedder
        self._excuses = tuple(excuses)
        self.rules = tuple(r for r in rules if r.detector is detector)
        self._phrases = PhraseMatcher((r, p) for r in self.rules for p in r.phrases)
        self._patterns = PatternMatcher((r, p) for r in self.rules for p in r.patterns)
        self._meaning: MeaningMatcher[Rule] | None = None
        if embedder is not None and any(r.examples for r in self.rules):
            self._meaning = MeaningMatcher(
                embedder,
                [(r, e) for r in self.rules for e in r.examples],
                [*(c for r in self.rules for c in r.counter_examples), *ordinary],
                min_score,
                min_margin,
            )

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
                excused[rule.id] = contains_any(norm_text, rule.unless) or bool(
                    call_type and rule.call_types and call_type not in rule.call_types
                )
            return not excused[rule.id]

        matches: dict[str, RuleMatch] = {}
        for hit in [*self._phrases.find(norm_text), *self._patterns.find(norm_text)]:
            known = matches.get(hit.key.id)
            if applies(hit.key) and (known is None or hit.how == "exact"):
                matches[hit.key.id] = RuleMatch(hit.key, hit.how, hit.phrase, 1.0)
        if self._meaning is not None and vector is not None:
            best = self._meaning.best(vector)
            if best is not None and best.key.id not in matches and applies(best.key):
                matches[best.key.id] = RuleMatch(best.key, "meaning", best.example, best.score)
        return list(matches.values())
