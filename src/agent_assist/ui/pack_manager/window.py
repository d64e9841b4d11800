"""The team lead's pack manager: check a pack, preview it, try phrases, see who runs what."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from agent_assist import paths
from agent_assist.config import RetrievalSettings, Settings
from agent_assist.errors import AgentAssistError, PackValidationError
from agent_assist.phrase_probe import PhraseExplanation, explain_phrase
from agent_assist.retrieval.pack import ScriptPack
from agent_assist.retrieval.pack import load_pack as read_pack
from agent_assist.retrieval.pack_lint import PackWarning, lint_pack
from agent_assist.services import AssistServices, load_services
from agent_assist.team_status import WorkstationStatus, pack_digest, read_statuses
from agent_assist.ui.i18n import install_translation, interface_language
from agent_assist.ui.jobs import JobThread, Progress
from agent_assist.ui.pack_manager.contents_view import ContentsView
from agent_assist.ui.pack_manager.phrase_view import PhraseView
from agent_assist.ui.pack_manager.problems_view import ProblemsView
from agent_assist.ui.pack_manager.style import PACK_MANAGER_QSS
from agent_assist.ui.pack_manager.workstations_view import WorkstationsView

_SIZE_PX = (1200, 860)
_MIN_SIZE_PX = (860, 560)
_PROGRESS_STEPS = 100
# Share of the progress bar for checking the files; loading models and the index take the rest.
_CHECKED_FRACTION = 0.05
_SERVICES_FRACTION = 0.85
VALIDATING_STEP = "Validating pack"
NEAR_DUPLICATES_STEP = "Checking for near-duplicates"
PROBLEMS_TAB, CONTENTS_TAB, PHRASE_TAB, WORKSTATIONS_TAB = range(4)


@dataclass(frozen=True)
class CheckedPack:
    pack: ScriptPack
    digest: str
    warnings: list[PackWarning]


def check_pack(path: Path, progress: Progress) -> CheckedPack:
    """Validate the files and run the checks that need no model (worker thread)."""
    progress(VALIDATING_STEP, 0.01)
    pack = read_pack(path)
    return CheckedPack(pack, pack_digest(pack), lint_pack(pack))


def prepare_pack(
    retrieval: RetrievalSettings, models_dir: Path, progress: Progress
) -> tuple[AssistServices, list[PackWarning]]:
    """Embedder, index and guidance for the pack, then the checks by meaning (worker thread)."""
    services = load_services(
        retrieval,
        models_dir,
        lambda step, done: progress(step, _CHECKED_FRACTION + _SERVICES_FRACTION * done),
    )
    start = _CHECKED_FRACTION + _SERVICES_FRACTION
    warnings = lint_pack(
        services.pack,
        services.embedder,
        progress=lambda done, total: progress(
            NEAR_DUPLICATES_STEP, start + (1 - start) * done / total
        ),
    )
    return services, warnings


def read_team_statuses(status_dir: Path, _progress: Progress) -> list[WorkstationStatus]:
    return read_statuses(status_dir)


def explain_job(services: AssistServices, text: str, _progress: Progress) -> PhraseExplanation:
    return explain_phrase(services, text)


class PackManagerWindow(QMainWindow):
    """Load a pack folder or zip, list its problems, preview it, try phrases against it, and
    see which pack version each workstation runs. Disk and model work runs in two worker
    threads ("pack-jobs", "team-status"); this window only routes their results.

    Signals:
        pack_checked(ScriptPack): the pack is valid and its contents are shown.
        pack_rejected(list): its problems, as "file:line: field: message" strings.
        services_ready(AssistServices): index and guidance are loaded; phrases can be tried.
        phrase_explained(PhraseExplanation): the result of trying a phrase is shown.
        statuses_read(list): the workstations table now shows these WorkstationStatus.
        failed(AgentAssistError): the models or index could not be loaded for the pack.
    All are emitted from the GUI thread.
    """

    pack_checked = Signal(object)
    pack_rejected = Signal(list)
    services_ready = Signal(object)
    phrase_explained = Signal(object)
    statuses_read = Signal(list)
    failed = Signal(object)

    def __init__(self, settings: Settings, models_dir: Path, pack: Path | None = None) -> None:
        super().__init__()
        self._settings = settings
        self._models_dir = models_dir
        self.pack_path: Path | None = None
        self.pack: ScriptPack | None = None
        self.services: AssistServices | None = None
        self._pack_ticket = 0
        self._phrase_ticket = 0
        self.setWindowTitle(self.tr("Pack manager — Agent Assist"))
        self.resize(*_SIZE_PX)
        self.setMinimumSize(*_MIN_SIZE_PX)
        self._build_ui()
        self._pack_jobs = JobThread("pack-jobs", self)
        self._status_jobs = JobThread("team-status", self)
        self._connect_signals()
        self._restore_state(pack)

    # -- building ------------------------------------------------------------------------
    def _build_ui(self) -> None:
        central = QWidget(objectName="central")
        layout = QVBoxLayout(central)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.setSpacing(8)
        layout.addLayout(self._build_header())
        self.manifest = QLabel(objectName="manifest", wordWrap=True)
        self.manifest.setAccessibleName(self.tr("Pack summary"))
        layout.addWidget(self.manifest)
        self.progress = QProgressBar(objectName="progress", maximum=_PROGRESS_STEPS)
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(4)
        self.progress.setAccessibleName(self.tr("Loading progress"))
        layout.addWidget(self.progress)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(self.tr("Pack manager sections"))
        self.tabs.tabBar().setAccessibleName(self.tr("Sections (Ctrl+1 to Ctrl+4)"))
        self.problems = ProblemsView()
        self.contents = ContentsView()
        self.phrase = PhraseView()
        self.workstations = WorkstationsView(self._settings.team.status_dir)
        self.tabs.addTab(self.problems, self.tr("Problems"))
        self.tabs.addTab(self.contents, self.tr("Contents"))
        self.tabs.addTab(self.phrase, self.tr("Try a phrase"))
        self.tabs.addTab(self.workstations, self.tr("Workstations"))
        layout.addWidget(self.tabs, 1)
        self.status = QLabel(objectName="status", wordWrap=True)
        self.status.setAccessibleName(self.tr("Status"))
        layout.addWidget(self.status)
        self.setCentralWidget(central)
        self.setStyleSheet(PACK_MANAGER_QSS)

    def _build_header(self) -> QHBoxLayout:
        header = QHBoxLayout()
        self.path_edit = QLineEdit(objectName="path", clearButtonEnabled=True)
        self.path_edit.setPlaceholderText(
            self.tr("Path of a pack folder or zip; press Enter to open it")
        )
        self.path_edit.setAccessibleName(self.tr("Pack folder or zip"))
        header.addWidget(self.path_edit, 1)
        self.open_folder_button = QPushButton(self.tr("Open folder…"))
        self.open_folder_button.setAccessibleName(self.tr("Open a pack folder"))
        self.open_folder_button.setToolTip(self.tr("Open a pack folder (Ctrl+O)"))
        header.addWidget(self.open_folder_button)
        self.open_zip_button = QPushButton(self.tr("Open zip…"))
        self.open_zip_button.setAccessibleName(self.tr("Open a pack zip"))
        self.open_zip_button.setToolTip(self.tr("Open a pack zip (Ctrl+Shift+O)"))
        header.addWidget(self.open_zip_button)
        self.reload_button = QPushButton(self.tr("Reload"))
        self.reload_button.setAccessibleName(self.tr("Check the pack again"))
        self.reload_button.setToolTip(self.tr("Check the pack again after editing it (Ctrl+R)"))
        header.addWidget(self.reload_button)
        return header

    def _connect_signals(self) -> None:
        jobs = self._pack_jobs.worker
        jobs.progress.connect(self._on_pack_jobs_progress)
        jobs.done.connect(self._on_pack_jobs_done)
        jobs.failed.connect(self._on_pack_jobs_failed)
        self._status_jobs.worker.done.connect(self._on_status_jobs_done)
        self.path_edit.returnPressed.connect(self._on_path_return_pressed)
        self.open_folder_button.clicked.connect(self._on_open_folder_clicked)
        self.open_zip_button.clicked.connect(self._on_open_zip_clicked)
        self.reload_button.clicked.connect(self.reload)
        self.phrase.phrase_entered.connect(self._on_phrase_entered)
        self.workstations.refresh_requested.connect(self.refresh_statuses)
        shortcuts = {
            QKeySequence.StandardKey.Open: self._on_open_folder_clicked,
            "Ctrl+Shift+O": self._on_open_zip_clicked,
            "Ctrl+R": self.reload,
            QKeySequence.StandardKey.Find: self._focus_filter,
            "Ctrl+L": self._focus_phrase,
            "F5": self.refresh_statuses,
        }
        for keys, slot in shortcuts.items():
            QShortcut(QKeySequence(keys), self).activated.connect(slot)
        for tab in range(self.tabs.count()):
            QShortcut(QKeySequence(f"Ctrl+{tab + 1}"), self).activated.connect(
                partial(self.tabs.setCurrentIndex, tab)
            )

    def _restore_state(self, pack: Path | None) -> None:
        self.reload_button.setEnabled(False)
        self.progress.setVisible(False)
        self.manifest.setText(self.tr("No pack open. Open a pack folder (Ctrl+O) or zip."))
        self.refresh_statuses()
        if pack is not None:
            self.load_pack(pack)

    # -- intents -------------------------------------------------------------------------
    def load_pack(self, path: Path) -> None:
        """Check the pack at ``path``, show it, then load its index for trying phrases."""
        self.pack_path = path
        self.path_edit.setText(str(path))
        self.reload_button.setEnabled(True)
        self._pack_jobs.worker.cancel_all()
        self.pack, self.services = None, None
        self.workstations.set_loaded_pack(None, "")
        self.contents.clear()
        self.problems.clear(self.tr("Checking…"))
        self.phrase.set_ready(False, self.tr("The pack is being checked…"))
        self.manifest.setText(self.tr("Checking {path}…").format(path=path))
        self._show_progress(VALIDATING_STEP, 0.0)
        self._pack_ticket = self._pack_jobs.worker.submit("check", partial(check_pack, path))

    @Slot()
    def reload(self) -> None:
        if self.pack_path is not None:
            self.load_pack(self.pack_path)

    @Slot()
    def refresh_statuses(self) -> None:
        status_dir = self._settings.team.status_dir
        if status_dir is not None:
            self._status_jobs.worker.submit("statuses", partial(read_team_statuses, status_dir))

    def try_phrase(self, text: str) -> None:
        """Explain ``text`` against the loaded pack (once its index is ready)."""
        if self.services is None or not text.strip():
            return
        job = partial(explain_job, self.services, text.strip())
        self._phrase_ticket = self._pack_jobs.worker.submit("phrase", job)

    def shutdown(self) -> None:
        """Cancel queued work and wait (bounded) for both worker threads to end."""
        self._pack_jobs.stop()
        self._status_jobs.stop()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.shutdown()
        event.accept()

    # -- slots ---------------------------------------------------------------------------
    @Slot()
    def _on_path_return_pressed(self) -> None:
        text = self.path_edit.text().strip()
        if text:
            self.load_pack(Path(text).expanduser())

    @Slot()
    def _on_open_folder_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Open a pack folder"))
        if folder:
            self.load_pack(Path(folder))

    @Slot()
    def _on_open_zip_clicked(self) -> None:
        file, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open a pack zip"), "", self.tr("Pack zip (*.zip)")
        )
        if file:
            self.load_pack(Path(file))

    @Slot(str)
    def _on_phrase_entered(self, text: str) -> None:
        self.try_phrase(text)

    @Slot()
    def _focus_filter(self) -> None:
        self.tabs.setCurrentIndex(CONTENTS_TAB)
        self.contents.filter.setFocus()
        self.contents.filter.selectAll()

    @Slot()
    def _focus_phrase(self) -> None:
        self.tabs.setCurrentIndex(PHRASE_TAB)
        self.phrase.phrase.setFocus()
        self.phrase.phrase.selectAll()

    @Slot(int, str, float)
    def _on_pack_jobs_progress(self, ticket: int, step: str, fraction: float) -> None:
        if ticket == self._pack_ticket:
            self._show_progress(step, fraction)

    @Slot(int, str, object)
    def _on_pack_jobs_done(self, ticket: int, kind: str, result: object) -> None:
        if kind == "phrase":
            if ticket == self._phrase_ticket:
                self.phrase.show_explanation(result)  # type: ignore[arg-type]
                self.phrase_explained.emit(result)
        elif ticket == self._pack_ticket and kind == "check":
            self._show_checked(result)  # type: ignore[arg-type]
        elif ticket == self._pack_ticket and kind == "prepare":
            self._show_prepared(*result)  # type: ignore[misc]

    @Slot(int, str, object)
    def _on_pack_jobs_failed(self, ticket: int, kind: str, error: AgentAssistError) -> None:
        if kind == "phrase":
            if ticket == self._phrase_ticket:
                message = self.tr("Could not try the phrase: {error}").format(error=error)
                self.phrase.set_ready(True, message)
        elif ticket == self._pack_ticket and kind == "check":
            self._show_rejected(error)
        elif ticket == self._pack_ticket and kind == "prepare":
            self._show_prepare_failed(error)

    @Slot(int, str, object)
    def _on_status_jobs_done(self, _ticket: int, _kind: str, statuses: object) -> None:
        self.workstations.show_statuses(statuses)  # type: ignore[arg-type]
        self.statuses_read.emit(statuses)

    # -- showing results -----------------------------------------------------------------
    def _show_checked(self, checked: CheckedPack) -> None:
        self.pack = pack = checked.pack
        self.manifest.setText(self._manifest_text(checked))
        self.contents.show_pack(pack)
        self.problems.show_warnings(checked.warnings)
        self._set_problems_tab_title()
        self.workstations.set_loaded_pack(pack, checked.digest)
        if self.tabs.currentIndex() == PROBLEMS_TAB:
            self.tabs.setCurrentIndex(CONTENTS_TAB)
        self.phrase.set_ready(False, self.tr("Loading the model and building the index…"))
        retrieval = self._settings.retrieval.model_copy(
            update={"pack": self.pack_path, "team_packs": ()}
        )
        job = partial(prepare_pack, retrieval, self._models_dir)
        self._pack_ticket = self._pack_jobs.worker.submit("prepare", job)
        self.pack_checked.emit(pack)

    def _manifest_text(self, checked: CheckedPack) -> str:
        pack, m = checked.pack, checked.pack.manifest
        heading = self.tr("{id} · version {version} · {title}").format(
            id=m.id, version=m.version, title=m.title
        )
        counts = self.tr(
            "Owner {owner} · {entries} knowledge entries · {scripts} scripts · "
            "{rules} guidance rules · digest {digest}"
        ).format(
            owner=m.owner, entries=len(pack.entries), scripts=len(pack.scripts),
            rules=len(pack.guidance.rules), digest=checked.digest,
        )  # fmt: skip
        return f"{heading}\n{counts}"

    def _show_prepared(self, services: AssistServices, warnings: list[PackWarning]) -> None:
        self.services = services
        self.problems.show_warnings(warnings)
        self._set_problems_tab_title()
        self.progress.setVisible(False)
        model = services.embedder.model_id.split("@")[0]
        self.status.setText(
            self.tr("Ready: index built with {model}. Try a phrase (Ctrl+L).").format(model=model)
        )
        self.phrase.set_ready(True, self.tr("Type a phrase and press Enter."))
        self.services_ready.emit(services)

    def _show_rejected(self, error: AgentAssistError) -> None:
        problems = error.problems if isinstance(error, PackValidationError) else [str(error)]
        self.progress.setVisible(False)
        self.problems.show_errors(problems)
        self._set_problems_tab_title()
        self.tabs.setCurrentIndex(PROBLEMS_TAB)
        self.manifest.setText(
            self.tr("{path} cannot be loaded: {count} problem(s).").format(
                path=self.pack_path, count=len(problems)
            )
        )
        self.phrase.set_ready(False, self.tr("Fix the pack's problems first."))
        self.status.setText("")
        self.pack_rejected.emit(problems)

    def _show_prepare_failed(self, error: AgentAssistError) -> None:
        self.progress.setVisible(False)
        message = self.tr("Cannot load the model or index: {error}").format(error=error)
        self.status.setText(message)
        self.phrase.set_ready(False, message)
        self.failed.emit(error)

    def _show_progress(self, step: str, fraction: float) -> None:
        self.progress.setVisible(True)
        self.progress.setValue(round(fraction * _PROGRESS_STEPS))
        self.status.setText(self._step_text(step))

    def _step_text(self, step: str) -> str:
        """The loading steps of load_services and of this window, in the interface language."""
        steps = {
            VALIDATING_STEP: self.tr("Validating the pack files…"),
            "Checking script pack": self.tr("Checking the pack…"),
            "Loading embedding model": self.tr("Loading the embedding model…"),
            "Building index": self.tr("Building the index…"),
            "Loading index": self.tr("Loading the index…"),
            "Preparing guidance rules": self.tr("Preparing the guidance rules…"),
            "Ready": self.tr("Almost ready…"),
            NEAR_DUPLICATES_STEP: self.tr("Looking for entries that mean the same thing…"),
        }
        return steps.get(step, step)

    def _set_problems_tab_title(self) -> None:
        count = self.problems.count
        title = self.tr("Problems ({count})").format(count=count) if count else self.tr("Problems")
        self.tabs.setTabText(PROBLEMS_TAB, title)


def open_pack_manager(settings: Settings, pack: Path | None) -> int:
    """Open the pack manager window (creating the QApplication if needed); Qt's exit code."""
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("agent-assist")
    install_translation(app, interface_language(settings.ui.language))
    window = PackManagerWindow(settings, paths.models_dir(), pack)
    app.aboutToQuit.connect(window.shutdown)
    window.show()
    return app.exec()
