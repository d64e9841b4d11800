"""What keyboard and screen-reader users meet: the controls Tab reaches, and their names."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QWidget


def tab_stops(root: QWidget) -> list[QWidget]:
    """The visible, enabled widgets inside ``root`` that Tab stops at, in focus-chain order."""
    stops, widget = [], root.nextInFocusChain()
    while widget is not root and widget not in stops:
        takes_tab = bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)
        if takes_tab and widget.isVisible() and widget.isEnabled() and root.isAncestorOf(widget):
            stops.append(widget)
        widget = widget.nextInFocusChain()
    return stops


def unnamed(root: QWidget) -> list[str]:
    """Tab stops a screen reader cannot name (no accessible name, no button text)."""
    return [
        f"{type(w).__name__} {w.objectName()!r}"
        for w in tab_stops(root)
        if not w.accessibleName() and not (isinstance(w, QAbstractButton) and w.text())
    ]
