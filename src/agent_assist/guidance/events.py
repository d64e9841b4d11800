"""What guidance tells the panel and the call record: alerts, their follow-ups, the checklist."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from agent_assist.domain import Speaker
from agent_assist.guidance.rules import Severity


class AlertKind(enum.StrEnum):
    COMPLIANCE = "compliance"  # the agent said something a QA team flags
    PRIVACY_ASK = "privacy_ask"  # the agent asked for a full ID, card, password or code
    RISK = "risk"  # the customer describes fraud or account takeover
    EMOTION = "emotion"  # the customer is angry or distressed
    COLLECTIONS = "collections"  # contact hours, contact count, disclosure to a third party
    CHECKLIST = "checklist"  # required steps still missing at hang-up


@dataclass(frozen=True, slots=True)
class Alert:
    """Something the agent should act on now; ``advice`` is what to say or do instead.

    ``quote`` is the utterance that raised it, already masked. ``how`` tells how it was
    found (exact, pinyin, meaning, lexicon, repetition, metadata …) so a QA lead can judge.
    """

    alert_id: int
    kind: AlertKind
    rule_id: str
    category: str
    severity: Severity
    title: str
    advice: str
    at_s: float
    speaker: Speaker | None = None
    utterance_id: str = ""
    quote: str = ""
    how: str = ""
    score: float = 1.0
    ticket: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AlertFollowUp:
    """What became of an alert: the agent acknowledged the customer's feeling, or has not."""

    alert_id: int
    resolved: bool
    note: str
    at_s: float


@dataclass(frozen=True, slots=True)
class StepState:
    step_id: str
    title: str
    required: bool  # False until the call touches what makes a conditional step required
    done: bool
    script: str = ""
    done_at_s: float | None = None


@dataclass(frozen=True, slots=True)
class ChecklistUpdate:
    """The whole checklist after a change; ``missing`` lists required steps not yet done."""

    call_type: str
    steps: tuple[StepState, ...]

    @property
    def missing(self) -> tuple[StepState, ...]:
        return tuple(s for s in self.steps if s.required and not s.done)


GuidanceEvent = Alert | AlertFollowUp | ChecklistUpdate
