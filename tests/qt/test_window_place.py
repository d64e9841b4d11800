"""The panel docks to a screen edge, and comes back where the agent left it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from agent_assist.ui.window_place import WindowPlace, dock


def _panel(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.resize(400, 500)
    return widget


def test_first_start_docks_to_the_right_edge_full_height(qtbot: QtBot, tmp_path: Path) -> None:
    widget = _panel(qtbot)
    WindowPlace(tmp_path / "window.ini").restore(widget)
    area = QGuiApplication.primaryScreen().availableGeometry()
    frame = widget.frameGeometry()
    assert frame.right() == area.right() and frame.top() == area.top()
    assert frame.height() == area.height() and widget.width() == 400


def test_the_last_place_is_remembered(qtbot: QtBot, tmp_path: Path) -> None:
    file = tmp_path / "window.ini"
    widget = _panel(qtbot)
    widget.setGeometry(50, 60, 360, 480)
    WindowPlace(file).save(widget)
    again = _panel(qtbot)
    WindowPlace(file).restore(again)
    assert (again.x(), again.y(), again.width(), again.height()) == (50, 60, 360, 480)


def test_a_place_off_every_screen_falls_back_to_docking(qtbot: QtBot, tmp_path: Path) -> None:
    file = tmp_path / "window.ini"
    widget = _panel(qtbot)
    widget.setGeometry(50_000, 50_000, 360, 480)  # a monitor that is gone
    WindowPlace(file).save(widget)
    again = _panel(qtbot)
    WindowPlace(file).restore(again)
    area = QGuiApplication.primaryScreen().availableGeometry()
    assert area.contains(again.frameGeometry().center())


def test_dock_goes_to_the_nearer_edge_and_on_top_is_remembered(
    qtbot: QtBot, tmp_path: Path
) -> None:
    widget = _panel(qtbot)
    area = QGuiApplication.primaryScreen().availableGeometry()
    widget.move(area.left() + 10, area.top() + 100)
    dock(widget)
    assert widget.frameGeometry().left() == area.left()
    place = WindowPlace(tmp_path / "window.ini")
    assert place.always_on_top(False) is False
    place.set_always_on_top(True)
    assert WindowPlace(tmp_path / "window.ini").always_on_top(False) is True
