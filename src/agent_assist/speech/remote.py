"""Streaming recognition by a remote vosk-server (alphacep, ``websocket/asr_server.py``).

One websocket per channel. The protocol is strictly request/reply: after the optional config
message (which gets no reply), every binary PCM frame and the end-of-stream frame get exactly
one text reply, the recognizer's JSON. So each ``accept`` sends one frame and reads one reply.
"""

from __future__ import annotations

import json
import logging
import ssl as ssl_module
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from typing import Any, NoReturn
from urllib.parse import urlsplit

from websockets.exceptions import (
    ConnectionClosed,
    InvalidHandshake,
    InvalidStatus,
    InvalidURI,
    WebSocketException,
)
from websockets.sync.client import ClientConnection, connect

from agent_assist.errors import AgentAssistError
from agent_assist.speech.recognizer import VOSK_SAMPLE_RATE
from agent_assist.speech.vosk_json import VoskResult, parse_final, parse_partial

logger = logging.getLogger(__name__)

EOF_FRAME = '{"eof" : 1}'
"""End of stream. The official server compares the text literally: keep the spaces."""

DEFAULT_CONNECT_TIMEOUT_S = 5.0
DEFAULT_REPLY_TIMEOUT_S = 5.0
_CLOSE_TIMEOUT_S = 2.0
_NOT_VOSK = (
    "Check that asr.remote_url points at a vosk-server websocket "
    "(alphacep/vosk-server websocket/asr_server.py), not another service."
)


class RemoteEngineError(AgentAssistError):
    """The recognition server cannot be reached or broke the protocol; names URL and remedy."""

    def __init__(self, url: str, message: str) -> None:
        self.url = display_url(url)
        super().__init__(message)


