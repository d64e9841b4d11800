"""The settings dialog and the workstation check, as the panel opens them."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Slot

from agent_assist import paths
from agent_assist.config import Settings
from agent_assist.pipeline.controller import AssistController, CallState
from agent_assist.services import AssistServices
from agent_assist.settings_file import restart_needed
from agent_assist.ui.audio_bar import AudioChoice
from agent_assist.ui.first_run import FirstRunDialog
from agent_assist.ui.main_window import MainWindow
from agent_assist.ui.settings_dialog import SettingsDialog


class SetupDialogs(QObject):
    """The settings dialog and the workstation check, opened by the agent or, once, when the
    panel cannot load (a model missing): after a fix there, loading is tried again."""

    def __init__(
        self,
        controller: AssistController,
        window: MainWindow,
        use_settings: Callable[[Settings], None],
        settings: Settings,
        load: Callable[[Callable[[str, float], None]], AssistServices],
        *,
        locked: frozenset[str] = frozenset(),
    ) -> None:
        super().__init__(window)
        self._controller = controller
        self._window = window
        self._use_settings = use_settings
        self._settings = settings
        self._load = load
        self._locked = locked
        self._offered_check = False

    @Slot()
    def open_settings(self) -> None:
        dialog = SettingsDialog(
            self._settings, paths.settings_file(), self._window, locked=self._locked
        )
        dialog.settings_saved.connect(self._on_settings_saved)
        dialog.open()

    @Slot(object)
    def _on_settings_saved(self, settings: Settings) -> None:
        if restart_needed(self._settings, settings):
            self._window.status.setText(self.tr("Settings saved: restart the panel to apply them."))
        self._settings = settings
        self._use_settings(settings)
        self._window.audio_bar.set_choice(AudioChoice.from_settings(settings.audio))

    @Slot()
    def open_check(self) -> None:
        dialog = FirstRunDialog(self._settings, paths.models_dir(), self._window)
        dialog.finished.connect(self._on_check_finished)
        dialog.open()

    @Slot(int)
    def _on_check_finished(self, _result: int) -> None:
        if self._controller.state is CallState.FAILED:
            self._controller.load(self._load)

    @Slot(object)
    def _on_controller_state_changed(self, state: CallState) -> None:
        if state is CallState.FAILED and not self._offered_check:
            self._offered_check = True  # once: the agent may have reasons to go on without
            self.open_check()
