"""Guidance and the call record through the real pipeline: demo call, real embedder, SQLite."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from agent_assist.call_session import CallSession
from agent_assist.config import RetrievalSettings
from agent_assist.guidance.call_meta import CallMetadata
from agent_assist.guidance.engine import GUIDANCE_VECTORS_FILE, GuidanceModel
from agent_assist.guidance.evaluate import evaluate_all
from agent_assist.guidance.events import Alert, AlertFollowUp, AlertKind
from agent_assist.headless import HeadlessReplay
from agent_assist.record.store import CallStore
from agent_assist.services import AssistServices, load_services
from agent_assist.speech.call_script import load_call_script
from agent_assist.speech.replay import ScriptReplay
from tests.conftest import DEMO_CALL, REPO, SAMPLE_PACK

pytestmark = pytest.mark.slow
ID = "11010519491231002X"


@pytest.fixture(scope="module")
def index_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("index")


@pytest.fixture(scope="module")
def services(index_root: Path, use_model_dir: Path) -> AssistServices:
    settings = RetrievalSettings(
        embedder=str(use_model_dir), pack=SAMPLE_PACK, index_root=index_root
    )
    return load_services(settings, Path("/nonexistent"))


def test_demo_call_raises_each_kind_of_guidance_and_leaves_a_masked_record(
    services: AssistServices, tmp_path: Path
) -> None:
    store = CallStore(tmp_path / "calls.sqlite3")
    session = CallSession(services.guidance, store, CallMetadata(call_type="service"))
    replay = HeadlessReplay(services.retriever, 0.25, session)
    reports = list(replay.run(ScriptReplay(load_call_script(DEMO_CALL), realtime=False)))
    events = [e for r in reports for e in r.guidance]
    alerts = [e for e in events if isinstance(e, Alert)]
    kinds = {(a.kind, a.category) for a in alerts}
    assert (AlertKind.EMOTION, "angry") in kinds
    assert (AlertKind.COMPLIANCE, "hidden_cost") in kinds
    assert (AlertKind.RISK, "scam_pretext") in kinds and (
        AlertKind.RISK,
        "account_takeover",
    ) in kinds
    risk = next(a for a in alerts if a.category == "scam_pretext")
    assert risk.ticket["queue"] == "反欺诈" and risk.advice
    follow = [e for e in events if isinstance(e, AlertFollowUp)]
    assert follow and follow[0].resolved  # 非常抱歉让您久等了 answers the angry opening
    # The full ID the customer read out is masked in the record, the export and the report.
    assert replay.ended is not None
    record = replay.ended.record
    said = [u["text"] for u in record["utterances"]]
    assert any("[身份证 ****002X]" in text for text in said)
    assert all(
        ID not in json_text for json_text in map(str, (record, [r.as_json() for r in reports]))
    )
    steps = {s["step_id"]: s for s in record["checklist"]}
    assert steps["recording_notice"]["done"] and steps["identity_check"]["done"]
    assert steps["apr_disclosure"]["required"]  # cost came up: the rate must be disclosed
    summary = replay.ended.summary
    assert summary["disposition"] == "escalated_risk"
    assert summary["qa"]["score"] < 100
    assert record["cards"], "cards shown are kept with the call"
    # Guidance is one embedding per final plus matching: well inside 10 ms median here.
    times = sorted(r.timings["guidance"] for r in reports)
    assert times[len(times) // 2] < 10.0


def test_collections_call_outside_hours_with_unverified_disclosure(
    services: AssistServices, tmp_path: Path
) -> None:
    import datetime as dt

    from agent_assist.domain import Speaker, Transcript

    store = CallStore(tmp_path / "calls.sqlite3")
    meta = CallMetadata(call_type="collections", customer_ref="C-7", time_zone="Asia/Shanghai")
    for _ in range(3):
        store.start_call(meta)
    session = CallSession(services.guidance, store, meta)
    # 23:30 in Shanghai on the day the three calls above were stored (not a fixed date: the
    # contact count is per calendar day of the customer).
    from zoneinfo import ZoneInfo

    shanghai = ZoneInfo("Asia/Shanghai")
    today = dt.datetime.now(shanghai).date()
    late = dt.datetime.combine(today, dt.time(23, 30), shanghai).astimezone(dt.UTC)
    start = [e for e in session.start(late) if isinstance(e, Alert)]
    assert {a.rule_id for a in start} == {"collections-hours", "collections-daily-count"}
    said = Transcript("a1", Speaker.AGENT, "你好 你的借款已经逾期十五天了", True, 0.0, 3.0, 0)
    alerts = [e for e in session.on_transcript(said) if isinstance(e, Alert)]
    assert [a.rule_id for a in alerts] == ["collections-disclosure"]


@pytest.mark.parametrize("sets", ["", "holdout"])
def test_every_detector_meets_the_floors(services: AssistServices, sets: str) -> None:
    """Precision ≥ 0.9 and recall ≥ 0.85 per detector, on the sets the thresholds were chosen
    on and on the held-out sets written later by another hand. The classifier learns from
    the pack's guidance_examples.yaml, which was written without sight of either."""
    results = evaluate_all(REPO / "tests" / "data" / "guidance" / sets, services.guidance)
    assert set(results) == {"compliance", "privacy_ask", "risk", "emotion", "pii"}
    for name, by_split in results.items():
        score = by_split["all"]
        assert score.precision >= 0.9 and score.recall >= 0.85, (name, score.as_json())


