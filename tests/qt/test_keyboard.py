"""The panel with the keyboard alone: every control Tab reaches has a name, and an agent can
take a call, look something up, copy an answer and stop without the mouse."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from agent_assist.config import RetrievalSettings, Settings
from agent_assist.guidance.events import Alert, AlertKind, Severity
from agent_assist.pipeline.controller import CallState
from agent_assist.ui.main_window import MainWindow
from tests.conftest import SAMPLE_PACK
from tests.qt.test_main_window import _ready_panel
from tests.support.accessibility import tab_stops, unnamed

pytestmark = pytest.mark.slow

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def settings(tmp_path: Path, use_model_dir: Path) -> Settings:
    retrieval = RetrievalSettings(
        embedder=str(use_model_dir), pack=SAMPLE_PACK, index_root=tmp_path / "index", debounce_ms=50
    )
    return Settings(retrieval=retrieval)


def _alert() -> Alert:
    advice = "请说：以审批为准。"
    return Alert(1, AlertKind.COMPLIANCE, "r", "c", Severity.HIGH, "承诺保证", advice, 1.0)


def _look_up(qtbot: QtBot, window: MainWindow, question: str) -> None:
    qtbot.keyClick(window, Qt.Key.Key_F, CTRL)
    qtbot.waitUntil(window.search.hasFocus)
    window.search.setText(question)  # keyClicks cannot type CJK
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(window.suggestions.cards), timeout=10_000)
    qtbot.waitUntil(window.suggestions.cards[0].isVisible)
    window.activateWindow()  # the offscreen platform may hand activation elsewhere meanwhile
    qtbot.waitUntil(window.isActiveWindow)


@pytest.mark.usefixtures("pulse")  # the audio row lists devices: from a private sound server
def test_every_control_tab_reaches_has_a_name(qtbot: QtBot, settings: Settings) -> None:
    controller, window = _ready_panel(qtbot, settings)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.audio_button.click()  # the audio row too
    _look_up(qtbot, window, "逾期了会不会上征信")
    advice = Alert(
        1, AlertKind.COMPLIANCE, "r", "c", Severity.HIGH, "承诺保证", "请说：以审批为准。", 1.0
    )
    controller.guidance_updated.emit(advice)
    assert unnamed(window) == []
    stops = tab_stops(window)
    first_card = window.suggestions.cards[0]
    for control in (window.live_button, window.search, first_card.copy_button):
        assert control in stops, f"Tab never reaches {control.accessibleName()}"
    window.close()


def test_an_agent_can_work_a_call_without_the_mouse(qtbot: QtBot, settings: Settings) -> None:
    controller, window = _ready_panel(qtbot, settings)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    _look_up(qtbot, window, "我想提前把钱全部还掉 怎么操作")
    qtbot.keyClick(window, Qt.Key.Key_1, CTRL)
    top = window.suggestions.cards[0].suggestion
    assert QGuiApplication.clipboard().text() == top.body

    advice = Alert(
        1, AlertKind.COMPLIANCE, "r", "c", Severity.HIGH, "承诺保证", "请说：以审批为准。", 1.0
    )
    controller.guidance_updated.emit(advice)
    qtbot.keyClick(window, Qt.Key.Key_0, CTRL)
    assert QGuiApplication.clipboard().text() == "请说：以审批为准。"

    # Tab from the search box walks into the cards: the copy button answers to Space.
    window.search.setFocus()
    for _ in range(len(tab_stops(window))):
        if window.suggestions.cards[0].copy_button.hasFocus():
            break
        qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Tab)
    assert window.suggestions.cards[0].copy_button.hasFocus()
    with qtbot.waitSignal(window.suggestions.card_used) as used:
        qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Space)
    assert used.args == [top.entry_id]

    shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    window.replay_requested.connect(lambda _file: None)
    qtbot.keyClick(window, Qt.Key.Key_E, shift)  # Stop: nothing to stop yet, nothing happens
    assert controller.state is CallState.READY
    window.close()
