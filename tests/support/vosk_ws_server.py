"""A stand-in for alphacep vosk-server's ``websocket/asr_server.py`` over the real Vosk runtime.

The connection handler follows the official one line by line (alphacep/vosk-server,
websocket/asr_server.py, commit 1ef2052):

- A *text* message containing the substring ``config`` is parsed as JSON; its ``config`` object
  may set ``sample_rate``, ``words``, ``max_alternatives`` and ``phrase_list``. The server sends
  **no reply** to it and reads the next message. The settings only take effect if they arrive
  before the first audio, because the ``KaldiRecognizer`` is created lazily, once, on the first
  message that is not a config.
- Every other message goes to ``process_chunk``: only the exact text ``{"eof" : 1}`` (with those
  spaces) is end of stream: the reply is ``FinalResult()`` and the server closes the connection.
  Anything else is handed to ``AcceptWaveform``, and one reply is sent: ``Result()`` at an
  endpoint, else ``PartialResult()``.
- So ``{"eof":1}`` without the spaces is *not* end of stream: it is passed to
  ``AcceptWaveform`` as a ``str``, which Vosk's cffi binding rejects with ``TypeError``; the
  exception escapes the handler and the websockets library closes the connection with code
  1011 (internal error) and no reply. This server does the same, by running the same code.
- Defaults as in the official server without environment variables: sample rate 8000 (so a
  client that forgets the config gets wrong results), words on, no alternatives. Like the
  official server it never enables partial words, so partials carry no ``partial_result``.

Added for tests: records what each connection received, ``kill()`` (a crash: drop every
connection and stop listening), ``stall()`` (read messages but never reply), an optional
bearer token check, and ``tamper`` to corrupt replies.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

EOF_FRAME = '{"eof" : 1}'


def process_chunk(rec: Any, message: str | bytes) -> tuple[str, bool]:
    """As in the official server: only the exact eof text ends the stream."""
    if message == EOF_FRAME:
        return rec.FinalResult(), True
    if rec.AcceptWaveform(message):
        return rec.Result(), False
    return rec.PartialResult(), False


@dataclass
class ConnectionRecord:
    """What one client connection sent and got."""

    headers: dict[str, str]
    text_frames: list[str] = field(default_factory=list)
    binary_frames: int = 0
    audio_bytes: int = 0
    replies: int = 0
    closed: threading.Event = field(default_factory=threading.Event)


class VoskWsServer:
    """The vosk-server websocket protocol on 127.0.0.1, a free port, in a background thread."""

    def __init__(
        self,
        model: Any,
        *,
        sample_rate: float = 8000.0,
        show_words: bool = True,
        max_alternatives: int = 0,
        required_token: str | None = None,
        tamper: Callable[[str], str | bytes] | None = None,
    ) -> None:
        self._model = model
        self._sample_rate = sample_rate
        self._show_words = show_words
        self._max_alternatives = max_alternatives
        self._required_token = required_token
        self._tamper = tamper
        self.connections: list[ConnectionRecord] = []
        self.max_concurrent = 0
        self._live: set[ServerConnection] = set()
        self._stalled = threading.Event()
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._server: Server | None = None
        self._pool = concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 1)
        self._error: BaseException | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def __enter__(self) -> VoskWsServer:
        self._thread = threading.Thread(target=self._run, name="vosk-ws-server", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("test vosk-server did not start within 10 s")
        if self._error is not None:
            raise RuntimeError("test vosk-server failed to start") from self._error
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._loop is not None and self._stop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(10)
        self._pool.shutdown(wait=True, cancel_futures=True)

    def kill(self) -> None:
        """Crash: drop every live connection without a close frame and stop listening."""
        assert self._loop is not None
        asyncio.run_coroutine_threadsafe(self._kill(), self._loop).result(10)

    def stall(self) -> None:
        """Keep connections open and read messages, but send no more replies."""
        self._stalled.set()

    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        except Exception as exc:  # noqa: BLE001 - surfaced to the test thread by __enter__
            self._error = exc
            self._ready.set()

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        async with serve(
            self._recognize, "127.0.0.1", 0, process_request=self._check_token
        ) as server:
            self._server = server
            self.port = next(iter(server.sockets)).getsockname()[1]
            self._ready.set()
            await self._stop.wait()

    async def _kill(self) -> None:
        for connection in list(self._live):
            connection.transport.abort()
        if self._server is not None:
            self._server.close(close_connections=False)

    def _check_token(self, connection: ServerConnection, request: Request) -> Response | None:
        if self._required_token is None:
            return None
        if request.headers.get("Authorization") == f"Bearer {self._required_token}":
            return None
        return connection.respond(HTTPStatus.UNAUTHORIZED, "missing or wrong bearer token\n")

    async def _recognize(self, websocket: ServerConnection) -> None:
        record = ConnectionRecord(headers=dict(websocket.request.headers.raw_items()))
        self.connections.append(record)
        self._live.add(websocket)
        self.max_concurrent = max(self.max_concurrent, len(self._live))
        try:
            await self._serve_messages(websocket, record)
        except ConnectionClosed:
            pass  # the client went away without eof (the official server lets this escape)
        finally:
            self._live.discard(websocket)
            record.closed.set()

    async def _serve_messages(self, websocket: ServerConnection, record: ConnectionRecord) -> None:
        import vosk

        loop = asyncio.get_running_loop()
        rec = None
        phrase_list = None
        sample_rate = self._sample_rate
        show_words = self._show_words
        max_alternatives = self._max_alternatives

        while True:
            message = await websocket.recv()
            if isinstance(message, str):
                record.text_frames.append(message)
            else:
                record.binary_frames += 1
                record.audio_bytes += len(message)

            # Load configuration if provided
            if isinstance(message, str) and "config" in message:
                jobj = json.loads(message)["config"]
                if "phrase_list" in jobj:
                    phrase_list = jobj["phrase_list"]
                if "sample_rate" in jobj:
                    sample_rate = float(jobj["sample_rate"])
                if "words" in jobj:
                    show_words = bool(jobj["words"])
                if "max_alternatives" in jobj:
                    max_alternatives = int(jobj["max_alternatives"])
                continue

            if not rec:
                if phrase_list:
                    grammar = json.dumps(phrase_list, ensure_ascii=False)
                    rec = vosk.KaldiRecognizer(self._model, sample_rate, grammar)
                else:
                    rec = vosk.KaldiRecognizer(self._model, sample_rate)
                rec.SetWords(show_words)
                rec.SetMaxAlternatives(max_alternatives)

            response, stop = await loop.run_in_executor(self._pool, process_chunk, rec, message)

            if self._stalled.is_set():
                await websocket.wait_closed()
                return
            reply = self._tamper(response) if self._tamper else response
            await websocket.send(reply)
            record.replies += 1
            if stop:
                break
