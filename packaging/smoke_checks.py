"""What the smoke tests of packaging/build_desktop.py accept as a working install.

Plain functions over the output of ``agent-assist`` commands, so tests can run them on canned
output. Each raises ``SmokeError`` with a sentence that says what was wrong.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

# Checks of `agent-assist doctor --json` that must pass on any build machine. The speech model
# is not installed (models are not bundled), and a build machine may have no sound system.
DOCTOR_MUST_PASS = (
    "Python",
    "Qt",
    "Settings",
    "Embedding model",
    "Script pack",
    "Search index",
    "Data folder",
    "Log folder",
)
WHEEL_MUST_HOLD = (
    "agent_assist/demo/demo_call.yaml",
    "agent_assist/ui/translations/agent_assist_zh_CN.qm",
    "agent_assist/sample_pack/manifest.yaml",
)
# A wheel holds the package and its metadata, nothing of the checkout around it.
_WHEEL_FORBIDDEN = re.compile(r"(^tests/|^kb_index/|/build/|__pycache__|\.pyc$|\.faiss$)")
_UTTERANCE = re.compile(r"^\s*-\s*\{.*\bspeaker:\s*(\w+).*\}\s*$")
_TOPIC = re.compile(r"\btopic:\s*([\w-]+)")


class SmokeError(Exception):
    """A built or installed app did not do what it must."""


@dataclass(frozen=True, slots=True)
class DemoCall:
    """The demo call script: how many utterances, and which topic each question should find."""

    utterances: int
    expected_topics: dict[str, str]  # utterance id ("customer-3") → topic


def read_demo_call(path: Path) -> DemoCall:
    """Reads the flow-style lines of demo_call.yaml without a YAML library (any Python runs
    the build script). Utterance ids count per speaker, as the replay numbers them."""
    counts: dict[str, int] = {}
    expected: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _UTTERANCE.match(line)
        if not match:
            continue
        speaker = match.group(1)
        index = counts.get(speaker, 0)
        counts[speaker] = index + 1
        topic = _TOPIC.search(line)
        if topic:
            expected[f"{speaker}-{index}"] = topic.group(1)
    if not expected:
        raise SmokeError(f"{path}: no utterance with a topic: is this the demo call?")
    return DemoCall(sum(counts.values()), expected)


def topic_hits(demo: DemoCall, cards: Iterable[tuple[str, str]]) -> int:
    """How many labelled utterances got at least one card of their topic."""
    found = {(utterance, topic) for utterance, topic in cards}
    return sum((u, t) in found for u, t in demo.expected_topics.items())


def _require_hits(demo: DemoCall, hits: int, min_rate: float, where: str) -> None:
    wanted = len(demo.expected_topics)
    if hits < min_rate * wanted:
        raise SmokeError(
            f"{where}: only {hits} of {wanted} questions of the demo got a card of their topic "
            f"(at least {min_rate:.0%} required)"
        )


def check_replay(stdout: str, demo: DemoCall, min_rate: float) -> str:
    """``agent-assist replay DEMO --json``: a row per utterance, cards of the right topics,
    and the call's end. Returns a one-line summary."""
    rows, ended = [], None
    for line in stdout.splitlines():
        if line.startswith("{"):
            row = json.loads(line)
            if "call_ended" in row:
                ended = row["call_ended"]
            elif "utterance_id" in row:
                rows.append(row)
    if len(rows) != demo.utterances:
        raise SmokeError(f"replay printed {len(rows)} utterances, the demo has {demo.utterances}")
    cards = [(r["utterance_id"], s["topic"]) for r in rows for s in r["suggestions"]]
    hits = topic_hits(demo, cards)
    _require_hits(demo, hits, min_rate, "replay")
    if ended is None:
        raise SmokeError("replay printed no call_ended line: the call record was not closed")
    return f"{len(rows)} utterances, {hits}/{len(demo.expected_topics)} questions answered"


def check_doctor(stdout: str) -> str:
    """``agent-assist doctor --json``: the checks every build machine can pass."""
    checks = {c["name"]: c for c in json.loads(stdout)}
    failed = [
        f"{name}: {checks[name]['detail'] if name in checks else 'not checked'}"
        for name in DOCTOR_MUST_PASS
        if not checks.get(name, {}).get("ok")
    ]
    if failed:
        raise SmokeError("doctor: " + "; ".join(failed))
    return f"{len(DOCTOR_MUST_PASS)} required checks ok"


def check_recording(stdout: str) -> str:
    """``agent-assist replay WAV --json``: Vosk recognised something (the native library,
    resampling and voice activity work)."""
    texts = [
        json.loads(line).get("text", "") for line in stdout.splitlines() if line.startswith("{")
    ]
    if not any(texts):
        raise SmokeError("replay of the recording printed no recognised text")
    return f"{len(texts)} utterance(s) recognised"


def check_panel_record(export_json: str, demo: DemoCall) -> str | None:
    """``agent-assist calls export --format json`` after ``demo --fast``: None while the panel
    has not finished the call yet, else a summary of the call it recorded.

    Only one right card is required: at full speed the panel replays the whole call in about a
    second, and its retrieval keeps only the newest question (latest wins), so how many of the
    demo's questions still get their cards depends on the machine's load. The headless replay
    checks every question.
    """
    ended = [r for r in json.loads(export_json) if r["call"]["status"] == "ended"]
    if not ended:
        return None
    record = ended[0]
    if len(record["utterances"]) != demo.utterances:
        raise SmokeError(
            f"panel recorded {len(record['utterances'])} utterances, the demo has {demo.utterances}"
        )
    hits = topic_hits(demo, ((c["utterance_id"], c["topic"]) for c in record["cards"]))
    if hits == 0:
        raise SmokeError("panel: no question of the demo got a card of its topic")
    return f"call recorded, {hits}/{len(demo.expected_topics)} questions answered at full speed"


def check_wheel(wheel: Path) -> str:
    """The wheel carries the package data and nothing of the checkout around it."""
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    missing = [n for n in WHEEL_MUST_HOLD if n not in names]
    stray = [n for n in names if _WHEEL_FORBIDDEN.search(n)]
    if missing or stray:
        raise SmokeError(f"{wheel.name}: missing {missing or 'nothing'}; must not hold {stray[:5]}")
    return f"{len(names)} files, package data present, no tests or build artefacts"
