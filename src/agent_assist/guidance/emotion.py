"""Rising anger or distress on the customer's side, and whether the agent acknowledged it.

Each customer utterance is scored from what is said and how:

- words: the pack's anger and distress phrases (exact or by pinyin, not negated);
- meaning: the nearest of the pack's angry, distressed and calm example sentences;
- repetition: the customer repeating an earlier demand of this call, a sign of anger even
  when each sentence is mild ("明细呢" … "明细 明细");
- voice, where audio is there: louder than this customer's own baseline, or faster.

A prompt is raised when one feeling reaches 1.0, at most once per ``cooldown_s`` for the
same feeling. The agent's next utterances are then checked for an acknowledgement
(理解您的心情, 非常抱歉 …): a follow-up says whether it came.
"""

from __future__ import annotations

import re
import statistics
from collections import deque
from dataclasses import dataclass, field

import numpy as np

from agent_assist.guidance.classifier import MeaningClassifier
from agent_assist.guidance.matching import PhraseMatcher, contains_any
from agent_assist.guidance.rules import EmotionRules
from agent_assist.retrieval.embedder import Embedder

ANGRY = "angry"
DISTRESSED = "distressed"
CALM = "calm"
TRIGGER = 1.0
WORD_WEIGHT = 1.0
MEANING_WEIGHT = 1.0
MEANING_MIN_PROBABILITY = 0.45  # as the rules' (guidance/rule_guard.py)
REPEAT_WEIGHT = 0.55
REPEAT_MIN_SIMILARITY = 0.72
LOUD_DB = 6.0
LOUD_WEIGHT = 0.5
FAST_RATIO = 1.3
FAST_WEIGHT = 0.25
# The agent has this many utterances to acknowledge a prompt before the follow-up says not.
ACK_WITHIN_UTTERANCES = 2
_HISTORY = 8
_STAMMERED = re.compile(r"([\u4e00-\u9fff]{2,4}).{0,6}\1|([a-z]{4,}).{0,12}\2")
_BASELINE_READINGS = 20
_SPEAKING_DBFS = -45.0


@dataclass(frozen=True, slots=True)
class EmotionAssessment:
    label: str  # angry, distressed or calm
    score: float
    reasons: tuple[str, ...]


@dataclass
class _Voice:
    """The customer's loudness and pace: a baseline from the first speech, and now."""

    readings: deque[float] = field(default_factory=lambda: deque(maxlen=50))
    baseline_db: float | None = None
    rates: list[float] = field(default_factory=list)
    last_rate: float | None = None

    def hear(self, rms_dbfs: float) -> None:
        if rms_dbfs < _SPEAKING_DBFS:
            return
        self.readings.append(rms_dbfs)
        if self.baseline_db is None and len(self.readings) >= _BASELINE_READINGS:
            self.baseline_db = statistics.median(self.readings)

    def loud(self) -> bool:
        if self.baseline_db is None or len(self.readings) < 5:
            return False
        recent = statistics.median(list(self.readings)[-5:])
        return recent - self.baseline_db >= LOUD_DB

    def pace(self, per_minute: float) -> None:
        self.rates.append(per_minute)
        self.last_rate = per_minute

    def fast(self) -> bool:
        if self.last_rate is None or len(self.rates) < 4:
            return False
        return self.last_rate >= FAST_RATIO * statistics.median(self.rates[:-1])


