"""Every way audio reaches recognition, end to end through ``LiveSpeech`` and the real Vosk
runtime: a telephony stream into the ingest server, and a recording into a remote
vosk-server engine. (Local capture: test_capture.py; file replay: test_vosk_streaming.py.)"""

from __future__ import annotations

import io
import threading
from contextlib import redirect_stdout
from pathlib import Path

import numpy as np
import pytest

from agent_assist import cli
from agent_assist.domain import Speaker, Transcript
from agent_assist.speech.events import SourceState, SourceStatus, SpeechStats
from agent_assist.speech.live import LiveSpeech, SpeechOptions
from agent_assist.speech.recognizer import LocalVoskEngine, load_vosk_model
from agent_assist.speech.remote import RemoteVoskEngine
from agent_assist.speech.sources.file import FileSource
from agent_assist.speech.sources.network import NetworkIngestSource
from tests.conftest import SHARED_ASSETS, shared_asset
from tests.support.telephony import pcm_header, read_wav_at_8k, send_twilio_call
from tests.support.vosk_ws_server import VoskWsServer

pytestmark = pytest.mark.slow

TOKEN = "live-sources-token-0123456789"


@pytest.fixture(scope="module")
def vosk_model(korean_vosk_model_dir: Path) -> object:
    return load_vosk_model(korean_vosk_model_dir)


def _run_in_thread(speech: LiveSpeech, stop: threading.Event) -> tuple[threading.Thread, list]:
    events: list[object] = []
    thread = threading.Thread(target=lambda: events.extend(speech.events(stop)), daemon=True)
    thread.start()
    return thread, events


def _finals(events: list[object], speaker: Speaker) -> list[Transcript]:
    return [e for e in events if isinstance(e, Transcript) and e.is_final and e.speaker is speaker]


def test_twilio_stream_is_recognised_per_track(vosk_model: object) -> None:
    """μ-law 8 kHz on both tracks → resampled per side → one recognizer each."""
    from websockets.sync.client import connect

    source = NetworkIngestSource(TOKEN, port=0)
    speech = LiveSpeech(source, lambda: LocalVoskEngine(vosk_model), SpeechOptions())
    stop = threading.Event()
    thread, events = _run_in_thread(speech, stop)
    assert source.ready.wait(10)
    customer = read_wav_at_8k(shared_asset("speech/zh/BAC009S0764W0121.wav"))
    agent = read_wav_at_8k(shared_asset("speech/zh/BAC009S0724W0121.wav"))
    with connect(source.url, additional_headers={"Authorization": f"Bearer {TOKEN}"}) as ws:
        send_twilio_call(ws, {"inbound": customer, "outbound": agent})
    thread.join(60)
    assert not thread.is_alive()
    assert _finals(events, Speaker.CUSTOMER) and _finals(events, Speaker.AGENT)
    stats = next(e for e in events if isinstance(e, SpeechStats))
    by_side = {c.speaker: c for c in stats.channels}
    assert by_side[Speaker.CUSTOMER].audio_s == pytest.approx(len(customer) / 8000, abs=0.1)
    assert all(c.dropped_audio_s == 0 for c in stats.channels)
    states = [e.state for e in events if isinstance(e, SourceStatus)]
    assert states[:2] == [SourceState.WAITING, SourceState.CONNECTED]
    assert states[-1] is SourceState.ENDED


def test_pcm_stream_dropped_mid_call_keeps_what_was_said(vosk_model: object) -> None:
    from websockets.sync.client import connect

    source = NetworkIngestSource(TOKEN, port=0)
    speech = LiveSpeech(source, lambda: LocalVoskEngine(vosk_model), SpeechOptions())
    thread, events = _run_in_thread(speech, threading.Event())
    assert source.ready.wait(10)
    samples = np.frombuffer(shared_asset("speech/en/vosk_test.wav").read_bytes()[44:], dtype="<i2")
    with connect(source.url, additional_headers={"Authorization": f"Bearer {TOKEN}"}) as ws:
        ws.send(pcm_header(channels=1, rate=16000))
        for offset in range(0, len(samples), 320):
            ws.send(samples[offset : offset + 320].tobytes())
        ws.socket.close()  # the telephony side vanishes without a stop message or close frame
    thread.join(60)
    failed = [e for e in events if isinstance(e, SourceStatus) and e.state is SourceState.FAILED]
    assert failed and failed[0].reconnectable
    assert any(t.text for t in _finals(events, Speaker.CUSTOMER)), "transcript so far kept"


def test_remote_engine_recognises_a_two_sided_recording(vosk_model: object, tmp_path: Path) -> None:
    import soundfile

    left, _ = soundfile.read(str(shared_asset("speech/en/vosk_test.wav")), dtype="int16")
    right, _ = soundfile.read(str(shared_asset("speech/zh/BAC009S0764W0121.wav")), dtype="int16")
    length = max(len(left), len(right))
    stereo = np.zeros((length, 2), dtype=np.int16)
    stereo[: len(left), 0], stereo[: len(right), 1] = left, right
    call = tmp_path / "call.wav"
    soundfile.write(str(call), stereo, 16_000)
    with VoskWsServer(vosk_model) as server:
        engine = RemoteVoskEngine(server.url)
        speech = LiveSpeech(FileSource(call, realtime=False), lambda: engine, SpeechOptions())
        events = list(speech.events(threading.Event()))
        assert server.max_concurrent == 2, "one socket per side"
    assert _finals(events, Speaker.AGENT) and _finals(events, Speaker.CUSTOMER)
    assert not [e for e in events if isinstance(e, SourceStatus) and e.state is SourceState.FAILED]


def test_remote_engine_failing_mid_call_is_reported_and_keeps_the_transcript(
    vosk_model: object,
) -> None:
    with VoskWsServer(vosk_model) as server:
        engine = RemoteVoskEngine(server.url, reply_timeout_s=2.0)
        source = FileSource(shared_asset("speech/zh/TEST_MEETING_T0000000001_S00000.wav"), True)
        speech = LiveSpeech(source, lambda: engine, SpeechOptions())
        stop = threading.Event()
        thread, events = _run_in_thread(speech, stop)
        threading.Timer(4.0, server.kill).start()
        thread.join(30)
        assert not thread.is_alive(), "a dead recognition server must not hang the call"
    failed = [e for e in events if isinstance(e, SourceStatus) and e.state is SourceState.FAILED]
    assert failed and "customer" in failed[0].message and failed[0].reconnectable


def test_eval_asr_reports_error_rates_from_transcripts_tsv(
    korean_vosk_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The code path only: the Korean model cannot transcribe Mandarin or English."""
    monkeypatch.setenv("AGENT_ASSIST_ASR__MODEL", str(korean_vosk_model_dir))
    out = io.StringIO()
    with redirect_stdout(out):
        assert cli.main(["eval", "asr", str(SHARED_ASSETS / "speech"), "--lang", "en"]) == 0
    lines = out.getvalue().splitlines()
    assert any("librispeech-1995-1837-0001.wav" in line and "WER" in line for line in lines)
    assert any("not human-made" in line for line in lines)  # vosk_test.wav's reference
    assert lines[-1].startswith("en: WER ") and "over 1 files" in lines[-1]
