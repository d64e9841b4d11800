"""When has a speaker finished a phrase? Voice activity over the audio the recognizer hears.

Vosk closes an utterance by its own trailing-silence rules (0.5–2 s in a small model's
``conf/model.conf``, longer when the model is unsure), which alone takes most of the budget
from the end of a customer's phrase to a card. This endpointer listens to the same audio with
WebRTC's voice activity detector and says "the phrase is over" after a shorter pause, so the
channel can ask the recognizer for the final result at once.

The detector alone is fooled by a change of background: after a noisy stretch it took a
quieter hiss for speech (a shared AISHELL recording followed by line noise never ended).
A frame therefore counts as speech only when it is also well above the noise floor: the
quietest frame of the last few seconds (the gaps between syllables are enough), or near the
loudest, for audio that has had no quiet moment yet.
"""

from __future__ import annotations

from collections import deque
from itertools import islice

import numpy as np
import webrtcvad

from agent_assist.speech.levels import amplitude_dbfs

FRAME_S = 0.03  # WebRTC VAD takes 10, 20 or 30 ms frames; 30 ms is the steadiest
# 0 is the most lenient (noise counts as speech: endpoints come late, never early),
# 3 the strictest (far-field speech was missed on the shared meeting recording).
AGGRESSIVENESS = 2
SPEECH_OVER_FLOOR_DB = 9.0
NEAR_PEAK_DB = 6.0
FLOOR_WINDOW_S = 5.0
# Below this a frame is digital silence (VoIP silence suppression, a muted side, gaps between
# streamed chunks): it says nothing about the line's noise, so it leaves the floor alone.
DIGITAL_SILENCE_DBFS = -80.0
PAUSE_VOICED_SHARE = 0.1  # of the frames in a pause, this many may still sound voiced
# After less speech than this, people mostly pause to go on ("喂，" "那个，" "我想问一下，"):
# such a phrase waits SHORT_PHRASE_EXTRA_S longer before it counts as ended.
SHORT_PHRASE_S = 1.0
SHORT_PHRASE_EXTRA_S = 0.2


class SilenceEndpointer:
    """Feeds 16-bit mono audio; reports the end of a phrase once per phrase.

    A phrase is at least ``min_speech_s`` of voiced frames; it ends after ``silence_s`` in
    which at most one frame in ten was voiced (a little longer after a short phrase).
    ``reset`` starts over (the recognizer closed the utterance itself). Not thread-safe: feed
    one side from one thread.
    """

    def __init__(self, rate: int, silence_s: float, min_speech_s: float = 0.15) -> None:
        self._vad = webrtcvad.Vad(AGGRESSIVENESS)
        self._rate = rate
        self._frame = int(rate * FRAME_S)
        self._min_speech_frames = max(1, round(min_speech_s / FRAME_S))
        self._pending = np.zeros(0, dtype=np.int16)
        window = round(FLOOR_WINDOW_S / FRAME_S)
        self._floor = _RollingMinimum(window)
        self._negated_peak = _RollingMinimum(window)
        self._speech_frames = 0
        self._frames = 0
        self._phrase_start_frame: int | None = None
        self._pause_frames = max(1, round(silence_s / FRAME_S))
        self._short_pause_frames = round((silence_s + SHORT_PHRASE_EXTRA_S) / FRAME_S)
        self._short_phrase_frames = round(SHORT_PHRASE_S / FRAME_S)
        self._recent: deque[bool] = deque(maxlen=self._short_pause_frames)

    def feed(self, samples: np.ndarray) -> bool:
        """True when a phrase ended within these samples (at most once per phrase)."""
        audio = np.concatenate([self._pending, samples]) if len(self._pending) else samples
        whole = len(audio) - len(audio) % self._frame
        self._pending = audio[whole:].copy()
        ended = False
        for start in range(0, whole, self._frame):
            voiced = self._is_speech(audio[start : start + self._frame])
            self._frames += 1
            self._recent.append(voiced)
            self._speech_frames += voiced
            if voiced and self._phrase_start_frame is None:
                self._phrase_start_frame = self._frames - 1
            if not voiced and self._pause_heard():
                ended = True
                self.reset()
        return ended

    @property
    def phrase_start_s(self) -> float | None:
        """Audio time (from the first sample fed) of the current phrase's first voiced frame."""
        if self._phrase_start_frame is None:
            return None
        return self._phrase_start_frame * FRAME_S

    def _pause_heard(self) -> bool:
        if self._speech_frames < self._min_speech_frames:
            return False
        short = self._speech_frames < self._short_phrase_frames
        needed = self._short_pause_frames if short else self._pause_frames
        if len(self._recent) < needed:
            return False
        # A click or a breath in the pause is one voiced frame: it must not restart the pause.
        voiced = sum(islice(reversed(self._recent), needed))
        return voiced <= needed * PAUSE_VOICED_SHARE

    def _is_speech(self, frame: np.ndarray) -> bool:
        level = amplitude_dbfs(float(np.sqrt(np.mean(frame.astype(np.float64) ** 2))))
        if level < DIGITAL_SILENCE_DBFS:
            return False
        floor = self._floor.add(level)
        peak = -self._negated_peak.add(-level)
        if level < min(floor + SPEECH_OVER_FLOOR_DB, peak - NEAR_PEAK_DB):
            return False
        return self._vad.is_speech(frame.tobytes(), self._rate)

    def reset(self) -> None:
        """The utterance was closed another way: what was heard so far belongs to it."""
        self._speech_frames = 0
        self._phrase_start_frame = None
        self._recent.clear()


class _RollingMinimum:
    """The smallest of the last ``size`` values, in constant time per value."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._count = 0
        self._candidates: deque[tuple[int, float]] = deque()  # increasing values

    def add(self, value: float) -> float:
        while self._candidates and self._candidates[-1][1] >= value:
            self._candidates.pop()
        self._candidates.append((self._count, value))
        if self._candidates[0][0] <= self._count - self._size:
            self._candidates.popleft()
        self._count += 1
        return self._candidates[0][1]
