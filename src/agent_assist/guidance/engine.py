"""Live guidance for one call: every final utterance in, alerts and checklist changes out.

:class:`GuidanceModel` is built once per pack (it embeds the rules' examples);
:class:`CallGuidance` holds one call's state. Each final is normalised and embedded once,
and that vector serves every detector, so guidance costs one embedding per utterance.
"""

from __future__ import annotations

import datetime as dt
import itertools
import time
from pathlib import Path

import numpy as np

from agent_assist.domain import Speaker, Transcript
from agent_assist.guidance.call_meta import CallMetadata, Party, contact_breaches
from agent_assist.guidance.checklist import Checklist, StepMatcher
from agent_assist.guidance.emotion import EmotionAssessor, EmotionTracker
from agent_assist.guidance.events import (
    Alert,
    AlertFollowUp,
    AlertKind,
    GuidanceEvent,
)
from agent_assist.guidance.matching import contains_any, normalise
from agent_assist.guidance.pii import mask_pii
from agent_assist.guidance.rule_guard import RuleGuard, RuleMatch
from agent_assist.guidance.rules import Detector, GuidanceRules, Severity
from agent_assist.retrieval.embedder import Embedder
from agent_assist.retrieval.vector_cache import CachedEmbedder
from agent_assist.speech.events import LevelReading, TimingKind, TimingSignal

# Beside the pack's index: the rules' example vectors, so a restart does not re-embed them.
GUIDANCE_VECTORS_FILE = "guidance_vectors.npz"

_KIND_OF = {
    Detector.COMPLIANCE: AlertKind.COMPLIANCE,
    Detector.PRIVACY_ASK: AlertKind.PRIVACY_ASK,
    Detector.RISK: AlertKind.RISK,
}


class GuidanceModel:
    """A pack's guidance rules, ready to match: built once, shared by every call."""

    def __init__(
        self, rules: GuidanceRules, embedder: Embedder | None, vector_cache: Path | None = None
    ) -> None:
        """``vector_cache``: where the examples' vectors are kept between starts."""
        self.rules = rules
        self.embedder = embedder
        examples = CachedEmbedder(embedder, vector_cache) if embedder is not None else None
        excuses, ordinary = rules.warning_framing, rules.ordinary_examples
        self.compliance = RuleGuard(Detector.COMPLIANCE, rules.rules, examples, excuses, ordinary)
        self.privacy = RuleGuard(Detector.PRIVACY_ASK, rules.rules, examples, excuses, ordinary)
        self.risk = RuleGuard(Detector.RISK, rules.rules, examples, (), ordinary)
        self.emotion = EmotionAssessor(rules.emotion, examples)
        self.steps = StepMatcher(rules, examples)
        # How many example phrasings had to be embedded (not in the cache): for logs and tests.
        self.examples_embedded = 0
        if examples is not None:
            examples.save()
            self.examples_embedded = examples.newly_embedded
        self.needs_vector = embedder is not None and any(
            part.needs_vector
            for part in (self.compliance, self.privacy, self.risk, self.emotion, self.steps)
        )

    def embed(self, text: str) -> np.ndarray | None:
        if not self.needs_vector or self.embedder is None:
            return None
        return self.embedder.encode([text])[0]


