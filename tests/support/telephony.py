"""A telephony peer for tests and benchmarks: Twilio Media Streams and plain PCM messages."""

from __future__ import annotations

import base64
import json
import wave
from pathlib import Path

import numpy as np
from websockets.sync.client import ClientConnection

FRAME_MS = 20
STREAM_SID = "MZ00000000000000000000000000000001"


def pcm_header(channels: int = 1, rate: int = 16000, **fields: object) -> str:
    header = {"type": "start", "format": "pcm_s16le", "sample_rate": rate, "channels": channels}
    return json.dumps(header | fields)


def send_pcm_call(ws: ClientConnection, samples: np.ndarray, rate: int = 16000) -> None:
    """Send (frames, channels) int16 samples as 20 ms binary frames, then stop."""
    samples = samples.reshape(len(samples), -1)
    ws.send(pcm_header(channels=samples.shape[1], rate=rate))
    step = rate * FRAME_MS // 1000
    for offset in range(0, len(samples), step):
        ws.send(samples[offset : offset + step].astype("<i2").tobytes())
    ws.send('{"type": "stop"}')


def read_wav_at_8k(path: Path) -> np.ndarray:
    with wave.open(str(path)) as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (16000, 1, 2)
        samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
    pairs = samples[: len(samples) // 2 * 2].astype(np.int32).reshape(-1, 2)
    return pairs.mean(axis=1).astype(np.int16)  # average, then keep every second sample


def ulaw_encode(samples: np.ndarray) -> bytes:
    """G.711 μ-law encoder (the classic Sun reference algorithm), for test input only."""
    x = samples.astype(np.int32)
    sign = np.where(x < 0, 0x80, 0)
    magnitude = np.minimum(np.abs(x), 32635) + 0x84
    exponent = sum((magnitude >> 7) >= (1 << e) for e in range(1, 8))
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    return (~(sign | (exponent << 4) | mantissa) & 0xFF).astype(np.uint8).tobytes()


def twilio_message(event: str, **body: object) -> str:
    return json.dumps({"event": event, "sequenceNumber": "1", "streamSid": STREAM_SID} | body)


def twilio_start(parameters: dict[str, str] | None = None) -> str:
    start = {
        "streamSid": STREAM_SID,
        "tracks": ["inbound", "outbound"],
        "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1},
        "customParameters": parameters or {},
    }
    return twilio_message("start", start=start)


def twilio_media(track: str, ulaw: bytes, chunk: int) -> str:
    payload = base64.b64encode(ulaw).decode("ascii")
    media = {"track": track, "chunk": str(chunk), "timestamp": str(chunk * 20), "payload": payload}
    return twilio_message("media", media=media)


def send_twilio_call(
    ws: ClientConnection,
    tracks: dict[str, np.ndarray],
    parameters: dict[str, str] | None = None,
    pace_s: float = 0.0,
) -> None:
    """Send 8 kHz int16 audio per track ("inbound", "outbound") as 20 ms media messages."""
    import time

    ws.send(twilio_message("connected", protocol="Call", version="1.0.0"))
    ws.send(twilio_start(parameters))
    step = 8000 * FRAME_MS // 1000
    longest = max(len(samples) for samples in tracks.values())
    started = time.monotonic()
    for chunk, offset in enumerate(range(0, longest, step)):
        for track, samples in tracks.items():
            piece = samples[offset : offset + step]
            if len(piece):
                ws.send(twilio_media(track, ulaw_encode(piece), chunk))
        if pace_s:  # on a fixed schedule, so send time does not make the call drift
            time.sleep(max(0.0, started + (chunk + 1) * pace_s - time.monotonic()))
    ws.send(twilio_message("stop", stop={"accountSid": "AC0", "callSid": "CA0"}))
