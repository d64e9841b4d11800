"""Coordinates a call: transcripts in, throttled queries out, fresh suggestions to the panel."""

from __future__ import annotations

import dataclasses
import enum
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, QThreadPool, QTimer, Signal, Slot

from agent_assist.call_session import CallSession
from agent_assist.config import RetrievalSettings
from agent_assist.domain import Query, RetrievalResult, Speaker, Transcript
from agent_assist.errors import AgentAssistError
from agent_assist.guidance.pii import mask_pii
from agent_assist.inbox import LatestOnly
from agent_assist.pipeline.workers import (
    GuidanceWorker,
    LoadServicesTask,
    RetrievalWorker,
    TranscriptWorker,
)
from agent_assist.record.export import to_csv, to_json
from agent_assist.record.store import CallStore
from agent_assist.retrieval.queries import QueryMaker, is_typed
from agent_assist.retrieval.stability import CardStabilizer
from agent_assist.services import AssistServices
from agent_assist.speech.events import SourceState, SourceStatus
from agent_assist.speech.replay import CallSource

logger = logging.getLogger(__name__)

_THREAD_STOP_TIMEOUT_MS = 3000


class CallState(enum.StrEnum):
    LOADING = "loading"
    READY = "ready"
    IN_CALL = "in_call"
    FAILED = "failed"


