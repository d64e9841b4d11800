"""Decode what a telephony peer streams into the network ingest source; no sockets here.

Two formats share one websocket endpoint; the first text message picks one per connection:

* Twilio Media Streams: JSON text messages ``connected``, ``start``, ``media`` (base64 G.711
  μ-law, 8 kHz mono, one ``track`` per side), ``stop``; ``mark`` and ``dtmf`` are ignored.
* Plain PCM: a JSON header ``{"type": "start", "format": "pcm_s16le", ...}``, then binary
  frames of interleaved little-endian int16, then optionally ``{"type": "stop"}``.

Every malformed input raises ``IngestProtocolError`` carrying the websocket close code and a
short reason for the peer. See docs/ingest-protocol.md.
"""

from __future__ import annotations

import base64
import enum
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal, TypeVar

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from websockets.frames import CloseCode

from agent_assist.domain import Speaker
from agent_assist.errors import AudioSourceError
from agent_assist.speech.events import AudioChunk

TWILIO_SAMPLE_RATE = 8_000
TWILIO_TRACK_SPEAKERS: Mapping[str, Speaker] = MappingProxyType(
    {"inbound": Speaker.CUSTOMER, "outbound": Speaker.AGENT}
)
PCM_MIN_SAMPLE_RATE = 8_000
PCM_MAX_SAMPLE_RATE = 48_000
PCM_SAMPLE_BYTES = 2
DEFAULT_PCM_SPEAKERS: Mapping[int, tuple[Speaker, ...]] = MappingProxyType(
    {1: (Speaker.CUSTOMER,), 2: (Speaker.AGENT, Speaker.CUSTOMER)}
)
# RFC 6455 §5.5: a control frame carries at most 125 bytes, 2 of which are the close code.
MAX_CLOSE_REASON_BYTES = 123
MAX_STREAM_ID_CHARS = 64
# Stream ids end up in logs and status lines, so they may not carry control characters.
STREAM_ID_PATTERN = r"^[A-Za-z0-9_.:-]+$"

_Model = TypeVar("_Model", bound=BaseModel)

_TWILIO_IGNORED_EVENTS = frozenset({"connected", "mark", "dtmf"})


class IngestProtocolError(AudioSourceError):
    """A peer sent something the ingest protocol does not allow; close with ``close_code``."""

    def __init__(self, close_code: CloseCode, reason: str) -> None:
        self.close_code = close_code
        self.reason = _truncate_utf8(_printable(reason), MAX_CLOSE_REASON_BYTES)
        super().__init__(f"{self.reason} (websocket close code {int(close_code)})")


class IngestFormat(enum.StrEnum):
    TWILIO = "twilio"
    PCM = "pcm_s16le"


@dataclass(frozen=True, slots=True)
class StreamStart:
    """A peer announced its stream; ``speakers`` lists the sides it will send, in order."""

    format: IngestFormat
    stream_id: str
    sample_rate: int
    speakers: tuple[Speaker, ...]
    token: str | None = field(default=None, repr=False)

    def describe(self) -> str:
        """One line for status messages and logs; never includes the token."""
        sides = ", ".join(speaker.value for speaker in self.speakers)
        return f"{self.format.value} stream {self.stream_id} ({self.sample_rate} Hz: {sides})"


@dataclass(frozen=True, slots=True)
class StreamStop:
    """The peer ended the stream on purpose."""

    stream_id: str


IngestEvent = StreamStart | StreamStop | AudioChunk


def _ulaw_decode_table() -> np.ndarray:
    """G.711 μ-law byte → int16 sample, for all 256 codes (ITU-T G.711, 16-bit scale)."""
    codes = ~np.arange(256, dtype=np.int32) & 0xFF
    exponent = (codes >> 4) & 0x07
    mantissa = codes & 0x0F
    magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84
    return np.where(codes & 0x80, -magnitude, magnitude).astype(np.int16)


ULAW_DECODE_TABLE = _ulaw_decode_table()
ULAW_DECODE_TABLE.flags.writeable = False


def decode_ulaw(data: bytes) -> np.ndarray:
    """Decode G.711 μ-law bytes to int16 samples."""
    return ULAW_DECODE_TABLE[np.frombuffer(data, dtype=np.uint8)]


