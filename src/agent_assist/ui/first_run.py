"""The first-run check: what this workstation lacks, in plain words, and installing a model."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import ClassVar

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from agent_assist import health
from agent_assist.config import Settings
from agent_assist.errors import AgentAssistError, InstallCancelled
from agent_assist.health import Check, DeviceLister
from agent_assist.models.catalog import CATALOG
from agent_assist.models.install import InstalledModel, install_model
from agent_assist.ui.jobs import Job, JobThread, Progress
from agent_assist.ui.style import ANSWER_ACCENT, SCRIPT_ACCENT

WARNING_COLOUR = "#9a6700"
ERROR_COLOUR = "#cf222e"
_SIZE_PX = (640, 700)
_PERCENT = 100
CHECKS_JOB = "checks"
INSTALL_JOB = "install"

DIALOG_QSS = f"""
QDialog {{ background: #f3f5f8; }}
QLabel#dialogTitle {{ font-size: 16px; font-weight: 700; color: #1f2328; }}
QLabel#muted, QLabel#note {{ color: #57606a; font-size: 12px; }}
QLabel#fieldError, QLabel#formError {{ color: {ERROR_COLOUR}; font-size: 12px; }}
QFrame#checkRow {{ background: white; border: 1px solid #d0d7de; border-radius: 8px; }}
QFrame#checkRow[state="ok"] {{ border-left: 4px solid {SCRIPT_ACCENT}; }}
QFrame#checkRow[state="warning"] {{ border-left: 4px solid {WARNING_COLOUR}; }}
QFrame#checkRow[state="error"] {{ border-left: 4px solid {ERROR_COLOUR}; }}
QLabel#checkMark {{ font-size: 16px; font-weight: 700; }}
QLabel#checkMark[state="ok"] {{ color: {SCRIPT_ACCENT}; }}
QLabel#checkMark[state="warning"] {{ color: {WARNING_COLOUR}; }}
QLabel#checkMark[state="error"] {{ color: {ERROR_COLOUR}; }}
QLabel#checkTitle {{ font-size: 14px; font-weight: 700; color: #1f2328; }}
QLabel#checkDetail {{ font-size: 12px; color: #57606a; }}
QLabel#checkFix {{ font-size: 13px; color: #24292f; }}
QScrollArea#checks, QWidget#checksBody {{ background: transparent; }}
QProgressBar#install {{ border: none; background: #d8dee4; border-radius: 3px; max-height: 6px; }}
QProgressBar#install::chunk {{ background: {ANSWER_ACCENT}; border-radius: 3px; }}
"""


def needs_first_run(checks: Sequence[Check]) -> bool:
    """Whether the panel cannot work as configured (any failed error, not just warnings)."""
    return health.has_errors(checks)


def check_state(check: Check) -> str:
    return "ok" if check.ok else check.severity


class CheckRow(QFrame):
    """One check: a mark, what was checked, what was found and what to do about it.

    Signals:
        install_requested(str, str): model name and "folder", "zip" or "download" (UI thread).
    """

    install_requested = Signal(str, str)

    MARKS: ClassVar[dict[str, str]] = {"ok": "✓", "warning": "⚠", "error": "✗"}

    def __init__(self, check: Check, title: str, fix: str) -> None:
        super().__init__(objectName="checkRow")
        self.check = check
        state = check_state(check)
        self.setProperty("state", state)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        mark = QLabel(
            self.MARKS[state], objectName="checkMark", alignment=Qt.AlignmentFlag.AlignTop
        )
        mark.setProperty("state", state)
        layout.addWidget(mark)
        self.mark = mark
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(QLabel(title, objectName="checkTitle"))
        text.addWidget(self._selectable(check.detail, "checkDetail"))
        if not check.ok and fix:
            text.addWidget(self._selectable(fix, "checkFix"))
        layout.addLayout(text, 1)
        self.install_button: QPushButton | None = None
        if check.model_to_install and not check.ok:
            layout.addWidget(
                self._install_button(check.model_to_install), 0, Qt.AlignmentFlag.AlignTop
            )
        self.setAccessibleName(f"{self._state_word(state)}: {title}")
        self.setAccessibleDescription(f"{check.detail}\n{fix}" if not check.ok else check.detail)

    def _state_word(self, state: str) -> str:
        return {
            "ok": self.tr("Passed"),
            "warning": self.tr("Warning"),
            "error": self.tr("Problem"),
        }[state]

    @staticmethod
    def _selectable(text: str, name: str) -> QLabel:
        label = QLabel(text, objectName=name, wordWrap=True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def _install_button(self, name: str) -> QPushButton:
        button = QPushButton(self.tr("Install…"), autoDefault=False)
        button.setAccessibleName(self.tr("Install {name}").format(name=name))
        menu = QMenu(button)
        menu.addAction(self.tr("From a folder…"), self._on_folder_triggered)
        menu.addAction(self.tr("From a zip file…"), self._on_zip_triggered)
        entry = CATALOG.get(name)
        if entry is not None and entry.url:
            download = self.tr("Download ({size} MB)").format(size=entry.size_mb)
            menu.addAction(download, self._on_download_triggered)
        button.setMenu(menu)
        self.install_button = button
        return button

    @Slot()
    def _on_folder_triggered(self) -> None:
        self.install_requested.emit(self.check.model_to_install, "folder")

    @Slot()
    def _on_zip_triggered(self) -> None:
        self.install_requested.emit(self.check.model_to_install, "zip")

    @Slot()
    def _on_download_triggered(self) -> None:
        self.install_requested.emit(self.check.model_to_install, "download")


class FirstRunDialog(QDialog):
    """The workstation checks, run off the UI thread, with an install for a missing model.

    Signals:
        checks_ready(list[Check]): a run of the checks is on screen (UI thread).
        model_installed(InstalledModel): an install finished; the checks run again (UI thread).
        install_failed(AgentAssistError): an install failed, or was cancelled (UI thread).
    """

    checks_ready = Signal(object)
    model_installed = Signal(object)
    install_failed = Signal(object)

    def __init__(
        self,
        settings: Settings,
        models_dir: Path,
        parent: QWidget | None = None,
        *,
        checks: list[Check] | None = None,
        list_devices: DeviceLister | None = None,
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._models_dir = models_dir
        self._list_devices = list_devices
        self._jobs: JobThread | None = None
        self._jobs_running = 0
        self._checks_ticket: int | None = None
        self._install_cancel: threading.Event | None = None
        self.checks: list[Check] = []
        self.rows: list[CheckRow] = []
        self._build_ui()
        self._connect_signals()
        if checks is None:
            self.check_again()
        else:
            self._show_checks(checks)

    def _build_ui(self) -> None:
        self.setWindowTitle(self.tr("Agent Assist: checking this workstation"))
        self.setStyleSheet(DIALOG_QSS)
        self.resize(*_SIZE_PX)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Before the first call"), objectName="dialogTitle"))
        intro = self.tr(
            "Agent Assist checks what it needs on this computer. Fix the problems marked ✗; "
            "the warnings marked ⚠ can wait."
        )
        layout.addWidget(QLabel(intro, objectName="muted", wordWrap=True))
        self.summary = QLabel(objectName="summary", wordWrap=True)
        layout.addWidget(self.summary)
        self._body = QVBoxLayout()
        self._body.setSpacing(6)
        body = QWidget(objectName="checksBody")
        outer = QVBoxLayout(body)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(self._body)
        outer.addStretch(1)
        scroll = QScrollArea(objectName="checks", widgetResizable=True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setAccessibleName(self.tr("What was checked"))
        scroll.setWidget(body)
        layout.addWidget(scroll, 1)
        layout.addLayout(self._build_install_bar())
        layout.addLayout(self._build_buttons())

    def _build_install_bar(self) -> QVBoxLayout:
        self.install_label = QLabel(objectName="muted", wordWrap=True)
        self.progress_bar = QProgressBar(objectName="install", maximum=_PERCENT, textVisible=False)
        self.progress_bar.setAccessibleName(self.tr("Installation progress"))
        self.cancel_button = QPushButton(self.tr("Cancel install"), autoDefault=False)
        self.cancel_button.setAccessibleName(self.tr("Cancel the model installation"))
        bar = QHBoxLayout()
        bar.addWidget(self.progress_bar, 1)
        bar.addWidget(self.cancel_button)
        box = QVBoxLayout()
        box.addWidget(self.install_label)
        box.addLayout(bar)
        self._set_install_visible(False)
        return box

    def _build_buttons(self) -> QHBoxLayout:
        self.check_button = QPushButton(self.tr("Check again"), autoDefault=False)
        self.check_button.setAccessibleName(self.tr("Run the checks again"))
        self.continue_button = QPushButton(self.tr("Continue"), default=True)
        self.continue_button.setAccessibleName(self.tr("Continue to the panel"))
        row = QHBoxLayout()
        row.addWidget(self.check_button)
        row.addStretch(1)
        row.addWidget(self.continue_button)
        return row

    def _connect_signals(self) -> None:
        self.check_button.clicked.connect(self.check_again)
        self.cancel_button.clicked.connect(self.cancel_install)
        self.continue_button.clicked.connect(self.accept)

    # -- intents -------------------------------------------------------------------------
    @Slot()
    def check_again(self) -> None:
        """Run the checks in the background; ``checks_ready`` follows."""
        if self._checks_ticket is not None:
            return
        self.summary.setText(self.tr("Checking…"))
        self.check_button.setEnabled(False)
        job = partial(_run_checks, self._settings, self._models_dir, self._list_devices)
        self._checks_ticket = self._submit(CHECKS_JOB, job)

    def install(self, name: str, source: Path | None) -> None:
        """Install model ``name`` from a folder or zip (None: download it) in the background."""
        if self._install_cancel is not None:
            return
        cancel = threading.Event()
        self._install_cancel = cancel
        self._set_busy(True)
        self.install_label.setText(self.tr("Installing {name}…").format(name=name))
        self._set_progress(0.0)
        self._set_install_visible(True)
        self.cancel_button.setEnabled(True)
        self.cancel_button.setFocus()
        job = partial(_install, name, self._models_dir, source, cancel)
        self._submit(INSTALL_JOB, job)

    @Slot()
    def cancel_install(self) -> None:
        if self._install_cancel is not None:
            self._install_cancel.set()
            self.cancel_button.setEnabled(False)
            self.install_label.setText(self.tr("Cancelling…"))

    def done(self, result: int) -> None:
        """Closing stops any install (nothing is left half-installed) and the worker thread."""
        self.cancel_install()
        if self._jobs is not None:
            self._jobs.stop()
        super().done(result)

    def _submit(self, kind: str, job: Job) -> int:
        if self._jobs is None:
            self._jobs = JobThread("first-run", self)
            worker = self._jobs.worker
            worker.progress.connect(self._on_jobs_progress)
            worker.done.connect(self._on_jobs_done)
            worker.failed.connect(self._on_jobs_failed)
        self._jobs_running += 1
        return self._jobs.worker.submit(kind, job)

    def _job_ended(self) -> None:
        """The worker thread lives only while a job runs: a dialog dropped without being
        closed (a parent going away, a test) leaves no thread running."""
        self._jobs_running -= 1
        if self._jobs_running == 0 and self._jobs is not None:
            self._jobs.stop()
            self._jobs.deleteLater()
            self._jobs = None

    # -- results -------------------------------------------------------------------------
    @Slot(int, str, float)
    def _on_jobs_progress(self, _ticket: int, _step: str, fraction: float) -> None:
        self._set_progress(fraction)

    @Slot(int, str, object)
    def _on_jobs_done(self, _ticket: int, kind: str, result: object) -> None:
        self._job_ended()
        if kind == CHECKS_JOB:
            self._checks_ticket = None
            self._show_checks(result)  # type: ignore[arg-type]
            return
        model: InstalledModel = result  # type: ignore[assignment]
        self._end_install(self.tr("Installed {name}.").format(name=model.name))
        self.model_installed.emit(model)
        self.check_again()

    @Slot(int, str, object)
    def _on_jobs_failed(self, _ticket: int, kind: str, error: AgentAssistError) -> None:
        self._job_ended()
        if kind == CHECKS_JOB:
            self._checks_ticket = None
            self.check_button.setEnabled(True)
            self.summary.setText(self.tr("The checks could not run: {error}").format(error=error))
            return
        if isinstance(error, InstallCancelled):
            self._end_install(self.tr("Cancelled: nothing was installed."))
            self._set_progress(0.0)
        else:
            self._end_install(self.tr("The install failed: {error}").format(error=error))
        self.install_failed.emit(error)

    def _show_checks(self, checks: list[Check]) -> None:
        self.checks = checks
        for row in self.rows:
            row.deleteLater()
        self.rows = [self._row(check) for check in checks]
        for row in self.rows:
            self._body.addWidget(row)
        self._order_tabs()
        self.check_button.setEnabled(self._install_cancel is None)
        self.summary.setText(self._summary_text(checks))
        self.checks_ready.emit(checks)

    def _row(self, check: Check) -> CheckRow:
        row = CheckRow(check, self._title(check.name), self._fix_text(check))
        row.install_requested.connect(self._on_row_install_requested)
        return row

    def _summary_text(self, checks: list[Check]) -> str:
        errors = sum(1 for c in checks if not c.ok and c.severity == "error")
        warnings = sum(1 for c in checks if not c.ok and c.severity == "warning")
        if errors:
            return self.tr("{errors} problem(s) to fix, {warnings} warning(s).").format(
                errors=errors, warnings=warnings
            )
        if warnings:
            return self.tr("Ready, with {warnings} warning(s).").format(warnings=warnings)
        return self.tr("Everything is in place.")

    def _title(self, name: str) -> str:
        titles = {
            health.SPEECH_MODEL: self.tr("Speech model"),
            health.EMBEDDING_MODEL: self.tr("Embedding model"),
            health.SCRIPT_PACK: self.tr("Script pack"),
            health.SEARCH_INDEX: self.tr("Search index"),
            health.MICROPHONE: self.tr("Microphone (agent side)"),
            health.LOOPBACK: self.tr("Loopback (customer side)"),
            health.NETWORK_TOKEN: self.tr("Network stream token"),
            health.LISTENER: self.tr("Network listener"),
            health.DATA_FOLDER: self.tr("Data folder"),
            health.LOG_FOLDER: self.tr("Log folder"),
            health.CALL_RECORD: self.tr("Call record"),
            health.SETTINGS: self.tr("Settings"),
        }
        return titles.get(name, name)

    def _fix_text(self, check: Check) -> str:
        if check.model_to_install:
            return self.tr(
                "Press Install… and choose the model's folder or zip file copied to this "
                "computer, or download it. IT can also run: {command}"
            ).format(command=f"agent-assist models install {check.model_to_install}")
        return check.fix

    @Slot(str, str)
    def _on_row_install_requested(self, name: str, how: str) -> None:
        chosen = ""
        if how == "folder":
            title = self.tr("Choose the folder of {name}").format(name=name)
            chosen = QFileDialog.getExistingDirectory(self, title)
        elif how == "zip":
            title = self.tr("Choose the zip file of {name}").format(name=name)
            archives = self.tr("Model archives (*.zip *.whl)")
            chosen = QFileDialog.getOpenFileName(self, title, "", archives)[0]
        if how == "download" or chosen:
            self.install(name, Path(chosen) if chosen else None)

    # -- helpers -------------------------------------------------------------------------
    def _end_install(self, message: str) -> None:
        self._install_cancel = None
        self.install_label.setText(message)
        self.cancel_button.setEnabled(False)
        self._set_busy(False)

    def _set_busy(self, busy: bool) -> None:
        """One install at a time; the checks wait until it is over."""
        self.check_button.setEnabled(not busy and self._checks_ticket is None)
        self.continue_button.setEnabled(not busy)
        for row in self.rows:
            if row.install_button is not None:
                row.install_button.setEnabled(not busy)

    def _order_tabs(self) -> None:
        """Rows are made after the buttons; keyboard order still follows the screen."""
        installs = [r.install_button for r in self.rows if r.install_button is not None]
        chain = [*installs, self.cancel_button, self.check_button, self.continue_button]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _set_install_visible(self, visible: bool) -> None:
        for widget in (self.install_label, self.progress_bar, self.cancel_button):
            widget.setVisible(visible)

    def _set_progress(self, fraction: float) -> None:
        if fraction < 0:  # the download's size is unknown
            self.progress_bar.setRange(0, 0)
            return
        self.progress_bar.setRange(0, _PERCENT)
        self.progress_bar.setValue(round(fraction * _PERCENT))


def _run_checks(
    settings: Settings, models_dir: Path, list_devices: DeviceLister | None, _report: Progress
) -> list[Check]:
    return health.run_checks(settings, models_dir, list_devices)


def _install(
    name: str, models_dir: Path, source: Path | None, cancel: threading.Event, report: Progress
) -> InstalledModel:
    """Runs in the worker thread; reports whole percents only, not every chunk."""
    last = [-2]

    def progress(done: int, total: int | None) -> None:
        percent = done * _PERCENT // total if total else -1
        if percent != last[0]:
            last[0] = percent
            report(name, percent / _PERCENT if percent >= 0 else -1.0)

    return install_model(name, models_dir, source, progress=progress, cancelled=cancel.is_set)
