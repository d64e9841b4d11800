"""Everything after recognition for one call, except the cards: guidance and the record.

The same object serves the panel (inside a worker thread) and headless replays. Each final
is stored before guidance looks at it, so a crash loses at most the utterance in flight.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from agent_assist.config import Settings
from agent_assist.domain import RetrievalResult, Transcript
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


class CallSession:
    """One call: feed it in call order from one thread."""

    def __init__(
        self,
        model: GuidanceModel,
        store: CallStore | None,
        meta: CallMetadata | None = None,
        *,
        source: str = "",
        pack: str = "",
        keep_last: int = 4,
    ) -> None:
        self.meta = meta or CallMetadata()
        self.guidance = CallGuidance(model, self.meta, keep_last)
        self._store = store
        self._source = source
        self._pack = pack
        self.call_id = ""
        self._last_end_s = 0.0

    def start(self, now_utc: dt.datetime | None = None) -> list[GuidanceEvent]:
        now_utc = now_utc or dt.datetime.now(dt.UTC)
        contacts = 0
        if self._store is not None:
            local_day = self.meta.local_time(now_utc).date()
            contacts = self._store.contacts_today(self.meta.customer_ref, local_day)
            self.call_id = self._store.start_call(self.meta, self._source, self._pack)
        return self._keep(self.guidance.start(now_utc, contacts))

    def on_transcript(self, transcript: Transcript) -> list[GuidanceEvent]:
        if not transcript.is_final or not transcript.text.strip():
            return []
        self._last_end_s = max(self._last_end_s, transcript.end_s)
        if self._store is not None:
            self._store.add_utterance(self.call_id, transcript)
        return self._keep(self.guidance.on_transcript(transcript))

    def on_speech_event(self, event: object) -> None:
        self.guidance.on_speech_event(event)

    def on_cards(self, result: RetrievalResult) -> None:
        if self._store is not None and result.suggestions:
            self._store.add_cards(self.call_id, result)

    def on_card_action(self, entry_id: str, action: str) -> None:
        if self._store is not None:
            self._store.add_card_action(self.call_id, entry_id, action)

    def finish(self) -> tuple[list[GuidanceEvent], CallEnded | None]:
        """Missing steps, then the summary; None when nothing is stored."""
        events = self._keep(self.guidance.finish(self._last_end_s))
        if self._store is None:
            return events, None
        record = self._store.record(self.call_id)
        summary = summarise(record)
        self._store.end_call(self.call_id, summary)
        record = self._store.record(self.call_id)
        return events, CallEnded(self.call_id, summary, record)

    def _keep(self, events: list[GuidanceEvent]) -> list[GuidanceEvent]:
        if self._store is None:
            return events
        for event in events:
            if isinstance(event, Alert):
                self._store.add_alert(self.call_id, event)
            elif isinstance(event, AlertFollowUp):
                self._store.resolve_alert(self.call_id, event)
            elif isinstance(event, ChecklistUpdate):
                self._store.set_checklist(self.call_id, event)
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
    values = {"call_type": settings.guidance.call_type, "time_zone": settings.guidance.time_zone}
    values |= {k: v for k, v in overrides.items() if v is not None}
    if isinstance(values.get("party"), str):
        values["party"] = Party(values["party"])
    return CallMetadata(**values)
