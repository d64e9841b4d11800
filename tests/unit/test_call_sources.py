"""Speech options built from settings."""

from __future__ import annotations

from agent_assist.call_sources import speech_options
from agent_assist.config import AsrSettings, Settings


def test_the_endpoint_pause_comes_from_the_settings() -> None:
    options = speech_options(Settings(asr=AsrSettings(endpoint_silence_ms=450)))
    assert options.channel.endpoint_silence_s == 0.45


def test_zero_leaves_endpointing_to_the_recognizer() -> None:
    options = speech_options(Settings(asr=AsrSettings(endpoint_silence_ms=0)))
    assert options.channel.endpoint_silence_s is None
