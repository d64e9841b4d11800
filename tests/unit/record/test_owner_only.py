"""The call record's files and the folders made for it are for their owner only (POSIX)."""

from __future__ import annotations

import logging
import os
import platform
import sqlite3
import stat
from pathlib import Path

import pytest

from agent_assist.domain import Speaker, Transcript
from agent_assist.guidance.call_meta import CallMetadata
from agent_assist.record.store import CallStore

pytestmark = pytest.mark.skipif(
    platform.system() == "Windows", reason="the user profile's ACL applies on Windows"
)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _with_side_files(path: Path) -> list[Path]:
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


def test_a_new_record_its_side_files_and_new_folders_are_owner_only(tmp_path: Path) -> None:
    os.chmod(tmp_path, 0o755)
    path = tmp_path / "home" / "data" / "calls.sqlite3"
    store = CallStore(path)
    store.add_utterance(
        store.start_call(CallMetadata()),
        Transcript("u1", Speaker.AGENT, "您好", True, 0.0, 1.0, 0),
    )
    assert {p.name: _mode(p) for p in _with_side_files(path)} == {
        "calls.sqlite3": 0o600,
        "calls.sqlite3-wal": 0o600,
        "calls.sqlite3-shm": 0o600,
    }
    assert _mode(path.parent) == _mode(path.parent.parent) == 0o700
    assert _mode(tmp_path) == 0o755  # a folder that was there already is left as it was


def test_a_record_readable_by_others_is_made_owner_only_when_opened(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "calls.sqlite3"
    CallStore(path).close()
    writer = sqlite3.connect(path)  # another connection keeps the WAL side files
    writer.execute("INSERT INTO meta VALUES ('probe', 'x')")
    writer.commit()
    for file in _with_side_files(path):
        os.chmod(file, 0o644)
    with caplog.at_level(logging.WARNING, logger="agent_assist.record.store"):
        CallStore(path).close()
    assert [_mode(p) for p in _with_side_files(path)] == [0o600] * 3
    writer.close()
    assert "made owner-only" in caplog.text and "calls.sqlite3-wal" in caplog.text
