"""Capture a call on the agent's workstation: the microphone and the softphone's output.

The customer is heard through loopback of the speaker the softphone plays to (a PulseAudio
or PipeWire monitor source on Linux, WASAPI loopback on Windows), via the ``soundcard``
library: one pure-Python package covering both, with no PortAudio build to ship.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

from agent_assist.domain import Speaker
from agent_assist.errors import AudioSourceError
from agent_assist.speech.events import AudioChunk, SourceState, SourceStatus
from agent_assist.speech.sources.base import AudioSink

logger = logging.getLogger(__name__)

CAPTURE_RATE = 16_000
# A device that delivers nothing for this long has gone away (unplugged, driver reset).
STALL_TIMEOUT_S = 3.0
# How often the capture checks that its devices are still there. PulseAudio and PipeWire
# move the stream of an unplugged device to another one (the laptop's own microphone, or a
# microphone in place of a loopback) without telling the client, so the stream alone never
# shows that the headset is gone.
DEVICE_CHECK_S = 1.0
WATCH_S = 0.1  # how often the watcher looks at the devices' last audio


@dataclass(frozen=True, slots=True)
class CaptureDevice:
    """A device the agent can pick: ``id`` is what the settings store."""

    id: str
    name: str
    loopback: bool


def _soundcard() -> Any:
    try:
        import soundcard
    except (OSError, RuntimeError, AssertionError) as exc:
        raise AudioSourceError(
            "No sound system to capture from "
            f"({exc}). On Linux, PulseAudio or PipeWire (with pipewire-pulse) must be "
            "running in the agent's session; on Windows, check the audio service."
        ) from exc
    return soundcard


def list_devices() -> list[CaptureDevice]:
    """Microphones and loopback (monitor) sources the capture source can open."""
    sc = _soundcard()
    return [
        CaptureDevice(str(m.id), str(m.name), bool(m.isloopback))
        for m in sc.all_microphones(include_loopback=True)
    ]


D = TypeVar("D")


def matching_devices(wanted: str, candidates: Sequence[D]) -> list[D]:
    """Devices (anything with an ``id`` and a ``name``) that ``wanted`` names: an exact id or
    name, else every one with it in its id or name. One match is what the settings need."""
    exact = [d for d in candidates if wanted in (str(d.id), str(d.name))]  # type: ignore[attr-defined]
    return exact or [d for d in candidates if wanted.lower() in f"{d.id} {d.name}".lower()]  # type: ignore[attr-defined]


def find_device(wanted: str | None, loopback: bool) -> Any:
    """The microphone or loopback device by id or a unique part of its name.

    ``None`` is the default microphone, or the loopback of the default speaker (where the
    softphone plays the customer's voice).
    """
    sc = _soundcard()
    if wanted is None:
        if not loopback:
            return sc.default_microphone()
        return _loopback_of(sc, sc.default_speaker())
    candidates = [
        m for m in sc.all_microphones(include_loopback=True) if bool(m.isloopback) == loopback
    ]
    matches = matching_devices(wanted, candidates)
    if len(matches) == 1:
        return matches[0]
    kind = "loopback source" if loopback else "microphone"
    names = ", ".join(f"{m.name} [{m.id}]" for m in candidates) or "none"
    problem = "matches several" if matches else "matches no"
    raise AudioSourceError(f"'{wanted}' {problem} {kind}; available: {names}")


def _loopback_of(sc: Any, speaker: Any) -> Any:
    for microphone in sc.all_microphones(include_loopback=True):
        if not microphone.isloopback:
            continue
        # PulseAudio names the monitor "<sink>.monitor"; WASAPI reuses the speaker's id.
        if str(microphone.id) in (f"{speaker.id}.monitor", str(speaker.id)):
            return microphone
    raise AudioSourceError(
        f"No loopback source for the speaker '{speaker.name}'. Pick one with "
        "`agent-assist devices` and set audio.loopback."
    )


class CaptureSource:
    """Both sides of a call from local devices: microphone = agent, loopback = customer."""

    live = True

    def __init__(
        self,
        microphone: str | None = None,
        loopback: str | None = None,
        swap_channels: bool = False,
        block_ms: int = 20,
    ) -> None:
        self.name = "capture"
        self._wanted = {Speaker.AGENT: (microphone, False), Speaker.CUSTOMER: (loopback, True)}
        self._swap = swap_channels
        self._block = CAPTURE_RATE * block_ms // 1000

    def run(self, sink: AudioSink, stop: threading.Event) -> None:
        sides = [_Side(speaker, device) for speaker, device in self._open_devices().items()]
        names = ", ".join(f"{side.speaker.value}: {side.info.name}" for side in sides)
        sink.status(SourceStatus(SourceState.CONNECTED, f"Capturing {names}"))
        ended = threading.Event()
        failures: list[str] = []
        threads = [
            threading.Thread(
                target=self._record,
                args=(side, sink, stop, ended, failures),
                name=f"capture-{side.speaker.value}",
                daemon=True,  # a driver stuck in a read must not keep the app alive
            )
            for side in sides
        ]
        for thread in threads:
            thread.start()
        problem = _watch(sides, stop, ended)
        ended.set()
        for thread in threads:
            thread.join(0.5)
        problem = problem or (failures[0] if failures else None)
        if problem is not None:
            problem = _disconnected(sides) or problem  # "unplugged" says it best
        sink.status(_final_status(problem))

    def _open_devices(self) -> dict[Speaker, Any]:
        devices = {
            speaker: find_device(wanted, is_loopback)
            for speaker, (wanted, is_loopback) in self._wanted.items()
        }
        if self._swap:
            devices = {
                Speaker.AGENT: devices[Speaker.CUSTOMER],
                Speaker.CUSTOMER: devices[Speaker.AGENT],
            }
        return devices

    def _record(
        self,
        side: _Side,
        sink: AudioSink,
        stop: threading.Event,
        ended: threading.Event,
        failures: list[str],
    ) -> None:
        try:
            with side.device.recorder(
                samplerate=CAPTURE_RATE, channels=1, blocksize=self._block
            ) as rec:
                while not stop.is_set() and not ended.is_set():
                    data = rec.record(numframes=self._block)
                    side.last_audio = time.monotonic()
                    sink.push(AudioChunk(side.speaker, _to_int16(data), CAPTURE_RATE))
        except Exception as exc:  # noqa: BLE001 - any driver error ends this call, not the app
            logger.warning("capture of the %s side failed: %s", side.speaker.value, exc)
            failures.append(f"the {side.describe()} failed ({exc})")
        finally:
            ended.set()


class _Side:
    """One side being captured: its device, what that device was, when it last gave audio."""

    def __init__(self, speaker: Speaker, device: Any) -> None:
        self.speaker = speaker
        self.device = device
        # Read once: a device that has been unplugged can no longer be asked its name.
        self.info = CaptureDevice(str(device.id), str(device.name), bool(device.isloopback))
        self.last_audio = time.monotonic()

    def describe(self) -> str:
        kind = "loopback source" if self.info.loopback else "microphone"
        return f"{self.speaker.value} side's {kind} '{self.info.name}'"


def _watch(sides: list[_Side], stop: threading.Event, ended: threading.Event) -> str | None:
    """Wait until the call stops or a device thread ends; return what went wrong, if known."""
    # Only microphones are watched for stalls: some WASAPI loopback drivers deliver
    # nothing at all (not zeros) while the softphone plays nothing.
    watched = [side for side in sides if not side.info.loopback]
    next_check = time.monotonic() + DEVICE_CHECK_S
    while not stop.wait(WATCH_S) and not ended.is_set():
        now = time.monotonic()
        stalled = [side for side in watched if now - side.last_audio > STALL_TIMEOUT_S]
        if stalled:
            return f"no audio from the {stalled[0].describe()}"
        if now >= next_check:
            if gone := _disconnected(sides):
                return gone
            next_check = now + DEVICE_CHECK_S
    return None


def _disconnected(sides: list[_Side]) -> str | None:
    """Which captured device is no longer there (unplugged), if any."""
    try:
        present = {str(m.id) for m in _soundcard().all_microphones(include_loopback=True)}
    except (AudioSourceError, RuntimeError) as exc:
        return f"the sound system stopped answering ({exc})"
    for side in sides:
        if side.info.id not in present:
            return f"the {side.describe()} was disconnected"
    return None


def _final_status(problem: str | None) -> SourceStatus:
    if problem is None:
        return SourceStatus(SourceState.ENDED, "Capture stopped")
    message = (
        f"音频采集中断，请检查设备后重新连接 (audio capture stopped: {problem}; "
        "check the device and reconnect)"
    )
    return SourceStatus(SourceState.FAILED, message, reconnectable=True)


def _to_int16(data: np.ndarray) -> np.ndarray:
    mono = data[:, 0] if data.ndim == 2 else data
    return np.clip(np.round(mono * 32767.0), -32768, 32767).astype(np.int16)
