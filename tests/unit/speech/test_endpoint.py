"""The endpointer on real recordings: it ends a phrase soon after the speech, not inside it."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile

from agent_assist.speech.endpoint import SilenceEndpointer
from tests.conftest import shared_asset

RATE = 16_000
BLOCK = 320  # 20 ms, what live sources deliver

# One sentence each (AISHELL, WenetSpeech, FunASR), and where its speech ends in seconds:
# the last 10 ms 15 dB above the recording's own noise floor (benchmarks/endpointing.py).
SENTENCES = {
    "zh/BAC009S0764W0121.wav": 3.59,
    "zh/BAC009S0724W0121.wav": 3.60,
    "zh/BAC009S0764W0122.wav": 3.60,
    "zh/IT0011W0001.wav": 1.53,
    "zh/TEST_NET_Y0000000000_-KTKHdZ2fb8_S00000.wav": 1.80,
    "zh/funasr_asr_example.wav": 5.22,
}


def _recording(name: str) -> np.ndarray:
    samples, rate = soundfile.read(str(shared_asset(f"speech/{name}")), dtype="int16")
    assert rate == RATE
    return samples


def _line_noise(seconds: float, rms: float = 30.0, seed: int = 7) -> np.ndarray:
    return np.random.default_rng(seed).normal(0, rms, int(seconds * RATE)).astype(np.int16)


def _ends(endpointer: SilenceEndpointer, audio: np.ndarray) -> list[float]:
    """Audio times (s) of the blocks in which the endpointer reported the end of a phrase."""
    return [
        (start + BLOCK) / RATE
        for start in range(0, len(audio), BLOCK)
        if endpointer.feed(audio[start : start + BLOCK])
    ]


@pytest.mark.parametrize("name", sorted(SENTENCES))
def test_a_sentence_ends_once_soon_after_its_speech(name: str) -> None:
    audio = np.concatenate([_recording(name), _line_noise(1.5)])
    ends = _ends(SilenceEndpointer(RATE, silence_s=0.3), audio)
    assert len(ends) == 1, f"{name}: phrase ended at {ends}, expected once after the sentence"
    delay = ends[0] - SENTENCES[name]
    assert 0.25 <= delay <= 0.8, f"{name}: ended {delay:.2f} s after the speech"


def test_a_pause_shorter_than_the_setting_does_not_end_the_phrase() -> None:
    # librispeech-1995-1837-0001 pauses about 0.4 s between its two sentences.
    audio = np.concatenate([_recording("en/librispeech-1995-1837-0001.wav"), _line_noise(1.5)])
    assert len(_ends(SilenceEndpointer(RATE, silence_s=0.3), audio)) == 2
    assert len(_ends(SilenceEndpointer(RATE, silence_s=0.6), audio)) == 1


def test_noise_and_digital_silence_alone_never_end_a_phrase() -> None:
    endpointer = SilenceEndpointer(RATE, silence_s=0.3)
    assert _ends(endpointer, _line_noise(5.0, rms=300.0)) == []
    assert _ends(endpointer, np.zeros(5 * RATE, dtype=np.int16)) == []


def test_a_quieter_hiss_after_a_noisy_recording_is_not_speech() -> None:
    # WebRTC's detector alone heard this hiss as speech and never ended the phrase.
    audio = np.concatenate([_recording("zh/BAC009S0764W0122.wav"), _line_noise(3.0)])
    ends = _ends(SilenceEndpointer(RATE, silence_s=0.3), audio)
    assert len(ends) == 1 and ends[0] < 4.8


def test_reset_forgets_the_phrase_the_recognizer_closed() -> None:
    speech = _recording("zh/IT0011W0001.wav")[: int(1.55 * RATE)]
    endpointer = SilenceEndpointer(RATE, silence_s=0.3)
    _ends(endpointer, speech)
    endpointer.reset()
    assert _ends(endpointer, _line_noise(1.0)) == []


def test_block_size_does_not_change_where_the_phrase_ends() -> None:
    audio = np.concatenate([_recording("zh/BAC009S0764W0121.wav"), _line_noise(1.5)])
    small = _ends(SilenceEndpointer(RATE, silence_s=0.3), audio)
    whole = SilenceEndpointer(RATE, silence_s=0.3)
    assert whole.feed(audio[: int(2.0 * RATE)]) is False
    assert whole.feed(audio[int(2.0 * RATE) :]) is True
    assert len(small) == 1
