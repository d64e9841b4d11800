from __future__ import annotations

import os
import shutil
from pathlib import Path

from agent_assist.retrieval.pack import load_pack, merge_packs
from agent_assist.retrieval.pack_watch import PackWatcher
from tests.conftest import SAMPLE_PACK

TEAM_PACK = """\
id: collections-team
version: 2.1.0
title: 催收组话术
owner: 王组长
languages: [zh]
terms: [停息挂账]
"""


def _team_pack(tmp_path: Path, base_entry_id: str) -> Path:
    team = tmp_path / "team"
    team.mkdir()
    (team / "manifest.yaml").write_text(TEAM_PACK, encoding="utf-8")
    (team / "knowledge.yaml").write_text(
        "entries:\n"
        f"  - id: {base_entry_id}\n    topic: hardship\n    title: 本组口径\n"
        "    questions: [我还不上了怎么办]\n    answer: 按本组口径答复\n"
        "  - id: team-only\n    topic: hardship\n    title: 停息挂账\n"
        "    questions: [能停息挂账吗]\n    answer: 可以申请协商\n",
        encoding="utf-8",
    )
    (team / "scripts.yaml").write_text("scripts: []\n", encoding="utf-8")
    return team


def test_a_team_pack_replaces_base_entries_with_the_same_id_and_adds_its_own(
    tmp_path: Path,
) -> None:
    base = load_pack(SAMPLE_PACK)
    replaced = base.entries[3].id
    merged = merge_packs([base, load_pack(_team_pack(tmp_path, replaced))])
    by_id = {e.id: e for e in merged.entries}
    assert by_id[replaced].answer == "按本组口径答复"
    assert "team-only" in by_id
    assert len(merged.entries) == len(base.entries) + 1
    assert merged.manifest.id == f"{base.manifest.id}+collections-team"
    assert "停息挂账" in merged.manifest.terms and "征信" in merged.manifest.terms
    assert len(merged.file_sha256) == 6


def test_the_watcher_sees_an_edit_once_and_a_removed_file(tmp_path: Path) -> None:
    pack = Path(shutil.copytree(SAMPLE_PACK, tmp_path / "pack"))
    watcher = PackWatcher([pack])
    assert not watcher.changed()
    knowledge = pack / "knowledge.yaml"
    knowledge.write_text(knowledge.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    stat = knowledge.stat()
    os.utime(knowledge, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert watcher.changed()
    assert not watcher.changed()
    (pack / "scripts.yaml").unlink()
    assert watcher.changed()
