"""The call record encrypted at rest: real AES-GCM, a key in a (test-owned) keyring."""

from __future__ import annotations

import base64
import sqlite3
from pathlib import Path

import pytest

from agent_assist.domain import (
    Query,
    RetrievalResult,
    Speaker,
    Suggestion,
    SuggestionKind,
    Transcript,
)
from agent_assist.errors import AgentAssistError
from agent_assist.guidance.call_meta import CallMetadata
from agent_assist.guidance.events import Alert, AlertKind, ChecklistUpdate, StepState
from agent_assist.guidance.rules import Severity
from agent_assist.record.crypto import KEYRING_SERVICE, KEYRING_USERNAME, SEALED_PREFIX
from agent_assist.record.export import to_csv, to_json
from agent_assist.record.store import CallStore
from agent_assist.record.summary import summarise
from tests.unit.record.conftest import MemoryKeyring, using_keyring

MARKER = "紫色长颈鹿"  # said on the call, shown on cards, quoted in alerts: never on disk
ID = "11010519491231002X"


def _said(uid: str, text: str, start: float = 1.0) -> Transcript:
    return Transcript(uid, Speaker.CUSTOMER, text, True, start, start + 2.0, 0)


def _record_a_call(store: CallStore) -> str:
    call = store.start_call(CallMetadata(call_type="service", customer_ref="C-42"))
    store.add_utterance(call, _said("u1", f"{MARKER} 我身份证号{ID} 想分期还款"))
    card = Suggestion("kb-1", SuggestionKind.ANSWER, "还款", f"{MARKER}卡片", "正文", 0.8, "分期")
    store.add_cards(call, RetrievalResult(Query(1, "u1", "分期", True, 0), (card,)))
    store.add_card_action(call, "kb-1", "used")
    alert = Alert(1, AlertKind.RISK, "r1", "scam", Severity.HIGH, f"{MARKER}提醒", f"{MARKER}建议",
                  1.0, quote=f"{MARKER}{ID}", how="exact")  # fmt: skip
    store.add_alert(call, alert)
    steps = (StepState("greet", f"{MARKER}问候", True, True, done_at_s=1.0),)
    store.set_checklist(call, ChecklistUpdate("service", steps))
    store.end_call(call, summarise(store.record(call)))
    return call


def _raw_bytes(path: Path) -> bytes:
    side = [path.with_name(path.name + s) for s in ("-wal", "-shm")]
    return b"".join(p.read_bytes() for p in (path, *side) if p.exists())


