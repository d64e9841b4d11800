"""Property-based fuzzing of the ingest protocol: every message decodes or is a clean refusal.

Whatever a peer sends, in whatever order, ``IngestDecoder.feed`` returns well-formed events
or raises ``IngestProtocolError`` with a close code a server may send and a reason that fits
a close frame, quickly. Derandomized and database-free, so CI sees the same examples every
time; AGENT_ASSIST_FUZZ_EXAMPLES=5000 explores further.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import time
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from websockets.frames import EXTERNAL_CLOSE_CODES, CloseCode

from agent_assist.speech.events import AudioChunk
from agent_assist.speech.sources.ingest_protocol import (
    MAX_CLOSE_REASON_BYTES,
    PCM_MAX_SAMPLE_RATE,
    PCM_MIN_SAMPLE_RATE,
    IngestDecoder,
    IngestProtocolError,
    StreamStart,
    StreamStop,
)

FUZZ = settings(
    derandomize=True,
    database=None,
    deadline=dt.timedelta(seconds=5),
    max_examples=int(os.environ.get("AGENT_ASSIST_FUZZ_EXAMPLES", "150")),
    suppress_health_check=[HealthCheck.too_slow],
)
HANG_TIMEOUT_S = 60
MAX_FEED_S = 2.0  # a 64 KiB message decodes in about a millisecond; CI machines stall
# A server may send these (RFC 6455 §7.4); 1005/1006/1015 are reserved for "none received".
SENDABLE_CLOSE_CODES = EXTERNAL_CLOSE_CODES - {CloseCode.NORMAL_CLOSURE, CloseCode.GOING_AWAY}

TWILIO_START = {
    "event": "start",
    "sequenceNumber": "1",
    "streamSid": "MZ1",
    "start": {
        "streamSid": "MZ1",
        "tracks": ["inbound", "outbound"],
        "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1},
        "customParameters": {"token": "secret-token-123456"},
    },
}
TWILIO_MEDIA = {
    "event": "media",
    "streamSid": "MZ1",
    "media": {"track": "inbound", "chunk": "1", "timestamp": "5", "payload": "/w=="},
}
PCM_START = {"type": "start", "format": "pcm_s16le", "sample_rate": 16000, "channels": 2}
TEMPLATES = [
    {"event": "connected", "protocol": "Call", "version": "1.0.0"},
    TWILIO_START,
    TWILIO_MEDIA,
    {"event": "mark", "mark": {"name": "x"}},
    {"event": "stop", "stop": {"callSid": "CA1"}},
    PCM_START,
    {**PCM_START, "channels": 1, "speakers": ["agent"], "stream_id": "pbx-1", "token": "t"},
    {"type": "stop"},
]
VALID_STARTS = [json.dumps(TWILIO_START), json.dumps(PCM_START)]
PCM_HEADER_FIELDS = {*PCM_START, "speakers", "stream_id", "token"}

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from([0, -1, 7999, 8000, 48000, 48001, 2**31, 2**63, 10**100, 1e400])
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    | st.sampled_from(["start", "media", "stop", "inbound", "outbound", "agent", "customer"])
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=15,
)
base64_garbage = (
    st.binary(max_size=64).map(lambda raw: base64.b64encode(raw).decode())
    | st.text(max_size=40)
    | st.text(alphabet="ABCDabcd0123+/=\n -_", max_size=40)
)


_DELETE = object()


def _with_field(template: dict[str, Any], path: list[str], value: Any) -> dict[str, Any]:
    """A deep copy of ``template`` with the field at ``path`` set to ``value`` (or deleted)."""
    copy = json.loads(json.dumps(template))
    target = copy
    for key in path[:-1]:
        target = target[key]
    if value is _DELETE:
        target.pop(path[-1], None)
    else:
        target[path[-1]] = value
    return copy


NON_ASCII_PAYLOAD = json.dumps(_with_field(TWILIO_MEDIA, ["media", "payload"], "/w==é"))


def _field_paths(value: Any, prefix: list[str] | None = None) -> list[list[str]]:
    prefix = prefix or []
    if not isinstance(value, dict):
        return [prefix]
    paths = [prefix] if prefix else []
    for key, child in value.items():
        paths += _field_paths(child, [*prefix, key])
    return paths


@st.composite
def near_valid_messages(draw: st.DrawFn) -> str:
    """A real message with one field, at any depth, replaced, mistyped or removed."""
    template = draw(st.sampled_from(TEMPLATES))
    path = draw(st.sampled_from(_field_paths(template)))
    value = draw(
        st.just(_DELETE)
        | json_values
        | base64_garbage
        | st.text(st.characters(codec="utf-8"), max_size=30)
    )
    return json.dumps(_with_field(template, path, value))


huge_number_texts = st.sampled_from(
    [
        '{"type": "start", "format": "pcm_s16le", "sample_rate": ' + "9" * 5000 + "}",
        '{"event": ' + "1" * 4301 + "}",
        '{"type": "start", "format": "pcm_s16le", "sample_rate": 1' + "0" * 400 + ".5}",
        '{"type": "start", "format": "pcm_s16le", "sample_rate": NaN, "channels": 1}',
        '{"type": "start", "format": "pcm_s16le", "sample_rate": -Infinity, "channels": 1}',
        '{"type": "start", "format": "pcm_s16le", "sample_rate": 16000, "channels": 1e308}',
    ]
)
messages = st.one_of(
    st.text(max_size=200),
    st.binary(max_size=200),
    json_values.map(json.dumps),
    near_valid_messages(),
    huge_number_texts,
    st.sampled_from(TEMPLATES).map(json.dumps),
)


def check_refusal(error: IngestProtocolError) -> None:
    assert error.close_code in SENDABLE_CLOSE_CODES, error.close_code
    encoded = error.reason.encode("utf-8")  # a lone surrogate would raise here
    assert 0 < len(encoded) <= MAX_CLOSE_REASON_BYTES, error.reason
    assert error.reason.isprintable(), error.reason  # it goes into logs as is


def check_events(decoder: IngestDecoder, events: tuple[object, ...]) -> None:
    for event in events:
        if isinstance(event, StreamStart):
            assert event is decoder.start
            assert PCM_MIN_SAMPLE_RATE <= event.sample_rate <= PCM_MAX_SAMPLE_RATE
            assert 1 <= len(event.speakers) == len(set(event.speakers)) <= 2
        elif isinstance(event, AudioChunk):
            assert decoder.start is not None
            assert event.speaker in decoder.start.speakers
            assert event.rate == decoder.start.sample_rate
            assert isinstance(event.samples, np.ndarray)
            assert event.samples.dtype == np.int16 and event.samples.ndim == 1
            assert event.samples.size > 0
        else:
            assert isinstance(event, StreamStop) and decoder.start is not None


def feed_all(decoder: IngestDecoder, sequence: list[str | bytes]) -> IngestProtocolError | None:
    """Feed until the decoder refuses a message (a server would close there)."""
    for message in sequence:
        started = time.perf_counter()
        try:
            events = decoder.feed(message)
        except IngestProtocolError as error:
            check_refusal(error)
            return error
        finally:
            assert time.perf_counter() - started < MAX_FEED_S
        check_events(decoder, events)
    return None


@pytest.mark.timeout(HANG_TIMEOUT_S)
@FUZZ
@given(
    prefix=st.sampled_from([[], *([start] for start in VALID_STARTS)]),
    sequence=st.lists(messages, max_size=8),
)
@example(prefix=[], sequence=['{"event": ' + "1" * 5000 + "}"])  # ValueError escaped
@example(prefix=[VALID_STARTS[0]], sequence=[NON_ASCII_PAYLOAD])  # ValueError escaped
def test_any_message_sequence_decodes_or_is_refused_cleanly(
    prefix: list[str], sequence: list[str | bytes]
) -> None:
    decoder = IngestDecoder()
    assert feed_all(decoder, prefix) is None
    feed_all(decoder, sequence)


@pytest.mark.timeout(HANG_TIMEOUT_S)
@FUZZ
@given(
    header=st.sampled_from([PCM_START, {**PCM_START, "channels": 1}]),
    frames=st.lists(st.binary(max_size=64), max_size=6),
)
def test_pcm_frames_of_any_length(header: dict[str, Any], frames: list[bytes]) -> None:
    decoder = IngestDecoder()
    feed_all(decoder, [json.dumps(header)])
    error = feed_all(decoder, list(frames))
    frame_bytes = 2 * header["channels"]
    first_bad = next((f for f in frames if len(f) % frame_bytes), None)
    if first_bad is None:
        assert error is None
    else:
        assert error is not None and error.close_code == CloseCode.INVALID_DATA


@pytest.mark.timeout(HANG_TIMEOUT_S)
@FUZZ
@given(payload=base64_garbage, track=st.text(max_size=10) | st.sampled_from(["inbound"]))
@example(payload="/w==\u0660", track="inbound")
@example(payload="\ud800", track="inbound")
def test_twilio_media_payloads(payload: str, track: str) -> None:
    media = _with_field(TWILIO_MEDIA, ["media", "payload"], payload)
    media["media"]["track"] = track
    decoder = IngestDecoder()
    feed_all(decoder, [json.dumps(TWILIO_START), json.dumps(media)])


@pytest.mark.timeout(HANG_TIMEOUT_S)
@FUZZ
@given(key=st.text(min_size=1, max_size=200), value=json_values)
@example(key="\ud800", value=1)
@example(key="a\nb\x1b[31m", value=1)
@example(key="无" * 100, value=1)
def test_unknown_header_fields_name_themselves_safely(key: str, value: Any) -> None:
    error = feed_all(IngestDecoder(), [json.dumps({**PCM_START, key: value})])
    if key not in PCM_HEADER_FIELDS:
        assert error is not None and error.close_code == CloseCode.INVALID_DATA


@pytest.mark.parametrize(
    "message",
    [
        b"\x00\x00" * (32 * 1024),  # a full 64 KiB frame
        json.dumps(_with_field(TWILIO_MEDIA, ["media", "payload"], "/w==" * 16_000)),
        json.dumps(_with_field(TWILIO_MEDIA, ["media", "payload"], "!" * 64_000)),
        "[" * 64_000,
        '{"a":' * 20_000 + "1" + "}" * 20_000,
        " " * 64_000,
    ],
    ids=["pcm", "twilio", "bad-base64", "deep-list", "deep-object", "blank"],
)
@pytest.mark.parametrize("start", VALID_STARTS, ids=["twilio", "pcm"])
def test_frame_sized_messages_are_quick(start: str, message: str | bytes) -> None:
    feed_all(IngestDecoder(), [start, message])
