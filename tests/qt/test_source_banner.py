"""The panel's audio banner: silent or clipping sides, a dropped source and its reconnect."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from agent_assist.config import RetrievalSettings, UiSettings
from agent_assist.domain import Speaker
from agent_assist.pipeline.controller import AssistController
from agent_assist.speech.events import (
    SideWarning,
    SideWarningKind,
    SourceState,
    SourceStatus,
)
from agent_assist.ui.main_window import MainWindow


def _window(qtbot: QtBot) -> tuple[AssistController, MainWindow]:
    controller = AssistController(RetrievalSettings())
    window = MainWindow(controller, UiSettings())
    qtbot.addWidget(window)
    window.show()
    return controller, window


def test_a_silent_side_shows_a_warning_until_sound_returns(qtbot: QtBot) -> None:
    controller, window = _window(qtbot)
    assert not window.source_banner.isVisible()
    silent = SideWarning(Speaker.CUSTOMER, SideWarningKind.SILENT, True, 20.0, "客户侧 20 秒无声音")
    controller.speech_event.emit(silent)
    assert window.source_banner.isVisible()
    assert "客户侧 20 秒无声音" in window.source_banner.text()
    assert not window.reconnect_button.isVisible()
    cleared = SideWarning(Speaker.CUSTOMER, SideWarningKind.SILENT, False, 25.0, "恢复")
    controller.speech_event.emit(cleared)
    assert not window.source_banner.isVisible()


def test_a_dropped_source_offers_reconnect(qtbot: QtBot) -> None:
    controller, window = _window(qtbot)
    controller.speech_event.emit(
        SourceStatus(SourceState.FAILED, "Audio capture stopped: headset unplugged", True)
    )
    assert "headset unplugged" in window.source_banner.text()
    assert window.reconnect_button.isVisible()
    assert window.reconnect_button.accessibleName()
    window.reconnect_button.setEnabled(True)
    with qtbot.waitSignal(window.reconnect_requested, timeout=1000):
        window.reconnect_button.click()
