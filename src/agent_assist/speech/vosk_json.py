"""Parse the JSON that Vosk's KaldiRecognizer returns into plain values."""

from __future__ import annotations

import json
from dataclasses import dataclass

from agent_assist.domain import Word
from agent_assist.text import join_cjk


@dataclass(frozen=True, slots=True)
class VoskResult:
    """Text and word timings of one Vosk partial or final result."""

    text: str
    words: tuple[Word, ...]
    is_final: bool


def parse_final(payload: str) -> VoskResult:
    """Parse ``Result()`` / ``FinalResult()`` output (``text`` plus optional ``result`` words)."""
    data = json.loads(payload)
    words = tuple(
        Word(
            text=w["word"],
            start_s=float(w["start"]),
            end_s=float(w["end"]),
            conf=float(w.get("conf", 1.0)),
        )
        for w in data.get("result", ())
    )
    return VoskResult(text=join_cjk(data.get("text", "")), words=words, is_final=True)


def parse_partial(payload: str) -> VoskResult:
    """Parse ``PartialResult()`` output (``partial`` plus optional ``partial_result`` words)."""
    data = json.loads(payload)
    words = tuple(
        Word(
            text=w["word"],
            start_s=float(w["start"]),
            end_s=float(w["end"]),
            conf=float(w.get("conf", 1.0)),
        )
        for w in data.get("partial_result", ())
    )
    return VoskResult(text=join_cjk(data.get("partial", "")), words=words, is_final=False)
