"""The whole hot path in one command: a printed table, a JSON report and a PNG chart.

    python benchmarks/run_all.py            # full: about 10 minutes on 2 cores
    python benchmarks/run_all.py --quick    # CI: smaller pack and call, fewer sizes
    python benchmarks/run_all.py --check    # exit 1 when a floor is broken by more than 50%

Runs, each in its own process:
- ``hot_path.py``: the demo call through the real panel with a 10,000-entry pack (stages,
  final → card, cards before the end of speech), cold start to ready, memory over a 2-hour call;
- ``speech_sources.py``: a two-sided recording through Vosk with both channels live (real-time
  factor per channel, end of speech → final, dropped partials);
- ``retrieval_scale.py``: exact against approximate search at 1k, 10k, 100k and 1M vectors.

End of speech → card is not one measurement: the scripted demo has no recogniser endpointing and
the Korean model (the only one installable here) makes no sense of Mandarin, so no card follows
its finals. It is reported as end of speech → final on the customer's side (Vosk and the
endpointer, real recordings, both sides live in real time; cards come from what the customer
says) plus final → card (the panel), p95 bounded by the sum of the two p95s. The end of speech
is where each recording's speech ends, measured from its audio; the Korean model's last word in
Mandarin is reported too but lands anywhere. The pause length that
ends a phrase is benchmarks/endpointing.py's. Results: benchmarks/out/run_all.json and
run_all.png.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"

# (name, floor, unit, lower is better): the issue's floors on a 2-core machine.
FLOORS = {
    "final_to_card_p95_ms": (30.0, "ms", True),
    "end_of_speech_to_card_p95_ms": (700.0, "ms", True),
    "early_card_share": (0.5, "", False),
    "real_time_factor_max": (0.5, "", True),
    "cold_start_s": (8.0, "s", True),
    "steady_memory_mb": (1536.0, "MB", True),
    "memory_growth_pct": (5.0, "%", True),
    "search_p95_ms_at_largest": (10.0, "ms", True),
}
# CI fails only beyond this multiple of a floor: the machine is noisy.
TOLERANCE = 1.5


def run(script: str, *args: str, env: dict[str, str]) -> None:
    command = [sys.executable, str(HERE / script), *args]
    print(f"… {' '.join(command[1:])}", file=sys.stderr, flush=True)
    subprocess.run(command, check=True, env=env, timeout=3600)


def measure(quick: bool, work: Path) -> dict[str, object]:
    env = {**os.environ, "AGENT_ASSIST_HOME": str(work / "home")}
    hot_path, speech, scale = work / "hot_path.json", work / "speech.json", work / "scale.json"
    started = time.monotonic()
    run(
        "hot_path.py",
        *("--speed", "8" if quick else "4"),
        *("--demo-calls", "2" if quick else "3"),
        *("--hours", "0.25" if quick else "2"),
        *("--cold-starts", "1" if quick else "3"),
        *("--extra-entries", "2000" if quick else "10000"),
        *("--out", str(hot_path)),
        env=env,
    )
    run(
        "speech_sources.py",
        *("--kinds", "file-realtime"),
        *("--recordings", "4" if quick else "12"),
        *("--out", str(speech)),
        env=env,
    )
    run(
        "retrieval_scale.py",
        "--skip-pack",
        *("--curve", "1000,10000,100000" if quick else "1000,10000,100000,1000000"),
        *("--out", str(scale)),
        env=env,
    )
    return {
        "quick": quick,
        "wall_s": round(time.monotonic() - started, 1),
        "hot_path": json.loads(hot_path.read_text()),
        "speech": json.loads(speech.read_text()),
        "scale": json.loads(scale.read_text()),
    }


def headline(report: dict) -> dict[str, float | None]:  # type: ignore[type-arg]
    """The numbers the floors are about."""
    hot, speech, curve = report["hot_path"], report["speech"], report["scale"]["curve"]
    sides = speech["results"][0]["sides"]
    # Cards come from what the customer says: the agent side's endpointing is reported but
    # does not put a card on screen.
    customer = sides["customer"]
    end_to_final = customer["recording_speech_end_to_final_ms"]["p95"]
    last_word_to_final = customer["end_of_speech_to_final_ms"]["p95"]
    final_to_card = hot["final_to_card_ms"]["p95"]
    paced = end_to_final is not None and end_to_final >= 0 and final_to_card
    return {
        "final_to_card_p95_ms": final_to_card,
        "end_of_speech_to_card_p95_ms": (round(end_to_final + final_to_card, 1) if paced else None),
        "last_word_to_card_p95_ms": (
            round(last_word_to_final + final_to_card, 1) if paced else None
        ),
        "early_card_share": hot["cards_before_end_of_speech"]["share"],
        "real_time_factor_max": max(s["real_time_factor"] for s in sides.values()),
        "cold_start_s": hot["cold_start"]["median_s"],
        "steady_memory_mb": hot["memory"]["steady_mb"],
        "memory_growth_pct": hot["memory"]["growth_after_warm_up_pct"],
        "search_p95_ms_at_largest": curve[-1]["approximate_ms"]["p95"] if curve else None,
    }


def check(values: dict[str, float | None], tolerance: float) -> list[str]:
    broken = []
    for name, (floor, unit, lower_is_better) in FLOORS.items():
        value = values.get(name)
        if value is None:
            continue
        limit = floor * tolerance if lower_is_better else floor / tolerance
        if (value > limit) if lower_is_better else (value < limit):
            broken.append(f"{name} = {value}{unit} breaks the floor {floor}{unit} beyond ×1.5")
    return broken


def print_table(report: dict, values: dict[str, float | None]) -> None:  # type: ignore[type-arg]
    hot = report["hot_path"]
    print(f"\n{'stage (ms per query)':28} {'median':>8} {'p95':>8} {'p99':>8}")
    for name, s in hot["stages_ms"].items():
        print(f"{name:28} {s['median']!s:>8} {s['p95']!s:>8} {s['p99']!s:>8}")
    for name in ("final_to_card_ms", "partial_to_card_ms"):
        s = hot[name]
        print(f"{name:28} {s['median']!s:>8} {s['p95']!s:>8} {s['p99']!s:>8}")
    print(f"\n{'measure':34} {'value':>10} {'floor':>10}")
    for name, (floor, unit, lower) in FLOORS.items():
        sign = "≤" if lower else "≥"
        print(f"{name:34} {values[name]!s:>10} {sign + str(floor) + unit:>10}")
    print(f"{'last_word_to_card_p95_ms':34} {values['last_word_to_card_p95_ms']!s:>10}")
    print(f"\n{'speech, both sides live':24} {'RTF':>5} {'speech end→final p50/p95':>25}")
    for side, v in report["speech"]["results"][0]["sides"].items():
        e = v["recording_speech_end_to_final_ms"]
        print(f"{side:24} {v['real_time_factor']:>5} {e['median']!s:>12} / {e['p95']!s:<10}")
    print(
        f"\n{'vectors':>9} {'exact p95':>10} {'approx p95':>11} {'recall@10':>10} {'MB ex/ap':>14}"
    )
    for point in report["scale"]["curve"]:
        mb = f"{point['exact_index_mb']}/{point['approximate_index_mb']}"
        print(
            f"{point['vectors']:>9} {point['exact_ms']['p95']:>10} "
            f"{point['approximate_ms']['p95']:>11} {point['recall_at_10_vs_exact']:>10} {mb:>14}"
        )


def chart(report: dict, file: Path) -> None:  # type: ignore[type-arg]
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    hot = report["hot_path"]
    figure, (stages, speech, scale, memory) = plt.subplots(1, 4, figsize=(20, 4.5))
    names = [n for n in hot["stages_ms"] if n != "partial queue"]  # includes the throttle
    for offset, (key, label) in enumerate((("median", "median"), ("p95", "p95"))):
        values = [hot["stages_ms"][n][key] or 0 for n in names]
        stages.bar([i + offset * 0.4 for i in range(len(names))], values, 0.4, label=label)
    stages.set_xticks([i + 0.2 for i in range(len(names))], names)
    stages.set_ylabel("ms per query")
    stages.set_title(f"Stages of a final (final → card p95 {hot['final_to_card_ms']['p95']} ms)")
    stages.legend()
    speech_chart(speech, report["speech"]["results"][0]["sides"])
    curve = report["scale"]["curve"]
    sizes = [p["vectors"] for p in curve]
    scale.loglog(sizes, [p["exact_ms"]["p95"] for p in curve], "o-", label="exact p95")
    scale.loglog(sizes, [p["approximate_ms"]["p95"] for p in curve], "o-", label="IVF p95")
    scale.axhline(10, color="grey", linestyle=":", label="floor 10 ms")
    scale.set_xlabel("vectors")
    scale.set_ylabel("search ms")
    scale.set_title("Search at scale")
    scale.legend()
    samples = hot["memory"]["samples"]
    memory.plot([t for t, _ in samples], [mb for _, mb in samples])
    memory.set_xlabel("wall seconds")
    memory.set_ylabel("RSS MB")
    memory.set_title(f"Memory, {hot['memory']['call_hours']} h call replayed")
    figure.tight_layout()
    figure.savefig(file, dpi=100)


def speech_chart(axes, sides: dict) -> None:  # type: ignore[no-untyped-def,type-arg]
    """End of speech → final per side (median and p95), real-time factor in the labels."""
    labels = [f"{side}\nRTF {v['real_time_factor']:.2f}" for side, v in sides.items()]
    for offset, key in enumerate(("median", "p95")):
        values = [v["recording_speech_end_to_final_ms"][key] or 0 for v in sides.values()]
        axes.bar([i + offset * 0.4 for i in range(len(labels))], values, 0.4, label=key)
    axes.axhline(700, color="grey", linestyle=":", label="end of speech → card floor")
    axes.set_ylim(0, 1100)  # room for the legend above the bars
    axes.set_xticks([i + 0.2 for i in range(len(labels))], labels)
    axes.set_ylabel("end of speech → final, ms")
    axes.set_title("Speech, both sides live")
    axes.legend()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the short version (CI)")
    parser.add_argument("--check", action="store_true", help="fail beyond 1.5× a floor")
    parser.add_argument("--out", type=Path, default=OUT / "run_all.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="aa-bench-") as work:
        report = measure(args.quick, Path(work))
    values = headline(report)
    report["headline"] = values
    report["broken"] = check(values, TOLERANCE)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    chart(report, args.out.with_suffix(".png"))
    print_table(report, values)
    print(f"\nJSON: {args.out}  chart: {args.out.with_suffix('.png')}  ({report['wall_s']} s)")
    for problem in report["broken"]:
        print(f"FLOOR BROKEN: {problem}", file=sys.stderr)
    return 1 if args.check and report["broken"] else 0


if __name__ == "__main__":
    sys.exit(main())
