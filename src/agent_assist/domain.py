"""Immutable domain types shared by every stage and thread: audio → utterances → assist events."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Speaker(enum.StrEnum):
    """Which side of the call an utterance comes from."""

    AGENT = "agent"
    CUSTOMER = "customer"


@dataclass(frozen=True, slots=True)
class Word:
    """One recognised word with its time in the call audio (seconds)."""

    text: str
    start_s: float
    end_s: float
    conf: float = 1.0


@dataclass(frozen=True, slots=True)
class Transcript:
    """A partial or final recognition result for one utterance of one speaker.

    ``utterance_id`` is stable across the partials and the final of the same utterance, so
    views can update a line in place. ``emitted_ns`` is ``time.monotonic_ns()`` when the
    speech stage produced the result; every later latency is measured from it.
    """

    utterance_id: str
    speaker: Speaker
    text: str
    is_final: bool
    start_s: float
    end_s: float
    emitted_ns: int
    words: tuple[Word, ...] = ()
    asr_ms: float | None = None
    # What the recognizer said before numbers and pack terms were normalised ("" if unchanged).
    raw_text: str = ""


@dataclass(frozen=True, slots=True)
class Query:
    """A request for suggestions for one customer utterance (final or debounced partial)."""

    seq: int
    utterance_id: str
    text: str
    is_final: bool
    emitted_ns: int
    # The customer's previous sentence, for short follow-ups ("那利息呢"); "" for none.
    context: str = ""

    @classmethod
    def for_transcript(cls, seq: int, transcript: Transcript, context: str = "") -> Query:
        """The query for a transcript; latency keeps counting from the transcript's emission."""
        return cls(
            seq,
            transcript.utterance_id,
            transcript.text,
            transcript.is_final,
            transcript.emitted_ns,
            context,
        )


class SuggestionKind(enum.StrEnum):
    """Knowledge-base answer or compliant script."""

    ANSWER = "answer"
    SCRIPT = "script"


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One card: an entry of a script pack that matches the customer's words."""

    entry_id: str
    kind: SuggestionKind
    topic: str
    title: str
    body: str
    score: float
    matched: str  # the pack phrasing that matched best, to show why


@dataclass(frozen=True, slots=True)
class StageTimings:
    """Milliseconds spent per stage for one query (``None`` where a stage did not run)."""

    asr_ms: float | None = None
    queue_ms: float = 0.0
    embed_ms: float = 0.0
    search_ms: float = 0.0  # candidates from the vector index and BM25
    fusion_ms: float = 0.0  # their scores combined, ranked per entry, cards made
    total_ms: float = 0.0


@dataclass(frozen=True, slots=True)
class RetrievalResult:
    """Suggestions for one query; ``seq`` lets the consumer drop stale results."""

    query: Query
    suggestions: tuple[Suggestion, ...]
    timings: StageTimings = field(default_factory=StageTimings)
