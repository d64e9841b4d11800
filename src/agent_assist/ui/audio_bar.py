"""Where the next live call's audio comes from: source, devices, and which side is which."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QThreadPool, Signal, Slot
from PySide6.QtWidgets import QCheckBox, QComboBox, QGridLayout, QLabel, QPushButton, QWidget

from agent_assist.config import AudioSettings
from agent_assist.errors import AgentAssistError
from agent_assist.pipeline.workers import BackgroundCall
from agent_assist.speech.sources.capture import CaptureDevice


@dataclass(frozen=True, slots=True)
class AudioChoice:
    """The agent's choice; ``None`` devices are the system defaults."""

    source: str  # "capture" or "network"
    microphone: str | None
    loopback: str | None
    swap_channels: bool

    @classmethod
    def from_settings(cls, audio: AudioSettings) -> AudioChoice:
        return cls(audio.source, audio.microphone, audio.loopback, audio.swap_channels)

    def applied_to(self, audio: AudioSettings) -> AudioSettings:
        return audio.model_copy(
            update={
                "source": self.source,
                "microphone": self.microphone,
                "loopback": self.loopback,
                "swap_channels": self.swap_channels,
            }
        )


class AudioBar(QWidget):
    """Source, microphone, loopback and channel swap; devices are listed off the UI thread.

    Signals:
        choice_changed(AudioChoice): the agent changed something.
    """

    choice_changed = Signal(object)

    def __init__(
        self, choice: AudioChoice, list_devices: Callable[[], Sequence[CaptureDevice]]
    ) -> None:
        super().__init__(objectName="audioBar")
        self._list_devices = list_devices
        # The last listing task: kept until the next one, as the pool may still be returning
        # from it when its signal arrives.
        self._listing: BackgroundCall | None = None
        self._listing_busy = False
        self._build_ui()
        self.set_choice(choice)
        for combo in (self.source, self.microphone, self.loopback):
            combo.activated.connect(self._on_changed)
        self.swap.toggled.connect(self._on_changed)
        self.refresh_button.clicked.connect(self.refresh_devices)

    def _build_ui(self) -> None:
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(3)
        self.source = QComboBox()
        self.source.addItem(self.tr("This PC: microphone + softphone"), "capture")
        self.source.addItem(self.tr("Network stream from the phone system"), "network")
        self.source.setAccessibleName(self.tr("Audio source"))
        self.microphone = QComboBox()
        self.microphone.setAccessibleName(self.tr("Microphone (agent side)"))
        self.loopback = QComboBox()
        self.loopback.setAccessibleName(self.tr("Softphone output (customer side)"))
        self.swap = QCheckBox(self.tr("Swap sides"))
        self.swap.setAccessibleName(self.tr("Swap the agent and customer sides"))
        self.swap.setToolTip(
            self.tr("Use when the customer shows up as the agent (a stereo file or a headset)")
        )
        self.refresh_button = QPushButton(self.tr("Refresh"), objectName="flat")
        self.refresh_button.setAccessibleName(self.tr("List the audio devices again"))
        self.problem = QLabel(objectName="cardMeta", wordWrap=True, visible=False)
        rows = (
            (self.tr("Source"), self.source),
            (self.tr("Agent"), self.microphone),
            (self.tr("Customer"), self.loopback),
        )
        for row, (text, combo) in enumerate(rows):
            label = QLabel(text, objectName="meterLabel")
            label.setBuddy(combo)
            grid.addWidget(label, row, 0)
            grid.addWidget(combo, row, 1, 1, 2)
        grid.addWidget(self.swap, 3, 1)
        grid.addWidget(self.refresh_button, 3, 2)
        grid.addWidget(self.problem, 4, 0, 1, 3)
        grid.setColumnStretch(1, 1)

    def set_choice(self, choice: AudioChoice) -> None:
        """Show ``choice`` (from the settings); devices are listed again when the row is open."""
        self.source.setCurrentIndex(max(0, self.source.findData(choice.source)))
        for combo, device in (
            (self.microphone, choice.microphone),
            (self.loopback, choice.loopback),
        ):
            combo.clear()
            combo.addItem(self.tr("System default"), None)
            if device is not None:
                combo.addItem(device, device)
                combo.setCurrentIndex(1)
        self.swap.setChecked(choice.swap_channels)
        self._enable_devices()
        if self.isVisible():
            self.refresh_devices()

    def choice(self) -> AudioChoice:
        return AudioChoice(
            self.source.currentData(),
            self.microphone.currentData(),
            self.loopback.currentData(),
            self.swap.isChecked(),
        )

    @Slot()
    def refresh_devices(self) -> None:
        """List the devices in the thread pool (the sound system may take a while)."""
        if self._listing_busy:
            return
        self._listing_busy = True
        self._listing = BackgroundCall(self._list_devices)
        self._listing.signals.done.connect(self._on_listing_done)
        self._listing.signals.failed.connect(self._on_listing_failed)
        QThreadPool.globalInstance().start(self._listing)

    @Slot(object)
    def _on_listing_done(self, devices: Sequence[CaptureDevice]) -> None:
        self._listing_busy = False
        self.problem.setVisible(False)
        for combo, loopback in ((self.microphone, False), (self.loopback, True)):
            chosen = combo.currentData()
            combo.clear()
            combo.addItem(self.tr("System default"), None)
            for device in (d for d in devices if d.loopback == loopback):
                combo.addItem(device.name, device.id)
            found = combo.findData(chosen)
            if chosen is not None and found < 0:  # unplugged, or a name part from the settings
                combo.addItem(chosen, chosen)
                found = combo.count() - 1
            combo.setCurrentIndex(max(0, found))

    @Slot(object)
    def _on_listing_failed(self, error: AgentAssistError) -> None:
        self._listing_busy = False
        self.problem.setText(str(error))
        self.problem.setVisible(True)

    @Slot()
    def _on_changed(self) -> None:
        self._enable_devices()
        self.choice_changed.emit(self.choice())

    def _enable_devices(self) -> None:
        local = self.source.currentData() == "capture"
        self.microphone.setEnabled(local)
        self.loopback.setEnabled(local)
