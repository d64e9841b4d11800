"""The network ingest server over real sockets: Twilio and PCM calls, auth, limits, bad peers."""

from __future__ import annotations

import contextlib
import json
import resource
import select
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import cycle, islice
from pathlib import Path

import numpy as np
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from agent_assist.domain import Speaker
from agent_assist.errors import AudioSourceError
from agent_assist.speech.events import AudioChunk, SourceState, SourceStatus
from agent_assist.speech.sources.network import NetworkIngestSource
from tests.conftest import shared_asset
from tests.support.telephony import (
    FRAME_MS,
    STREAM_SID,
    pcm_header,
    read_wav_at_8k,
    send_pcm_call,
    twilio_media,
    twilio_message,
    twilio_start,
    ulaw_encode,
)

TOKEN = "test-token-0123456789abcdef"
TIMEOUT_S = 10.0  # an upper bound for a loaded CI machine; passing tests take milliseconds
START_TIMEOUT_S = 0.5


class RecordingSink:
    """Keeps every chunk and status; tests wait on conditions, never on sleeps."""

    def __init__(self) -> None:
        self.chunks: list[AudioChunk] = []
        self.statuses: list[SourceStatus] = []
        self._changed = threading.Condition()

    def push(self, chunk: AudioChunk) -> None:
        with self._changed:
            self.chunks.append(chunk)
            self._changed.notify_all()

    def status(self, status: SourceStatus) -> None:
        with self._changed:
            self.statuses.append(status)
            self._changed.notify_all()

    def wait_for(self, predicate: Callable[[], bool]) -> None:
        with self._changed:
            assert self._changed.wait_for(predicate, TIMEOUT_S), self.statuses

    def wait_for_state(self, state: SourceState) -> SourceStatus:
        self.wait_for(lambda: any(s.state is state for s in self.statuses))
        return next(s for s in self.statuses if s.state is state)

    def samples(self, speaker: Speaker) -> np.ndarray:
        parts = [c.samples for c in self.chunks if c.speaker is speaker]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int16)


@dataclass
class RunningSource:
    source: NetworkIngestSource
    sink: RecordingSink
    stop: threading.Event
    thread: threading.Thread
    errors: list[BaseException]

    @property
    def url(self) -> str:
        assert self.source.url is not None
        return self.source.url

    def join(self) -> None:
        self.thread.join(TIMEOUT_S)
        assert not self.thread.is_alive(), "run() did not return"
        assert not self.errors


def start_source(
    max_connections: int = 8, start_timeout_s: float = START_TIMEOUT_S
) -> RunningSource:
    source = NetworkIngestSource(
        TOKEN, max_connections=max_connections, start_timeout_s=start_timeout_s
    )
    sink, stop, errors = RecordingSink(), threading.Event(), []

    def run() -> None:
        try:
            source.run(sink, stop)
        except Exception as exc:
            errors.append(exc)  # join() fails the test even if nobody reads the traceback
            raise

    thread = threading.Thread(target=run, name="ingest-test", daemon=True)
    thread.start()
    assert source.ready.wait(TIMEOUT_S)
    return RunningSource(source, sink, stop, thread, errors)


@pytest.fixture
def ingest() -> Iterator[RunningSource]:
    running = start_source()
    yield running
    running.stop.set()
    running.join()


def open_client(url: str, token: str | None = TOKEN) -> ClientConnection:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else None
    return connect(url, additional_headers=headers, open_timeout=TIMEOUT_S, close_timeout=0.5)


def receive_until_closed(ws: ClientConnection) -> None:
    while True:  # skip anything the server sent before closing; a timeout fails the test
        ws.recv(timeout=TIMEOUT_S)


def close_code_seen(ws: ClientConnection) -> int:
    """The code of the server's close frame."""
    with pytest.raises(ConnectionClosed) as info:
        receive_until_closed(ws)
    assert info.value.rcvd is not None, "server dropped the connection without a close frame"
    return info.value.rcvd.code


def good_pcm_call_works(running: RunningSource) -> None:
    samples = np.arange(-800, 800, dtype=np.int16)
    with open_client(running.url) as ws:
        send_pcm_call(ws, samples)
        assert close_code_seen(ws) == 1000
    running.sink.wait_for_state(SourceState.ENDED)
    assert np.array_equal(running.sink.samples(Speaker.CUSTOMER), samples)


