"""Pick the replay source for a file: a call script or a WAV recording."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from agent_assist.config import AsrSettings
from agent_assist.errors import AudioSourceError
from agent_assist.models.install import resolve_model
from agent_assist.speech.call_script import load_call_script
from agent_assist.speech.recognizer import load_vosk_model
from agent_assist.speech.replay import ScriptReplay, TranscriptSource, WavReplay


def open_replay(
    file: Path, asr: AsrSettings, models_dir: Path, realtime: bool = True
) -> TranscriptSource:
    """A call script (.yaml/.yml) replays its text; a .wav streams through Vosk."""
    suffix = file.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return ScriptReplay(load_call_script(file), realtime=realtime)
    if suffix == ".wav":
        if not file.is_file():
            raise AudioSourceError(f"No such recording: {file}")
        model_path = resolve_model(asr.model, "asr", models_dir).path
        return WavReplay(file, partial(load_vosk_model, model_path), realtime, asr.block_ms)
    raise AudioSourceError(f"{file}: replay takes a call script (.yaml) or a .wav recording")
