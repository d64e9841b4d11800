"""One side of the call: a bounded audio queue and a recognizer thread that keeps up with it."""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from agent_assist.domain import Speaker, Transcript
from agent_assist.speech.audio import StreamResampler
from agent_assist.speech.endpoint import SilenceEndpointer
from agent_assist.speech.events import ChannelStats, SpeechEvent
from agent_assist.speech.recognizer import VOSK_SAMPLE_RATE, Recognizer
from agent_assist.speech.vosk_json import VoskResult

logger = logging.getLogger(__name__)

# More queued audio than this means recognition is behind: skip partials until caught up.
BEHIND_S = 0.3
# Per-block timings kept for percentiles (a 2-hour call would otherwise grow without bound).
TIMING_WINDOW = 20_000

AudioObserver = Callable[[np.ndarray, float], list[SpeechEvent]]
TextPostprocessor = Callable[[str, bool], str]


@dataclass(frozen=True, slots=True)
class ChannelOptions:
    live: bool = True  # a live source is never blocked: overflow drops audio instead
    max_backlog_s: float = 20.0  # bound of the audio queue
    max_block_s: float = 0.4  # most audio handed to the recognizer in one call
    partial_interval_s: float = 0.1  # audio time between two partial results
    # A pause this long after speech closes the utterance (the recognizer's own rules wait
    # longer); None leaves endpointing to the recognizer.
    endpoint_silence_s: float | None = 0.3


class _Chunk:
    __slots__ = ("arrived_ns", "rate", "samples")

    def __init__(self, samples: np.ndarray, rate: int) -> None:
        self.samples = samples
        self.rate = rate
        self.arrived_ns = time.monotonic_ns()


