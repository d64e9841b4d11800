"""File replay through the real Vosk runtime (Korean small model from PyPI), one recognizer
thread per side, exactly as a live call runs (``LiveSpeech``).

The Korean model cannot transcribe Mandarin; these tests check streaming, results and timing.
"""

from __future__ import annotations

import threading
import time
import wave
from pathlib import Path

import numpy as np
import pytest
import soundfile

from agent_assist.domain import Speaker, Transcript
from agent_assist.errors import ModelMissingError
from agent_assist.speech.channel import ChannelOptions, ChannelRecognition
from agent_assist.speech.events import SourceState, SourceStatus, SpeechStats
from agent_assist.speech.live import LiveSpeech, SpeechOptions
from agent_assist.speech.recognizer import LocalVoskEngine, VoskRecognizer, load_vosk_model
from agent_assist.speech.sources.file import FileSource
from tests.conftest import shared_asset

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def vosk_model(korean_vosk_model_dir: Path) -> object:
    return load_vosk_model(korean_vosk_model_dir)


def _events(
    path: Path,
    model: object,
    realtime: bool = False,
    stop: threading.Event | None = None,
    options: SpeechOptions | None = None,
    speed: float = 1.0,
) -> list[object]:
    speech = LiveSpeech(
        FileSource(path, realtime=realtime, speed=speed),
        lambda: LocalVoskEngine(model),
        options or SpeechOptions(),
    )
    return list(speech.events(stop or threading.Event()))


def _transcripts(events: list[object]) -> list[Transcript]:
    return [e for e in events if isinstance(e, Transcript)]


def _duration(path: Path) -> float:
    with wave.open(str(path)) as w:
        return w.getnframes() / w.getframerate()


@pytest.mark.parametrize(
    "recording", ["en/vosk_test.wav", "zh/TEST_MEETING_T0000000001_S00000.wav"]
)
def test_stream_gives_finals_with_word_times(vosk_model: object, recording: str) -> None:
    path = shared_asset(f"speech/{recording}")
    events = _transcripts(_events(path, vosk_model))
    finals = [e for e in events if e.is_final]
    assert finals, "no final result"
    duration = _duration(path)
    for final in finals:
        assert final.words, "final without word timings"
        assert 0 <= final.words[0].start_s <= final.words[-1].end_s <= duration + 0.1
        assert final.text
        assert final.asr_ms is not None and final.asr_ms >= 0
    ids = [e.utterance_id for e in finals]
    assert len(ids) == len(set(ids)), "each final closes its own utterance"
    starts = [f.start_s for f in finals]
    assert starts == sorted(starts)


def test_partials_come_while_the_speaker_talks(vosk_model: object) -> None:
    # In real time: read as fast as possible, a partial is superseded by its final before it
    # is read; replayed faster, recognition falls behind and the channel skips partials.
    path = shared_asset("speech/zh/funasr_asr_example.wav")  # one 5 s sentence
    events = _transcripts(_events(path, vosk_model, realtime=True))
    partials = [e for e in events if not e.is_final]
    assert len(partials) >= 5
    # Partials carry no word times; they span from where the phrase began to the audio so far.
    assert all(0.0 <= p.start_s <= 1.0 < p.end_s for p in partials[1:])
    finals = [e for e in events if e.is_final]
    assert any(p.emitted_ns < finals[0].emitted_ns for p in partials)


def test_partials_of_an_utterance_share_its_id(vosk_model: object) -> None:
    path = shared_asset("speech/zh/TEST_MEETING_T0000000001_S00000.wav")
    events = _transcripts(_events(path, vosk_model))
    first_final = next(i for i, e in enumerate(events) if e.is_final)
    assert {e.utterance_id for e in events[: first_final + 1]} == {events[first_final].utterance_id}


def test_recognition_keeps_up_with_real_time(vosk_model: object) -> None:
    path = shared_asset("speech/zh/wenet_gpu_long.wav")
    started = time.perf_counter()
    events = _events(path, vosk_model)
    real_time_factor = (time.perf_counter() - started) / _duration(path)
    assert real_time_factor < 1.0
    stats = next(e for e in events if isinstance(e, SpeechStats))
    (channel,) = stats.channels
    assert channel.audio_s == pytest.approx(_duration(path), abs=0.05)
    assert 0 < channel.real_time_factor < 1.0
    assert channel.dropped_audio_s == 0


