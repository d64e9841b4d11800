import math
import wave
from collections.abc import Iterator

import numpy as np
import pytest

from agent_assist.domain import Speaker
from agent_assist.speech.events import LevelReading, SideWarning, SideWarningKind
from agent_assist.speech.levels import FLOOR_DBFS, SideLevelMonitor
from tests.conftest import shared_asset

RATE = 16_000
BLOCK = 1_600  # 100 ms


def _sine(seconds: float, amplitude: float, hz: float = 440.0) -> np.ndarray:
    t = np.arange(round(seconds * RATE)) / RATE
    return np.round(amplitude * np.sin(2 * np.pi * hz * t)).astype(np.int16)


def _silence(seconds: float) -> np.ndarray:
    return np.zeros(round(seconds * RATE), dtype=np.int16)


def _clipped_square(seconds: float, hz: float = 200.0) -> np.ndarray:
    t = np.arange(round(seconds * RATE)) / RATE
    return np.where(np.sin(2 * np.pi * hz * t) >= 0, 32767, -32768).astype(np.int16)


def _run(
    monitor: SideLevelMonitor, signal: np.ndarray, start_s: float = 0.0, block: int = BLOCK
) -> list[LevelReading | SideWarning]:
    events = []
    for i in range(0, len(signal), block):
        chunk = signal[i : i + block]
        events += monitor.feed(chunk, start_s + (i + len(chunk)) / RATE)
    return events


def _readings(events: list[LevelReading | SideWarning]) -> list[LevelReading]:
    return [e for e in events if isinstance(e, LevelReading)]


def _warnings(events: list[LevelReading | SideWarning], kind: SideWarningKind) -> list[SideWarning]:
    return [e for e in events if isinstance(e, SideWarning) and e.kind is kind]


def test_sine_level_is_its_rms_and_peak_in_dbfs() -> None:
    amplitude = 3276.8  # -20 dBFS peak
    [*_, last] = _readings(_run(SideLevelMonitor(Speaker.AGENT, RATE), _sine(1.0, amplitude)))
    assert last.peak_dbfs == pytest.approx(-20.0, abs=0.01)
    assert last.rms_dbfs == pytest.approx(-20.0 - 20 * math.log10(math.sqrt(2)), abs=0.05)
    assert last.speaker is Speaker.AGENT


def test_digital_silence_reads_as_the_floor() -> None:
    [*_, last] = _readings(_run(SideLevelMonitor(Speaker.AGENT, RATE), _silence(0.5)))
    assert (last.rms_dbfs, last.peak_dbfs) == (FLOOR_DBFS, FLOOR_DBFS)


def test_levels_below_the_floor_read_as_the_floor() -> None:
    signal = _silence(0.1)
    signal[0] = 1  # one LSB: an RMS of about -122 dBFS
    [reading] = _readings(_run(SideLevelMonitor(Speaker.AGENT, RATE), signal))
    assert reading.rms_dbfs == FLOOR_DBFS


def test_small_blocks_give_one_reading_per_interval() -> None:
    monitor = SideLevelMonitor(Speaker.AGENT, RATE, reading_interval_s=0.1)
    readings = _readings(_run(monitor, _sine(1.0, 1000.0), block=160))
    assert [r.at_s for r in readings] == pytest.approx([0.1 * (i + 1) for i in range(10)])


def test_silence_warning_once_after_the_limit_and_cleared_when_sound_returns() -> None:
    monitor = SideLevelMonitor(Speaker.CUSTOMER, RATE, silence_warn_s=20.0)
    quiet = _warnings(_run(monitor, _silence(21.0)), SideWarningKind.SILENT)
    back = _warnings(_run(monitor, _sine(1.0, 3000.0), start_s=21.0), SideWarningKind.SILENT)
    [warning] = quiet
    assert warning.active
    assert 20.0 < warning.at_s <= 20.2
    assert "客户侧" in warning.message
    assert "20 s" in warning.message
    assert [w.active for w in back] == [False]


