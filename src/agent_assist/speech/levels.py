"""Level meter and silent/clipping warnings for one side of the call, from raw samples."""

from __future__ import annotations

import math
from collections import deque

import numpy as np

from agent_assist.domain import Speaker
from agent_assist.speech.events import LevelReading, SideWarning, SideWarningKind

FULL_SCALE = 32768.0
FLOOR_DBFS = -96.0  # 16-bit digital silence; log10(0) would be -inf
CLIP_LEVEL = 32700  # a few codes below full scale: converters and AGCs rarely hit 32767 exactly
CLIP_WINDOW_S = 1.0
# Clipping clears only when it falls well below the trigger, so loud speech that clips now
# and then does not make the warning flicker.
CLIP_CLEAR_FRACTION = 0.5
# Float call times drift (0.1 + 0.2 != 0.3); a reading is due this close to its interval.
TIME_EPSILON_S = 1e-6

_SIDE_NAME = {
    Speaker.AGENT: ("坐席侧", "agent side"),
    Speaker.CUSTOMER: ("客户侧", "customer side"),
}
_SILENT_HINT = {
    Speaker.AGENT: ("检查耳麦麦克风是否静音", "check the headset microphone and its mute"),
    Speaker.CUSTOMER: ("检查软电话输出/回环设备", "check the loopback device"),
}
_CLIP_HINT = {
    Speaker.AGENT: ("调低麦克风增益", "lower the microphone gain"),
    Speaker.CUSTOMER: ("调低软电话/回环音量", "lower the softphone or loopback volume"),
}

Event = LevelReading | SideWarning


