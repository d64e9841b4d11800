"""Read call recordings into per-speaker 16 kHz PCM blocks."""

from __future__ import annotations

import wave
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from agent_assist.domain import Speaker
from agent_assist.errors import AudioSourceError

# Stereo call recordings put the agent on the left and the customer on the right.
STEREO_LAYOUT = (Speaker.AGENT, Speaker.CUSTOMER)


@dataclass(frozen=True, slots=True)
class AudioBlock:
    """A block of 16-bit mono PCM for one speaker, with its place in the call (seconds)."""

    speaker: Speaker
    pcm: bytes
    start_s: float
    end_s: float


def read_wav(path: Path, target_rate: int) -> dict[Speaker, np.ndarray]:
    """Read a 16-bit PCM WAV: mono is the customer, stereo is agent left, customer right."""
    try:
        with wave.open(str(path), "rb") as wav:
            channels, width, rate = wav.getnchannels(), wav.getsampwidth(), wav.getframerate()
            frames = wav.readframes(wav.getnframes())
    except (OSError, wave.Error, EOFError) as exc:
        raise AudioSourceError(f"Cannot read {path} as a WAV file: {exc}") from exc
    if width != 2 or channels not in (1, 2):
        raise AudioSourceError(
            f"{path}: need 16-bit PCM, mono or stereo; got {8 * width}-bit with {channels} channels"
        )
    samples = np.frombuffer(frames, dtype="<i2").reshape(-1, channels)
    speakers = (Speaker.CUSTOMER,) if channels == 1 else STEREO_LAYOUT
    return {
        speaker: resample(samples[:, i], rate, target_rate) for i, speaker in enumerate(speakers)
    }


def resample(samples: np.ndarray, rate: int, target_rate: int) -> np.ndarray:
    """Linear-interpolation resampling; enough for speech into a 16 kHz recognizer."""
    if rate == target_rate or len(samples) == 0:
        return samples.astype("<i2", copy=False)
    n_out = round(len(samples) * target_rate / rate)
    positions = np.linspace(0, len(samples) - 1, n_out)
    out = np.interp(positions, np.arange(len(samples)), samples.astype(np.float32))
    return np.clip(np.round(out), -32768, 32767).astype("<i2")


def iter_blocks(
    channels: dict[Speaker, np.ndarray], rate: int, block_ms: int
) -> Iterator[AudioBlock]:
    """Interleave fixed-size blocks of every channel in call-time order."""
    block = max(1, rate * block_ms // 1000)
    longest = max(len(s) for s in channels.values())
    for offset in range(0, longest, block):
        for speaker, samples in channels.items():
            chunk = samples[offset : offset + block]
            if len(chunk):
                yield AudioBlock(
                    speaker=speaker,
                    pcm=chunk.tobytes(),
                    start_s=offset / rate,
                    end_s=(offset + len(chunk)) / rate,
                )
