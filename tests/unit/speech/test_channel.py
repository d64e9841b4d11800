"""Backpressure of one side's recognition, with a slow stand-in recognizer (unit isolation:
the real Vosk runtime is exercised in tests/integration)."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from agent_assist.domain import Speaker, Transcript, Word
from agent_assist.speech.channel import ChannelOptions, ChannelRecognition
from agent_assist.speech.live import EventQueue
from agent_assist.speech.vosk_json import VoskResult

RATE = 16_000
BLOCK = np.zeros(320, dtype=np.int16)  # 20 ms


class SlowRecognizer:
    """Takes ``delay_s`` per call; every ``final_every`` s of audio ends an utterance."""

    def __init__(self, delay_s: float, final_every_s: float = 1.0) -> None:
        self.delay_s = delay_s
        self.final_every_s = final_every_s
        self.audio_s = 0.0
        self.samples = 0
        self.finals = 0
        self.partial_requests = 0
        self.closed = False

    def accept(self, pcm: bytes, want_partial: bool = True) -> VoskResult | None:
        time.sleep(self.delay_s)
        before = self.audio_s
        self.samples += len(pcm) // 2
        self.audio_s = self.samples / RATE
        every = round(self.final_every_s * RATE)
        if self.samples // every > (self.samples - len(pcm) // 2) // every:
            self.finals += 1
            return VoskResult(f"final {self.finals}", (Word("w", before, self.audio_s),), True)
        if want_partial:
            self.partial_requests += 1
            return VoskResult(f"partial {self.audio_s:.2f}", (), False)
        return None

    def end_utterance(self) -> VoskResult | None:
        return None

    def finish(self) -> VoskResult | None:
        return None

    def close(self) -> None:
        self.closed = True


class Collector:
    def __init__(self) -> None:
        self.events: list[object] = []
        self.lock = threading.Lock()

    def __call__(self, event: object) -> None:
        with self.lock:
            self.events.append(event)

    def finals(self) -> list[Transcript]:
        return [e for e in self.events if isinstance(e, Transcript) and e.is_final]


def _channel(
    recognizer: SlowRecognizer, collector: Collector, **options: object
) -> ChannelRecognition:
    channel = ChannelRecognition(
        Speaker.CUSTOMER,
        lambda: recognizer,
        collector,
        ChannelOptions(**options),  # type: ignore[arg-type]
    )
    channel.start()
    return channel


def test_live_push_never_blocks_and_a_slow_recognizer_skips_partials_not_finals() -> None:
    recognizer = SlowRecognizer(delay_s=0.03)  # much slower than 20 ms pushes arrive
    collector = Collector()
    channel = _channel(recognizer, collector, live=True, max_block_s=0.02)
    push_times = []
    for _ in range(250):  # 5 s of audio pushed as fast as possible
        started = time.perf_counter()
        channel.push(BLOCK, RATE)
        push_times.append(time.perf_counter() - started)
    channel.close()
    assert channel.join(30)
    stats = channel.stats()
    assert max(push_times) < 0.01, "the audio callback waited for recognition"
    assert stats.dropped_partials > 0
    assert stats.dropped_audio_s == 0
    assert [f.text for f in collector.finals()] == [f"final {i}" for i in range(1, 6)]
    assert recognizer.closed


def test_a_stalled_recognizer_makes_a_live_source_drop_audio_and_count_it() -> None:
    gate = threading.Event()
    recognizer = SlowRecognizer(delay_s=0.0)
    original = recognizer.accept
    recognizer.accept = lambda pcm, want_partial=True: (gate.wait(), original(pcm, want_partial))[1]  # type: ignore[method-assign]
    channel = _channel(recognizer, Collector(), live=True, max_backlog_s=1.0)
    started = time.perf_counter()
    for _ in range(100):  # 2 s into a 1 s queue while recognition is stuck
        channel.push(BLOCK, RATE)
    assert time.perf_counter() - started < 0.5
    gate.set()
    channel.close()
    assert channel.join(10)
    assert channel.stats().dropped_audio_s == pytest.approx(1.0, abs=0.1)


def test_a_file_replayed_fast_waits_for_recognition_instead_of_dropping() -> None:
    recognizer = SlowRecognizer(delay_s=0.005)
    collector = Collector()
    channel = _channel(recognizer, collector, live=False, max_backlog_s=0.2)
    for _ in range(150):  # 3 s of audio
        channel.push(BLOCK, RATE)
    channel.close()
    assert channel.join(30)
    stats = channel.stats()
    assert stats.dropped_audio_s == 0
    assert stats.audio_s == pytest.approx(3.0, abs=0.01)
    assert len(collector.finals()) == 3


def test_a_crashing_recognizer_ends_the_side_with_its_error() -> None:
    class Broken(SlowRecognizer):
        def accept(self, pcm: bytes, want_partial: bool = True) -> VoskResult | None:
            raise RuntimeError("kaldi exploded")

    recognizer = Broken(0.0)
    channel = _channel(recognizer, Collector())
    channel.push(BLOCK, RATE)
    assert channel.join(5)
    assert isinstance(channel.error, RuntimeError)
    assert recognizer.closed
    channel.push(BLOCK, RATE)  # pushing after the failure is harmless


def _partial(speaker: Speaker, text: str) -> Transcript:
    return Transcript(f"{speaker.value}-0", speaker, text, False, 0.0, 1.0, 0)


def _final(speaker: Speaker, text: str) -> Transcript:
    return Transcript(f"{speaker.value}-0", speaker, text, True, 0.0, 1.0, 0)


def test_event_queue_keeps_only_the_newest_unread_partial_per_side() -> None:
    queue = EventQueue()
    dropped: list[Speaker] = []
    queue.on_partial_dropped = dropped.append
    queue.put(_partial(Speaker.CUSTOMER, "我想"))
    queue.put(_partial(Speaker.AGENT, "您好"))
    queue.put(_partial(Speaker.CUSTOMER, "我想问"))
    assert queue.get(0.1).text == "我想问"  # type: ignore[union-attr]
    assert queue.get(0.1).text == "您好"  # type: ignore[union-attr]
    assert queue.get(0.01) is None
    assert dropped == [Speaker.CUSTOMER]


def test_event_queue_never_drops_finals_and_a_final_retires_its_pending_partial() -> None:
    queue = EventQueue()
    queue.put(_partial(Speaker.CUSTOMER, "我想问"))
    queue.put(_final(Speaker.CUSTOMER, "我想问一下"))
    queue.put(_final(Speaker.CUSTOMER, "还有利息"))
    queue.put(_partial(Speaker.CUSTOMER, "多"))
    texts = []
    while (event := queue.get(0.01)) is not None:
        texts.append((event.text, event.is_final))  # type: ignore[union-attr]
    assert texts == [("我想问一下", True), ("还有利息", True), ("多", False)]


class OneChunkSource:
    """A live source that delivers a little audio, then waits for stop."""

    name = "one-chunk"
    live = True

    def __init__(self) -> None:
        self.stopped = threading.Event()

    def run(self, sink: object, stop: threading.Event) -> None:
        from agent_assist.speech.events import AudioChunk

        sink.push(AudioChunk(Speaker.CUSTOMER, np.zeros(1600, np.int16), RATE))  # type: ignore[attr-defined]
        stop.wait(10)
        self.stopped.set()


class FailingAtHangUp(SlowRecognizer):
    def finish(self) -> VoskResult | None:
        raise RuntimeError("server went away at hang-up")


class OneRecognizerEngine:
    name = "fake"

    def __init__(self, recognizer: SlowRecognizer) -> None:
        self._recognizer = recognizer

    def recognizer(self) -> SlowRecognizer:
        return self._recognizer


def test_a_recognizer_failing_at_hang_up_is_still_reported() -> None:
    from agent_assist.speech.events import SourceState, SourceStatus
    from agent_assist.speech.live import LiveSpeech, SpeechOptions

    source = OneChunkSource()
    speech = LiveSpeech(
        source,
        lambda: OneRecognizerEngine(FailingAtHangUp(0.0)),
        SpeechOptions(long_silence_s=None),
    )
    stop = threading.Event()
    threading.Timer(0.3, stop.set).start()
    events = list(speech.events(stop))
    failed = [e for e in events if isinstance(e, SourceStatus) and e.state is SourceState.FAILED]
    assert failed and "hang-up" in failed[0].message


def test_abandoning_the_event_stream_stops_the_source() -> None:
    from agent_assist.speech.live import LiveSpeech, SpeechOptions

    source = OneChunkSource()
    speech = LiveSpeech(
        source, lambda: OneRecognizerEngine(SlowRecognizer(0.0)), SpeechOptions(long_silence_s=None)
    )
    events = speech.events(threading.Event())
    next(events)
    events.close()
    assert source.stopped.wait(2), "the capture kept running after its consumer left"
