"""Parse the JSON that Vosk's KaldiRecognizer returns into plain values."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

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
    return VoskResult(join_cjk(data.get("text", "")), _words(data.get("result", ())), True)


def parse_partial(payload: str) -> VoskResult:
    """Parse ``PartialResult()`` output (``partial`` plus optional ``partial_result`` words)."""
    data = json.loads(payload)
    words = _words(data.get("partial_result", ()))
    return VoskResult(join_cjk(data.get("partial", "")), words, False)


def _words(items: Iterable[dict[str, Any]]) -> tuple[Word, ...]:
    return tuple(
        Word(w["word"], float(w["start"]), float(w["end"]), float(w.get("conf", 1.0)))
        for w in items
    )
