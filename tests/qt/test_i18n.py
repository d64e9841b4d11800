"""The interface language: chosen by setting or locale; the zh_CN catalog covers every string."""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from agent_assist.config import RetrievalSettings, UiSettings
from agent_assist.pipeline.controller import AssistController
from agent_assist.ui.i18n import TRANSLATIONS_DIR, install_translation, interface_language
from agent_assist.ui.main_window import MainWindow
from tests.conftest import REPO


def _tool():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("translations", REPO / "tools/translations.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def english(qapp: QApplication) -> Iterator[None]:
    install_translation(qapp, "en")
    yield
    install_translation(qapp, "zh_CN")


@pytest.mark.parametrize(
    ("setting", "locale", "expected"),
    [
        ("auto", QLocale("zh_CN"), "zh_CN"),
        ("auto", QLocale("zh_TW"), "zh_CN"),
        ("auto", QLocale("en_US"), "en"),
        ("en", QLocale("zh_CN"), "en"),
        ("zh_CN", QLocale("en_GB"), "zh_CN"),
    ],
)
def test_the_setting_wins_and_auto_follows_the_locale(
    setting: str, locale: QLocale, expected: str
) -> None:
    assert interface_language(setting, locale) == expected


def _window(qtbot: QtBot) -> MainWindow:
    window = MainWindow(AssistController(RetrievalSettings()), UiSettings())
    qtbot.addWidget(window)
    return window


def test_the_panel_speaks_chinese_by_default_in_tests(qtbot: QtBot) -> None:
    window = _window(qtbot)
    assert window.live_button.text() == "接入通话"
    assert window.search.accessibleName() == "搜索知识库"


@pytest.mark.usefixtures("english")
def test_the_panel_speaks_english_when_asked(qtbot: QtBot) -> None:
    window = _window(qtbot)
    assert window.live_button.text() == "Take call"
    assert window.meters
    assert "Search the knowledge base" in window.search.placeholderText()


def test_every_interface_string_has_a_chinese_translation(tmp_path: Path) -> None:
    """Run lupdate over the code: nothing new, nothing untranslated, and the .qm is current."""
    tool = _tool()
    committed = TRANSLATIONS_DIR / "agent_assist_zh_CN.ts"
    fresh = tmp_path / committed.name
    shutil.copy(committed, fresh)
    tool.update(fresh, "zh_CN")
    assert tool.unfinished(fresh) == [], "run: python tools/translations.py, then translate"
    assert fresh.read_text(encoding="utf-8") == committed.read_text(encoding="utf-8"), (
        "the catalog is out of date: run python tools/translations.py"
    )
    compiled = tmp_path / "fresh.qm"
    tool.compile_qm(committed, compiled)
    assert compiled.read_bytes() == committed.with_suffix(".qm").read_bytes(), (
        "the .qm is older than the .ts: run python tools/translations.py"
    )
