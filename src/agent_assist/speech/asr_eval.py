"""Character/word error rate of the recognizer against reference transcripts (transcripts.tsv)."""

from __future__ import annotations

import csv
import threading
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from agent_assist.domain import Transcript
from agent_assist.errors import AgentAssistError
from agent_assist.speech.events import SpeechStats
from agent_assist.speech.live import LiveSpeech, SpeechOptions
from agent_assist.speech.recognizer import RecognizerFactory
from agent_assist.speech.sources.file import FileSource


@dataclass(frozen=True, slots=True)
class Reference:
    file: Path
    lang: str
    text: str
    kind: str  # how the reference was made; only human references count in the headline

    @property
    def is_human(self) -> bool:
        return self.kind.lower().startswith("human")


@dataclass(frozen=True, slots=True)
class AsrScore:
    reference: Reference
    hypothesis: str
    errors: int
    length: int  # reference characters (zh) or words (other languages)
    real_time_factor: float

    @property
    def error_rate(self) -> float:
        return self.errors / self.length if self.length else 0.0


def read_references(folder: Path, lang: str | None = None) -> list[Reference]:
    """Rows of ``transcripts.tsv`` with a usable reference (not NONE or PARTIAL)."""
    table = folder / "transcripts.tsv"
    if not table.is_file():
        raise AgentAssistError(f"No transcripts.tsv in {folder}")
    with table.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    missing = {"file", "lang", "reference"} - set(rows[0] if rows else {})
    if missing:
        raise AgentAssistError(f"{table}: missing columns {', '.join(sorted(missing))}")
    return [
        Reference(
            folder / row["file"], row["lang"], row["reference"], row.get("reference_kind", "")
        )
        for row in rows
        if (lang is None or row["lang"] == lang)
        and row["reference"].strip()
        and not row.get("reference_kind", "").upper().startswith(("NONE", "PARTIAL"))
    ]


def score_file(
    reference: Reference, load_engine: Callable[[], RecognizerFactory], options: SpeechOptions
) -> AsrScore:
    speech = LiveSpeech(FileSource(reference.file, realtime=False), load_engine, options)
    finals: list[str] = []
    rtf = 0.0
    for event in speech.events(threading.Event()):
        if isinstance(event, Transcript) and event.is_final:
            finals.append(event.text)
        elif isinstance(event, SpeechStats) and event.channels:
            rtf = max(c.real_time_factor for c in event.channels)
    hypothesis = "".join(finals) if reference.lang == "zh" else " ".join(finals)
    ref_units, hyp_units = (
        _units(reference.text, reference.lang),
        _units(hypothesis, reference.lang),
    )
    return AsrScore(reference, hypothesis, edit_distance(ref_units, hyp_units), len(ref_units), rtf)


def score_folder(
    folder: Path,
    load_engine: Callable[[], RecognizerFactory],
    options: SpeechOptions,
    lang: str | None = None,
) -> Iterator[AsrScore]:
    engine = load_engine()  # load a local model once for every file
    for reference in read_references(folder, lang):
        yield score_file(reference, lambda: engine, options)


def _units(text: str, lang: str) -> list[str]:
    """Characters for Chinese, lower-cased words otherwise; punctuation and spaces ignored."""
    kept = "".join(
        ch.lower() if not unicodedata.category(ch).startswith("P") else " " for ch in text
    )
    if lang == "zh":
        return [ch for ch in kept if not ch.isspace()]
    return kept.split()


def edit_distance(reference: list[str], hypothesis: list[str]) -> int:
    """Levenshtein distance (substitutions + deletions + insertions)."""
    previous = list(range(len(hypothesis) + 1))
    for i, ref in enumerate(reference, 1):
        current = [i]
        for j, hyp in enumerate(hypothesis, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ref != hyp)))
        previous = current
    return previous[-1]
