"""The interface language: English source strings, a zh_CN translation chosen by setting or locale.

Strings are marked with ``self.tr()`` (or ``QT_TRANSLATE_NOOP`` for tables) and collected into
``translations/agent_assist_zh_CN.ts`` by ``make translations``, which also compiles the ``.qm``
the app loads. Pack content (titles, answers, scripts) is shown in the pack's own language.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

logger = logging.getLogger(__name__)

TRANSLATIONS_DIR = Path(__file__).parent / "translations"
CATALOG_NAME = "agent_assist"
LANGUAGES = ("zh_CN", "en")

# Installed translators must outlive the call that installs them.
_installed: list[QTranslator] = []


def interface_language(setting: str, locale: QLocale | None = None) -> str:
    """``zh_CN`` or ``en``: the setting, or for "auto" the system locale (Chinese → zh_CN)."""
    if setting in LANGUAGES:
        return setting
    locale = locale or QLocale.system()
    return "zh_CN" if locale.language() == QLocale.Language.Chinese else "en"


def install_translation(app: QCoreApplication, language: str) -> None:
    """Switch the application's interface language; widgets made afterwards use it."""
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    if language == "en":
        return
    ours = _translator(TRANSLATIONS_DIR, f"{CATALOG_NAME}_{language}")
    if ours is None:
        logger.warning(
            "no %s translation in %s: the interface stays English", language, TRANSLATIONS_DIR
        )
        return
    # Qt's own strings (the buttons of standard dialogs) come with PySide6.
    qt_dir = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    for translator in (ours, _translator(qt_dir, f"qtbase_{language}")):
        if translator is not None:
            app.installTranslator(translator)
            _installed.append(translator)


def _translator(folder: Path, name: str) -> QTranslator | None:
    translator = QTranslator()
    return translator if translator.load(name, str(folder)) else None
