"""A call whose record cannot be written (SQLite's own SQLITE_FULL, as on a full disk): the
agent still gets every alert, hears of the failure once, and the record resumes and ends the
call once there is room again. Real store, real guidance rules (phrase matching only)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from agent_assist.call_session import CallSession, RecordWriteError
from agent_assist.domain import Speaker, Transcript
from agent_assist.errors import AgentAssistError
from agent_assist.guidance.call_meta import CallMetadata
from agent_assist.guidance.engine import GuidanceModel
from agent_assist.guidance.events import Alert
from agent_assist.pipeline.workers import GuidanceWorker
from agent_assist.record.store import CallStore
from agent_assist.retrieval.pack import load_pack
from tests.conftest import SAMPLE_PACK
from tests.support.disk import fill_disk, fill_disk_completely, free_disk

FILLER = "客户说明了还款的具体安排" * 60  # about 2 kB: a page or so per utterance
# The sample pack's risk rules flag this by phrase; the filler makes the row as large as
# the ones that no longer fit, so storing it fails too.
SCAM = FILLER + "昨天有人说是你们客服，让我交钱注销校园贷，还能帮我提额，真的假的？"


@pytest.fixture(scope="module")
def model() -> GuidanceModel:
    return GuidanceModel(load_pack(SAMPLE_PACK).guidance, None)


@pytest.fixture
def store(tmp_path: Path) -> CallStore:
    return CallStore(tmp_path / "calls.sqlite3")


def _said(n: int, text: str = FILLER, speaker: Speaker = Speaker.CUSTOMER) -> Transcript:
    return Transcript(f"u{n}", speaker, text, True, float(n), n + 0.5, 0)


def _fill_until_an_utterance_fails(store: CallStore) -> None:
    """Earlier calls fill the file until a filler-sized utterance no longer fits."""
    fill_disk(store)
    for n in range(100):
        call = store.start_call(CallMetadata())
        try:
            store.add_utterance(call, _said(n))
        except AgentAssistError:
            return
    raise AssertionError("the disk never filled up")


class _Panel:
    """What the panel would receive from a GuidanceWorker run in this thread."""

    def __init__(self, worker: GuidanceWorker) -> None:
        self.guidance: list[Any] = []
        self.failed: list[AgentAssistError] = []
        self.ended: list[Any] = []
        worker.guidance_ready.connect(self.guidance.append)
        worker.failed.connect(self.failed.append)
        worker.call_ended.connect(self.ended.append)

    def alerts(self) -> set[str]:
        return {e.rule_id for e in self.guidance if isinstance(e, Alert)}


def _utterances(record: dict[str, Any]) -> list[str]:
    return [u["utterance_id"] for u in record["utterances"]]


def test_an_alert_said_while_the_disk_is_full_still_reaches_the_agent(
    model: GuidanceModel, store: CallStore
) -> None:
    worker = GuidanceWorker()
    panel = _Panel(worker)
    worker.begin(lambda: CallSession(model, store, CallMetadata()))
    worker.feed(_said(0, "您好，本次通话将被录音", Speaker.AGENT))
    worker.run_task(lambda: _fill_until_an_utterance_fails(store))
    worker.feed(_said(1))
    worker.feed(_said(2, SCAM))
    worker.run_task(lambda: free_disk(store))
    worker.feed(_said(3, "好的 谢谢"))
    worker.end()
    worker.close()
    worker.run()
    assert "risk-scam-pretext" in panel.alerts()
    (failure,) = panel.failed
    assert str(failure).startswith("The disk is full") and str(store.path) in str(failure)
    (ended,) = panel.ended
    assert _utterances(ended.record) == ["u0", "u3"], "what fitted is kept, the rest resumes"
    assert ended.record["call"]["status"] == "ended"


def test_a_call_started_on_a_full_disk_is_recorded_once_space_is_freed(
    model: GuidanceModel, store: CallStore
) -> None:
    fill_disk_completely(store)
    earlier = {c.call_id for c in store.calls(limit=10_000)}
    worker = GuidanceWorker()
    panel = _Panel(worker)
    worker.begin(lambda: CallSession(model, store, CallMetadata()))
    worker.feed(_said(0, SCAM))
    worker.run_task(lambda: free_disk(store))
    worker.feed(_said(1, "好的 谢谢"))
    worker.end()
    worker.close()
    worker.run()
    assert panel.guidance, "the checklist came at call start"
    assert "risk-scam-pretext" in panel.alerts()
    assert len(panel.failed) == 1 and "The disk is full" in str(panel.failed[0])
    (ended,) = panel.ended
    assert ended.record["call"]["status"] == "ended" and ended.summary
    assert _utterances(ended.record) == ["u1"]
    assert {c.call_id for c in store.calls(limit=10_000)} == earlier | {ended.call_id}


def test_a_step_the_record_cannot_store_still_returns_its_guidance(
    model: GuidanceModel, store: CallStore
) -> None:
    session = CallSession(model, store, CallMetadata())
    session.start()
    _fill_until_an_utterance_fails(store)
    with pytest.raises(RecordWriteError, match="The disk is full") as failed:
        session.on_transcript(_said(0, SCAM))
    assert "risk-scam-pretext" in {e.rule_id for e in failed.value.events if isinstance(e, Alert)}
    free_disk(store)
    assert session.on_transcript(_said(1, "好的")) == []  # no failure left over


def test_hanging_up_on_a_full_disk_still_gives_the_summary(
    model: GuidanceModel, store: CallStore
) -> None:
    session = CallSession(model, store, CallMetadata())
    session.start()
    session.on_transcript(_said(0, "您好，本次通话将被录音", Speaker.AGENT))
    fill_disk_completely(store)
    with pytest.raises(RecordWriteError) as failed:
        session.finish()
    ended = failed.value.ended
    assert ended is not None and ended.summary
    assert _utterances(ended.record) == ["u0"]


def test_a_session_that_cannot_be_opened_does_not_join_the_previous_call(
    model: GuidanceModel, store: CallStore
) -> None:
    def unopenable() -> CallSession:
        raise AgentAssistError("Cannot open the call record: no keyring")

    worker = GuidanceWorker()
    panel = _Panel(worker)
    worker.begin(lambda: CallSession(model, store, CallMetadata()))
    worker.feed(_said(0, "第一通电话"))
    worker.end()
    worker.begin(unopenable)
    worker.feed(_said(1, "第二通电话"))
    worker.end()
    worker.close()
    worker.run()
    (first,) = panel.ended
    assert [str(e) for e in panel.failed] == ["Cannot open the call record: no keyring"]
    after = store.record(first.call_id)
    assert _utterances(after) == ["u0"] and after["call"]["summary"] == first.summary


def test_a_record_that_cannot_open_costs_the_call_its_record_not_its_guidance(
    model: GuidanceModel, tmp_path: Path
) -> None:
    """An encrypted record on a machine with no OS keyring (the tests' conftest has none)."""
    from agent_assist.app import record_opener, session_for
    from agent_assist.config import RecordSettings, Settings

    settings = Settings(record=RecordSettings(database=tmp_path / "c.sqlite3", encrypt=True))
    services = SimpleNamespace(
        guidance=model, pack=SimpleNamespace(manifest=SimpleNamespace(id="p", version="1"))
    )
    worker = GuidanceWorker()
    panel = _Panel(worker)
    worker.begin(lambda: session_for(settings, record_opener(settings), services))  # type: ignore[arg-type]
    worker.feed(_said(0, SCAM))
    worker.end()
    worker.close()
    worker.run()
    assert panel.guidance, "the checklist came at call start"
    assert "risk-scam-pretext" in panel.alerts()
    (failure,) = panel.failed
    assert str(failure).startswith("This call is not recorded") and "keyring" in str(failure)
