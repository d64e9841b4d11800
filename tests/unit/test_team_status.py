import dataclasses
import datetime as dt
import json
import logging
import platform
import shutil
from pathlib import Path

import pytest

from agent_assist.config import Settings, TeamSettings
from agent_assist.retrieval.pack import ScriptPack, load_pack
from agent_assist.team_status import (
    WorkstationStatus,
    pack_digest,
    publish_status,
    read_statuses,
    status_for,
    write_status,
)
from tests.conftest import SAMPLE_PACK

NOON = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def sample_pack() -> ScriptPack:
    return load_pack(SAMPLE_PACK)


def _status(agent_id: str = "agent-7", version: str = "1.0.0") -> WorkstationStatus:
    return WorkstationStatus(
        agent_id, "CC-PC-07", "0.1.0", "sample-consumer-finance", version, "0123456789ab", NOON
    )


def _edited_copy(tmp_path: Path, file: str, old: str, new: str) -> ScriptPack:
    pack = Path(shutil.copytree(SAMPLE_PACK, tmp_path / "pack"))
    text = (pack / file).read_text(encoding="utf-8")
    assert old in text
    (pack / file).write_text(text.replace(old, new, 1), encoding="utf-8")
    return load_pack(pack)


def test_a_written_status_reads_back_equal(tmp_path: Path) -> None:
    write_status(tmp_path, _status())
    assert read_statuses(tmp_path) == [_status()]


def test_the_file_holds_the_status_fields_and_nothing_else(tmp_path: Path) -> None:
    file = write_status(tmp_path, _status())
    assert file == tmp_path / "agent-7.json"
    keys = set(json.loads(file.read_text(encoding="utf-8")))
    assert keys == {f.name for f in dataclasses.fields(WorkstationStatus)}


def test_rewriting_replaces_the_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    write_status(tmp_path, _status(version="1.0.0"))
    write_status(tmp_path, _status(version="1.1.0"))
    assert [p.name for p in tmp_path.iterdir()] == ["agent-7.json"]
    assert [s.pack_version for s in read_statuses(tmp_path)] == ["1.1.0"]


def test_the_shared_folder_is_created(tmp_path: Path) -> None:
    write_status(tmp_path / "share" / "team-a", _status())
    assert len(read_statuses(tmp_path / "share" / "team-a")) == 1


@pytest.mark.parametrize("agent_id", ["../../etc/passwd", "a/b\\c", "..", "张伟 (夜班)"])
def test_any_agent_id_stays_a_file_inside_the_folder(tmp_path: Path, agent_id: str) -> None:
    file = write_status(tmp_path, _status(agent_id))
    assert file.parent == tmp_path
    assert not file.name.startswith(".")
    assert read_statuses(tmp_path)[0].agent_id == agent_id


def test_unreadable_files_are_logged_and_skipped(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    write_status(tmp_path, _status("good"))
    (tmp_path / "garbage.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "list.json").write_text("[1, 2]", encoding="utf-8")
    (tmp_path / "missing.json").write_text('{"agent_id": "x"}', encoding="utf-8")
    wrong_type = json.loads(_status("typed").to_json()) | {"pack_version": 1}
    (tmp_path / "typed.json").write_text(json.dumps(wrong_type), encoding="utf-8")
    bad_date = json.loads(_status("dated").to_json()) | {"updated_at": "yesterday"}
    (tmp_path / "dated.json").write_text(json.dumps(bad_date), encoding="utf-8")
    (tmp_path / "binary.json").write_bytes(b"\xff\xfe\x00garbage")
    (tmp_path / "folder.json").mkdir()
    (tmp_path / "notes.txt").write_text("not a status", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="agent_assist.team_status"):
        statuses = read_statuses(tmp_path)
    assert [s.agent_id for s in statuses] == ["good"]
    skipped = {r.args[0] for r in caplog.records if r.args}
    assert skipped == {
        "garbage.json", "list.json", "missing.json", "typed.json", "dated.json", "binary.json"
    }  # fmt: skip


def test_a_missing_folder_reads_as_no_workstations(tmp_path: Path) -> None:
    assert read_statuses(tmp_path / "not-mounted") == []


def test_statuses_are_ordered_by_agent(tmp_path: Path) -> None:
    for agent in ("wang", "li", "zhang"):
        write_status(tmp_path, _status(agent))
    assert [s.agent_id for s in read_statuses(tmp_path)] == ["li", "wang", "zhang"]


def test_a_time_without_zone_is_read_as_utc(tmp_path: Path) -> None:
    naive = json.loads(_status().to_json()) | {"updated_at": "2026-03-02T12:00:00"}
    (tmp_path / "agent-7.json").write_text(json.dumps(naive), encoding="utf-8")
    assert read_statuses(tmp_path)[0].updated_at == NOON


def test_status_for_names_the_pack_and_this_computer(sample_pack: ScriptPack) -> None:
    status = status_for(Settings(), sample_pack, now=NOON)
    assert (status.pack_id, status.pack_version) == ("sample-consumer-finance", "1.0.0")
    assert status.pack_sha == pack_digest(sample_pack)
    assert status.agent_id == platform.node() == status.host
    assert status.updated_at == NOON


def test_a_configured_agent_id_is_used(sample_pack: ScriptPack) -> None:
    settings = Settings(team=TeamSettings(agent_id="zhang.wei"))
    assert status_for(settings, sample_pack).agent_id == "zhang.wei"


def test_the_digest_is_stable_for_the_same_files(sample_pack: ScriptPack) -> None:
    assert pack_digest(load_pack(SAMPLE_PACK)) == pack_digest(sample_pack)
    assert len(pack_digest(sample_pack)) == 12


@pytest.mark.parametrize(
    ("file", "old", "new"),
    [
        ("knowledge.yaml", "您可以在App", "您可以在手机App"),
        ("guidance_examples.yaml", "ordinary:\n", "ordinary:\n- 好的 我再帮您确认一下\n"),
    ],
)
def test_the_digest_changes_when_a_file_changes_under_the_same_version(
    tmp_path: Path, sample_pack: ScriptPack, file: str, old: str, new: str
) -> None:
    edited = _edited_copy(tmp_path, file, old, new)
    assert edited.manifest.version == sample_pack.manifest.version
    assert pack_digest(edited) != pack_digest(sample_pack)


def test_publish_writes_only_when_a_folder_is_configured(
    tmp_path: Path, sample_pack: ScriptPack
) -> None:
    assert not publish_status(Settings(), sample_pack)
    settings = Settings(team=TeamSettings(status_dir=tmp_path, agent_id="li.na"))
    assert publish_status(settings, sample_pack)
    assert [s.agent_id for s in read_statuses(tmp_path)] == ["li.na"]


def test_publish_to_an_unwritable_folder_logs_and_carries_on(
    tmp_path: Path, sample_pack: ScriptPack, caplog: pytest.LogCaptureFixture
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    settings = Settings(team=TeamSettings(status_dir=blocked))
    with caplog.at_level(logging.WARNING, logger="agent_assist.team_status"):
        assert not publish_status(settings, sample_pack)
    assert "cannot report" in caplog.text
