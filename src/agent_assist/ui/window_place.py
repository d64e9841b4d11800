"""Where the panel sits: docked to a screen edge beside the softphone, and where the agent
last left it, remembered between starts."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QPoint, QRect, QSettings
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

_GEOMETRY = "geometry"
_ON_TOP = "always_on_top"


class WindowPlace:
    """Reads and writes the panel's place in a small INI file (``None``: remember nothing)."""

    def __init__(self, file: Path | None) -> None:
        self._settings = (
            QSettings(str(file), QSettings.Format.IniFormat) if file is not None else None
        )

    def restore(self, window: QWidget) -> None:
        """The last place if it is still on a screen; otherwise docked to the right edge."""
        saved = self._settings.value(_GEOMETRY) if self._settings is not None else None
        restored = isinstance(saved, QByteArray) and window.restoreGeometry(saved)
        if not restored or QGuiApplication.screenAt(window.frameGeometry().center()) is None:
            dock(window, right=True)

    def save(self, window: QWidget) -> None:
        if self._settings is not None:
            self._settings.setValue(_GEOMETRY, window.saveGeometry())
            self._settings.sync()

    def always_on_top(self, default: bool) -> bool:
        if self._settings is None:
            return default
        value = self._settings.value(_ON_TOP, default)
        return value in (True, "true", "1")

    def set_always_on_top(self, on_top: bool) -> None:
        if self._settings is not None:
            self._settings.setValue(_ON_TOP, on_top)
            self._settings.sync()


def dock(window: QWidget, right: bool | None = None) -> None:
    """Full height against the left or right edge of the window's screen (by default the
    nearer one), keeping the panel's width."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    area: QRect = screen.availableGeometry()
    frame = window.frameGeometry()
    if right is None:
        right = frame.center().x() >= area.center().x()
    extra_w = frame.width() - window.width()
    extra_h = frame.height() - window.height()
    width = min(window.width(), area.width() - extra_w)
    window.resize(width, area.height() - extra_h)
    x = area.right() - (width + extra_w) + 1 if right else area.left()
    window.move(QPoint(x, area.top()))
