"""Run a call: an audio source, one recognizer thread per side, and one stream of events out.

Data flows one way: the source thread pushes audio into per-side channels, each channel's
thread recognises it and emits events into one queue, and ``LiveSpeech.events`` yields them
on the consumer's thread (the panel's worker, the headless runner or a benchmark).
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from agent_assist.domain import Speaker, Transcript
from agent_assist.errors import AgentAssistError
from agent_assist.speech.channel import (
    AudioObserver,
    ChannelOptions,
    ChannelRecognition,
    TextPostprocessor,
)
from agent_assist.speech.events import (
    AudioChunk,
    LevelReading,
    SourceState,
    SourceStatus,
    SpeechEvent,
    SpeechStats,
    TimingSignal,
)
from agent_assist.speech.recognizer import RecognizerFactory
from agent_assist.speech.sources.base import AudioSource
from agent_assist.speech.timing import CallTimingTracker

logger = logging.getLogger(__name__)

# Seconds to wait for the recognizers to flush their last finals after the audio ends.
FLUSH_TIMEOUT_S = 30.0
# Backlog a stopped live call still recognises (more means recognition had stalled).
STOP_BACKLOG_S = 2.0


class _End:
    """Sentinel: every channel has flushed."""


class EventQueue:
    """Thread-safe event queue that keeps finals and coalesces partials and level readings.

    A partial (or level reading) still waiting to be read is replaced by the newer one of the
    same side, so a slow reader sees the latest state and never an unbounded backlog.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._items: deque[list[object]] = deque()
        self._latest: dict[tuple[type, Speaker], list[object]] = {}
        # Told when a partial was superseded before it was read (counted as dropped).
        self.on_partial_dropped: Callable[[Speaker], None] | None = None

    def put(self, event: object) -> None:
        with self._cond:
            key = _coalescing_key(event)
            if key is not None and (box := self._latest.get(key)) is not None:
                if isinstance(event, Transcript) and self.on_partial_dropped:
                    self.on_partial_dropped(event.speaker)
                box[0] = event
                return
            if isinstance(event, Transcript) and event.is_final:
                self._retire_partial(event.speaker)
            box = [event]
            self._items.append(box)
            if key is not None:
                self._latest[key] = box
            self._cond.notify()

    def get(self, timeout: float) -> object | None:
        """The next event, or None after ``timeout`` seconds without one."""
        with self._cond:
            while True:
                while self._items:
                    box = self._items.popleft()
                    event = box[0]
                    key = _coalescing_key(event) if event is not None else None
                    if key is not None and self._latest.get(key) is box:
                        del self._latest[key]
                    if event is not None:
                        return event
                if not self._cond.wait(timeout):
                    return None

    def _retire_partial(self, speaker: Speaker) -> None:
        """A final supersedes its pending partial: the final must come first, not after it."""
        box = self._latest.pop((Transcript, speaker), None)
        if box is not None:
            box[0] = None
            if self.on_partial_dropped:
                self.on_partial_dropped(speaker)


def _coalescing_key(event: object) -> tuple[type, Speaker] | None:
    if isinstance(event, Transcript) and not event.is_final:
        return (Transcript, event.speaker)
    if isinstance(event, LevelReading):
        return (LevelReading, event.speaker)
    return None


@dataclass(frozen=True, slots=True)
class SpeechOptions:
    channel: ChannelOptions = field(default_factory=ChannelOptions)
    postprocess: TextPostprocessor | None = None
    # Makes the audio observers (level meters) of one side; called once per side.
    observers: Callable[[Speaker], tuple[AudioObserver, ...]] | None = None
    # Call timing signals (silence, overlap, speaking rate); None turns them off.
    long_silence_s: float | None = 8.0


class _Router:
    """The sink the source pushes into: routes each side's audio to its channel."""

    def __init__(
        self,
        engine: RecognizerFactory,
        queue: EventQueue,
        options: SpeechOptions,
        live: bool,
    ) -> None:
        self._engine = engine
        self._queue = queue
        self._options = options
        self._channel_options = ChannelOptions(
            live=live,
            max_backlog_s=options.channel.max_backlog_s,
            max_block_s=options.channel.max_block_s,
            partial_interval_s=options.channel.partial_interval_s,
            endpoint_silence_s=options.channel.endpoint_silence_s,
        )
        self._lock = threading.Lock()
        self.channels: dict[Speaker, ChannelRecognition] = {}
        self._closed = False

    def push(self, chunk: AudioChunk) -> None:
        channel = self.channels.get(chunk.speaker) or self._open(chunk.speaker)
        if channel is not None:
            channel.push(chunk.samples, chunk.rate)  # type: ignore[arg-type]

    def status(self, status: SourceStatus) -> None:
        self._queue.put(status)

    def drop_partial(self, speaker: Speaker) -> None:
        channel = self.channels.get(speaker)
        if channel is not None:
            channel.count_dropped_partial()

    def close(self, discard_over_s: float | None) -> None:
        """No more audio: each side recognises what is queued (beyond ``discard_over_s`` of
        backlog, the rest is dropped and counted) and flushes its last final."""
        with self._lock:
            self._closed = True
            channels = list(self.channels.values())
        for channel in channels:
            channel.close(discard_over_s)
        for channel in channels:
            if not channel.join(FLUSH_TIMEOUT_S):
                logger.error("the %s recognizer did not finish in time", channel.speaker.value)

    def all_failed(self) -> bool:
        """Every side heard so far has lost its recognizer."""
        channels = list(self.channels.values())
        return bool(channels) and all(c.error is not None for c in channels)

    def _open(self, speaker: Speaker) -> ChannelRecognition | None:
        with self._lock:
            if self._closed:
                return None  # a device thread still delivering after the call ended
            if speaker in self.channels:
                return self.channels[speaker]
            observers = self._options.observers(speaker) if self._options.observers else ()
            channel = ChannelRecognition(
                speaker,
                self._engine.recognizer,
                self._emit_from_channel,
                self._channel_options,
                self._options.postprocess,
                observers,
            )
            self.channels[speaker] = channel
            channel.start()
            return channel

    def _emit_from_channel(self, event: SpeechEvent) -> None:
        self._queue.put(event)


