"""Worker objects that run a stage loop in their own QThread and report through signals."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from typing import Any, cast

from PySide6.QtCore import QObject, QRunnable, Signal, Slot

from agent_assist.call_session import CallEnded, CallSession, RecordWriteError
from agent_assist.domain import Query, RetrievalResult, Transcript
from agent_assist.errors import AgentAssistError
from agent_assist.inbox import LatestOnly, MailboxClosed
from agent_assist.retrieval.retriever import Retriever
from agent_assist.services import AssistServices
from agent_assist.speech.replay import CallSource

logger = logging.getLogger(__name__)


class TranscriptWorker(QObject):
    """Runs one call's transcript source until it ends or is stopped.

    Signals:
        transcript_ready(Transcript): a partial or final result (emitted from the worker thread).
        speech_event(SpeechEvent): levels, warnings, timing signals, source state, statistics.
        failed(AgentAssistError): the source could not be opened or broke off.
        finished(): the source ended; everything said so far has been emitted.
    """

    transcript_ready = Signal(object)
    speech_event = Signal(object)
    failed = Signal(object)
    finished = Signal()

    def __init__(self, open_source: Callable[[], CallSource]) -> None:
        super().__init__()
        self._open_source = open_source
        self._stop = threading.Event()

    def stop(self) -> None:
        """Thread-safe: ask the source to end at its next step."""
        self._stop.set()

    @Slot()
    def run(self) -> None:
        try:
            source = self._open_source()
            for event in source.events(self._stop):
                if isinstance(event, Transcript):
                    self.transcript_ready.emit(event)
                else:
                    self.speech_event.emit(event)
        except AgentAssistError as exc:
            logger.exception("call source failed")
            self.failed.emit(exc)
        except Exception as exc:
            logger.exception("call source crashed")
            self.failed.emit(AgentAssistError(f"The call source stopped unexpectedly: {exc}"))
        self.finished.emit()


class RetrievalWorker(QObject):
    """Serves the newest query only, until its inbox is closed.

    Signals:
        results_ready(RetrievalResult): suggestions for one query (emitted from the worker).
        failed(AgentAssistError): one query failed; the loop keeps running.
        finished(): the inbox was closed.
    """

    results_ready = Signal(object)
    failed = Signal(object)
    finished = Signal()

    def __init__(self, inbox: LatestOnly[Query], retriever: Retriever) -> None:
        super().__init__()
        self._inbox = inbox
        self._retriever = retriever

    def set_retriever(self, retriever: Retriever) -> None:
        """Thread-safe: the next query uses ``retriever`` (a reloaded pack); the one being
        served finishes with the old one."""
        self._retriever = retriever

    @Slot()
    def run(self) -> None:
        while True:
            try:
                query = self._inbox.get()
            except MailboxClosed:
                break
            try:
                self.results_ready.emit(self._retriever.search(query))
            except AgentAssistError as exc:
                logger.exception("retrieval failed for seq=%d", query.seq)
                self.failed.emit(exc)
            except Exception as exc:  # one bad query must not end retrieval for the session
                logger.exception("retrieval crashed for seq=%d", query.seq)
                self.failed.emit(AgentAssistError(f"Search failed unexpectedly: {exc}"))
        self.finished.emit()


class LoadServicesTask(QRunnable):
    """Loads pack, embedder and index in the thread pool: all or ``failed``."""

    class Signals(QObject):
        """progress(str, float), loaded(AssistServices), failed(AgentAssistError)."""

        progress = Signal(str, float)
        loaded = Signal(object)
        failed = Signal(object)

    def __init__(self, load: Callable[[Callable[[str, float], None]], AssistServices]) -> None:
        super().__init__()
        # WORKAROUND: the controller keeps this object; letting the pool delete the C++ side
        # under a live Python wrapper corrupts memory at interpreter exit (PySide6 6.12).
        self.setAutoDelete(False)
        self._load = load
        self.signals = self.Signals()

    def run(self) -> None:
        try:
            services = self._load(self.signals.progress.emit)
        except AgentAssistError as exc:
            logger.exception("loading failed")
            self.signals.failed.emit(exc)
        except Exception as exc:
            logger.exception("loading crashed")
            self.signals.failed.emit(AgentAssistError(f"Loading failed unexpectedly: {exc}"))
        else:
            self.signals.loaded.emit(services)


class BackgroundCall(QRunnable):
    """Runs one short blocking call (device listing, a check) in the thread pool.

    The owner keeps the task until ``done`` or ``failed`` (see LoadServicesTask).
    """

    class Signals(QObject):
        """done(result), failed(AgentAssistError)."""

        done = Signal(object)
        failed = Signal(object)

    def __init__(self, call: Callable[[], object]) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self._call = call
        self.signals = self.Signals()

    def run(self) -> None:
        try:
            result = self._call()
        except AgentAssistError as exc:
            self.signals.failed.emit(exc)
        except Exception as exc:
            logger.exception("background call crashed")
            self.signals.failed.emit(AgentAssistError(str(exc)))
        else:
            self.signals.done.emit(result)


class GuidanceWorker(QObject):
    """Runs the call session (guidance and the record) in order, off the GUI thread.

    Every final, speech event and shown card of a call goes through one FIFO queue, so the
    record sees the call in order; nothing here is ever skipped, unlike retrieval.

    Signals:
        guidance_ready(GuidanceEvent): an alert, a follow-up or the checklist.
        call_ended(CallEnded): the call is recorded and summarised.
        failed(AgentAssistError): a step failed (each distinct failure once per call); the
            loop keeps running.
        finished(): the queue was closed.
    """

    guidance_ready = Signal(object)
    call_ended = Signal(object)
    failed = Signal(object)
    finished = Signal()

    _CLOSE = object()

    def __init__(self) -> None:
        super().__init__()
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._session: CallSession | None = None
        self._last_failure: str | None = None

    # Thread-safe intents, in call order.
    def begin(self, open_session: Callable[[], CallSession]) -> None:
        self._queue.put(("begin", open_session))

    def feed(self, item: object) -> None:
        self._queue.put(("feed", item))

    def card_action(self, entry_id: str, action: str) -> None:
        self._queue.put(("action", (entry_id, action)))

    def end(self) -> None:
        self._queue.put(("end", None))

    def run_task(self, task: Callable[[], object]) -> None:
        """Any record work (save an edited summary, export) in call order."""
        self._queue.put(("task", task))

    def close(self) -> None:
        self._queue.put(self._CLOSE)

    @Slot()
    def run(self) -> None:
        while (message := self._queue.get()) is not self._CLOSE:
            kind, payload = cast(tuple[str, Any], message)
            try:
                self._handle(kind, payload)
            except RecordWriteError as exc:  # the step's guidance is still the agent's
                self._deliver(exc.events, exc.ended)
                self._report(kind, exc)
            except AgentAssistError as exc:
                self._report(kind, exc)
            except Exception as exc:  # noqa: BLE001 - logged by _report; must not end guidance
                self._report(kind, AgentAssistError(f"Guidance failed unexpectedly: {exc}"))
        self.finished.emit()

    def _report(self, kind: object, error: AgentAssistError) -> None:
        """Emit each distinct failure once per call; call from the ``except`` block.

        A full disk fails every record write until space is freed: the agent needs to hear
        that once, not once per utterance. Later steps are still tried.
        """
        if str(error) == self._last_failure:
            logger.warning("guidance step %s failed again for the same reason", kind)
            return
        self._last_failure = str(error)
        logger.exception("guidance step %s failed", kind)
        self.failed.emit(error)

    def _handle(self, kind: str, payload: Any) -> None:
        if kind == "begin":
            self._last_failure = None
            self._session = None  # if the new one cannot be opened, nothing joins the last call
            self._session = payload()
            self._emit(self._session.start())
        elif kind == "task":
            payload()
        elif self._session is None:
            return
        elif kind == "feed":
            self._feed(self._session, payload)
        elif kind == "action":
            self._session.on_card_action(*payload)
        elif kind == "end":
            self._deliver(*self._session.finish())

    def _feed(self, session: CallSession, item: object) -> None:
        if isinstance(item, Transcript):
            self._emit(session.on_transcript(item))
        elif isinstance(item, RetrievalResult):
            session.on_cards(item)
        else:
            session.on_speech_event(item)

    def _emit(self, events: list[Any]) -> None:
        for event in events:
            self.guidance_ready.emit(event)

    def _deliver(self, events: list[Any], ended: CallEnded | None) -> None:
        self._emit(events)
        if ended is not None:
            self.call_ended.emit(ended)
