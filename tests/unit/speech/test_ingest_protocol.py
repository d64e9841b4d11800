"""Parsing of the network ingest messages: Twilio Media Streams and plain PCM."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest
from websockets.frames import CloseCode

from agent_assist.domain import Speaker
from agent_assist.speech.events import AudioChunk
from agent_assist.speech.sources.ingest_protocol import (
    MAX_CLOSE_REASON_BYTES,
    ULAW_DECODE_TABLE,
    IngestDecoder,
    IngestFormat,
    IngestProtocolError,
    StreamStart,
    StreamStop,
    decode_ulaw,
)

STREAM_SID = "MZ18ad3ab5a668481ce02b83e7395059f0"


def twilio_start(**overrides: object) -> str:
    start = {
        "accountSid": "AC123",
        "streamSid": STREAM_SID,
        "callSid": "CA123",
        "tracks": ["inbound", "outbound"],
        "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1},
        "customParameters": {"token": "secret-token-123456"},
    }
    start.update(overrides)
    return json.dumps(
        {"event": "start", "sequenceNumber": "1", "start": start, "streamSid": STREAM_SID}
    )


def twilio_media(track: str, payload: bytes | str, stream_sid: str = STREAM_SID) -> str:
    if isinstance(payload, bytes):
        payload = base64.b64encode(payload).decode("ascii")
    media = {"track": track, "chunk": "1", "timestamp": "5", "payload": payload}
    return json.dumps({"event": "media", "media": media, "streamSid": stream_sid})


def pcm_header(**fields: object) -> str:
    header = {"type": "start", "format": "pcm_s16le", "sample_rate": 16000, "channels": 1}
    header.update(fields)
    return json.dumps(header)


def started_twilio() -> IngestDecoder:
    decoder = IngestDecoder()
    decoder.feed(twilio_start())
    return decoder


def started_pcm(**fields: object) -> IngestDecoder:
    decoder = IngestDecoder()
    decoder.feed(pcm_header(**fields))
    return decoder


@pytest.mark.parametrize(
    ("code", "sample"),
    [(0xFF, 0), (0x00, -32124), (0x80, 32124), (0x7F, 0), (0xFE, 8), (0xEF, 132), (0x6F, -132)],
)
def test_ulaw_table_matches_g711(code: int, sample: int) -> None:
    assert ULAW_DECODE_TABLE[code] == sample


def test_ulaw_table_is_monotonic_within_each_sign() -> None:
    positive = ULAW_DECODE_TABLE[0xFF:0x7F:-1].astype(int)  # codes 0xFF down to 0x80
    assert np.all(np.diff(positive) > 0)
    assert np.array_equal(ULAW_DECODE_TABLE[:0x80], -ULAW_DECODE_TABLE[0x80:])


def test_decode_ulaw_returns_int16() -> None:
    samples = decode_ulaw(bytes([0xFF, 0x00, 0x80]))
    assert samples.dtype == np.int16
    assert samples.tolist() == [0, -32124, 32124]


def test_twilio_stream_decodes_in_order() -> None:
    decoder = IngestDecoder()
    assert decoder.feed('{"event": "connected", "protocol": "Call", "version": "1.0.0"}') == ()
    (start,) = decoder.feed(twilio_start())
    speakers = (Speaker.CUSTOMER, Speaker.AGENT)
    assert start == StreamStart(
        IngestFormat.TWILIO, STREAM_SID, 8000, speakers, token="secret-token-123456"
    )
    assert "secret" not in repr(start) and "secret" not in start.describe()
    (chunk,) = decoder.feed(twilio_media("inbound", bytes([0xFF, 0x00, 0x80])))
    assert chunk.speaker is Speaker.CUSTOMER and chunk.rate == 8000
    assert chunk.samples.tolist() == [0, -32124, 32124]
    (chunk,) = decoder.feed(twilio_media("outbound", bytes([0x80])))
    assert chunk.speaker is Speaker.AGENT
    assert decoder.feed(json.dumps({"event": "mark", "mark": {"name": "x"}})) == ()
    assert decoder.feed(json.dumps({"event": "dtmf", "dtmf": {"digit": "1"}})) == ()
    assert decoder.feed(json.dumps({"event": "stop", "stop": {}})) == (StreamStop(STREAM_SID),)


def test_twilio_track_mapping_is_a_parameter() -> None:
    decoder = IngestDecoder({"inbound": Speaker.AGENT, "outbound": Speaker.CUSTOMER})
    decoder.feed(twilio_start())
    (chunk,) = decoder.feed(twilio_media("inbound", b"\xff"))
    assert chunk.speaker is Speaker.AGENT


def test_twilio_empty_payload_yields_nothing() -> None:
    assert started_twilio().feed(twilio_media("inbound", "")) == ()


def test_pcm_mono_defaults_to_customer() -> None:
    decoder = IngestDecoder()
    (start,) = decoder.feed(pcm_header(token="t"))
    assert start.speakers == (Speaker.CUSTOMER,) and start.sample_rate == 16000
    (chunk,) = decoder.feed(np.array([1, -2, 300], dtype="<i2").tobytes())
    assert chunk == AudioChunk(Speaker.CUSTOMER, chunk.samples, 16000)
    assert chunk.samples.dtype == np.int16 and chunk.samples.tolist() == [1, -2, 300]
    assert decoder.feed('{"type": "stop"}') == (StreamStop("pcm"),)


@pytest.mark.parametrize(
    ("speakers", "first", "second"),
    [
        (None, Speaker.AGENT, Speaker.CUSTOMER),
        (["customer", "agent"], Speaker.CUSTOMER, Speaker.AGENT),
    ],
)
def test_pcm_stereo_deinterleaves_in_speaker_order(
    speakers: list[str] | None, first: Speaker, second: Speaker
) -> None:
    decoder = started_pcm(channels=2, sample_rate=48000, speakers=speakers)
    left, right = decoder.feed(np.array([1, 10, 2, 20, 3, 30], dtype="<i2").tobytes())
    assert (left.speaker, left.samples.tolist()) == (first, [1, 2, 3])
    assert (right.speaker, right.samples.tolist()) == (second, [10, 20, 30])
    assert left.samples.flags.c_contiguous and left.rate == 48000


def test_empty_binary_frame_yields_nothing() -> None:
    assert started_pcm().feed(b"") == ()


MALFORMED = [
    # (messages before the bad one, bad message, expected close code)
    ([], '{"event": "start", "start": {', CloseCode.INVALID_DATA),
    ([], "[1, 2]", CloseCode.INVALID_DATA),
    ([], "[" * 100_000, CloseCode.INVALID_DATA),
    ([], '{"hello": 1}', CloseCode.POLICY_VIOLATION),
    ([], '{"type": "stop"}', CloseCode.POLICY_VIOLATION),
    ([], b"\x00\x00", CloseCode.POLICY_VIOLATION),
    ([], '{"event": 3}', CloseCode.INVALID_DATA),
    ([], twilio_media("inbound", b"\xff"), CloseCode.POLICY_VIOLATION),
    ([], '{"event": "stop"}', CloseCode.POLICY_VIOLATION),
    ([], '{"event": "start"}', CloseCode.INVALID_DATA),
    ([], twilio_start(tracks=["both"]), CloseCode.INVALID_DATA),
    (
        [],
        twilio_start(mediaFormat={"encoding": "audio/x-l16", "sampleRate": 8000, "channels": 1}),
        CloseCode.INVALID_DATA,
    ),
    ([], twilio_start(customParameters={"token": 5}), CloseCode.INVALID_DATA),
    ([twilio_start()], twilio_start(), CloseCode.POLICY_VIOLATION),
    ([twilio_start()], twilio_media("inbound", "not base64!"), CloseCode.INVALID_DATA),
    ([twilio_start()], twilio_media("inbound", "/w="), CloseCode.INVALID_DATA),
    ([twilio_start()], twilio_media("inbound", b"\xff", "MZother"), CloseCode.POLICY_VIOLATION),
    ([twilio_start()], twilio_media("both", b"\xff"), CloseCode.POLICY_VIOLATION),
    ([twilio_start(tracks=["inbound"])], twilio_media("outbound", b"\xff"), 1008),
    ([twilio_start()], '{"event": "clear"}', CloseCode.POLICY_VIOLATION),
    ([twilio_start()], b"\x00\x00", CloseCode.UNSUPPORTED_DATA),
    ([twilio_start(), '{"event": "stop"}'], twilio_media("inbound", b"\xff"), 1008),
    ([], pcm_header(format="pcm_f32le"), CloseCode.INVALID_DATA),
    ([], pcm_header(sample_rate=7999), CloseCode.INVALID_DATA),
    ([], pcm_header(sample_rate=48001), CloseCode.INVALID_DATA),
    ([], pcm_header(channels=3), CloseCode.INVALID_DATA),
    ([], pcm_header(speakers=["agent", "customer"]), CloseCode.INVALID_DATA),
    ([], pcm_header(channels=2, speakers=["agent", "agent"]), CloseCode.INVALID_DATA),
    ([], pcm_header(speakers=["supervisor"]), CloseCode.INVALID_DATA),
    ([], pcm_header(samplerate=16000), CloseCode.INVALID_DATA),
    ([], pcm_header(stream_id="call\n42"), CloseCode.INVALID_DATA),
    ([], twilio_start(streamSid=""), CloseCode.INVALID_DATA),
    ([], twilio_start(streamSid="MZ" * 40), CloseCode.INVALID_DATA),
    ([pcm_header()], pcm_header(), CloseCode.POLICY_VIOLATION),
    ([pcm_header()], b"\x00\x00\x00", CloseCode.INVALID_DATA),
    ([pcm_header(channels=2)], b"\x00\x00", CloseCode.INVALID_DATA),
    ([pcm_header()], '{"type": "pause"}', CloseCode.POLICY_VIOLATION),
    ([pcm_header(), '{"type": "stop"}'], b"\x00\x00", CloseCode.POLICY_VIOLATION),
]


@pytest.mark.parametrize(("before", "bad", "close_code"), MALFORMED)
def test_malformed_input_names_a_close_code(
    before: list[str | bytes], bad: str | bytes, close_code: int
) -> None:
    decoder = IngestDecoder()
    for message in before:
        decoder.feed(message)
    with pytest.raises(IngestProtocolError) as info:
        decoder.feed(bad)
    assert info.value.close_code == close_code
    assert 0 < len(info.value.reason.encode()) <= MAX_CLOSE_REASON_BYTES


def test_close_reason_is_truncated_to_fit_a_close_frame() -> None:
    error = IngestProtocolError(CloseCode.INVALID_DATA, "无效" * 100)
    assert len(error.reason.encode("utf-8")) <= MAX_CLOSE_REASON_BYTES
    assert error.reason.endswith("...")
