"""Receive one live call over a websocket from the telephony side (Twilio Media Streams or PCM).

One ``run()`` serves one call. The server listens until a peer authenticates and starts a
stream, pushes that stream's audio, and returns when the stream stops (``ENDED``), when the
peer drops it (``FAILED``), or when ``stop`` is set. Connections that fail before a call
starts (bad token, malformed messages, idle sockets) are closed and the server keeps
listening. The formats, limits and close codes are in docs/ingest-protocol.md.
"""

from __future__ import annotations

import asyncio
import hmac
import http
import logging
import threading
from collections.abc import Mapping, Sized
from dataclasses import dataclass
from typing import cast
from urllib.parse import urlsplit

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.frames import CloseCode
from websockets.http11 import Request, Response
from websockets.protocol import State

from agent_assist.domain import Speaker
from agent_assist.errors import AudioSourceError
from agent_assist.speech.events import AudioChunk, SourceState, SourceStatus
from agent_assist.speech.sources.base import AudioSink
from agent_assist.speech.sources.ingest_protocol import (
    TWILIO_TRACK_SPEAKERS,
    IngestDecoder,
    IngestProtocolError,
    StreamStart,
    StreamStop,
)

logger = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PATH = "/call"
DEFAULT_MAX_FRAME_BYTES = 64 * 1024
DEFAULT_MAX_CONNECTIONS = 8
DEFAULT_START_TIMEOUT_S = 5.0
MIN_TOKEN_CHARS = 16
STOP_POLL_S = 0.05
# Peers only send to us: waiting long for their half of a closing handshake only delays
# shutdown, so give up on it quickly and drop the TCP connection.
CLOSE_TIMEOUT_S = 0.2
SHUTDOWN_GRACE_S = 0.25


class NetworkIngestSource:
    """A call streamed into a local websocket server by the telephony side.

    ``ready`` is set while the server listens; ``port`` and ``url`` then give its address
    (useful with ``port=0``, which picks a free port). Statuses: ``WAITING`` when listening,
    ``CONNECTED`` when a call starts, then exactly one of ``ENDED`` (stop message or clean
    close; ``reconnectable`` so the caller can run again for the next call; not reconnectable
    after a local stop) or ``FAILED`` (peer dropped or sent bad data mid-call; reconnectable).
    """

    live = True

    def __init__(
        self,
        token: str,
        *,
        host: str = DEFAULT_HOST,
        port: int = 0,
        path: str = DEFAULT_PATH,
        max_frame_bytes: int = DEFAULT_MAX_FRAME_BYTES,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        start_timeout_s: float = DEFAULT_START_TIMEOUT_S,
        track_speakers: Mapping[str, Speaker] = TWILIO_TRACK_SPEAKERS,
        name: str = "network ingest",
    ) -> None:
        """Configure the server; raises ``AudioSourceError`` without a usable token."""
        if len(token) < MIN_TOKEN_CHARS:
            raise AudioSourceError(
                f"The network ingest source needs a bearer token of at least {MIN_TOKEN_CHARS}"
                " characters, shared with the telephony side (see docs/ingest-protocol.md)."
            )
        if max_connections < 2:
            raise ValueError("max_connections must leave room for the call and one more peer")
        self.name = name
        self.ready = threading.Event()
        self._config = _ServerConfig(
            token=token,
            host=host,
            port=port,
            path=path,
            max_frame_bytes=max_frame_bytes,
            max_connections=max_connections,
            start_timeout_s=start_timeout_s,
            track_speakers=dict(track_speakers),
        )
        self._port: int | None = None
        self._session: _CallSession | None = None

    @property
    def open_connections(self) -> int:
        """TCP connections the server holds now, the call's included (for status and tests)."""
        session = self._session
        return 0 if session is None else session.open_connections

    @property
    def port(self) -> int | None:
        """The bound port while listening, else None."""
        return self._port

    @property
    def url(self) -> str | None:
        """``ws://host:port/path`` while listening, else None."""
        if self._port is None:
            return None
        host = self._config.host
        host = f"[{host}]" if ":" in host else host
        return f"ws://{host}:{self._port}{self._config.path}"

    def run(self, sink: AudioSink, stop: threading.Event) -> None:
        """Serve one call into ``sink``; raises ``AudioSourceError`` if the port cannot be bound."""
        asyncio.run(self._serve(sink, stop))

    async def _serve(self, sink: AudioSink, stop: threading.Event) -> None:
        session = _CallSession(self._config, sink)
        server = await self._listen(session)
        self._session = session
        try:
            self._port = server.sockets[0].getsockname()[1]
            sink.status(SourceStatus(SourceState.WAITING, f"listening on {self.url}"))
            self.ready.set()
            await _wait_until_finished(session.finished, stop)
            if stop.is_set():
                session.finish(SourceState.ENDED, "stopped listening", reconnectable=False)
        finally:
            self.ready.clear()
            self._port = None
            await session.shut_down(server)
            self._session = None

    async def _listen(self, session: _CallSession) -> Server:
        config = self._config
        try:
            return await serve(
                session.handle,
                config.host,
                config.port,
                process_request=session.check_request,
                create_connection=session.connection_class(),
                compression=None,  # audio barely compresses; inflating costs CPU
                open_timeout=config.start_timeout_s,
                close_timeout=CLOSE_TIMEOUT_S,
                max_size=config.max_frame_bytes,
            )
        except OSError as exc:
            raise AudioSourceError(
                f"Cannot listen for call audio on {config.host}:{config.port}: {exc}"
            ) from exc


