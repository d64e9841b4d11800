"""The call-source interface, and replay of a call script as a recognizer would produce it."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Protocol

from agent_assist.domain import Speaker, Transcript
from agent_assist.speech.call_script import CallScript, ScriptedUtterance
from agent_assist.speech.events import SpeechEvent

# Seconds between partial updates when a call script plays like a recognizer would.
PARTIAL_STEP_S = 0.3


class CallSource(Protocol):
    """Anything that yields a call's speech events (transcripts first of all) until stopped.

    Implemented by ``ScriptReplay`` (text only) and ``LiveSpeech`` (audio through a
    recognizer: files, capture devices, network streams).
    """

    def events(self, stop: threading.Event) -> Iterator[SpeechEvent]:
        """Yield events in the order they happen; return soon after ``stop`` is set."""


class _CallClock:
    """Maps call time to wall time; in fast mode it never waits."""

    def __init__(self, realtime: bool, speed: float = 1.0) -> None:
        self._realtime = realtime
        self._speed = speed
        self._t0 = time.monotonic()

    def wait_until(self, call_s: float, stop: threading.Event) -> bool:
        """Block until ``call_s`` of the call has passed; False if stopped meanwhile."""
        if not self._realtime:
            return not stop.is_set()
        delay = self._t0 + call_s / self._speed - time.monotonic()
        return not stop.wait(delay) if delay > 0 else not stop.is_set()


class ScriptReplay:
    """Plays a call script as a recognizer would: growing partials, then a final."""

    def __init__(self, script: CallScript, realtime: bool = True, speed: float = 1.0) -> None:
        self._script = script
        self._realtime = realtime
        self._speed = speed

    def events(self, stop: threading.Event) -> Iterator[SpeechEvent]:
        clock = _CallClock(self._realtime, self._speed)
        events = sorted(
            (at_s, order, i, text, final)
            for i, utterance in enumerate(self._script.utterances)
            for order, (at_s, text, final) in enumerate(_growing_text(utterance))
        )
        counters: dict[Speaker, int] = {}
        ids: dict[int, str] = {}
        for at_s, _, index, text, final in events:
            if not clock.wait_until(at_s, stop):
                return
            utterance = self._script.utterances[index]
            if index not in ids:
                n = counters.get(utterance.speaker, 0)
                counters[utterance.speaker] = n + 1
                ids[index] = f"{utterance.speaker.value}-{n}"
            yield Transcript(
                utterance_id=ids[index],
                speaker=utterance.speaker,
                text=text,
                is_final=final,
                start_s=utterance.start,
                end_s=at_s,
                emitted_ns=time.monotonic_ns(),
            )


def _growing_text(utterance: ScriptedUtterance) -> Iterator[tuple[float, str, bool]]:
    """Partials that reveal the text at speaking pace, then the final at ``end``."""
    duration = utterance.end - utterance.start
    steps = int(duration / PARTIAL_STEP_S)
    for step in range(1, steps):
        at_s = utterance.start + step * PARTIAL_STEP_S
        shown = utterance.text[: round(len(utterance.text) * step / steps)]
        if shown:
            yield at_s, shown, False
    yield utterance.end, utterance.text, True