def correlation(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(a.astype(np.float64), b.astype(np.float64))[0, 1])


# --- calls that work ----------------------------------------------------------------------


def test_twilio_call_with_real_speech_on_both_tracks(ingest: RunningSource) -> None:
    customer = read_wav_at_8k(shared_asset("speech/zh/BAC009S0764W0121.wav"))
    agent = customer[::-1].copy()  # a different signal, so a swapped track would show
    step = 8000 * FRAME_MS // 1000
    with open_client(ingest.url, token=None) as ws:  # Twilio sends the token in 'start'
        ws.send(json.dumps({"event": "connected", "protocol": "Call", "version": "1.0.0"}))
        ws.send(twilio_start({"token": TOKEN, "agent_id": "42"}))
        for n, offset in enumerate(range(0, len(customer), step)):
            ws.send(twilio_media("inbound", ulaw_encode(customer[offset : offset + step]), n))
            ws.send(twilio_media("outbound", ulaw_encode(agent[offset : offset + step]), n))
        ws.send(twilio_message("mark", mark={"name": "greeting"}))
        ws.send(twilio_message("stop", stop={"callSid": "CA1"}))
        assert close_code_seen(ws) == 1000
    ended = ingest.sink.wait_for_state(SourceState.ENDED)
    assert ended.reconnectable
    assert STREAM_SID in ingest.sink.wait_for_state(SourceState.CONNECTED).message
    assert {c.rate for c in ingest.sink.chunks} == {8000}
    for speaker, original in [(Speaker.CUSTOMER, customer), (Speaker.AGENT, agent)]:
        received = ingest.sink.samples(speaker)
        assert received.dtype == np.int16 and len(received) == len(original)
        assert correlation(received, original) > 0.9
    ingest.join()  # one run() serves one call


def test_pcm_mono_call_goes_to_the_customer(ingest: RunningSource) -> None:
    good_pcm_call_works(ingest)
    assert ingest.sink.samples(Speaker.AGENT).size == 0
    assert [s.state for s in ingest.sink.statuses] == [
        SourceState.WAITING,
        SourceState.CONNECTED,
        SourceState.ENDED,
    ]


@pytest.mark.parametrize("speakers", [None, ["customer", "agent"]])
def test_pcm_stereo_call_is_split_by_speakers(
    ingest: RunningSource, speakers: list[str] | None
) -> None:
    left = np.arange(0, 4800, dtype=np.int16)
    right = -left
    with open_client(ingest.url) as ws:
        ws.send(pcm_header(channels=2, rate=48000, **({"speakers": speakers} if speakers else {})))
        ws.send(np.column_stack([left, right]).astype("<i2").tobytes())
        ws.send('{"type": "stop"}')
        assert close_code_seen(ws) == 1000
    ingest.sink.wait_for_state(SourceState.ENDED)
    first, second = (
        (Speaker.CUSTOMER, Speaker.AGENT) if speakers else (Speaker.AGENT, Speaker.CUSTOMER)
    )
    assert np.array_equal(ingest.sink.samples(first), left)
    assert np.array_equal(ingest.sink.samples(second), right)
    assert {c.rate for c in ingest.sink.chunks} == {48000}


def test_token_in_pcm_header_replaces_the_authorization_header(ingest: RunningSource) -> None:
    with open_client(ingest.url, token=None) as ws:
        ws.send(pcm_header(token=TOKEN))
        ws.send('{"type": "stop"}')
        assert close_code_seen(ws) == 1000
    ingest.sink.wait_for_state(SourceState.ENDED)


def test_clean_close_without_stop_ends_the_call(ingest: RunningSource) -> None:
    with open_client(ingest.url) as ws:
        ws.send(pcm_header())
        ws.send(b"\x01\x00")
    assert ingest.sink.wait_for_state(SourceState.ENDED).reconnectable
    ingest.join()


def test_peer_dropping_mid_call_fails_and_keeps_the_audio(ingest: RunningSource) -> None:
    with open_client(ingest.url) as ws:
        ws.send(pcm_header())
        ws.send(np.ones(160, dtype="<i2").tobytes())
        ingest.sink.wait_for(lambda: len(ingest.sink.chunks) == 1)
        ws.socket.shutdown(socket.SHUT_RDWR)  # no close frame: the network dropped us
    failed = ingest.sink.wait_for_state(SourceState.FAILED)
    assert failed.reconnectable and "1006" in failed.message
    assert ingest.sink.samples(Speaker.CUSTOMER).size == 160
    ingest.join()