@dataclass(frozen=True, slots=True)
class _ServerConfig:
    token: str
    host: str
    port: int
    path: str
    max_frame_bytes: int
    max_connections: int
    start_timeout_s: float
    track_speakers: Mapping[str, Speaker]


async def _wait_until_finished(finished: asyncio.Event, stop: threading.Event) -> None:
    # stop is a threading.Event set from another thread, so it can only be polled here.
    while not stop.is_set():
        try:
            await asyncio.wait_for(finished.wait(), STOP_POLL_S)
        except TimeoutError:
            continue
        return


class _ConnectionLimiter:
    """Caps open TCP connections; when full, the oldest one that is not the call is dropped,
    preferring one that has not shown the token in its handshake.

    Dropping the oldest rather than refusing the newest means a burst of idle sockets can
    delay a real peer by at most one handshake, never lock it out until they time out.
    """

    def __init__(self, max_connections: int) -> None:
        self._max_connections = max_connections
        # When each connection was admitted (loop time), insertion-ordered: oldest first.
        self._open: dict[ServerConnection, float] = {}
        self._protected: ServerConnection | None = None
        self._trusted: set[ServerConnection] = set()
        self.dropped = 0

    def admit(self, connection: ServerConnection) -> None:
        if len(self._open) >= self._max_connections:
            oldest = self._oldest_droppable()
            self.release(oldest)
            oldest.transport.abort()
            self.dropped += 1
            log = logger.warning if self.dropped == 1 else logger.debug
            log(
                "connection limit (%d) reached; dropped the oldest idle peer", self._max_connections
            )
        self._open[connection] = asyncio.get_running_loop().time()

    def _oldest_droppable(self) -> ServerConnection:
        candidates = [c for c in self._open if c is not self._protected]
        return next((c for c in candidates if c not in self._trusted), candidates[0])

    def __len__(self) -> int:
        return len(self._open)

    def opened_at(self, connection: ServerConnection) -> float:
        """Loop time at which ``connection`` was accepted."""
        return self._open.get(connection, asyncio.get_running_loop().time())

    def release(self, connection: ServerConnection) -> None:
        self._open.pop(connection, None)
        self._trusted.discard(connection)

    def trust(self, connection: ServerConnection) -> None:
        """``connection`` sent the token in its handshake: drop it only after the others."""
        self._trusted.add(connection)

    def protect(self, connection: ServerConnection) -> None:
        """``connection`` carries the call: never drop it."""
        self._protected = connection

    def abort_handshakes(self) -> None:
        for connection in list(self._open):
            if connection.protocol.state is State.CONNECTING:
                connection.transport.abort()

    def abort_all(self) -> None:
        for connection in list(self._open):
            connection.transport.abort()


