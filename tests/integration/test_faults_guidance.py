"""Guidance with the real embedder while the call record's disk is full: the agent gets the
same alerts as on a healthy disk, hears of the failure once, and the call is recorded from
the moment there is room again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from agent_assist.call_session import CallSession
from agent_assist.domain import Transcript
from agent_assist.errors import AgentAssistError
from agent_assist.guidance.call_meta import CallMetadata
from agent_assist.guidance.events import Alert
from agent_assist.pipeline.workers import GuidanceWorker
from agent_assist.record.store import CallStore
from agent_assist.services import AssistServices
from agent_assist.speech.call_script import load_call_script
from tests.conftest import DEMO_CALL
from tests.support.disk import fill_disk_completely, free_disk

pytestmark = pytest.mark.slow


def _demo_finals() -> list[Transcript]:
    return [
        Transcript(f"u{n}", u.speaker, u.text, True, u.start, u.end, 0)
        for n, u in enumerate(load_call_script(DEMO_CALL).utterances)
    ]


def _run_call(
    services: AssistServices, store: CallStore, free_after: int | None = None
) -> tuple[list[str], list[AgentAssistError], list[Any]]:
    worker = GuidanceWorker()
    alerts: list[str] = []
    failed: list[AgentAssistError] = []
    ended: list[Any] = []
    worker.guidance_ready.connect(lambda e: isinstance(e, Alert) and alerts.append(e.rule_id))
    worker.failed.connect(failed.append)
    worker.call_ended.connect(ended.append)
    worker.begin(lambda: CallSession(services.guidance, store, CallMetadata(call_type="service")))
    for n, final in enumerate(_demo_finals()):
        if n == free_after:
            worker.run_task(lambda: free_disk(store))
        worker.feed(final)
    worker.end()
    worker.close()
    worker.run()  # in this thread: the loop is under test, not the threading
    return alerts, failed, ended


def test_a_full_disk_costs_the_agent_no_alert(services: AssistServices, tmp_path: Path) -> None:
    assert services.guidance.needs_vector, "guidance embeds every final with the real model"
    healthy, _, _ = _run_call(services, CallStore(tmp_path / "healthy.sqlite3"))
    assert {"emotion-angry", "risk-scam-pretext", "hidden-cost"} <= set(healthy)
    store = CallStore(tmp_path / "full.sqlite3")
    fill_disk_completely(store)
    earlier = len(store.calls(limit=10_000))
    half = len(_demo_finals()) // 2
    alerts, failed, ended = _run_call(services, store, free_after=half)
    assert alerts == healthy
    assert len(failed) == 1 and str(failed[0]).startswith("The disk is full")
    (call,) = ended
    said = [u["utterance_id"] for u in call.record["utterances"]]
    assert said == [f"u{n}" for n in range(half, len(_demo_finals()))]
    assert call.record["call"]["status"] == "ended" and call.summary["qa"]
    assert len(store.calls(limit=10_000)) == earlier + 1