def test_stop_returns_promptly_and_closes_the_call(ingest: RunningSource) -> None:
    port = ingest.source.port
    assert port is not None
    with (
        open_client(ingest.url) as ws,
        open_client(ingest.url, token=None) as waiting,
        socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_S),  # mid-handshake
    ):
        ws.send(pcm_header())
        ingest.sink.wait_for_state(SourceState.CONNECTED)
        started = time.monotonic()
        ingest.stop.set()
        ingest.join()
        assert time.monotonic() - started < 0.5
        assert close_code_seen(ws) == 1001
        assert close_code_seen(waiting) == 1001
    ended = ingest.sink.statuses[-1]
    assert ended.state is SourceState.ENDED and not ended.reconnectable
    assert ingest.source.url is None and not ingest.source.ready.is_set()


# --- bad peers: each is closed, and the server still takes the next call --------------------


def test_wrong_bearer_token_is_refused_before_upgrading(ingest: RunningSource) -> None:
    with pytest.raises(InvalidStatus) as info:
        open_client(ingest.url, token="wrong-token-0123456789abcdef")
    assert info.value.response.status_code == 401
    good_pcm_call_works(ingest)


def test_wrong_path_is_not_found(ingest: RunningSource) -> None:
    with pytest.raises(InvalidStatus) as info:
        open_client(ingest.url.replace("/call", "/other"))
    assert info.value.response.status_code == 404
    good_pcm_call_works(ingest)


@pytest.mark.parametrize(
    ("start", "reason"),
    [
        (twilio_start(), "missing token"),
        (twilio_start({"token": "wrong-token-0123456789abcdef"}), "invalid token"),
        (pcm_header(token="wrong"), "invalid token"),
    ],
)
def test_start_without_a_valid_token_is_closed_1008(
    ingest: RunningSource, start: str, reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    with open_client(ingest.url, token=None) as ws:
        ws.send(start)
        with pytest.raises(ConnectionClosed) as info:
            ws.recv(timeout=TIMEOUT_S)
    assert info.value.rcvd is not None
    assert (info.value.rcvd.code, info.value.rcvd.reason) == (1008, reason)
    good_pcm_call_works(ingest)
    assert reason in caplog.text
    assert "wrong" not in caplog.text  # tokens never reach the log


def test_no_start_message_in_time_is_closed_1008(ingest: RunningSource) -> None:
    with open_client(ingest.url, token=None) as ws:
        assert close_code_seen(ws) == 1008
    good_pcm_call_works(ingest)


@pytest.mark.parametrize(
    ("message", "close_code"),
    [
        ('{"event": "start", "start": {', 1007),  # truncated JSON
        (b'{"event": "\xff\xfe"}', 1007),  # invalid UTF-8 in a text frame
        (b"\x00\x01" * 160, 1008),  # binary before the header
        ('{"type": "start", "format": "pcm_s16le"}', 1007),  # incomplete header
        ('{"event": "hello"}', 1008),
        ("x" * (64 * 1024 + 1), 1009),  # over max_size
    ],
)
def test_malformed_first_message_is_closed_and_the_server_survives(
    ingest: RunningSource, message: str | bytes, close_code: int
) -> None:
    with open_client(ingest.url) as ws:
        text = isinstance(message, str) or message.startswith(b"{")
        ws.send(message, text=text)
        assert close_code_seen(ws) == close_code
    assert [s.state for s in ingest.sink.statuses] == [SourceState.WAITING]
    good_pcm_call_works(ingest)


@pytest.mark.parametrize(
    ("header", "bad", "close_code"),
    [
        (pcm_header(), b"\x00\x00\x00", 1007),  # odd byte count
        (pcm_header(channels=2), b"\x00\x00" * 3, 1007),  # not whole stereo frames
        (twilio_start(), twilio_media("inbound", b"\xff", 1).replace('"/w=="', '"!!"'), 1007),
        (pcm_header(), "x" * (64 * 1024 + 1), 1009),
    ],
)
def test_malformed_audio_mid_call_fails_the_call_and_keeps_the_audio(
    ingest: RunningSource, header: str, bad: str | bytes, close_code: int
) -> None:
    with open_client(ingest.url) as ws:
        ws.send(header)
        good = (
            b"\xff\xff" * 4 if header.startswith('{"type"') else twilio_media("inbound", b"\xff", 0)
        )
        ws.send(good)
        ws.send(bad)
        assert close_code_seen(ws) == close_code
    failed = ingest.sink.wait_for_state(SourceState.FAILED)
    assert failed.reconnectable
    assert len(ingest.sink.chunks) >= 1  # what arrived before the bad frame is kept
    ingest.join()


def test_second_concurrent_call_is_refused_1013(ingest: RunningSource) -> None:
    with open_client(ingest.url) as first:
        first.send(pcm_header())
        ingest.sink.wait_for_state(SourceState.CONNECTED)
        with open_client(ingest.url) as second:
            assert close_code_seen(second) == 1013
        first.send(np.arange(320, dtype="<i2").tobytes())
        first.send('{"type": "stop"}')
        assert close_code_seen(first) == 1000
    ingest.sink.wait_for_state(SourceState.ENDED)
    assert np.array_equal(ingest.sink.samples(Speaker.CUSTOMER), np.arange(320))


def test_flood_of_idle_connections_does_not_block_a_call(ingest: RunningSource) -> None:
    port = ingest.source.port
    assert port is not None
    idle = [socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_S) for _ in range(50)]
    try:
        good_pcm_call_works(ingest)
    finally:
        for sock in idle:
            sock.close()


