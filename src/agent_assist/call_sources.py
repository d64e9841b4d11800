"""Build a call source from settings: a replayed file, local capture or a network stream,
recognised by the local Vosk model or a remote vosk-server pool."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

from agent_assist.config import AsrSettings, AudioSettings, IngestSettings, Settings
from agent_assist.domain import Speaker
from agent_assist.errors import AudioSourceError
from agent_assist.models.install import resolve_model
from agent_assist.speech.call_script import load_call_script
from agent_assist.speech.channel import ChannelOptions
from agent_assist.speech.live import LiveSpeech, SpeechOptions
from agent_assist.speech.recognizer import LocalVoskEngine, RecognizerFactory, load_vosk_model
from agent_assist.speech.replay import CallSource, ScriptReplay
from agent_assist.speech.sources.base import AudioSource

AUDIO_SUFFIXES = (".wav", ".flac")


def engine_loader(asr: AsrSettings, models_dir: Path) -> Callable[[], RecognizerFactory]:
    """What loads the recognition engine when a call starts (on the call's thread).

    The local model is located now, so a missing model is reported before the call starts.
    """
    if asr.engine == "remote":
        from agent_assist.speech.remote import RemoteVoskEngine

        token = asr.remote_token.get_secret_value() if asr.remote_token else None
        return partial(RemoteVoskEngine, asr.remote_url, token=token)
    model_path = resolve_model(asr.model, "asr", models_dir).path
    return lambda: LocalVoskEngine(load_vosk_model(model_path), name=f"vosk {model_path.name}")


def speech_options(settings: Settings, pack_terms: Iterable[str] = ()) -> SpeechOptions:
    """Queueing, text normalisation and level meters, as the settings ask."""
    from agent_assist.speech.postprocess import make_postprocessor

    asr, audio = settings.asr, settings.audio
    return SpeechOptions(
        channel=ChannelOptions(
            max_backlog_s=asr.max_backlog_s,
            max_block_s=asr.block_ms / 1000,
            partial_interval_s=asr.partial_interval_ms / 1000,
            endpoint_silence_s=asr.endpoint_silence_ms / 1000 or None,
        ),
        postprocess=make_postprocessor(
            asr.normalize_numbers, tuple(pack_terms) if asr.correct_pack_terms else ()
        ),
        observers=partial(_level_monitors, audio),
        long_silence_s=audio.long_silence_s,
    )


def _level_monitors(audio: AudioSettings, speaker: Speaker) -> tuple:  # type: ignore[type-arg]
    from agent_assist.speech.levels import SideLevelMonitor

    monitor = SideLevelMonitor(speaker, 16_000, silence_warn_s=audio.silence_warning_s)
    return (monitor.feed,)


def open_replay(
    file: Path,
    settings: Settings,
    models_dir: Path,
    realtime: bool = True,
    pack_terms: Iterable[str] = (),
) -> CallSource:
    """A call script (.yaml) replays its text; a WAV or FLAC recording streams through ASR."""
    suffix = file.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return ScriptReplay(load_call_script(file), realtime=realtime)
    if suffix in AUDIO_SUFFIXES:
        from agent_assist.speech.sources.file import FileSource

        if not file.is_file():
            raise AudioSourceError(f"No such recording: {file}")
        source = FileSource(file, realtime, swap_channels=settings.audio.swap_channels)
        return _live(source, settings, models_dir, pack_terms)
    raise AudioSourceError(f"{file}: replay takes a call script (.yaml) or a WAV/FLAC recording")


def open_live(settings: Settings, models_dir: Path, pack_terms: Iterable[str] = ()) -> CallSource:
    """The live call source the settings name: local capture or the network ingest server."""
    if settings.audio.source == "network":
        return _live(open_network_source(settings.ingest), settings, models_dir, pack_terms)
    from agent_assist.speech.sources.capture import CaptureSource

    audio = settings.audio
    source = CaptureSource(audio.microphone, audio.loopback, audio.swap_channels)
    return _live(source, settings, models_dir, pack_terms)


def open_network_source(ingest: IngestSettings) -> AudioSource:
    from agent_assist.speech.sources.network import NetworkIngestSource

    if ingest.token is None:
        raise AudioSourceError(
            "The network ingest server needs a token: set ingest.token in the settings file "
            "or AGENT_ASSIST_INGEST__TOKEN, and give the same token to the telephony side."
        )
    return NetworkIngestSource(
        token=ingest.token.get_secret_value(),
        host=ingest.host,
        port=ingest.port,
        path=ingest.path,
        max_frame_bytes=ingest.max_frame_bytes,
    )


def _live(
    source: AudioSource, settings: Settings, models_dir: Path, pack_terms: Iterable[str]
) -> LiveSpeech:
    return LiveSpeech(
        source, engine_loader(settings.asr, models_dir), speech_options(settings, pack_terms)
    )