def test_no_silence_warning_before_the_limit() -> None:
    monitor = SideLevelMonitor(Speaker.CUSTOMER, RATE, silence_warn_s=20.0)
    assert _warnings(_run(monitor, _silence(19.9)), SideWarningKind.SILENT) == []


def test_low_noise_below_the_threshold_counts_as_silent() -> None:
    noise = np.random.default_rng(0).normal(0, 20, round(6 * RATE)).astype(np.int16)  # ~ -64 dBFS
    monitor = SideLevelMonitor(Speaker.AGENT, RATE, silence_warn_s=5.0, silence_dbfs=-50.0)
    [warning] = _warnings(_run(monitor, noise), SideWarningKind.SILENT)
    assert warning.active
    assert "坐席侧" in warning.message


def test_clipping_warns_once_and_clears_after_it_stops() -> None:
    monitor = SideLevelMonitor(Speaker.AGENT, RATE, clip_ratio=0.01)
    clipped = _warnings(_run(monitor, _clipped_square(1.0)), SideWarningKind.CLIPPING)
    clean = _warnings(_run(monitor, _sine(2.0, 8000.0), 1.0), SideWarningKind.CLIPPING)
    assert [w.active for w in clipped] == [True]
    assert [w.active for w in clean] == [False]
    assert 1.0 < clean[0].at_s <= 2.1


@pytest.mark.parametrize("full_scale", [32767, -32768])
def test_clipping_just_above_the_ratio_warns_on_either_polarity(full_scale: int) -> None:
    signal = _sine(2.0, 8000.0)
    signal[::50] = full_scale  # 2 % of the samples
    monitor = SideLevelMonitor(Speaker.AGENT, RATE, clip_ratio=0.01)
    [warning] = _warnings(_run(monitor, signal), SideWarningKind.CLIPPING)
    assert warning.active
    assert "坐席侧" in warning.message


def test_clipping_below_the_ratio_is_not_reported() -> None:
    signal = _sine(3.0, 8000.0)
    signal[::400] = 32767  # 0.25 % of the samples
    monitor = SideLevelMonitor(Speaker.AGENT, RATE, clip_ratio=0.01)
    assert _warnings(_run(monitor, signal), SideWarningKind.CLIPPING) == []


def test_a_short_burst_at_the_start_is_judged_over_a_full_second() -> None:
    signal = _sine(1.0, 8000.0)
    signal[:60] = 32767  # 60 samples: 3.75 % of the first block, 0.4 % of a second
    monitor = SideLevelMonitor(Speaker.AGENT, RATE, clip_ratio=0.01)
    assert _warnings(_run(monitor, signal), SideWarningKind.CLIPPING) == []


def _wav_blocks(samples: np.ndarray, repeats: int) -> Iterator[tuple[np.ndarray, float]]:
    looped = np.tile(samples, repeats)
    for i in range(0, len(looped), BLOCK):
        chunk = looped[i : i + BLOCK]
        yield chunk, (i + len(chunk)) / RATE


def test_real_speech_reads_as_speech_without_false_warnings() -> None:
    with wave.open(str(shared_asset("speech/zh/BAC009S0764W0121.wav")), "rb") as wav:
        assert (wav.getframerate(), wav.getsampwidth(), wav.getnchannels()) == (RATE, 2, 1)
        samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
    monitor = SideLevelMonitor(Speaker.CUSTOMER, RATE)
    events = [
        e for chunk, at_s in _wav_blocks(samples, repeats=6) for e in monitor.feed(chunk, at_s)
    ]
    readings = _readings(events)
    rms = np.array([r.rms_dbfs for r in readings])
    assert readings[-1].at_s > 24.0  # longer than the 20 s silence limit
    assert not [e for e in events if isinstance(e, SideWarning)]
    assert np.mean(rms > -50.0) > 0.6  # most of an utterance is speech
    assert -45.0 < np.median(rms) < -20.0
    assert max(r.peak_dbfs for r in readings) < -6.0
