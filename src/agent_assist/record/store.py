"""The local call record: SQLite in WAL mode, written as the call happens.

Every write is its own transaction, so a crash (even ``kill -9``) loses at most the
utterance in flight; the next open marks calls that never ended as ``interrupted``.
Only masked text is ever written: the store masks again whatever it is given.
The file is readable by its owner only.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from agent_assist.domain import RetrievalResult, Transcript
from agent_assist.errors import AgentAssistError
from agent_assist.guidance.call_meta import CallMetadata
from agent_assist.guidance.events import Alert, AlertFollowUp, ChecklistUpdate
from agent_assist.guidance.pii import mask_pii

SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS calls (
    call_id TEXT PRIMARY KEY,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    status TEXT NOT NULL,            -- live, ended, interrupted
    call_type TEXT NOT NULL DEFAULT '',
    customer_ref TEXT NOT NULL DEFAULT '',
    party TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    pack TEXT NOT NULL DEFAULT '',
    summary_json TEXT,
    edited INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS utterances (
    call_id TEXT NOT NULL REFERENCES calls(call_id),
    utterance_id TEXT NOT NULL,
    speaker TEXT NOT NULL,
    text TEXT NOT NULL,
    start_s REAL NOT NULL,
    end_s REAL NOT NULL,
    PRIMARY KEY (call_id, utterance_id)
);
CREATE TABLE IF NOT EXISTS cards (
    call_id TEXT NOT NULL REFERENCES calls(call_id),
    seq INTEGER NOT NULL,
    utterance_id TEXT NOT NULL,
    rank INTEGER NOT NULL,
    entry_id TEXT NOT NULL,
    topic TEXT NOT NULL,
    title TEXT NOT NULL,
    score REAL NOT NULL,
    latency_ms REAL,
    shown_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS card_actions (
    call_id TEXT NOT NULL REFERENCES calls(call_id),
    entry_id TEXT NOT NULL,
    action TEXT NOT NULL,            -- used, helpful, unhelpful
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS alerts (
    call_id TEXT NOT NULL REFERENCES calls(call_id),
    alert_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    rule_id TEXT NOT NULL,
    category TEXT NOT NULL,
    severity TEXT NOT NULL,
    title TEXT NOT NULL,
    quote TEXT NOT NULL,
    how TEXT NOT NULL,
    at_s REAL NOT NULL,
    resolved INTEGER,                -- emotion follow-up: 1 acknowledged, 0 not, NULL n/a
    detail_json TEXT NOT NULL,
    PRIMARY KEY (call_id, alert_id)
);
CREATE TABLE IF NOT EXISTS checklist (
    call_id TEXT NOT NULL REFERENCES calls(call_id),
    step_id TEXT NOT NULL,
    title TEXT NOT NULL,
    required INTEGER NOT NULL,
    done INTEGER NOT NULL,
    done_at_s REAL,
    PRIMARY KEY (call_id, step_id)
);
CREATE INDEX IF NOT EXISTS calls_started ON calls(started_at);
CREATE INDEX IF NOT EXISTS calls_customer ON calls(customer_ref, started_at);
"""


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class CallRow:
    call_id: str
    started_at: str
    ended_at: str | None
    status: str
    call_type: str
    customer_ref: str
    party: str
    source: str
    pack: str
    summary: dict[str, Any] | None
    edited: bool


