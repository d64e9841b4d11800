"""Streaming recognition of one audio channel with Vosk, over a model loaded from a path."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from agent_assist.errors import ModelCorruptError, ModelMissingError
from agent_assist.speech.vosk_json import VoskResult, parse_final, parse_partial

logger = logging.getLogger(__name__)

VOSK_SAMPLE_RATE = 16_000


class Recognizer(Protocol):
    """One channel's streaming recognizer."""

    def accept(self, pcm: bytes, want_partial: bool = True) -> VoskResult | None:
        """Feed 16 kHz 16-bit mono PCM.

        Returns the final result at an endpoint; otherwise the partial if ``want_partial``
        and it changed, else None. Skipping partials is how a channel catches up.
        """

    def end_utterance(self) -> VoskResult | None:
        """Close the current utterance now (the speaker paused) and keep listening.

        Returns its final result if there is text; None when nothing was heard or the
        engine cannot end an utterance early (its own endpointing then applies).
        """

    def finish(self) -> VoskResult | None:
        """Flush at end of stream; return the last final result if there is text."""

    def close(self) -> None:
        """Release the recognizer (a socket, for a remote engine); idempotent."""


class RecognizerFactory(Protocol):
    """An engine: makes one recognizer per channel (a local shared model or a remote pool)."""

    name: str

    def recognizer(self) -> Recognizer:
        """A new recognizer for one channel."""


def load_vosk_model(path: Path) -> Any:
    """Load a Vosk model folder; never ``Model(lang=...)``, which downloads."""
    if not (path / "am").is_dir() and not (path / "conf").is_dir():
        raise ModelMissingError(
            f"No Vosk model at {path}. Install one with "
            f"`agent-assist models install vosk-model-small-cn-0.22` "
            f"(offline: add `--from FOLDER_OR_ZIP`)."
        )
    import vosk

    vosk.SetLogLevel(-1)
    try:
        return vosk.Model(str(path))
    except Exception as exc:  # vosk raises a bare Exception on a broken model
        raise ModelCorruptError(f"Vosk could not load the model at {path}: {exc}") from exc


class VoskRecognizer:
    """A ``KaldiRecognizer`` for one channel, sharing a read-only ``vosk.Model``.

    ``grammar`` limits recognition to those phrases (plus ``[unk]``), which small Vosk models
    allow at run time: right for short command-like answers, wrong for free conversation,
    where pack terms are instead corrected after recognition (``speech/phrases.py``).
    """

    def __init__(
        self,
        model: Any,
        sample_rate: int = VOSK_SAMPLE_RATE,
        grammar: Sequence[str] | None = None,
    ) -> None:
        import vosk

        if grammar:
            phrases = json.dumps([*grammar, "[unk]"], ensure_ascii=False)
            self._rec = vosk.KaldiRecognizer(model, sample_rate, phrases)
        else:
            self._rec = vosk.KaldiRecognizer(model, sample_rate)
        self._rec.SetWords(True)
        # No word times in partials: aligning them holds a partial back until its words are
        # complete. On the shared recordings the first partial came 1-1.5 s later with them,
        # and there were a third as many (benchmarks/endpointing.py notes).
        self._rec.SetPartialWords(False)
        self._last_partial = ""

    def accept(self, pcm: bytes, want_partial: bool = True) -> VoskResult | None:
        if self._rec.AcceptWaveform(pcm):
            self._last_partial = ""
            result = parse_final(self._rec.Result())
            return result if result.text else None
        if not want_partial:
            return None
        partial = parse_partial(self._rec.PartialResult())
        if partial.text == self._last_partial:
            return None
        self._last_partial = partial.text
        return partial if partial.text else None

    def end_utterance(self) -> VoskResult | None:
        # FinalResult flushes the decoder; the recognizer then starts a new utterance.
        return self.finish()

    def finish(self) -> VoskResult | None:
        result = parse_final(self._rec.FinalResult())
        self._last_partial = ""
        return result if result.text else None

    def close(self) -> None:
        pass


class LocalVoskEngine:
    """Recognizers over one ``vosk.Model`` loaded in this process, shared by all channels."""

    def __init__(
        self, model: Any, name: str = "vosk (local)", grammar: Sequence[str] | None = None
    ) -> None:
        self._model = model
        self.name = name
        self._grammar = grammar

    def recognizer(self) -> VoskRecognizer:
        return VoskRecognizer(self._model, grammar=self._grammar)
