import wave
from pathlib import Path

import numpy as np
import pytest

from agent_assist.domain import Speaker
from agent_assist.errors import AudioSourceError
from agent_assist.speech.audio import iter_blocks, read_wav, resample


def _write_wav(path: Path, samples: np.ndarray, rate: int) -> None:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(samples.shape[1])
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(samples.astype("<i2").tobytes())


def test_stereo_is_agent_left_customer_right(tmp_path: Path) -> None:
    left, right = np.full(800, 100), np.full(800, -100)
    _write_wav(tmp_path / "call.wav", np.stack([left, right], axis=1), 16_000)
    channels = read_wav(tmp_path / "call.wav", 16_000)
    assert channels[Speaker.AGENT][0] == 100
    assert channels[Speaker.CUSTOMER][0] == -100


def test_mono_8k_is_customer_resampled_to_16k(tmp_path: Path) -> None:
    _write_wav(tmp_path / "tel.wav", np.zeros((8000, 1)), 8000)
    channels = read_wav(tmp_path / "tel.wav", 16_000)
    assert list(channels) == [Speaker.CUSTOMER]
    assert len(channels[Speaker.CUSTOMER]) == 16_000


def test_resample_keeps_a_tone_frequency() -> None:
    t = np.arange(8000) / 8000
    tone = (10_000 * np.sin(2 * np.pi * 440 * t)).astype("<i2")
    out = resample(tone, 8000, 16_000)
    spectrum = np.abs(np.fft.rfft(out))
    assert abs(np.argmax(spectrum) * 16_000 / len(out) - 440) < 2


def test_not_a_wav_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "x.wav"
    bad.write_bytes(b"not audio")
    with pytest.raises(AudioSourceError, match=r"x\.wav"):
        read_wav(bad, 16_000)


def test_blocks_interleave_speakers_in_time_order() -> None:
    channels = {Speaker.AGENT: np.zeros(3200, "<i2"), Speaker.CUSTOMER: np.zeros(3200, "<i2")}
    blocks = list(iter_blocks(channels, 16_000, 100))
    assert [b.speaker for b in blocks[:2]] == [Speaker.AGENT, Speaker.CUSTOMER]
    assert [b.start_s for b in blocks] == sorted(b.start_s for b in blocks)
    assert blocks[-1].end_s == pytest.approx(0.2)