class LiveSpeech:
    """A call's transcript source over any audio source and recognition engine.

    ``load_engine`` runs on the consumer's thread when the call starts (loading a Vosk model
    takes seconds; it must never run on the UI thread).
    """

    def __init__(
        self,
        source: AudioSource,
        load_engine: Callable[[], RecognizerFactory],
        options: SpeechOptions = SpeechOptions(),
    ) -> None:
        self.source = source
        self._load_engine = load_engine
        self._options = options

    def events(self, stop: threading.Event) -> Iterator[SpeechEvent]:
        engine = self._load_engine()
        queue = EventQueue()
        router = _Router(engine, queue, self._options, self.source.live)
        queue.on_partial_dropped = router.drop_partial
        source_stop = threading.Event()
        thread = threading.Thread(
            target=self._run_source,
            args=(router, queue, source_stop),
            name=f"source-{self.source.name}",
            daemon=True,
        )
        thread.start()
        try:
            yield from self._drain(queue, router, stop, source_stop)
        finally:
            source_stop.set()  # also when the consumer stops early: release the devices
        thread.join(FLUSH_TIMEOUT_S)

    def _drain(
        self,
        queue: EventQueue,
        router: _Router,
        stop: threading.Event,
        source_stop: threading.Event,
    ) -> Iterator[SpeechEvent]:
        timing = self._timing_tracker()
        reported: set[Speaker] = set()
        while True:
            if stop.is_set():
                source_stop.set()
            if router.all_failed():
                source_stop.set()  # no recognizer left: the call cannot go on
            yield from _new_failures(router, reported, call_goes_on=not source_stop.is_set())
            event = queue.get(timeout=0.05)
            if event is None:
                continue
            if isinstance(event, _End):
                break
            yield event  # type: ignore[misc]
            if timing is not None:
                yield from _timing_signals(timing, event)
        yield from _new_failures(router, reported, call_goes_on=False)  # e.g. at hang-up
        yield SpeechStats(tuple(c.stats() for c in list(router.channels.values())))

    def _timing_tracker(self) -> CallTimingTracker | None:
        if self._options.long_silence_s is None:
            return None
        return CallTimingTracker(silence_threshold_s=self._options.long_silence_s)

    def _run_source(self, router: _Router, queue: EventQueue, stop: threading.Event) -> None:
        try:
            self.source.run(router, stop)
        except AgentAssistError as exc:
            queue.put(SourceStatus(SourceState.FAILED, str(exc), reconnectable=True))
        except Exception as exc:
            logger.exception("audio source %s crashed", self.source.name)
            queue.put(SourceStatus(SourceState.FAILED, f"The audio source broke: {exc}", True))
        finally:
            # Stopped: a file replayed fast drops its read-ahead; a live call keeps at most
            # a couple of seconds of backlog, so hang-up and shutdown stay quick.
            discard = None
            if stop.is_set():
                discard = 0.0 if not self.source.live else STOP_BACKLOG_S
            router.close(discard)
            queue.put(_End())


def _timing_signals(timing: CallTimingTracker, event: object) -> list[TimingSignal]:
    # Runs on the consumer's thread: both sides' finals meet here, in one place.
    if isinstance(event, Transcript) and event.is_final:
        return timing.on_transcript(event)
    if isinstance(event, LevelReading):
        return timing.on_audio_time(event.speaker, event.at_s)
    return []


def _new_failures(
    router: _Router, reported: set[Speaker], call_goes_on: bool
) -> list[SourceStatus]:
    """One FAILED status per side whose recognizer broke, the first time it is seen.

    The other side keeps its own recognizer, so the call goes on without the broken one.
    """
    statuses = []
    for channel in list(router.channels.values()):
        if channel.error is not None and channel.speaker not in reported:
            reported.add(channel.speaker)
            message = _recognition_stopped(channel.speaker, channel.error, call_goes_on)
            statuses.append(SourceStatus(SourceState.FAILED, message, reconnectable=True))
    return statuses


_SIDE_NAME = {
    Speaker.AGENT: ("坐席侧", "agent side"),
    Speaker.CUSTOMER: ("客户侧", "customer side"),
}
_GOES_ON = ("，另一侧继续识别", "; the other side goes on")


def _recognition_stopped(speaker: Speaker, error: Exception, call_goes_on: bool) -> str:
    zh_side, en_side = _SIDE_NAME[speaker]
    reason = str(error) or type(error).__name__
    zh_more, en_more = _GOES_ON if call_goes_on else ("", "")
    return (
        f"{zh_side}语音识别已停止，已识别的内容已保留{zh_more} (speech recognition stopped on "
        f"the {en_side}: {reason}; the transcript so far is kept{en_more})"
    )