def test_max_connections_counts_upgraded_connections_too() -> None:
    running = start_source(max_connections=3, start_timeout_s=5.0)
    try:
        with contextlib.ExitStack() as stack:
            waiting = [stack.enter_context(open_client(running.url, token=None)) for _ in range(4)]
            dropped = [ws for ws in waiting if _is_closed(ws)]
            assert dropped == [waiting[0]]  # the oldest idle peer goes
        good_pcm_call_works(running)
    finally:
        running.stop.set()
        running.join()


def test_a_peer_that_showed_the_token_outlasts_newer_idle_sockets() -> None:
    running = start_source(max_connections=3, start_timeout_s=5.0)
    port = running.source.port
    assert port is not None
    try:
        with open_client(running.url) as ws, contextlib.ExitStack() as stack:
            idle = [
                stack.enter_context(socket.create_connection(("127.0.0.1", port))) for _ in range(6)
            ]
            _wait_until_dropped(idle, 4)  # 1 + 6 connections, 3 allowed: the 4 oldest idle
            send_pcm_call(ws, np.arange(160, dtype=np.int16))
            assert close_code_seen(ws) == 1000
        running.sink.wait_for_state(SourceState.ENDED)
    finally:
        running.stop.set()
        running.join()


def _wait_until_dropped(sockets: list[socket.socket], count: int) -> None:
    """Wait until the server has closed ``count`` of ``sockets`` (they become readable: EOF)."""
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        readable, _, _ = select.select(sockets, [], [], deadline - time.monotonic())
        if len(readable) >= count:
            return
    raise AssertionError(f"the server closed fewer than {count} sockets")


def _is_closed(ws: ClientConnection) -> bool:
    try:
        ws.recv(timeout=0.2)
    except TimeoutError:
        return False
    except ConnectionClosed:
        return True
    return False


def test_a_short_token_is_refused() -> None:
    with pytest.raises(AudioSourceError, match="token"):
        NetworkIngestSource("short")


def test_a_port_in_use_raises_audio_source_error(ingest: RunningSource) -> None:
    source = NetworkIngestSource(TOKEN, port=ingest.source.port or 0)
    with pytest.raises(AudioSourceError, match="Cannot listen"):
        source.run(RecordingSink(), threading.Event())


# --- a flood of hostile connections from a loopback client ---------------------------------

FLOOD_CONNECTIONS = 200
FLOOD_MAX_CONNECTIONS = 8
SLOWLORIS_BYTE_EVERY_S = 0.05
# 200 connections a second. Unpaced, this client opens 2,000 a second while sharing the GIL
# with the server, and any newcomer is dropped as the oldest before its request is read.
FLOOD_PACE_S = 0.005
# start_timeout_s bounds every connection; the rest is a loaded CI machine's scheduling.
CLOSE_SLACK_S = 1.0


