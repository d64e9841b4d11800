"""The installed PySide6 keeps Python's reference counts: PySide6 6.12.0 on Python 3.11
dropped a reference to None on every void call, and a long call crashed the panel
("deallocating None") after some hundred thousand label updates."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

CALLS = 2000


def test_void_calls_leave_none_and_bools_alone(qtbot: QtBot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    before = [sys.getrefcount(x) for x in (None, True, False)]
    for n in range(CALLS):
        label.setText("客户")
        label.setVisible(n % 2 == 0)
        label.setEnabled(True)
    after = [sys.getrefcount(x) for x in (None, True, False)]
    # Immortal objects (Python ≥ 3.12) report a constant; elsewhere a few references may
    # come and go, but never one per call.
    assert all(b - a < CALLS // 10 for a, b in zip(after, before, strict=True)), (before, after)
