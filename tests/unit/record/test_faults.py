"""The call record under faults: a full disk (SQLite's own SQLITE_FULL) and ``kill -9``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from agent_assist.call_session import CallSession
from agent_assist.domain import Speaker, Transcript
from agent_assist.errors import AgentAssistError
from agent_assist.guidance.call_meta import CallMetadata
from agent_assist.guidance.engine import GuidanceModel
from agent_assist.pipeline.workers import GuidanceWorker
from agent_assist.record.store import CallStore
from agent_assist.retrieval.pack import load_pack
from tests.conftest import REPO, SAMPLE_PACK
from tests.support.disk import fill_disk, free_disk
from tests.unit.record.conftest import MemoryKeyring, using_keyring

LONG_TEXT = "客户说明了还款的具体安排" * 60  # about 2 kB: a page or so per utterance


def _said(n: int, text: str = LONG_TEXT) -> Transcript:
    return Transcript(f"u{n}", Speaker.CUSTOMER, text, True, float(n), n + 0.5, 0)


def _write_until_full(store: CallStore, call: str) -> AgentAssistError:
    for n in range(3, 50):
        try:
            store.add_utterance(call, _said(n))
        except AgentAssistError as exc:
            return exc
    raise AssertionError("the disk never filled up")


def _stored_ids(path: Path, call: str) -> list[str]:
    reopened = CallStore(path)
    try:
        return [u["utterance_id"] for u in reopened.record(call)["utterances"]]
    finally:
        reopened.close()


@pytest.mark.parametrize("encrypt", [False, True])
def test_a_full_disk_fails_one_write_clearly_and_keeps_the_rest(
    tmp_path: Path, memory_keyring: MemoryKeyring, encrypt: bool
) -> None:
    path = tmp_path / "calls.sqlite3"
    store = CallStore(path, encrypt=encrypt)
    call = store.start_call(CallMetadata())
    for n in range(3):
        store.add_utterance(call, _said(n))
    fill_disk(store)
    message = str(_write_until_full(store, call))
    assert message.startswith("The disk is full") and str(path) in message
    assert "Free space" in message
    stored = _stored_ids(path, call)  # another connection: what was committed is on disk
    assert stored[:3] == ["u0", "u1", "u2"]
    free_disk(store)
    store.add_utterance(call, _said(99))
    store.close()
    assert _stored_ids(path, call) == [*stored, "u99"]


class _Recorder:
    """Collects what a GuidanceWorker emits, in the thread that runs it."""

    def __init__(self, worker: GuidanceWorker) -> None:
        self.failed: list[AgentAssistError] = []
        self.ended: list[Any] = []
        self.finished = False
        worker.failed.connect(self.failed.append)
        worker.call_ended.connect(self.ended.append)
        worker.finished.connect(self._on_finished)

    def _on_finished(self) -> None:
        self.finished = True


def test_a_full_disk_mid_call_is_reported_once_and_the_call_goes_on(tmp_path: Path) -> None:
    store = CallStore(tmp_path / "calls.sqlite3")
    model = GuidanceModel(load_pack(SAMPLE_PACK).guidance, None)
    worker = GuidanceWorker()
    seen = _Recorder(worker)
    worker.begin(lambda: CallSession(model, store, CallMetadata()))
    worker.feed(_said(0))
    worker.run_task(lambda: fill_disk(store))
    for n in range(1, 8):
        worker.feed(_said(n))
    worker.run_task(lambda: free_disk(store))
    worker.feed(_said(8, "好的 谢谢"))
    worker.end()
    worker.close()
    worker.run()  # here, in this thread: the loop is what is under test, not the threading
    assert seen.finished
    assert len(seen.failed) == 1 and "The disk is full" in str(seen.failed[0])
    (ended,) = seen.ended
    said = [u["utterance_id"] for u in ended.record["utterances"]]
    assert said[0] == "u0" and said[-1] == "u8"
    assert ended.record["call"]["status"] == "ended"


_CHILD = """
import sys
from pathlib import Path
import keyring
from agent_assist.domain import Speaker, Transcript
from agent_assist.guidance.call_meta import CallMetadata
from agent_assist.record.store import CallStore
from tests.unit.record.conftest import MemoryKeyring

keyring.set_keyring(MemoryKeyring(Path(sys.argv[2])))
store = CallStore(Path(sys.argv[1]), encrypt=sys.argv[3] == "1")
call = store.start_call(CallMetadata(customer_ref="C-5"))
n = 0
while True:  # a live call that never ends: the parent kills it
    store.add_utterance(call, Transcript(f"u{n}", Speaker.AGENT, f"第{n}句", True, n, n + 1, 0))
    print(n, flush=True)
    n += 1
"""


@pytest.mark.parametrize("encrypt", [False, True])
def test_kill_9_mid_call_keeps_every_committed_utterance(tmp_path: Path, encrypt: bool) -> None:
    path, keys = tmp_path / "calls.sqlite3", tmp_path / "keyring.json"
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(path), str(keys), str(int(encrypt))],
        cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    assert child.stdout is not None
    committed = [child.stdout.readline() for _ in range(20)]
    child.send_signal(signal.SIGKILL)
    child.wait()
    last_committed = int(committed[-1])
    with using_keyring(MemoryKeyring(keys)):
        store = CallStore(path)
        assert store.recovered == 1
        (call,) = store.calls()
        record = store.record(call.call_id)
    assert call.status == "interrupted" and call.customer_ref == "C-5"
    ids = [u["utterance_id"] for u in record["utterances"]]
    assert ids[: last_committed + 1] == [f"u{n}" for n in range(last_committed + 1)]
