"""Whether this workstation has a font that draws Chinese: without one every card is boxes."""

from __future__ import annotations

import os
import sys

from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics, QGuiApplication

from agent_assist.health import Check

CHINESE_FONT = "Chinese font"
# Characters every card of a lending pack uses (repay, instalment, overdue, interest).
SAMPLE_TEXT = "还款分期逾期利息"
# Family names of fonts made for Simplified Chinese, named first.
_SIMPLIFIED_MARKS = (" SC", " CN", "YaHei", "SimSun", "SimHei", "DengXian")


def check_chinese_font() -> Check:
    """Asks Qt itself (not the file system), so it sees what the panel will draw with."""
    _ensure_gui_application()
    families = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    drawing = sorted(
        (f for f in families if _draws(f, SAMPLE_TEXT)),
        key=lambda family: not any(mark in family for mark in _SIMPLIFIED_MARKS),
    )
    if not drawing:
        fix = (
            "Install a Chinese font: on Windows add the Chinese (Simplified) supplemental fonts "
            "(Settings > Apps > Optional features); on Debian/Ubuntu `apt install "
            "fonts-noto-cjk`."
        )
        return Check(CHINESE_FONT, False, "error", "No installed font draws Chinese.", fix)
    shown = ", ".join(drawing[:3]) + (f" and {len(drawing) - 3} more" if len(drawing) > 3 else "")
    return Check(CHINESE_FONT, True, "error", shown)


def _draws(family: str, text: str) -> bool:
    metrics = QFontMetrics(QFont(family))
    return all(metrics.inFontUcs4(ord(char)) for char in text)


def _ensure_gui_application() -> None:
    """A terminal without a display gets Qt's offscreen platform, which reads the same fonts."""
    if QGuiApplication.instance() is not None:
        return
    no_display = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if sys.platform.startswith("linux") and no_display:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _ensure_gui_application.app = QGuiApplication([sys.argv[0]])  # type: ignore[attr-defined]