class RemoteVoskRecognizer:
    """One channel recognised by a vosk-server over its own websocket.

    Connects and sends the config at construction, so an unreachable server fails at call
    start rather than at the first audio block. ``finish`` ends the stream (the server closes
    the socket after its final reply); use a new recognizer for the next stream.
    Not thread-safe: one channel, one thread.
    """

    def __init__(
        self,
        url: str,
        *,
        sample_rate: int = VOSK_SAMPLE_RATE,
        token: str | None = None,
        headers: Mapping[str, str] | None = None,
        phrase_list: Sequence[str] | None = None,
        connect_timeout_s: float = DEFAULT_CONNECT_TIMEOUT_S,
        reply_timeout_s: float = DEFAULT_REPLY_TIMEOUT_S,
        proxy: str | None = None,
        ssl: ssl_module.SSLContext | None = None,
    ) -> None:
        self.url = url
        self._shown = display_url(url)
        self._reply_timeout_s = reply_timeout_s
        self._last_partial = ""
        self._finished = False
        self._failure: str | None = None
        self._ws: ClientConnection | None = _open(
            url, token, headers, connect_timeout_s, proxy, ssl
        )
        config: dict[str, Any] = {
            "sample_rate": sample_rate,
            "words": 1,
            # The server's default comes from VOSK_ALTERNATIVES; >0 changes the reply shape.
            "max_alternatives": 0,
        }
        if phrase_list:
            config["phrase_list"] = list(phrase_list)
        # The server applies the config and continues without replying (asr_server.py).
        self._send(json.dumps({"config": config}, ensure_ascii=False))

    def accept(self, pcm: bytes, want_partial: bool = True) -> VoskResult | None:
        if not pcm:
            return None
        self._check_usable()
        raw = self._exchange(bytes(pcm))
        data = self._decode(raw)
        if "text" in data:
            self._last_partial = ""
            result = self._parse(parse_final, raw)
            return result if result.text else None
        if "partial" not in data:
            self._fail(f"sent a reply with neither 'text' nor 'partial': {raw[:200]!r}.", _NOT_VOSK)
        # The reply is read even when partials are unwanted: one reply per message.
        if not want_partial:
            return None
        partial = self._parse(parse_partial, raw)
        if partial.text == self._last_partial:
            return None
        self._last_partial = partial.text
        return partial if partial.text else None

    def end_utterance(self) -> VoskResult | None:
        # The vosk-server protocol can only end the whole stream: the server's own
        # endpointing closes utterances.
        return None

    def finish(self) -> VoskResult | None:
        if self._failure is None and (self._finished or self._ws is None):
            return None  # already flushed, or closed on purpose
        self._check_usable()
        raw = self._exchange(EOF_FRAME)
        data = self._decode(raw)
        if "text" not in data:
            self._fail(f"answered end of stream without a final result: {raw[:200]!r}.", _NOT_VOSK)
        result = self._parse(parse_final, raw)
        self._finished = True
        self._last_partial = ""
        self.close()  # the server closes its side after the final reply
        return result if result.text else None

    def close(self) -> None:
        ws, self._ws = self._ws, None
        if ws is not None:
            ws.close()

    def _check_usable(self) -> None:
        if self._failure is not None:
            raise RemoteEngineError(
                self.url,
                f"{self._failure} (This channel's connection is gone; ask the engine "
                f"for a new recognizer.)",
            )
        if self._finished:
            raise RemoteEngineError(
                self.url,
                f"The stream to {self._shown} has ended (finish() was called); "
                f"ask the engine for a new recognizer.",
            )
        if self._ws is None:
            raise RemoteEngineError(self.url, f"The recognizer for {self._shown} is closed.")

    def _send(self, message: str | bytes) -> None:
        assert self._ws is not None
        try:
            self._ws.send(message)
        except (ConnectionClosed, OSError) as exc:
            self._fail(*_closed(exc), exc)

    def _exchange(self, message: str | bytes) -> str:
        self._send(message)
        assert self._ws is not None
        try:
            reply = self._ws.recv(timeout=self._reply_timeout_s)
        except TimeoutError as exc:
            self._fail(
                f"sent no reply within {self._reply_timeout_s:g} s.",
                "Check the server's CPU load and how many calls the pool serves "
                "(each call uses 2 connections).",
                exc,
            )
        except (ConnectionClosed, OSError) as exc:
            self._fail(*_closed(exc), exc)
        if not isinstance(reply, str):
            self._fail(f"sent a binary reply ({len(reply)} bytes).", _NOT_VOSK)
        return reply

    def _decode(self, raw: str) -> dict[str, Any]:
        try:
            data = json.loads(raw)
        except ValueError as exc:
            self._fail(f"sent a reply that is not JSON: {raw[:200]!r}.", _NOT_VOSK, exc)
        if not isinstance(data, dict):
            self._fail(f"sent a reply that is not a JSON object: {raw[:200]!r}.", _NOT_VOSK)
        return data

    def _parse(self, parse: Callable[[str], VoskResult], raw: str) -> VoskResult:
        try:
            return parse(raw)
        except (KeyError, TypeError, ValueError) as exc:
            self._fail(f"sent malformed word timings ({exc!r}): {raw[:200]!r}.", _NOT_VOSK, exc)

    def _fail(self, what: str, check: str, cause: BaseException | None = None) -> NoReturn:
        """Drop the socket and raise: after a lost or odd reply, replies are out of step."""
        self._failure = f"The recognition server {self._shown} {what} {check}"
        ws, self._ws = self._ws, None
        if ws is not None:
            ws.close_timeout = 0  # no closing handshake with a broken peer: just drop it
            ws.close()
        raise RemoteEngineError(self.url, self._failure) from cause