class CallStore:
    """One SQLite file of calls; safe to share between threads (one connection, one lock)."""

    def __init__(self, path: Path, keep_last: int = 4) -> None:
        self.path = path
        self._keep_last = keep_last
        self._lock = threading.Lock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fresh = not path.exists()
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            if fresh:
                os.chmod(path, 0o600)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")  # WAL: durable against a crash
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.executescript(_SCHEMA)
            self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            self.recovered = self._db.execute(
                "UPDATE calls SET status='interrupted' WHERE status='live'"
            ).rowcount
        except sqlite3.Error as exc:
            raise AgentAssistError(f"Cannot open the call record {path}: {exc}") from exc

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _write(self, sql: str, params: tuple[Any, ...]) -> None:
        self._write_many(sql, [params])

    def _write_many(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        """All rows in one transaction: all stored, or none (rolled back)."""
        with self._lock:
            try:
                self._db.execute("BEGIN")
                self._db.executemany(sql, rows)
                self._db.execute("COMMIT")
            except sqlite3.Error as exc:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise AgentAssistError(f"Cannot write the call record {self.path}: {exc}") from exc

    def _mask(self, text: str) -> str:
        return mask_pii(text, self._keep_last)

    # -- writing during a call -----------------------------------------------------------
    def start_call(self, meta: CallMetadata, source: str = "", pack: str = "") -> str:
        call_id = f"{dt.datetime.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"
        self._write(
            "INSERT INTO calls (call_id, started_at, status, call_type, customer_ref, party,"
            " source, pack) VALUES (?, ?, 'live', ?, ?, ?, ?, ?)",
            (call_id, _now(), meta.call_type, self._mask(meta.customer_ref), meta.party.value,
             source, pack),
        )  # fmt: skip
        return call_id

    def add_utterance(self, call_id: str, t: Transcript) -> None:
        self._write(
            "INSERT OR REPLACE INTO utterances VALUES (?, ?, ?, ?, ?, ?)",
            (call_id, t.utterance_id, t.speaker.value, self._mask(t.text), t.start_s, t.end_s),
        )

    def add_cards(self, call_id: str, result: RetrievalResult) -> None:
        shown = _now()
        rows = [
            (call_id, result.query.seq, result.query.utterance_id, rank, s.entry_id, s.topic,
             s.title, s.score, result.timings.total_ms, shown)
            for rank, s in enumerate(result.suggestions, 1)
        ]  # fmt: skip
        self._write_many("INSERT INTO cards VALUES (?,?,?,?,?,?,?,?,?,?)", rows)

    def add_card_action(self, call_id: str, entry_id: str, action: str) -> None:
        if action not in ("used", "helpful", "unhelpful"):
            raise ValueError(f"unknown card action {action!r}")
        self._write(
            "INSERT INTO card_actions VALUES (?, ?, ?, ?)", (call_id, entry_id, action, _now())
        )

    def add_alert(self, call_id: str, alert: Alert) -> None:
        detail = {"advice": alert.advice, "score": alert.score, "ticket": alert.ticket,
                  "speaker": alert.speaker.value if alert.speaker else None,
                  "utterance_id": alert.utterance_id}  # fmt: skip
        self._write(
            "INSERT OR REPLACE INTO alerts VALUES (?,?,?,?,?,?,?,?,?,?,NULL,?)",
            (call_id, alert.alert_id, alert.kind.value, alert.rule_id, alert.category,
             alert.severity.value, alert.title, self._mask(alert.quote), alert.how, alert.at_s,
             json.dumps(detail, ensure_ascii=False)),
        )  # fmt: skip

    def resolve_alert(self, call_id: str, follow_up: AlertFollowUp) -> None:
        self._write(
            "UPDATE alerts SET resolved=? WHERE call_id=? AND alert_id=?",
            (int(follow_up.resolved), call_id, follow_up.alert_id),
        )

    def set_checklist(self, call_id: str, update: ChecklistUpdate) -> None:
        rows = [(call_id, s.step_id, s.title, int(s.required), int(s.done), s.done_at_s)
                for s in update.steps]  # fmt: skip
        self._write_many("INSERT OR REPLACE INTO checklist VALUES (?,?,?,?,?,?)", rows)

    def end_call(self, call_id: str, summary: dict[str, Any]) -> None:
        self._write(
            "UPDATE calls SET status='ended', ended_at=?, summary_json=? WHERE call_id=?",
            (_now(), json.dumps(summary, ensure_ascii=False), call_id),
        )

    def save_summary(self, call_id: str, summary: dict[str, Any]) -> None:
        """The agent's edited summary replaces the generated one (masked again)."""
        masked = json.loads(self._mask(json.dumps(summary, ensure_ascii=False)))
        self._write(
            "UPDATE calls SET summary_json=?, edited=1 WHERE call_id=?",
            (json.dumps(masked, ensure_ascii=False), call_id),
        )

    # -- reading -------------------------------------------------------------------------
    def contacts_today(self, customer_ref: str, time_zone_today: dt.date | None = None) -> int:
        """Calls to this customer started today (UTC date unless a local date is given)."""
        if not customer_ref:
            return 0
        day = (time_zone_today or dt.datetime.now(dt.UTC).date()).isoformat()
        with self._lock:
            row = self._db.execute(
                "SELECT COUNT(*) FROM calls WHERE customer_ref=? AND substr(started_at,1,10)=?",
                (self._mask(customer_ref), day),
            ).fetchone()
        return int(row[0])

    def calls(
        self,
        search: str = "",
        since: dt.date | None = None,
        until: dt.date | None = None,
        limit: int = 200,
    ) -> list[CallRow]:
        """Newest first; ``search`` looks in the transcript, summary and customer reference."""
        sql = "SELECT * FROM calls WHERE 1=1"
        params: list[Any] = []
        if since:
            sql += " AND substr(started_at,1,10) >= ?"
            params.append(since.isoformat())
        if until:
            sql += " AND substr(started_at,1,10) <= ?"
            params.append(until.isoformat())
        if search:
            like = f"%{search}%"
            sql += (
                " AND (customer_ref LIKE ? OR summary_json LIKE ? OR call_id IN"
                " (SELECT call_id FROM utterances WHERE text LIKE ?))"
            )
            params += [like, like, like]
        sql += " ORDER BY started_at DESC LIMIT ?"
        params.append(limit)
        with self._lock:
            rows = self._db.execute(sql, params).fetchall()
        return [_call_row(r) for r in rows]

    def record(self, call_id: str) -> dict[str, Any]:
        """Everything stored about one call, as plain data for views and export."""
        with self._lock:
            call = self._db.execute("SELECT * FROM calls WHERE call_id=?", (call_id,)).fetchone()
            if call is None:
                raise AgentAssistError(f"No call {call_id!r} in {self.path}")
            tables = {
                name: self._rows(name, call_id, order)
                for name, order in (
                    ("utterances", "start_s"),
                    ("cards", "seq, rank"),
                    ("card_actions", "at"),
                    ("alerts", "alert_id"),
                    ("checklist", "rowid"),
                )
            }
        for alert in tables["alerts"]:
            alert.update(json.loads(alert.pop("detail_json")))
        return {"call": asdict(_call_row(call)), **tables}

    def _rows(self, table: str, call_id: str, order: str) -> list[dict[str, Any]]:
        cursor = self._db.execute(
            f"SELECT * FROM {table} WHERE call_id=? ORDER BY {order}",
            (call_id,),
        )
        names = [c[0] for c in cursor.description]
        return [{k: v for k, v in zip(names, row, strict=True) if k != "call_id"} for row in cursor]

    def iter_records(self, calls: list[CallRow]) -> Iterator[dict[str, Any]]:
        for call in calls:
            yield self.record(call.call_id)


def _call_row(row: tuple[Any, ...]) -> CallRow:
    (call_id, started, ended, status, call_type, customer, party, source, pack, summary,
     edited) = row  # fmt: skip
    return CallRow(call_id, started, ended, status, call_type, customer, party, source, pack,
                   json.loads(summary) if summary else None, bool(edited))  # fmt: skip
