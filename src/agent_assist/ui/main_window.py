"""The narrow side panel beside the softphone: status, suggestion cards, live transcript."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal, Slot
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from agent_assist.call_session import CallEnded
from agent_assist.config import AudioSettings, UiSettings
from agent_assist.domain import RetrievalResult, Speaker, Transcript
from agent_assist.errors import AgentAssistError
from agent_assist.guidance.events import Alert, AlertFollowUp, ChecklistUpdate
from agent_assist.pipeline.controller import AssistController, CallState
from agent_assist.services import AssistServices
from agent_assist.speech.events import LevelReading, SideWarning, SourceState, SourceStatus
from agent_assist.speech.sources import capture
from agent_assist.ui import labels
from agent_assist.ui.audio_bar import AudioBar, AudioChoice
from agent_assist.ui.call_summary_view import CallSummaryView
from agent_assist.ui.guidance_view import AlertsView, ChecklistView
from agent_assist.ui.style import PANEL_QSS
from agent_assist.ui.suggestion_cards import SuggestionPanel
from agent_assist.ui.transcript_view import TranscriptView
from agent_assist.ui.window_place import WindowPlace, dock

_MIN_HEIGHT_PX = 640
_MIN_WIDTH_PX = 320
_CARD_SHORTCUTS = 3
# Share of the panel's height (percent) the cards get initially; the transcript gets the rest.
_CARDS_SHARE = 66
# Level meters show the last 60 dB below full scale: quieter is silence.
_METER_RANGE_DB = 60
# The loading steps services.load_services reports, for the translation catalog.
_LOAD_STEPS = (
    QT_TRANSLATE_NOOP("LoadProgress", "Checking script pack"),
    QT_TRANSLATE_NOOP("LoadProgress", "Loading embedding model"),
    QT_TRANSLATE_NOOP("LoadProgress", "Building index"),
    QT_TRANSLATE_NOOP("LoadProgress", "Loading index"),
    QT_TRANSLATE_NOOP("LoadProgress", "Warming up"),
    QT_TRANSLATE_NOOP("LoadProgress", "Preparing guidance rules"),
    QT_TRANSLATE_NOOP("LoadProgress", "Ready"),
)


class MainWindow(QMainWindow):
    """Renders the controller's state; buttons send the agent's intent back.

    Signals:
        replay_requested(Path): the agent chose a call file to replay.
        live_requested(): the agent wants to take a live call (capture or network stream).
        reconnect_requested(): retry the source that dropped.
        stop_requested(): the agent pressed stop.
        cards_rendered(RetrievalResult, float): cards are on screen; ms since the transcript.
        audio_changed(AudioChoice): the agent chose another source, device or channel swap.
        settings_requested(): open the settings dialog.
        setup_check_requested(): check this workstation (models, pack, devices, folders).
    """

    replay_requested = Signal(Path)
    live_requested = Signal()
    reconnect_requested = Signal()
    stop_requested = Signal()
    cards_rendered = Signal(object, float)
    audio_changed = Signal(object)
    settings_requested = Signal()
    setup_check_requested = Signal()

    def __init__(
        self,
        controller: AssistController,
        settings: UiSettings,
        place: WindowPlace | None = None,
        audio: AudioChoice | None = None,
        list_devices: Callable[[], Sequence[capture.CaptureDevice]] = capture.list_devices,
        speech_model: str = "",
    ) -> None:
        super().__init__()
        self._controller = controller
        self._audio = audio or AudioChoice.from_settings(AudioSettings())
        self._list_devices = list_devices
        self._closing = False
        self._place = place or WindowPlace(None)
        self.last_render_ms: float | None = None
        self._models_text = ""
        self._speech_model = speech_model
        self.setWindowTitle(self.tr("Agent Assist"))
        self.setMinimumSize(_MIN_WIDTH_PX, _MIN_HEIGHT_PX)
        self.resize(settings.width_px, max(_MIN_HEIGHT_PX, 900))
        self._build_ui()
        on_top = self._place.always_on_top(settings.always_on_top)
        self.pin_button.setChecked(on_top)
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, on_top)
        self._place.restore(self)
        self._connect_signals()
        self._on_controller_state_changed(controller.state)

    def _build_ui(self) -> None:
        central = QWidget(objectName="central")
        layout = QVBoxLayout(central)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(6)
        layout.addLayout(self._build_header())
        layout.addLayout(self._build_meters())
        self.audio_bar = AudioBar(self._audio, self._list_devices)
        self.audio_bar.setVisible(False)
        layout.addWidget(self.audio_bar)
        layout.addLayout(self._build_source_banner())
        self.progress = QProgressBar(maximum=100, textVisible=False, fixedHeight=4)
        layout.addWidget(self.progress)
        self.checklist = ChecklistView()
        layout.addWidget(self.checklist)
        self.alerts = AlertsView()
        layout.addWidget(self.alerts)

        self.suggestions = SuggestionPanel()
        scroll = QScrollArea(widgetResizable=True, frameShape=QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.suggestions)
        scroll.setAccessibleName(self.tr("Suggestions"))
        self.search = QLineEdit(objectName="search", clearButtonEnabled=True)
        self.search.setPlaceholderText(
            self.tr("Search the knowledge base: type a question, Enter  Ctrl+F")
        )
        self.search.setAccessibleName(self.tr("Search the knowledge base"))
        cards = QWidget()
        cards_layout = QVBoxLayout(cards)
        cards_layout.setContentsMargins(0, 0, 0, 0)
        cards_layout.addWidget(self.search)
        cards_layout.addWidget(scroll, 1)
        self.transcript = TranscriptView()
        splitter = self._splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self._section(self.tr("Suggestions"), cards))
        splitter.addWidget(self._section(self.tr("Transcript"), self.transcript))
        self.summary = CallSummaryView()
        splitter.addWidget(self.summary)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([_CARDS_SHARE * 10, (100 - _CARDS_SHARE) * 10])
        layout.addWidget(splitter, 1)
        self.status = QLabel(objectName="status", wordWrap=True)
        layout.addWidget(self.status)
        self.setCentralWidget(central)
        self.setStyleSheet(PANEL_QSS)

    def _build_header(self) -> QHBoxLayout:
        header = QHBoxLayout()
        self.state_label = QLabel()
        self.state_label.setObjectName("sectionTitle")
        header.addWidget(self.state_label, 1)
        self.live_button = QPushButton(self.tr("Take call"))
        self.live_button.setAccessibleName(self.tr("Take a live call"))
        self.live_button.setToolTip(
            self.tr("Listen to the microphone and the softphone (or the network stream)")
        )
        header.addWidget(self.live_button)
        self.replay_button = QPushButton(self.tr("Replay…"))
        self.replay_button.setAccessibleName(self.tr("Replay a call file"))
        self.replay_button.setToolTip(self.tr("Replay a call script (.yaml) or recording (.wav)"))
        header.addWidget(self.replay_button)
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.setAccessibleName(self.tr("Stop the call"))
        header.addWidget(self.stop_button)
        for button, keys in (
            (self.live_button, "Ctrl+Shift+L"),
            (self.replay_button, "Ctrl+Shift+O"),
            (self.stop_button, "Ctrl+Shift+E"),
        ):
            button.setShortcut(QKeySequence(keys))
            button.setToolTip(f"{button.toolTip() or button.accessibleName()}  ({keys})")
        return header

    def _build_window_tools(self, row: QHBoxLayout) -> None:
        """Audio choice and the window's place: used rarely, so small and at the side."""
        self.audio_button = QPushButton(self.tr("Audio"), objectName="flat", checkable=True)
        self.audio_button.setAccessibleName(self.tr("Choose the audio source and devices"))
        self.audio_button.setToolTip(self.tr("Audio source, devices and channel swap"))
        row.addWidget(self.audio_button)
        self.pin_button = QPushButton(self.tr("On top"), objectName="flat", checkable=True)
        self.pin_button.setAccessibleName(self.tr("Keep the panel on top"))
        self.pin_button.setToolTip(self.tr("Keep the panel above other windows"))
        row.addWidget(self.pin_button)
        self.dock_button = QPushButton(self.tr("Dock"), objectName="flat")
        self.dock_button.setAccessibleName(self.tr("Dock to the screen edge"))
        self.dock_button.setToolTip(self.tr("Dock the panel to the nearer screen edge"))
        row.addWidget(self.dock_button)
        self.setup_button = QToolButton(objectName="flat", text=self.tr("Setup"))
        self.setup_button.setAccessibleName(self.tr("Settings and workstation check"))
        self.setup_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.setup_button)
        menu.addAction(self.tr("Settings…"), self.settings_requested.emit)
        menu.addAction(self.tr("Check this workstation…"), self.setup_check_requested.emit)
        self.setup_button.setMenu(menu)
        row.addWidget(self.setup_button)

    def _build_source_banner(self) -> QHBoxLayout:
        """Audio problems the agent must see: a silent or clipping side, a dropped source."""
        banner = QHBoxLayout()
        self.source_banner = QLabel(objectName="sourceBanner", wordWrap=True, visible=False)
        self.source_banner.setAccessibleName(self.tr("Audio warning"))
        banner.addWidget(self.source_banner, 1)
        self.reconnect_button = QPushButton(self.tr("Reconnect"), visible=False)
        self.reconnect_button.setAccessibleName(self.tr("Reconnect the audio"))
        banner.addWidget(self.reconnect_button)
        self._side_warnings: dict[tuple[str, str], str] = {}
        self._source_problem = ""
        return banner

    def _build_meters(self) -> QHBoxLayout:
        """How loud each side is right now: a dead microphone shows at a glance."""
        row = QHBoxLayout()
        row.setSpacing(6)
        self.meters: dict[Speaker, QProgressBar] = {}
        for speaker in (Speaker.AGENT, Speaker.CUSTOMER):
            label = QLabel(labels.speaker(speaker), objectName="meterLabel")
            meter = QProgressBar(objectName="meter", minimum=0, maximum=_METER_RANGE_DB)
            meter.setTextVisible(False)
            meter.setFixedHeight(6)
            meter.setAccessibleName(self.tr("{side} level").format(side=labels.speaker(speaker)))
            row.addWidget(label)
            row.addWidget(meter, 1)
            self.meters[speaker] = meter
        self._build_window_tools(row)
        return row

    @staticmethod
    def _section(title: str, body: QWidget) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        label = QLabel(title, objectName="sectionTitle")
        layout.addWidget(label)
        layout.addWidget(body, 1)
        return box

    def _connect_signals(self) -> None:
        c = self._controller
        c.state_changed.connect(self._on_controller_state_changed)
        c.load_progress.connect(self._on_controller_load_progress)
        c.services_loaded.connect(self._on_controller_services_loaded)
        c.transcript_updated.connect(self._on_controller_transcript_updated)
        c.suggestions_updated.connect(self._on_controller_suggestions_updated)
        c.error_raised.connect(self._on_controller_error_raised)
        c.speech_event.connect(self._on_controller_speech_event)
        c.guidance_updated.connect(self._on_controller_guidance_updated)
        c.call_recorded.connect(self._on_controller_call_recorded)
        self.summary.save_requested.connect(c.save_summary)
        self.summary.export_requested.connect(c.export_call)
        self.suggestions.card_used.connect(self._on_suggestions_card_used)
        self.suggestions.card_rated.connect(c.card_action)
        c.search_missed.connect(self.suggestions.show_missed)
        self.search.returnPressed.connect(self._on_search_return_pressed)
        QShortcut(QKeySequence.StandardKey.Find, self).activated.connect(self._focus_search)
        QShortcut(QKeySequence("Ctrl+0"), self).activated.connect(self.alerts.copy_newest_advice)
        self.replay_button.clicked.connect(self._on_replay_clicked)
        self.live_button.clicked.connect(self.live_requested)
        self.reconnect_button.clicked.connect(self.reconnect_requested)
        self.stop_button.clicked.connect(self.stop_requested)
        self.pin_button.toggled.connect(self._on_pin_toggled)
        self.audio_button.toggled.connect(self._on_audio_toggled)
        self.audio_bar.choice_changed.connect(self.audio_changed)
        self.dock_button.clicked.connect(self._on_dock_clicked)
        for rank in range(_CARD_SHORTCUTS):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{rank + 1}"), self)
            shortcut.activated.connect(getattr(self, f"_copy_card_{rank}"))

    @Slot(bool)
    def _on_pin_toggled(self, on_top: bool) -> None:
        self._place.set_always_on_top(on_top)
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, on_top)
        self.show()  # changing a window flag hides the window

    @Slot(bool)
    def _on_audio_toggled(self, shown: bool) -> None:
        self.audio_bar.setVisible(shown)
        if shown:
            self.audio_bar.refresh_devices()

    @Slot()
    def _on_dock_clicked(self) -> None:
        dock(self)

    @Slot()
    def _on_search_return_pressed(self) -> None:
        self._controller.search(self.search.text())

    @Slot()
    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    @Slot()
    def _copy_card_0(self) -> None:
        self.suggestions.copy_card(0)

    @Slot()
    def _copy_card_1(self) -> None:
        self.suggestions.copy_card(1)

    @Slot()
    def _copy_card_2(self) -> None:
        self.suggestions.copy_card(2)

    @Slot(object)
    def _on_controller_state_changed(self, state: CallState) -> None:
        names = {
            CallState.LOADING: self.tr("Loading…"),
            CallState.READY: self.tr("Ready"),
            CallState.IN_CALL: self.tr("In call"),
            CallState.FAILED: self.tr("Cannot start"),
        }
        self.state_label.setText(f"● {names[state]}")
        self.replay_button.setEnabled(state is CallState.READY)
        self.live_button.setEnabled(state is CallState.READY)
        self.reconnect_button.setEnabled(state is CallState.READY)
        self.stop_button.setEnabled(state is CallState.IN_CALL)
        self.audio_bar.setEnabled(state is not CallState.IN_CALL)  # applies to the next call
        self.progress.setVisible(state is CallState.LOADING)
        if state is CallState.IN_CALL:
            self.transcript.clear_call()
            self.suggestions.clear_cards()
            self.alerts.clear_call()
            self.summary.clear_call()
            self._side_warnings.clear()
            self._source_problem = ""
            for meter in self.meters.values():
                meter.setValue(0)
            self._show_source_banner()
        if self._closing and state is not CallState.IN_CALL:
            self.close()

    @Slot(str, float)
    def _on_controller_load_progress(self, message: str, fraction: float) -> None:
        self.progress.setValue(round(fraction * 100))
        self.status.setText(QCoreApplication.translate("LoadProgress", message))

    @Slot(object)
    def _on_controller_services_loaded(self, services: AssistServices) -> None:
        m = services.pack.manifest
        self._models_text = self.tr("Pack {pack} v{version} · speech {speech} · meaning {model}")
        self._models_text = self._models_text.format(
            pack=m.id,
            version=m.version,
            speech=self._speech_model or "-",
            model=services.embedder.model_id.split("@")[0],
        )
        self.status.setText(self._models_text)

    @Slot(object)
    def _on_controller_transcript_updated(self, transcript: Transcript) -> None:
        self.transcript.show_transcript(transcript)

    @Slot(object)
    def _on_controller_suggestions_updated(self, result: RetrievalResult) -> None:
        self.suggestions.show_result(result)
        self.last_render_ms = (time.monotonic_ns() - result.query.emitted_ns) / 1e6
        t = result.timings
        latency = self.tr("speech→cards {total} ms (embed {embed} ms · search {search} ms)").format(
            total=f"{self.last_render_ms:.0f}",
            embed=f"{t.embed_ms:.1f}",
            search=f"{t.search_ms:.1f}",
        )
        self.status.setText(f"{self._models_text}\n{latency}")
        self.cards_rendered.emit(result, self.last_render_ms)

    @Slot(object)
    def _on_controller_error_raised(self, error: AgentAssistError) -> None:
        # Non-modal: the agent may be mid-call.
        self.status.setText(f"⚠ {error}")
        self.status.setToolTip(str(error))

    @Slot(object)
    def _on_controller_speech_event(self, event: object) -> None:
        if isinstance(event, LevelReading):
            level = round(event.rms_dbfs) + _METER_RANGE_DB
            self.meters[event.speaker].setValue(max(0, min(_METER_RANGE_DB, level)))
        elif isinstance(event, SideWarning):
            key = (event.speaker.value, event.kind.value)
            if event.active:
                self._side_warnings[key] = event.message
            else:
                self._side_warnings.pop(key, None)
            self._show_source_banner()
        elif isinstance(event, SourceStatus):
            if event.state is SourceState.FAILED:
                self._source_problem = event.message
                self.reconnect_button.setVisible(event.reconnectable)
                self._show_source_banner()
            elif event.state in (SourceState.CONNECTED, SourceState.WAITING):
                self.status.setText(f"{self._models_text}\n{event.message}")

    @Slot(object)
    def _on_controller_guidance_updated(self, event: object) -> None:
        if isinstance(event, Alert):
            self.alerts.show_alert(event)
        elif isinstance(event, AlertFollowUp):
            self.alerts.follow_up(event)
        elif isinstance(event, ChecklistUpdate):
            self.checklist.show_checklist(event)

    @Slot(object)
    def _on_controller_call_recorded(self, ended: CallEnded) -> None:
        self.summary.show_call(ended)
        self.alerts.compact()
        # The call is over: the summary takes the transcript's room, the cards stay.
        total = sum(self._splitter.sizes())
        self._splitter.setSizes([total * 2 // 5, total // 5, total * 2 // 5])

    @Slot(str)
    def _on_suggestions_card_used(self, entry_id: str) -> None:
        self._controller.card_action(entry_id, "used")

    def _show_source_banner(self) -> None:
        lines = [f"⚠ {m}" for m in (self._source_problem, *self._side_warnings.values()) if m]
        self.source_banner.setText("\n".join(lines))
        self.source_banner.setVisible(bool(lines))
        if not self._source_problem:
            self.reconnect_button.setVisible(False)

    @Slot()
    def _on_replay_clicked(self) -> None:
        file, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Replay a call"),
            "",
            self.tr("Call script or recording (*.yaml *.yml *.wav *.flac)"),
        )
        if file:
            self.replay_requested.emit(Path(file))

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self._controller.state is CallState.IN_CALL and not self._closing:
            # Let the call source stop and flush what was said, then close for real.
            self._closing = True
            self._controller.stop_call()
            event.ignore()
            return
        self._place.save(self)
        for dialog in self.findChildren(QDialog):  # their workers stop with them
            dialog.reject()
        self._controller.shutdown()
        event.accept()
