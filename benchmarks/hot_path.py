"""The hot path as the app runs it: the demo call through the real panel (offscreen, every
thread and queue, guidance and the call record), timed per stage; cold start to ready; and
memory across a 2-hour call replayed as fast as possible.

    python benchmarks/hot_path.py [--speed 4] [--hours 2] [--out benchmarks/out/hot_path.json]

Stages per query: queue (debounce and the retrieval inbox), embed, search (vector index and
BM25), fusion (scores combined per entry, cards made), render (the result crossing to the UI
thread and the cards drawn). Guidance is timed per final in its own thread. "final → card" runs
from the moment the recogniser's final result exists to the cards on screen.

The 2-hour call is the demo script repeated, through everything after recognition (the
scripted recogniser stands in for Vosk). ``benchmarks/run_all.py`` runs this with the others.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from functools import partial
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parents[1]
_PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


def percentiles(values: list[float]) -> dict[str, float | int | None]:
    if not values:
        return {"n": 0, "median": None, "p95": None, "p99": None, "max": None}
    ordered = sorted(values)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)

    return {
        "n": len(ordered),
        "median": round(statistics.median(ordered), 2),
        "p95": at(0.95),
        "p99": at(0.99),
        "max": round(ordered[-1], 2),
    }


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * _PAGE_BYTES / 2**20


class GuidanceTimer:
    """Times CallSession.on_transcript (guidance and the record's write) per final."""

    def __init__(self) -> None:
        from agent_assist.call_session import CallSession

        self.ms: list[float] = []
        original = CallSession.on_transcript

        def timed(session, transcript):  # type: ignore[no-untyped-def]
            started = time.perf_counter()
            events = original(session, transcript)
            if transcript.is_final:
                self.ms.append((time.perf_counter() - started) * 1000)
            return events

        CallSession.on_transcript = timed  # type: ignore[method-assign]


class PanelRun:
    """One call through the real panel; what reached the screen, and when."""

    def __init__(self, settings, app) -> None:  # type: ignore[no-untyped-def]
        from agent_assist.app import build_panel

        self.app = app
        self.controller, self.window = build_panel(settings)
        self.transcript_ns: dict[tuple[str, bool], int] = {}
        self.final_text: dict[str, str] = {}
        self.renders: list[dict[str, object]] = []
        self.controller.transcript_updated.connect(self._on_transcript)
        self.window.cards_rendered.connect(self._on_rendered)
        self.window.show()

    def _on_transcript(self, transcript) -> None:  # type: ignore[no-untyped-def]
        key = (transcript.utterance_id, transcript.is_final)
        self.transcript_ns.setdefault(key, transcript.emitted_ns)
        if transcript.is_final:
            self.final_text[transcript.utterance_id] = transcript.text

    def _on_rendered(self, result, ms_since_query: float) -> None:  # type: ignore[no-untyped-def]
        now = time.monotonic_ns()
        query, t = result.query, result.timings
        cards = self.window.suggestions.cards
        self.renders.append(
            {
                "utterance": query.utterance_id,
                "final": query.is_final,
                "at_ns": now,
                "topic": cards[0].suggestion.topic if cards else None,
                "queue": t.queue_ms,
                "embed": t.embed_ms,
                "search": t.search_ms,
                "fusion": t.fusion_ms,
                "render": ms_since_query - t.total_ms,
                "query_to_card": ms_since_query,
            }
        )

    def wait(self, condition, timeout_s: float) -> None:  # type: ignore[no-untyped-def]
        end = time.monotonic() + timeout_s
        while not condition():
            if time.monotonic() > end:
                raise TimeoutError("the panel did not get there in time")
            self.app.processEvents()
            time.sleep(0.002)

    def replay(self, script, speed: float | None) -> None:  # type: ignore[no-untyped-def]
        from agent_assist.pipeline.controller import CallState
        from agent_assist.speech.replay import ScriptReplay

        self.wait(lambda: self.controller.state is CallState.READY, 300)
        realtime = speed is not None
        self.controller.start_call(partial(ScriptReplay, script, realtime, speed or 1.0))
        self.wait(lambda: self.controller.state is CallState.IN_CALL, 10)
        self.wait(lambda: self.controller.state is CallState.READY, 3600)
        self.wait(self.window.summary.isVisible, 120)

    def forget_call(self) -> None:
        """The next call reuses utterance ids and texts: start its samples afresh, and let
        it embed its texts again rather than find them remembered from this call."""
        self.controller.services.embedder.forget()
        self.transcript_ns.clear()
        self.final_text.clear()
        self.renders.clear()

    def close(self) -> None:
        self.window.close()
        self.wait(lambda: not self.controller._threads, 30)


def stage_samples(run: PanelRun, guidance_ms: list[float], script) -> dict[str, list]:  # type: ignore[no-untyped-def,type-arg]
    """The raw samples of one demo call, pooled over calls before percentiles are taken."""
    finals = [r for r in run.renders if r["final"]]
    samples: dict[str, list] = {  # type: ignore[type-arg]
        "final_to_card": [
            (r["at_ns"] - run.transcript_ns[(r["utterance"], True)]) / 1e6
            for r in finals
            if (r["utterance"], True) in run.transcript_ns
        ],
        "partial_to_card": [r["query_to_card"] for r in run.renders if not r["final"]],
        # Stages of the finals (the floor is final → card); a partial's queue time includes
        # the partial throttle by design, so it is reported on its own.
        **{name: [r[name] for r in finals] for name in STAGES},
        "guidance": list(guidance_ms),
        "partial queue": [r["queue"] for r in run.renders if not r["final"]],
        "early_cards": [early_cards(run, script)],
    }
    return samples


STAGES = ("queue", "embed", "search", "fusion", "render")


def stage_report(calls: list[dict[str, list]]) -> dict[str, object]:  # type: ignore[type-arg]
    pooled = {key: [v for call in calls for v in call[key]] for key in calls[0]}
    early = pooled.pop("early_cards")
    questions = sum(e["questions"] for e in early)
    early_count = sum(e["early"] for e in early)
    return {
        "demo_calls": len(calls),
        "stages_ms": {
            name: percentiles(pooled[name]) for name in (*STAGES, "guidance", "partial queue")
        },
        "final_to_card_ms": percentiles(pooled["final_to_card"]),
        "partial_to_card_ms": percentiles(pooled["partial_to_card"]),
        "cards_before_end_of_speech": {
            "questions": questions,
            "early": early_count,
            "share": round(early_count / max(1, questions), 3),
        },
    }


def early_cards(run: PanelRun, script) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Customer questions whose right-topic card came from a partial, before their final."""
    by_text = {u.text: u.topic for u in script.utterances if u.topic}
    questions = early = 0
    for utterance_id, text in run.final_text.items():
        topic = by_text.get(text)
        if topic is None:
            continue
        questions += 1
        final_ns = run.transcript_ns.get((utterance_id, True), 0)
        early += any(
            r["utterance"] == utterance_id
            and not r["final"]
            and r["topic"] == topic
            and r["at_ns"] < final_ns
            for r in run.renders
        )
    return {"questions": questions, "early": early, "share": round(early / max(1, questions), 3)}


def long_call(script, hours: float):  # type: ignore[no-untyped-def]
    """The demo repeated back to back until ``hours`` of call time."""
    from agent_assist.speech.call_script import CallScript

    length = script.utterances[-1].end + 2.0
    repeats = max(1, round(hours * 3600 / length))
    utterances = [
        u.model_copy(update={"start": u.start + n * length, "end": u.end + n * length})
        for n in range(repeats)
        for u in script.utterances
    ]
    return CallScript(id=f"{script.id}-x{repeats}", title=script.title, utterances=utterances)


def memory_over_a_long_call(settings, app, script, hours: float, speed: float) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Paced (not as fast as possible): an unpaced replay measures the backlog of queued
    transcript events, which a real call, spoken at 1×, never builds."""
    run = PanelRun(settings, app)
    samples: list[tuple[float, float]] = []
    started = time.monotonic()
    done = threading.Event()

    def sample() -> None:  # its own thread: the UI thread may be busy
        while not done.wait(0.25):
            samples.append((time.monotonic() - started, rss_mb()))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    call = long_call(script, hours)
    run.replay(call, speed=speed)
    done.set()
    sampler.join()
    run.close()
    values = [mb for _, mb in samples]
    # Warm-up: the first fifth of the call (models, caches, the first cards and alerts).
    after_warm_up = values[len(values) // 5 :] or values
    early = statistics.median(after_warm_up[: max(1, len(after_warm_up) // 5)])
    late = statistics.median(after_warm_up[-max(1, len(after_warm_up) // 5) :])
    return {
        "call_hours": round(call.utterances[-1].end / 3600, 2),
        "utterances": len(call.utterances),
        "wall_s": round(samples[-1][0], 1) if samples else None,
        "peak_mb": round(max(values), 1),
        "steady_mb": round(statistics.median(after_warm_up), 1),
        "growth_after_warm_up_pct": round((late - early) / early * 100, 2),
        "samples": [
            (round(t, 1), round(mb, 1)) for t, mb in samples[:: max(1, len(samples) // 200)]
        ],
    }


def with_extra_entries(settings, entries: int):  # type: ignore[no-untyped-def]
    """The sample pack plus ``entries`` real-question entries as a team pack (a large pack
    whose answers to the demo's questions are still the sample pack's)."""
    if entries <= 0:
        return settings
    sys.path.insert(0, str(Path(__file__).parent))
    from retrieval_scale import synthetic_pack

    folder = Path(tempfile.mkdtemp(prefix="aa-hot-path-pack-"))
    pack, _unused = synthetic_pack(folder, entries)
    os.environ["AGENT_ASSIST_RETRIEVAL__TEAM_PACKS"] = json.dumps([str(pack)])  # cold starts
    retrieval = settings.retrieval.model_copy(update={"team_packs": (pack,)})
    return settings.model_copy(update={"retrieval": retrieval})


def cold_start_child() -> None:
    """Process start → the panel READY (imports, pack, models, index, guidance)."""
    started = time.monotonic()
    from PySide6.QtWidgets import QApplication

    from agent_assist.app import build_panel
    from agent_assist.config import load_settings
    from agent_assist.pipeline.controller import CallState

    app = QApplication(sys.argv)
    controller, window = build_panel(load_settings())
    window.show()
    while controller.state is not CallState.READY:
        if controller.state is CallState.FAILED:
            raise SystemExit(f"the panel could not start: {window.status.text()}")
        app.processEvents()
        time.sleep(0.002)
    print(json.dumps({"cold_start_s": round(time.monotonic() - started, 3), "rss_mb": rss_mb()}))
    window.close()


def cold_starts(runs: int) -> dict[str, object]:
    """Each in a fresh process; the index is already built (as after the first start)."""
    seconds = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, __file__, "--cold-start-child"],
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        seconds.append(json.loads(done.stdout.strip().splitlines()[-1])["cold_start_s"])
    return {"runs": seconds, "median_s": round(statistics.median(seconds), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speed", type=float, default=4.0, help="demo call pace (× real time)")
    parser.add_argument(
        "--demo-calls", type=int, default=3, help="demo calls in a row, samples pooled"
    )
    parser.add_argument("--hours", type=float, default=2.0, help="length of the memory call")
    parser.add_argument("--memory-speed", type=float, default=30.0, help="its pace (× real time)")
    parser.add_argument("--cold-starts", type=int, default=3)
    parser.add_argument(
        "--extra-entries",
        type=int,
        default=10_000,
        help="synthetic entries loaded as a team pack over the sample pack (0: none)",
    )
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "out" / "hot_path.json")
    parser.add_argument("--cold-start-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("AGENT_ASSIST_HOME", tempfile.mkdtemp(prefix="aa-hot-path-"))
    if args.cold_start_child:
        cold_start_child()
        return
    from PySide6.QtWidgets import QApplication

    from agent_assist import paths
    from agent_assist.config import load_settings
    from agent_assist.speech.call_script import load_call_script

    app = QApplication(sys.argv)
    settings = with_extra_entries(load_settings(), args.extra_entries)
    script = load_call_script(paths.demo_call_file())
    guidance = GuidanceTimer()
    run = PanelRun(settings, app)  # also builds the index, so cold starts find it built
    calls = []
    for _ in range(args.demo_calls):
        run.replay(script, args.speed)
        calls.append(stage_samples(run, guidance.ms, script))
        run.forget_call()
        guidance.ms.clear()
    run.close()
    report: dict[str, object] = {
        "demo_speed": args.speed,
        "pack_entries": len(run.controller.services.pack.entries),
        **stage_report(calls),
        "cold_start": cold_starts(args.cold_starts),
        "memory": memory_over_a_long_call(settings, app, script, args.hours, args.memory_speed),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(json.dumps({k: v for k, v in report.items() if k != "memory"}, indent=1))
    print(f"wrote {args.out}", flush=True)
    # WORKAROUND: PySide6 6.12 can abort in its finalizer (bool_dealloc) after a run with
    # several panels; the report is written, so leave without finalizing.
    os._exit(0)


if __name__ == "__main__":
    main()