class EmotionAssessor:
    """Scores one customer utterance given the customer's earlier ones in the call."""

    def __init__(self, rules: EmotionRules, embedder: Embedder | None) -> None:
        self.rules = rules
        self._words = PhraseMatcher(
            [(ANGRY, p) for p in rules.angry.phrases]
            + [(DISTRESSED, p) for p in rules.distressed.phrases]
        )
        self._meaning: MeaningClassifier[str] | None = None
        examples = [(ANGRY, e) for e in rules.angry.examples] + [
            (DISTRESSED, e) for e in rules.distressed.examples
        ]
        if embedder is not None and examples and rules.calm_examples:
            self._meaning = MeaningClassifier(
                examples,
                rules.calm_examples,
                embedder.encode([e for _, e in examples]),
                embedder.encode(list(rules.calm_examples)),
                MEANING_MIN_PROBABILITY,
            )

    @property
    def needs_vector(self) -> bool:
        return self._meaning is not None

    def assess(
        self,
        norm_text: str,
        vector: np.ndarray | None,
        earlier: list[tuple[str, np.ndarray | None]],
        loud: bool = False,
        fast: bool = False,
    ) -> EmotionAssessment:
        """``earlier``: this call's previous customer utterances (normalised, vector)."""
        scores = {ANGRY: 0.0, DISTRESSED: 0.0}
        reasons: list[str] = []
        for hit in {h.key: h for h in self._words.find(norm_text)}.values():
            scores[hit.key] += WORD_WEIGHT
            reasons.append(f"{hit.how}:{hit.phrase}")
        if self._meaning is not None and vector is not None:
            verdict = self._meaning.judge(vector)
            if verdict is not None:
                scores[verdict.key] += MEANING_WEIGHT
                reasons.append(f"meaning:{verdict.example}({verdict.probability:.2f})")
        if _STAMMERED.search(norm_text):  # 明细 明细 明细, 规定规定: insisting
            scores[ANGRY] += REPEAT_WEIGHT
            reasons.append("repetition:within")
        repeats = _repeats(norm_text, vector, earlier)
        if repeats:
            scores[ANGRY] += REPEAT_WEIGHT * min(repeats, 2)
            reasons.append(f"repetition:{repeats}")
        if loud:
            scores[ANGRY] += LOUD_WEIGHT
            reasons.append("voice:louder")
        if fast:
            top = max(scores, key=scores.__getitem__)
            scores[top] += FAST_WEIGHT
            reasons.append("voice:faster")
        label = max(scores, key=scores.__getitem__)
        if scores[label] < TRIGGER:
            return EmotionAssessment(CALM, scores[label], tuple(reasons))
        return EmotionAssessment(label, round(scores[label], 2), tuple(reasons))

    def acknowledged(self, norm_text: str) -> bool:
        return contains_any(norm_text, self.rules.acknowledge)


def _repeats(
    norm_text: str, vector: np.ndarray | None, earlier: list[tuple[str, np.ndarray | None]]
) -> int:
    """How many earlier utterances this one repeats (same words or same meaning)."""
    if len(norm_text) < 2:
        return 0
    count = 0
    mine = _bigrams(norm_text)
    for text, other in earlier[-_HISTORY:]:
        overlap = len(mine & _bigrams(text)) / max(1, min(len(mine), len(_bigrams(text))))
        cosine = float(vector @ other) if vector is not None and other is not None else 0.0
        if overlap >= 0.5 or cosine >= REPEAT_MIN_SIMILARITY:
            count += 1
    return count


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


class EmotionTracker:
    """Per call: feeds the assessor, keeps the cooldown and waits for the acknowledgement."""

    def __init__(self, assessor: EmotionAssessor, cooldown_s: float = 60.0) -> None:
        self._assessor = assessor
        self._cooldown_s = cooldown_s
        self._earlier: list[tuple[str, np.ndarray | None]] = []
        self._last_prompt_s: dict[str, float] = {}
        self._voice = _Voice()
        self.awaiting: tuple[int, int] | None = None  # (alert id, agent utterances so far)

    def hear_level(self, rms_dbfs: float) -> None:
        self._voice.hear(rms_dbfs)

    def hear_rate(self, per_minute: float) -> None:
        self._voice.pace(per_minute)

    def on_customer(
        self, norm_text: str, vector: np.ndarray | None, at_s: float
    ) -> EmotionAssessment | None:
        """An assessment worth a prompt, or None."""
        found = self._assessor.assess(
            norm_text, vector, self._earlier, self._voice.loud(), self._voice.fast()
        )
        self._earlier.append((norm_text, vector))
        if found.label == CALM:
            return None
        last = self._last_prompt_s.get(found.label)
        if last is not None and at_s - last < self._cooldown_s:
            return None
        self._last_prompt_s[found.label] = at_s
        return found

    def on_agent(self, norm_text: str) -> tuple[int, bool] | None:
        """(alert id, True) once the prompt is acknowledged, (alert id, False) when the agent
        let the grace pass without; None while nothing is due."""
        if self.awaiting is None:
            return None
        alert_id, seen = self.awaiting
        if self._assessor.acknowledged(norm_text):
            self.awaiting = None
            return alert_id, True
        seen += 1
        if seen >= ACK_WITHIN_UTTERANCES:
            self.awaiting = None
            return alert_id, False
        self.awaiting = (alert_id, seen)
        return None

    def script_for(self, label: str) -> str:
        rules = self._assessor.rules
        return rules.angry.script if label == ANGRY else rules.distressed.script
