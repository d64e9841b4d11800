"""The panel's audio choice: source, devices listed from a real sound server, channel swap,
and a live call taken from the devices the agent picked."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from agent_assist.app import build_panel
from agent_assist.config import AsrSettings, AudioSettings, RetrievalSettings, Settings
from agent_assist.domain import Speaker
from agent_assist.errors import AudioSourceError
from agent_assist.pipeline.controller import CallState
from agent_assist.speech.sources.capture import CaptureDevice
from agent_assist.ui.audio_bar import AudioBar, AudioChoice
from tests.conftest import SAMPLE_PACK, shared_asset
from tests.support.pulse import Pulse

DEFAULTS = AudioChoice.from_settings(AudioSettings())


def _choose(combo, data: object) -> None:  # type: ignore[no-untyped-def]
    """What a click on an item does: select it and emit ``activated``."""
    index = combo.findData(data)
    assert index >= 0, f"{data!r} not offered"
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def test_devices_are_listed_and_the_choice_reported(qtbot: QtBot) -> None:
    devices = [
        CaptureDevice("alsa.headset", "Headset microphone", False),
        CaptureDevice("alsa.speakers.monitor", "Monitor of Speakers", True),
    ]
    bar = AudioBar(DEFAULTS, lambda: devices)
    qtbot.addWidget(bar)
    bar.refresh_devices()
    qtbot.waitUntil(lambda: bar.loopback.count() == 2)
    assert bar.microphone.itemText(0) == "系统默认"
    assert bar.microphone.itemText(1) == "Headset microphone"
    with qtbot.waitSignal(bar.choice_changed) as changed:
        _choose(bar.loopback, "alsa.speakers.monitor")
    assert changed.args[0] == AudioChoice("capture", None, "alsa.speakers.monitor", False)
    with qtbot.waitSignal(bar.choice_changed) as changed:
        bar.swap.click()
    assert changed.args[0].swap_channels


def test_a_device_from_the_settings_that_is_gone_stays_chosen(qtbot: QtBot) -> None:
    """An unplugged headset is not silently replaced by the default."""
    bar = AudioBar(AudioChoice("capture", "USB headset", None, False), lambda: [])
    qtbot.addWidget(bar)
    bar.refresh_devices()
    qtbot.waitUntil(lambda: not bar._listing_busy)
    assert bar.choice().microphone == "USB headset"


def test_no_sound_system_says_why_and_keeps_working(qtbot: QtBot) -> None:
    def no_sound_system() -> list[CaptureDevice]:
        raise AudioSourceError("No sound system to capture from (PulseAudio is not running)")

    bar = AudioBar(DEFAULTS, no_sound_system)
    qtbot.addWidget(bar)
    bar.show()
    bar.refresh_devices()
    qtbot.waitUntil(lambda: bar.problem.isVisible())
    assert "PulseAudio" in bar.problem.text()
    assert bar.choice() == DEFAULTS


def test_a_network_stream_needs_no_devices(qtbot: QtBot) -> None:
    bar = AudioBar(DEFAULTS, lambda: [])
    qtbot.addWidget(bar)
    _choose(bar.source, "network")
    assert not bar.microphone.isEnabled() and not bar.loopback.isEnabled()
    assert bar.choice().source == "network"


@pytest.mark.slow
def test_a_live_call_is_taken_from_the_devices_picked_in_the_panel(
    qtbot: QtBot, pulse: Pulse, tmp_path: Path, use_model_dir: Path, korean_vosk_model_dir: Path
) -> None:
    """Real PulseAudio devices, picked in the panel; the softphone's voice is the customer's."""
    pulse.add_sink("panel_softphone")
    pulse.add_sink("panel_headset")
    pulse.add_microphone("panel_headset_mic", "panel_headset")
    settings = Settings(
        asr=AsrSettings(model=str(korean_vosk_model_dir)),
        retrieval=RetrievalSettings(
            embedder=str(use_model_dir), pack=SAMPLE_PACK, index_root=tmp_path / "index"
        ),
    )
    controller, window = build_panel(settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: controller.state is CallState.READY, timeout=30_000)
    window.audio_button.click()
    bar = window.audio_bar
    qtbot.waitUntil(lambda: bar.loopback.findData("panel_softphone.monitor") >= 0)
    _choose(bar.microphone, "panel_headset_mic")
    _choose(bar.loopback, "panel_softphone.monitor")

    loudest = {speaker: 0 for speaker in Speaker}
    for speaker, meter in window.meters.items():
        meter.valueChanged.connect(
            lambda value, s=speaker: loudest.__setitem__(s, max(loudest[s], value))
        )
    window.live_button.click()
    qtbot.waitUntil(lambda: controller.state is CallState.IN_CALL, timeout=10_000)
    assert not bar.isEnabled(), "the choice applies to the next call, not this one"
    qtbot.waitUntil(lambda: "Capturing" in window.status.text(), timeout=15_000)
    pulse.play("panel_softphone", shared_asset("speech/zh/BAC009S0764W0121.wav")).wait(30)

    def customer_lines() -> list[str]:
        return [line for line in window.transcript.line_texts() if line.startswith("客户")]

    qtbot.waitUntil(lambda: bool(customer_lines()), timeout=15_000)
    assert loudest[Speaker.CUSTOMER] > 20, "the softphone's voice moves the customer meter"
    assert loudest[Speaker.AGENT] < loudest[Speaker.CUSTOMER]
    window.stop_button.click()
    qtbot.waitUntil(lambda: controller.state is CallState.READY, timeout=15_000)
    window.close()  # shuts the controller down: every thread ends
