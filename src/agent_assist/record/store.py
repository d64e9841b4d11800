"""The local call record: SQLite in WAL mode, written as the call happens.

Every write is its own transaction, so a crash (even ``kill -9``) loses at most the
utterance in flight; the next open marks calls that never ended as ``interrupted``.
Only masked text is ever written: the store masks again whatever it is given.
The database, its WAL side files and the folders it creates are readable by their owner only
(POSIX; on Windows the user profile's ACL applies, see ``owner_only``).

With ``encrypt`` on, every column that holds what was said or shown (see ``_SEALED``) is
sealed with AES-GCM (``record.crypto``); ids, times, kinds, statuses and scores stay in clear
so calls can be listed and filtered. Sealed values carry their own prefix, so one file can
hold clear rows from before and sealed rows from after encryption was switched on.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import sqlite3
import threading
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from agent_assist.domain import RetrievalResult, Transcript
from agent_assist.errors import AgentAssistError
from agent_assist.guidance.call_meta import CallMetadata
from agent_assist.guidance.events import Alert, AlertFollowUp, ChecklistUpdate
from agent_assist.guidance.pii import mask_pii
from agent_assist.record import owner_only
from agent_assist.record.crypto import RecordCipher, is_sealed, open_cipher

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 2  # 2: the meta table (the id of the encryption key)
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
CREATE TABLE IF NOT EXISTS meta (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""
# The columns that hold call content: sealed when the record is encrypted.
_SEALED = {
    "calls": ("customer_ref", "summary_json"),
    "utterances": ("text",),
    "cards": ("title",),
    "alerts": ("title", "quote", "how", "detail_json"),
    "checklist": ("title",),
}
_KEY_ID = "key_id"


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
    """One SQLite file of calls; safe to share between threads (one connection, one lock).

    ``encrypt``: seal the call content with the user's key from the OS keyring (made on
    first use). Raises AgentAssistError if no keyring can be used; a record is never
    written in clear while ``encrypt`` is on.
    """

    def __init__(self, path: Path, keep_last: int = 4, *, encrypt: bool = False) -> None:
        self.path = path
        self._keep_last = keep_last
        self._encrypt = encrypt
        self._lock = threading.Lock()
        self._cipher: RecordCipher | None = None
        self._sql_error: AgentAssistError | None = None
        self._db = self._connect()
        try:
            self._key_id = self._meta(_KEY_ID)
            if encrypt:
                self._start_encrypting()
        except AgentAssistError:
            self._db.close()
            raise

    def _connect(self) -> sqlite3.Connection:
        try:
            owner_only.make_folders(self.path.parent)
            owner_only.create_file(self.path)
            _warn_widened(owner_only.restrict(self.path))
            db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")  # WAL: durable against a crash
            db.execute("PRAGMA foreign_keys=ON")
            db.executescript(_SCHEMA)
            db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            self.recovered = db.execute(
                "UPDATE calls SET status='interrupted' WHERE status='live'"
            ).rowcount
            db.create_function("clear_text", 1, self._open_in_sql, deterministic=True)
        except (sqlite3.Error, OSError) as exc:
            raise AgentAssistError(f"Cannot open the call record {self.path}: {exc}") from exc
        return db

    def _start_encrypting(self) -> None:
        self._cipher = open_cipher(self.path, self._key_id, create=True)
        if self._key_id is None:
            self._write("INSERT OR REPLACE INTO meta VALUES (?, ?)", (_KEY_ID, self._cipher.key_id))
            self._key_id = self._cipher.key_id

    def _meta(self, name: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE name=?", (name,)).fetchone()
        return None if row is None else str(row[0])

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
                self._roll_back()
                raise self._write_error(exc) from exc

    def _roll_back(self) -> None:
        if self._db.in_transaction:
            # If even the rollback fails, the error that led here is the one to report.
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")

    def _write_error(self, exc: sqlite3.Error) -> AgentAssistError:
        code = getattr(exc, "sqlite_errorcode", None)
        if code is not None and code & 0xFF == sqlite3.SQLITE_FULL:
            return AgentAssistError(
                f"The disk is full: the call record {self.path} cannot store more ({exc})."
                " Free space on that disk. The call goes on; what happens while the disk is"
                " full is not recorded, and recording resumes once there is room."
            )
        return AgentAssistError(f"Cannot write the call record {self.path}: {exc}")

    def _mask(self, text: str) -> str:
        return mask_pii(text, self._keep_last)

    def _seal(self, text: str) -> str:
        """Call content as it is stored: sealed when the record is encrypted."""
        if not self._encrypt:
            return text
        assert self._cipher is not None  # made by the constructor, or it raised
        return self._cipher.seal(text)

    def _open(self, value: Any) -> Any:
        if not is_sealed(value):
            return value
        if self._cipher is None:  # a record encrypted before: its key is needed to read it
            self._cipher = open_cipher(self.path, self._key_id, create=False)
        return self._cipher.open(value)

    def _open_in_sql(self, value: Any) -> Any:
        try:
            return self._open(value)
        except AgentAssistError as exc:
            # sqlite3 reports only "user-defined function raised exception"; keep the reason.
            self._sql_error = exc
            raise

    # -- writing during a call -----------------------------------------------------------
    def start_call(self, meta: CallMetadata, source: str = "", pack: str = "") -> str:
        call_id = f"{dt.datetime.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"
        self._write(
            "INSERT INTO calls (call_id, started_at, status, call_type, customer_ref, party,"
            " source, pack) VALUES (?, ?, 'live', ?, ?, ?, ?, ?)",
            (call_id, _now(), meta.call_type, self._seal(self._mask(meta.customer_ref)),
             meta.party.value, source, pack),
        )  # fmt: skip
        return call_id

    def add_utterance(self, call_id: str, t: Transcript) -> None:
        self._write(
            "INSERT OR REPLACE INTO utterances VALUES (?, ?, ?, ?, ?, ?)",
            (call_id, t.utterance_id, t.speaker.value, self._seal(self._mask(t.text)),
             t.start_s, t.end_s),
        )  # fmt: skip

    def add_cards(self, call_id: str, result: RetrievalResult) -> None:
        shown = _now()
        rows = [
            (call_id, result.query.seq, result.query.utterance_id, rank, s.entry_id, s.topic,
             self._seal(s.title), s.score, result.timings.total_ms, shown)
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
             alert.severity.value, self._seal(alert.title), self._seal(self._mask(alert.quote)),
             self._seal(alert.how), alert.at_s,
             self._seal(json.dumps(detail, ensure_ascii=False))),
        )  # fmt: skip

    def resolve_alert(self, call_id: str, follow_up: AlertFollowUp) -> None:
        self._write(
            "UPDATE alerts SET resolved=? WHERE call_id=? AND alert_id=?",
            (int(follow_up.resolved), call_id, follow_up.alert_id),
        )

    def set_checklist(self, call_id: str, update: ChecklistUpdate) -> None:
        rows = [(call_id, s.step_id, self._seal(s.title), int(s.required), int(s.done),
                 s.done_at_s) for s in update.steps]  # fmt: skip
        self._write_many("INSERT OR REPLACE INTO checklist VALUES (?,?,?,?,?,?)", rows)

    def end_call(self, call_id: str, summary: dict[str, Any]) -> None:
        self._write(
            "UPDATE calls SET status='ended', ended_at=?, summary_json=? WHERE call_id=?",
            (_now(), self._seal(json.dumps(summary, ensure_ascii=False)), call_id),
        )

    def save_summary(self, call_id: str, summary: dict[str, Any]) -> None:
        """The agent's edited summary replaces the generated one (masked again)."""
        masked = json.loads(self._mask(json.dumps(summary, ensure_ascii=False)))
        self._write(
            "UPDATE calls SET summary_json=?, edited=1 WHERE call_id=?",
            (self._seal(json.dumps(masked, ensure_ascii=False)), call_id),
        )

    # -- reading -------------------------------------------------------------------------
    def _select(self, sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
        """Rows as dicts with the call content opened. The caller holds the lock."""
        self._sql_error = None
        try:
            cursor = self._db.execute(sql, params)
            names = [c[0] for c in cursor.description]
            rows = cursor.fetchall()
        except sqlite3.Error as exc:
            if self._sql_error is not None:
                raise self._sql_error from exc
            raise AgentAssistError(f"Cannot read the call record {self.path}: {exc}") from exc
        return [
            {
                k: self._open(v) if k in _SEALED_COLUMNS else v
                for k, v in zip(names, row, strict=True)
            }
            for row in rows
        ]

    def contacts_today(self, customer_ref: str, time_zone_today: dt.date | None = None) -> int:
        """Calls to this customer started today (UTC date unless a local date is given)."""
        if not customer_ref:
            return 0
        day = (time_zone_today or dt.datetime.now(dt.UTC).date()).isoformat()
        with self._lock:
            rows = self._select(
                "SELECT COUNT(*) AS n FROM calls"
                " WHERE substr(started_at,1,10)=? AND clear_text(customer_ref)=?",
                (day, self._mask(customer_ref)),
            )
        return int(rows[0]["n"])

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
                " AND (clear_text(customer_ref) LIKE ? OR clear_text(summary_json) LIKE ?"
                " OR call_id IN (SELECT call_id FROM utterances WHERE clear_text(text) LIKE ?))"
            )
            params += [like, like, like]
        sql += " ORDER BY started_at DESC LIMIT ?"
        params.append(limit)
        with self._lock:
            rows = self._select(sql, params)
        return [_call_row(r) for r in rows]

    def record(self, call_id: str) -> dict[str, Any]:
        """Everything stored about one call, as plain data for views and export."""
        with self._lock:
            calls = self._select("SELECT * FROM calls WHERE call_id=?", (call_id,))
            if not calls:
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
        return {"call": asdict(_call_row(calls[0])), **tables}

    def _rows(self, table: str, call_id: str, order: str) -> list[dict[str, Any]]:
        rows = self._select(f"SELECT * FROM {table} WHERE call_id=? ORDER BY {order}", (call_id,))
        for row in rows:
            del row["call_id"]
        return rows

    def iter_records(self, calls: list[CallRow]) -> Iterator[dict[str, Any]]:
        for call in calls:
            yield self.record(call.call_id)


_SEALED_COLUMNS = frozenset(column for columns in _SEALED.values() for column in columns)


def _warn_widened(paths: list[Path]) -> None:
    if paths:
        logger.warning(
            "The call record was readable by other users; made owner-only: %s",
            ", ".join(str(p) for p in paths),
        )


def _call_row(row: dict[str, Any]) -> CallRow:
    summary = row["summary_json"]
    return CallRow(
        call_id=row["call_id"],
        started_at=row["started_at"],
        ended_at=row["ended_at"],
        status=row["status"],
        call_type=row["call_type"],
        customer_ref=row["customer_ref"],
        party=row["party"],
        source=row["source"],
        pack=row["pack"],
        summary=json.loads(summary) if summary else None,
        edited=bool(row["edited"]),
    )