def test_encrypted_round_trip_reads_back_everything(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    store = CallStore(tmp_path / "calls.sqlite3", encrypt=True)
    call = _record_a_call(store)
    record = store.record(call)
    assert record["utterances"][0]["text"].startswith(MARKER)
    assert "****002X" in record["utterances"][0]["text"]  # masked before it was sealed
    assert record["cards"][0]["title"] == f"{MARKER}卡片"
    assert record["alerts"][0]["quote"] == f"{MARKER}[身份证 ****002X]"
    assert record["alerts"][0]["advice"] == f"{MARKER}建议"
    assert record["checklist"][0]["title"] == f"{MARKER}问候"
    assert record["call"]["customer_ref"] == "C-42" and record["call"]["summary"]
    assert [c.call_id for c in store.calls(search=MARKER)] == [call]
    assert store.calls(search="C-42")[0].status == "ended"
    assert store.contacts_today("C-42") == 1
    store.save_summary(call, {"summary": [f"{MARKER} 身份证{ID}"]})
    exported = to_json(store.iter_records(store.calls())) + to_csv(store.iter_records([]))
    assert MARKER in exported and ID not in exported


def test_nothing_said_on_the_call_reaches_the_disk_in_clear(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    path = tmp_path / "calls.sqlite3"
    store = CallStore(path, encrypt=True)
    _record_a_call(store)
    assert MARKER.encode() not in _raw_bytes(path)  # the WAL, before any checkpoint
    store.close()
    assert MARKER.encode() not in _raw_bytes(path)
    with sqlite3.connect(path) as raw:
        dump = "\n".join(raw.iterdump())
    assert MARKER not in dump and "C-42" not in dump and SEALED_PREFIX in dump


def test_clear_rows_from_before_and_sealed_rows_read_back_together(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    path = tmp_path / "calls.sqlite3"
    before = CallStore(path)
    old = before.start_call(CallMetadata(customer_ref="C-1"))
    before.add_utterance(old, _said("u1", "以前的明文"))
    before.close()
    after = CallStore(path, encrypt=True)
    new = after.start_call(CallMetadata(customer_ref="C-1"))
    after.add_utterance(new, _said("u1", "加密之后"))
    assert after.record(old)["utterances"][0]["text"] == "以前的明文"
    assert after.record(new)["utterances"][0]["text"] == "加密之后"
    assert after.contacts_today("C-1") == 2
    after.close()
    switched_off = CallStore(path)  # the key is still in the keyring: old sealed rows read
    assert len(switched_off.calls(search="加密之后")) == 1


def test_without_the_key_reading_says_what_is_missing(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    path = tmp_path / "calls.sqlite3"
    call = _record_a_call(CallStore(path, encrypt=True))
    memory_keyring.delete_password(KEYRING_SERVICE, KEYRING_USERNAME)
    with pytest.raises(AgentAssistError, match=r"its key .* is not in this user's OS keyring"):
        CallStore(path, encrypt=True)  # and no new key replaces the lost one
    reader = CallStore(path)
    for read in (lambda: reader.record(call), lambda: reader.calls(search=MARKER)):
        with pytest.raises(AgentAssistError, match="is not in this user's OS keyring"):
            read()
    assert memory_keyring.get_password(KEYRING_SERVICE, KEYRING_USERNAME) is None


def test_another_key_in_the_keyring_is_refused(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    path = tmp_path / "calls.sqlite3"
    _record_a_call(CallStore(path, encrypt=True))
    other = base64.b64encode(bytes(32)).decode()
    memory_keyring.set_password(KEYRING_SERVICE, KEYRING_USERNAME, other)
    with pytest.raises(AgentAssistError, match="encrypted with a different key"):
        CallStore(path, encrypt=True)


def test_no_keyring_backend_stops_encryption_with_a_way_out(
    tmp_path: Path, no_keyring: None
) -> None:
    with pytest.raises(AgentAssistError, match="needs the OS keyring") as raised:
        CallStore(tmp_path / "calls.sqlite3", encrypt=True)
    assert "Secret Service" in str(raised.value) and "record.encrypt = false" in str(raised.value)


def test_an_encrypted_record_without_any_keyring_cannot_be_read(
    tmp_path: Path, no_keyring: None
) -> None:
    path = tmp_path / "calls.sqlite3"
    with using_keyring(MemoryKeyring()):  # written where a keyring was at hand
        call = _record_a_call(CallStore(path, encrypt=True))
    reader = CallStore(path)
    with pytest.raises(AgentAssistError, match=r"holds encrypted calls.*cannot be used here"):
        reader.record(call)


def test_a_changed_value_fails_its_integrity_check(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    path = tmp_path / "calls.sqlite3"
    store = CallStore(path, encrypt=True)
    call = _record_a_call(store)
    (sealed,) = store._db.execute("SELECT text FROM utterances").fetchone()
    raw = bytearray(base64.b64decode(sealed[len(SEALED_PREFIX) :]))
    raw[-1] ^= 1  # one bit of the tag
    tampered = SEALED_PREFIX + base64.b64encode(bytes(raw)).decode()
    store._db.execute("UPDATE utterances SET text=?", (tampered,))
    with pytest.raises(AgentAssistError, match="failed its integrity check"):
        store.record(call)
    with pytest.raises(AgentAssistError, match="failed its integrity check"):
        store.calls(search="没说过的话")  # the search reads every utterance