def test_example_vectors_are_cached_beside_the_index(
    services: AssistServices, index_root: Path
) -> None:
    """A restart reuses the examples' vectors: building guidance again embeds nothing."""
    cache = index_root / services.pack.manifest.id / GUIDANCE_VECTORS_FILE
    again = GuidanceModel(services.pack.guidance, services.embedder, cache)
    assert services.guidance.examples_embedded > 500
    assert again.examples_embedded == 0
    assert again.risk.check(
        "有人冒用我身份证在你们这借了钱", again.embed("有人冒用我身份证在你们这借了钱")
    )


def test_kill_9_mid_call_leaves_a_readable_record(tmp_path: Path, use_model_dir: Path) -> None:
    """A real `agent-assist replay` killed with SIGKILL keeps every final it had stored."""
    script = yaml.safe_load(DEMO_CALL.read_text(encoding="utf-8"))
    for u in script["utterances"]:  # four times faster, so the test takes seconds
        u["start"], u["end"] = u["start"] / 4, u["end"] / 4
    fast_call = tmp_path / "call.yaml"
    fast_call.write_text(yaml.safe_dump(script, allow_unicode=True), encoding="utf-8")
    env = {
        **os.environ,
        "AGENT_ASSIST_HOME": str(tmp_path / "home"),
        "AGENT_ASSIST_RETRIEVAL__EMBEDDER": str(use_model_dir),
        "AGENT_ASSIST_RETRIEVAL__INDEX_ROOT": str(tmp_path / "index"),
    }
    db = tmp_path / "home" / "data" / "calls.sqlite3"
    run_cli = "import sys; from agent_assist.cli import main; sys.exit(main(sys.argv[1:]))"
    log = (tmp_path / "child.log").open("w")
    child = subprocess.Popen(
        [sys.executable, "-c", run_cli, "replay", "--realtime", str(fast_call)],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and _stored_utterances(db) < 6:
            time.sleep(0.2)
        assert _stored_utterances(db) >= 6, (tmp_path / "child.log").read_text()[-2000:]
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    store = CallStore(db)
    assert store.recovered == 1
    call = store.calls()[0]
    record = store.record(call.call_id)
    assert call.status == "interrupted"
    texts = [u["text"] for u in record["utterances"]]
    assert len(texts) >= 6 and texts[0].startswith("您好")
    assert all(ID not in t for t in texts)


def _stored_utterances(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM utterances").fetchone()[0])
    except sqlite3.Error:
        return 0