class _Message(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


class _TwilioMediaFormat(_Message):
    encoding: Literal["audio/x-mulaw"]
    sample_rate: Literal[8000] = Field(alias="sampleRate")
    channels: Literal[1]


class _TwilioStartBody(_Message):
    stream_sid: str = Field(
        alias="streamSid", max_length=MAX_STREAM_ID_CHARS, pattern=STREAM_ID_PATTERN
    )
    tracks: tuple[str, ...] = Field(min_length=1, max_length=2)
    media_format: _TwilioMediaFormat = Field(alias="mediaFormat")
    custom_parameters: dict[str, str] = Field(default_factory=dict, alias="customParameters")


class _TwilioStart(_Message):
    start: _TwilioStartBody


class _TwilioMediaBody(_Message):
    track: str
    payload: str


class _TwilioMedia(_Message):
    media: _TwilioMediaBody
    stream_sid: str | None = Field(default=None, alias="streamSid")


class _PcmStart(BaseModel):
    # Our own protocol: unknown keys are a client bug (a typo would silently change meaning).
    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["start"]
    format: Literal["pcm_s16le"]
    sample_rate: int = Field(ge=PCM_MIN_SAMPLE_RATE, le=PCM_MAX_SAMPLE_RATE)
    channels: Literal[1, 2]
    speakers: tuple[Speaker, ...] | None = None
    stream_id: str = Field(default="pcm", max_length=MAX_STREAM_ID_CHARS, pattern=STREAM_ID_PATTERN)
    token: str | None = None


class IngestDecoder:
    """Turns the messages of one connection into ``IngestEvent``s, enforcing their order.

    ``feed`` takes a text message as ``str`` and a binary message as ``bytes``.
    """

    def __init__(self, track_speakers: Mapping[str, Speaker] = TWILIO_TRACK_SPEAKERS) -> None:
        self._track_speakers = dict(track_speakers)
        self._format: IngestFormat | None = None
        self._start: StreamStart | None = None
        self._stopped = False
        self._twilio_tracks: dict[str, Speaker] = {}

    @property
    def start(self) -> StreamStart | None:
        return self._start

    def feed(self, message: str | bytes) -> tuple[IngestEvent, ...]:
        """Decode one message; raises ``IngestProtocolError`` when it is not allowed here."""
        if self._stopped:
            raise IngestProtocolError(CloseCode.POLICY_VIOLATION, "message after stop")
        if isinstance(message, bytes):
            return self._feed_binary(message)
        data = _parse_json_object(message)
        if self._format is None:
            self._format = _detect_format(data)
        if self._format is IngestFormat.TWILIO:
            return self._feed_twilio(data)
        return self._feed_pcm_text(data)

    def _feed_binary(self, message: bytes) -> tuple[IngestEvent, ...]:
        if self._format is IngestFormat.TWILIO:
            raise IngestProtocolError(
                CloseCode.UNSUPPORTED_DATA, "binary frames are not part of Twilio Media Streams"
            )
        if self._start is None:
            raise IngestProtocolError(CloseCode.POLICY_VIOLATION, "audio before the start header")
        return _decode_pcm_frame(message, self._start)

    def _feed_twilio(self, data: dict[str, Any]) -> tuple[IngestEvent, ...]:
        event = data.get("event")
        if not isinstance(event, str):
            raise IngestProtocolError(CloseCode.INVALID_DATA, "message has no 'event' string")
        if event in _TWILIO_IGNORED_EVENTS:
            return ()
        if event == "start":
            return (self._twilio_start(_validate(_TwilioStart, data, "start")),)
        if event not in ("media", "stop"):
            raise IngestProtocolError(CloseCode.POLICY_VIOLATION, "unknown Twilio event")
        if self._start is None:
            raise IngestProtocolError(CloseCode.POLICY_VIOLATION, f"'{event}' before 'start'")
        if event == "media":
            return self._twilio_media(_validate(_TwilioMedia, data, "media"))
        self._stopped = True
        return (StreamStop(self._start.stream_id),)

    def _twilio_start(self, message: _TwilioStart) -> StreamStart:
        self._require_not_started()
        body = message.start
        unknown = [track for track in body.tracks if track not in self._track_speakers]
        if unknown:
            raise IngestProtocolError(CloseCode.INVALID_DATA, "unsupported track in 'start'")
        self._twilio_tracks = {track: self._track_speakers[track] for track in body.tracks}
        self._start = StreamStart(
            format=IngestFormat.TWILIO,
            stream_id=body.stream_sid,
            sample_rate=TWILIO_SAMPLE_RATE,
            speakers=tuple(self._twilio_tracks.values()),
            token=body.custom_parameters.get("token"),
        )
        return self._start

    def _twilio_media(self, message: _TwilioMedia) -> tuple[IngestEvent, ...]:
        assert self._start is not None
        if message.stream_sid is not None and message.stream_sid != self._start.stream_id:
            raise IngestProtocolError(CloseCode.POLICY_VIOLATION, "streamSid does not match")
        speaker = self._twilio_tracks.get(message.media.track)
        if speaker is None:
            raise IngestProtocolError(
                CloseCode.POLICY_VIOLATION, "media for a track not announced in 'start'"
            )
        try:
            payload = base64.b64decode(message.media.payload, validate=True)
        except ValueError:  # binascii.Error, or a non-ASCII character
            raise IngestProtocolError(
                CloseCode.INVALID_DATA, "media payload is not base64"
            ) from None
        if not payload:
            return ()
        return (AudioChunk(speaker, decode_ulaw(payload), TWILIO_SAMPLE_RATE),)

    def _feed_pcm_text(self, data: dict[str, Any]) -> tuple[IngestEvent, ...]:
        kind = data.get("type")
        if kind == "start":
            return (self._pcm_start(_validate(_PcmStart, data, "start header")),)
        if kind == "stop":
            if self._start is None:
                raise IngestProtocolError(CloseCode.POLICY_VIOLATION, "'stop' before 'start'")
            self._stopped = True
            return (StreamStop(self._start.stream_id),)
        raise IngestProtocolError(CloseCode.POLICY_VIOLATION, "unknown message type")

    def _pcm_start(self, header: _PcmStart) -> StreamStart:
        self._require_not_started()
        speakers = header.speakers or DEFAULT_PCM_SPEAKERS[header.channels]
        if len(speakers) != header.channels or len(set(speakers)) != len(speakers):
            raise IngestProtocolError(
                CloseCode.INVALID_DATA, "'speakers' must name each channel's side once"
            )
        self._start = StreamStart(
            format=IngestFormat.PCM,
            stream_id=header.stream_id,
            sample_rate=header.sample_rate,
            speakers=speakers,
            token=header.token,
        )
        return self._start

    def _require_not_started(self) -> None:
        if self._start is not None:
            raise IngestProtocolError(CloseCode.POLICY_VIOLATION, "second 'start' on one stream")


def _decode_pcm_frame(frame: bytes, start: StreamStart) -> tuple[IngestEvent, ...]:
    channels = len(start.speakers)
    frame_bytes = channels * PCM_SAMPLE_BYTES
    if len(frame) % frame_bytes:
        raise IngestProtocolError(
            CloseCode.INVALID_DATA,
            f"binary frame of {len(frame)} bytes is not a multiple of {frame_bytes}",
        )
    if not frame:
        return ()
    # astype copies into native byte order, so the chunk owns writable memory.
    samples = np.frombuffer(frame, dtype="<i2").astype(np.int16).reshape(-1, channels)
    return tuple(
        AudioChunk(speaker, np.ascontiguousarray(samples[:, channel]), start.sample_rate)
        for channel, speaker in enumerate(start.speakers)
    )


def _parse_json_object(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except ValueError:  # JSONDecodeError, or an integer of over 4,300 digits
        raise IngestProtocolError(CloseCode.INVALID_DATA, "malformed JSON") from None
    except RecursionError:
        raise IngestProtocolError(CloseCode.INVALID_DATA, "JSON nested too deeply") from None
    if not isinstance(data, dict):
        raise IngestProtocolError(CloseCode.INVALID_DATA, "JSON message is not an object")
    return data


def _detect_format(data: dict[str, Any]) -> IngestFormat:
    if "event" in data:
        return IngestFormat.TWILIO
    if data.get("type") == "start":
        return IngestFormat.PCM
    raise IngestProtocolError(
        CloseCode.POLICY_VIOLATION, "first message must be a Twilio event or a PCM start header"
    )


def _validate(model: type[_Model], data: dict[str, Any], what: str) -> _Model:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(message)"
        raise IngestProtocolError(
            CloseCode.INVALID_DATA, f"invalid {what}: {where}: {first['msg']}"
        ) from None


def _printable(text: str) -> str:
    # Reasons can quote a field name the peer chose; it goes into logs and a close frame,
    # so line breaks and lone surrogates (valid in JSON escapes, not in UTF-8) are replaced.
    return "".join(char if char.isprintable() else "?" for char in text)


def _truncate_utf8(text: str, max_bytes: int) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= max_bytes:
        return text
    return encoded[: max_bytes - 3].decode("utf-8", errors="ignore") + "..."