class _CallSession:
    """Everything one ``run()`` shares between connections: the call slot and the limits."""

    def __init__(self, config: _ServerConfig, sink: AudioSink) -> None:
        self._config = config
        self._sink = sink
        self._limiter = _ConnectionLimiter(config.max_connections)
        self._holder: ServerConnection | None = None
        self._start: StreamStart | None = None
        self._samples: dict[Speaker, int] = {}
        self.finished = asyncio.Event()

    @property
    def open_connections(self) -> int:
        return len(self._limiter)

    def connection_class(self) -> type[ServerConnection]:
        limiter = self._limiter

        class LimitedConnection(ServerConnection):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                super().connection_made(transport)
                limiter.admit(self)

            def connection_lost(self, exc: Exception | None) -> None:
                limiter.release(self)
                super().connection_lost(exc)

        return LimitedConnection

    def check_request(self, connection: ServerConnection, request: Request) -> Response | None:
        """Reject a wrong path or a wrong ``Authorization`` header before upgrading."""
        if urlsplit(request.path).path != self._config.path:
            return connection.respond(http.HTTPStatus.NOT_FOUND, "Not found\n")
        headers = request.headers.get_all("Authorization")
        if not headers:
            return None  # Twilio cannot set headers: the token must come in 'start'
        if len(headers) == 1 and _bearer_matches(headers[0], self._config.token):
            self._limiter.trust(connection)
            return None
        logger.warning("rejected ingest handshake from %s: bad bearer token", _peer(connection))
        response = connection.respond(http.HTTPStatus.UNAUTHORIZED, "Invalid bearer token\n")
        response.headers["WWW-Authenticate"] = 'Bearer realm="agent-assist"'
        return response

    async def handle(self, connection: ServerConnection) -> None:
        """Serve one websocket connection; every failure is confined to it."""
        try:
            await self._serve_connection(connection)
        except IngestProtocolError as exc:
            logger.warning(
                "closing ingest connection from %s: %s (%d)",
                _peer(connection),
                exc.reason,
                exc.close_code,
            )
            self._fail_if_holder(connection, f"stream rejected: {exc.reason}")
            await connection.close(exc.close_code, exc.reason)
        except ConnectionClosed:
            self._on_closed(connection)
        except Exception:
            # websockets logs the traceback; the call must still end so run() returns.
            self._fail_if_holder(connection, "internal error while receiving audio")
            raise

    async def _serve_connection(self, connection: ServerConnection) -> None:
        self._require_free_slot()
        decoder = IngestDecoder(self._config.track_speakers)
        start = await self._receive_start(connection, decoder)
        self._authorize(connection, start)
        self._require_free_slot()
        self._claim(connection, start)
        async for message in connection:
            for event in decoder.feed(message):
                if isinstance(event, StreamStop):
                    self.finish(SourceState.ENDED, f"call ended: {self._summary()}")
                    await connection.close(CloseCode.NORMAL_CLOSURE, "call ended")
                    return
                assert isinstance(event, AudioChunk)
                self._push(event)
        # A clean close without 'stop' (allowed for PCM senders) ends the call too.
        self._on_closed(connection)

    async def _receive_start(
        self, connection: ServerConnection, decoder: IngestDecoder
    ) -> StreamStart:
        timeout_s = self._config.start_timeout_s
        # One deadline from accept to start: the handshake (open_timeout) is part of it, so
        # an idle peer holds its slot for start_timeout_s in all, not twice that.
        deadline = self._limiter.opened_at(connection) + timeout_s
        try:
            async with asyncio.timeout_at(deadline):
                while decoder.start is None:
                    decoder.feed(await connection.recv())
        except TimeoutError:
            raise IngestProtocolError(
                CloseCode.POLICY_VIOLATION, f"no start message within {timeout_s:g} s"
            ) from None
        return decoder.start

    def _authorize(self, connection: ServerConnection, start: StreamStart) -> None:
        assert connection.request is not None
        if connection.request.headers.get_all("Authorization"):
            return  # already checked in check_request
        if start.token is None:
            raise IngestProtocolError(CloseCode.POLICY_VIOLATION, "missing token")
        if not _tokens_equal(start.token, self._config.token):
            raise IngestProtocolError(CloseCode.POLICY_VIOLATION, "invalid token")

    def _require_free_slot(self) -> None:
        if self._holder is not None or self.finished.is_set():
            raise IngestProtocolError(
                CloseCode.TRY_AGAIN_LATER, "another call is already streaming"
            )

    def _claim(self, connection: ServerConnection, start: StreamStart) -> None:
        self._holder = connection
        self._start = start
        self._samples = dict.fromkeys(start.speakers, 0)
        self._limiter.protect(connection)
        logger.info("ingest call started from %s: %s", _peer(connection), start.describe())
        self._sink.status(SourceStatus(SourceState.CONNECTED, f"call started: {start.describe()}"))

    def _push(self, chunk: AudioChunk) -> None:
        if self.finished.is_set():
            return  # stopped locally: nothing may follow the final status
        self._samples[chunk.speaker] += len(cast(Sized, chunk.samples))
        self._sink.push(chunk)

    def _on_closed(self, connection: ServerConnection) -> None:
        how = _how_closed(connection)
        if self.finished.is_set():
            logger.debug(
                "ingest connection from %s closed after the call: %s", _peer(connection), how
            )
        elif connection is not self._holder:
            log = logger.info if _peer_closed_normally(connection) else logger.warning
            log(
                "ingest connection from %s closed before a call started: %s", _peer(connection), how
            )
        elif _peer_closed_normally(connection):
            self.finish(SourceState.ENDED, f"call ended: {self._summary()}")
        else:
            logger.warning("ingest call from %s lost: %s", _peer(connection), how)
            self._fail_if_holder(connection, f"stream lost without 'stop' ({how})")

    def _fail_if_holder(self, connection: ServerConnection, message: str) -> None:
        if connection is self._holder:
            self.finish(SourceState.FAILED, f"{message}; kept {self._summary()}")

    def finish(self, state: SourceState, message: str, reconnectable: bool = True) -> None:
        """Report the one terminal status of this run; later calls are ignored."""
        if self.finished.is_set():
            return
        self.finished.set()
        logger.info("ingest source %s: %s", state.value, message)
        self._sink.status(SourceStatus(state, message, reconnectable))

    def _summary(self) -> str:
        if self._start is None:
            return "no audio"
        rate = self._start.sample_rate
        return ", ".join(
            f"{n / rate:.1f} s {speaker.value}" for speaker, n in self._samples.items()
        )

    async def shut_down(self, server: Server) -> None:
        """Close the server and every connection within about ``SHUTDOWN_GRACE_S``."""
        server.close()
        # Sockets still in the HTTP handshake would otherwise hold shutdown for open_timeout.
        self._limiter.abort_handshakes()
        try:
            await asyncio.wait_for(server.wait_closed(), SHUTDOWN_GRACE_S)
        except TimeoutError:
            self._limiter.abort_all()
            try:
                await asyncio.wait_for(server.wait_closed(), SHUTDOWN_GRACE_S)
            except TimeoutError:
                logger.warning("ingest server did not close in time; abandoning its tasks")
        if self._limiter.dropped:
            logger.warning("dropped %d idle ingest connections at the limit", self._limiter.dropped)


