"""Replay a call without a window: each utterance with its suggestions and stage timings."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from agent_assist.call_session import CallEnded, CallSession, RecordWriteError
from agent_assist.domain import RetrievalResult, Speaker, Transcript
from agent_assist.guidance.events import Alert, AlertFollowUp, GuidanceEvent
from agent_assist.guidance.pii import mask_pii
from agent_assist.retrieval.queries import QueryMaker
from agent_assist.retrieval.retriever import Retriever
from agent_assist.speech.events import LevelReading, SpeechStats
from agent_assist.speech.replay import CallSource

logger = logging.getLogger(__name__)


@dataclass
class UtteranceReport:
    """One finished utterance, the cards it produced and how long each stage took."""

    transcript: Transcript
    result: RetrievalResult | None
    partial_queries: int = 0
    first_card_call_s: float | None = None
    first_card_from_partial: bool = False
    timings: dict[str, float | None] = field(default_factory=dict)
    guidance: list[GuidanceEvent] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        t = self.transcript
        row: dict[str, Any] = {
            "utterance_id": t.utterance_id,
            "speaker": t.speaker.value,
            "start_s": round(t.start_s, 3),
            "end_s": round(t.end_s, 3),
            "text": mask_pii(t.text),
            "partial_queries": self.partial_queries,
            "first_card_call_s": self.first_card_call_s,
            "first_card_from_partial": self.first_card_from_partial,
            "suggestions": [],
            "timings_ms": self.timings,
            "alerts": [
                {"id": a.alert_id, "kind": a.kind.value, "rule": a.rule_id, "title": a.title,
                 "severity": a.severity.value, "how": a.how, "advice": a.advice}
                for a in self.guidance if isinstance(a, Alert)
            ],
            "follow_ups": [
                {"alert": f.alert_id, "resolved": f.resolved, "note": f.note}
                for f in self.guidance if isinstance(f, AlertFollowUp)
            ],
        }  # fmt: skip
        if self.result is not None:
            row["suggestions"] = [
                {
                    "id": s.entry_id,
                    "kind": s.kind.value,
                    "topic": s.topic,
                    "title": s.title,
                    "score": s.score,
                    "matched": s.matched,
                    "body": s.body,
                }
                for s in self.result.suggestions
            ]
        return row


class HeadlessReplay:
    """Drives a transcript source through retrieval on the calling thread.

    Customer partials are queried when ``debounce_s`` of call time has passed since the
    last partial query of the same utterance, as the panel's debounce timer would.
    """

    def __init__(
        self, retriever: Retriever, debounce_s: float = 0.25, session: CallSession | None = None
    ) -> None:
        self._retriever = retriever
        # Guidance and the call record, as the panel runs them; None: cards only.
        self.session = session
        self.start_events: list[GuidanceEvent] = []
        self.end_events: list[GuidanceEvent] = []
        # Each distinct failure to write the call record (the replay goes on without it).
        self.record_errors: list[str] = []
        self.ended: CallEnded | None = None
        self._debounce_s = debounce_s
        self._queries = QueryMaker()  # numbering and follow-up context, as the panel does
        self.speech_stats: SpeechStats | None = None
        self.other_events: list[object] = []
        # Called with every event that is not a transcript or a level reading.
        self.on_event: Callable[[object], None] | None = None

    def run(
        self, source: CallSource, stop: threading.Event | None = None
    ) -> Iterator[UtteranceReport]:
        pending: dict[str, UtteranceReport] = {}
        last_query_s: dict[str, float] = {}
        if self.session is not None:
            self.start_events = self._recorded(self.session.start)
        for transcript in self._transcripts(source, stop or threading.Event()):
            report = pending.setdefault(
                transcript.utterance_id, UtteranceReport(transcript=transcript, result=None)
            )
            report.transcript = transcript
            if transcript.speaker is Speaker.CUSTOMER:
                self._maybe_query(report, transcript, last_query_s)
            if transcript.is_final:
                if self.session is not None:
                    report.guidance = self._recorded(self.session.on_transcript, transcript)
                    report.timings["guidance"] = round(self.session.guidance.last_ms, 3)
                del pending[transcript.utterance_id]
                yield report
        if self.session is not None:
            try:
                self.end_events, self.ended = self.session.finish()
            except RecordWriteError as exc:
                self._note_record_error(exc)
                self.end_events, self.ended = exc.events, exc.ended

    def _recorded(
        self, step: Callable[..., list[GuidanceEvent]], *args: Any
    ) -> list[GuidanceEvent]:
        """A step whose record write failed (a full disk) keeps its guidance; the error is
        noted once and the replay goes on."""
        try:
            return step(*args)
        except RecordWriteError as exc:
            self._note_record_error(exc)
            return exc.events

    def _cards_shown(self, result: RetrievalResult) -> list[GuidanceEvent]:
        assert self.session is not None
        self.session.on_cards(result)
        return []

    def _note_record_error(self, exc: RecordWriteError) -> None:
        if str(exc) not in self.record_errors:
            self.record_errors.append(str(exc))
            logger.warning("call record: %s", exc)

    def _transcripts(self, source: CallSource, stop: threading.Event) -> Iterator[Transcript]:
        for event in source.events(stop):
            if isinstance(event, Transcript):
                yield event
            elif isinstance(event, SpeechStats):
                self.speech_stats = event
            elif isinstance(event, LevelReading):  # meters matter only on screen and to emotion
                if self.session is not None:
                    self.session.on_speech_event(event)
            else:
                if self.session is not None:
                    self.session.on_speech_event(event)
                self.other_events.append(event)
                if self.on_event is not None:
                    self.on_event(event)

    def _maybe_query(
        self, report: UtteranceReport, transcript: Transcript, last_query_s: dict[str, float]
    ) -> None:
        if not transcript.is_final:
            last = last_query_s.get(transcript.utterance_id)
            if last is not None and transcript.end_s - last < self._debounce_s:
                return
            last_query_s[transcript.utterance_id] = transcript.end_s
            report.partial_queries += 1
        query = self._queries.query_for(transcript)
        result = self._retriever.search(query)
        if result.suggestions and self.session is not None:
            self._recorded(self._cards_shown, result)
        if result.suggestions and report.first_card_call_s is None:
            report.first_card_call_s = round(transcript.end_s, 3)
            report.first_card_from_partial = not transcript.is_final
        if transcript.is_final:
            report.result = result
            report.timings |= {
                "asr": None if transcript.asr_ms is None else round(transcript.asr_ms, 3),
                "embed": round(result.timings.embed_ms, 3),
                "search": round(result.timings.search_ms, 3),
                "transcript_to_cards": round(result.timings.total_ms, 3),
            }
