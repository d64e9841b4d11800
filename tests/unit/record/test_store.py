"""The SQLite call record: WAL, masked text, crash recovery, search and export."""

from __future__ import annotations

import csv
import io
import json
import stat
from pathlib import Path

from agent_assist.domain import Speaker, Transcript
from agent_assist.guidance.call_meta import CallMetadata
from agent_assist.guidance.events import Alert, AlertKind
from agent_assist.guidance.rules import Severity
from agent_assist.record.export import to_csv, to_json
from agent_assist.record.store import CallStore
from agent_assist.record.summary import summarise

ID = "11010519491231002X"


def _final(uid: str, speaker: Speaker, text: str, start: float) -> Transcript:
    return Transcript(uid, speaker, text, True, start, start + 2.0, 0)


def test_wal_owner_only_and_nothing_unmasked_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "calls.sqlite3"
    store = CallStore(path)
    call = store.start_call(CallMetadata(customer_ref="C-1"))
    store.add_utterance(call, _final("u1", Speaker.CUSTOMER, f"我身份证号{ID}", 1.0))
    store.add_alert(call, Alert(1, AlertKind.RISK, "r", "c", Severity.HIGH, "t", "a", 1.0,
                                quote=f"身份证{ID}"))  # fmt: skip
    assert store._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    store.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert ID.encode() not in raw and b"****002X" in raw


def test_a_call_left_live_is_marked_interrupted_and_kept(tmp_path: Path) -> None:
    store = CallStore(tmp_path / "calls.sqlite3")
    call = store.start_call(CallMetadata())
    store.add_utterance(call, _final("u1", Speaker.AGENT, "您好", 0.0))
    store._db.close()  # as if the process died: no end_call
    reopened = CallStore(tmp_path / "calls.sqlite3")
    assert reopened.recovered == 1
    record = reopened.record(call)
    assert record["call"]["status"] == "interrupted"
    assert [u["text"] for u in record["utterances"]] == ["您好"]


def test_search_contacts_summary_and_export(tmp_path: Path) -> None:
    store = CallStore(tmp_path / "calls.sqlite3")
    for _ in range(2):
        call = store.start_call(CallMetadata(call_type="collections", customer_ref="C-9"))
        store.add_utterance(
            call, _final("u1", Speaker.CUSTOMER, "我想申请分期还款 下周五还3000元", 1.0)
        )
        store.end_call(call, summarise(store.record(call)))
    assert store.contacts_today("C-9") == 2
    assert store.contacts_today("C-other") == 0
    assert len(store.calls(search="分期")) == 2 and store.calls(search="征信") == []
    summary = store.calls()[0].summary
    assert summary is not None
    assert summary["disposition"] == "promise_to_pay"
    assert "3000元" in summary["key_facts"]["amounts"] and "下周五" in summary["key_facts"]["dates"]
    store.save_summary(call, {**summary, "summary": [f"客户报了身份证{ID}"]})
    records = list(store.iter_records(store.calls()))
    exported = to_json(records) + to_csv(records)
    assert ID not in exported
    rows = list(csv.DictReader(io.StringIO(to_csv(records))))
    assert {r["edited"] for r in rows} == {"0", "1"}
    assert json.loads(to_json(records))[0]["call"]["call_type"] == "collections"
