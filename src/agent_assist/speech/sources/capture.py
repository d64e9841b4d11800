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
        devices = {
            speaker: find_device(wanted, is_loopback)
            for speaker, (wanted, is_loopback) in self._wanted.items()
        }
        if self._swap:
            devices = {
                Speaker.AGENT: devices[Speaker.CUSTOMER],
                Speaker.CUSTOMER: devices[Speaker.AGENT],
            }
        names = ", ".join(f"{s.value}: {d.name}" for s, d in devices.items())
        sink.status(SourceStatus(SourceState.CONNECTED, f"Capturing {names}"))
        ended = threading.Event()
        last_audio = {speaker: time.monotonic() for speaker in devices}
        failures: list[str] = []
        threads = [
            threading.Thread(
                target=self._record,
                args=(speaker, device, sink, stop, ended, last_audio, failures),
                name=f"capture-{speaker.value}",
                daemon=True,  # a driver stuck in a read must not keep the app alive
            )
            for speaker, device in devices.items()
        ]
        for thread in threads:
            thread.start()
        # Only microphones are watched for stalls: some WASAPI loopback drivers deliver
        # nothing at all (not zeros) while the softphone plays nothing.
        watched = [s for s, d in devices.items() if not d.isloopback]
        while not stop.is_set() and not ended.is_set():
            now = time.monotonic()
            stalled = [s for s in watched if now - last_audio[s] > STALL_TIMEOUT_S]
            if stalled:
                failures.append(f"no audio from the {stalled[0].value} side's device")
                break
            stop.wait(0.1)
        ended.set()
        for thread in threads:
            thread.join(0.5)
        if failures:
            message = (
                f"音频采集中断，请检查设备后重新连接 (audio capture stopped: {failures[0]}; "
                "check the device and reconnect)"
            )
            sink.status(SourceStatus(SourceState.FAILED, message, reconnectable=True))
        else:
            sink.status(SourceStatus(SourceState.ENDED, "Capture stopped"))

    def _record(
        self,
        speaker: Speaker,
        device: Any,
        sink: AudioSink,
        stop: threading.Event,
        ended: threading.Event,
        last_audio: dict[Speaker, float],
        failures: list[str],
    ) -> None:
        try:
            with device.recorder(samplerate=CAPTURE_RATE, channels=1, blocksize=self._block) as rec:
                while not stop.is_set() and not ended.is_set():
                    data = rec.record(numframes=self._block)
                    last_audio[speaker] = time.monotonic()
                    sink.push(AudioChunk(speaker, _to_int16(data), CAPTURE_RATE))
        except Exception as exc:  # noqa: BLE001 - any driver error ends this call, not the app
            logger.warning("capture of the %s side failed: %s", speaker.value, exc)
            failures.append(f"the {speaker.value} side's device failed ({exc})")
        finally:
            ended.set()


def _to_int16(data: np.ndarray) -> np.ndarray:
    mono = data[:, 0] if data.ndim == 2 else data
    return np.clip(np.round(mono * 32767.0), -32768, 32767).astype(np.int16)
