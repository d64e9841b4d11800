"""Replay a recorded call (WAV or FLAC) as a source, at real time or as fast as possible."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from agent_assist.speech.audio import read_audio
from agent_assist.speech.events import AudioChunk, SourceState, SourceStatus
from agent_assist.speech.sources.base import AudioSink


class FileSource:
    """Pushes a recording in blocks, every side in call-time order.

    In real time it behaves like a live source (never waits for recognition); as fast as
    possible it is not live, so the sink slows it down instead of dropping audio.
    """

    def __init__(
        self,
        path: Path,
        realtime: bool = True,
        block_ms: int = 20,
        swap_channels: bool = False,
        speed: float = 1.0,
    ) -> None:
        self.path = path
        self.name = f"file {path.name}"
        self.live = realtime
        self._block_ms = block_ms
        self._swap = swap_channels
        self._speed = speed

    def run(self, sink: AudioSink, stop: threading.Event) -> None:
        channels, rate = read_audio(self.path, self._swap)
        sink.status(SourceStatus(SourceState.CONNECTED, f"Replaying {self.path.name}"))
        block = max(1, rate * self._block_ms // 1000)
        longest = max(len(s) for s in channels.values())
        started = time.monotonic()
        for offset in range(0, longest, block):
            if self.live:
                due = started + offset / rate / self._speed
                if stop.wait(max(0.0, due - time.monotonic())):
                    break
            elif stop.is_set():
                break
            for speaker, samples in channels.items():
                chunk = samples[offset : offset + block]
                if len(chunk):
                    sink.push(AudioChunk(speaker, chunk, rate))
        ended = "stopped" if stop.is_set() else "ended"
        sink.status(SourceStatus(SourceState.ENDED, f"Replay of {self.path.name} {ended}"))
