"""The required steps of a call type, ticked as the agent says them."""

from __future__ import annotations

import numpy as np

from agent_assist.guidance.events import ChecklistUpdate, StepState
from agent_assist.guidance.matching import MeaningMatcher, PhraseMatcher, contains_any
from agent_assist.guidance.rules import GuidanceRules, Step
from agent_assist.retrieval.embedder import Embedder

# High: the opening "有什么可以帮您" must not tick the closing "还有其他可以帮您的吗".
STEP_MIN_SCORE = 0.8
STEP_MIN_MARGIN = 0.0


class StepMatcher:
    """Recognises every step of a pack in an agent utterance (shared by all calls)."""

    def __init__(self, rules: GuidanceRules, embedder: Embedder | None) -> None:
        self.steps = {s.id: s for s in rules.steps}
        self._phrases = PhraseMatcher((s.id, p) for s in rules.steps for p in s.phrases)
        examples = [(s.id, e) for s in rules.steps for e in s.examples]
        self._meaning: MeaningMatcher[str] | None = None
        if embedder is not None and examples:
            self._meaning = MeaningMatcher(embedder, examples, (), STEP_MIN_SCORE, STEP_MIN_MARGIN)

    @property
    def needs_vector(self) -> bool:
        return self._meaning is not None

    def said(self, norm_text: str, vector: np.ndarray | None) -> set[str]:
        found = {hit.key for hit in self._phrases.find(norm_text)}
        if self._meaning is not None and vector is not None:
            best = self._meaning.best(vector)
            if best is not None:
                found.add(best.key)
        return found


class Checklist:
    """One call's checklist; ``None`` call type or one without steps gives an empty list."""

    def __init__(self, matcher: StepMatcher, call_type: str, step_ids: tuple[str, ...]) -> None:
        self._matcher = matcher
        self.call_type = call_type
        self._steps: list[Step] = [matcher.steps[i] for i in step_ids if i in matcher.steps]
        self._done: dict[str, float] = {}
        self._triggered: set[str] = set()

    def is_done(self, step_id: str) -> bool:
        return step_id in self._done

    def on_agent(self, norm_text: str, vector: np.ndarray | None, at_s: float) -> bool:
        """Tick the steps said; True when the checklist changed."""
        changed = self.on_any(norm_text)
        wanted = {s.id for s in self._steps} - self._done.keys()
        for step_id in self._matcher.said(norm_text, vector) & wanted:
            self._done[step_id] = at_s
            changed = True
        return changed

    def on_any(self, norm_text: str) -> bool:
        """Either side touched what makes a conditional step required (cost → rate)."""
        changed = False
        for step in self._steps:
            pending = step.required_if and step.id not in self._triggered
            if pending and contains_any(norm_text, step.required_if):
                self._triggered.add(step.id)
                changed = True
        return changed

    def state(self) -> ChecklistUpdate:
        return ChecklistUpdate(
            self.call_type,
            tuple(
                StepState(
                    step_id=s.id,
                    title=s.title,
                    required=not s.required_if or s.id in self._triggered,
                    done=s.id in self._done,
                    script=s.script,
                    done_at_s=self._done.get(s.id),
                )
                for s in self._steps
            ),
        )
