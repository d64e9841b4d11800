"""The panel opens the settings dialog and the workstation check; a panel that cannot load
offers the check once, and loads again when it is closed."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from agent_assist.app import build_panel
from agent_assist.config import AudioSettings, RetrievalSettings, Settings
from agent_assist.health import EMBEDDING_MODEL
from agent_assist.pipeline.controller import CallState
from agent_assist.ui.first_run import FirstRunDialog
from agent_assist.ui.settings_dialog import SettingsDialog
from tests.conftest import SAMPLE_PACK

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("pulse")]  # devices: a private server


def test_a_panel_that_cannot_load_offers_the_check_once(qtbot: QtBot, tmp_path: Path) -> None:
    settings = Settings(
        retrieval=RetrievalSettings(
            embedder="no-such-embedder", pack=SAMPLE_PACK, index_root=tmp_path / "index"
        )
    )
    controller, window = build_panel(settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: bool(window.findChildren(FirstRunDialog)), timeout=30_000)
    dialog = window.findChildren(FirstRunDialog)[0]
    qtbot.waitUntil(lambda: bool(dialog.checks), timeout=30_000)
    embedder = next(c for c in dialog.checks if c.name == EMBEDDING_MODEL)
    assert not embedder.ok and "no-such-embedder" in embedder.detail + embedder.fix
    with qtbot.waitSignal(controller.state_changed, timeout=10_000) as changed:
        dialog.reject()  # closing the check tries loading again
    assert changed.args[0] is CallState.LOADING
    qtbot.waitUntil(lambda: controller.state is CallState.FAILED, timeout=30_000)
    qtbot.wait(200)
    assert len(window.findChildren(FirstRunDialog)) == 1, "offered once, not after every try"
    window.close()


def test_saved_settings_apply_to_the_next_call(
    qtbot: QtBot, tmp_path: Path, use_model_dir: Path
) -> None:
    settings = Settings(
        retrieval=RetrievalSettings(
            embedder=str(use_model_dir), pack=SAMPLE_PACK, index_root=tmp_path / "index"
        )
    )
    controller, window = build_panel(settings)
    qtbot.addWidget(window)
    window.settings_requested.emit()
    dialog = window.findChildren(SettingsDialog)[0]
    saved = settings.model_copy(update={"audio": AudioSettings(swap_channels=True)})
    starters = [c for c in controller.children() if hasattr(c, "use_settings")]
    assert len(starters) == 1
    dialog.settings_saved.emit(saved)
    assert starters[0]._call_settings().audio.swap_channels
    assert window.audio_bar.swap.isChecked(), "the audio row shows the saved choice"
    dialog.reject()
    qtbot.waitUntil(lambda: controller.state is CallState.READY, timeout=30_000)
    window.close()
