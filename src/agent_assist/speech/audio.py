"""Read call recordings and convert PCM between rates, for every audio source."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from agent_assist.domain import Speaker
from agent_assist.errors import AudioSourceError

# Stereo call recordings put the agent on the left and the customer on the right.
STEREO_LAYOUT = (Speaker.AGENT, Speaker.CUSTOMER)


def read_audio(path: Path, swap_channels: bool = False) -> tuple[dict[Speaker, np.ndarray], int]:
    """Read a WAV or FLAC call recording as int16 samples per speaker, at the file's rate.

    Mono is the customer; stereo is agent left, customer right (``swap_channels`` flips it).
    """
    import soundfile

    try:
        samples, rate = soundfile.read(str(path), dtype="int16", always_2d=True)
    except (OSError, RuntimeError, soundfile.LibsndfileError) as exc:
        raise AudioSourceError(f"Cannot read {path} as WAV or FLAC audio: {exc}") from exc
    channels = samples.shape[1]
    if channels not in (1, 2):
        raise AudioSourceError(f"{path}: need mono or stereo audio; it has {channels} channels")
    speakers = (Speaker.CUSTOMER,) if channels == 1 else STEREO_LAYOUT
    if swap_channels and channels == 2:
        speakers = speakers[::-1]
    return {s: np.ascontiguousarray(samples[:, i]) for i, s in enumerate(speakers)}, rate


def resample(samples: np.ndarray, rate: int, target_rate: int) -> np.ndarray:
    """Resample a whole int16 signal (band-limited, via libsamplerate)."""
    if rate == target_rate or len(samples) == 0:
        return samples.astype(np.int16, copy=False)
    return StreamResampler(rate, target_rate).feed(samples, last=True)


class StreamResampler:
    """Resamples an int16 stream chunk by chunk without clicks at chunk borders.

    libsamplerate (package ``samplerate``) rather than soxr: importing soxr's extension
    beside PySide6 corrupted a refcount and crashed the interpreter at exit (soxr 0.5
    and 1.1, Python 3.11).
    """

    def __init__(self, rate: int, target_rate: int) -> None:
        self.rate = rate
        self.target_rate = target_rate
        self._ratio = target_rate / rate
        self._resampler = None
        if rate != target_rate:
            import samplerate

            self._resampler = samplerate.Resampler("sinc_fastest", channels=1)

    def feed(self, samples: np.ndarray, last: bool = False) -> np.ndarray:
        if self._resampler is None:
            return samples.astype(np.int16, copy=False)
        floats = samples.astype(np.float32) / 32768.0
        out = self._resampler.process(floats, self._ratio, end_of_input=last)
        return np.clip(np.round(out * 32768.0), -32768, 32767).astype(np.int16)

    def flush(self) -> np.ndarray:
        return self.feed(np.zeros(0, dtype=np.int16), last=True)
