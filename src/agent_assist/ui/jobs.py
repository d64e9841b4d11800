"""A worker thread that runs a window's slow steps (disk, models, installs) in order."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from agent_assist.errors import AgentAssistError

logger = logging.getLogger(__name__)

# Progress report of a job: (what is happening, fraction done).
Progress = Callable[[str, float], None]
Job = Callable[[Progress], object]

_THREAD_STOP_TIMEOUT_MS = 3000


class JobCancelledError(Exception):
    """Raised inside a job's progress report once the job is no longer wanted."""


class JobWorker(QObject):
    """Runs jobs one after another in its own thread; a cancelled job is skipped, or stopped
    at its next progress report.

    Signals:
        progress(int, str, float): ticket, what is happening, fraction done (worker thread).
        done(int, str, object): ticket, job kind, its result (worker thread).
        failed(int, str, object): ticket, job kind, the AgentAssistError it raised.
        finished(): the worker was closed; the thread quits.
    """

    progress = Signal(int, str, float)
    done = Signal(int, str, object)
    failed = Signal(int, str, object)
    finished = Signal()

    _CLOSE = object()

    def __init__(self) -> None:
        super().__init__()
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._cancelled_up_to = 0
        self._next_ticket = 0

    def submit(self, kind: str, job: Job) -> int:
        """Thread-safe: queue ``job``; returns its ticket (increasing)."""
        with self._lock:
            self._next_ticket += 1
            ticket = self._next_ticket
        self._queue.put((ticket, kind, job))
        return ticket

    def cancel_all(self) -> None:
        """Thread-safe: drop every job submitted so far (queued or running)."""
        with self._lock:
            self._cancelled_up_to = self._next_ticket

    def close(self) -> None:
        """Thread-safe: cancel everything submitted and end the loop."""
        self.cancel_all()
        self._queue.put(self._CLOSE)

    def _is_cancelled(self, ticket: int) -> bool:
        with self._lock:
            return ticket <= self._cancelled_up_to

    @Slot()
    def run(self) -> None:
        while (message := self._queue.get()) is not self._CLOSE:
            ticket, kind, job = message  # type: ignore[misc]
            if not self._is_cancelled(ticket):
                self._run_one(ticket, kind, job)
        self.finished.emit()

    def _run_one(self, ticket: int, kind: str, job: Job) -> None:
        def report(message: str, fraction: float) -> None:
            if self._is_cancelled(ticket):
                raise JobCancelledError
            self.progress.emit(ticket, message, fraction)

        try:
            result = job(report)
        except JobCancelledError:
            logger.info("job %s #%d cancelled", kind, ticket)
        except AgentAssistError as exc:
            logger.info("job %s #%d failed: %s", kind, ticket, type(exc).__name__)
            self.failed.emit(ticket, kind, exc)
        except Exception as exc:  # one bad pack must not end the worker
            logger.exception("job %s #%d crashed", kind, ticket)
            self.failed.emit(ticket, kind, AgentAssistError(f"Unexpected error: {exc}"))
        else:
            self.done.emit(ticket, kind, result)


class JobThread(QObject):
    """A ``JobWorker`` and the named thread it runs in."""

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.worker = JobWorker()
        self._thread = QThread()
        self._thread.setObjectName(name)
        self.worker.moveToThread(self._thread)
        self._thread.started.connect(self.worker.run)
        # Direct: the worker's thread quits itself, so a GUI thread blocked in stop() is fine.
        self.worker.finished.connect(self._thread.quit, Qt.ConnectionType.DirectConnection)
        self._thread.start()

    def is_running(self) -> bool:
        return self._thread.isRunning()

    def stop(self) -> None:
        """Cancel what is queued and wait (bounded) for the running job to notice."""
        if self._thread.isFinished():
            return
        self.worker.close()
        if not self._thread.wait(_THREAD_STOP_TIMEOUT_MS):
            logger.warning("thread %s did not stop in time", self._thread.objectName())
