"""Typed events the speech stage emits beside transcripts: levels, call timing, source state.

They flow one way, from the speech threads to whoever consumes the call (panel, headless
runner, benchmark); none of them holds a reference back into the speech stage.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from agent_assist.domain import Speaker, Transcript


@dataclass(frozen=True, slots=True)
class AudioChunk:
    """Mono 16-bit samples of one side of the call, at the rate the source delivers them.

    ``samples`` is a 1-D ``numpy.int16`` array; ``rate`` is its sample rate in Hz.
    """

    speaker: Speaker
    samples: object  # numpy.ndarray[int16]; typed loosely so this module needs no numpy
    rate: int


@dataclass(frozen=True, slots=True)
class LevelReading:
    """Loudness of one side over the last stretch of audio (dBFS, 0 = full scale)."""

    speaker: Speaker
    rms_dbfs: float
    peak_dbfs: float
    at_s: float


class SideWarningKind(enum.StrEnum):
    SILENT = "silent"
    CLIPPING = "clipping"


@dataclass(frozen=True, slots=True)
class SideWarning:
    """A side has been silent too long or is clipping; ``active`` False clears the warning."""

    speaker: Speaker
    kind: SideWarningKind
    active: bool
    at_s: float
    message: str


class TimingKind(enum.StrEnum):
    LONG_SILENCE = "long_silence"  # nobody on this side spoke for longer than the threshold
    OVERLAP = "overlap"  # this side started speaking while the other side was speaking (抢话)
    SPEAKING_RATE = "speaking_rate"  # characters (zh) or words (en) per minute


@dataclass(frozen=True, slots=True)
class TimingSignal:
    """A call timing observation about one side, for the guidance stage."""

    speaker: Speaker
    kind: TimingKind
    at_s: float
    value: float  # seconds for silence and overlap, units per minute for speaking rate
    detail: str = ""


class SourceState(enum.StrEnum):
    CONNECTED = "connected"  # audio is flowing (or a network peer has started a stream)
    WAITING = "waiting"  # listening for a network peer
    ENDED = "ended"  # the source finished normally (end of file, peer hung up)
    FAILED = "failed"  # the device or socket broke; everything so far has been kept


@dataclass(frozen=True, slots=True)
class SourceStatus:
    """The call source changed state; ``reconnectable`` says whether retrying makes sense."""

    state: SourceState
    message: str
    reconnectable: bool = False


@dataclass(frozen=True, slots=True)
class ChannelStats:
    """How one side's recognizer kept up with its audio."""

    speaker: Speaker
    audio_s: float = 0.0
    busy_s: float = 0.0  # time spent inside the recognizer
    blocks: int = 0
    dropped_partials: int = 0
    dropped_audio_s: float = 0.0  # audio discarded because the queue was full
    first_audio_ns: int = 0  # time.monotonic_ns() when this side's first audio arrived
    # Recent blocks (a bounded window): time inside the recognizer, and from the arrival of
    # the block's newest audio to its result (queueing included).
    block_ms: tuple[float, ...] = field(default=(), repr=False)
    latency_ms: tuple[float, ...] = field(default=(), repr=False)

    @property
    def real_time_factor(self) -> float:
        return self.busy_s / self.audio_s if self.audio_s else 0.0


@dataclass(frozen=True, slots=True)
class SpeechStats:
    """Per-side recognition statistics, emitted when the source ends."""

    channels: tuple[ChannelStats, ...]


SpeechEvent = Transcript | LevelReading | SideWarning | TimingSignal | SourceStatus | SpeechStats
