"""Every window and dialog: each control Tab reaches has a name a screen reader can say."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from agent_assist.config import RetrievalSettings, Settings
from agent_assist.health import Check
from agent_assist.ui.first_run import FirstRunDialog
from agent_assist.ui.pack_manager import PackManagerWindow
from agent_assist.ui.settings_dialog import SettingsDialog
from tests.conftest import SAMPLE_PACK
from tests.support.accessibility import unnamed

MISSING_MODEL = Check(
    "Speech model", False, "error", "vosk-model-small-cn-0.22 is not installed", "Install it",
    model_to_install="vosk-model-small-cn-0.22",
)  # fmt: skip


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(retrieval=RetrievalSettings(pack=SAMPLE_PACK, index_root=tmp_path / "index"))


def test_the_settings_dialog(qtbot: QtBot, settings: Settings, tmp_path: Path) -> None:
    dialog = SettingsDialog(settings, tmp_path / "settings.toml", list_devices=lambda: [])
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.devices_listed):
        dialog.show()
    assert unnamed(dialog) == []


def test_the_workstation_check(qtbot: QtBot, settings: Settings, tmp_path: Path) -> None:
    dialog = FirstRunDialog(settings, tmp_path / "models", checks=[MISSING_MODEL])
    qtbot.addWidget(dialog)
    dialog.show()
    assert unnamed(dialog) == []


def test_the_pack_manager(qtbot: QtBot, settings: Settings, tmp_path: Path) -> None:
    window = PackManagerWindow(settings, tmp_path / "models")
    qtbot.addWidget(window)
    window.show()
    assert unnamed(window) == []
    window.close()
