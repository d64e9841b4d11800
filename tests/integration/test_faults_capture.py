"""A capture device unplugged mid-call, on a real (private) PulseAudio server with the real
Vosk runtime: the call ends soon with a clear, reconnectable status, what was said is kept,
and capture starts again once the device is back, or from another device.

Other devices stay plugged in, as on an agent's desktop: PulseAudio then moves the stream of
the unplugged device to one of them instead of failing it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from agent_assist.domain import Speaker, Transcript
from agent_assist.speech.events import SourceState, SourceStatus
from agent_assist.speech.live import LiveSpeech, SpeechOptions
from agent_assist.speech.recognizer import LocalVoskEngine, load_vosk_model
from tests.conftest import shared_asset
from tests.support.pulse import Pulse

pytestmark = pytest.mark.slow

NOTICE_S = 3.0  # an unplugged device is reported this soon
SAFETY_NET_S = 40.0  # a test that never notices ends here instead of hanging


@pytest.fixture(scope="module")
def engine(korean_vosk_model_dir: Path) -> LocalVoskEngine:
    return LocalVoskEngine(load_vosk_model(korean_vosk_model_dir))


@dataclass
class Desk:
    """An agent's devices: a softphone (heard through its loopback), a headset microphone and
    a laptop microphone that stays plugged in."""

    pulse: Pulse
    prefix: str

    def __post_init__(self) -> None:
        self.modules = {"softphone": self.pulse.add_sink(self.name("softphone"))}
        for sink in ("headset", "laptop"):
            self.pulse.add_sink(self.name(sink))
        self.plug_in("laptop_mic", "laptop")
        self.modules["headset_mic"] = self.plug_in("headset_mic", "headset")

    def name(self, device: str) -> str:
        return f"{self.prefix}_{device}"

    def plug_in(self, microphone: str, sink: str) -> str:
        return self.pulse.add_microphone(self.name(microphone), self.name(sink))

    def replug_softphone(self) -> None:
        self.modules["softphone"] = self.pulse.add_sink(self.name("softphone"))

    def unplug(self, device: str) -> None:
        self.pulse.pactl("unload-module", self.modules[device])


@dataclass
class Call:
    events: list[object]
    arrived: list[float]

    def first_final(self, speaker: Speaker) -> float | None:
        for event, at in zip(self.events, self.arrived, strict=True):
            if isinstance(event, Transcript) and event.is_final and event.speaker is speaker:
                return at
        return None

    def status(self, state: SourceState) -> tuple[SourceStatus, float]:
        for event, at in zip(self.events, self.arrived, strict=True):
            if isinstance(event, SourceStatus) and event.state is state:
                return event, at
        raise AssertionError(f"no {state} status")

    def finals(self, speaker: Speaker) -> list[Transcript]:
        return [
            e
            for e in self.events
            if isinstance(e, Transcript) and e.is_final and e.speaker is speaker
        ]


def _capture(
    desk: Desk, engine: LocalVoskEngine, stop: threading.Event, microphone: str = "headset_mic"
) -> Iterator[tuple[object, float]]:
    from agent_assist.speech.sources.capture import CaptureSource

    source = CaptureSource(
        microphone=desk.name(microphone), loopback=f"{desk.name('softphone')}.monitor"
    )
    for event in LiveSpeech(source, lambda: engine, SpeechOptions()).events(stop):
        yield event, time.monotonic()


def _call_until_unplugged(
    desk: Desk, engine: LocalVoskEngine, speaker: Speaker, device: str
) -> tuple[Call, float]:
    """Speech plays to ``speaker``'s device; after its first final the device is unplugged."""
    sink = desk.name("headset" if speaker is Speaker.AGENT else "softphone")
    stop = threading.Event()
    safety_net = threading.Timer(SAFETY_NET_S, stop.set)
    safety_net.start()
    call = Call([], [])
    unplugged_at = 0.0
    player = None
    for event, at in _capture(desk, engine, stop):
        call.events.append(event)
        call.arrived.append(at)
        if isinstance(event, SourceStatus) and event.state is SourceState.CONNECTED:
            player = desk.pulse.play(sink, shared_asset("speech/en/vosk_test.wav"))
        if not unplugged_at and call.first_final(speaker) is not None:
            desk.unplug(device)
            unplugged_at = time.monotonic()
    safety_net.cancel()
    assert not stop.is_set(), "the unplugged device was never noticed"
    if player is not None:
        player.kill()
        player.wait()
    return call, unplugged_at


def _hears_again(desk: Desk, engine: LocalVoskEngine, microphone: str = "headset_mic") -> Call:
    stop = threading.Event()
    call = Call([], [])
    for event, at in _capture(desk, engine, stop, microphone):
        call.events.append(event)
        call.arrived.append(at)
        if isinstance(event, SourceStatus) and event.state is SourceState.CONNECTED:
            threading.Timer(1.0, stop.set).start()
    return call


@pytest.mark.parametrize(
    ("speaker", "device", "described"),
    [
        (Speaker.AGENT, "headset_mic", "agent side's microphone"),
        (Speaker.CUSTOMER, "softphone", "customer side's loopback source"),
    ],
)
def test_an_unplugged_device_ends_the_call_soon_and_clearly_and_keeps_the_transcript(
    pulse: Pulse, engine: LocalVoskEngine, speaker: Speaker, device: str, described: str
) -> None:
    desk = Desk(pulse, f"unplug_{speaker.value}")
    call, unplugged_at = _call_until_unplugged(desk, engine, speaker, device)
    failed, noticed_at = call.status(SourceState.FAILED)
    assert noticed_at - unplugged_at < NOTICE_S
    assert f"{described} '" in failed.message and "was disconnected" in failed.message
    assert failed.reconnectable
    assert call.finals(speaker), "what was said before the unplug is kept"
    if speaker is Speaker.AGENT:
        desk.modules[device] = desk.plug_in(device, "headset")
    else:
        desk.replug_softphone()
    again = _hears_again(desk, engine)
    assert again.status(SourceState.CONNECTED)
    assert again.status(SourceState.ENDED), "the device is back: capture works as before"


def test_after_an_unplug_capture_starts_from_another_microphone(
    pulse: Pulse, engine: LocalVoskEngine
) -> None:
    desk = Desk(pulse, "unplug_other")
    _call_until_unplugged(desk, engine, Speaker.AGENT, "headset_mic")
    again = _hears_again(desk, engine, microphone="laptop_mic")
    assert again.status(SourceState.CONNECTED) and again.status(SourceState.ENDED)
