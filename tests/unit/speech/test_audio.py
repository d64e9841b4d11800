import wave
from pathlib import Path

import numpy as np
import pytest
import soundfile

from agent_assist.domain import Speaker
from agent_assist.errors import AudioSourceError
from agent_assist.speech.audio import StreamResampler, read_audio, resample


def _write_wav(path: Path, samples: np.ndarray, rate: int) -> None:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(samples.shape[1])
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(samples.astype("<i2").tobytes())


def _tone(hz: float, rate: int, seconds: float = 1.0) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return (10_000 * np.sin(2 * np.pi * hz * t)).astype(np.int16)


def _peak_hz(samples: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples.astype(np.float64)))
    return float(np.argmax(spectrum) * rate / len(samples))


def test_stereo_is_agent_left_customer_right(tmp_path: Path) -> None:
    left, right = np.full(800, 100), np.full(800, -100)
    _write_wav(tmp_path / "call.wav", np.stack([left, right], axis=1), 16_000)
    channels, rate = read_audio(tmp_path / "call.wav")
    assert rate == 16_000
    assert channels[Speaker.AGENT][0] == 100
    assert channels[Speaker.CUSTOMER][0] == -100


def test_swap_channels_puts_the_customer_left(tmp_path: Path) -> None:
    left, right = np.full(800, 100), np.full(800, -100)
    _write_wav(tmp_path / "call.wav", np.stack([left, right], axis=1), 16_000)
    channels, _ = read_audio(tmp_path / "call.wav", swap_channels=True)
    assert channels[Speaker.CUSTOMER][0] == 100


def test_mono_flac_is_the_customer_at_its_own_rate(tmp_path: Path) -> None:
    soundfile.write(str(tmp_path / "tel.flac"), _tone(440, 8000), 8000)
    channels, rate = read_audio(tmp_path / "tel.flac")
    assert list(channels) == [Speaker.CUSTOMER]
    assert rate == 8000
    assert _peak_hz(channels[Speaker.CUSTOMER], 8000) == pytest.approx(440, abs=2)


def test_resample_keeps_a_tone_frequency() -> None:
    out = resample(_tone(440, 8000), 8000, 16_000)
    assert len(out) == 16_000
    assert _peak_hz(out, 16_000) == pytest.approx(440, abs=2)


def test_streaming_resampler_matches_whole_signal_resampling() -> None:
    """Chunked resampling (20 ms telephone frames) has no clicks at chunk borders."""
    tone = _tone(440, 8000)
    resampler = StreamResampler(8000, 16_000)
    pieces = [resampler.feed(tone[i : i + 160]) for i in range(0, len(tone), 160)]
    out = np.concatenate([*pieces, resampler.flush()])
    assert len(out) == pytest.approx(16_000, abs=64)  # the filter keeps < 4 ms at the end
    whole = resample(tone, 8000, 16_000)
    steady = slice(400, 15_000)
    assert np.max(np.abs(out[steady].astype(int) - whole[steady].astype(int))) < 200


def test_not_audio_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "x.wav"
    bad.write_bytes(b"not audio")
    with pytest.raises(AudioSourceError, match=r"x\.wav"):
        read_audio(bad)
