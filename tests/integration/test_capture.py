"""Local capture through a real PulseAudio server: the softphone's output (loopback monitor)
and a microphone, recognised by the real Vosk runtime.

A private PulseAudio daemon runs for this module with null sinks standing in for the
softphone and the headset; real recordings are played into them with ``paplay``.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from agent_assist.domain import Speaker, Transcript
from agent_assist.errors import AudioSourceError
from agent_assist.speech.events import LevelReading, SourceState, SourceStatus
from agent_assist.speech.levels import SideLevelMonitor
from agent_assist.speech.live import LiveSpeech, SpeechOptions
from agent_assist.speech.recognizer import LocalVoskEngine, load_vosk_model
from tests.conftest import shared_asset
from tests.support.pulse import Pulse

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def engine(korean_vosk_model_dir: Path) -> LocalVoskEngine:
    return LocalVoskEngine(load_vosk_model(korean_vosk_model_dir))


def test_devices_list_microphones_and_loopback_sources(pulse: Pulse) -> None:
    from agent_assist.speech.sources.capture import list_devices

    pulse.add_sink("listed_softphone")
    pulse.add_microphone("listed_headset", "listed_softphone")
    devices = {d.id: d for d in list_devices()}
    assert devices["listed_softphone.monitor"].loopback
    assert not devices["listed_headset"].loopback


def test_an_unknown_device_names_the_available_ones(pulse: Pulse) -> None:
    from agent_assist.speech.sources.capture import find_device

    pulse.add_sink("known_sink")
    with pytest.raises(AudioSourceError, match="no-such-mic"):
        find_device("no-such-mic", loopback=False)
    with pytest.raises(AudioSourceError, match=r"known_sink\.monitor"):
        find_device("no-such-loopback", loopback=True)


def test_both_sides_are_captured_and_recognised(pulse: Pulse, engine: LocalVoskEngine) -> None:
    from agent_assist.speech.sources.capture import CaptureSource

    pulse.add_sink("softphone")
    pulse.add_sink("headset")
    pulse.add_microphone("headset_mic", "headset")
    source = CaptureSource(microphone="headset_mic", loopback="softphone.monitor")
    meters = SpeechOptions(observers=lambda side: (SideLevelMonitor(side, 16_000).feed,))
    speech = LiveSpeech(source, lambda: engine, meters)
    stop = threading.Event()
    events: list[object] = []

    def play_then_stop() -> None:
        time.sleep(0.5)
        customer = pulse.play("softphone", shared_asset("speech/zh/BAC009S0764W0121.wav"))
        agent = pulse.play("headset", shared_asset("speech/en/vosk_test.wav"))
        customer.wait(30)
        agent.wait(30)
        time.sleep(1.0)
        stop.set()

    player = threading.Thread(target=play_then_stop)
    player.start()
    for event in speech.events(stop):
        events.append(event)
    player.join()
    finals = {
        s: [e for e in events if isinstance(e, Transcript) and e.is_final and e.speaker is s]
        for s in Speaker
    }
    assert finals[Speaker.CUSTOMER] and finals[Speaker.AGENT], "each side gets its own transcript"
    loudest = {
        s: max(e.rms_dbfs for e in events if isinstance(e, LevelReading) and e.speaker is s)
        for s in Speaker
    }
    assert all(level > -50 for level in loudest.values()), loudest
    states = [e.state for e in events if isinstance(e, SourceStatus)]
    assert states[0] is SourceState.CONNECTED and states[-1] is SourceState.ENDED


def test_a_device_that_disappears_ends_the_call_and_keeps_the_transcript(
    pulse: Pulse, engine: LocalVoskEngine
) -> None:
    from agent_assist.speech.sources.capture import CaptureSource

    # Only this sink exists while the test runs, so PulseAudio cannot move the stream.
    for line in pulse.pactl("list", "short", "modules").splitlines():
        if "module-null-sink" in line or "module-remap-source" in line:
            # A remapped microphone goes away with its sink, so it may already be gone.
            pulse.pactl("unload-module", line.split()[0], check=False)
    module = pulse.add_sink("usb_headset")
    pulse.add_microphone("usb_mic", "usb_headset")
    source = CaptureSource(microphone="usb_mic", loopback="usb_headset.monitor")
    speech = LiveSpeech(source, lambda: engine, SpeechOptions())
    stop = threading.Event()

    def play_then_unplug() -> None:
        time.sleep(0.5)
        pulse.play("usb_headset", shared_asset("speech/en/vosk_test.wav")).wait(30)
        pulse.pactl("unload-module", module)  # the headset is unplugged

    threading.Thread(target=play_then_unplug, daemon=True).start()
    threading.Timer(40, stop.set).start()  # safety net: the test must not hang
    events = list(speech.events(stop))
    assert not stop.is_set(), "the dropped device was not noticed"
    failed = [e for e in events if isinstance(e, SourceStatus) and e.state is SourceState.FAILED]
    assert failed and failed[0].reconnectable
    assert "reconnect" in failed[0].message.lower()
    assert any(isinstance(e, Transcript) and e.is_final and e.text for e in events)
    stop.set()