class SideLevelMonitor:
    """Turns one side's int16 samples into level readings and silent/clipping warnings.

    Silence is judged on the reading windows (the same numbers the meter shows); clipping
    on the last ~``CLIP_WINDOW_S`` of samples. Each warning is sent once when it starts
    (``active=True``) and once when it ends (``active=False``). Not thread-safe: feed one
    side from one thread.
    """

    def __init__(
        self,
        speaker: Speaker,
        rate: int,
        silence_warn_s: float = 20.0,
        clip_ratio: float = 0.01,
        reading_interval_s: float = 0.1,
        silence_dbfs: float = -50.0,
    ) -> None:
        self._speaker = speaker
        self._rate = rate
        self._silence_warn_s = silence_warn_s
        self._clip_ratio = clip_ratio
        self._reading_interval_s = reading_interval_s
        self._silence_dbfs = silence_dbfs
        self._window_start_s: float | None = None
        self._sum_squares = 0.0
        self._count = 0
        self._peak = 0
        self._quiet_since_s: float | None = None
        self._silent_warned = False
        self._clip_blocks: deque[tuple[int, int]] = deque()  # (samples, clipped samples)
        self._clip_samples = 0
        self._clipped = 0
        self._clip_warned = False

    def feed(self, samples: np.ndarray, at_s: float) -> list[Event]:
        """Add one block of int16 samples ending at call time ``at_s`` (seconds)."""
        if samples.size == 0:
            return []
        if self._window_start_s is None:
            self._window_start_s = at_s - samples.size / self._rate
        peak = max(int(samples.max()), -int(samples.min()))
        as_float = samples.astype(np.float64)
        self._sum_squares += float(np.dot(as_float, as_float))
        self._count += samples.size
        self._peak = max(self._peak, peak)
        events: list[Event] = []
        clipping = self._update_clipping(samples, peak, at_s)
        if clipping is not None:
            events.append(clipping)
        if at_s - self._window_start_s >= self._reading_interval_s - TIME_EPSILON_S:
            events += self._close_reading(at_s)
        return events

    def _close_reading(self, at_s: float) -> list[Event]:
        rms_dbfs = amplitude_dbfs(math.sqrt(self._sum_squares / self._count))
        reading = LevelReading(self._speaker, rms_dbfs, amplitude_dbfs(self._peak), at_s)
        window_start_s = self._window_start_s if self._window_start_s is not None else at_s
        self._window_start_s = at_s
        self._sum_squares, self._count, self._peak = 0.0, 0, 0
        silence = self._update_silence(rms_dbfs < self._silence_dbfs, window_start_s, at_s)
        return [reading, silence] if silence else [reading]

    def _update_silence(self, quiet: bool, window_start_s: float, at_s: float) -> Event | None:
        if not quiet:
            self._quiet_since_s = None
            if not self._silent_warned:
                return None
            self._silent_warned = False
            return self._warning(SideWarningKind.SILENT, False, at_s, self._sound_back_message())
        if self._quiet_since_s is None:
            self._quiet_since_s = window_start_s
        if self._silent_warned or at_s - self._quiet_since_s <= self._silence_warn_s:
            return None
        self._silent_warned = True
        return self._warning(SideWarningKind.SILENT, True, at_s, self._silent_message())

    def _update_clipping(self, samples: np.ndarray, peak: int, at_s: float) -> Event | None:
        clipped = 0
        if peak >= CLIP_LEVEL:  # most blocks are nowhere near full scale: skip the scan
            clipped = int(np.count_nonzero(samples >= CLIP_LEVEL))
            clipped += int(np.count_nonzero(samples <= -CLIP_LEVEL))
        self._remember_clip_block(samples.size, clipped)
        # Dividing by at least a full window keeps a short burst at the start of the call,
        # when little audio has been seen, from counting as a high fraction.
        fraction = self._clipped / max(self._clip_samples, self._rate * CLIP_WINDOW_S)
        if not self._clip_warned and fraction > self._clip_ratio:
            self._clip_warned = True
            return self._warning(SideWarningKind.CLIPPING, True, at_s, self._clipping_message())
        if self._clip_warned and fraction < self._clip_ratio * CLIP_CLEAR_FRACTION:
            self._clip_warned = False
            return self._warning(SideWarningKind.CLIPPING, False, at_s, self._clip_ok_message())
        return None

    def _remember_clip_block(self, size: int, clipped: int) -> None:
        self._clip_blocks.append((size, clipped))
        self._clip_samples += size
        self._clipped += clipped
        window_samples = self._rate * CLIP_WINDOW_S
        while self._clip_samples - self._clip_blocks[0][0] >= window_samples:
            old_size, old_clipped = self._clip_blocks.popleft()
            self._clip_samples -= old_size
            self._clipped -= old_clipped

    def _warning(self, kind: SideWarningKind, active: bool, at_s: float, message: str) -> Event:
        return SideWarning(self._speaker, kind, active, at_s, message)

    def _silent_message(self) -> str:
        zh_side, en_side = _SIDE_NAME[self._speaker]
        zh_hint, en_hint = _SILENT_HINT[self._speaker]
        seconds = f"{self._silence_warn_s:g}"
        zh = f"{zh_side} {seconds} 秒无声音 — {zh_hint}"
        return f"{zh} ({en_side} silent for {seconds} s: {en_hint})"

    def _sound_back_message(self) -> str:
        zh_side, en_side = _SIDE_NAME[self._speaker]
        return f"{zh_side}声音已恢复 ({en_side} audio is back)"

    def _clipping_message(self) -> str:
        zh_side, en_side = _SIDE_NAME[self._speaker]
        zh_hint, en_hint = _CLIP_HINT[self._speaker]
        return f"{zh_side}音量过大、声音失真 — {zh_hint} ({en_side} is clipping: {en_hint})"

    def _clip_ok_message(self) -> str:
        zh_side, en_side = _SIDE_NAME[self._speaker]
        return f"{zh_side}音量已正常 ({en_side} no longer clipping)"


def amplitude_dbfs(amplitude: float) -> float:
    """An int16 amplitude (peak or RMS) in dB below full scale; digital silence is the floor."""
    if amplitude <= 0:
        return FLOOR_DBFS
    return max(FLOOR_DBFS, 20.0 * math.log10(amplitude / FULL_SCALE))
