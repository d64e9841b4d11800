"""The one interface every audio source implements, and the sink it delivers into."""

from __future__ import annotations

import threading
from typing import Protocol

from agent_assist.speech.events import AudioChunk, SourceStatus


class AudioSink(Protocol):
    """Receives a call's audio. ``push`` never blocks a live source: when recognition falls
    behind, the sink drops partial updates (and, as a last resort, audio) instead."""

    def push(self, chunk: AudioChunk) -> None:
        """Deliver mono int16 samples of one side; thread-safe."""

    def status(self, status: SourceStatus) -> None:
        """Report a change of state (waiting, connected, ended, failed); thread-safe."""


class AudioSource(Protocol):
    """A source of both sides of a call.

    ``live`` sources (capture devices, network streams) deliver audio at the pace it is
    spoken and must never be blocked. A non-live source (a file replayed as fast as
    possible) may be slowed down by the sink so no audio is lost.
    """

    name: str
    live: bool

    def run(self, sink: AudioSink, stop: threading.Event) -> None:
        """Deliver audio into ``sink`` until the source ends or ``stop`` is set.

        Returns normally at the end of the audio or on stop. A device or socket that breaks
        is reported as ``SourceStatus(FAILED, ...)`` and then returns, rather than raising,
        so the sink can flush what was already said. Raises ``AudioSourceError`` only when
        the source cannot be opened at all.
        """