class RemoteVoskEngine:
    """A vosk-server, or a pool of them behind a websocket load balancer; one socket a channel."""

    def __init__(
        self,
        url: str,
        *,
        sample_rate: int = VOSK_SAMPLE_RATE,
        token: str | None = None,
        headers: Mapping[str, str] | None = None,
        phrase_list: Sequence[str] | None = None,
        connect_timeout_s: float = DEFAULT_CONNECT_TIMEOUT_S,
        reply_timeout_s: float = DEFAULT_REPLY_TIMEOUT_S,
        proxy: str | None = None,
        ssl: ssl_module.SSLContext | None = None,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("ws", "wss") or not parts.hostname:
            raise RemoteEngineError(
                url,
                f"asr.remote_url {display_url(url)!r} is not a websocket URL; "
                f"use ws://HOST:2700 (or wss://HOST/PATH behind a TLS load balancer).",
            )
        self.url = url
        self.name = f"vosk-server {display_url(url)}"
        self._options: dict[str, Any] = {
            "sample_rate": sample_rate,
            "token": token,
            "headers": dict(headers or {}),
            "phrase_list": list(phrase_list) if phrase_list else None,
            "connect_timeout_s": connect_timeout_s,
            "reply_timeout_s": reply_timeout_s,
            "proxy": proxy,
            "ssl": ssl,
        }

    def recognizer(self) -> RemoteVoskRecognizer:
        """Open a new websocket for one channel; raises ``RemoteEngineError`` if unreachable."""
        return RemoteVoskRecognizer(self.url, **self._options)

    def check(self) -> float:
        """Open a socket, end an empty stream, close; return the round trip in seconds."""
        started = time.perf_counter()
        recognizer = self.recognizer()
        try:
            recognizer.finish()
        finally:
            recognizer.close()
        return time.perf_counter() - started


def display_url(url: str) -> str:
    """The URL without user info, query or fragment (which may carry credentials)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


def _open(
    url: str,
    token: str | None,
    headers: Mapping[str, str] | None,
    connect_timeout_s: float,
    proxy: str | None,
    ssl: ssl_module.SSLContext | None,
) -> ClientConnection:
    shown = display_url(url)
    extra = dict(headers or {})
    if token:
        extra["Authorization"] = f"Bearer {token}"
    try:
        with ExitStack() as stack:
            # Entered as a context manager (websockets 17 deprecates bare connect()) and
            # kept open past the with-block; close() ends it.
            ws = stack.enter_context(
                connect(
                    url,
                    additional_headers=extra or None,
                    user_agent_header="agent-assist",
                    open_timeout=connect_timeout_s,
                    close_timeout=_CLOSE_TIMEOUT_S,
                    # PCM barely compresses; deflate would only add latency on both ends.
                    compression=None,
                    # Direct unless told: the pool is on the LAN, and an HTTP(S)_PROXY meant
                    # for the web must not silently carry live call audio.
                    proxy=proxy,
                    ssl=ssl if url.startswith("wss:") else None,
                )
            )
            stack.pop_all()
    except InvalidURI as exc:
        raise RemoteEngineError(
            url, f"asr.remote_url {shown!r} is not a valid websocket URL ({exc})."
        ) from exc
    except InvalidStatus as exc:
        status = exc.response.status_code
        hint = (
            "Check the access token or the headers the load balancer requires."
            if status in (401, 403)
            else "Check that the URL's path is the websocket endpoint and that the load "
            "balancer's upstream vosk-servers are up."
        )
        raise RemoteEngineError(
            url,
            f"The recognition server {shown} refused the websocket with HTTP {status} "
            f"{exc.response.reason_phrase}. {hint}",
        ) from exc
    except InvalidHandshake as exc:
        raise RemoteEngineError(
            url,
            f"{shown} did not complete a websocket handshake ({exc}). Check that the URL "
            f"points at vosk-server's websocket port (2700 by default) and that any proxy "
            f"or load balancer forwards the Upgrade and Connection headers.",
        ) from exc
    except WebSocketException as exc:  # e.g. a malformed proxy URL
        raise RemoteEngineError(
            url, f"Cannot open a websocket to {shown}: {exc}. Check asr.remote_url and the proxy."
        ) from exc
    except TimeoutError as exc:
        raise RemoteEngineError(
            url,
            f"The recognition server {shown} did not answer within {connect_timeout_s:g} s. "
            f"Check that the host is reachable from this workstation (firewall, VPN) and "
            f"that the server is not overloaded.",
        ) from exc
    except ssl_module.SSLError as exc:
        raise RemoteEngineError(
            url,
            f"TLS with {shown} failed ({exc.reason or exc}). Check the server certificate "
            f"and that this workstation trusts its CA (SSL_CERT_FILE).",
        ) from exc
    except OSError as exc:
        raise RemoteEngineError(
            url,
            f"Cannot connect to the recognition server {shown}: {exc.strerror or exc}. "
            f"Check that vosk-server is running there and that asr.remote_url "
            f"(host and port) is right.",
        ) from exc
    logger.info("Connected to vosk-server %s", shown)
    return ws


def _closed(exc: BaseException) -> tuple[str, str]:
    detail = ""
    if isinstance(exc, ConnectionClosed) and exc.rcvd is not None:
        reason = f" {exc.rcvd.reason}" if exc.rcvd.reason else ""
        detail = f" (close code {exc.rcvd.code}{reason})"
    elif isinstance(exc, ConnectionClosed):
        detail = " (no close frame: the connection dropped)"
    elif isinstance(exc, OSError):
        detail = f" ({exc.strerror or exc})"
    return (
        f"closed the connection mid-stream{detail}.",
        "Check the server's log: it may have restarted, crashed or run out of memory, "
        "or a load balancer's timeout cut the connection.",
    )
