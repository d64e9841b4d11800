"""The first-run dialog over the real checks: a missing speech model installed from a real
Vosk model folder, with progress and a working cancel."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from agent_assist import health
from agent_assist.config import RetrievalSettings, Settings
from agent_assist.errors import InstallCancelled
from agent_assist.models.install import verify_model
from agent_assist.speech.sources.capture import CaptureDevice
from agent_assist.ui.first_run import FirstRunDialog, needs_first_run
from tests.conftest import SAMPLE_PACK

pytestmark = pytest.mark.slow

MISSING_MODEL = "vosk-model-small-cn-0.22"
CHECKS_TIMEOUT_MS = 30_000
INSTALL_TIMEOUT_MS = 60_000
HEADSET = [
    CaptureDevice("usb_headset_mic", "USB Headset Microphone", loopback=False),
    CaptureDevice("softphone.monitor", "Monitor of Softphone Output", loopback=True),
]


@pytest.fixture
def settings(tmp_path: Path, use_model_dir: Path) -> Settings:
    """The default speech model, not installed; the real embedder and sample pack."""
    retrieval = RetrievalSettings(
        embedder=str(use_model_dir), pack=SAMPLE_PACK, index_root=tmp_path / "index"
    )
    return Settings(retrieval=retrieval)


@pytest.fixture
def models_dir(tmp_path: Path) -> Path:
    return tmp_path / "models"


@pytest.fixture
def dialog(qtbot: QtBot, settings: Settings, models_dir: Path) -> FirstRunDialog:
    """The dialog, shown, with its first run of the checks on screen."""
    shown = FirstRunDialog(settings, models_dir, list_devices=lambda: HEADSET)
    qtbot.addWidget(shown)
    # The checks report through the event loop, so nothing is missed before the wait begins.
    with qtbot.waitSignal(shown.checks_ready, timeout=CHECKS_TIMEOUT_MS):
        shown.show()
    return shown


def _row(dialog: FirstRunDialog, name: str) -> health.Check:
    return next(row.check for row in dialog.rows if row.check.name == name)


def test_every_check_is_listed_with_its_mark(dialog: FirstRunDialog) -> None:
    assert [row.check.name for row in dialog.rows] == [c.name for c in dialog.checks]
    marks = {row.check.name: row.mark.text() for row in dialog.rows}
    assert marks[health.SPEECH_MODEL] == "✗"
    assert marks[health.EMBEDDING_MODEL] == "✓"
    assert marks[health.SEARCH_INDEX] == "⚠"  # built at the first start
    assert needs_first_run(dialog.checks)


def test_only_the_missing_model_offers_an_install(dialog: FirstRunDialog) -> None:
    offering = [row.check.name for row in dialog.rows if row.install_button is not None]
    assert offering == [health.SPEECH_MODEL]
    button = dialog.rows[0].install_button
    assert button is not None and MISSING_MODEL in button.accessibleName()
    assert MISSING_MODEL in dialog.rows[0].accessibleDescription()


def test_installing_from_a_real_model_folder_fixes_the_check(
    qtbot: QtBot, dialog: FirstRunDialog, models_dir: Path, korean_vosk_model_dir: Path
) -> None:
    shown: list[int] = []
    dialog.progress_bar.valueChanged.connect(shown.append)
    with qtbot.waitSignal(dialog.model_installed, timeout=INSTALL_TIMEOUT_MS):
        dialog.install(MISSING_MODEL, korean_vosk_model_dir)
        assert dialog.cancel_button.isVisible() and not dialog.continue_button.isEnabled()
    assert shown[-1] == 100 and len(shown) > 2
    verify_model(models_dir / MISSING_MODEL)
    qtbot.waitUntil(lambda: _row(dialog, health.SPEECH_MODEL).ok, timeout=CHECKS_TIMEOUT_MS)
    assert not needs_first_run(dialog.checks)
    assert dialog.continue_button.isEnabled()


def test_cancel_installs_nothing(
    qtbot: QtBot, dialog: FirstRunDialog, models_dir: Path, korean_vosk_model_dir: Path
) -> None:
    def cancel_once_copying(percent: int) -> None:
        if percent > 0:
            dialog.cancel_button.click()

    dialog.progress_bar.valueChanged.connect(cancel_once_copying)
    with qtbot.waitSignal(dialog.install_failed, timeout=INSTALL_TIMEOUT_MS) as failed:
        dialog.install(MISSING_MODEL, korean_vosk_model_dir)
    assert isinstance(failed.args[0], InstallCancelled)
    assert list(models_dir.iterdir()) == []
    assert "没有安装任何内容" in dialog.install_label.text()
    assert dialog.continue_button.isEnabled() and dialog.check_button.isEnabled()


def test_a_folder_without_a_model_is_refused(
    qtbot: QtBot, dialog: FirstRunDialog, tmp_path: Path
) -> None:
    (tmp_path / "empty").mkdir()
    with qtbot.waitSignal(dialog.install_failed, timeout=INSTALL_TIMEOUT_MS) as failed:
        dialog.install(MISSING_MODEL, tmp_path / "empty")
    assert "No asr model files" in str(failed.args[0])
    assert "No asr model files" in dialog.install_label.text()


def test_check_again_runs_the_checks_again(qtbot: QtBot, dialog: FirstRunDialog) -> None:
    with qtbot.waitSignal(dialog.checks_ready, timeout=CHECKS_TIMEOUT_MS):
        qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
        assert not dialog.check_button.isEnabled()
    assert dialog.check_button.isEnabled()


def test_given_checks_are_shown_without_running_them(
    qtbot: QtBot, settings: Settings, models_dir: Path
) -> None:
    checks = [health.Check(health.DATA_FOLDER, False, "error", "/data: read-only", "Ask IT.")]
    shown = FirstRunDialog(settings, models_dir, checks=checks, list_devices=lambda: HEADSET)
    qtbot.addWidget(shown)
    assert [row.check for row in shown.rows] == checks
    assert "1 个问题需要解决" in shown.summary.text()


def test_continue_and_enter_accept(qtbot: QtBot, dialog: FirstRunDialog) -> None:
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog, Qt.Key.Key_Return)


def test_every_button_has_an_accessible_name(dialog: FirstRunDialog) -> None:
    buttons = dialog.findChildren(QPushButton)
    assert buttons and [b.text() for b in buttons if not b.accessibleName()] == []