class AssistController(QObject):
    """Owns the worker threads; lives in the GUI thread and only routes signals.

    Signals:
        state_changed(CallState): loading → ready → in_call → ready …
        load_progress(str, float): what is loading and how far along.
        services_loaded(AssistServices): models and pack are ready (again, after a reload).
        transcript_updated(Transcript): every partial and final, both speakers.
        speech_event(SpeechEvent): levels, side warnings, timing signals, source state.
        source_failed(SourceStatus): the device or stream broke; ``reconnect()`` retries.
        suggestions_updated(RetrievalResult): fresh, non-empty cards for a customer utterance.
        error_raised(AgentAssistError): something the user should know about.
        guidance_updated(GuidanceEvent): an alert, a follow-up or the checklist.
        call_recorded(CallEnded): the call ended and its summary is ready to review.
        search_missed(str): a typed question found nothing good enough.
    """

    state_changed = Signal(object)
    load_progress = Signal(str, float)
    services_loaded = Signal(object)
    transcript_updated = Signal(object)
    speech_event = Signal(object)
    source_failed = Signal(object)
    suggestions_updated = Signal(object)
    error_raised = Signal(object)
    guidance_updated = Signal(object)
    call_recorded = Signal(object)
    search_missed = Signal(str)

    def __init__(
        self,
        settings: RetrievalSettings,
        parent: QObject | None = None,
        *,
        session_for: Callable[[AssistServices], CallSession] | None = None,
        store: Callable[[], CallStore | None] | None = None,
        mask_live: bool = True,
        keep_last: int = 4,
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._session_for = session_for
        # Opens the call record on first use, in the guidance thread (never on the GUI thread).
        self._store = store or (lambda: None)
        self._mask_live = mask_live
        self._keep_last = keep_last
        self._guidance_worker: GuidanceWorker | None = None
        self._recording = False  # a call session is open in the guidance worker
        self.state = CallState.LOADING
        self.services: AssistServices | None = None
        self._inbox: LatestOnly[Query] = LatestOnly()
        self._shown_seq = 0
        self._pending_partial: Transcript | None = None
        # Each running thread with its worker: both stay referenced until the thread ends.
        self._threads: list[tuple[QThread, QObject]] = []
        self._call_worker: TranscriptWorker | None = None
        self._last_source: Callable[[], CallSource] | None = None
        self._cards = CardStabilizer()
        self._queries = QueryMaker()
        self._throttle = QTimer(self)
        self._throttle.setObjectName("partial-throttle")
        self._throttle.setSingleShot(True)
        self._throttle.setInterval(settings.debounce_ms)
        self._throttle.timeout.connect(self._on_throttle_timeout)
        self._retrieval_worker: RetrievalWorker | None = None
        self._reload_timer = QTimer(self)
        self._reload_timer.setObjectName("pack-reload-check")
        self._reload_task: LoadServicesTask | None = None
        self._reload: Callable[..., AssistServices | None] | None = None
        self._services_after_call: AssistServices | None = None

    # -- loading -------------------------------------------------------------------------
    def load(self, load: Callable[[Callable[[str, float], None]], AssistServices]) -> None:
        """Run ``load`` in the thread pool; retrieval starts once it succeeds.

        After a failure (a missing model the agent has since installed), load again.
        """
        if self.state is CallState.FAILED:
            self._set_state(CallState.LOADING)
        task = LoadServicesTask(load)
        task.signals.progress.connect(self.load_progress)
        task.signals.loaded.connect(self._on_loader_loaded)
        task.signals.failed.connect(self._on_loader_failed)
        self._load_task = task  # keep the signals object alive until the task reports
        QThreadPool.globalInstance().start(task)

    @Slot(object)
    def _on_loader_loaded(self, services: AssistServices) -> None:
        self.services = services
        worker = RetrievalWorker(self._inbox, services.retriever)
        self._retrieval_worker = worker
        worker.results_ready.connect(self._on_retrieval_results_ready)
        worker.failed.connect(self._on_worker_failed)
        self._start_thread("retrieval", worker)
        if self._session_for is not None and self._guidance_worker is None:
            guidance = GuidanceWorker()
            guidance.guidance_ready.connect(self.guidance_updated)
            guidance.call_ended.connect(self.call_recorded)
            guidance.failed.connect(self._on_worker_failed)
            self._guidance_worker = guidance
            self._start_thread("guidance", guidance)
        self.services_loaded.emit(services)
        self._set_state(CallState.READY)

    # -- reloading changed packs ---------------------------------------------------------
    def watch_packs(
        self,
        check_s: float,
        reload: Callable[[Callable[[str, float], None]], AssistServices | None],
    ) -> None:
        """Every ``check_s``, run ``reload`` in the thread pool; it returns fresh services when
        a pack changed, or None. A new pack is applied between calls, never during one: a
        call's cards and checks all come from one version. A pack that fails to load is
        reported and the previous one stays in use."""
        self._reload = reload
        self._reload_timer.setInterval(round(check_s * 1000))
        self._reload_timer.timeout.connect(self._on_reload_timer_timeout)
        self._reload_timer.start()

    @Slot()
    def _on_reload_timer_timeout(self) -> None:
        if self._reload is None or self._reload_task is not None or self.services is None:
            return
        task = LoadServicesTask(self._reload)
        task.signals.loaded.connect(self._on_reload_loaded)
        task.signals.failed.connect(self._on_reload_failed)
        self._reload_task = task
        QThreadPool.globalInstance().start(task)

    @Slot(object)
    def _on_reload_loaded(self, services: AssistServices | None) -> None:
        self._reload_task = None
        if services is None or self._retrieval_worker is None:
            return
        if self.state is CallState.IN_CALL:
            self._services_after_call = services
            logger.info("new pack version %s waits for the next call", _version(services))
            return
        self._apply_services(services)

    def _apply_services(self, services: AssistServices) -> None:
        self.services = services
        assert self._retrieval_worker is not None
        self._retrieval_worker.set_retriever(services.retriever)
        logger.info("pack %s applied; the next call uses it", _version(services))
        self.services_loaded.emit(services)

    @Slot(object)
    def _on_reload_failed(self, error: AgentAssistError) -> None:
        self._reload_task = None
        self.error_raised.emit(
            AgentAssistError(
                f"The changed pack was not applied; the previous version stays: {error}"
            )
        )

    @Slot(object)
    def _on_loader_failed(self, error: AgentAssistError) -> None:
        self._set_state(CallState.FAILED)
        self.error_raised.emit(error)

    # -- calls ---------------------------------------------------------------------------
    def start_call(self, open_source: Callable[[], CallSource]) -> None:
        """Start a call from a source factory; the factory runs in the call thread."""
        if self.state is not CallState.READY:
            raise RuntimeError(f"cannot start a call while {self.state}")
        if self._services_after_call is not None:
            # Not at hang-up: the last questions of that call may still be searched.
            services, self._services_after_call = self._services_after_call, None
            self._apply_services(services)
        self._last_source = open_source
        self._cards.reset()
        self._queries.new_call()
        # Results of queries from an earlier call must not land on this call's panel.
        self._shown_seq = self._queries.last_seq
        worker = TranscriptWorker(open_source)
        worker.transcript_ready.connect(self._on_call_transcript_ready)
        worker.speech_event.connect(self._on_call_speech_event)
        worker.failed.connect(self._on_worker_failed)
        worker.finished.connect(self._on_call_finished)
        self._call_worker = worker
        if self._guidance_worker is not None and self._session_for is not None and self.services:
            session_for, services = self._session_for, self.services
            self._guidance_worker.begin(lambda: session_for(services))
            self._recording = True
        self._start_thread("call-source", worker)
        self._set_state(CallState.IN_CALL)

    def reconnect(self) -> None:
        """Open the last call source again (after a dropped device or stream)."""
        if self._last_source is not None and self.state is CallState.READY:
            self.start_call(self._last_source)

    def stop_call(self) -> None:
        """Ask the source to stop; ``state_changed(READY)`` follows when it has."""
        if self._call_worker is not None:
            self._call_worker.stop()

    def search(self, text: str) -> None:
        """The agent typed a question: the same cards as if the customer had asked it."""
        text = text.strip()
        if text and self._retrieval_worker is not None:
            self._inbox.put(self._queries.typed(text))

    def card_action(self, entry_id: str, action: str) -> None:
        """The agent used a card or rated it (used, helpful, unhelpful): kept with the call."""
        if self._guidance_worker is not None:
            self._guidance_worker.card_action(entry_id, action)

    def save_summary(self, call_id: str, summary: dict[str, Any]) -> None:
        """Store the agent's edited summary (in the record thread)."""
        if self._guidance_worker is not None:
            store_for = self._store

            def save() -> None:
                store = store_for()
                if store is not None:
                    store.save_summary(call_id, summary)

            self._guidance_worker.run_task(save)

    def export_call(self, call_id: str, path: Path) -> None:
        """Write one call's record as JSON or CSV (by the file's suffix)."""
        if self._guidance_worker is None:
            return
        store_for = self._store

        def export() -> None:
            store = store_for()
            if store is None:
                raise AgentAssistError("Call records are switched off (record.enabled)")
            records = [store.record(call_id)]
            text = to_csv(records) if path.suffix.lower() == ".csv" else to_json(records)
            try:
                path.write_text(text, encoding="utf-8")
            except OSError as exc:
                raise AgentAssistError(f"Cannot write {path}: {exc}") from exc

        self._guidance_worker.run_task(export)

    @Slot(object)
    def _on_call_transcript_ready(self, transcript: Transcript) -> None:
        # The search starts first: drawing the transcript line and guidance can wait for it.
        if transcript.speaker is Speaker.CUSTOMER:
            self._search_customer(transcript)
        if transcript.is_final and self._guidance_worker is not None:
            self._guidance_worker.feed(transcript)
        shown = transcript
        if self._mask_live:
            masked = mask_pii(transcript.text, self._keep_last)
            if masked != transcript.text:
                shown = dataclasses.replace(transcript, text=masked, raw_text="")
        self.transcript_updated.emit(shown)

    def _search_customer(self, transcript: Transcript) -> None:
        if transcript.is_final and not transcript.text:
            self._throttle.stop()  # the utterance ended with nothing to search
            self._pending_partial = None
            return
        if not transcript.text:
            return
        if transcript.is_final:
            self._throttle.stop()
            self._pending_partial = None
            self._submit(transcript)
        else:
            self._pending_partial = transcript
            if not self._throttle.isActive():
                self._throttle.start()

    @Slot(object)
    def _on_call_speech_event(self, event: object) -> None:
        self.speech_event.emit(event)
        if self._guidance_worker is not None:
            self._guidance_worker.feed(event)
        if isinstance(event, SourceStatus) and event.state is SourceState.FAILED:
            self.source_failed.emit(event)

    @Slot()
    def _on_throttle_timeout(self) -> None:
        if self._pending_partial is not None:
            self._submit(self._pending_partial)
            self._pending_partial = None

    def _submit(self, transcript: Transcript) -> None:
        self._inbox.put(self._queries.query_for(transcript))

    @Slot(object)
    def _on_retrieval_results_ready(self, result: RetrievalResult) -> None:
        # Older than what is on screen: drop it. Nothing good enough, the same cards again
        # or a card that just left the screen: keep the cards as they are (no flicker).
        if result.query.seq <= self._shown_seq:
            return
        if is_typed(result.query) and not result.suggestions:
            self.search_missed.emit(result.query.text)
            return
        shown = self._cards.update(result, time.monotonic())
        if shown is None:
            return
        self._shown_seq = result.query.seq
        if self._guidance_worker is not None:
            self._guidance_worker.feed(shown)
        if self._mask_live:
            masked = mask_pii(shown.query.text, self._keep_last)
            if masked != shown.query.text:
                shown = dataclasses.replace(
                    shown, query=dataclasses.replace(shown.query, text=masked)
                )
        self.suggestions_updated.emit(shown)

    @Slot()
    def _on_call_finished(self) -> None:
        self._throttle.stop()
        self._pending_partial = None
        self._call_worker = None
        self._end_recording()
        self._set_state(CallState.READY)

    def _end_recording(self) -> None:
        if self._guidance_worker is not None and self._recording:
            self._recording = False
            self._guidance_worker.end()

    @Slot(object)
    def _on_worker_failed(self, error: AgentAssistError) -> None:
        self.error_raised.emit(error)

    # -- threads -------------------------------------------------------------------------
    def _start_thread(self, name: str, worker: QObject) -> None:
        thread = QThread()
        thread.setObjectName(name)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        # Direct: quit from the worker thread itself, so a GUI thread blocked in wait() at
        # shutdown does not have to process a queued quit first.
        worker.finished.connect(thread.quit, Qt.ConnectionType.DirectConnection)
        thread.finished.connect(self._on_thread_finished)
        self._threads.append((thread, worker))
        thread.start()

    @Slot()
    def _on_thread_finished(self) -> None:
        self._threads = [(t, w) for t, w in self._threads if not t.isFinished()]

    def shutdown(self) -> None:
        """Stop the call, then retrieval; wait (bounded) for every thread to end."""
        call_worker = self._call_worker
        self.stop_call()
        self._reload_timer.stop()
        self._inbox.close()
        for thread, worker in list(self._threads):
            if worker is call_worker and not thread.wait(_THREAD_STOP_TIMEOUT_MS):
                logger.warning("the call source did not stop in time")
        self._end_recording()  # closing the window mid-call still leaves a complete record
        if self._guidance_worker is not None:
            self._guidance_worker.close()
        for thread, _ in list(self._threads):
            if not thread.wait(_THREAD_STOP_TIMEOUT_MS):
                logger.warning("thread %s did not stop in time", thread.objectName())
        self._threads = [(t, w) for t, w in self._threads if not t.isFinished()]

    def _set_state(self, state: CallState) -> None:
        self.state = state
        self.state_changed.emit(state)


def _version(services: AssistServices) -> str:
    manifest = services.pack.manifest
    return f"{manifest.id} {manifest.version}"
