"""Call timing per side from final transcripts: long silences, talking over, speaking rate."""

from __future__ import annotations

import re
import threading
from collections import deque
from dataclasses import dataclass

from agent_assist.domain import Speaker, Transcript
from agent_assist.speech.events import TimingKind, TimingSignal

DETAIL_OVERLAP = "抢话"
DETAIL_DEAD_AIR = "双方无声 (dead air)"
DETAIL_SIDE_SILENT = {
    Speaker.AGENT: "坐席无声 (agent silent)",
    Speaker.CUSTOMER: "客户无声 (customer silent)",
}
DETAIL_CHARS_PER_MIN = "chars/min"
DETAIL_WORDS_PER_MIN = "words/min"

# The two recognizer threads can drift apart; an utterance is kept this long after its side
# has moved on, so an overlap is still found when the other side's final arrives late.
MAX_SIDE_SKEW_S = 60.0
# Below this much speech in the window a rate is noise (one "好的" in 0.3 s is 400 chars/min).
MIN_RATE_SPEECH_S = 1.0
# Both sides start at exactly the same time: count it as the agent talking over the customer,
# because the guidance this feeds is advice for the agent.
TIE_INTERRUPTER = Speaker.AGENT

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z0-9]+(?:['’-][A-Za-z0-9]+)*")

Span = tuple[float, float]


@dataclass(frozen=True, slots=True)
class _Utterance:
    """The speech of one final: word spans (or the whole utterance) and its text units."""

    speaker: Speaker
    start_s: float
    end_s: float
    spans: tuple[Span, ...]
    han_chars: int
    latin_words: int

    @classmethod
    def from_final(cls, t: Transcript) -> _Utterance:
        spans = _spans(t)
        return cls(
            t.speaker,
            spans[0][0],
            spans[-1][1],
            spans,
            len(_HAN.findall(t.text)),
            len(_LATIN_WORD.findall(_HAN.sub(" ", t.text))),
        )


class _Side:
    """What the tracker remembers about one side of the call."""

    def __init__(self) -> None:
        self.utterances: deque[_Utterance] = deque()
        self.final_end_s: float | None = None  # end of the last word of the last final
        self.partial_spans: tuple[Span, ...] = ()  # speech of the utterance still in progress
        self.silence_reported_since_s: float | None = None

    @property
    def heard_until_s(self) -> float | None:
        ends = [self.final_end_s, self.partial_spans[-1][1] if self.partial_spans else None]
        known = [e for e in ends if e is not None]
        return max(known) if known else None

    def silence_already_reported(self, since_s: float) -> bool:
        return (
            self.silence_reported_since_s is not None and self.silence_reported_since_s >= since_s
        )


class CallTimingTracker:
    """Timing signals per side from transcripts and the advancing audio clock.

    Finals carry the timing: word spans (or the utterance span when a final has no words)
    give overlaps, gaps and speaking rate. The latest non-empty partial of a side only
    counts as "this side is speaking", so a long monologue that has no final yet is not
    reported as silence (nor as dead air for the other side). Partials never produce
    overlap or rate signals: their words are provisional, and the same overlap would
    otherwise be reported twice.

    Finals of the two sides may arrive in any order: each pair of utterances is compared
    once, when the later of the two arrives. Finals of one side must arrive in time order.
    Methods are thread-safe, so both recognizer threads may call the same tracker.
    """

    def __init__(
        self,
        silence_threshold_s: float = 8.0,
        rate_window_s: float = 30.0,
        min_overlap_s: float = 0.5,
    ) -> None:
        self._silence_threshold_s = silence_threshold_s
        self._rate_window_s = rate_window_s
        self._min_overlap_s = min_overlap_s
        self._history_s = max(rate_window_s, MAX_SIDE_SKEW_S)
        self._sides = {speaker: _Side() for speaker in Speaker}
        self._lock = threading.Lock()

    def on_transcript(self, t: Transcript) -> list[TimingSignal]:
        """Update with a partial or final; return the signals a final completes.

        A final may report LONG_SILENCE after the fact (value = the whole gap, at_s = when
        speech resumed) when ``on_audio_time`` did not already report that gap.
        """
        with self._lock:
            if not t.is_final:
                self._on_partial(t)
                return []
            return self._on_final(t)

    def on_audio_time(self, speaker: Speaker, now_s: float) -> list[TimingSignal]:
        """Report LONG_SILENCE once, while it happens, when ``speaker`` has gone quiet.

        Value is the silence so far (seconds); a side that has never spoken is not reported.
        """
        with self._lock:
            side = self._sides[speaker]
            since_s = side.heard_until_s
            if since_s is None or side.silence_already_reported(since_s):
                return []
            if now_s - since_s <= self._silence_threshold_s:
                return []
            side.silence_reported_since_s = since_s
            return [self._silence_signal(speaker, since_s, now_s)]

    def _on_partial(self, t: Transcript) -> None:
        self._sides[t.speaker].partial_spans = _spans(t) if t.text.strip() else ()

    def _on_final(self, t: Transcript) -> list[TimingSignal]:
        side = self._sides[t.speaker]
        side.partial_spans = ()  # the final replaces the partials' provisional words
        if not t.text.strip():
            return []
        utterance = _Utterance.from_final(t)
        signals = self._gap_before(utterance)
        signals += self._overlaps_with_other_side(utterance)
        side.utterances.append(utterance)
        side.final_end_s = max(utterance.end_s, side.final_end_s or 0.0)
        self._forget_old(side)
        rate = self._speaking_rate(utterance)
        return signals + ([rate] if rate else [])

    def _gap_before(self, utterance: _Utterance) -> list[TimingSignal]:
        side = self._sides[utterance.speaker]
        since_s = side.final_end_s
        if since_s is None or side.silence_already_reported(since_s):
            return []
        if utterance.start_s - since_s <= self._silence_threshold_s:
            return []
        side.silence_reported_since_s = since_s
        return [self._silence_signal(utterance.speaker, since_s, utterance.start_s)]

    def _silence_signal(self, speaker: Speaker, since_s: float, now_s: float) -> TimingSignal:
        other = self._sides[_other(speaker)]
        other_quiet_s = _longest_quiet_s(other, since_s, now_s)
        dead_air = other_quiet_s > self._silence_threshold_s
        detail = DETAIL_DEAD_AIR if dead_air else DETAIL_SIDE_SILENT[speaker]
        return TimingSignal(speaker, TimingKind.LONG_SILENCE, now_s, now_s - since_s, detail)

    def _overlaps_with_other_side(self, new: _Utterance) -> list[TimingSignal]:
        signals = []
        for old in self._sides[_other(new.speaker)].utterances:
            interrupter = _interrupter(new, old)
            if interrupter is None:
                continue
            overlap_s = _overlap_s(new.spans, old.spans)
            if overlap_s >= self._min_overlap_s:
                at_s = max(new.start_s, old.start_s)
                signals.append(
                    TimingSignal(interrupter, TimingKind.OVERLAP, at_s, overlap_s, DETAIL_OVERLAP)
                )
        return signals

    def _speaking_rate(self, last: _Utterance) -> TimingSignal | None:
        window_start_s = last.end_s - self._rate_window_s
        recent = [u for u in self._sides[last.speaker].utterances if u.end_s > window_start_s]
        speech_s = sum(u.end_s - u.start_s for u in recent)
        if speech_s < MIN_RATE_SPEECH_S:
            return None
        han_chars = sum(u.han_chars for u in recent)
        latin_words = sum(u.latin_words for u in recent)
        # A Latin word inside Chinese speech ("我的 iPhone") counts as one character.
        detail = DETAIL_CHARS_PER_MIN if han_chars else DETAIL_WORDS_PER_MIN
        per_min = (han_chars + latin_words) * 60.0 / speech_s
        return TimingSignal(last.speaker, TimingKind.SPEAKING_RATE, last.end_s, per_min, detail)

    def _forget_old(self, side: _Side) -> None:
        horizon_s = (side.final_end_s or 0.0) - self._history_s
        while side.utterances and side.utterances[0].end_s < horizon_s:
            side.utterances.popleft()


def _spans(t: Transcript) -> tuple[Span, ...]:
    return tuple((w.start_s, w.end_s) for w in t.words) or ((t.start_s, t.end_s),)


def _other(speaker: Speaker) -> Speaker:
    return Speaker.CUSTOMER if speaker is Speaker.AGENT else Speaker.AGENT


def _interrupter(a: _Utterance, b: _Utterance) -> Speaker | None:
    """The side that started while the other was still speaking, if either did."""
    if a.start_s == b.start_s:
        return TIE_INTERRUPTER
    first, second = (a, b) if a.start_s < b.start_s else (b, a)
    return second.speaker if second.start_s < first.end_s else None


def _overlap_s(a: tuple[Span, ...], b: tuple[Span, ...]) -> float:
    """Total time both span lists cover (each list sorted and non-overlapping)."""
    total, i, j = 0.0, 0, 0
    while i < len(a) and j < len(b):
        total += max(0.0, min(a[i][1], b[j][1]) - max(a[i][0], b[j][0]))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return total


def _longest_quiet_s(side: _Side, start_s: float, end_s: float) -> float:
    """Longest stretch of [start_s, end_s] in which ``side`` is not known to be speaking."""
    spans = [s for u in side.utterances for s in u.spans]
    spans += side.partial_spans
    longest, cursor = 0.0, start_s
    for span_start, span_end in sorted(spans):
        if span_end <= cursor:
            continue
        longest = max(longest, min(span_start, end_s) - cursor)
        cursor = span_end
        if cursor >= end_s:
            return longest
    return max(longest, end_s - cursor)