def test_stereo_call_gives_each_speaker_their_own_recognizer(
    vosk_model: object, tmp_path: Path
) -> None:
    """Agent on the left, customer on the right, each speaking at a different time."""
    agent = _read(shared_asset("speech/en/vosk_test.wav"))
    customer = _read(shared_asset("speech/zh/BAC009S0764W0121.wav"))
    gap = np.zeros(16_000, dtype="<i2")
    left = np.concatenate([agent, gap, np.zeros_like(customer)])
    right = np.concatenate([np.zeros_like(agent), gap, customer])
    stereo = tmp_path / "call.wav"
    with wave.open(str(stereo), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(16_000)
        w.writeframes(np.stack([left, right], axis=1).astype("<i2").tobytes())
    events = _transcripts(_events(stereo, vosk_model))
    finals = {s: [e for e in events if e.is_final and e.speaker is s] for s in Speaker}
    agent_end = len(agent) / 16_000
    assert finals[Speaker.AGENT] and finals[Speaker.CUSTOMER]
    assert all(f.end_s <= agent_end + 0.5 for f in finals[Speaker.AGENT])
    assert all(f.start_s >= agent_end for f in finals[Speaker.CUSTOMER])


def test_stopping_a_realtime_replay_keeps_what_was_said(vosk_model: object) -> None:
    path = shared_asset("speech/en/librispeech-1995-1837-0001.wav")
    stop = threading.Event()
    threading.Timer(3.0, stop.set).start()
    events = _events(path, vosk_model, realtime=True, stop=stop)
    finals = [e for e in _transcripts(events) if e.is_final]
    assert finals and finals[-1].text
    assert finals[-1].end_s < _duration(path)
    assert any(isinstance(e, SourceStatus) and e.state is SourceState.ENDED for e in events)


def test_missing_model_folder_says_how_to_install(tmp_path: Path) -> None:
    with pytest.raises(ModelMissingError, match="agent-assist models install"):
        load_vosk_model(tmp_path)


def _read(path: Path) -> np.ndarray:
    with wave.open(str(path)) as w:
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")


def test_engine_is_loaded_on_the_call_thread_when_the_call_starts(
    korean_vosk_model_dir: Path,
) -> None:
    loaded_on: list[str] = []

    def load() -> LocalVoskEngine:
        loaded_on.append(threading.current_thread().name)
        return LocalVoskEngine(load_vosk_model(korean_vosk_model_dir))

    speech = LiveSpeech(FileSource(shared_asset("speech/zh/IT0011W0001.wav"), False), load)
    assert not loaded_on
    events = list(speech.events(threading.Event()))
    assert loaded_on == [threading.current_thread().name]
    assert any(isinstance(e, Transcript) and e.is_final for e in events)


def test_flac_and_8k_telephone_audio_are_resampled_for_the_model(
    vosk_model: object, tmp_path: Path
) -> None:
    """A FLAC file at 8 kHz (telephone rate) gives the same kind of result as the 16 kHz WAV."""
    samples, rate = soundfile.read(str(shared_asset("speech/en/vosk_test.wav")), dtype="int16")
    flac = tmp_path / "tel.flac"
    soundfile.write(str(flac), samples[::2], rate // 2)  # crude 8 kHz; good enough for the path
    events = _events(flac, vosk_model)
    stats = next(e for e in events if isinstance(e, SpeechStats))
    assert stats.channels[0].audio_s == pytest.approx(len(samples) / rate, abs=0.05)
    assert any(t.is_final and t.text for t in _transcripts(events))


def test_a_grammar_limits_recognition_to_its_phrases(vosk_model: object) -> None:
    """Vosk's run-time grammar (for short command-like answers): only its phrases come out."""
    path = shared_asset("speech/zh/TEST_MEETING_T0000000001_S00000.wav")
    free = _transcripts(_events(path, vosk_model))
    words = sorted({w.text for t in free if t.is_final for w in t.words})
    grammar = words[:3]
    speech = LiveSpeech(
        FileSource(path, realtime=False), lambda: LocalVoskEngine(vosk_model, grammar=grammar)
    )
    limited = [e for e in speech.events(threading.Event()) if isinstance(e, Transcript)]
    said = {w.text for t in limited if t.is_final for w in t.words}
    assert said, "the grammar's phrases are still recognised"
    assert said <= {*grammar, "[unk]"}


class _Positioned:
    """A real recognizer that notes the audio position at which each final came back."""

    def __init__(self, inner: VoskRecognizer) -> None:
        self._inner = inner
        self.position_s = 0.0
        self.finals_at_s: list[float] = []

    def accept(self, pcm: bytes, want_partial: bool = True) -> object:
        self.position_s += len(pcm) / 2 / 16_000
        return self._note(self._inner.accept(pcm, want_partial))

    def end_utterance(self) -> object:
        return self._note(self._inner.end_utterance())

    def finish(self) -> object:
        return self._note(self._inner.finish())

    def close(self) -> None:
        self._inner.close()

    def _note(self, result: object) -> object:
        if result is not None and result.is_final:  # type: ignore[attr-defined]
            self.finals_at_s.append(self.position_s)
        return result


def test_a_pause_ends_the_utterance_well_before_vosk_would(vosk_model: object) -> None:
    # Two sentences with 0.6 s of line noise between them: Vosk's own rules (Korean model,
    # Mandarin speech) ran them together into one utterance.
    first = _read(shared_asset("speech/zh/funasr_asr_example.wav"))
    second = _read(shared_asset("speech/zh/BAC009S0764W0121.wav"))
    noise = np.random.default_rng(3).normal(0, 30, 16_000 * 6 // 10).astype("<i2")
    audio = np.concatenate([first, noise, second, noise, noise])
    first_speech_end_s = 5.22  # the sentence's last syllable (its tail is room noise)

    recognizer = _Positioned(VoskRecognizer(vosk_model))
    emitted: list[Transcript] = []
    channel = ChannelRecognition(
        Speaker.CUSTOMER,
        lambda: recognizer,
        emitted.append,
        ChannelOptions(live=False, max_block_s=0.02, endpoint_silence_s=0.3),
    )
    channel.start()
    for start in range(0, len(audio), 320):
        channel.push(audio[start : start + 320], 16_000)
    channel.close()
    assert channel.join(60)

    finals = [t for t in emitted if t.is_final]
    assert len(finals) == 2, [f.text for f in finals]
    assert 0.25 <= recognizer.finals_at_s[0] - first_speech_end_s <= 0.8
    assert finals[1].start_s > len(first) / 16_000, "the second sentence is its own utterance"