def upgrade_request(port: int, token: str | None) -> bytes:
    lines = [
        "GET /call HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
        "Sec-WebSocket-Version: 13",
        *([f"Authorization: Bearer {token}"] if token else []),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def binary_frame_header(length: int) -> bytes:
    """A masked client frame header that announces ``length`` bytes of binary payload."""
    return bytes([0x82, 0x80 | 127]) + length.to_bytes(8, "big") + b"mask"


# What each kind of flood connection sends on connecting (as a function of the port).
FLOOD_OPENINGS: dict[str, Callable[[int], bytes]] = {
    "half-open": lambda port: b"",  # TCP only, never a byte of HTTP
    "slowloris": lambda port: upgrade_request(port, TOKEN)[:40],  # then a byte now and then
    "half-closed": lambda port: upgrade_request(port, TOKEN)[:40],  # then SHUT_WR
    "bad-token": lambda port: upgrade_request(port, "wrong-token-0123456789abcdef"),
    "idle": lambda port: upgrade_request(port, None),  # upgraded, never sends 'start'
    "oversized": lambda port: upgrade_request(port, TOKEN) + binary_frame_header(2**30),
}


@dataclass
class FloodSocket:
    kind: str
    sock: socket.socket
    opened_s: float
    closed_s: float | None = None


class Flood:
    """Hostile connections from one loopback client; notes when the server closes each."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.sockets: list[FloodSocket] = []
        self._next_dribble_s = 0.0

    def open(self, kind: str) -> None:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=TIMEOUT_S)
        sock.sendall(FLOOD_OPENINGS[kind](self.port))
        if kind == "half-closed":
            sock.shutdown(socket.SHUT_WR)
        sock.setblocking(False)
        self.sockets.append(FloodSocket(kind, sock, time.monotonic()))

    def poll(self) -> None:
        dribble = time.monotonic() >= self._next_dribble_s
        if dribble:
            self._next_dribble_s = time.monotonic() + SLOWLORIS_BYTE_EVERY_S
        for flood_socket in self.still_open():
            try:
                if dribble and flood_socket.kind == "slowloris":
                    flood_socket.sock.send(b"a")
                closed = flood_socket.sock.recv(65536) == b""
            except BlockingIOError:
                continue
            except OSError:  # reset by the server
                closed = True
            if closed:
                flood_socket.closed_s = time.monotonic()

    def still_open(self) -> list[FloodSocket]:
        return [s for s in self.sockets if s.closed_s is None]

    def longest_open_s(self) -> float:
        now = time.monotonic()
        return max((s.closed_s or now) - s.opened_s for s in self.sockets)

    def close(self) -> None:
        for flood_socket in self.sockets:
            flood_socket.sock.close()


@contextlib.contextmanager
def flood_of(running: RunningSource) -> Iterator[Flood]:
    assert running.source.port is not None
    flood = Flood(running.source.port)
    try:
        yield flood
    finally:
        flood.close()


def server_held_sockets(port: int) -> int:
    """Accepted TCP sockets of ``port`` that still have a file descriptor (Linux only)."""
    held = 0
    with open("/proc/net/tcp") as table:
        next(table)
        for row in table:
            fields = row.split()
            local_port = int(fields[1].rpartition(":")[2], 16)
            listening, orphaned = fields[3] == "0A", fields[9] == "0"
            held += local_port == port and not listening and not orphaned
    return held


def poll_until(predicate: Callable[[], bool]) -> bool:
    """For state no callback reports (the OS socket table): poll it until TIMEOUT_S."""
    deadline = time.monotonic() + TIMEOUT_S
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def flood_until_drained(running: RunningSource, flood: Flood) -> list[int]:
    """Open FLOOD_CONNECTIONS, cycling through every kind, then poll until the server has
    closed them all; returns the server's open-connection count sampled at each step."""
    kinds = list(FLOOD_OPENINGS)
    counts = []
    for n in range(FLOOD_CONNECTIONS):
        flood.open(kinds[n % len(kinds)])
        flood.poll()
        counts.append(running.source.open_connections)
    deadline = time.monotonic() + START_TIMEOUT_S + CLOSE_SLACK_S
    while flood.still_open() and time.monotonic() < deadline:
        flood.poll()
        counts.append(running.source.open_connections)
        time.sleep(0.005)
    return counts


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads Linux's socket table")
def test_a_flood_is_bounded_drained_in_time_and_a_call_still_works() -> None:
    running = start_source(max_connections=FLOOD_MAX_CONNECTIONS)
    port = running.source.port
    assert port is not None
    rss_before_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        with flood_of(running) as flood:
            counts = flood_until_drained(running, flood)
            assert not flood.still_open(), {s.kind for s in flood.still_open()}
            assert flood.longest_open_s() < START_TIMEOUT_S + CLOSE_SLACK_S
            assert max(counts) <= FLOOD_MAX_CONNECTIONS
            assert poll_until(lambda: server_held_sockets(port) == 0)
        assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before_kib < 50 * 1024
        assert [s.state for s in running.sink.statuses] == [SourceState.WAITING]
        good_pcm_call_works(running)
    finally:
        running.stop.set()
        running.join()


def test_a_call_during_a_flood_works() -> None:
    running = start_source(max_connections=FLOOD_MAX_CONNECTIONS)
    samples = np.arange(-800, 800, dtype=np.int16)
    flood_went_on, call_errors = threading.Event(), []

    def call() -> None:  # starts a quarter into the flood, ends three quarters into it
        try:
            with open_client(running.url) as ws:
                ws.send(pcm_header())
                assert flood_went_on.wait(TIMEOUT_S)
                ws.send(samples.astype("<i2").tobytes())
                ws.send('{"type": "stop"}')
                assert close_code_seen(ws) == 1000
        except BaseException as exc:  # noqa: BLE001 - reported by the test thread
            call_errors.append(exc)

    caller = threading.Thread(target=call, name="genuine-caller")
    try:
        with flood_of(running) as flood:
            for n, kind in enumerate(islice(cycle(FLOOD_OPENINGS), FLOOD_CONNECTIONS)):
                if n == FLOOD_CONNECTIONS // 4:
                    caller.start()
                if n == FLOOD_CONNECTIONS * 3 // 4:
                    flood_went_on.set()
                try:
                    flood.open(kind)
                except ConnectionRefusedError:
                    break  # the call ended, and with it run(): one run serves one call
                flood.poll()
                assert running.source.open_connections <= FLOOD_MAX_CONNECTIONS
                time.sleep(FLOOD_PACE_S)
            caller.join(TIMEOUT_S)
        assert not caller.is_alive() and not call_errors, call_errors
        running.sink.wait_for_state(SourceState.ENDED)
        assert np.array_equal(running.sink.samples(Speaker.CUSTOMER), samples)
    finally:
        running.stop.set()
        running.join()


def test_one_deadline_covers_the_handshake_and_the_start_message() -> None:
    start_timeout_s, slow_handshake_s = 1.0, 0.8
    running = start_source(start_timeout_s=start_timeout_s)
    port = running.source.port
    assert port is not None
    request = upgrade_request(port, TOKEN)
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_S) as sock:
            connected = time.monotonic()
            sock.sendall(request[:20])
            assert select.select([sock], [], [], slow_handshake_s)[0] == []  # not closed yet
            sock.sendall(request[20:])
            assert sock.recv(65536).startswith(b"HTTP/1.1 101")
            while sock.recv(65536):
                pass
            closed_after_s = time.monotonic() - connected
        # Separate timeouts would allow slow_handshake_s + start_timeout_s (1.8 s).
        assert closed_after_s < start_timeout_s + CLOSE_SLACK_S / 2
        good_pcm_call_works(running)
    finally:
        running.stop.set()
        running.join()


def test_a_frame_announcing_more_than_max_frame_bytes_is_refused_1009_unread(
    ingest: RunningSource,
) -> None:
    port = ingest.source.port
    assert port is not None
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_S) as sock:
        sock.sendall(upgrade_request(port, TOKEN))
        response = b""
        while b"\r\n\r\n" not in response:  # RFC 6455 §4.1: no frames before the response
            response += sock.recv(65536)
        assert response.startswith(b"HTTP/1.1 101")
        sock.sendall(binary_frame_header(2**40) + b"\x00" * 16)  # the rest never comes
        frames = response.partition(b"\r\n\r\n")[2]
        while chunk := sock.recv(65536):
            frames += chunk
    assert frames[:1] == b"\x88" and frames[2:4] == (1009).to_bytes(2, "big")
    good_pcm_call_works(ingest)
