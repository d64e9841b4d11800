"""A recognizer that breaks mid-call, through the real Vosk runtime (Korean small model) and
the real channel threads: the transcript so far is kept, the broken side is reported, the
other side goes on, and the next call gets new recognizers."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile

from agent_assist.domain import Speaker, Transcript
from agent_assist.speech.events import SourceState, SourceStatus, SpeechStats
from agent_assist.speech.live import LiveSpeech, SpeechOptions
from agent_assist.speech.recognizer import (
    VOSK_SAMPLE_RATE,
    LocalVoskEngine,
    VoskRecognizer,
    load_vosk_model,
)
from agent_assist.speech.sources.file import FileSource
from agent_assist.speech.vosk_json import VoskResult
from tests.conftest import shared_asset

pytestmark = pytest.mark.slow

AGENT_STARTS_S = 5.0  # the agent speaks only after the customer's recognizer has broken


@pytest.fixture(scope="module")
def vosk_model(korean_vosk_model_dir: Path) -> object:
    return load_vosk_model(korean_vosk_model_dir)


@pytest.fixture(scope="module")
def call_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_two_sided_call(tmp_path_factory.mktemp("call") / "call.wav")


def write_two_sided_call(path: Path) -> Path:
    """Agent left (silent, then speaking from 5 s), customer right (speaking from the start)."""
    agent, _ = soundfile.read(str(shared_asset("speech/en/vosk_test.wav")), dtype="int16")
    customer, _ = soundfile.read(
        str(shared_asset("speech/zh/TEST_MEETING_T0000000001_S00000.wav")), dtype="int16"
    )
    agent = np.concatenate([np.zeros(int(AGENT_STARTS_S * VOSK_SAMPLE_RATE), np.int16), agent])
    stereo = np.zeros((max(len(agent), len(customer)), 2), dtype=np.int16)
    stereo[: len(agent), 0], stereo[: len(customer), 1] = agent, customer
    soundfile.write(str(path), stereo, VOSK_SAMPLE_RATE)
    return path


class BreaksAfterFirstFinal:
    """The real recognizer, failing as Vosk does (``AcceptWaveform`` raising) once it has
    given its first final."""

    def __init__(self, inner: VoskRecognizer) -> None:
        self._inner = inner
        self.finals: list[str] = []
        self.broke_at_s: float | None = None
        self._heard_s = 0.0

    def accept(self, pcm: bytes, want_partial: bool = True) -> VoskResult | None:
        if self.finals:
            self.broke_at_s = self._heard_s
            raise RuntimeError("Failed to process waveform")
        self._heard_s += len(pcm) / 2 / VOSK_SAMPLE_RATE
        return self._kept(self._inner.accept(pcm, want_partial))

    def end_utterance(self) -> VoskResult | None:
        return self._kept(self._inner.end_utterance())

    def finish(self) -> VoskResult | None:
        return self._kept(self._inner.finish())

    def close(self) -> None:
        self._inner.close()

    def _kept(self, result: VoskResult | None) -> VoskResult | None:
        if result is not None and result.is_final:
            self.finals.append(result.text)
        return result


class CustomerSideBreaks:
    """A local Vosk engine whose first customer-side recognizer breaks after its first final;
    the ones it makes later work."""

    name = "vosk (breaks once)"

    def __init__(self, model: object) -> None:
        self._engine = LocalVoskEngine(model)
        self.broken: list[BreaksAfterFirstFinal] = []

    def recognizer(self) -> VoskRecognizer | BreaksAfterFirstFinal:
        recognizer = self._engine.recognizer()
        # Fault injection: each side makes its recognizer on its own thread, named for it.
        if threading.current_thread().name == "asr-customer" and not self.broken:
            self.broken.append(BreaksAfterFirstFinal(recognizer))
            return self.broken[-1]
        return recognizer


class CannotMakeRecognizers:
    """An engine whose model has become unusable: no recognizer can be made."""

    name = "vosk (unusable)"

    def recognizer(self) -> VoskRecognizer:
        raise RuntimeError("Failed to create a recognizer")


def _run(path: Path, engine: object) -> list[object]:
    speech = LiveSpeech(FileSource(path, realtime=False), lambda: engine, SpeechOptions())  # type: ignore[arg-type,return-value]
    return list(speech.events(threading.Event()))


def _finals(events: list[object], speaker: Speaker) -> list[Transcript]:
    return [e for e in events if isinstance(e, Transcript) and e.is_final and e.speaker is speaker]


def _failures(events: list[object]) -> list[SourceStatus]:
    return [e for e in events if isinstance(e, SourceStatus) and e.state is SourceState.FAILED]


def test_one_side_breaking_keeps_its_transcript_and_the_other_side_goes_on(
    vosk_model: object, call_wav: Path
) -> None:
    engine = CustomerSideBreaks(vosk_model)
    events = _run(call_wav, engine)
    (broken,) = engine.broken
    assert broken.broke_at_s is not None and broken.broke_at_s < AGENT_STARTS_S
    assert [f.text for f in _finals(events, Speaker.CUSTOMER)] == broken.finals
    (failure,) = _failures(events)
    assert "customer side: Failed to process waveform" in failure.message
    assert "the transcript so far is kept; the other side goes on" in failure.message
    assert failure.reconnectable
    agent = _finals(events, Speaker.AGENT)
    assert agent and all(f.start_s >= AGENT_STARTS_S - 0.5 for f in agent)
    assert events.index(failure) < events.index(agent[-1]), "reported while the call went on"
    ended = [e for e in events if isinstance(e, SourceStatus) and e.state is SourceState.ENDED]
    assert ended and ended[0].message.endswith("ended"), "the recording played to its end"
    assert isinstance(events[-1], SpeechStats)


def test_an_unusable_model_ends_the_call_at_once_and_the_next_call_recognises(
    vosk_model: object, call_wav: Path
) -> None:
    started = time.monotonic()
    events = _run(call_wav, CannotMakeRecognizers())
    assert time.monotonic() - started < 5.0, "nothing left to recognise: the call ends"
    failures = _failures(events)
    assert {f.message.split("语音识别")[0] for f in failures} == {"坐席侧", "客户侧"}
    assert all("Failed to create a recognizer" in f.message for f in failures)
    assert not any("goes on" in f.message for f in failures[1:])
    next_call = _run(shared_asset("speech/zh/BAC009S0764W0121.wav"), LocalVoskEngine(vosk_model))
    assert _finals(next_call, Speaker.CUSTOMER) and not _failures(next_call)