class ChannelRecognition:
    """Recognises one speaker's audio on its own thread.

    ``push`` is called from the audio source's thread and never blocks a live source.
    Results go to ``emit`` (thread-safe, provided by the owner). Finals are never dropped;
    partials are skipped and counted while recognition is behind.
    """

    def __init__(
        self,
        speaker: Speaker,
        make_recognizer: Callable[[], Recognizer],
        emit: Callable[[SpeechEvent], None],
        options: ChannelOptions = ChannelOptions(),
        postprocess: TextPostprocessor | None = None,
        observers: tuple[AudioObserver, ...] = (),
    ) -> None:
        self.speaker = speaker
        self._make_recognizer = make_recognizer
        self._emit = emit
        self._options = options
        self._postprocess = postprocess
        self._observers = observers
        self._cond = threading.Condition()
        self._queue: deque[_Chunk] = deque()
        self._queued_s = 0.0
        self._closed = False
        self._resampler: StreamResampler | None = None
        self._endpointer = (
            SilenceEndpointer(VOSK_SAMPLE_RATE, options.endpoint_silence_s)
            if options.endpoint_silence_s
            else None
        )
        self._utterances = 0
        self._audio_s = 0.0
        self._busy_s = 0.0
        self._blocks = 0
        self._dropped_partials = 0
        self._dropped_audio_s = 0.0
        self._since_partial_s = 0.0
        self._block_ms: deque[float] = deque(maxlen=TIMING_WINDOW)
        self._latency_ms: deque[float] = deque(maxlen=TIMING_WINDOW)
        self._first_audio_ns = 0
        self.error: Exception | None = None
        self._thread = threading.Thread(target=self._run, name=f"asr-{speaker.value}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    # -- producer side (audio source thread) -----------------------------------------------

    def push(self, samples: np.ndarray, rate: int) -> None:
        duration = len(samples) / rate
        with self._cond:
            if self._closed:
                return
            if self._queued_s + duration > self._options.max_backlog_s:
                if self._options.live:
                    self._dropped_audio_s += duration
                    return
                while (
                    self._queue
                    and self._queued_s + duration > self._options.max_backlog_s
                    and not self._closed
                ):
                    self._cond.wait(0.1)
            chunk = _Chunk(samples, rate)
            self._first_audio_ns = self._first_audio_ns or chunk.arrived_ns
            self._queue.append(chunk)
            self._queued_s += duration
            self._cond.notify_all()

    def close(self, discard_over_s: float | None = None) -> None:
        """No more audio; recognise what is queued and flush the last final. With
        ``discard_over_s``, queued audio beyond that much is dropped (and counted) first."""
        with self._cond:
            self._closed = True
            if discard_over_s is not None:
                self._drop_backlog_over(discard_over_s)
            self._cond.notify_all()

    def _drop_backlog_over(self, keep_s: float) -> None:
        while self._queue and self._queued_s > keep_s:
            chunk = self._queue.pop()  # newest first: what was said earliest is kept
            duration = len(chunk.samples) / chunk.rate
            self._queued_s -= duration
            self._dropped_audio_s += duration

    def join(self, timeout: float | None = None) -> bool:
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def stats(self) -> ChannelStats:
        return ChannelStats(
            speaker=self.speaker,
            audio_s=self._audio_s,
            busy_s=self._busy_s,
            blocks=self._blocks,
            dropped_partials=self._dropped_partials,
            dropped_audio_s=self._dropped_audio_s,
            first_audio_ns=self._first_audio_ns,
            block_ms=tuple(self._block_ms),
            latency_ms=tuple(self._latency_ms),
        )

    def count_dropped_partial(self) -> None:
        """Called by the owner when a partial was superseded before anyone read it."""
        self._dropped_partials += 1

    # -- recognizer thread -------------------------------------------------------------------

    def _run(self) -> None:
        recognizer: Recognizer | None = None
        try:
            recognizer = self._make_recognizer()
            while (block := self._take_block()) is not None:
                self._recognise(recognizer, *block)
            self._finish(recognizer)
        except Exception as exc:  # a broken recognizer ends this side, not the app
            logger.exception("recognizer for the %s side failed", self.speaker.value)
            self.error = exc
            with self._cond:
                self._closed = True
                self._queue.clear()
                self._cond.notify_all()
        finally:
            if recognizer is not None:
                recognizer.close()

    def _take_block(self) -> tuple[np.ndarray, int] | None:
        """Wait for audio; return up to ``max_block_s`` of it at 16 kHz, or None at the end."""
        with self._cond:
            while not self._queue and not self._closed:
                self._cond.wait()
            if not self._queue:
                return None
            chunks, taken_s = [], 0.0
            while self._queue and (not chunks or taken_s < self._options.max_block_s):
                chunk = self._queue.popleft()
                chunks.append(chunk)
                taken_s += len(chunk.samples) / chunk.rate
            self._queued_s = max(0.0, self._queued_s - taken_s)
            self._cond.notify_all()
        samples = self._to_model_rate(chunks)
        return samples, chunks[-1].arrived_ns

    def _to_model_rate(self, chunks: list[_Chunk]) -> np.ndarray:
        rate = chunks[-1].rate
        if self._resampler is None or self._resampler.rate != rate:
            self._resampler = StreamResampler(rate, VOSK_SAMPLE_RATE)
        return self._resampler.feed(np.concatenate([c.samples for c in chunks]))

    def _recognise(self, recognizer: Recognizer, samples: np.ndarray, arrived_ns: int) -> None:
        block_s = len(samples) / VOSK_SAMPLE_RATE
        self._audio_s += block_s
        for observe in self._observers:
            for event in observe(samples, self._audio_s):
                self._emit(event)
        self._since_partial_s += block_s
        phrase_ended = self._endpointer is not None and self._endpointer.feed(samples)
        behind = self._options.live and self._queued_s > BEHIND_S
        due = self._since_partial_s >= self._options.partial_interval_s
        want_partial = due and not behind and not phrase_ended
        started = time.perf_counter()
        result = recognizer.accept(samples.tobytes(), want_partial=want_partial)
        if result is not None and result.is_final:
            if self._endpointer is not None:
                self._endpointer.reset()
        elif phrase_ended:
            result = recognizer.end_utterance()
        elapsed = time.perf_counter() - started
        self._busy_s += elapsed
        self._blocks += 1
        self._block_ms.append(elapsed * 1000)
        if due and behind and (result is None or not result.is_final):
            self._dropped_partials += 1
        if due and not behind:
            self._since_partial_s = 0.0
        if result is not None:
            self._emit(self._transcript(result, elapsed * 1000))
        self._latency_ms.append((time.monotonic_ns() - arrived_ns) / 1e6)

    def _finish(self, recognizer: Recognizer) -> None:
        if self._resampler is not None:
            tail = self._resampler.flush()
            if len(tail):
                self._audio_s += len(tail) / VOSK_SAMPLE_RATE
                result = recognizer.accept(tail.tobytes(), want_partial=False)
                if result is not None:
                    self._emit(self._transcript(result, 0.0))
        started = time.perf_counter()
        result = recognizer.finish()
        elapsed = time.perf_counter() - started
        self._busy_s += elapsed
        if result is not None:
            self._emit(self._transcript(result, elapsed * 1000))

    def _phrase_start_s(self) -> float:
        """Where the phrase began, for a partial (partials carry no word times)."""
        start = self._endpointer.phrase_start_s if self._endpointer is not None else None
        return self._audio_s if start is None else min(start, self._audio_s)

    def _transcript(self, result: VoskResult, asr_ms: float) -> Transcript:
        text = result.text
        if self._postprocess is not None:
            text = self._postprocess(text, result.is_final)
        words = result.words
        transcript = Transcript(
            utterance_id=f"{self.speaker.value}-{self._utterances}",
            speaker=self.speaker,
            text=text,
            is_final=result.is_final,
            start_s=words[0].start_s if words else self._phrase_start_s(),
            end_s=words[-1].end_s if words else self._audio_s,
            emitted_ns=time.monotonic_ns(),
            words=words,
            asr_ms=asr_ms,
            raw_text=result.text if text != result.text else "",
        )
        if result.is_final:
            self._utterances += 1
        return transcript
