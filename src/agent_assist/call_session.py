"""Everything after recognition for one call, except the cards: guidance and the record.

The same object serves the panel (inside a worker thread) and headless replays. Each final
is stored before guidance looks at it, so a crash loses at most the utterance in flight;
a record that cannot be written is reported, and guidance goes on regardless.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from agent_assist.config import Settings
from agent_assist.domain import RetrievalResult, Transcript
from agent_assist.errors import AgentAssistError
from agent_assist.guidance.call_meta import CallMetadata, Party
from agent_assist.guidance.engine import CallGuidance, GuidanceModel
from agent_assist.guidance.events import Alert, AlertFollowUp, ChecklistUpdate, GuidanceEvent
from agent_assist.record.store import CallStore
from agent_assist.record.summary import summarise

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CallEnded:
    """The call is over and recorded; ``summary`` is what the agent reviews and edits."""

    call_id: str
    summary: dict[str, Any]
    record: dict[str, Any]


class RecordWriteError(AgentAssistError):
    """The call record could not store part of one step; the step itself went through.

    ``events`` is the guidance the step produced anyway (and ``ended``, at hang-up, the
    summary if the record could still be read): show them, then report the error.
    """

    def __init__(
        self,
        cause: AgentAssistError,
        events: list[GuidanceEvent],
        ended: CallEnded | None = None,
    ) -> None:
        super().__init__(str(cause))
        self.events = events
        self.ended = ended


class CallSession:
    """One call: feed it in call order from one thread.

    A record that cannot be written (a full disk) never costs the agent guidance: each step
    still returns its events, or raises ``RecordWriteError`` carrying them. The call's row
    is created again on the next write if that failed, so the record resumes once there is
    room, and ``finish`` still ends it.
    """

    def __init__(
        self,
        model: GuidanceModel,
        store: CallStore | None,
        meta: CallMetadata | None = None,
        *,
        source: str = "",
        pack: str = "",
        keep_last: int = 4,
        record_error: AgentAssistError | None = None,
    ) -> None:
        """``record_error``: why the record could not be opened (``store`` is then None); the
        call still gets its guidance, and ``start`` reports it once as a RecordWriteError."""
        self.meta = meta or CallMetadata()
        self.guidance = CallGuidance(model, self.meta, keep_last)
        self._store = store
        self._source = source
        self._pack = pack
        self.call_id = ""
        self._last_end_s = 0.0
        # The first failure of the step in progress (at start: a record that cannot open).
        self._failure: AgentAssistError | None = record_error

    def start(self, now_utc: dt.datetime | None = None) -> list[GuidanceEvent]:
        now_utc = now_utc or dt.datetime.now(dt.UTC)
        contacts = 0
        if self._store is not None:
            contacts = self._contacts_today(self._store, now_utc)
            self._guarded(self._call_row)
        return self._step_done(self._keep(self.guidance.start(now_utc, contacts)))

    def on_transcript(self, transcript: Transcript) -> list[GuidanceEvent]:
        if not transcript.is_final or not transcript.text.strip():
            return []
        self._last_end_s = max(self._last_end_s, transcript.end_s)
        if self._store is not None:
            self._write(self._store.add_utterance, transcript)
        return self._step_done(self._keep(self.guidance.on_transcript(transcript)))

    def on_speech_event(self, event: object) -> None:
        self.guidance.on_speech_event(event)

    def on_cards(self, result: RetrievalResult) -> None:
        if self._store is not None and result.suggestions:
            self._write(self._store.add_cards, result)
        self._step_done([])

    def on_card_action(self, entry_id: str, action: str) -> None:
        if self._store is not None:
            self._write(self._store.add_card_action, entry_id, action)
        self._step_done([])

    def finish(self) -> tuple[list[GuidanceEvent], CallEnded | None]:
        """Missing steps, then the summary; None when nothing is stored."""
        events = self._keep(self.guidance.finish(self._last_end_s))
        if self._store is None:
            return events, None
        ended = self._end_record(self._store)
        return self._step_done(events, ended), ended

    def _end_record(self, store: CallStore) -> CallEnded | None:
        """Summarise the record and mark the call ended. The summary is returned even if the
        end cannot be written; None only if the record cannot be read at all."""
        try:
            call_id = self._call_row()
            summary = summarise(store.record(call_id))
            self._write(store.end_call, summary)
            return CallEnded(call_id, summary, store.record(call_id))
        except AgentAssistError as exc:
            self._note(exc)
            return None

    def _keep(self, events: list[GuidanceEvent]) -> list[GuidanceEvent]:
        if self._store is None:
            return events
        for event in events:
            if isinstance(event, Alert):
                self._write(self._store.add_alert, event)
            elif isinstance(event, AlertFollowUp):
                self._write(self._store.resolve_alert, event)
            elif isinstance(event, ChecklistUpdate):
                self._write(self._store.set_checklist, event)
        return events

    def _contacts_today(self, store: CallStore, now_utc: dt.datetime) -> int:
        try:
            local_day = self.meta.local_time(now_utc).date()
            return store.contacts_today(self.meta.customer_ref, local_day)
        except AgentAssistError as exc:
            self._note(exc)
            return 0

    def _call_row(self) -> str:
        """The call's id in the record; its row is created now if that failed before."""
        if not self.call_id:
            assert self._store is not None
            self.call_id = self._store.start_call(self.meta, self._source, self._pack)
        return self.call_id

    def _write(self, write: Callable[..., None], *args: Any) -> None:
        """One write of the call's record (``write(call_id, *args)``), guarded."""
        self._guarded(lambda: write(self._call_row(), *args))

    def _guarded(self, action: Callable[[], object]) -> None:
        # The rest of the step still runs: a full disk must not cost the agent an alert.
        try:
            action()
        except AgentAssistError as exc:
            self._note(exc)

    def _note(self, error: AgentAssistError) -> None:
        logger.debug("the call record could not store a step: %s", error)
        if self._failure is None:
            self._failure = error

    def _step_done(
        self, events: list[GuidanceEvent], ended: CallEnded | None = None
    ) -> list[GuidanceEvent]:
        failure, self._failure = self._failure, None
        if failure is not None:
            raise RecordWriteError(failure, events, ended) from failure
        return events


def open_session(
    settings: Settings, model: GuidanceModel, meta: CallMetadata, source: str, pack: str
) -> CallSession:
    """A session as the settings ask: with the local record unless it is switched off."""
    record = settings.record
    store = (
        CallStore(record.database, settings.privacy.keep_last_digits, encrypt=record.encrypt)
        if record.enabled
        else None
    )
    return CallSession(
        model, store, meta, source=source, pack=pack, keep_last=settings.privacy.keep_last_digits
    )


def metadata_from(settings: Settings, **overrides: Any) -> CallMetadata:
    """Call metadata from the settings, with what the command line or dialler says."""
    values: dict[str, Any] = {
        "call_type": settings.guidance.call_type,
        "time_zone": settings.guidance.time_zone,
    }
    values |= {k: v for k, v in overrides.items() if v is not None}
    if isinstance(values.get("party"), str):
        values["party"] = Party(values["party"])
    return CallMetadata(**values)