def _bearer_matches(header: str, token: str) -> bool:
    scheme, _, credentials = header.strip().partition(" ")
    return scheme.lower() == "bearer" and _tokens_equal(credentials.strip(), token)


def _tokens_equal(given: str, expected: str) -> bool:
    # compare_digest on str rejects non-ASCII; bytes work for any token.
    return hmac.compare_digest(
        given.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass")
    )


def _peer_closed_normally(connection: ServerConnection) -> bool:
    protocol = connection.protocol
    received = protocol.close_rcvd
    peer_first = protocol.close_sent is None or bool(protocol.close_rcvd_then_sent)
    return received is not None and peer_first and received.code == CloseCode.NORMAL_CLOSURE


def _how_closed(connection: ServerConnection) -> str:
    """Who closed with which code, for logs; websockets itself closes on oversized frames
    and invalid UTF-8, so the code we sent matters as much as the one we received."""
    protocol = connection.protocol
    sent, received = protocol.close_sent, protocol.close_rcvd
    if received is not None and (sent is None or protocol.close_rcvd_then_sent):
        return f"peer closed with code {received.code}"
    if sent is not None:
        return f"closed with code {sent.code} ({sent.reason})"
    return "connection dropped (code 1006)"


def _peer(connection: ServerConnection) -> str:
    address = connection.remote_address
    return f"{address[0]}:{address[1]}" if address else "unknown peer"