class CallGuidance:
    """One call's guidance state. Not thread-safe: one consumer feeds it in order."""

    def __init__(
        self,
        model: GuidanceModel,
        meta: CallMetadata | None = None,
        keep_last: int = 4,
    ) -> None:
        self.model = model
        self.meta = meta or CallMetadata()
        call_type = model.rules.call_type(self.meta.call_type)
        self.call_type = call_type
        self.checklist = Checklist(
            model.steps, call_type.id if call_type else "", call_type.steps if call_type else ()
        )
        self.emotion = EmotionTracker(model.emotion)
        self._keep_last = keep_last
        self._ids = itertools.count(1)
        self._disclosure_flagged = False
        self.last_ms = 0.0  # guidance time for the last final, for the benchmarks

    @property
    def is_collections(self) -> bool:
        return self.call_type is not None and self.call_type.collections

    def start(self, now_utc: dt.datetime, contacts_today: int) -> list[GuidanceEvent]:
        """The empty checklist, and any contact-policy breach known before a word is said."""
        events: list[GuidanceEvent] = [self.checklist.state()]
        if self.is_collections:
            policy = self.model.rules.collections
            for breach in contact_breaches(policy, self.meta, now_utc, contacts_today):
                events.append(self._alert(AlertKind.COLLECTIONS, breach.rule_id, "contact",
                                          Severity.HIGH, breach.title, breach.advice, 0.0,
                                          how="metadata"))  # fmt: skip
        return events

    def on_speech_event(self, event: object) -> None:
        """Loudness and pace of the customer feed the emotion detector."""
        if isinstance(event, LevelReading) and event.speaker is Speaker.CUSTOMER:
            self.emotion.hear_level(event.rms_dbfs)
        elif (
            isinstance(event, TimingSignal)
            and event.speaker is Speaker.CUSTOMER
            and event.kind is TimingKind.SPEAKING_RATE
        ):
            self.emotion.hear_rate(event.value)

    def on_transcript(self, transcript: Transcript) -> list[GuidanceEvent]:
        """Guidance for a final; partials are left to the cards (rules judge whole sentences)."""
        if not transcript.is_final or not transcript.text.strip():
            return []
        started = time.perf_counter()
        norm = normalise(transcript.text)
        vector = self.model.embed(transcript.text)
        if transcript.speaker is Speaker.AGENT:
            events = self._agent(transcript, norm, vector)
        else:
            events = self._customer(transcript, norm, vector)
        self.last_ms = (time.perf_counter() - started) * 1000
        return events

    def finish(self, at_s: float) -> list[GuidanceEvent]:
        """At hang-up: required steps never said become one checklist alert."""
        state = self.checklist.state()
        if not state.missing:
            return [state]
        titles = "、".join(s.title for s in state.missing)
        alert = self._alert(AlertKind.CHECKLIST, "checklist-missing", "checklist",
                            Severity.MEDIUM, f"未完成的必要步骤：{titles}",
                            " / ".join(s.script for s in state.missing if s.script), at_s,
                            how="checklist")  # fmt: skip
        return [state, alert]

    # -- the two sides -------------------------------------------------------------------
    def _agent(self, t: Transcript, norm: str, vector: np.ndarray | None) -> list[GuidanceEvent]:
        call_type = self.call_type.id if self.call_type else ""
        events: list[GuidanceEvent] = []
        for guard in (self.model.compliance, self.model.privacy):
            for match in guard.check(norm, vector, call_type):
                events.append(self._rule_alert(match, t))
        if self.checklist.on_agent(norm, vector, t.end_s):
            events.append(self.checklist.state())
        if self.is_collections and not self._disclosure_flagged:
            events.extend(self._disclosure(t, norm))
        answer = self.emotion.on_agent(norm)
        if answer is not None:
            alert_id, acknowledged = answer
            note = "坐席已回应客户情绪" if acknowledged else "坐席尚未回应客户情绪，请先安抚"
            events.append(AlertFollowUp(alert_id, acknowledged, note, t.end_s))
        return events

    def _customer(self, t: Transcript, norm: str, vector: np.ndarray | None) -> list[GuidanceEvent]:
        call_type = self.call_type.id if self.call_type else ""
        events: list[GuidanceEvent] = [
            self._rule_alert(match, t) for match in self.model.risk.check(norm, vector, call_type)
        ]
        if self.checklist.on_any(norm):
            events.append(self.checklist.state())
        feeling = self.emotion.on_customer(norm, vector, t.end_s)
        if feeling is not None:
            alert = self._alert(
                AlertKind.EMOTION, f"emotion-{feeling.label}", feeling.label,
                Severity.MEDIUM, "客户情绪激动，先安抚" if feeling.label == "angry"
                else "客户焦虑或无助，先共情", self.emotion.script_for(feeling.label),
                t.end_s, t, how=", ".join(feeling.reasons), score=feeling.score,
            )  # fmt: skip
            self.emotion.awaiting = (alert.alert_id, 0)
            events.append(alert)
        return events

    def _disclosure(self, t: Transcript, norm: str) -> list[GuidanceEvent]:
        policy = self.model.rules.collections
        unverified = not self.checklist.is_done(policy.identity_step)
        third_party = self.meta.party is Party.THIRD_PARTY
        if not (third_party or unverified) or not contains_any(norm, policy.debt_phrases):
            return []
        self._disclosure_flagged = True
        title = "向未核实身份的接听人透露欠款信息" if unverified else "向第三人透露欠款信息"
        return [
            self._alert(AlertKind.COLLECTIONS, "collections-disclosure", "disclosure",
                        Severity.HIGH, title, policy.say_instead, t.end_s, t, how="phrase")
        ]  # fmt: skip

    # -- building events -----------------------------------------------------------------
    def _rule_alert(self, match: RuleMatch, t: Transcript) -> Alert:
        rule = match.rule
        ticket = {}
        if rule.ticket is not None:
            ticket = {
                "queue": rule.ticket.queue,
                "priority": rule.ticket.priority,
                "summary": rule.ticket.summary or rule.title,
                "category": rule.category,
                "customer_said": self._mask(t.text),
                "call_time_s": f"{t.end_s:.1f}",
            }
        return self._alert(
            _KIND_OF[rule.detector], rule.id, rule.category, rule.severity, rule.title,
            rule.say_instead, t.end_s, t, how=f"{match.how}:{match.matched}",
            score=match.score, ticket=ticket,
        )  # fmt: skip

    def _alert(
        self,
        kind: AlertKind,
        rule_id: str,
        category: str,
        severity: Severity,
        title: str,
        advice: str,
        at_s: float,
        t: Transcript | None = None,
        *,
        how: str = "",
        score: float = 1.0,
        ticket: dict[str, str] | None = None,
    ) -> Alert:
        return Alert(
            alert_id=next(self._ids),
            kind=kind,
            rule_id=rule_id,
            category=category,
            severity=severity,
            title=title,
            advice=advice,
            at_s=at_s,
            speaker=t.speaker if t else None,
            utterance_id=t.utterance_id if t else "",
            quote=self._mask(t.text) if t else "",
            how=how,
            score=round(score, 3),
            ticket=ticket or {},
        )

    def _mask(self, text: str) -> str:
        return mask_pii(text, self._keep_last)
